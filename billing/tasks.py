"""Thin Celery tasks for billing; each calls one service."""

from celery import shared_task

from billing import invoicing
from billing.services import refunds, webhooks
from marketplace.errors import ServiceUnavailable


@shared_task(name="billing.process_stripe_event", soft_time_limit=20, time_limit=25)
def process_stripe_event(event_id: str) -> str:
    return webhooks.process_stripe_event(event_id=event_id)


@shared_task(name="billing.sweep_stripe_events", soft_time_limit=20, time_limit=25)
def sweep_stripe_events() -> int:
    return webhooks.sweep_stripe_events()


# Stripe out of reach is transient: retried with backoff a few times (same idempotency key),
# then left to the sweeper.
@shared_task(
    name="billing.send_refund",
    soft_time_limit=20,
    time_limit=25,
    autoretry_for=(ServiceUnavailable,),
    retry_backoff=5,
    max_retries=4,
)
def send_refund(refund_id: str) -> str:
    return refunds.send_refund(refund_id=refund_id)


@shared_task(name="billing.sweep_refunds", soft_time_limit=20, time_limit=25)
def sweep_refunds() -> int:
    return refunds.sweep_refunds()


# No own time limit: the global one applies (below the broker's visibility timeout); issuing
# is idempotent per engagement and period, so a re-delivery issues nothing twice.
@shared_task(name="billing.issue_due_invoices")
def issue_due_invoices() -> int:
    return len(invoicing.issue_due_invoices())
