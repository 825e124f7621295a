"""Billing writes: Connect onboarding, logged hours, paying invoices, refunds, and Stripe's
webhooks applied exactly once.

Locking policy: a payment attempt locks its invoice row; a refund, its payment row. Stripe
is called outside any transaction (a slow Stripe never holds a lock): the row is written
and committed first, the call carries an idempotency key derived from that row's id, and
the answer is applied in a second transaction through forward-only transitions, the same
functions that apply webhook events, so whichever arrives first wins and the other
changes nothing.
"""

import datetime
import decimal
import logging
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from billing import money, stripe_client
from billing.models import ConnectedAccount, Invoice, Payment, Refund, StripeEvent, TimeEntry
from marketplace import outbox
from marketplace.celery import send, send_on_commit
from marketplace.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PaymentDeclined,
    PermissionDenied,
    ServiceUnavailable,
    ValidationFailed,
)
from matching.models import Engagement
from notifications.services import notify
from talent.models import Specialist
from workflow.services import forward_transition, record_transition, transition

logger = logging.getLogger(__name__)


# --- Connect -----------------------------------------------------------------------------


def onboard_specialist(*, user: User) -> dict[str, Any]:
    """A specialist's Connect account (created once) and a fresh onboarding link."""
    specialist = Specialist.objects.filter(user=user).first()
    if specialist is None:
        raise NotFound(_("You have no specialist profile."))
    stripe_client.ensure_configured()
    account = ConnectedAccount.objects.filter(specialist=specialist).first()
    if account is None:
        # Same idempotency key for the same specialist: a retry or a race gets the same account.
        account_id = stripe_client.create_express_account(specialist_id=specialist.pk, email=user.email)
        try:
            with transaction.atomic():
                account = ConnectedAccount.objects.create(specialist=specialist, account_id=account_id)
        except IntegrityError:
            account = ConnectedAccount.objects.get(specialist=specialist)
    base = settings.SITE_URL.rstrip("/")
    url = stripe_client.create_onboarding_link(
        account_id=account.account_id,
        refresh_url=f"{base}/connect/refresh",
        return_url=f"{base}/connect/return",
        bucket=int(time.time() // 60),
    )
    return {"account": account.account_id, "onboarding_url": url, "payouts_enabled": account.payouts_enabled}


# --- Logged hours ------------------------------------------------------------------------


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
    record_transition(entry, by=user, from_status="", to_status=entry.status)
    notify(
        kind="hours_logged",
        recipients=access.members_of(engagement.company_id),
        event_key=f"hours_logged:{entry.pk}",
        context={"title": engagement.request.title, "entry": entry, "specialist": engagement.specialist.display_name},
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
    if not note.strip():
        raise ValidationFailed(_("Say what is wrong with these hours."), field="note")
    transition(entry, to=TimeEntry.Status.DISPUTED, by=user, note=note)
    notify(
        kind="hours_disputed",
        recipients=[entry.engagement.specialist.user],
        event_key=f"hours_disputed:{entry.pk}",
        context={"title": entry.engagement.request.title, "entry": entry, "note": note},
    )
    return entry


# --- Paying an invoice -------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentStart:
    """What the payer's browser needs: the attempt, Stripe's state and the client secret."""

    payment: Payment
    intent_status: str
    client_secret: str


def _payout_account(invoice: Invoice) -> ConnectedAccount:
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
        )
    raise Conflict(
        _(
            "The specialist cannot receive payouts yet (their Stripe account is not set up). They have been "
            "asked to finish it; try again when they have."
        )
    )


def _attempt(invoice: Invoice, user: User, account: ConnectedAccount, *, new_card: bool) -> Payment:
    """The invoice's attempt in flight, or a new one. Before a new attempt, earlier ones still
    payable at Stripe (a failed one, or one a new card replaces) are canceled there, so two
    attempts can never both be paid."""
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.status != Invoice.Status.OPEN:
            raise InvalidTransition(
                invoice, to=Invoice.Status.PAID, message=_("This invoice is %(status)s: there is nothing to pay.")
                % {"status": invoice.get_status_display()},
            )  # fmt: skip
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
                invoice=invoice, amount_jpy=invoice.amount_jpy, application_fee_jpy=invoice.platform_fee_jpy,
                specialist_share_jpy=invoice.specialist_share_jpy, destination_account=account.account_id,
                created_by=user,
            )  # fmt: skip
        except IntegrityError as exc:  # a concurrent click opened one first
            raise Conflict(_("A payment of this invoice is already under way; try again.")) from exc
        record_transition(payment, by=user, from_status="", to_status=payment.status)
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
    account = _payout_account(invoice)
    payment = _attempt(invoice, user, account, new_card=bool(payment_method))
    if payment.payment_intent_id:
        intent = stripe_client.retrieve_payment_intent(payment.payment_intent_id)
    else:
        try:
            intent = stripe_client.create_payment_intent(
                payment_id=payment.pk, amount=payment.amount_jpy, fee=payment.application_fee_jpy,
                destination=payment.destination_account, payment_method=payment_method,
                metadata={"payment": str(payment.pk), "invoice": str(invoice.pk), "invoice_number": invoice.number},
                return_url=f"{settings.SITE_URL.rstrip('/')}/invoices/{invoice.pk}/paid",
            )  # fmt: skip
        except PaymentDeclined as exc:
            with transaction.atomic():
                _link_intent(payment, exc.context.get("payment_intent", ""))
                _apply_intent_state(payment, "requires_payment_method", failure=str(exc.message))
            raise
        _link_intent(payment, intent.id)
    with transaction.atomic():
        _apply_intent_state(payment, intent.status, failure=intent.failure)
    payment.refresh_from_db()
    return PaymentStart(payment=payment, intent_status=intent.status, client_secret=intent.client_secret)


