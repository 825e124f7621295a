"""Paying an invoice: the attempt, its PaymentIntent at Stripe and the state Stripe reports
for it (synchronously or by webhook); voiding an open invoice; a receipt only for captured money.

Locking policy: a payment attempt locks its invoice row. Stripe is called outside any
transaction (a slow Stripe never holds a lock): the row is written and committed first, the
call carries an idempotency key derived from that row's id, and the answer is applied in a
second transaction through forward-only transitions, the same functions that apply webhook
events, so whichever arrives first wins and the other changes nothing.
"""

import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from billing import stripe_client
from billing.models import ConnectedAccount, Invoice, Payment
from marketplace import links
from marketplace.errors import Conflict, InvalidTransition, PaymentDeclined, require_reason
from notifications.services import by_role, notify
from workflow.services import forward_transition, record_creation, transition

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PaymentStart:
    """What the payer's browser needs: the attempt, Stripe's state and the client secret."""

    payment: Payment
    intent_status: str
    client_secret: str


def payout_account(invoice: Invoice) -> ConnectedAccount:
    """The specialist's account, if Stripe lets it receive payouts; else the specialist is told
    (once per invoice, committed even though the payer's request fails) and the payer gets a 409."""
    specialist = invoice.engagement.specialist
    account = ConnectedAccount.objects.filter(specialist_id=specialist.pk).first()
    if account is not None and account.payouts_enabled:
        return account
    with transaction.atomic():
        notify(
            kind="payouts_needed",
            recipients=[specialist.user],
            event_key=f"payouts_needed:{invoice.pk}",
            context={"invoice": invoice, "company": invoice.engagement.company.name},
            link=links.specialist_payouts(),
        )
    raise Conflict(
        _(
            "The specialist cannot receive payouts yet (their Stripe account is not set up). They have been "
            "asked to finish it; try again when they have."
        )
    )


def ensure_offered(invoice: Invoice, method: str) -> None:
    """An invoice is paid only by the method its engagement's terms name (an invoice from before
    the terms named one takes either)."""
    if invoice.payment_method and invoice.payment_method != method:
        raise Conflict(
            _("The terms name %(method)s as the way to pay this invoice.")
            % {"method": invoice.get_payment_method_display()}
        )


def attempt(
    invoice: Invoice, user: User | None, account: ConnectedAccount, *, new_card: bool = False, method: str = "card"
) -> Payment:
    """The invoice's attempt in flight, or a new one. Before a new attempt, earlier ones still
    payable at Stripe (a failed one, or one a new card replaces) are canceled there, so two
    attempts can never both be paid. The attempt charges what the SME owes: the amount less
    the income tax it withholds; the platform fee goes to the chamber, the rest to the specialist."""
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.status != Invoice.Status.OPEN:
            raise InvalidTransition(
                invoice,
                to=Invoice.Status.PAID,
                message=_("This invoice is %(status)s: there is nothing to pay.")
                % {"status": invoice.get_status_display()},
            )
        pending = invoice.payments.filter(status=Payment.Status.PENDING).first()
        if pending is not None and not (new_card and pending.payment_intent_id):
            return pending
        replaced = list(
            invoice.payments.filter(status__in=[Payment.Status.PENDING, Payment.Status.FAILED]).exclude(
                payment_intent_id=None
            )
        )
    _cancel_at_stripe(replaced, reason=_("Replaced by a new payment attempt."))
    with transaction.atomic():
        try:
            payment = Payment.objects.create(
                invoice=invoice,
                method=method,
                amount_jpy=invoice.amount_due_jpy,
                application_fee_jpy=invoice.platform_fee_jpy,
                specialist_share_jpy=invoice.payout_jpy,
                destination_account=account.account_id,
                created_by=user,
            )
        except IntegrityError as exc:  # a concurrent click opened one first
            raise Conflict(_("A payment of this invoice is already under way; try again.")) from exc
        record_creation(payment, by=user)
    return payment


