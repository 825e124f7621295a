"""Writes for requests, match runs, proposals and engagements."""

import datetime
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Avg, Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Chamber, Company, CompanyMembership, User
from accounts.services import transition
from marketplace.celery import send, send_on_commit
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from matching import engine, scoring, selectors, tasks
from matching.models import AdvisorRequest, Engagement, MatchRun, Proposal, RequiredSkill, Review
from matching.solver import SolverError
from talent.models import RequestKind, Skill, Specialist

logger = logging.getLogger(__name__)

REQUEST_FIELDS = frozenset(
    {
        "kind", "title", "description", "required_certification", "onsite_required", "remote_ok", "budget_jpy",
        "hours_per_month", "start_date", "urgency", "slots", "employment_type", "personal_data_leak",
        "leak_deliberate", "aware_at",
    }
)  # fmt: skip


def _ensure_member(user: User, company: Company) -> None:
    if not CompanyMembership.objects.filter(company=company, user=user).exists():
        raise NotFound(_("Company not found."))


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
    if request.kind == RequestKind.HIRE and not request.employment_type:
        errors["employment_type"] = _("Choose full-time or part-time for a hire.")
    if errors:
        raise ValidationFailed(next(iter(errors.values())), field=next(iter(errors)), errors=errors)


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
    _ensure_member(user, company)
    unknown = set(fields) - REQUEST_FIELDS
    if unknown:
        raise ValidationFailed(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    request = AdvisorRequest(company=company, created_by=user, **fields)
    _check_request(request)
    request.full_clean(exclude=["created_by"])
    request.save()
    _set_required_skills(request, required_skills)
    return request


@transaction.atomic
def update_request(*, request: AdvisorRequest, user: User, **fields: Any) -> AdvisorRequest:
    """Drafts are edited freely; once published a request is cancelled and re-posted instead."""
    _ensure_member(user, request.company)
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
    _ensure_member(user, request.company)
    if request.company.status != Company.Status.VERIFIED:
        raise Conflict(_("The company must be verified by its chamber before publishing."))
    _check_request(request)
    transition(request, to=AdvisorRequest.Status.OPEN, by=user, published_at=timezone.now())
    try:
        run = start_match_run(chamber=request.company.chamber, request=request, created_by=None)
    except Conflict:
        # A chamber run is already going; the request joins the next (nightly) run.
        run = None
    return request, run


@transaction.atomic
def cancel_request(*, request: AdvisorRequest, user: User, note: str = "") -> AdvisorRequest:
    _ensure_member(user, request.company)
    transition(request, to=AdvisorRequest.Status.CANCELLED, by=user, note=note)
    Proposal.objects.filter(request=request, status__in=["pending_review", "approved", "accepted"]).update(
        status=Proposal.Status.EXPIRED
    )
    return request


def ensure_admin_of(user: User, chamber_id: Any) -> None:
    if not (user.is_staff or (user.is_chamber_admin and user.chamber_id == chamber_id)):
        raise NotFound(_("Not found."))


@transaction.atomic
def start_match_run(
    *,
    chamber: Chamber,
    created_by: User | None,
    request: AdvisorRequest | None = None,
    parameters: dict[str, Any] | None = None,
) -> MatchRun:
    """Queue a run for one request or the chamber's open requests; one live run per chamber."""
    parameters = parameters or {}
    try:
        scoring.validate_weights(parameters.get("weights", {}))
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="parameters") from exc
    if request is not None and request.status != AdvisorRequest.Status.OPEN:
        raise Conflict(_("Only an open request can be matched."))
    try:
        with transaction.atomic():
            run = MatchRun.objects.create(
                chamber=chamber, request=request, parameters=parameters, created_by=created_by
            )
    except IntegrityError as exc:
        live = MatchRun.objects.filter(chamber=chamber, status__in=MatchRun.LIVE).first()
        raise Conflict(
            _("Match run %(run)s is already %(status)s for this chamber.")
            % {"run": live.pk if live else "?", "status": live.status if live else "running"}
        ) from exc
    # If the broker is down, the run stays queued and requeue_stalled_runs sends it later.
    send_on_commit(tasks.run_match, str(run.pk))
    return run