def _link_intent(payment: Payment, intent_id: str) -> None:
    if intent_id:
        Payment.objects.filter(pk=payment.pk, payment_intent_id__isnull=True).update(payment_intent_id=intent_id)
        payment.refresh_from_db()


def _apply_intent_state(payment: Payment, intent_status: str, *, failure: str = "") -> str:
    """Move the payment (and its invoice) forward to what Stripe says of its PaymentIntent.
    Shared by the synchronous answers and the webhook events: a repeat or an older state
    arriving late changes nothing."""
    if intent_status == "succeeded":
        return _payment_succeeded(payment)
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
        )
    return "applied" if moved else "ignored: already there"


def _payment_succeeded(payment: Payment) -> str:
    """Money was captured: the payment succeeded (unless it is past that already) and the
    invoice is paid; both parties get a receipt once."""
    now = timezone.now()
    moved = forward_transition(payment, to=Payment.Status.SUCCEEDED, by=None, succeeded_at=now)
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
        )
    return "applied" if moved else "ignored: already there"


def void_invoice(*, invoice: Invoice, user: User, note: str) -> Invoice:
    """A chamber admin cancels an open invoice with a reason; attempts in flight are canceled at
    Stripe first. Its hours are freed for the next invoice; its period is not issued again."""
    access.ensure_admin_of(user, invoice.engagement.company.chamber_id, _("Invoice not found."))
    if not note.strip():
        raise ValidationFailed(_("Give the reason."), field="note")
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
        raise Conflict(_("No money was received for this payment (%(status)s): there is no receipt.")
                       % {"status": payment.get_status_display()})  # fmt: skip


# --- Refunds -----------------------------------------------------------------------------


@transaction.atomic
def request_refund(*, payment: Payment, user: User, amount_jpy: int | None, reason: str) -> Refund:
    """A chamber admin refunds part or all of what is left of a captured payment. The refund is
    a row first; a task sends it to Stripe on commit (swept if the broker was down)."""
    stripe_client.ensure_configured()
    access.ensure_admin_of(user, payment.invoice.engagement.company.chamber_id, _("Payment not found."))
    if not reason.strip():
        raise ValidationFailed(_("Give the reason."), field="reason")
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
    record_transition(refund, by=user, from_status="", to_status=refund.status, note=reason)
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


def _link_refund(refund: Refund, stripe_refund_id: str) -> None:
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
        _payment_succeeded(payment)  # a refund proves the money was captured (events out of order)
        payment.refresh_from_db()
    if payment.refunded_jpy + refund.amount_jpy > payment.amount_jpy:
        logger.error("refund %s would exceed payment %s: not applied", refund.pk, payment.pk)
        return "ignored: more than was captured"
    fee_part, transfer_part = money.refund_split(
        amount=payment.amount_jpy, fee=payment.application_fee_jpy, refunded_before=payment.refunded_jpy,
        refund=refund.amount_jpy,
    )  # fmt: skip
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
    )
    return "applied"


# --- Stripe's webhooks -------------------------------------------------------------------


def receive_event(*, payload: bytes, signature: str | None) -> tuple[StripeEvent, bool]:
    """Verify, then store the event once; processing is enqueued on commit."""
    return store_event(stripe_client.verified_event(payload, signature))


def store_event(event: dict[str, Any]) -> tuple[StripeEvent, bool]:
    """Store an event by its unique id (a concurrent duplicate loses the insert race and is
    answered like any duplicate); a new one is processed by a task after commit."""
    created = datetime.datetime.fromtimestamp(int(event.get("created") or 0), tz=datetime.UTC)
    try:
        with transaction.atomic():
            row = StripeEvent.objects.create(
                event_id=event["id"], type=str(event["type"])[:100], created=created, payload=event
            )
            send_on_commit("billing.process_stripe_event", row.event_id)
    except IntegrityError:
        return StripeEvent.objects.get(event_id=event["id"]), False
    return row, True


