"""Paying an invoice by card on Stripe's hosted Checkout page, for the SME's pages.

The pages load no script from Stripe (the Content-Security-Policy allows our own only, and
Stripe.js would be the one external script), so the card is entered, and 3-D Secure is run,
on Stripe's page, never on ours: the server opens a Checkout Session for the attempt (the same
destination charge as `payments.pay_invoice`, whose PaymentIntent carries the attempt's id in
its metadata, so the `payment_intent.*` webhooks apply to it as to any other), the page offers
its link, and Stripe sends the payer back to the invoice's return page with the session's id.
There the session's PaymentIntent is read and its state applied through the same forward-only
transitions as the webhooks: whichever arrives first wins, the other changes nothing.
"""

import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from billing import stripe_client
from billing.models import Invoice, Payment
from billing.services import payments
from marketplace import links
from marketplace.errors import Conflict

# What the return page can say of a session: the PaymentIntent's status, or that the payer has
# not confirmed at Stripe yet.
NOT_CONFIRMED = "not_confirmed"


@dataclass(frozen=True)
class CardCheckout:
    payment: Payment
    url: str


def start(*, invoice: Invoice, user: User) -> CardCheckout:
    """Open (or reopen) the card payment of an invoice at Stripe: the attempt, and the hosted
    page's URL. An attempt whose PaymentIntent exists (3-D Secure abandoned, a decline) is
    canceled at Stripe and replaced, so two attempts can never both be paid; one still waiting
    for its payer keeps its session (the same idempotency key)."""
    stripe_client.ensure_configured()
    access.ensure_member(user, invoice.engagement.company_id, _("Invoice not found."))
    payments.ensure_offered(invoice, Payment.Method.CARD)
    account = payments.payout_account(invoice)
    payment = payments.attempt(invoice, user, account, new_card=True)
    session = _session_for(invoice, payment)
    if session.status == "expired":
        # The attempt's page at Stripe expired unpaid (its idempotency key replays that session):
        # the attempt ends here and a new one gets a new page.
        with transaction.atomic():
            payments.apply_intent_state(payment, "canceled", failure=_("The payment page at Stripe expired."))
        payment = payments.attempt(invoice, user, account, new_card=True)
        session = _session_for(invoice, payment)
    if session.payment_intent:
        payments.link_intent(payment, session.payment_intent)
    if session.status == "complete":
        # Paid at Stripe a moment ago, its webhook not here yet: say so rather than offer the page again.
        if session.payment_intent:
            returned(invoice=invoice, user=user, session_id=session.id)
        raise Conflict(_("This invoice was just paid at Stripe: the page shows it as paid in a moment."))
    return CardCheckout(payment=payment, url=session.url)


def _session_for(invoice: Invoice, payment: Payment) -> stripe_client.CheckoutSession:
    """The attempt's Checkout Session as it stands now: its create carries the attempt's
    idempotency key (one session per attempt), and a replayed create answers what Stripe said
    the first time, so the session is read again for its current status."""
    created = stripe_client.create_checkout_session(
        payment_id=payment.pk,
        amount=payment.amount_jpy,
        fee=payment.application_fee_jpy,
        destination=payment.destination_account,
        name=_("Invoice %(number)s") % {"number": invoice.number},
        metadata={"payment": str(payment.pk), "invoice": str(invoice.pk), "invoice_number": invoice.number},
        success_url=links.sme_invoice_paid(invoice.pk) + "?session_id={CHECKOUT_SESSION_ID}",
        cancel_url=links.sme_invoice(invoice.pk),
    )
    return stripe_client.retrieve_checkout_session(created.id)


def returned(*, invoice: Invoice, user: User, session_id: str) -> str:
    """The payer is back from Stripe: the state of the session's PaymentIntent (or NOT_CONFIRMED),
    applied to our attempt. A session that is not this invoice's is not looked into ("")."""
    access.ensure_member(user, invoice.engagement.company_id, _("Invoice not found."))
    if not session_id.startswith("cs_") or len(session_id) > stripe_client.ID_LENGTH:
        return ""
    session = stripe_client.retrieve_checkout_session(session_id)
    payment = _attempt_of(session, invoice)
    if payment is None:
        return ""
    if not session.payment_intent:
        return NOT_CONFIRMED
    intent = stripe_client.retrieve_payment_intent(session.payment_intent)
    payments.link_intent(payment, intent.id)
    if payment.payment_intent_id != intent.id:  # the attempt was paid through another intent
        return ""
    with transaction.atomic():
        payments.apply_intent_state(payment, intent.status, failure=intent.failure)
    return intent.status


def _attempt_of(session: stripe_client.CheckoutSession, invoice: Invoice) -> Payment | None:
    """The attempt the session was opened for, if it is one of this invoice's."""
    if session.metadata.get("invoice") != str(invoice.pk):
        return None
    try:
        payment_id = uuid.UUID(session.metadata.get("payment", ""))
    except ValueError:
        return None
    return invoice.payments.filter(pk=payment_id).first()
