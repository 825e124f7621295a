"""Writes for requests, match runs, proposals and engagements."""

import contextlib
import datetime
import logging
import threading
from collections.abc import Iterator
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import Chamber, Company, User
from marketplace.celery import send, send_on_commit
from marketplace.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from matching import selectors
from matching.models import AdvisorRequest, Engagement, MatchRun, Proposal, RequiredSkill, Review
from matching.solver import SolverError
from notifications.services import notify
from talent import services as talent_services
from talent.models import Certification, RequestKind, Skill, Specialist
from workflow.services import bulk_transition, record_transition, transition

logger = logging.getLogger(__name__)

REQUEST_FIELDS = frozenset(
    {
        "kind", "title", "description", "required_certification", "onsite_required", "remote_ok", "budget_jpy",
        "hours_per_month", "start_date", "urgency", "slots", "employment_type", "personal_data_leak",
        "leak_deliberate", "aware_at",
    }
)  # fmt: skip


def _ensure_member(user: User, company: Company) -> None:
    access.ensure_member(user, company.pk, _("Company not found."))


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
    """draft | open -> cancelled; its undecided proposals expire (audited) and free capacity."""
    _ensure_member(user, request.company)
    transition(request, to=AdvisorRequest.Status.CANCELLED, by=user, note=note)
    _expire_holding(Proposal.objects.filter(request=request), by=user, note=_("The request was cancelled."))
    return request


def _expire_holding(proposals: "QuerySet[Proposal]", *, by: User | None, note: str) -> list[Any]:
    """Every undecided proposal of `proposals` -> expired, each with its history row."""
    return bulk_transition(proposals, to=Proposal.Status.EXPIRED, by=by, note=note, allowed_from=set(Proposal.HOLDING))


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
        # numpy and OR-Tools (~30 MB) load only in processes that start or run matches.
        from matching import scoring

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
    send_on_commit("matching.run_match", str(run.pk))
    return run


def requeue_stalled_runs(*, queued_for: datetime.timedelta = datetime.timedelta(minutes=2)) -> list[str]:
    """Beat: re-send runs queued for a while (their message was lost or never sent) and runs
    'running' whose heartbeat stopped (their worker died; its message would only come back
    after the broker's visibility timeout). Executing a run twice is harmless:
    execute_match_run claims it under a lock and writes idempotently."""
    now = timezone.now()
    silent_since = now - datetime.timedelta(seconds=settings.MATCHING_STALL_SECONDS)
    stalled = MatchRun.objects.filter(
        Q(status=MatchRun.Status.QUEUED, created_at__lt=now - queued_for)
        | Q(status=MatchRun.Status.RUNNING, heartbeat_at__lt=silent_since)
        | Q(status=MatchRun.Status.RUNNING, heartbeat_at__isnull=True, started_at__lt=silent_since)
    ).values_list("pk", flat=True)
    return [str(pk) for pk in stalled if send("matching.run_match", str(pk))]


@contextlib.contextmanager
def _heartbeat(run_id: Any) -> Iterator[None]:
    """Refresh the run's heartbeat from a thread (its own connection) while the body runs."""
    stop = threading.Event()
    interval = settings.MATCHING_HEARTBEAT_SECONDS

    def beat() -> None:
        try:
            while not stop.wait(interval):
                try:
                    MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:  # a missed beat is retried at the next one
                    logger.warning("match run %s: heartbeat not written", run_id, exc_info=True)
        finally:
            connections.close_all()

    thread = threading.Thread(target=beat, name=f"heartbeat-{run_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


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
        run = MatchRun.objects.filter(pk=run_id).first()
        if run is None or run.status not in MatchRun.LIVE:
            return "done"  # already succeeded or failed: a second delivery does nothing
        try:
            transition(
                run, to=MatchRun.Status.RUNNING, by=None, attempts=F("attempts") + 1, started_at=timezone.now(),
                heartbeat_at=timezone.now(), note="retry" if run.status == MatchRun.Status.RUNNING else "",
            )  # fmt: skip
        except Conflict:
            return "done"

        def progress(percent: int) -> None:
            MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.RUNNING).update(progress=percent)

        try:
            from matching import engine

            with _heartbeat(run.pk):
                engine.execute(run, progress)
        except (ValueError, SolverError) as exc:
            transition(
                run, to=MatchRun.Status.FAILED, by=None, note=str(exc)[:500], error=str(exc)[:2000],
                finished_at=timezone.now(),
            )  # fmt: skip
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


