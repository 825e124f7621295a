"""Paying invoices through Stripe, against the local stand-in over real HTTP.

localstripe does the payments (cards, declines, 3-D Secure, refunds, signed webhook
deliveries into the live test server). The Connect part (the destination account, the
application fee, transfer reversal flags), idempotency replay and dropped answers are the
stand-in's labelled SIMULATION: these tests prove what we send and how we react, not
Stripe's rules (docs/stripe-test-mode-checklist.md).
"""

import datetime

import pytest
import requests
from django.core.management import call_command
from django.utils import timezone

from billing import invoicing
from billing.models import ConnectedAccount, Invoice, Payment, StripeEvent
from notifications.models import Notification
from tests.billing.conftest import AUTH, wait_for
from tests.billing_fixtures import engaged
from tests.talent_fixtures import make_specialist
from workflow.models import StatusChange

pytestmark = [
    pytest.mark.integration,
    pytest.mark.stripe_simulation,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),  # the live server shares the database
]
THREE_D_SECURE = "4000002500003155"


@pytest.fixture
def world(stripe_webhooks, client_for, sme_alice, alice_company, specialist_bob, admin_carol):
    """Bob onboarded for real (Stripe's account.updated enabled his payouts); Alice's shop owes
    him a month of his ¥55,000 retainer (the chamber's fee: 10 %)."""
    bob = make_specialist(specialist_bob)
    account = client_for(specialist_bob).post("/api/v1/billing/connect/onboard/").json()["account"]
    requests.post(f"{stripe_webhooks}/_sim/accounts/{account}/complete", auth=AUTH, timeout=5)
    assert wait_for(lambda: ConnectedAccount.objects.get().payouts_enabled)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=40)
    engagement = engaged(alice_company, sme_alice, bob, fee_jpy=55_000, service_start=start)
    [invoice] = invoicing.issue_due_invoices(today=today)
    return {
        "base": stripe_webhooks,
        "invoice": invoice,
        "account": account,
        "alice": client_for(sme_alice),
        "carol": client_for(admin_carol),
        "engagement": engagement,
    }


def _pay(world, payment_method=""):
    return world["alice"].post(
        f"/api/v1/invoices/{world['invoice'].pk}/pay/", {"payment_method": payment_method}, format="json"
    )


def _connect(world, intent_id):
    return requests.get(f"{world['base']}/_sim/connect/{intent_id}", auth=AUTH, timeout=5).json()


def _card(world, number):
    """A PaymentMethod made at the stand-in, as Stripe.js would in the payer's browser."""
    body = {
        "type": "card",
        "card[number]": number,
        "card[exp_month]": "12",
        "card[exp_year]": "2030",
        "card[cvc]": "123",
    }
    return requests.post(f"{world['base']}/v1/payment_methods", data=body, auth=AUTH, timeout=5).json()["id"]


def _events_processed(kind):
    return lambda: StripeEvent.objects.filter(type=kind, processed_at__isnull=False).exists()


def test_a_retainers_month_is_paid_with_the_fee_to_the_chamber_and_the_rest_to_the_specialist(world):
    invoice = world["invoice"]

    response = _pay(world, "pm_card_visa")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["intent_status"] == "succeeded"
    assert body["client_secret"].startswith("pi_")
    payment = Payment.objects.get()
    assert (payment.status, payment.amount_jpy, payment.application_fee_jpy, payment.specialist_share_jpy) == (
        "succeeded",
        55_000,
        5_500,
        49_500,
    )
    # What we asked Stripe for: a destination charge to Bob's account with the platform fee.
    connect = _connect(world, payment.payment_intent_id)
    assert (connect["destination"], connect["application_fee_amount"], connect["amount"]) == (
        world["account"],
        5_500,
        55_000,
    )
    # Stripe's payment_intent.succeeded reaches the live server and changes nothing more.
    assert wait_for(_events_processed("payment_intent.succeeded"))
    assert StripeEvent.objects.get(type="payment_intent.succeeded").result == "ignored: already there"
    invoice.refresh_from_db()
    assert invoice.status == "paid" and invoice.paid_at is not None  # noqa: PT018
    assert StatusChange.objects.filter(object_id=invoice.pk, to_status="paid").count() == 1
    receipts = Notification.objects.filter(kind="payment_received")
    assert {n.email for n in receipts} == {"alice@sme.test", "bob@riss.test"}
    # Paying again: nothing to pay.
    again = _pay(world, "pm_card_visa")
    assert again.status_code == 409
    assert Payment.objects.count() == 1


