"""Stripe webhooks, exactly once: signatures checked on the raw body, each event stored once,
its effect applied once and only forward, and nothing lost when the broker was down."""

import datetime
import json
import time

import pytest
import stripe
from django.test import Client
from django.utils import timezone

from billing.models import ConnectedAccount, Invoice, Payment, StripeEvent
from billing.services import webhooks
from notifications.models import Notification
from tests.billing_fixtures import connected, engaged, invoice_for
from tests.talent_fixtures import make_specialist
from tests.threads import at_once
from workflow.models import StatusChange

URL = "/api/v1/billing/stripe/webhook/"
SECRET = "whsec_test_only_not_a_secret"


def event(event_id="evt_1", *, created=1_790_000_000, payouts=True, account="acct_bob"):
    return {
        "id": event_id,
        "object": "event",
        "type": "account.updated",
        "created": created,
        "data": {
            "object": {
                "id": account,
                "object": "account",
                "charges_enabled": payouts,
                "payouts_enabled": payouts,
                "details_submitted": True,
            }
        },
    }


def deliver(client, body, *, secret=SECRET, timestamp=None):
    raw = json.dumps(body)
    header = stripe.WebhookSignature.generate_signature_header(raw, secret, timestamp=timestamp)
    return client.post(URL, raw, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


@pytest.fixture
def account(specialist_bob):
    return ConnectedAccount.objects.create(specialist=make_specialist(specialist_bob), account_id="acct_bob")


def test_a_signed_event_is_stored_once_and_applied_once(db, account, django_capture_on_commit_callbacks):
    client = Client()

    with django_capture_on_commit_callbacks(execute=True):
        answers = [deliver(client, event()) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.json()["duplicate"] for a in answers] == [False, True, True]
    row = StripeEvent.objects.get()
    assert (row.result, row.attempts) == ("applied", 1)
    account.refresh_from_db()
    assert (account.payouts_enabled, account.charges_enabled) == (True, True)


@pytest.mark.parametrize(
    ("secret", "timestamp"),
    [("whsec_someone_else", None), (SECRET, int(time.time()) - 3600)],
    ids=["bad-signature", "old-timestamp"],
)
def test_a_bad_signature_or_an_old_timestamp_is_a_400_and_stores_nothing(db, account, secret, timestamp):
    response = deliver(Client(), event(), secret=secret, timestamp=timestamp)

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()
    account.refresh_from_db()
    assert account.payouts_enabled is False


def test_a_body_changed_after_signing_is_refused(db):
    raw = json.dumps(event())
    header = stripe.WebhookSignature.generate_signature_header(raw, SECRET)

    response = Client().post(
        URL, raw.replace("true", "false"), content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def _nested(depth):
    value: object = 0
    for _level in range(depth):
        value = [value]
    return value


def _without(body, key):
    return {name: value for name, value in body.items() if name != key}


# Each a signed event with one field the database could not hold or that is not Stripe's
# shape: (what, the body, the field the 400 names).
MALFORMED = [
    ("created-not-a-number", {**event(), "created": "x"}, "created"),
    ("created-huge", {**event(), "created": 10**30}, "created"),
    ("created-negative-huge", {**event(), "created": -(10**30)}, "created"),
    ("created-a-fraction", {**event(), "created": 1_790_000_000.5}, "created"),
    ("created-missing", _without(event(), "created"), "created"),
    ("id-missing", _without(event(), "id"), "id"),
    ("id-empty", {**event(), "id": ""}, "id"),
    ("id-too-long", {**event(), "id": "evt_" + "x" * 300}, "id"),
    ("id-not-a-string", {**event(), "id": 12}, "id"),
    ("type-not-a-string", {**event(), "type": ["account.updated"]}, "type"),
    ("type-missing", _without(event(), "type"), "type"),
    ("data-object-not-an-object", {**event(), "data": {"object": "acct_bob"}}, "data"),
    ("data-not-an-object", {**event(), "data": []}, "data"),
    ("data-missing", _without(event(), "data"), "data"),
    ("nul-in-text", {**event(), "data": {"object": {"id": "acct_bob\x00"}}}, "event"),
    ("nul-in-id", {**event(), "id": "evt_\x00"}, "event"),
    ("lone-surrogate", {**event(), "data": {"object": {"id": "acct_\ud800"}}}, "event"),
    ("infinity", {**event(), "data": {"object": {"id": "acct_bob", "balance": float("inf")}}}, "event"),
    ("nan", {**event(), "data": {"object": {"id": "acct_bob", "balance": float("nan")}}}, "event"),
    (
        "nested-too-deep",
        {**event(), "data": {"object": {"deep": _nested(100)}}},
        "event",
    ),
]


@pytest.mark.parametrize(("body", "field"), [case[1:] for case in MALFORMED], ids=[case[0] for case in MALFORMED])
def test_a_signed_event_with_a_bad_field_is_a_400_naming_it_and_stores_nothing(db, account, body, field):
    response = deliver(Client(), body)

    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert not StripeEvent.objects.exists()
    account.refresh_from_db()
    assert account.payouts_enabled is False


def test_every_bad_field_is_named_at_once(db):
    body = {"id": 7, "object": "event", "type": None, "created": "x", "data": {"object": []}}

    response = deliver(Client(), body)

    assert response.status_code == 400
    assert sorted(response.json()) == ["created", "data", "id", "type"]
    assert response.json()["created"] == ["イベントの created は 1970 年からの秒数（整数）です。"]
    assert not StripeEvent.objects.exists()


@pytest.mark.parametrize("raw", ["[1, 2]", '"evt_1"', "[" * 100_000 + "]" * 100_000], ids=["list", "string", "deep"])
def test_a_signed_body_that_is_not_an_event_object_is_a_400(db, raw):
    header = stripe.WebhookSignature.generate_signature_header(raw, SECRET)

    response = Client().post(URL, raw, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)

    assert response.status_code == 400
    assert list(response.json()) == ["event"]
    assert not StripeEvent.objects.exists()


def test_an_unsigned_event_with_a_bad_field_is_a_400_too(db):
    raw = json.dumps({**event(), "created": "x"})

    response = Client().post(URL, raw, content_type="application/json")

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_an_older_state_arriving_late_changes_nothing(db, account, django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, event("evt_new", created=1_790_000_100, payouts=True))
        deliver(client, event("evt_old", created=1_790_000_000, payouts=False))

    account.refresh_from_db()
    assert account.payouts_enabled is True
    assert StripeEvent.objects.get(event_id="evt_old").result.startswith("ignored")


def test_webhooks_answer_503_while_billing_is_not_configured(db, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""

    response = deliver(Client(), event())

    assert response.status_code == 503
    assert response.json()["detail"] == "決済が設定されていません（STRIPE_WEBHOOK_SECRET が未設定です）。"
    assert not StripeEvent.objects.exists()


def test_an_event_stored_while_the_broker_was_down_is_processed_by_the_sweeper(db, account):
    # No on-commit callbacks run here: as if the enqueue after commit had been lost.
    deliver(Client(), event())
    row = StripeEvent.objects.get()
    assert row.processed_at is None
    assert webhooks.sweep_stripe_events() == 0  # younger than a minute: still on its way

    StripeEvent.objects.filter(pk=row.pk).update(received_at=timezone.now() - datetime.timedelta(minutes=5))
    assert webhooks.sweep_stripe_events() == 1  # eager in tests: the sweep's send processes it
    assert webhooks.sweep_stripe_events() == 0

    account.refresh_from_db()
    assert account.payouts_enabled is True
    assert StripeEvent.objects.get().attempts == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_simultaneous_deliveries_store_one_event(specialist_bob):
    ConnectedAccount.objects.create(specialist=make_specialist(specialist_bob), account_id="acct_bob")
    codes = at_once(8, lambda: deliver(Client(), event()).status_code)

    assert codes == [200] * 8
    assert StripeEvent.objects.count() == 1
    assert StripeEvent.objects.get().attempts <= 1


# --- payments: any order, any number of deliveries, one end state -------------------------


@pytest.fixture
def paying(alice_company, sme_alice, specialist_bob):
    """Alice's invoice of 33,000 yen with an attempt at Stripe (pi_alice), not yet confirmed."""
    bob = make_specialist(specialist_bob)
    connected(bob, account_id="acct_bob", payouts=False)
    invoice = invoice_for(engaged(alice_company, sme_alice, bob, fee_jpy=33_000))
    return Payment.objects.create(
        invoice=invoice,
        amount_jpy=33_000,
        application_fee_jpy=3_300,
        specialist_share_jpy=29_700,
        destination_account="acct_bob",
        payment_intent_id="pi_alice",
    )


def intent_event(event_id, kind, payment, *, created):
    status = {"payment_intent.succeeded": "succeeded", "payment_intent.payment_failed": "requires_payment_method"}
    return {
        "id": event_id,
        "object": "event",
        "type": kind,
        "created": created,
        "data": {
            "object": {
                "id": "pi_alice",
                "object": "payment_intent",
                "amount": 33_000,
                "status": status[kind],
                "metadata": {"payment": str(payment.pk)},
                "last_payment_error": {"message": "Your card was declined."},
            }
        },
    }


def refund_event(event_id, *, created, amount=13_000):
    return {
        "id": event_id,
        "object": "event",
        "type": "refund.updated",
        "created": created,
        "data": {
            "object": {
                "id": "re_outside",
                "object": "refund",
                "amount": amount,
                "status": "succeeded",
                "payment_intent": "pi_alice",
                "metadata": {},
            }
        },
    }


def _with_object(body, **fields):
    return {**body, "data": {"object": {**body["data"]["object"], **fields}}}


# Well-formed events whose object inside carries a field of the wrong shape: processed to an
# "ignored" (or the default failure text), never an exception that retries forever.
ODD_OBJECTS = [
    (
        "intent-metadata-payment-not-an-id",
        "payment_intent.succeeded",
        {"id": "pi_x", "metadata": {"payment": "x"}},
        "ignored: not one of our payments",
    ),
    (
        "intent-metadata-a-list",
        "payment_intent.succeeded",
        {"id": "pi_x", "metadata": ["x"]},
        "ignored: not one of our payments",
    ),
    (
        "intent-amount-not-a-number",
        "payment_intent.succeeded",
        {"amount": "x"},
        "ignored: the amount differs from ours",
    ),
    (
        "intent-amount-an-object",
        "payment_intent.succeeded",
        {"amount": {"yen": 33_000}},
        "ignored: the amount differs from ours",
    ),
    ("intent-error-not-an-object", "payment_intent.payment_failed", {"last_payment_error": "boom"}, "applied"),
    ("refund-amount-not-a-number", "refund.updated", {"amount": "x"}, "ignored: not one of our payments"),
    (
        "refund-metadata-refund-not-an-id",
        "refund.updated",
        {"amount": "x", "metadata": {"refund": ["x"]}},
        "ignored: not one of our payments",
    ),
    ("refund-id-too-long", "refund.updated", {"id": "re_" + "x" * 300}, "applied"),
]


@pytest.mark.parametrize(
    ("kind", "fields", "result"), [case[1:] for case in ODD_OBJECTS], ids=[case[0] for case in ODD_OBJECTS]
)
def test_an_odd_field_inside_the_object_is_ignored_not_a_crash(
    db, paying, kind, fields, result, django_capture_on_commit_callbacks
):
    if kind.startswith("refund"):
        body = _with_object(refund_event("evt_odd", created=1_790_000_000), **fields)
    else:
        body = _with_object(intent_event("evt_odd", kind, paying, created=1_790_000_000), **fields)

    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(Client(), json.loads(json.dumps(body)))

    assert response.status_code == 200
    row = StripeEvent.objects.get()
    assert (row.result, row.last_error) == (result, "")
    if kind == "payment_intent.payment_failed":
        paying.refresh_from_db()
        assert paying.failure_message == "支払いができませんでした。"  # the default text, in Japanese


ORDERED = ["succeeded", "refunded", "failed", "updated"]


def _end_state(payment):
    payment.refresh_from_db()
    invoice = Invoice.objects.get(pk=payment.invoice_id)
    account = ConnectedAccount.objects.get(account_id="acct_bob")
    return (
        payment.status,
        payment.refunded_jpy,
        payment.fee_refunded_jpy,
        payment.transfer_reversed_jpy,
        invoice.status,
        account.payouts_enabled,
        payment.refunds.count(),
    )


@pytest.mark.parametrize(
    "order",
    [
        ORDERED,
        ["refunded", "failed", "updated", "succeeded"],
        ["failed", "updated", "refunded", "succeeded"],
        ["updated", "succeeded", "failed", "refunded"],
        ["refunded", "succeeded", "updated", "failed"],
    ],
    ids="-".join,
)
def test_payment_events_in_any_order_end_in_the_same_state(db, paying, order, django_capture_on_commit_callbacks):
    """Stripe's real order (succeeded, then a refund made at Stripe, a stale failure, an account
    update) and shuffles of it end alike: refunded in part, the invoice paid, payouts on."""
    events = {
        "succeeded": intent_event("evt_s", "payment_intent.succeeded", paying, created=1_790_000_010),
        "refunded": refund_event("evt_r", created=1_790_000_020),
        "failed": intent_event("evt_f", "payment_intent.payment_failed", paying, created=1_790_000_005),
        "updated": event("evt_u", created=1_790_000_030, payouts=True),
    }
    client = Client()

    with django_capture_on_commit_callbacks(execute=True):
        for name in order:
            assert deliver(client, events[name]).status_code == 200
        for _again in range(2):  # every one of them twice more
            for name in order:
                assert deliver(client, events[name]).json()["duplicate"] is True

    assert _end_state(paying) == ("partially_refunded", 13_000, 1_300, 11_700, "paid", True, 1)
    assert Notification.objects.filter(kind="payment_received").count() == 2  # Alice and Bob, once


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_simultaneous_deliveries_of_a_payment_have_one_effect(alice_company, sme_alice, specialist_bob):
    bob = make_specialist(specialist_bob)
    connected(bob, account_id="acct_bob")
    invoice = invoice_for(engaged(alice_company, sme_alice, bob, fee_jpy=33_000))
    payment = Payment.objects.create(
        invoice=invoice,
        amount_jpy=33_000,
        application_fee_jpy=3_300,
        specialist_share_jpy=29_700,
        destination_account="acct_bob",
        payment_intent_id="pi_alice",
    )
    body = intent_event("evt_pay", "payment_intent.succeeded", payment, created=1_790_000_010)

    codes = at_once(8, lambda: deliver(Client(), body).status_code)

    assert codes == [200] * 8
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert (payment.status, invoice.status) == ("succeeded", "paid")
    assert StatusChange.objects.filter(object_id=invoice.pk, to_status="paid").count() == 1
    assert StatusChange.objects.filter(object_id=payment.pk, to_status="succeeded").count() == 1
    assert Notification.objects.filter(kind="payment_received").count() == 2