def _response_deadline(proposal: Proposal) -> datetime.datetime:
    """The chamber's window to answer: shorter for incidents (urgent by nature)."""
    chamber = proposal.request.company.chamber
    hours = (
        chamber.incident_response_hours
        if proposal.request.kind == RequestKind.INCIDENT
        else chamber.proposal_response_hours
    )
    return timezone.now() + datetime.timedelta(hours=hours)


def _approve(proposal: Proposal, admin: User, note: str) -> None:
    expires_at = _response_deadline(proposal)
    transition(
        proposal,
        to=Proposal.Status.APPROVED,
        by=admin,
        note=note,
        decided_by=admin,
        decided_at=timezone.now(),
        expires_at=expires_at,
    )
    request = proposal.request
    notify(
        kind="proposal_approved",
        recipients=[proposal.specialist.user],
        event_key=f"proposal_approved:{proposal.pk}",
        context={
            "title": request.title,
            "kind": RequestKind(request.kind).label,
            "expires_at": timezone.localtime(expires_at),
            "proposal_id": proposal.pk,
        },
    )


@transaction.atomic
def approve_proposal(*, proposal: Proposal, admin: User, note: str = "") -> Proposal:
    """pending_review -> approved by an admin of the request's chamber; the specialist has until
    `expires_at` to answer and is told so."""
    access.ensure_admin_of(admin, proposal.request.company.chamber_id, _("Proposal not found."))
    _approve(proposal, admin, note)
    return proposal


def approve_run_proposals(*, run: MatchRun, admin: User, proposal_ids: list[Any] | None = None) -> list[dict[str, str]]:
    """Approve a run's proposals in bulk (all pending ones, or the ids given), each on its own:
    one that cannot be approved is reported and the others still are."""
    access.ensure_admin_of(admin, run.chamber_id, _("Match run not found."))
    proposals = Proposal.objects.filter(run=run).select_related("request__company__chamber", "specialist__user")
    if proposal_ids is None:
        proposals = proposals.filter(status=Proposal.Status.PENDING_REVIEW)
    else:
        proposals = proposals.filter(pk__in=proposal_ids)
    found = {str(p.pk): p for p in proposals.order_by("request_id", "rank")}
    results: list[dict[str, str]] = []
    wanted = [str(pk) for pk in proposal_ids] if proposal_ids is not None else list(found)
    for pk in wanted:
        proposal = found.get(pk)
        if proposal is None:
            results.append({"id": pk, "result": "not_found", "detail": str(_("Proposal not found."))})
            continue
        try:
            with transaction.atomic():
                _approve(proposal, admin, "")
        except Conflict as exc:
            results.append({"id": pk, "result": "conflict", "detail": str(exc.message)})
        else:
            results.append({"id": pk, "result": "approved", "detail": ""})
    return results


@transaction.atomic
def reject_proposal(*, proposal: Proposal, admin: User, note: str) -> Proposal:
    """pending_review -> rejected, with the reason recorded; the pair is never proposed again."""
    access.ensure_admin_of(admin, proposal.request.company.chamber_id, _("Proposal not found."))
    if not note.strip():
        raise ValidationFailed(_("Give the reason for rejecting."), field="note")
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
    if not access.is_specialist_user(user, proposal.specialist.user_id):
        raise PermissionDenied(_("Only the proposed specialist can answer."))


