"""Refunds: a chamber admin's request (a row first), sent to Stripe once through the outbox
(swept if the broker lost the message), and applied once when Stripe reports it, including
refunds made at Stripe directly.

Locking policy: a refund locks its payment row. Stripe is called outside any transaction,
with the refund's id as idempotency key; its answer and its webhook events go through the
same forward-only functions, so whichever arrives first wins and the other changes nothing.
"""

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from billing import money, stripe_client
from billing.models import Payment, Refund
from billing.services import payments
from marketplace import links, outbox
from marketplace.celery import send, send_on_commit
from marketplace.errors import (
    Conflict,
    InvalidTransition,
    PaymentDeclined,
    ServiceUnavailable,
    ValidationFailed,
    require_reason,
)
from notifications.services import by_role, notify
from workflow.services import forward_transition, record_creation, transition

logger = logging.getLogger(__name__)


@transaction.atomic
def request_refund(*, payment: Payment, user: User, amount_jpy: int | None, reason: str) -> Refund:
    """A chamber admin refunds part or all of what is left of a captured payment. The refund is
    a row first; a task sends it to Stripe on commit (swept if the broker was down)."""
    stripe_client.ensure_configured()
    access.ensure_admin_of(user, payment.invoice.engagement.company.chamber_id, _("Payment not found."))
    require_reason(reason, field="reason", message=_("Give the reason."))
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status not in Payment.CAPTURED:
        raise Conflict(
            _("Only a captured payment can be refunded; this one is %(status)s.")
            % {"status": payment.get_status_display()}
        )
    in_flight = payment.refunds.filter(status=Refund.Status.PENDING).aggregate(total=Sum("amount_jpy"))["total"] or 0
    remaining = payment.amount_jpy - payment.refunded_jpy - in_flight
    if remaining <= 0:
        raise Conflict(_("Nothing is left to refund on this payment."))
    amount = remaining if amount_jpy is None else amount_jpy
    if amount > remaining:
        raise ValidationFailed(
            _("At most %(amount)s yen can still be refunded.") % {"amount": f"{remaining:,}"}, field="amount_jpy"
        )
    refund = Refund.objects.create(payment=payment, amount_jpy=amount, reason=reason, requested_by=user)
    record_creation(refund, by=user, note=reason)
    send_on_commit("billing.send_refund", str(refund.pk))
    return refund


def send_refund(*, refund_id: str) -> str:
    """Send one refund to Stripe, once (the outbox claim; the idempotency key is the refund's
    id, so a resend after a lost answer refunds nothing twice). Stripe out of reach: the claim
    is released and the error raised (the task retries; the sweeper later). Refused: failed."""
    rows = Refund.objects.all()
    claimed = outbox.claim(rows, done="sent_at", pk=refund_id)
    if claimed is None:
        return "done"
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    try:
        result = stripe_client.create_refund(
            refund_id=refund.pk, intent_id=str(refund.payment.payment_intent_id), amount=refund.amount_jpy
        )
    except ServiceUnavailable as exc:
        outbox.release(rows, exc, pk=refund_id, claimed_at=claimed)
        raise
    except (Conflict, PaymentDeclined) as exc:
        with transaction.atomic():
            Refund.objects.filter(pk=refund_id).update(sent_at=timezone.now(), last_error=str(exc.message)[:2000])
            _refund_failed(refund, str(exc.message))
        return "failed"
    Refund.objects.filter(pk=refund_id).update(sent_at=timezone.now(), last_error="")
    _link_refund(refund, result.id)
    return _apply_refund_state(refund, result.status)


def sweep_refunds() -> int:
    """Beat: send refunds whose message was lost (the broker was down, a worker died)."""
    return outbox.sweep(
        Refund.objects.all(),
        done="sent_at",
        created="created_at",
        key="pk",
        resend=lambda pk: send("billing.send_refund", str(pk)),
    )


