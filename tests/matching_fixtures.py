import datetime

from django.utils import timezone

from matching.models import AdvisorRequest, Engagement, RequiredSkill
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


def make_engagement(proposal, *, kind=None, **fields):
    """An active engagement for a selected proposal, with typed terms (a monthly retainer by default)."""
    request = proposal.request
    kind = kind or request.kind
    today = timezone.localdate()
    if kind == "hire":
        terms = {"employment_type": "full_time", "hire_date": today, "weekly_hours": 40, "annual_salary_jpy": 5_600_000}
    else:
        terms = {
            "scope": request.title,
            "fee_basis": "monthly" if kind == "advisor" else "hourly",
            "fee_jpy": 50_000 if kind == "advisor" else 20_000,
            "hours_per_month": 8,
            "service_start": today,
            "payment_due_days": 30,
            "payment_method": "bank_transfer",
        }
    return Engagement.objects.create(
        request=request,
        proposal=proposal,
        specialist=proposal.specialist,
        company=request.company,
        kind=kind,
        **({"started_on": today} | terms | fields),
    )
