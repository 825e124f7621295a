"""Hours on an hourly engagement: the specialist logs them, the SME confirms them (they go on
the next monthly invoice) or disputes them with a reason."""

import datetime
import decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from billing.models import TimeEntry
from marketplace import links
from marketplace.errors import Conflict, PermissionDenied, ValidationFailed, require_reason
from matching.models import Engagement
from notifications.services import notify
from workflow.services import record_creation, transition


@transaction.atomic
def log_hours(
    *, engagement: Engagement, user: User, work_date: datetime.date, hours: decimal.Decimal, description: str
) -> TimeEntry:
    """The engagement's specialist records hours worked on an hourly engagement."""
    if not access.is_specialist_user(user, engagement.specialist.user_id):
        raise PermissionDenied(_("Only the engagement's specialist logs hours."))
    if engagement.fee_basis != Engagement.FeeBasis.HOURLY:
        raise Conflict(_("This engagement is not paid by the hour: there are no hours to log."))
    today = timezone.localdate()
    last_day = min(day for day in (engagement.ended_on, engagement.service_end, today) if day is not None)
    if engagement.service_start and work_date < engagement.service_start:
        raise ValidationFailed(_("The engagement had not started on that day."), field="work_date")
    if work_date > last_day:
        raise ValidationFailed(
            _("Hours can be logged up to %(date)s (no future or post-engagement days).") % {"date": last_day},
            field="work_date",
        )
    entry = TimeEntry.objects.create(
        engagement=engagement, work_date=work_date, hours=hours, description=description, logged_by=user
    )
    record_creation(entry, by=user)
    notify(
        kind="hours_logged",
        recipients=access.members_of(engagement.company_id),
        event_key=f"hours_logged:{entry.pk}",
        context={"title": engagement.request.title, "entry": entry, "specialist": engagement.specialist.display_name},
        link=links.sme_engagement(engagement.pk),
    )
    return entry


@transaction.atomic
def confirm_hours(*, entry: TimeEntry, user: User, note: str = "") -> TimeEntry:
    """The SME confirms the hours: they go on the next monthly invoice."""
    access.ensure_member(user, entry.engagement.company_id, _("Time entry not found."))
    transition(entry, to=TimeEntry.Status.CONFIRMED, by=user, note=note)
    return entry


@transaction.atomic
def dispute_hours(*, entry: TimeEntry, user: User, note: str) -> TimeEntry:
    """The SME does not recognise the hours; the specialist is told why and may log them anew."""
    access.ensure_member(user, entry.engagement.company_id, _("Time entry not found."))
    require_reason(note, field="note", message=_("Say what is wrong with these hours."))
    transition(entry, to=TimeEntry.Status.DISPUTED, by=user, note=note)
    notify(
        kind="hours_disputed",
        recipients=[entry.engagement.specialist.user],
        event_key=f"hours_disputed:{entry.pk}",
        context={"title": entry.engagement.request.title, "entry": entry, "note": note},
        link=links.specialist_engagement(entry.engagement_id),
    )
    return entry
