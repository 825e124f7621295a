"""Reads for billing, scoped to what the acting user may see (rules in accounts.access).

An invoice, its payments and the hours behind it are seen by the company's members (who
pay), the engagement's specialist (who is paid) and the company's chamber admins; staff see
all. Another company's invoice is a 404.
"""

import uuid

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from billing.models import Invoice, InvoiceLine, Payment, Refund, TimeEntry
from marketplace.errors import get_or_not_found

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
