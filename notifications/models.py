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
        ]

    def __str__(self) -> str:
        return f"{self.kind} -> {self.email}"