def _cancel_at_stripe(payments: list[Payment], *, reason: str) -> None:
    """Cancel these attempts' PaymentIntents (outside any transaction: Stripe is slow), then
    record it. Stripe refusing (the money was taken meanwhile) is a 409; its webhook tells us."""
    for payment in payments:
        if payment.payment_intent_id:
            stripe_client.cancel_payment_intent(intent_id=payment.payment_intent_id, payment_id=payment.pk)
        with transaction.atomic():
            _apply_intent_state(payment, "canceled", failure=reason)


def pay_invoice(*, invoice: Invoice, user: User, payment_method: str = "") -> PaymentStart:
    """Start (or resume) paying an invoice: a PaymentIntent for the invoice's amount whose
    application fee is the platform fee and whose rest goes to the specialist (a destination
    charge). Without a payment method the payer's browser confirms it with the client secret;
    with one (from Stripe.js) it is confirmed here, and a decline is a 402."""
    stripe_client.ensure_configured()
    access.ensure_member(user, invoice.engagement.company_id, _("Invoice not found."))
    ensure_offered(invoice, Payment.Method.CARD)
    account = payout_account(invoice)
    payment = attempt(invoice, user, account, new_card=bool(payment_method))
    if payment.payment_intent_id:
        intent = stripe_client.retrieve_payment_intent(payment.payment_intent_id)
    else:
        try:
            intent = stripe_client.create_payment_intent(
                payment_id=payment.pk,
                amount=payment.amount_jpy,
                fee=payment.application_fee_jpy,
                destination=payment.destination_account,
                payment_method=payment_method,
                metadata={"payment": str(payment.pk), "invoice": str(invoice.pk), "invoice_number": invoice.number},
                return_url=links.sme_invoice_paid(invoice.pk),
            )
        except PaymentDeclined as exc:
            with transaction.atomic():
                link_intent(payment, exc.context.get("payment_intent", ""))
                _apply_intent_state(payment, "requires_payment_method", failure=str(exc.message))
            raise
        link_intent(payment, intent.id)
    with transaction.atomic():
        _apply_intent_state(payment, intent.status, failure=intent.failure)
    payment.refresh_from_db()
    return PaymentStart(payment=payment, intent_status=intent.status, client_secret=intent.client_secret)


def link_intent(payment: Payment, intent_id: str) -> None:
    if intent_id:
        Payment.objects.filter(pk=payment.pk, payment_intent_id__isnull=True).update(payment_intent_id=intent_id)
        payment.refresh_from_db()


def _apply_intent_state(payment: Payment, intent_status: str, *, failure: str = "") -> str:
    """Move the payment (and its invoice) forward to what Stripe says of its PaymentIntent.
    Shared by the synchronous answers and the webhook events: a repeat or an older state
    arriving late changes nothing."""
    if intent_status == "succeeded":
        return payment_succeeded(payment)
    if intent_status == "requires_payment_method" and failure:
        target, changes = Payment.Status.FAILED, {"failure_message": failure[:500]}
    elif intent_status == "canceled":
        target, changes = Payment.Status.CANCELED, {"failure_message": failure[:500]}
    else:
        return "ignored: still in progress"
    try:
        moved = forward_transition(payment, to=target, by=None, note=failure, **changes)
    except InvalidTransition:
        return f"ignored: the payment is {payment.status}"
    if moved and target == Payment.Status.FAILED:
        notify(
            kind="payment_failed",
            recipients=access.members_of(payment.invoice.engagement.company_id),
            event_key=f"payment_failed:{payment.pk}",
            context={"invoice": payment.invoice, "reason": failure},
            link=links.sme_invoice(payment.invoice_id),
        )
    return "applied" if moved else "ignored: already there"