def _ensure_not_expired(proposal: Proposal) -> None:
    if proposal.expires_at is not None and proposal.expires_at <= timezone.now():
        raise Conflict(_("The time to answer this proposal has passed."))


@transaction.atomic
def accept_proposal(*, proposal: Proposal, user: User, declaration: str = "", note: str = "") -> Proposal:
    """approved -> accepted by the specialist, with their conflict-of-interest declaration
    (empty: no relationship with the company or its vendors). The SME's members are told."""
    _ensure_proposed_specialist(user, proposal)
    _ensure_not_expired(proposal)
    declaration = declaration.strip()
    recorded = _("Declaration: %(text)s") % {"text": declaration} if declaration else _("Declaration: none.")
    transition(
        proposal,
        to=Proposal.Status.ACCEPTED,
        by=user,
        note=f"{recorded}\n{note}".strip(),
        declaration=declaration,
    )
    request = proposal.request
    notify(
        kind="proposal_accepted",
        recipients=access.members_of(request.company_id),
        event_key=f"proposal_accepted:{proposal.pk}",
        context={"title": request.title, "specialist": proposal.specialist.display_name, "proposal_id": proposal.pk},
    )
    return proposal


@transaction.atomic
def decline_proposal(*, proposal: Proposal, user: User, note: str = "") -> Proposal:
    _ensure_proposed_specialist(user, proposal)
    transition(proposal, to=Proposal.Status.DECLINED, by=user, note=note)
    return proposal


# Freelance Act Art. 4: the fee is due at most 60 days after the service is received.
MAX_PAYMENT_DUE_DAYS = 60
TERM_FIELDS = (
    "scope", "fee_basis", "fee_jpy", "hours_per_month", "service_start", "service_end", "payment_due_days",
    "payment_method",
)  # fmt: skip
HIRE_FIELDS = ("employment_type", "hire_date", "weekly_hours", "annual_salary_jpy")


def default_terms(request: AdvisorRequest, specialist: Specialist) -> dict[str, Any]:
    """What `select/` assumes where the SME gives nothing: the request's and the specialist's prices."""
    start = max(request.start_date, timezone.localdate())
    if request.kind == RequestKind.HIRE:
        full_time = request.employment_type != AdvisorRequest.EmploymentType.PART_TIME
        return {
            "employment_type": request.employment_type or AdvisorRequest.EmploymentType.FULL_TIME,
            "hire_date": start,
            "weekly_hours": 40 if full_time else 20,
            "annual_salary_jpy": request.budget_jpy,
        }
    monthly = request.kind == RequestKind.ADVISOR
    return {
        "scope": f"{request.title}\n{request.description}".strip(),
        "fee_basis": Engagement.FeeBasis.MONTHLY if monthly else Engagement.FeeBasis.HOURLY,
        "fee_jpy": specialist.monthly_retainer_jpy if monthly else specialist.hourly_rate_jpy,
        "hours_per_month": request.hours_per_month or None,
        "service_start": start,
        "service_end": None,
        "payment_due_days": 30,
        "payment_method": Engagement.PaymentMethod.BANK_TRANSFER,
    }


