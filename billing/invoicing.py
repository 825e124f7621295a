"""Issuing invoices: which periods of which engagements are due, and issuing each exactly once.

- Advisor retainers (`fee_basis = monthly`): periods run month by month from the service
  start (15 Nov - 14 Dec, 15 Dec - 14 Jan, ...); each is invoiced in arrears on its billing
  day, the day after it ends. A period cut short by the end of the engagement is prorated
  by days.
- Hourly work: confirmed hours are invoiced per calendar month once the month has closed
  (月末締め); hours confirmed after their month's invoice go on the next one.
- Fixed fees: once, when the engagement is completed.
- Hires: never (no placement fee).

Due date (Freelance Act Art. 4): the engagement's `payment_due_days` after the service is
received — a period's end for retainers and monthly closing — and never more than 60 days
after the month of the oldest hours on the invoice ended.

The unique (engagement, period_start) constraint makes issuing idempotent: a second run on
the same day, or two at once, issues nothing more.
"""

import datetime
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts import access
from billing import money
from billing.models import Invoice, InvoiceLine, InvoiceSequence, TimeEntry
from matching.models import Engagement
from notifications.services import notify
from workflow.services import record_creation

logger = logging.getLogger(__name__)

DEFAULT_DUE_DAYS = 30
MAX_DUE_DAYS = 60  # Freelance Act Art. 4
# Ended retainers are looked at this long after their end, for their last (partial) period.
ENDED_LOOKBACK = datetime.timedelta(days=120)


@dataclass
class Draft:
    kind: str
    period_start: datetime.date
    period_end: datetime.date
    due_on: datetime.date
    lines: list[InvoiceLine] = field(default_factory=list)
    entries: list[Any] = field(default_factory=list)

    @property
    def amount(self) -> int:
        return sum(line.amount_jpy for line in self.lines)


def _due_days(engagement: Engagement) -> int:
    return engagement.payment_due_days if engagement.payment_due_days is not None else DEFAULT_DUE_DAYS


def retainer_end(engagement: Engagement) -> datetime.date | None:
    """The last day served: the agreed end or the day it ended, whichever is first."""
    ends = [day for day in (engagement.service_end, engagement.ended_on) if day is not None]
    return min(ends) if ends else None


def retainer_periods(
    start: datetime.date, end: datetime.date | None, *, billed_before: datetime.date
) -> Iterator[tuple[datetime.date, datetime.date, datetime.date]]:
    """(period start, last day billed, the full period's last day) of each period whose billing
    day (the day after it ends) is on or before `billed_before`."""
    months = 0
    while True:
        period_start = start + relativedelta(months=months)
        full_end = start + relativedelta(months=months + 1) - datetime.timedelta(days=1)
        if end is not None and period_start > end:
            return
        last = min(full_end, end) if end is not None else full_end
        if last >= billed_before:
            return
        yield period_start, last, full_end
        months += 1


def _retainer_drafts(engagement: Engagement, today: datetime.date, issued: set[datetime.date]) -> Iterator[Draft]:
    start, fee = engagement.service_start, engagement.fee_jpy
    if start is None or fee is None:  # a service has both (a database constraint)
        return
    for period_start, last, full_end in retainer_periods(start, retainer_end(engagement), billed_before=today):
        if period_start in issued:
            continue
        days, of_days = (last - period_start).days + 1, (full_end - period_start).days + 1
        amount = money.prorated(fee, days=days, of_days=of_days)
        if amount <= 0:
            continue
        line = InvoiceLine(
            kind=Invoice.Kind.RETAINER,
            service_from=period_start,
            service_to=last,
            quantity=Decimal(days) / Decimal(of_days) if days < of_days else Decimal(1),
            unit_price_jpy=fee,
            amount_jpy=amount,
        )
        yield Draft(
            kind=Invoice.Kind.RETAINER,
            period_start=period_start,
            period_end=last,
            due_on=last + datetime.timedelta(days=_due_days(engagement)),
            lines=[line],
        )


def _month_end(day: datetime.date) -> datetime.date:
    end: datetime.date = day + relativedelta(day=31)
    return end


def _hours_draft(engagement: Engagement, entries: list[TimeEntry], today: datetime.date) -> Draft:
    month_start = today.replace(day=1) - relativedelta(months=1)
    month_end = _month_end(month_start)
    rate = engagement.fee_jpy or 0  # an hourly engagement has its rate (a database constraint)
    lines = [
        InvoiceLine(
            kind=Invoice.Kind.HOURS,
            description=entry.description,
            service_from=entry.work_date,
            service_to=entry.work_date,
            quantity=entry.hours,
            unit_price_jpy=rate,
            amount_jpy=money.line_amount(rate, entry.hours),
        )
        for entry in entries
    ]
    oldest_month_end = _month_end(min(entry.work_date for entry in entries))
    due = min(
        month_end + datetime.timedelta(days=_due_days(engagement)),
        oldest_month_end + datetime.timedelta(days=MAX_DUE_DAYS),
    )
    return Draft(
        kind=Invoice.Kind.HOURS,
        period_start=month_start,
        period_end=month_end,
        due_on=max(due, today),
        lines=lines,
        entries=entries,
    )


