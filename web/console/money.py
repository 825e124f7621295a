"""The console's money: the chamber's invoices, overdue first, an open one voided with the
reason; an invoice's page with its payments, each refunded in part or whole with the reason
(never above what is left: billing.services.refunds refuses, and its message shows beside the
amount), its refunds and history. The services are the API's; objects come through its selectors."""

from typing import Any

from django.db.models import BooleanField, Case, Q, Value, When
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import User
from billing import selectors as billing_selectors
from billing.models import Invoice, Payment, Refund
from billing.services import payments as payment_services
from billing.services import refunds as refund_services
from web.access import for_role
from web.console import queue_forms
from web.console.queues import history, paginate_by_key, queue_page
from web.pages import Action, acting, reach

ADMIN = User.Role.CHAMBER_ADMIN


def _void(request: HttpRequest) -> Action:
    admin = acting(request)
    return Action(
        queue_forms.RowVoidForm,
        lambda data: payment_services.void_invoice(
            invoice=reach(billing_selectors.access_invoice, request, data["target"]), user=admin, note=data["note"]
        ),
        gettext_lazy("The invoice is void; its hours go on the next one."),
    )


@for_role(ADMIN)
def invoices(request: HttpRequest) -> HttpResponse:
    """The chamber's invoices, overdue ones first; void an open one with the reason."""
    today = timezone.localdate()
    filters = queue_forms.InvoiceFilters(request.GET)
    chosen = filters.values()
    overdue = Q(status=Invoice.Status.OPEN, due_on__lt=today)
    listed = (
        billing_selectors.invoices_visible_to(acting(request))
        .prefetch_related(None)
        .annotate(
            overdue_first=Case(When(overdue, then=Value(True)), default=Value(False), output_field=BooleanField())
        )
    )
    if chosen.get("status"):
        listed = listed.filter(status=chosen["status"])
    if chosen.get("overdue"):
        listed = listed.filter(overdue)
    if chosen.get("q"):
        text = chosen["q"]
        listed = listed.filter(
            Q(number__icontains=text)
            | Q(engagement__company__name__icontains=text)
            | Q(engagement__specialist__display_name__icontains=text)
        )
    page_obj = paginate_by_key(request, listed, filters.ordering())
    rows = [invoice for invoice in page_obj if invoice.status == Invoice.Status.OPEN]
    for invoice in page_obj:
        invoice.row_id, invoice.number_id = f"invoice-{invoice.pk}", f"number-{invoice.pk}"
    context = {"filters": filters, "page_obj": page_obj, "today": today}
    return queue_page(request, "web/console/invoices.html", context, {"void": _void(request)}, rows)


@for_role(ADMIN)
def invoice(request: HttpRequest, invoice_id: str) -> HttpResponse:
    """An invoice, its payments (each refunded in part or whole, with the reason), its refunds and history."""
    admin = acting(request)
    found = reach(billing_selectors.access_invoice, request, invoice_id)
    listed: list[Any] = list(
        billing_selectors.payments_visible_to(admin).filter(invoice=found).order_by("created_at", "id")
    )
    for paid in listed:
        in_flight = sum(r.amount_jpy for r in paid.refunds.all() if r.status == Refund.Status.PENDING)
        paid.left_jpy = max(paid.refundable_jpy - in_flight, 0)
        paid.row_id = f"payment-{paid.pk}"
        paid.history = history(paid)
    shown: Any = found
    shown.row_id = f"invoice-{found.pk}"

    def payment(data: dict[str, Any]) -> Payment:
        return reach(billing_selectors.access_payment, request, data["target"])

    actions = {
        "refund": Action(
            queue_forms.RefundForm,
            lambda data: refund_services.request_refund(
                payment=payment(data), user=admin, amount_jpy=data["amount_jpy"], reason=data["reason"]
            ),
            gettext_lazy("The refund is requested; it is sent to Stripe now."),
        ),
        "void": _void(request),
    }
    rows: list[Any] = [p for p in listed if p.status in Payment.CAPTURED and p.left_jpy > 0]
    if found.status == Invoice.Status.OPEN:
        rows.append(found)
    context = {"invoice": found, "payments": listed, "history": history(found), "today": timezone.localdate()}
    return queue_page(request, "web/console/invoice.html", context, actions, rows)