def _checked_terms(request: AdvisorRequest, specialist: Specialist, given: dict[str, Any]) -> dict[str, Any]:
    """Defaults, overlaid with what the SME stated, checked against the Freelance Act."""
    hire = request.kind == RequestKind.HIRE
    allowed, refused = (HIRE_FIELDS, TERM_FIELDS) if hire else (TERM_FIELDS, HIRE_FIELDS)
    errors: dict[str, str] = {}
    for name in given:
        if name in refused:
            errors[name] = (
                _("A hire is employment: no fee can be charged for it (no placement fee).")
                if hire
                else _("Only a hire has employment terms.")
            )
    terms = default_terms(request, specialist) | {k: v for k, v in given.items() if k in allowed}
    if hire:
        if not terms.get("weekly_hours"):
            errors["weekly_hours"] = _("Give the weekly working hours.")
        if not terms.get("annual_salary_jpy"):
            errors["annual_salary_jpy"] = _("Give the annual salary.")
    else:
        if not terms.get("fee_jpy"):
            errors["fee_jpy"] = _("State the fee, or how it is computed.")
        if terms["fee_basis"] == Engagement.FeeBasis.HOURLY and not terms.get("hours_per_month"):
            errors["hours_per_month"] = _("State the hours per month the hourly fee is expected for.")
        if terms["fee_basis"] == Engagement.FeeBasis.FIXED and not terms.get("service_end"):
            errors["service_end"] = _("A fixed-fee job states when the service ends.")
        if terms.get("service_end") and terms["service_end"] < terms["service_start"]:
            errors["service_end"] = _("The service cannot end before it starts.")
        due = terms.get("payment_due_days")
        if due is None:
            errors["payment_due_days"] = _("State when the fee is paid.")
        elif due > MAX_PAYMENT_DUE_DAYS:
            errors["payment_due_days"] = _(
                "The Freelance Act (Art. 4) requires payment within 60 days of receiving the service "
                "(for a monthly retainer, of each month's end); %(days)s days is too late."
            ) % {"days": due}
    if errors:
        raise ValidationFailed(next(iter(errors.values())), field=next(iter(errors)), errors=errors)
    return terms


@transaction.atomic
def select_proposal(
    *, proposal: Proposal, user: User, terms: dict[str, Any] | None = None, note: str = ""
) -> Engagement:
    """accepted -> selected by the SME with the terms it states (Freelance Act Art. 3): the
    engagement starts, the request is filled, the other candidates are told no."""
    request = AdvisorRequest.objects.select_for_update().get(pk=proposal.request_id)
    _ensure_member(user, request.company)
    specialist = Specialist.objects.select_for_update().get(pk=proposal.specialist_id)
    checked = _checked_terms(request, specialist, terms or {})
    transition(proposal, to=Proposal.Status.SELECTED, by=user, note=note, decided_by=user, decided_at=timezone.now())
    transition(request, to=AdvisorRequest.Status.FILLED, by=user)
    others = Proposal.objects.filter(request=request).exclude(pk=proposal.pk)
    bulk_transition(others, to=Proposal.Status.NOT_SELECTED, by=user, allowed_from={Proposal.Status.ACCEPTED})
    _expire_holding(others, by=user, note=_("Another candidate was selected."))
    Specialist.objects.filter(pk=specialist.pk).update(active_engagements=F("active_engagements") + 1)
    today = timezone.localdate()
    engagement = Engagement.objects.create(
        request=request,
        proposal=proposal,
        specialist=specialist,
        company=request.company,
        kind=request.kind,
        stated_on=today,
        started_on=checked.get("service_start") or checked.get("hire_date") or today,
        **checked,
    )
    record_transition(engagement, by=user, from_status="", to_status=engagement.status)
    _notify_engagement(engagement, "engagement_started")
    return engagement


def _notify_engagement(engagement: Engagement, kind: str) -> None:
    """Both parties, each with the other's contact details."""
    specialist = engagement.specialist
    members = access.members_of(engagement.company_id)
    owner = next((m.user for m in engagement.company.memberships.select_related("user").filter(role="owner")), None)
    common = {
        "title": engagement.request.title,
        "company": engagement.company.name,
        "specialist": specialist.display_name,
        "engagement_id": engagement.pk,
        "ends_on": engagement.ended_on or engagement.ends_on,
        "reason": engagement.end_reason,
    }
    notify(
        kind=kind,
        recipients=members,
        event_key=f"{kind}:{engagement.pk}",
        context=common
        | {
            "contact_name": specialist.legal_name or specialist.display_name,
            "contact_email": specialist.email,
            "contact_phone": specialist.phone,
        },
    )
    notify(
        kind=kind,
        recipients=[specialist.user],
        event_key=f"{kind}:{engagement.pk}",
        context=common
        | {"contact_name": engagement.company.name, "contact_email": owner.email if owner else "", "contact_phone": ""},
    )


