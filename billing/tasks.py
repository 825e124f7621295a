"""Thin Celery tasks for billing; each calls one service."""

from celery import shared_task
from django.conf import settings

from billing import invoicing
from billing.models import Invoice
from billing.services import bank_transfers, fee_statements, refunds, webhooks
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


# No own time limit: the global one applies (below the broker's visibility timeout, which a
# fixed 150 s broke in the tests' short one); issuing is idempotent per specialist and month.
@shared_task(name="billing.issue_fee_statements")
def issue_fee_statements() -> int:
    return len(fee_statements.issue_fee_statements())


# Sent on commit when an invoice naming bank transfer is issued: its virtual account and the
# PaymentIntent a transfer is applied to. Idempotent (the customer and the attempt are found
# again, Stripe calls carry keys from our rows); Stripe out of reach is retried with backoff.
@shared_task(
    name="billing.prepare_bank_transfer",
    soft_time_limit=20,
    time_limit=25,
    autoretry_for=(ServiceUnavailable,),
    retry_backoff=5,
    max_retries=4,
)
def prepare_bank_transfer(invoice_id: str) -> bool:
    if not settings.STRIPE_SECRET_KEY:
        return False
    invoice = Invoice.objects.select_related("engagement__company", "engagement__specialist").get(pk=invoice_id)
    return bank_transfers.prepare_bank_transfer(invoice=invoice) is not None
