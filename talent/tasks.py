"""Thin Celery tasks for the talent bank; each calls one service."""

from celery import shared_task


@shared_task(
    name="talent.notify_certification_status",
    soft_time_limit=10,
    time_limit=20,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def notify_certification_status(certification_id: str) -> None:
    from talent import notifications

    notifications.notify_certification_status(certification_id=certification_id)


# No own time limit: the global one (below the broker's visibility timeout) applies.
@shared_task(name="talent.refresh_certification_validity")
def refresh_certification_validity() -> dict[str, int]:
    from talent import services

    return services.refresh_certification_validity()