def _finish(engagement: Engagement, *, to: str, by: User | None, note: str, ended_on: datetime.date) -> None:
    transition(engagement, to=to, by=by, note=note, ended_on=ended_on)
    # The unit the engagement held is free again.
    Specialist.objects.filter(pk=engagement.specialist_id, active_engagements__gt=0).update(
        active_engagements=F("active_engagements") - 1
    )
    _notify_engagement(engagement, "engagement_ended")


@transaction.atomic
def complete_engagement(*, engagement: Engagement, user: User, note: str = "") -> Engagement:
    """active -> completed, by the SME: completion confirms the service was received, which
    starts the payment clock, so only the client can say it (the specialist may terminate)."""
    _ensure_member(user, engagement.company)
    _finish(engagement, to=Engagement.Status.COMPLETED, by=user, note=note, ended_on=timezone.localdate())
    return engagement


def earliest_end(engagement: Engagement, *, by_client: bool, exception: str, today: datetime.date) -> datetime.date:
    """Freelance Act Art. 16: a client ending a continuous engagement that has lasted, or was
    agreed for, six months or more gives 30 days' notice, unless an exception applies."""
    if not by_client or exception or engagement.is_hire or not engagement.is_continuous:
        return today
    six_months_in = engagement.started_on + relativedelta(months=6)
    agreed_long = engagement.service_end is None or (
        engagement.service_start is not None
        and engagement.service_end >= engagement.service_start + relativedelta(months=6)
    )
    if today >= six_months_in or agreed_long:
        return today + datetime.timedelta(days=30)
    return today


@transaction.atomic
def terminate_engagement(
    *, engagement: Engagement, user: User, note: str, ends_on: datetime.date | None = None, exception: str = ""
) -> Engagement:
    """Either party ends the engagement with a reason. The end is today, or a later date after
    notice; the SME's notice on a long continuous engagement is at least 30 days (Art. 16)."""
    by_client = access.is_member(user, engagement.company_id)
    if not (by_client or access.is_specialist_user(user, engagement.specialist.user_id)):
        raise NotFound(_("Engagement not found."))
    if not note.strip():
        raise ValidationFailed(_("Give the reason."), field="note")
    if exception and exception not in Engagement.TerminationException.values:
        raise ValidationFailed(_("Unknown exception."), field="exception")
    engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    if engagement.status != Engagement.Status.ACTIVE:
        raise InvalidTransition(engagement, to=Engagement.Status.TERMINATED)
    if engagement.ends_on is not None:
        raise Conflict(_("Notice was already given: the engagement ends on %(date)s.") % {"date": engagement.ends_on})
    today = timezone.localdate()
    earliest = earliest_end(engagement, by_client=by_client, exception=exception, today=today)
    ends_on = ends_on or earliest
    if ends_on < earliest:
        raise ValidationFailed(
            _(
                "This engagement has lasted, or was agreed for, six months or more: the Freelance Act (Art. 16) "
                "requires 30 days' notice, so it can end on %(date)s at the earliest."
            )
            % {"date": earliest},
            field="ends_on",
        )
    if ends_on < today:
        raise ValidationFailed(_("The end date cannot be in the past."), field="ends_on")
    Engagement.objects.filter(pk=engagement.pk).update(
        ends_on=ends_on, end_requested_by=user, end_reason=note, end_exception=exception, notice_given_on=today
    )
    engagement.refresh_from_db()
    if ends_on <= today:
        _finish(engagement, to=Engagement.Status.TERMINATED, by=user, note=note, ended_on=today)
    else:
        # Notice given: the status stays active until the end date (end_due_engagements).
        record_transition(
            engagement,
            by=user,
            from_status=engagement.status,
            to_status=engagement.status,
            note=_("Notice given: ends on %(date)s. %(reason)s") % {"date": ends_on, "reason": note},
        )
    return engagement