def _fixed_draft(engagement: Engagement) -> Draft:
    """Completed fixed-fee work (the query guarantees an end date)."""
    end = engagement.ended_on or timezone.localdate()
    start = min(engagement.service_start or end, end)
    fee = engagement.fee_jpy or 0
    line = InvoiceLine(
        kind=Invoice.Kind.FIXED,
        service_from=start,
        service_to=end,
        quantity=Decimal(1),
        unit_price_jpy=fee,
        amount_jpy=fee,
    )
    return Draft(
        kind=Invoice.Kind.FIXED,
        period_start=start,
        period_end=end,
        due_on=end + datetime.timedelta(days=_due_days(engagement)),
        lines=[line],
    )


def due_drafts(today: datetime.date) -> Iterator[tuple[Engagement, Draft]]:
    """Every invoice that should exist by `today` and does not yet."""
    services = Engagement.objects.exclude(kind="hire").select_related("company__chamber", "request", "specialist")
    retainers = list(
        services.filter(fee_basis=Engagement.FeeBasis.MONTHLY, service_start__lt=today).filter(
            Q(status=Engagement.Status.ACTIVE) | Q(ended_on__gte=today - ENDED_LOOKBACK)
        )
    )
    issued: dict[Any, set[datetime.date]] = {}
    for engagement_id, period_start in Invoice.objects.filter(engagement__in=retainers).values_list(
        "engagement_id", "period_start"
    ):
        issued.setdefault(engagement_id, set()).add(period_start)
    for engagement in retainers:
        for draft in _retainer_drafts(engagement, today, issued.get(engagement.pk, set())):
            yield engagement, draft

    month_start = today.replace(day=1)
    closed = TimeEntry.objects.filter(
        status=TimeEntry.Status.CONFIRMED, invoice__isnull=True, work_date__lt=month_start
    ).order_by("engagement_id", "work_date", "created_at")
    by_engagement: dict[Any, list[TimeEntry]] = {}
    for entry in closed:
        by_engagement.setdefault(entry.engagement_id, []).append(entry)
    last_month = month_start - relativedelta(months=1)
    already = set(
        Invoice.objects.filter(engagement__in=list(by_engagement), period_start=last_month).values_list(
            "engagement_id", flat=True
        )
    )
    for engagement in services.filter(pk__in=[pk for pk in by_engagement if pk not in already]):
        yield engagement, _hours_draft(engagement, by_engagement[engagement.pk], today)

    fixed = services.filter(
        fee_basis=Engagement.FeeBasis.FIXED, status=Engagement.Status.COMPLETED, ended_on__lt=today, invoices=None
    )
    for engagement in fixed:
        yield engagement, _fixed_draft(engagement)


def _next_number(today: datetime.date) -> str:
    """The month's next number, under a row lock (rolled back with a failed issue: no gaps)."""
    month = today.strftime("%Y%m")
    InvoiceSequence.objects.bulk_create([InvoiceSequence(month=month)], ignore_conflicts=True)
    sequence = InvoiceSequence.objects.select_for_update().get(month=month)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{month}-{sequence.last:05d}"


def issue(engagement: Engagement, draft: Draft, *, today: datetime.date) -> Invoice | None:
    """Issue one invoice, or nothing if its period was issued already (a rerun or a race)."""
    amount = draft.amount
    if amount <= 0:
        return None
    fee_bps = engagement.company.chamber.platform_fee_bps
    fee = money.platform_fee(amount, fee_bps)
    try:
        with transaction.atomic():
            invoice = Invoice.objects.create(
                number=_next_number(today),
                engagement=engagement,
                kind=draft.kind,
                period_start=draft.period_start,
                period_end=draft.period_end,
                amount_jpy=amount,
                fee_bps=fee_bps,
                platform_fee_jpy=fee,
                specialist_share_jpy=amount - fee,
                issued_on=today,
                due_on=draft.due_on,
            )
            for line in draft.lines:
                line.invoice = invoice
            InvoiceLine.objects.bulk_create(draft.lines)
            if draft.entries:
                pks = [entry.pk for entry in draft.entries]
                taken = TimeEntry.objects.filter(pk__in=pks, invoice__isnull=True, status="confirmed").update(
                    invoice=invoice
                )
                if taken != len(pks):
                    raise IntegrityError("hours invoiced concurrently")
            record_creation(invoice, by=None)
            notify(
                kind="invoice_issued",
                recipients=access.members_of(engagement.company_id),
                event_key=f"invoice_issued:{invoice.pk}",
                context={"invoice": invoice, "title": engagement.request.title, "company": engagement.company.name},
            )
    except IntegrityError:
        return None
    return invoice


def issue_due_invoices(*, today: datetime.date | None = None) -> list[Invoice]:
    """Beat, daily: issue what is due. Each invoice in its own transaction, so one failure
    (logged) holds up no other."""
    today = today or timezone.localdate()
    issued = []
    for engagement, draft in list(due_drafts(today)):
        try:
            invoice = issue(engagement, draft, today=today)
        except Exception:
            logger.exception("invoice for engagement %s (%s) not issued", engagement.pk, draft.period_start)
            continue
        if invoice is not None:
            issued.append(invoice)
    return issued
