"""Reads for billing, scoped to what the acting user may see (rules in accounts.access).

An invoice, its payments and the hours behind it are seen by the company's members (who
pay), the engagement's specialist (who is paid) and the company's chamber admins; staff see
all. Another company's invoice is a 404.
"""

import datetime
import uuid

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import Company, User
from billing.models import ConnectedAccount, FeeStatement, Invoice, InvoiceLine, Payment, Refund, TimeEntry
from marketplace.errors import get_or_not_found


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The month's first and the next month's first instant, in local time (Asia/Tokyo)."""
    zone = timezone.get_current_timezone()
    first = datetime.datetime.combine(month.replace(day=1), datetime.time(), tzinfo=zone)
    return first, first + relativedelta(months=1)


_PAYMENTS = Prefetch(
    "payments",
    queryset=Payment.objects.order_by("created_at", "id").prefetch_related(
        Prefetch("refunds", queryset=Refund.objects.order_by("created_at", "id"))
    ),
)


def invoices_visible_to(user: User | AnonymousUser) -> QuerySet[Invoice]:
    qs = Invoice.objects.select_related(
        "engagement__company__chamber", "engagement__specialist", "engagement__request"
    ).prefetch_related(Prefetch("lines", queryset=InvoiceLine.objects.order_by("service_from", "id")), _PAYMENTS)
    return access.visible(
        qs,
        user,
        chamber="engagement__company__chamber_id",
        company="engagement__company",
        specialist="engagement__specialist",
    )


def access_invoice(user: User | AnonymousUser, invoice_id: uuid.UUID | str) -> Invoice:
    return get_or_not_found(invoices_visible_to(user), invoice_id, _("Invoice not found."))


def payments_visible_to(user: User | AnonymousUser) -> QuerySet[Payment]:
    qs = Payment.objects.select_related(
        "invoice__engagement__company__chamber", "invoice__engagement__specialist", "invoice__engagement__request"
    ).prefetch_related(Prefetch("refunds", queryset=Refund.objects.order_by("created_at", "id")))
    return access.visible(
        qs,
        user,
        chamber="invoice__engagement__company__chamber_id",
        company="invoice__engagement__company",
        specialist="invoice__engagement__specialist",
    )


def access_payment(user: User | AnonymousUser, payment_id: uuid.UUID | str) -> Payment:
    return get_or_not_found(payments_visible_to(user), payment_id, _("Payment not found."))


def time_entries_visible_to(user: User | AnonymousUser) -> QuerySet[TimeEntry]:
    qs = TimeEntry.objects.select_related("engagement__company", "engagement__specialist", "invoice")
    return access.visible(
        qs,
        user,
        chamber="engagement__company__chamber_id",
        company="engagement__company",
        specialist="engagement__specialist",
    )


def access_time_entry(user: User | AnonymousUser, entry_id: uuid.UUID | str) -> TimeEntry:
    return get_or_not_found(time_entries_visible_to(user), entry_id, _("Time entry not found."))


def invoices_for_export(user: User | AnonymousUser) -> QuerySet[Invoice]:
    """A chamber admin's invoices (staff: all), oldest first, read in chunks by the CSV stream."""
    qs = (
        Invoice.objects.select_related("engagement__company", "engagement__specialist")
        .annotate(refunded=Coalesce(Sum("payments__refunded_jpy"), 0))
        .order_by("issued_on", "number")
    )
    return access.visible(qs, user, chamber="engagement__company__chamber_id")


def fee_statements_visible_to(user: User | AnonymousUser) -> QuerySet[FeeStatement]:
    """A chamber's fee statements: the specialist they are for, the chamber's admins, staff."""
    qs = FeeStatement.objects.select_related("chamber", "specialist")
    return access.visible(qs, user, chamber="chamber_id", specialist="specialist")


def access_fee_statement(user: User | AnonymousUser, statement_id: uuid.UUID | str) -> FeeStatement:
    return get_or_not_found(fee_statements_visible_to(user), statement_id, _("Fee statement not found."))


def withholding_payments(
    user: User | AnonymousUser, company_id: uuid.UUID | str, month: datetime.date
) -> QuerySet[Payment]:
    """The payments an SME made in `month` from which it withheld income tax, for its members (who
    remit it), its chamber's admins and staff; another company is a 404."""
    companies = access.visible(Company.objects.all(), user, chamber="chamber_id", company="")
    company = get_or_not_found(companies, company_id, _("Company not found."))
    start, end = month_bounds(month)
    return (
        Payment.objects.filter(
            invoice__engagement__company=company,
            invoice__withholding_jpy__gt=0,
            status__in=Payment.CAPTURED,
            succeeded_at__gte=start,
            succeeded_at__lt=end,
        )
        .select_related("invoice__engagement__specialist", "invoice__engagement__request")
        .order_by("succeeded_at", "id")
    )


def own_connected_account(user: User | AnonymousUser) -> ConnectedAccount | None:
    """The signed-in specialist's Stripe Connect account, if one was created (what payouts can do)."""
    actor = access.active_user(user)
    if actor is None:
        return None
    return ConnectedAccount.objects.filter(specialist__user=actor).first()
