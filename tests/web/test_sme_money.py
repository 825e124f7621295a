"""The SME's invoice pages: paying by card on Stripe's hosted Checkout page (the stand-in's
labelled simulation of it, over localstripe's real PaymentIntents and 3-D Secure), the return
page saying what happened, receipts, refusals, another company's invoice, constant queries."""

from urllib.parse import urlsplit

import pytest
import requests
from django.urls import reverse

from billing.models import ConnectedAccount, Invoice, Payment
from billing.services import connect
from tests.billing.conftest import AUTH, stripe_standin, stripe_webhooks, wait_for  # noqa: F401  (fixtures)
from tests.conftest import Cast
from tests.web.test_page_actions import refused, shown, signed_in
from tests.web.world import world

SUCCEEDS, THREE_D_SECURE, DECLINED = "4242 4242 4242 4242", "4000002500003155", "4000000000000341"


@pytest.fixture
def w(cast):
    return world(cast)


@pytest.fixture
def stripe_ready(cast, w, stripe_standin):  # noqa: F811
    """Bob can receive payouts at the stand-in (its webhook is not running here: our row is told)."""
    account = connect.onboard_specialist(user=cast.specialist_bob)["account"]
    requests.post(f"{stripe_standin}/_sim/accounts/{account}/complete", auth=AUTH, timeout=5)
    ConnectedAccount.objects.filter(account_id=account).update(payouts_enabled=True, charges_enabled=True)
    return stripe_standin


def invoice_url(invoice: Invoice) -> str:
    return reverse("sme:invoice", kwargs={"invoice_id": invoice.pk})


def start_paying(client, invoice: Invoice) -> str:
    """Press "Pay" on the invoice page: the link to Stripe's page it then offers."""
    response = client.post(invoice_url(invoice), {"pay-action": "pay"})
    assert response.status_code == 200, response.content.decode()[:2000]
    body = response.content.decode()
    assert "Continue at Stripe" in body
    href = body.split('id="checkout-link" href="', 1)[1].split('"', 1)[0]
    assert "/_sim/checkout/cs_test_" in href
    return href


def pay_at_stripe(checkout_url: str, card: str) -> requests.Response:
    """The payer enters a card on the (simulated) hosted page."""
    return requests.post(checkout_url, data={"card": card}, allow_redirects=False, timeout=10)


def back_from_stripe(client, location: str) -> str:
    """Stripe's redirect to our success URL (SITE_URL's host): the path and query, followed here."""
    parts = urlsplit(location)
    return shown(client, f"{parts.path}?{parts.query}")


@pytest.mark.integration
@pytest.mark.stripe_simulation
def test_paying_by_card_goes_to_stripes_page_and_the_return_page_says_paid(client, cast, w, stripe_ready):
    signed_in(client, cast.sme_alice)
    checkout = start_paying(client, w.invoice)
    payment = Payment.objects.get(invoice=w.invoice)
    assert (payment.status, payment.method, payment.amount_jpy) == ("pending", "card", w.invoice.amount_due_jpy)
    # The session at Stripe charges what Alice owes, card only, as a destination charge to Bob.
    session_id = checkout.rsplit("/", 1)[1]
    session = requests.get(f"{stripe_ready}/v1/checkout/sessions/{session_id}", auth=AUTH, timeout=5).json()
    assert session["amount_total"] == w.invoice.amount_due_jpy
    assert session["metadata"]["payment"] == str(payment.pk)

    # No card details on our page: only the link; the card goes to Stripe's page.
    assert 'name="card"' not in shown(client, invoice_url(w.invoice))
    paid = pay_at_stripe(checkout, SUCCEEDS)
    assert paid.status_code == 303
    assert f"/sme/invoices/{w.invoice.pk}/paid/?session_id={session_id}" in paid.headers["Location"]

    body = back_from_stripe(client, paid.headers["Location"])
    assert "Paid: " in body
    w.invoice.refresh_from_db()
    payment.refresh_from_db()
    assert (w.invoice.status, payment.status) == (Invoice.Status.PAID, Payment.Status.SUCCEEDED)
    assert str(payment.payment_intent_id).startswith("pi_")
    receipt = reverse("sme:receipt", kwargs={"invoice_id": w.invoice.pk, "payment_id": payment.pk})
    assert receipt in body
    response = client.get(receipt)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    # Paid: nothing more to pay, and no pay action to post.
    assert "pay-action" not in shown(client, invoice_url(w.invoice))
    assert client.post(invoice_url(w.invoice), {"pay-action": "pay"}).status_code == 404


