"""Thin Celery tasks for billing."""

from celery import shared_task


@shared_task(name="billing.process_stripe_event", soft_time_limit=20, time_limit=25)
def process_stripe_event(event_id: str) -> str:
    from billing import services

    return services.process_stripe_event(event_id=event_id)


@shared_task(name="billing.sweep_stripe_events", soft_time_limit=20, time_limit=25)
def sweep_stripe_events() -> int:
    from billing import services

    return services.sweep_stripe_events()
