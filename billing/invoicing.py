"""Issuing invoices: which periods of which engagements are due, and issuing each exactly once.

The invoicer follows the engagement's terms, and nothing else (ADR 0011):

- Advisor retainers (`fee_basis = monthly`) close as the terms say. `closing = month_end`
  (月末締め, the default): calendar months, the first and the last prorated by the days served
  over the month's days; `closing = anniversary` (only where the terms say so): monthly periods
  from the service start (15 Nov - 14 Dec, ...), the last cut short and prorated. Each is
  invoiced in arrears on the day after it ends.
- Hourly work: confirmed hours are invoiced per calendar month once the month has closed
  (月末締め); hours confirmed after their month's invoice go on the next one.
- Fixed fees: once, when the engagement is completed.
- Hires: never (no placement fee).

Due date (Freelance Act Art. 4): `legal_due_on` is the terms' `payment_due_days` after the
service is received (a period's last day), never more than 60 days after the month of the
oldest hours on the invoice ended. An invoice is never born overdue: when the daily run issues
one late (catching up), `due_on` is the issue day, `issued_late` is set, the legal date stays on
the invoice, and the chamber's admins are told.

Tax and withholding are fixed at issue (`billing.tax`): the terms' tax treatment, the rate in
force on the period's last day, rounded once per invoice in `settings.INVOICE_TAX_ROUNDING`;
withholding only where the terms turn it on and the specialist is an individual.

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
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts import access
from billing import money, tax
from billing.models import Invoice, InvoiceLine, InvoiceSequence, TimeEntry
from marketplace import links
from marketplace.celery import send_on_commit
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
    due_on: datetime.date  # the legal date under the terms
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


Period = tuple[datetime.date, datetime.date, int, int]  # start, last day billed, days served, days of the full period


def retainer_periods(
    start: datetime.date, end: datetime.date | None, *, billed_before: datetime.date
) -> Iterator[tuple[datetime.date, datetime.date, datetime.date]]:
    """Anniversary closing: (period start, last day billed, the full period's last day) of each
    monthly period from `start` whose billing day (the day after it ends) is before `billed_before`."""
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


def calendar_periods(
    start: datetime.date, end: datetime.date | None, *, billed_before: datetime.date
) -> Iterator[tuple[datetime.date, datetime.date, datetime.date]]:
    """Month-end closing (月末締め): (first day served in the month, last day served, the month's
    last day) of each calendar month whose billing day (the day after the last day served) is
    before `billed_before`. The first month starts on `start`, the last ends on `end`."""
    month = start.replace(day=1)
    while True:
        full_end = _month_end(month)
        period_start = max(month, start)
        if end is not None and period_start > end:
            return
        last = min(full_end, end) if end is not None else full_end
        if last >= billed_before:
            return
        yield period_start, last, full_end
        month = full_end + datetime.timedelta(days=1)


def periods_of(engagement: Engagement, *, billed_before: datetime.date) -> Iterator[Period]:
    """The retainer's billed periods under its closing rule, with the days served and the days of
    the full period (a calendar month, or a monthly period from the start) they are prorated over."""
    start = engagement.service_start
    if start is None:
        return
    end = retainer_end(engagement)
    if engagement.closing == Engagement.Closing.ANNIVERSARY:
        for period_start, last, full_end in retainer_periods(start, end, billed_before=billed_before):
            yield period_start, last, (last - period_start).days + 1, (full_end - period_start).days + 1
    else:
        for period_start, last, full_end in calendar_periods(start, end, billed_before=billed_before):
            yield period_start, last, (last - period_start).days + 1, full_end.day


def _retainer_drafts(engagement: Engagement, today: datetime.date, issued: set[datetime.date]) -> Iterator[Draft]:
    fee = engagement.fee_jpy
    if fee is None:  # a service has a fee (a database constraint)
        return
    for period_start, last, days, of_days in periods_of(engagement, billed_before=today):
        if period_start in issued:
            continue
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
        due_on=due,
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


def next_number(today: datetime.date, *, series: str = "") -> str:
    """The month's next number of a series (invoices: none; the chamber's fee statements: "F"),
    under a row lock (rolled back with a failed issue: no gaps)."""
    month = f"{series}{today:%Y%m}"
    InvoiceSequence.objects.bulk_create([InvoiceSequence(month=month)], ignore_conflicts=True)
    sequence = InvoiceSequence.objects.select_for_update().get(month=month)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{month}-{sequence.last:05d}"


@dataclass(frozen=True)
class Amounts:
    """An invoice's money, fixed at issue: what is charged (tax included), its tax-exclusive part
    and tax, the chamber's fee (a share of the charge, tax included), the specialist's share,
    and the income tax the SME withholds from it."""

    amount: int
    taxable: int
    tax: int
    tax_rate_bps: int
    rounding: str
    fee_bps: int
    fee: int
    withholding: int

    @property
    def share(self) -> int:
        return self.amount - self.fee


def amounts(engagement: Engagement, lines_total: int, *, supplied_on: datetime.date) -> Amounts:
    """The lines' total (in the terms' tax treatment) as an invoice's amounts: the tax of the one
    rate in force on `supplied_on`, rounded once; withholding (所得税法204条) on the tax-exclusive
    fee, only where the terms say so and the specialist is an individual (never a company)."""
    rate = tax.consumption_tax_bps(supplied_on)
    rounding = tax.Rounding(settings.INVOICE_TAX_ROUNDING)
    treatment = engagement.tax_treatment or Engagement.TaxTreatment.INCLUSIVE
    split = tax.split(lines_total, bps=rate, treatment=treatment, rounding=rounding)
    withheld = (
        tax.withholding(split.taxable, day=supplied_on)
        if engagement.withholding and engagement.specialist.is_individual
        else 0
    )
    fee_bps = engagement.company.chamber.platform_fee_bps
    return Amounts(
        amount=split.total,
        taxable=split.taxable,
        tax=split.tax,
        tax_rate_bps=rate,
        rounding=rounding,
        fee_bps=fee_bps,
        fee=money.platform_fee(split.total, fee_bps),
        withholding=withheld,
    )


def issue(engagement: Engagement, draft: Draft, *, today: datetime.date) -> Invoice | None:
    """Issue one invoice, or nothing if its period was issued already (a rerun or a race)."""
    if draft.amount <= 0:
        return None
    money_ = amounts(engagement, draft.amount, supplied_on=draft.period_end)
    late = draft.due_on < today
    try:
        with transaction.atomic():
            invoice = Invoice.objects.create(
                number=next_number(today),
                engagement=engagement,
                kind=draft.kind,
                period_start=draft.period_start,
                period_end=draft.period_end,
                amount_jpy=money_.amount,
                taxable_jpy=money_.taxable,
                tax_jpy=money_.tax,
                tax_rate_bps=money_.tax_rate_bps,
                tax_rounding=money_.rounding,
                tax_treatment=engagement.tax_treatment or Engagement.TaxTreatment.INCLUSIVE,
                issuer_registration_number=engagement.specialist.invoice_registration_number,
                withholding_jpy=money_.withholding,
                fee_bps=money_.fee_bps,
                platform_fee_jpy=money_.fee,
                specialist_share_jpy=money_.share,
                payment_method=engagement.payment_method,
                issued_on=today,
                legal_due_on=draft.due_on,
                # Never born overdue: a late issue is due on the day it is issued, and flagged.
                due_on=max(draft.due_on, today),
                issued_late=late,
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
                link=links.sme_invoice(invoice.pk),
            )
            if invoice.payment_method == Engagement.PaymentMethod.BANK_TRANSFER:
                send_on_commit("billing.prepare_bank_transfer", str(invoice.pk))
            if late:
                notify(
                    kind="invoice_issued_late",
                    recipients=access.admins_of(engagement.company.chamber_id),
                    event_key=f"invoice_issued_late:{invoice.pk}",
                    context={
                        "invoice": invoice,
                        "title": engagement.request.title,
                        "company": engagement.company.name,
                        "specialist": engagement.specialist.display_name,
                    },
                    link=links.console_engagement(engagement.pk),
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