def payment_succeeded(payment: Payment) -> str:
    """Money was captured: the payment succeeded (unless it is past that already) and the
    invoice is paid; both parties get a receipt once. Also called for a refund that proves
    the capture (events out of order)."""
    now = timezone.now()
    moved = forward_transition(payment, to=Payment.Status.SUCCEEDED, by=None, succeeded_at=now)
    # A bank transfer paid in full: all of it was received, whatever partial event comes late.
    Payment.objects.filter(pk=payment.pk, method=Payment.Method.BANK_TRANSFER).update(funded_jpy=F("amount_jpy"))
    invoice = Invoice.objects.select_related("engagement__specialist__user", "engagement__request").get(
        pk=payment.invoice_id
    )
    try:
        forward_transition(invoice, to=Invoice.Status.PAID, by=None, paid_at=now)
    except InvalidTransition:
        # Paid after it was voided: the money is refunded by a chamber admin (the payment shows it).
        logger.warning("payment %s succeeded on void invoice %s", payment.pk, invoice.number)
    if moved:
        engagement = invoice.engagement
        notify(
            kind="payment_received",
            recipients=[*access.members_of(engagement.company_id), engagement.specialist.user],
            event_key=f"payment_received:{payment.pk}",
            context={"invoice": invoice, "payment": payment, "title": engagement.request.title},
            link=by_role(sme=links.sme_invoice(invoice.pk), specialist=links.specialist_engagement(engagement.pk)),
        )
    return "applied" if moved else "ignored: already there"


def payment_of(intent: dict[str, Any]) -> Payment | None:
    """Our attempt behind a PaymentIntent: by the id we put in its metadata, else by its id."""
    ours = stripe_client.text_field(stripe_client.object_field(intent, "metadata"), "payment")
    if ours:
        try:
            payment = Payment.objects.filter(pk=ours).first()
        except (ValueError, TypeError, ValidationError):  # not one of our ids
            payment = None
        if payment is not None:
            return payment
    intent_id = stripe_client.id_field(intent, "id")
    return Payment.objects.filter(payment_intent_id=intent_id).first() if intent_id else None


def apply_intent_event(intent: dict[str, Any], state: str) -> str:
    """A PaymentIntent event from Stripe (`state`: the intent status it stands for), applied to
    our attempt behind it, if the amount is ours."""
    payment = payment_of(intent)
    if payment is None:
        return "ignored: not one of our payments"
    amount = stripe_client.whole_field(intent, "amount")
    if amount != payment.amount_jpy:
        logger.error(
            "PaymentIntent %s amount %s differs from payment %s", intent.get("id"), intent.get("amount"), payment.pk
        )
        return "ignored: the amount differs from ours"
    link_intent(payment, stripe_client.id_field(intent, "id"))
    error = stripe_client.object_field(intent, "last_payment_error")
    failure = (stripe_client.text_field(error, "message") or _("The payment failed.")) if state != "succeeded" else ""
    return _apply_intent_state(payment, state, failure=failure)


def void_invoice(*, invoice: Invoice, user: User, note: str) -> Invoice:
    """A chamber admin cancels an open invoice with a reason; attempts in flight are canceled at
    Stripe first. Its hours are freed for the next invoice; its period is not issued again."""
    access.ensure_admin_of(user, invoice.engagement.company.chamber_id, _("Invoice not found."))
    require_reason(note, field="note", message=_("Give the reason."))
    if invoice.status != Invoice.Status.OPEN:
        raise InvalidTransition(invoice, to=Invoice.Status.VOID)
    in_flight = list(invoice.payments.filter(status__in=[Payment.Status.PENDING, Payment.Status.FAILED]))
    _cancel_at_stripe(in_flight, reason=_("The invoice was voided."))
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.payments.filter(status=Payment.Status.PENDING).exists():
            raise Conflict(_("A payment of this invoice is under way; try again."))
        transition(invoice, to=Invoice.Status.VOID, by=user, note=note)
        invoice.time_entries.update(invoice=None)
    return invoice


def ensure_captured(payment: Payment) -> None:
    """A receipt exists only for money that was captured."""
    if payment.status not in Payment.CAPTURED:
        raise Conflict(
            _("No money was received for this payment (%(status)s): there is no receipt.")
            % {"status": payment.get_status_display()}
        )


def apply_intent_state(payment: Payment, intent_status: str, *, failure: str = "") -> str:
    """What Stripe says of the attempt's PaymentIntent, read on the payer's return from Stripe's
    Checkout page (billing.services.card_checkout): the same forward-only moves as the webhooks."""
    return _apply_intent_state(payment, intent_status, failure=failure)
