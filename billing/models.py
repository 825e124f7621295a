"""Stripe state we keep: events received (each once) and specialists' connected accounts."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from talent.models import Specialist


class StripeEvent(models.Model):
    """A webhook event, stored by its unique id in the request that delivered it.

    Processing is tracked by timestamps (like the notification outbox): waiting while
    `processed_at` is empty; a sweeper re-sends what waited too long (the broker was down),
    so an event stored once is handled even if its first enqueue was lost.
    """

    id = models.BigAutoField(primary_key=True)
    event_id = models.CharField(_("Stripe event id"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100)
    created = models.DateTimeField(_("created at Stripe"))
    payload = models.JSONField(_("payload"))
    received_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    result = models.CharField(_("result"), max_length=200, blank=True, default="")
    last_error = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(
                fields=["received_at"], condition=Q(processed_at__isnull=True), name="stripe_event_waiting_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class ConnectedAccount(models.Model):
    """A specialist's Stripe Connect account; payouts go there once Stripe enables them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    specialist = models.OneToOneField(Specialist, on_delete=models.PROTECT, related_name="connected_account")
    account_id = models.CharField(_("Stripe account id"), max_length=255, unique=True)
    charges_enabled = models.BooleanField(_("charges enabled"), default=False)
    payouts_enabled = models.BooleanField(_("payouts enabled"), default=False)
    details_submitted = models.BooleanField(_("details submitted"), default=False)
    # The Stripe time of the newest account.updated applied: older ones arriving late are ignored.
    state_as_of = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("connected account")
        verbose_name_plural = _("connected accounts")

    def __str__(self) -> str:
        return self.account_id
