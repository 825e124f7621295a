"""Thin Celery tasks for billing; each calls one service."""

from celery import shared_task

from marketplace.errors import ServiceUnavailable


@shared_task(name="billing.process_stripe_event", soft_time_limit=20, time_limit=25)
def process_stripe_event(event_id: str) -> str:
    from billing import services

    return services.process_stripe_event(event_id=event_id)


@shared_task(name="billing.sweep_stripe_events", soft_time_limit=20, time_limit=25)
def sweep_stripe_events() -> int:
    from billing import services

    return services.sweep_stripe_events()


# Stripe out of reach is transient: retried with backoff a few times (same idempotency key),
# then left to the sweeper.
@shared_task(
    name="billing.send_refund", soft_time_limit=20, time_limit=25,
    autoretry_for=(ServiceUnavailable,), retry_backoff=5, max_retries=4,
)  # fmt: skip
def send_refund(refund_id: str) -> str:
    from billing import services

    return services.send_refund(refund_id=refund_id)


@shared_task(name="billing.sweep_refunds", soft_time_limit=20, time_limit=25)
def sweep_refunds() -> int:
    from billing import services

    return services.sweep_refunds()


# No own time limit: the global one applies (below the broker's visibility timeout); issuing
# is idempotent per engagement and period, so a re-delivery issues nothing twice.
@shared_task(name="billing.issue_due_invoices")
def issue_due_invoices() -> int:
    from billing import invoicing

    return len(invoicing.issue_due_invoices())
