"""Stripe webhooks, exactly once: store by event id, process on commit, sweep what was lost."""

import datetime
import logging
import time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from billing import stripe_client, tasks
from billing.models import ConnectedAccount, StripeEvent
from marketplace.celery import send, send_on_commit
from marketplace.errors import NotFound
from talent.models import Specialist

logger = logging.getLogger(__name__)

CLAIM_TIMEOUT = datetime.timedelta(minutes=10)
SWEEP_AFTER = datetime.timedelta(minutes=1)
MAX_ATTEMPTS = 8


def receive_event(*, payload: bytes, signature: str | None) -> tuple[StripeEvent, bool]:
    """Verify, then store the event once (a unique event id; a concurrent duplicate loses the
    insert race and is answered like any duplicate). Processing is enqueued on commit."""
    event = stripe_client.verified_event(payload, signature)
    created = datetime.datetime.fromtimestamp(int(event.get("created") or 0), tz=datetime.UTC)
    try:
        with transaction.atomic():
            row = StripeEvent.objects.create(
                event_id=event["id"], type=event["type"][:100], created=created, payload=event
            )
    except IntegrityError:
        return StripeEvent.objects.get(event_id=event["id"]), False
    send_on_commit(tasks.process_stripe_event, row.event_id)
    return row, True


def process_stripe_event(*, event_id: str) -> str:
    """Apply one event's effect once. Claimed with a conditional UPDATE; effects only move
    state forward, so a duplicate or a late, older event changes nothing."""
    now = timezone.now()
    claimed = StripeEvent.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT),
        event_id=event_id,
        processed_at__isnull=True,
    ).update(claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return "done"
    row = StripeEvent.objects.get(event_id=event_id)
    try:
        with transaction.atomic():
            result = _apply(row)
            StripeEvent.objects.filter(pk=row.pk).update(processed_at=timezone.now(), result=result, last_error="")
    except Exception as exc:
        StripeEvent.objects.filter(pk=row.pk).update(claimed_at=None, last_error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    return result


def _apply(row: StripeEvent) -> str:
    obj: dict[str, Any] = (row.payload.get("data") or {}).get("object") or {}
    if row.type == "account.updated":
        return _account_updated(obj, as_of=row.created)
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


def sweep_stripe_events() -> int:
    """Beat: re-send events stored but not processed (the broker was down, a worker died)."""
    now = timezone.now()
    waiting = StripeEvent.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT),
        processed_at__isnull=True,
        received_at__lt=now - SWEEP_AFTER,
        attempts__lt=MAX_ATTEMPTS,
    ).values_list("event_id", flat=True)[:5000]
    return sum(1 for event_id in waiting if send(tasks.process_stripe_event, event_id))
