"""An SME's request for a specialist: drafted, edited, published (which starts its match
run), cancelled; open requests long past their start date expire."""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import Company, User
from marketplace import links
from marketplace.errors import Conflict, ValidationFailed, refuse_unknown_fields
from matching.models import AdvisorRequest, MatchRun, Proposal, RequiredSkill
from matching.services import proposals, runs
from notifications.services import notify
from talent.models import RequestKind, Skill
from workflow.services import transition

REQUEST_FIELDS = frozenset(
    {
        "kind",
        "title",
        "description",
        "required_certification",
        "onsite_required",
        "remote_ok",
        "budget_jpy",
        "hours_per_month",
        "start_date",
        "urgency",
        "slots",
        "employment_type",
        "personal_data_leak",
        "leak_deliberate",
        "aware_at",
        "incident_category",
    }
)


def _check_request(request: AdvisorRequest) -> None:
    errors: dict[str, str] = {}
    if request.start_date < timezone.localdate():
        errors["start_date"] = _("The start date cannot be in the past.")
    if not (request.onsite_required or request.remote_ok):
        errors["remote_ok"] = _("Allow remote work or require onsite work.")
    if request.personal_data_leak:
        if request.kind != RequestKind.INCIDENT:
            errors["personal_data_leak"] = _("Only incident requests report a personal-data leak.")
        elif request.aware_at is None:
            errors["aware_at"] = _("Say when the leak became known: the APPI clocks start then.")
        elif request.aware_at > timezone.now():
            errors["aware_at"] = _("The time of awareness cannot be in the future.")
    if request.incident_category and request.kind != RequestKind.INCIDENT:
        errors["incident_category"] = _("Only incident requests state an incident category.")
    if request.kind == RequestKind.HIRE and not request.employment_type:
        errors["employment_type"] = _("Choose full-time or part-time for a hire.")
    if errors:
        raise ValidationFailed.from_errors(errors)


def _set_required_skills(request: AdvisorRequest, required: list[dict[str, Any]]) -> None:
    slugs = [item["skill"] for item in required]
    skills = dict(Skill.objects.filter(slug__in=slugs).values_list("slug", "id"))
    unknown = sorted(set(slugs) - set(skills))
    if unknown:
        raise ValidationFailed(_("Unknown skills: %(slugs)s") % {"slugs": ", ".join(unknown)}, field="required_skills")
    if len(set(slugs)) != len(slugs):
        raise ValidationFailed(_("Each skill once."), field="required_skills")
    request.required_skills.all().delete()
    RequiredSkill.objects.bulk_create(
        RequiredSkill(request=request, skill_id=skills[item["skill"]], min_level=item["min_level"]) for item in required
    )


@transaction.atomic
def create_request(
    *, user: User, company: Company, required_skills: list[dict[str, Any]], **fields: Any
) -> AdvisorRequest:
    """An SME member drafts a request for their company."""
    access.ensure_member(user, company.pk)
    refuse_unknown_fields(fields, REQUEST_FIELDS)
    request = AdvisorRequest(company=company, created_by=user, **fields)
    _check_request(request)
    request.full_clean(exclude=["created_by"])
    request.save()
    _set_required_skills(request, required_skills)
    return request


@transaction.atomic
def update_request(*, request: AdvisorRequest, user: User, **fields: Any) -> AdvisorRequest:
    """Drafts are edited freely; once published a request is cancelled and re-posted instead."""
    access.ensure_member(user, request.company.pk)
    request = AdvisorRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != AdvisorRequest.Status.DRAFT:
        raise Conflict(_("Only a draft request can be edited."))
    required = fields.pop("required_skills", None)
    for name, value in fields.items():
        if name in REQUEST_FIELDS:
            setattr(request, name, value)
    _check_request(request)
    request.full_clean(exclude=["created_by"])
    request.save()
    if required is not None:
        _set_required_skills(request, required)
    return request


@transaction.atomic
def publish_request(*, request: AdvisorRequest, user: User) -> tuple[AdvisorRequest, MatchRun | None]:
    """draft -> open, and a single-request match run (unless the chamber has one live)."""
    access.ensure_member(user, request.company.pk)
    if not user.is_email_confirmed:
        raise Conflict(
            _(
                "Confirm your email address before publishing: "
                "open the link in the mail we sent you, or ask for a new one."
            )
        )
    if request.company.status != Company.Status.VERIFIED:
        raise Conflict(_("The company must be verified by its chamber before publishing."))
    _check_request(request)
    transition(request, to=AdvisorRequest.Status.OPEN, by=user, published_at=timezone.now())
    if request.kind == RequestKind.INCIDENT:
        # An incident cannot wait for the daily digest: the chamber's admins are told at once.
        notify(
            kind="incident_request_published",
            recipients=access.admins_of(request.company.chamber_id),
            event_key=f"incident_request_published:{request.pk}",
            context={
                "company": request.company.name,
                "title": request.title,
                "urgency": request.get_urgency_display(),
            },
            link=links.console_request(request.pk),
        )
    try:
        run = runs.start_match_run(chamber=request.company.chamber, request=request, created_by=None)
    except Conflict:
        # A chamber run is already going; the request joins the next (nightly) run.
        run = None
    return request, run


@transaction.atomic
def cancel_request(*, request: AdvisorRequest, user: User, note: str = "") -> AdvisorRequest:
    """draft | open -> cancelled; its undecided proposals expire (audited) and free capacity."""
    access.ensure_member(user, request.company.pk)
    transition(request, to=AdvisorRequest.Status.CANCELLED, by=user, note=note)
    proposals.expire_holding(Proposal.objects.filter(request=request), by=user, note=_("The request was cancelled."))
    return request


def expire_stale_requests(*, today: datetime.date | None = None) -> int:
    """Open requests whose start date passed 90 days ago without being filled expire, and
    their undecided proposals with them."""
    today = today or timezone.localdate()
    stale = AdvisorRequest.objects.filter(
        status=AdvisorRequest.Status.OPEN, start_date__lt=today - datetime.timedelta(days=90)
    )
    count = 0
    for request in stale:
        with transaction.atomic():
            try:
                transition(request, to=AdvisorRequest.Status.EXPIRED, by=None)
            except Conflict:
                continue
            proposals.expire_holding(Proposal.objects.filter(request=request), by=None, note=_("The request expired."))
            count += 1
    return count