def process_stripe_event(*, event_id: str) -> str:
    """Apply one event's effect once (the outbox claim); effects only move state forward, so a
    duplicate or an older event arriving late changes nothing."""
    rows = StripeEvent.objects.all()
    claimed = outbox.claim(rows, done="processed_at", event_id=event_id)
    if claimed is None:
        return "done"
    row = StripeEvent.objects.get(event_id=event_id)
    try:
        with transaction.atomic():
            result = _apply(row)
            StripeEvent.objects.filter(pk=row.pk).update(processed_at=timezone.now(), result=result, last_error="")
    except Exception as exc:
        outbox.release(rows, exc, pk=row.pk, claimed_at=claimed)
        raise
    return result


def sweep_stripe_events() -> int:
    """Beat: process events stored but not processed (the broker was down, a worker died)."""
    return outbox.sweep(
        StripeEvent.objects.all(),
        done="processed_at",
        created="received_at",
        key="event_id",
        resend=lambda event_id: send("billing.process_stripe_event", event_id),
    )


def reconcile_events(*, since: datetime.datetime) -> dict[str, int]:
    """Stripe's own list of events since `since`: store what we never received and apply
    whatever is unapplied (here, not through the broker)."""
    counts = {"listed": 0, "missed": 0, "applied": 0}
    for event in stripe_client.events_since(since):
        counts["listed"] += 1
        row, created = store_event(event)
        counts["missed"] += int(created)
        if process_stripe_event(event_id=row.event_id) == "applied":
            counts["applied"] += 1
    return counts


def _apply(row: StripeEvent) -> str:
    obj: dict[str, Any] = (row.payload.get("data") or {}).get("object") or {}
    if row.type == "account.updated":
        return _account_updated(obj, as_of=row.created)
    intent_states = {
        "payment_intent.succeeded": "succeeded",
        "payment_intent.payment_failed": "requires_payment_method",
        "payment_intent.canceled": "canceled",
    }
    if row.type in intent_states:
        return _intent_event(obj, intent_states[row.type])
    if row.type in ("refund.created", "refund.updated", "refund.failed", "charge.refund.updated"):
        return _refund_event(obj)
    return "ignored: no handler"


def _account_updated(account: dict[str, Any], *, as_of: datetime.datetime) -> str:
    """Record what Stripe says the account can do, unless a newer state was applied already."""
    changed = (
        ConnectedAccount.objects.filter(account_id=str(account.get("id", "")))
        .filter(Q(state_as_of__isnull=True) | Q(state_as_of__lte=as_of))
        .update(
            charges_enabled=bool(account.get("charges_enabled")),
            payouts_enabled=bool(account.get("payouts_enabled")),
            details_submitted=bool(account.get("details_submitted")),
            state_as_of=as_of,
        )
    )
    return "applied" if changed else "ignored: unknown account or older than the state we have"


def _payment_of(intent: dict[str, Any]) -> Payment | None:
    """Our attempt behind a PaymentIntent: by the id we put in its metadata, else by its id."""
    metadata = intent.get("metadata") or {}
    payment = None
    if metadata.get("payment"):
        try:
            payment = Payment.objects.filter(pk=metadata["payment"]).first()
        except (ValueError, TypeError):
            payment = None
    if payment is None and intent.get("id"):
        payment = Payment.objects.filter(payment_intent_id=str(intent["id"])).first()
    return payment


def _intent_event(intent: dict[str, Any], state: str) -> str:
    payment = _payment_of(intent)
    if payment is None:
        return "ignored: not one of our payments"
    if int(intent.get("amount") or 0) != payment.amount_jpy:
        logger.error("PaymentIntent %s amount %s differs from payment %s", intent.get("id"), intent.get("amount"),
                     payment.pk)  # fmt: skip
        return "ignored: the amount differs from ours"
    _link_intent(payment, str(intent.get("id") or ""))
    error = intent.get("last_payment_error") or {}
    failure = str(error.get("message") or _("The payment failed.")) if state != "succeeded" else ""
    return _apply_intent_state(payment, state, failure=failure)


def _refund_event(obj: dict[str, Any]) -> str:
    """A refund Stripe reports: ours (by metadata or id), or one made at Stripe directly, which
    is recorded as such."""
    refund = Refund.objects.filter(stripe_refund_id=str(obj.get("id") or "")).first()
    ours = (obj.get("metadata") or {}).get("refund")
    if refund is None and ours:
        try:
            refund = Refund.objects.filter(pk=ours).first()
        except (ValueError, TypeError):
            refund = None
    if refund is None:
        payment = Payment.objects.filter(payment_intent_id=str(obj.get("payment_intent") or "")).first()
        amount = int(obj.get("amount") or 0)
        if payment is None or amount <= 0:
            return "ignored: not one of our payments"
        refund = Refund.objects.create(
            payment=payment, amount_jpy=amount, reason=_("Refunded at Stripe."), sent_at=timezone.now()
        )
        record_transition(refund, by=None, from_status="", to_status=refund.status, note=refund.reason)
    _link_refund(refund, str(obj.get("id") or ""))
    return _apply_refund_state(refund, str(obj.get("status") or ""))
