"""The outbox mechanism: work that must happen after a commit is a row first.

A row (a notification, a received Stripe event, a refund to send to Stripe) is written
in the transaction of its event and is waiting while its `done` timestamp is empty. A
task enqueued on commit claims it with one conditional UPDATE, so one sender at a time
acts on it; a sender that fails releases the claim; a beat sweeper re-sends rows that
waited too long (the broker was down, a worker died). A done row is never claimed again.

Models using it (notifications, Stripe events, refunds) inherit `OutboxRow` below
(`claimed_at`, `attempts`, `last_error`) and add their own `done` and `created` timestamps
(named for what they mean: `sent_at`, `processed_at`, ...). It lives in `marketplace/` as a
kernel every app may use, so a billing row does not inherit a notifications model.
"""

import datetime
from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.models import F, Q, QuerySet
from django.utils import timezone


class OutboxRow(models.Model):
    """What the outbox keeps on a row that stands for work to do after a commit: who holds it,
    how often it was tried, why it last failed. Each model adds its own `done` and `created`
    timestamps. Abstract: no table, the fields land on each model's own."""

    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")

    class Meta:
        abstract = True
        app_label = "marketplace"


# A claimed row whose sender died is offered again after this long.
CLAIM_TIMEOUT = datetime.timedelta(minutes=10)
# Rows younger than this are still on their way through the broker.
SWEEP_AFTER = datetime.timedelta(minutes=1)
# A row that failed this often waits for an operator (its last_error says why).
MAX_ATTEMPTS = 8


def _claimable(now: datetime.datetime) -> Q:
    return Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT)


def claim(queryset: "QuerySet[Any]", *, done: str, **lookup: Any) -> datetime.datetime | None:
    """Claim the waiting row matching `lookup` for this sender; the claim time, or None when
    it is done already or another sender holds it."""
    now = timezone.now()
    claimed = queryset.filter(_claimable(now), **lookup, **{f"{done}__isnull": True}).update(
        claimed_at=now, attempts=F("attempts") + 1
    )
    return now if claimed else None


def release(queryset: "QuerySet[Any]", error: BaseException, **lookup: Any) -> None:
    """Give the row back after a failed attempt, with the reason."""
    queryset.filter(**lookup).update(claimed_at=None, last_error=f"{type(error).__name__}: {error}"[:2000])


def sweep(queryset: "QuerySet[Any]", *, done: str, created: str, key: str, resend: Callable[[Any], bool]) -> int:
    """Re-send rows that waited too long; how many were sent."""
    now = timezone.now()
    waiting = queryset.filter(
        _claimable(now),
        **{f"{done}__isnull": True, f"{created}__lt": now - SWEEP_AFTER, "attempts__lt": MAX_ATTEMPTS},
    ).values_list(key, flat=True)[:5000]
    return sum(1 for value in waiting if resend(value))