def requeue_stalled_runs(*, queued_for: datetime.timedelta = datetime.timedelta(minutes=2)) -> list[str]:
    """Beat: re-send runs queued for a while (their message was lost or never sent) and runs
    'running' for longer than the broker's visibility timeout (their worker died). Executing a
    run twice is harmless: execute_match_run claims it under a lock and writes idempotently."""
    now = timezone.now()
    stale_running = now - datetime.timedelta(seconds=settings.CELERY_VISIBILITY_TIMEOUT)
    stalled = MatchRun.objects.filter(
        Q(status=MatchRun.Status.QUEUED, created_at__lt=now - queued_for)
        | Q(status=MatchRun.Status.RUNNING, started_at__lt=stale_running)
    ).values_list("pk", flat=True)
    return [str(pk) for pk in stalled if send(tasks.run_match, str(pk))]


def start_match_run_for(*, admin: User, request_id: Any, parameters: dict[str, Any] | None) -> MatchRun:
    """A chamber admin's run: one of their chamber's requests, or all its open requests."""
    if request_id is not None:
        # Another chamber's request is out of reach: 404, whatever its id.
        target = selectors.access_request(admin, request_id)
        return start_match_run(chamber=target.company.chamber, request=target, created_by=admin, parameters=parameters)
    if admin.chamber is None:
        raise NotFound(_("Operators start runs for one request."))
    return start_match_run(chamber=admin.chamber, created_by=admin, parameters=parameters)


def _advisory_lock(run_id: Any) -> bool:
    """One execution per run at a time, across workers (PostgreSQL); released with the connection."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", [str(run_id)])
        return bool(cursor.fetchone()[0])


def _advisory_unlock(run_id: Any) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", [str(run_id)])


def execute_match_run(*, run_id: str) -> str:
    """The task's body: claim the run, plan and write. Safe to deliver twice or retry after a crash."""
    if not _advisory_lock(run_id):
        return "busy"  # another worker is executing this run right now
    try:
        claimed = MatchRun.objects.filter(pk=run_id, status__in=MatchRun.LIVE).update(
            status=MatchRun.Status.RUNNING, attempts=F("attempts") + 1, started_at=timezone.now()
        )
        if not claimed:
            return "done"  # already succeeded or failed: a second delivery does nothing
        run = MatchRun.objects.get(pk=run_id)

        def progress(percent: int) -> None:
            MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.RUNNING).update(progress=percent)

        try:
            engine.execute(run, progress)
        except (ValueError, SolverError) as exc:
            MatchRun.objects.filter(pk=run.pk).update(
                status=MatchRun.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
            )
            logger.warning("match run %s failed: %s", run.pk, exc)
            return "failed"
        return "succeeded"
    finally:
        _advisory_unlock(run_id)


def start_nightly_runs() -> list[str]:
    """Beat: one chamber run for every chamber with open requests (skipping busy chambers)."""
    started = []
    chambers = Chamber.objects.filter(companies__requests__status=AdvisorRequest.Status.OPEN).distinct()
    for chamber in chambers:
        try:
            started.append(str(start_match_run(chamber=chamber, created_by=None).pk))
        except Conflict:
            continue
    return started


# --- proposals ---------------------------------------------------------------


@transaction.atomic
def approve_proposal(*, proposal: Proposal, admin: User, note: str = "") -> Proposal:
    """pending_review -> approved, by an admin of the request's chamber."""
    ensure_admin_of(admin, proposal.request.company.chamber_id)
    transition(
        proposal,
        to=Proposal.Status.APPROVED,
        by=admin,
        note=note,
        decided_by=admin,
        decided_at=timezone.now(),
    )
    return proposal


@transaction.atomic
def reject_proposal(*, proposal: Proposal, admin: User, note: str = "") -> Proposal:
    ensure_admin_of(admin, proposal.request.company.chamber_id)
    transition(
        proposal,
        to=Proposal.Status.REJECTED,
        by=admin,
        note=note,
        decided_by=admin,
        decided_at=timezone.now(),
    )
    return proposal


def _ensure_proposed_specialist(user: User, proposal: Proposal) -> None:
    if proposal.specialist.user_id != user.pk:
        raise PermissionDenied(_("Only the proposed specialist can answer."))


@transaction.atomic
def accept_proposal(*, proposal: Proposal, user: User, note: str = "") -> Proposal:
    _ensure_proposed_specialist(user, proposal)
    transition(proposal, to=Proposal.Status.ACCEPTED, by=user, note=note)
    return proposal