def test_three_d_secure_waits_for_the_payer_and_the_webhook_marks_the_invoice_paid(world):
    card = _card(world, THREE_D_SECURE)

    response = _pay(world, card)

    assert response.status_code == 200, response.content
    assert response.json()["intent_status"] == "requires_action"
    payment = Payment.objects.get()
    assert payment.status == "pending"
    # The payer passes 3-D Secure in the browser; only Stripe's webhook tells us.
    requests.post(
        f"{world['base']}/v1/payment_intents/{payment.payment_intent_id}/_authenticate",
        data={"client_secret": response.json()["client_secret"], "success": "true"},
        auth=AUTH,
        timeout=5,
    )
    assert wait_for(_events_processed("payment_intent.succeeded"))

    payment.refresh_from_db()
    world["invoice"].refresh_from_db()
    assert StripeEvent.objects.get(type="payment_intent.succeeded").result == "applied"
    assert (payment.status, world["invoice"].status) == ("succeeded", "paid")


def test_a_failed_three_d_secure_leaves_the_invoice_open_and_the_payment_failed(world):
    response = _pay(world, _card(world, THREE_D_SECURE))
    payment = Payment.objects.get()

    requests.post(
        f"{world['base']}/v1/payment_intents/{payment.payment_intent_id}/_authenticate",
        data={"client_secret": response.json()["client_secret"], "success": "false"},
        auth=AUTH,
        timeout=5,
    )
    assert wait_for(_events_processed("payment_intent.payment_failed"))

    payment.refresh_from_db()
    world["invoice"].refresh_from_db()
    assert (payment.status, world["invoice"].status) == ("failed", "open")
    assert Notification.objects.filter(kind="payment_failed", email="alice@sme.test").count() == 1


def test_a_declined_card_is_a_402_then_another_card_pays(world):
    declined = _pay(world, "pm_card_chargeCustomerFail")

    assert declined.status_code == 402
    assert declined.json()["detail"] == "Your card was declined."
    failed = Payment.objects.get()
    assert failed.status == "failed" and failed.payment_intent_id  # noqa: PT018
    world["invoice"].refresh_from_db()
    assert world["invoice"].status == "open"
    assert wait_for(_events_processed("payment_intent.payment_failed"))
    assert StripeEvent.objects.get(type="payment_intent.payment_failed").result == "ignored: already there"

    paid = _pay(world, "pm_card_visa")

    assert paid.status_code == 200
    # The declined attempt was canceled at Stripe first: its client secret can pay nothing more.
    assert _connect(world, failed.payment_intent_id)["status"] == "canceled"
    assert sorted(Payment.objects.values_list("status", flat=True)) == ["canceled", "succeeded"]
    world["invoice"].refresh_from_db()
    assert world["invoice"].status == "paid"


def test_an_answer_lost_after_stripe_did_the_work_is_retried_with_the_same_key_and_charges_once(world):
    requests.post(
        f"{world['base']}/_sim/faults", json={"drop_response": "/v1/payment_intents", "times": 1}, auth=AUTH, timeout=5
    )

    response = _pay(world, "pm_card_visa")

    assert response.status_code == 200, response.content
    drops = requests.get(f"{world['base']}/_sim/faults", auth=AUTH, timeout=5).json()["drops"]
    assert drops == {"/v1/payment_intents": 0}  # the first answer was lost
    count = requests.get(f"{world['base']}/_sim/count/payment_intent", auth=AUTH, timeout=5).json()["count"]
    assert count == 1  # the retry was answered from Stripe's idempotency record
    payment = Payment.objects.get()
    assert payment.status == "succeeded"
    assert _connect(world, payment.payment_intent_id)["status"] == "succeeded"