def end_due_engagements(*, today: datetime.date | None = None) -> int:
    """Daily: engagements whose notice period has run out end on their end date."""
    today = today or timezone.localdate()
    count = 0
    for engagement in Engagement.objects.filter(status=Engagement.Status.ACTIVE, ends_on__lte=today).select_related(
        "specialist__user", "company", "request"
    ):
        with transaction.atomic():
            try:
                _finish(
                    engagement,
                    to=Engagement.Status.TERMINATED,
                    by=engagement.end_requested_by,
                    note=engagement.end_reason,
                    ended_on=engagement.ends_on or today,
                )
            except Conflict:
                continue
            count += 1
    return count


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
            _expire_holding(Proposal.objects.filter(request=request), by=None, note=_("The request expired."))
            count += 1
    return count


def expire_stale_proposals(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Every few minutes: free the capacity that can no longer turn into work.

    - approved proposals not answered by their deadline;
    - undecided proposals of a specialist who is no longer active (suspended), or whose
      credential the request requires no longer counts (a lapsed RISS registration).
    """
    now = now or timezone.now()
    expired = _expire_holding(
        Proposal.objects.filter(status=Proposal.Status.APPROVED, expires_at__lte=now),
        by=None,
        note=_("Not answered in time."),
    )
    inactive = _expire_holding(
        Proposal.objects.exclude(specialist__status=Specialist.Status.ACTIVE),
        by=None,
        note=_("The specialist is no longer active."),
    )
    counting = Certification.objects.counting(timezone.localdate(now)).filter(specialist_id=OuterRef("specialist_id"))
    unqualified = Proposal.objects.filter(status__in=Proposal.HOLDING).filter(
        (Q(request__required_certification="riss") & ~Exists(counting.filter(kind="riss")))
        | (Q(request__required_certification="sg") & ~Exists(counting.filter(kind="sg")))
        | (Q(request__required_certification="any") & ~Exists(counting.filter(kind__in=["riss", "sg"])))
    )
    lapsed = _expire_holding(unqualified, by=None, note=_("The required credential no longer counts."))
    return {"unanswered": len(expired), "inactive": len(inactive), "lapsed": len(lapsed)}


def remind_expiring_proposals(*, now: datetime.datetime | None = None) -> int:
    """Hourly: a specialist whose approved proposal expires within a day is reminded, once."""
    now = now or timezone.now()
    due = Proposal.objects.filter(
        status=Proposal.Status.APPROVED, expires_at__gt=now, expires_at__lte=now + datetime.timedelta(days=1)
    ).select_related("specialist__user", "request")
    sent = 0
    for proposal in due:
        with transaction.atomic():
            sent += len(
                notify(
                    kind="proposal_expiring",
                    recipients=[proposal.specialist.user],
                    event_key=f"proposal_expiring:{proposal.pk}",
                    context={
                        "title": proposal.request.title,
                        "expires_at": timezone.localtime(proposal.expires_at) if proposal.expires_at else None,
                        "proposal_id": proposal.pk,
                    },
                )
            )
    return sent


@transaction.atomic
def suspend_specialist(*, specialist: Specialist, admin: User, note: str) -> Specialist:
    """The talent bank's suspension, and the specialist's undecided proposals expire at once."""
    talent_services.suspend_specialist(specialist=specialist, admin=admin, note=note)
    _expire_holding(Proposal.objects.filter(specialist=specialist), by=admin, note=_("The specialist was suspended."))
    return specialist


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
    notify(
        kind="review_received",
        recipients=[engagement.specialist.user],
        event_key=f"review_received:{review.pk}",
        context={"title": engagement.request.title, "rating": rating, "comment": comment},
    )
    return review