@pytest.mark.integration
@pytest.mark.stripe_simulation
def test_three_d_secure_not_completed_says_so_then_completed_pays(client, cast, w, stripe_ready):
    signed_in(client, cast.sme_alice)
    checkout = start_paying(client, w.invoice)
    asked = pay_at_stripe(checkout, THREE_D_SECURE)
    assert asked.status_code == 303
    assert asked.headers["Location"].endswith("/3ds")
    session_id = checkout.rsplit("/", 1)[1]
    # The payer comes back without confirming at the bank.
    body = back_from_stripe(client, f"/sme/invoices/{w.invoice.pk}/paid/?session_id={session_id}")
    assert "still needs your bank's confirmation (3-D Secure)" in body
    w.invoice.refresh_from_db()
    assert w.invoice.status == Invoice.Status.OPEN

    confirmed = requests.post(
        f"{stripe_ready}{asked.headers['Location']}", data={"outcome": "complete"}, allow_redirects=False, timeout=10
    )
    assert confirmed.status_code == 303
    assert "Paid: " in back_from_stripe(client, confirmed.headers["Location"])
    w.invoice.refresh_from_db()
    assert w.invoice.status == Invoice.Status.PAID


@pytest.mark.integration
@pytest.mark.stripe_simulation
def test_a_declined_card_and_an_unconfirmed_session_say_nothing_was_taken(client, cast, w, stripe_ready):
    signed_in(client, cast.sme_alice)
    checkout = start_paying(client, w.invoice)
    session_id = checkout.rsplit("/", 1)[1]
    paid_url = f"/sme/invoices/{w.invoice.pk}/paid/?session_id={session_id}"
    assert "The payment was not confirmed at Stripe: nothing was taken." in shown(client, paid_url)

    declined = pay_at_stripe(checkout, DECLINED)
    assert declined.status_code == 200  # Stripe's page keeps the payer, with the reason
    assert 'role="alert"' in declined.text
    body = shown(client, paid_url)
    assert "The payment did not go through: nothing was taken." in body
    payment = Payment.objects.get(invoice=w.invoice)
    assert payment.status == Payment.Status.FAILED
    # No receipt for money not taken.
    receipt = reverse("sme:receipt", kwargs={"invoice_id": w.invoice.pk, "payment_id": payment.pk})
    assert client.get(receipt).status_code == 404

    # Paying again opens a new attempt; the failed one is canceled at Stripe first.
    start_paying(client, w.invoice)
    assert sorted(Payment.objects.filter(invoice=w.invoice).values_list("status", flat=True)) == [
        "canceled",
        "pending",
    ]


@pytest.mark.integration
@pytest.mark.stripe_simulation
def test_another_invoices_session_is_not_looked_into(client, cast, w, stripe_ready):
    from tests.billing_fixtures import engaged, invoice_for

    other = invoice_for(engaged(cast.alice_company, cast.sme_alice, w.bob, kind="advisor", title="別の顧問"))
    signed_in(client, cast.sme_alice)
    checkout = start_paying(client, w.invoice)
    pay_at_stripe(checkout, SUCCEEDS)
    session_id = checkout.rsplit("/", 1)[1]
    body = shown(client, f"/sme/invoices/{other.pk}/paid/?session_id={session_id}")
    assert "No payment of this invoice has been started." in body


