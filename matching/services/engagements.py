"""Engagements: the SME selects an accepted proposal with its terms (the engagement starts),
completes it or either party terminates it with notice; due notices end; the SME reviews."""

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from marketplace import links
from marketplace.errors import Conflict, InvalidTransition, NotFound, ValidationFailed, require_reason
from matching import terms as freelance_act
from matching.models import AdvisorRequest, Engagement, Proposal, Review
from matching.services import proposals
from notifications.services import notify
from talent.models import RequestKind, Specialist
from workflow.services import bulk_transition, record_creation, record_transition, transition


@transaction.atomic
def select_proposal(
    *, proposal: Proposal, user: User, terms: dict[str, Any] | None = None, note: str = ""
) -> Engagement:
    """accepted -> selected by the SME with the terms it states (Freelance Act Art. 3): the
    engagement starts, the request is filled, the other candidates are told no."""
    request = AdvisorRequest.objects.select_for_update().get(pk=proposal.request_id)
    access.ensure_member(user, request.company.pk)
    specialist = Specialist.objects.select_for_update().get(pk=proposal.specialist_id)
    checked = freelance_act.checked_terms(request, specialist, terms or {})
    transition(proposal, to=Proposal.Status.SELECTED, by=user, note=note, decided_by=user, decided_at=timezone.now())
    transition(request, to=AdvisorRequest.Status.FILLED, by=user)
    others = Proposal.objects.filter(request=request).exclude(pk=proposal.pk)
    bulk_transition(others, to=Proposal.Status.NOT_SELECTED, by=user, allowed_from={Proposal.Status.ACCEPTED})
    proposals.expire_holding(others, by=user, note=_("Another candidate was selected."))
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
    record_creation(engagement, by=user)
    _notify_engagement(engagement, "engagement_started")
    _ask_for_payouts(engagement)
    return engagement


def _ask_for_payouts(engagement: Engagement) -> None:
    """The specialist is asked to set up payouts when the engagement starts (not when the SME
    first tries to pay), unless Stripe already lets them receive payouts."""
    from billing.models import ConnectedAccount

    if ConnectedAccount.objects.filter(specialist_id=engagement.specialist_id, payouts_enabled=True).exists():
        return
    notify(
        kind="payouts_needed",
        recipients=[engagement.specialist.user],
        event_key=f"payouts_needed:engagement:{engagement.pk}",
        context={"company": engagement.company.name, "title": engagement.request.title},
        link=links.specialist_payouts(),
    )


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
        link=links.sme_engagement(engagement.pk),
    )
    notify(
        kind=kind,
        recipients=[specialist.user],
        event_key=f"{kind}:{engagement.pk}",
        context=common
        | {"contact_name": engagement.company.name, "contact_email": owner.email if owner else "", "contact_phone": ""},
        link=links.specialist_engagement(engagement.pk),
    )


def _notify_notice(engagement: Engagement, *, by_client: bool) -> None:
    """The other party is told of the notice: the client's notice to the specialist is the
    Freelance Act's termination notice (Art. 16), always sent."""
    context = {
        "title": engagement.request.title,
        "company": engagement.company.name,
        "specialist": engagement.specialist.display_name,
        "ends_on": engagement.ends_on,
        "reason": engagement.end_reason,
    }
    if by_client:
        notify(
            kind="notice_by_client",
            recipients=[engagement.specialist.user],
            event_key=f"notice_by_client:{engagement.pk}",
            context=context,
            link=links.specialist_engagement(engagement.pk),
        )
    else:
        notify(
            kind="notice_by_specialist",
            recipients=access.members_of(engagement.company_id),
            event_key=f"notice_by_specialist:{engagement.pk}",
            context=context,
            link=links.sme_engagement(engagement.pk),
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
    access.ensure_member(user, engagement.company.pk)
    _finish(engagement, to=Engagement.Status.COMPLETED, by=user, note=note, ended_on=timezone.localdate())
    return engagement


@transaction.atomic
def terminate_engagement(
    *, engagement: Engagement, user: User, note: str, ends_on: datetime.date | None = None, exception: str = ""
) -> Engagement:
    """Either party ends the engagement with a reason. The end is today, or a later date after
    notice; the SME's notice on a long continuous engagement is at least 30 days (Art. 16)."""
    by_client = access.is_member(user, engagement.company_id)
    if not (by_client or access.is_specialist_user(user, engagement.specialist.user_id)):
        raise NotFound(_("Engagement not found."))
    note = require_reason(note, message=_("Give the reason."))
    if exception and exception not in Engagement.TerminationException.values:
        raise ValidationFailed(_("Unknown exception."), field="exception")
    engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    if engagement.status != Engagement.Status.ACTIVE:
        raise InvalidTransition(engagement, to=Engagement.Status.TERMINATED)
    if engagement.ends_on is not None:
        raise Conflict(_("Notice was already given: the engagement ends on %(date)s.") % {"date": engagement.ends_on})
    today = timezone.localdate()
    earliest = freelance_act.earliest_end(engagement, by_client=by_client, exception=exception, today=today)
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
    _notify_notice(engagement, by_client=by_client)
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


@transaction.atomic
def review_engagement(*, engagement: Engagement, user: User, rating: int, comment: str = "") -> Review:
    """One review when an engagement ends, or one a month while an advisor engagement runs."""
    access.ensure_member(user, engagement.company.pk)
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
        link=links.specialist_engagement(engagement.pk),
    )
    return review
