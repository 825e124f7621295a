"""Illustrative open requests for the demo SMEs, matched once so proposals await review."""

import contextlib
import datetime

from django.utils import timezone

from accounts.models import Company, CompanyMembership
from marketplace.errors import Conflict
from matching import services
from matching.models import AdvisorRequest, RequiredSkill
from talent.models import Skill

REQUESTS = [
    (
        "advisor",
        "かかりつけセキュリティ顧問（月2回訪問）",
        {"isms_policy": 3, "awareness_training": 2},
        80_000,
        "any",
        True,
    ),
    ("spot", "取引先から求められたセキュリティチェックシートの相談", {"risk_assessment": 3}, 20_000, "none", False),
    ("incident", "ランサムウェア感染の疑い：初動対応とフォレンジック", {"incident_response": 4}, 40_000, "riss", False),
]


def seed() -> int:
    """Idempotent: skips when the demo requests exist."""
    if AdvisorRequest.objects.filter(title=REQUESTS[0][1]).exists():
        return 0
    company = (
        Company.objects.filter(
            status=Company.Status.VERIFIED, chamber__name__contains="(demo)", memberships__role="owner"
        )
        .order_by("name")
        .first()
    )
    if company is None:
        return 0
    owner = CompanyMembership.objects.filter(company=company, role="owner").select_related("user").get().user
    skills = {skill.slug: skill for skill in Skill.objects.all()}
    start = timezone.localdate() + datetime.timedelta(days=14)
    for kind, title, required, budget, certification, onsite in REQUESTS:
        request = AdvisorRequest.objects.create(
            company=company, created_by=owner, kind=kind, title=title, budget_jpy=budget, start_date=start,
            required_certification=certification, onsite_required=onsite, remote_ok=not onsite,
            status=AdvisorRequest.Status.OPEN, published_at=timezone.now(),
            urgency="urgent" if kind == "incident" else "normal",
        )  # fmt: skip
        RequiredSkill.objects.bulk_create(
            RequiredSkill(request=request, skill=skills[slug], min_level=level) for slug, level in required.items()
        )
    with contextlib.suppress(Conflict):
        services.start_match_run(chamber=company.chamber, created_by=None)
    return len(REQUESTS)
