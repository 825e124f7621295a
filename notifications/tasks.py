"""Thin Celery tasks for the outbox and the daily digest."""

import smtplib

from celery import shared_task

from notifications import services


@shared_task(
    name="notifications.deliver_notification",
    soft_time_limit=15,
    time_limit=20,
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=True,
    max_retries=5,
)
def deliver_notification(notification_id: str) -> bool:
    return services.deliver_notification(notification_id=notification_id)


@shared_task(
    name="notifications.deliver_digest",
    soft_time_limit=15,
    time_limit=20,
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=True,
    max_retries=5,
)
def deliver_digest(digest_id: str) -> bool:
    return services.deliver_digest(digest_id=digest_id)


@shared_task(name="notifications.sweep_notifications", soft_time_limit=20, time_limit=25)
def sweep_notifications() -> int:
    return services.sweep_notifications()


# No own time limit: the global one applies, below the broker's visibility timeout; a digest
# is sent once per person and day (DigestMail), so a re-delivered run sends nothing twice.
@shared_task(name="notifications.send_digests")
def send_digests() -> int:
    return services.send_digests()