def test_a_chamber_admin_refunds_in_parts_reversing_fee_and_transfer_in_proportion(world):
    _pay(world, "pm_card_visa")
    payment = Payment.objects.get()
    url = f"/api/v1/payments/{payment.pk}/refund/"

    first = world["carol"].post(url, {"amount_jpy": 20_000, "reason": "作業の一部が未実施"}, format="json")
    too_much = world["carol"].post(url, {"amount_jpy": 35_001, "reason": "誤り"}, format="json")
    rest = world["carol"].post(url, {"reason": "契約解除につき全額"}, format="json")
    nothing_left = world["carol"].post(url, {"reason": "重複"}, format="json")

    assert (first.status_code, rest.status_code) == (202, 202), (first.content, rest.content)
    assert too_much.status_code == 400
    assert "35,000" in too_much.json()["amount_jpy"][0]
    assert nothing_left.status_code == 409
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_jpy, payment.fee_refunded_jpy, payment.transfer_reversed_jpy) == (
        "refunded",
        55_000,
        5_500,
        49_500,
    )
    assert [(r.amount_jpy, r.fee_refunded_jpy, r.transfer_reversed_jpy, r.status) for r in payment.refunds.all()] == [
        (20_000, 2_000, 18_000, "succeeded"),
        (35_000, 3_500, 31_500, "succeeded"),
    ]
    refunds = _connect(world, payment.payment_intent_id)["refunds"]
    assert [(r["amount"], r["reverse_transfer"], r["refund_application_fee"]) for r in refunds] == [
        (20_000, "true", "true"),
        (35_000, "true", "true"),
    ]
    assert Notification.objects.filter(kind="refund_issued").count() == 4  # two refunds x (Alice, Bob)


def test_reconcile_applies_an_event_whose_webhook_never_arrived(world):
    requests.delete(f"{world['base']}/_config/webhooks/tests", auth=AUTH, timeout=5)
    requests.post(
        f"{world['base']}/_config/webhooks/tests",
        data={"url": "http://127.0.0.1:9/", "secret": "x"},
        auth=AUTH,
        timeout=5,
    )  # deliveries now go nowhere
    response = _pay(world, _card(world, THREE_D_SECURE))
    payment = Payment.objects.get()
    requests.post(
        f"{world['base']}/v1/payment_intents/{payment.payment_intent_id}/_authenticate",
        data={"client_secret": response.json()["client_secret"], "success": "true"},
        auth=AUTH,
        timeout=5,
    )
    world["invoice"].refresh_from_db()
    assert world["invoice"].status == "open"  # Stripe took the money; we were never told

    call_command("reconcile_stripe", since=(timezone.localdate() - datetime.timedelta(days=1)).isoformat())
    call_command("reconcile_stripe", since=(timezone.localdate() - datetime.timedelta(days=1)).isoformat())

    world["invoice"].refresh_from_db()
    payment.refresh_from_db()
    assert (world["invoice"].status, payment.status) == ("paid", "succeeded")
    assert StripeEvent.objects.filter(type="payment_intent.succeeded").count() == 1
    assert Notification.objects.filter(kind="payment_received").count() == 2  # once each, not per reconcile


def test_an_invoice_export_lists_the_chambers_invoices_with_their_state(world):
    _pay(world, "pm_card_visa")

    response = world["carol"].get("/api/v1/invoices/export/")

    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("請求番号,企業名,法人番号,専門家")
    assert len(lines) == 2
    assert Invoice.objects.get().number in lines[1] and "支払済み" in lines[1]  # noqa: PT018
