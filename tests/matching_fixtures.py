import datetime

from django.utils import timezone

from matching.models import AdvisorRequest, RequiredSkill
from talent.models import Skill


def make_request(company, user, *, skills=None, status="open", **fields):
    defaults = {
        "kind": "spot",
        "title": "ランサムウェア対策の相談",
        "budget_jpy": 30_000,
        "start_date": timezone.localdate() + datetime.timedelta(days=7),
        "slots": 2,
        "remote_ok": True,
    }
    request = AdvisorRequest.objects.create(company=company, created_by=user, status=status, **(defaults | fields))
    by_slug = {skill.slug: skill for skill in Skill.objects.all()}
    for slug, level in (skills or {}).items():
        RequiredSkill.objects.create(request=request, skill=by_slug[slug], min_level=level)
    return request