@transaction.atomic
def decline_proposal(*, proposal: Proposal, user: User, note: str = "") -> Proposal:
    _ensure_proposed_specialist(user, proposal)
    transition(proposal, to=Proposal.Status.DECLINED, by=user, note=note)
    return proposal


def _terms(request: AdvisorRequest, specialist: Specialist) -> dict[str, Any]:
    if request.kind == RequestKind.ADVISOR:
        return {
            "monthly_fee_jpy": specialist.monthly_retainer_jpy,
            "hours_per_month": request.hours_per_month,
        }
    if request.kind == RequestKind.HIRE:
        return {"employment_type": request.employment_type, "annual_salary_jpy": request.budget_jpy,
                "hire_date": request.start_date.isoformat()}  # fmt: skip
    return {"hourly_rate_jpy": specialist.hourly_rate_jpy, "hours": request.hours_per_month}


@transaction.atomic
def select_proposal(*, proposal: Proposal, user: User, note: str = "") -> Engagement:
    """accepted -> selected by the SME: the engagement starts, the request is filled."""
    request = AdvisorRequest.objects.select_for_update().get(pk=proposal.request_id)
    _ensure_member(user, request.company)
    transition(proposal, to=Proposal.Status.SELECTED, by=user, note=note, decided_by=user, decided_at=timezone.now())
    transition(request, to=AdvisorRequest.Status.FILLED, by=user)
    for other in Proposal.objects.filter(request=request, status__in=["pending_review", "approved", "accepted"]):
        target = Proposal.Status.NOT_SELECTED if other.status == Proposal.Status.ACCEPTED else Proposal.Status.EXPIRED
        transition(other, to=target, by=user)
    specialist = Specialist.objects.select_for_update().get(pk=proposal.specialist_id)
    Specialist.objects.filter(pk=specialist.pk).update(active_engagements=F("active_engagements") + 1)
    return Engagement.objects.create(
        request=request,
        proposal=proposal,
        specialist=specialist,
        company=request.company,
        kind=request.kind,
        terms=_terms(request, specialist),
        started_on=max(request.start_date, timezone.localdate()),
    )


def _end_engagement(engagement: Engagement, user: User, to: str, note: str) -> Engagement:
    _ensure_member(user, engagement.company)
    transition(engagement, to=to, by=user, note=note, ended_on=timezone.localdate())
    Specialist.objects.filter(pk=engagement.specialist_id, active_engagements__gt=0).update(
        active_engagements=F("active_engagements") - 1
    )
    return engagement


@transaction.atomic
def complete_engagement(*, engagement: Engagement, user: User, note: str = "") -> Engagement:
    return _end_engagement(engagement, user, Engagement.Status.COMPLETED, note)


@transaction.atomic
def terminate_engagement(*, engagement: Engagement, user: User, note: str) -> Engagement:
    if not note.strip():
        raise ValidationFailed(_("Give the reason."), field="note")
    return _end_engagement(engagement, user, Engagement.Status.TERMINATED, note)


def expire_stale_requests(*, today: datetime.date | None = None) -> int:
    """Open requests whose start date passed 90 days ago without being filled expire."""
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
            count += 1
    return count


@transaction.atomic
def review_engagement(*, engagement: Engagement, user: User, rating: int, comment: str = "") -> Review:
    """One review when an engagement ends, or one a month while an advisor engagement runs."""
    _ensure_member(user, engagement.company)
    today = timezone.localdate()
    if engagement.status == Engagement.Status.ACTIVE:
        if engagement.kind != RequestKind.ADVISOR:
            raise Conflict(_("Review the engagement when it has ended."))
        period = today.replace(day=1)
    else:
        period = engagement.ended_on or today
    try:
        with transaction.atomic():
            review = Review.objects.create(
                engagement=engagement, rating=rating, comment=comment, period=period, created_by=user
            )
    except IntegrityError as exc:
        raise Conflict(_("This period has been reviewed already.")) from exc
    summary = Review.objects.filter(engagement__specialist_id=engagement.specialist_id).aggregate(
        average=Avg("rating"), count=Count("id")
    )
    Specialist.objects.filter(pk=engagement.specialist_id).update(
        rating=round(float(summary["average"]), 2), rating_count=summary["count"]
    )
    return review