def test_paying_when_the_specialist_cannot_receive_payouts_is_refused_beside_the_button(client, cast, w, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_out_of_reach"
    response = signed_in(client, cast.sme_alice).post(invoice_url(w.invoice), {"pay-action": "pay"})
    refused(response, "The specialist cannot receive payouts yet")
    assert "Continue at Stripe" not in response.content.decode()
    assert Payment.objects.filter(invoice=w.invoice).count() == 0


def test_without_stripe_there_is_no_card_payment(client, cast, w, settings):
    settings.STRIPE_SECRET_KEY = ""
    body = shown(signed_in(client, cast.sme_alice), invoice_url(w.invoice))
    assert "pay-action" not in body
    assert "Pay by the method the terms name" in body
    assert client.post(invoice_url(w.invoice), {"pay-action": "pay"}).status_code == 404


def test_the_invoice_shows_its_qualified_invoice_facts_and_pdf(client, cast, w):
    body = shown(signed_in(client, cast.sme_alice), invoice_url(w.invoice))
    assert "Qualified invoice registration number" in body
    assert reverse("sme:invoice_pdf", kwargs={"invoice_id": w.invoice.pk}) in body


def test_the_return_page_without_a_session_reads_our_records(client, cast, w):
    url = reverse("sme:invoice_paid", kwargs={"invoice_id": w.invoice.pk})
    assert "No payment of this invoice has been started." in shown(signed_in(client, cast.sme_alice), url)
    Payment.objects.create(
        invoice=w.invoice,
        method="card",
        amount_jpy=w.invoice.amount_due_jpy,
        application_fee_jpy=w.invoice.platform_fee_jpy,
        specialist_share_jpy=w.invoice.payout_jpy,
        status="pending",
    )
    assert "The payment is being processed." in shown(client, url)


def test_another_companys_invoice_pages_are_404(client, cast, w):
    signed_in(client, cast.sme_erin)
    for name in ("sme:invoice", "sme:invoice_paid", "sme:invoice_pdf"):
        assert client.get(reverse(name, kwargs={"invoice_id": w.invoice.pk})).status_code == 404
    assert client.post(invoice_url(w.invoice), {"pay-action": "pay"}).status_code == 404


@pytest.mark.parametrize("n", [1, 5])
def test_the_invoice_page_runs_a_constant_number_of_queries(client, cast, w, django_assert_num_queries, n, settings):
    settings.STRIPE_SECRET_KEY = ""
    for _ in range(n):
        Payment.objects.create(
            invoice=w.invoice,
            method="card",
            amount_jpy=w.invoice.amount_due_jpy,
            application_fee_jpy=w.invoice.platform_fee_jpy,
            specialist_share_jpy=w.invoice.payout_jpy,
            status="canceled",
        )
    client.force_login(cast.sme_alice)
    # session, user (2), the invoice with its engagement (1), its lines, payments and their refunds (3)
    with django_assert_num_queries(6):
        response = client.get(invoice_url(w.invoice))
    assert response.content.decode().count("status--canceled") == n


@pytest.mark.integration
@pytest.mark.stripe_simulation
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the live server takes the webhooks
def test_the_webhook_pays_the_invoice_when_the_payer_never_comes_back(client, stripe_webhooks):  # noqa: F811
    """Checkout's PaymentIntent carries our attempt's id: Stripe's payment_intent.succeeded alone
    settles the invoice, whether or not the payer's browser returns to our page."""
    cast = Cast()
    w = world(cast)
    account = connect.onboard_specialist(user=cast.specialist_bob)["account"]
    requests.post(f"{stripe_webhooks}/_sim/accounts/{account}/complete", auth=AUTH, timeout=5)
    assert wait_for(lambda: ConnectedAccount.objects.get(account_id=account).payouts_enabled)
    checkout = start_paying(signed_in(client, cast.sme_alice), w.invoice)
    assert pay_at_stripe(checkout, SUCCEEDS).status_code == 303  # and the browser goes elsewhere
    assert wait_for(lambda: Invoice.objects.get(pk=w.invoice.pk).status == Invoice.Status.PAID)
    assert Payment.objects.get(invoice=w.invoice).status == Payment.Status.SUCCEEDED


@pytest.mark.integration
@pytest.mark.stripe_simulation
def test_after_a_decline_another_card_on_stripes_page_pays_the_same_attempt(client, cast, w, stripe_ready):
    signed_in(client, cast.sme_alice)
    checkout = start_paying(client, w.invoice)
    assert pay_at_stripe(checkout, DECLINED).status_code == 200
    paid = pay_at_stripe(checkout, SUCCEEDS)
    assert paid.status_code == 303
    assert "Paid: " in back_from_stripe(client, paid.headers["Location"])
    payment = Payment.objects.get(invoice=w.invoice)  # one attempt, its one PaymentIntent
    assert payment.status == Payment.Status.SUCCEEDED
    session_id = checkout.rsplit("/", 1)[1]
    session = requests.get(f"{stripe_ready}/v1/checkout/sessions/{session_id}", auth=AUTH, timeout=5).json()
    assert session["payment_intent"] == payment.payment_intent_id


@pytest.mark.integration
@pytest.mark.stripe_simulation
def test_an_expired_page_at_stripe_is_replaced_by_a_new_attempt(client, cast, w, stripe_ready):
    signed_in(client, cast.sme_alice)
    first = start_paying(client, w.invoice)
    assert start_paying(client, w.invoice) == first  # the same attempt keeps its page
    session_id = first.rsplit("/", 1)[1]
    expired = requests.post(f"{stripe_ready}/v1/checkout/sessions/{session_id}/expire", auth=AUTH, timeout=5)
    assert expired.status_code == 200
    second = start_paying(client, w.invoice)
    assert second != first
    statuses = dict(Payment.objects.filter(invoice=w.invoice).values_list("status", "failure_message"))
    assert statuses == {"canceled": "The payment page at Stripe expired.", "pending": ""}
    assert "Paid: " in back_from_stripe(client, pay_at_stripe(second, SUCCEEDS).headers["Location"])


@pytest.mark.integration
@pytest.mark.stripe_simulation
def test_pay_pressed_again_after_paying_at_stripe_says_it_was_just_paid(client, cast, w, stripe_ready):
    signed_in(client, cast.sme_alice)
    checkout = start_paying(client, w.invoice)
    assert pay_at_stripe(checkout, SUCCEEDS).status_code == 303  # the payer never came back
    response = client.post(invoice_url(w.invoice), {"pay-action": "pay"})
    refused(response, "This invoice was just paid at Stripe")
    assert "Continue at Stripe" not in response.content.decode()
    w.invoice.refresh_from_db()
    assert w.invoice.status == Invoice.Status.PAID
    assert Payment.objects.filter(invoice=w.invoice).count() == 1
