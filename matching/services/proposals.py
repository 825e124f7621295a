"""A match run's proposals: the chamber admin approves or rejects, the specialist accepts or
declines; undecided proposals expire when they can no longer turn into work."""

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from marketplace import links
from marketplace.errors import Conflict, PermissionDenied, require_reason
from matching.models import MatchRun, Proposal
from notifications.services import notify
from talent import services as talent_services
from talent.models import Certification, RequestKind, Specialist
from workflow.services import bulk_transition, transition


def expire_holding(proposals: "QuerySet[Proposal]", *, by: User | None, note: str) -> list[Any]:
    """Every undecided proposal of `proposals` -> expired, each with its history row."""
    return bulk_transition(proposals, to=Proposal.Status.EXPIRED, by=by, note=note, allowed_from=set(Proposal.HOLDING))


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
        link=links.specialist_proposal(proposal.pk),
    )
    # The company sees its pipeline move: one mail per request and day, never who was proposed.
    notify(
        kind="proposals_approved",
        recipients=access.members_of(request.company_id),
        event_key=f"proposals_approved:{request.pk}:{timezone.localdate()}",
        context={"title": request.title},
        link=links.sme_request(request.pk),
    )


def announce_run_proposals(run: MatchRun) -> None:
    """After a run wrote its proposals (in that transaction): the chamber's admins are told how
    many wait for their review, one mail per run and admin."""
    waiting = Proposal.objects.filter(run=run, status=Proposal.Status.PENDING_REVIEW).count()
    if not waiting:
        return
    notify(
        kind="proposals_to_review",
        recipients=access.admins_of(run.chamber_id),
        event_key=f"proposals_to_review:{run.pk}",
        context={"count": waiting, "run": run},
        link=links.console_run(run.pk),
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
    reason = require_reason(note, message=_("Give the reason for rejecting."))
    transition(
        proposal,
        to=Proposal.Status.REJECTED,
        by=admin,
        note=reason,
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
        link=links.sme_request(request.pk),
    )
    return proposal


@transaction.atomic
def decline_proposal(*, proposal: Proposal, user: User, note: str = "") -> Proposal:
    _ensure_proposed_specialist(user, proposal)
    transition(proposal, to=Proposal.Status.DECLINED, by=user, note=note)
    return proposal


def expire_stale_proposals(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Every few minutes: free the capacity that can no longer turn into work.

    - approved proposals not answered by their deadline;
    - undecided proposals of a specialist who is no longer active (suspended), or whose
      credential the request requires no longer counts (a lapsed RISS registration).
    """
    now = now or timezone.now()
    expired = expire_holding(
        Proposal.objects.filter(status=Proposal.Status.APPROVED, expires_at__lte=now),
        by=None,
        note=_("Not answered in time."),
    )
    inactive = expire_holding(
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
    lapsed = expire_holding(unqualified, by=None, note=_("The required credential no longer counts."))
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
                    link=links.specialist_proposal(proposal.pk),
                )
            )
    return sent


@transaction.atomic
def suspend_specialist_and_withdraw_proposals(*, specialist: Specialist, admin: User, note: str) -> Specialist:
    """The talent bank's suspension (talent.services.suspend_specialist), and the specialist's
    undecided proposals expire at once, freeing the requests' slots."""
    talent_services.suspend_specialist(specialist=specialist, admin=admin, note=note)
    expire_holding(Proposal.objects.filter(specialist=specialist), by=admin, note=_("The specialist was suspended."))
    return specialist
