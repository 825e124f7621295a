"""Stripe's webhooks, applied exactly once: each event is checked, stored once by its id,
processed once through the outbox (swept if the broker lost the message, reconciled against
Stripe's own list if the delivery was lost), and dispatched to the module that owns its
effect (`connect`, `payments`, `bank_transfers`, `refunds`), whose transitions only move forward."""

import datetime
import math
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import stripe_client
from billing.models import StripeEvent
from billing.services import bank_transfers, connect, payments, refunds
from marketplace import outbox
from marketplace.celery import send, send_on_commit
from marketplace.errors import ValidationFailed

# The largest `created` stored: a date the database and every time zone can still hold.
LAST_CREATED = int(datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC).timestamp())
# Deeper than any event Stripe sends; a deeper body could overflow the JSON encoder on save.
MAX_DEPTH = 64

INTENT_STATES = {
    "payment_intent.succeeded": "succeeded",
    "payment_intent.payment_failed": "requires_payment_method",
    "payment_intent.canceled": "canceled",
}
REFUND_EVENTS = ("refund.created", "refund.updated", "refund.failed", "charge.refund.updated")


def receive_event(*, payload: bytes, signature: str | None) -> tuple[StripeEvent, bool]:
    """Verify, then store the event once; processing is enqueued on commit."""
    return store_event(stripe_client.verified_event(payload, signature))


def store_event(event: Any) -> tuple[StripeEvent, bool]:
    """Store an event by its unique id (a concurrent duplicate loses the insert race and is
    answered like any duplicate); a new one is processed by a task after commit. An event
    whose fields are wrong is a 400 and stores nothing."""
    event_id, kind, created = _checked(event)
    try:
        with transaction.atomic():
            row = StripeEvent.objects.create(event_id=event_id, type=kind, created=created, payload=event)
            send_on_commit("billing.process_stripe_event", row.event_id)
    except IntegrityError:
        return StripeEvent.objects.get(event_id=event_id), False
    return row, True


def _checked(event: Any) -> tuple[str, str, datetime.datetime]:
    """The event's id, type and creation time, or a 400 naming every field that is wrong. The
    checks come before the insert: a value the database cannot hold would otherwise be a 500."""
    if not isinstance(event, dict):
        raise ValidationFailed(_("Not a Stripe event."), field="event")
    event_id: Any = event.get("id")
    kind: Any = event.get("type")
    created: Any = event.get("created")
    data: Any = event.get("data")
    errors = {}
    if not isinstance(event_id, str) or not 0 < len(event_id) <= stripe_client.ID_LENGTH:
        errors["id"] = _("An event id is a string of 1 to %(length)s characters.") % {"length": stripe_client.ID_LENGTH}
    if not isinstance(kind, str) or not kind:
        errors["type"] = _("An event type is a non-empty string.")
    if type(created) is not int or not 0 <= created <= LAST_CREATED:
        errors["created"] = _("An event's created time is a whole number of seconds since 1970.")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        errors["data"] = _("An event's data.object is an object.")
    problem = _unstorable(event)
    if problem:
        errors["event"] = problem
    if errors:
        raise ValidationFailed.from_errors(errors)
    return event_id, kind[:100], datetime.datetime.fromtimestamp(created, tz=datetime.UTC)


def _unstorable(event: dict[str, Any]) -> str:
    """Why the database could not store this JSON (a NUL or a lone surrogate in a text, NaN or
    Infinity, nesting too deep), or "" when it can. Walked without recursion."""
    waiting: list[tuple[Any, int]] = [(event, 1)]
    while waiting:
        value, depth = waiting.pop()
        if depth > MAX_DEPTH:
            return _("An event nests deeper than %(depth)s levels.") % {"depth": MAX_DEPTH}
        if isinstance(value, dict):
            waiting.extend((part, depth + 1) for item in value.items() for part in item)
        elif isinstance(value, list):
            waiting.extend((part, depth + 1) for part in value)
        elif isinstance(value, str) and ("\x00" in value or not _is_utf8(value)):
            return _("An event's text cannot hold NUL characters or unpaired surrogates.")
        elif isinstance(value, float) and not math.isfinite(value):
            return _("An event's numbers are finite (no NaN or Infinity).")
    return ""


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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
    obj = stripe_client.object_field(stripe_client.object_field(row.payload, "data"), "object")
    if row.type == "account.updated":
        return connect.apply_account_update(obj, as_of=row.created)
    if row.type in INTENT_STATES:
        return payments.apply_intent_event(obj, INTENT_STATES[row.type])
    if row.type in REFUND_EVENTS:
        return refunds.apply_refund_event(obj)
    if row.type == "payment_intent.partially_funded":
        return bank_transfers.apply_partial_funding(obj)
    if row.type == "customer_cash_balance_transaction.created":
        return bank_transfers.record_cash_balance_transaction(obj, created=row.created)
    if row.type == "cash_balance.funds_available":
        return bank_transfers.apply_funds_available(obj, event_id=row.event_id)
    return "ignored: no handler"
