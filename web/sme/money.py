"""The SME's invoice pages: the invoice with its qualified-invoice facts and PDF, paying it by
card, Stripe's return page, and the receipt of each payment that took money.

Paying by card: our pages load no script but our own (the Content-Security-Policy), so there is
no Stripe.js here and no card number ever reaches us. The "Pay" button asks billing to open a
Checkout Session (billing.services.card_checkout); the page then offers the link to Stripe's
hosted page, where the card is entered and 3-D Secure runs (a link, not a redirect: the
policy's form-action 'self' would stop a form's redirect to Stripe). Stripe sends the payer back
to /sme/invoices/<id>/paid/?session_id=…, which reads the session's PaymentIntent at Stripe,
applies its state as the webhooks would, and says what happened.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import User
from billing import selectors as billing_selectors
from billing.models import Invoice, Payment
from billing.services import card_checkout, payments
from marketplace.downloads import private_download
from marketplace.errors import DomainError
from web.access import for_role
from web.pages import ActionForm, acting, reach, show_refusal

SME = User.Role.SME


class PayForm(ActionForm):
    """Paying by card at Stripe: nothing to fill in here (the card is entered at Stripe)."""


def payable_by_card(invoice: Invoice) -> bool:
    return (
        bool(settings.STRIPE_SECRET_KEY)
        and invoice.status == Invoice.Status.OPEN
        and invoice.payment_method in ("", Payment.Method.CARD)
    )


@for_role(SME)
def invoice_detail(request: HttpRequest, invoice_id: str) -> HttpResponse:
    """An invoice's facts, its PDF, its payments with their receipts, and paying it by card at
    Stripe where Stripe is set up and the terms allow a card. A POST opens the payment at Stripe
    and shows the link to Stripe's page (a refusal: beside the button, nothing changed)."""
    user = acting(request)
    invoice = reach(billing_selectors.access_invoice, request, invoice_id)
    payable = payable_by_card(invoice)
    form = PayForm(prefix="pay", initial={"action": "pay"})
    checkout_url = ""
    status = 200
    if request.method == "POST":
        form = PayForm(request.POST, prefix="pay")
        if not payable or request.POST.get("pay-action") != "pay":
            raise Http404("No such action on this page.")
        if form.is_valid():
            try:
                checkout_url = card_checkout.start(invoice=invoice, user=user).url
            except DomainError as exc:
                show_refusal(form, exc)
                status = 400
            else:
                messages.success(request, _("Your payment is ready at Stripe: continue there to enter your card."))
        else:
            status = 400
        invoice = reach(billing_selectors.access_invoice, request, invoice_id)
        payable = payable_by_card(invoice)  # a refusal may have found it paid meanwhile
    context: dict[str, Any] = {
        "invoice": invoice,
        "payments": list(invoice.payments.all()),
        "payable": payable,
        "checkout_url": checkout_url,
        "forms": {"pay": form},
        "form": form if form.errors else None,
    }
    return render(request, "web/sme/invoice.html", context, status=status)


# What the return page says, by the PaymentIntent's status at Stripe.
OUTCOMES = {
    "succeeded": "succeeded",
    "processing": "processing",
    "requires_action": "requires_action",
    "requires_confirmation": "requires_action",
    card_checkout.NOT_CONFIRMED: "not_confirmed",
    "requires_payment_method": "failed",
    "canceled": "failed",
}


@require_GET
@for_role(SME)
def invoice_paid(request: HttpRequest, invoice_id: str) -> HttpResponse:
    """Where Stripe sends the payer back: what happened, as Stripe says of the session's
    PaymentIntent (read there and applied to our records), else as our records say (a webhook
    may still be on its way, so "in progress" says so)."""
    user = acting(request)
    invoice = reach(billing_selectors.access_invoice, request, invoice_id)
    session_id = request.GET.get("session_id", "")
    stripe_status = ""
    unreachable = ""
    if session_id and settings.STRIPE_SECRET_KEY:
        try:
            stripe_status = card_checkout.returned(invoice=invoice, user=user, session_id=session_id)
        except DomainError as exc:
            unreachable = str(exc.message)
        invoice = reach(billing_selectors.access_invoice, request, invoice_id)
    attempts = list(invoice.payments.all())
    latest = attempts[-1] if attempts else None
    if invoice.status == Invoice.Status.PAID:
        outcome = "succeeded"
    elif stripe_status:
        outcome = OUTCOMES.get(stripe_status, "processing")
    elif latest is not None and latest.status in (Payment.Status.FAILED, Payment.Status.CANCELED):
        outcome = "failed"
    elif latest is not None:
        outcome = "processing"
    else:
        outcome = "none"
    context = {"invoice": invoice, "latest": latest, "outcome": outcome, "unreachable": unreachable}
    return render(request, "web/sme/invoice_paid.html", context)


@require_GET
@for_role(SME)
def invoice_pdf(request: HttpRequest, invoice_id: str) -> HttpResponseBase:
    """The invoice (請求書) as the API renders it."""
    from billing import documents  # reportlab loads on the first PDF only

    invoice = reach(billing_selectors.access_invoice, request, invoice_id)
    return private_download(
        documents.render_invoice(invoice), filename=f"invoice-{invoice.number}.pdf", content_type="application/pdf"
    )


@require_GET
@for_role(SME)
def receipt_pdf(request: HttpRequest, invoice_id: str, payment_id: str) -> HttpResponseBase:
    """The receipt (領収書) of a payment that took money, as the API renders it; none for an
    attempt that took nothing (404)."""
    from billing import documents

    invoice = reach(billing_selectors.access_invoice, request, invoice_id)
    payment = next((p for p in invoice.payments.all() if str(p.pk) == str(payment_id)), None)
    if payment is None:
        raise Http404(_("Payment not found."))
    try:
        payments.ensure_captured(payment)
    except DomainError as exc:
        raise Http404(str(exc.message)) from exc
    return private_download(
        documents.render_receipt(payment), filename=f"receipt-{payment.pk}.pdf", content_type="application/pdf"
    )