def apply_refund_event(obj: dict[str, Any]) -> str:
    """A refund Stripe reports: ours (by metadata or id), or one made at Stripe directly, which
    is recorded as such."""
    stripe_refund_id = stripe_client.id_field(obj, "id")
    refund = Refund.objects.filter(stripe_refund_id=stripe_refund_id).first() if stripe_refund_id else None
    ours = stripe_client.text_field(stripe_client.object_field(obj, "metadata"), "refund")
    if refund is None and ours:
        try:
            refund = Refund.objects.filter(pk=ours).first()
        except (ValueError, TypeError, ValidationError):  # not one of our ids
            refund = None
    if refund is None:
        intent_id = stripe_client.id_field(obj, "payment_intent")
        payment = Payment.objects.filter(payment_intent_id=intent_id).first() if intent_id else None
        amount = stripe_client.whole_field(obj, "amount") or 0
        if payment is None or amount <= 0:
            return "ignored: not one of our payments"
        refund = Refund.objects.create(
            payment=payment, amount_jpy=amount, reason=_("Refunded at Stripe."), sent_at=timezone.now()
        )
        record_creation(refund, by=None, note=refund.reason)
    _link_refund(refund, stripe_refund_id)
    return _apply_refund_state(refund, stripe_client.text_field(obj, "status"))


def _link_refund(refund: Refund, stripe_refund_id: str) -> None:
    if stripe_refund_id:
        Refund.objects.filter(pk=refund.pk, stripe_refund_id__isnull=True).update(stripe_refund_id=stripe_refund_id)


def _apply_refund_state(refund: Refund, stripe_status: str) -> str:
    if stripe_status == "succeeded":
        return _settle_refund(refund)
    if stripe_status in ("failed", "canceled"):
        with transaction.atomic():
            return _refund_failed(refund, _("Stripe could not refund (%(status)s).") % {"status": stripe_status})
    return "ignored: still in progress"


def _refund_failed(refund: Refund, reason: str) -> str:
    try:
        moved = forward_transition(refund, to=Refund.Status.FAILED, by=None, note=reason, failure_message=reason[:500])
    except InvalidTransition:
        return f"ignored: the refund is {refund.status}"
    return "applied" if moved else "ignored: already there"


@transaction.atomic
def _settle_refund(refund: Refund) -> str:
    """Stripe refunded: record the parts (platform fee returned, transfer reversed, in
    proportion) on the refund and the payment's totals, once."""
    payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
    refund = Refund.objects.select_for_update().get(pk=refund.pk)
    if refund.status != Refund.Status.PENDING:
        return f"ignored: the refund is {refund.status}"
    if payment.status not in Payment.CAPTURED:
        payments.payment_succeeded(payment)  # a refund proves the money was captured (events out of order)
        payment.refresh_from_db()
    if payment.refunded_jpy + refund.amount_jpy > payment.amount_jpy:
        logger.error("refund %s would exceed payment %s: not applied", refund.pk, payment.pk)
        return "ignored: more than was captured"
    fee_part, transfer_part = money.refund_split(
        amount=payment.amount_jpy,
        fee=payment.application_fee_jpy,
        refunded_before=payment.refunded_jpy,
        refund=refund.amount_jpy,
    )
    transition(
        refund, to=Refund.Status.SUCCEEDED, by=None, fee_refunded_jpy=fee_part, transfer_reversed_jpy=transfer_part
    )
    Payment.objects.filter(pk=payment.pk).update(
        refunded_jpy=payment.refunded_jpy + refund.amount_jpy,
        fee_refunded_jpy=payment.fee_refunded_jpy + fee_part,
        transfer_reversed_jpy=payment.transfer_reversed_jpy + transfer_part,
    )
    payment.refresh_from_db()
    full = payment.refunded_jpy == payment.amount_jpy
    forward_transition(payment, to=Payment.Status.REFUNDED if full else Payment.Status.PARTIALLY_REFUNDED, by=None)
    engagement = payment.invoice.engagement
    notify(
        kind="refund_issued",
        recipients=[*access.members_of(engagement.company_id), engagement.specialist.user],
        event_key=f"refund_issued:{refund.pk}",
        context={"invoice": payment.invoice, "refund": refund, "reason": refund.reason},
        link=by_role(sme=links.sme_invoice(payment.invoice_id), specialist=links.specialist_engagement(engagement.pk)),
    )
    return "applied"
