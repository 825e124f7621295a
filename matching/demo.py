"""Illustrative requests for the demo SMEs, walked through every stage of the loop.

Every step goes through the services, as a person would through the API: a chamber
run proposes, the chamber admin approves or rejects, specialists accept or decline,
the SME selects with its terms, engagements run, end and are reviewed. Each
specialist on a proposal gets the demo password, so every side can be walked.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import Company, CompanyMembership, User
from matching.models import AdvisorRequest, Engagement, MatchRun, Proposal, RequiredSkill
from matching.services import engagements, proposals, runs
from talent.models import Skill

# kind, title, required skills, budget, certification, onsite, what happens to it
REQUESTS = [
    ("advisor", "かかりつけセキュリティ顧問（月2回）", {"isms_policy": 3}, 80_000, "any", False, "engaged"),
    (
        "spot",
        "取引先から求められたセキュリティチェックシートの相談",
        {"risk_assessment": 3},
        20_000,
        "none",
        False,
        "accepted",
    ),
    (
        "incident",
        "ランサムウェア感染の疑い：初動対応とフォレンジック",
        {"incident_response": 4},
        40_000,
        "riss",
        False,
        "approved",
    ),
    ("spot", "標的型メール訓練の企画", {"awareness_training": 2}, 25_000, "none", False, "completed"),
    ("advisor", "個人情報保護法対応の顧問", {"personal_information": 2}, 60_000, "none", False, "pending"),
    ("hire", "社内セキュリティ担当者（正社員）の採用", {"incident_response": 3}, 5_600_000, "none", False, "engaged"),
]


@dataclass
class DemoResult:
    requests: int = 0
    proposals: Counter[str] = field(default_factory=Counter)
    engagements: Counter[str] = field(default_factory=Counter)
    specialist_logins: dict[str, str] = field(default_factory=dict)


def _walk(request: AdvisorRequest, goal: str, admin: User, owner: User) -> None:
    """Move the request's proposals to the stage named by `goal`."""
    ranked = list(Proposal.objects.filter(request=request).select_related("specialist__user").order_by("rank"))
    if goal == "pending" or not ranked:
        return
    first, rest = ranked[0], ranked[1:]
    proposals.approve_proposal(proposal=first, admin=admin, note="経験・資格とも要件を満たす")
    if rest:
        proposals.reject_proposal(proposal=rest[-1], admin=admin, note="対応可能な地域外のため（デモ）")
    for other in rest[:-1]:
        proposals.approve_proposal(proposal=other, admin=admin)
    if goal == "approved":
        return
    proposals.accept_proposal(proposal=Proposal.objects.get(pk=first.pk), user=first.specialist.user, declaration="")
    if goal == "accepted":
        return
    if request.kind == "hire":
        terms: dict[str, object] = {"weekly_hours": 40}
    else:
        terms = {"scope": request.title, "hours_per_month": 8, "payment_due_days": 30}
    engagement = engagements.select_proposal(proposal=Proposal.objects.get(pk=first.pk), user=owner, terms=terms)
    if goal == "completed":
        engagements.complete_engagement(engagement=engagement, user=owner, note="訓練実施・報告書受領")
        engagements.review_engagement(engagement=engagement, user=owner, rating=5, comment="丁寧な報告でした（デモ）")


def seed(password: str) -> DemoResult:
    """Idempotent: skips when the demo requests exist."""
    result = DemoResult()
    if AdvisorRequest.objects.filter(title=REQUESTS[0][1]).exists():
        return result
    company = (
        Company.objects.filter(
            status=Company.Status.VERIFIED, chamber__name__contains="(demo)", memberships__role="owner"
        )
        .order_by("name")
        .first()
    )
    if company is None:
        return result
    owner = CompanyMembership.objects.filter(company=company, role="owner").select_related("user").get().user
    admin = User.objects.filter(role=User.Role.CHAMBER_ADMIN, chamber=company.chamber).order_by("email").first()
    if admin is None:
        return result
    skills = {skill.slug: skill for skill in Skill.objects.all()}
    start = timezone.localdate() + datetime.timedelta(days=14)
    for kind, title, required, budget, certification, onsite, goal in REQUESTS:
        request = AdvisorRequest.objects.create(
            company=company,
            created_by=owner,
            kind=kind,
            title=title,
            budget_jpy=budget,
            start_date=start,
            required_certification=certification,
            onsite_required=onsite,
            remote_ok=not onsite,
            status=AdvisorRequest.Status.OPEN,
            published_at=timezone.now(),
            hours_per_month=8,
            urgency="urgent" if kind == "incident" else "normal",
            employment_type="full_time" if kind == "hire" else "",
        )
        RequiredSkill.objects.bulk_create(
            RequiredSkill(request=request, skill=skills[slug], min_level=level) for slug, level in required.items()
        )
        # One run per request, so each request's proposals can be walked before the next run.
        run = MatchRun.objects.create(chamber=company.chamber, request=request)
        runs.execute_match_run(run_id=str(run.pk))
        _walk(request, goal, admin, owner)
        result.requests += 1
    proposed = User.objects.filter(specialist__proposals__request__company=company).distinct()
    for user in proposed:
        user.set_password(password)
        user.save(update_fields=["password"])
    for proposal in Proposal.objects.filter(request__company=company).select_related("specialist__user"):
        result.proposals[proposal.status] += 1
        result.specialist_logins.setdefault(proposal.status, proposal.specialist.user.email)
    result.engagements.update(Engagement.objects.filter(company=company).values_list("status", flat=True))
    return result
