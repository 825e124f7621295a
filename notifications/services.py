"""Write a notification with its event; send it after commit; sweep what the broker lost."""

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from marketplace import outbox
from marketplace.celery import send, send_on_commit
from notifications.models import Notification

logger = logging.getLogger(__name__)

LANGUAGES = ("ja", "en")


def render(kind: str, language: str, context: dict[str, Any]) -> tuple[str, str]:
    """Subject (first line) and body from `notifications/<kind>.<language>.txt`."""
    language = language if language in LANGUAGES else settings.LANGUAGE_CODE
    with translation.override(language):
        text = render_to_string(f"notifications/{kind}.{language}.txt", context)
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def notify(
    *,
    kind: str,
    recipients: Iterable[Any],
    event_key: str,
    context: dict[str, Any],
    include_inactive: bool = False,
) -> list[Notification]:
    """Queue one message per recipient for this event, in the recipient's language.

    Call inside the event's transaction: the rows commit or roll back with it, the
    send is enqueued only on commit, and a repeat of the same event adds nothing.
    Inactive people get nothing, unless `include_inactive`: an invitation goes to a person
    whose account is not active until they accept it (accounts.lifecycle).
    """
    created = []
    for user in {
        user.pk: user for user in recipients if user is not None and (user.is_active or include_inactive)
    }.values():
        language = getattr(user, "language", "") or settings.LANGUAGE_CODE
        subject, body = render(kind, language, {**context, "recipient": user})
        notification, was_created = Notification.objects.get_or_create(
            event_key=event_key,
            recipient=user,
            defaults={"kind": kind, "language": language, "email": user.email, "subject": subject, "body": body},
        )
        if was_created:
            send_on_commit("notifications.deliver_notification", str(notification.pk))
            created.append(notification)
    return created


def deliver_notification(*, notification_id: str) -> bool:
    """Send one row, once (the outbox claim): a row already sent, or held by another sender,
    is left alone; a send that fails releases the claim and re-raises (the task retries)."""
    rows = Notification.objects.all()
    claimed = outbox.claim(rows, done="sent_at", pk=notification_id)
    if claimed is None:
        return False
    notification = Notification.objects.get(pk=notification_id)
    try:
        send_mail(notification.subject, notification.body, None, [notification.email])
    except Exception as exc:
        outbox.release(rows, exc, pk=notification_id, claimed_at=claimed)
        raise
    Notification.objects.filter(pk=notification_id).update(sent_at=timezone.now(), last_error="")
    return True


def sweep_notifications() -> int:
    """Beat: re-send rows that waited too long (the broker was down, or a sender died)."""
    return outbox.sweep(
        Notification.objects.all(),
        done="sent_at",
        created="created_at",
        key="pk",
        resend=lambda pk: send("notifications.deliver_notification", str(pk)),
    )
