"""The chamber's month for each specialist (ADR 0011): the platform fees it charged them, as a
qualified invoice from the chamber (tax included, the tax rounded once for the month), and the
payout statement (支払通知書) of the payments received: per payment and in total,
gross = fee + withholding + net, to the yen.

Issued once per chamber, specialist and month (a unique constraint), on the 1st for the month
before, covering the payments that succeeded in it; each payment is covered once (its
`fee_statement` is set in the same transaction, from empty only).
"""

import datetime
import logging
from collections import defaultdict
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Chamber
from billing import invoicing, tax
from billing.models import FeeStatement, Payment
from billing.selectors import month_bounds

logger = logging.getLogger(__name__)


def uncovered_payments(month: datetime.date) -> "dict[tuple[Any, Any], list[Payment]]":
    """Payments captured in `month` that no statement covers yet, by (chamber, specialist)."""
    start, end = month_bounds(month)
    rows = (
        Payment.objects.filter(
            status__in=Payment.CAPTURED, succeeded_at__gte=start, succeeded_at__lt=end, fee_statement__isnull=True
        )
        .select_related("invoice__engagement__company", "invoice__engagement__specialist")
        .order_by("succeeded_at", "id")
    )
    groups: dict[tuple[Any, Any], list[Payment]] = defaultdict(list)
    for payment in rows:
        engagement = payment.invoice.engagement
        groups[(engagement.company.chamber_id, engagement.specialist_id)].append(payment)
    return groups


def issue_fee_statement(
    *, chamber_id: Any, specialist_id: Any, month: datetime.date, payments: list[Payment], today: datetime.date
) -> FeeStatement | None:
    """One statement, or nothing if this month was issued already (a rerun or a race)."""
    chamber = Chamber.objects.get(pk=chamber_id)
    fee = sum(payment.application_fee_jpy for payment in payments)
    rate = tax.consumption_tax_bps(month + relativedelta(day=31))
    rounding = tax.Rounding(settings.INVOICE_TAX_ROUNDING)
    try:
        with transaction.atomic():
            statement = FeeStatement.objects.create(
                number=invoicing.next_number(today, series="F"),
                chamber=chamber,
                specialist_id=specialist_id,
                month=month.replace(day=1),
                issued_on=today,
                issuer_registration_number=chamber.invoice_registration_number,
                tax_rate_bps=rate,
                tax_rounding=rounding,
                gross_jpy=sum(payment.invoice.amount_jpy for payment in payments),
                fee_jpy=fee,
                # The fee is a share of a tax-inclusive charge: its tax is inside it, rounded once.
                fee_tax_jpy=tax.split(fee, bps=rate, treatment=tax.TaxTreatment.INCLUSIVE, rounding=rounding).tax,
                withholding_jpy=sum(payment.invoice.withholding_jpy for payment in payments),
                net_jpy=sum(payment.specialist_share_jpy for payment in payments),
            )
            pks = [payment.pk for payment in payments]
            covered = Payment.objects.filter(pk__in=pks, fee_statement__isnull=True).update(fee_statement=statement)
            if covered != len(pks):
                raise IntegrityError("payments covered concurrently")
    except IntegrityError:
        return None
    return statement


def issue_fee_statements(*, today: datetime.date | None = None) -> list[FeeStatement]:
    """Beat, monthly on the 1st: last month's statements. Each in its own transaction, so one
    failure (logged) holds up no other."""
    today = today or timezone.localdate()
    month = today.replace(day=1) - relativedelta(months=1)
    issued = []
    for (chamber_id, specialist_id), payments in uncovered_payments(month).items():
        try:
            statement = issue_fee_statement(
                chamber_id=chamber_id, specialist_id=specialist_id, month=month, payments=payments, today=today
            )
        except Exception:
            logger.exception("fee statement for %s / %s (%s) not issued", chamber_id, specialist_id, month)
            continue
        if statement is not None:
            issued.append(statement)
    return issued
