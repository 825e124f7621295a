"""The outbox: every message is a row first, written in the transaction of its event."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.outbox import OutboxRow


class Notification(OutboxRow):
    """One message to one person about one event, rendered in their language when written.

    Delivery is tracked by timestamps, not a workflow status: a row is waiting while
    `sent_at` is empty, claimed by one sender at a time (`claimed_at`), and a row with
    `sent_at` is never claimed again.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=50)
    event_key = models.CharField(_("event"), max_length=200, help_text=_("Unique per event and recipient."))
    language = models.CharField(_("language"), max_length=5)
    email = models.EmailField(_("email"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Waits for the person's daily digest instead of being sent at once (their preference);
    # `digest_mail` is the digest that carried it.
    digest = models.BooleanField(_("for the digest"), default=False)
    digest_mail = models.ForeignKey(
        "DigestMail", on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event_key", "recipient"], name="one_notification_per_event_recipient")
        ]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="notification_unsent_idx"),
            models.Index(fields=["recipient", "kind"], name="notification_recipient_idx"),
            models.Index(
                fields=["recipient"],
                condition=Q(digest=True, digest_mail__isnull=True),
                name="notification_digest_wait_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} -> {self.email}"


class NotificationPreference(models.Model):
    """How one person wants one kind (notifications/kinds.py): at once, in the daily digest, or
    not at all. No row: the kind's default. Law-required kinds never get a row (the service refuses)."""

    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", _("At once")
        DIGEST = "digest", _("Daily digest")
        OFF = "off", _("Off")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=50)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_user_kind"),
            models.CheckConstraint(
                condition=Q(delivery__in=["immediate", "digest", "off"]), name="notification_delivery_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.delivery}"


class DigestMail(OutboxRow):
    """One person's digest of one day: every notification that waited for it, in one mail.

    The unique (recipient, day) row is the guard: however often the daily task runs, a person
    gets one digest a day; notifications arriving after it wait for the next day's.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_mails")
    day = models.DateField(_("day"))
    language = models.CharField(_("language"), max_length=5)
    email = models.EmailField(_("email"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("digest mail")
        verbose_name_plural = _("digest mails")
        ordering = ["-day", "id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "day"], name="one_digest_per_recipient_day")]

    def __str__(self) -> str:
        return f"digest {self.day} -> {self.email}"


class CalendarFeed(models.Model):
    """A person's secret calendar URL (/calendar/<token>.ics). Only the token's SHA-256 is kept:
    the URL is shown once, when made; rotating replaces the hash, so the old URL stops working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"calendar of {self.user_id}"
