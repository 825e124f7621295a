"""Paying by Japanese bank transfer, against the stand-in over real HTTP.

localstripe has no customer balance: the virtual account, the bank-transfer PaymentIntent, the
transfer arriving (Stripe's own test helper fund_cash_balance) and Stripe's automatic
reconciliation are the stand-in's labelled SIMULATION (tests/stripe_standin). These tests prove
what we send and how we react to what Stripe reports — partial and over-payments, duplicates and
any order of delivery — not Stripe's rules (docs/stripe-test-mode-checklist.md).
"""

import datetime
import shutil
import subprocess

import pytest
import requests
from django.utils import timezone

from billing import invoicing
from billing.models import BankTransferAccount, CashBalanceEntry, ConnectedAccount, Payment, StripeEvent
from notifications.models import Notification
from tests.billing.conftest import AUTH, wait_for
from tests.billing_fixtures import engaged
from tests.conftest import need_service
from tests.talent_fixtures import make_specialist

pytestmark = [
    pytest.mark.integration,
    pytest.mark.stripe_simulation,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),  # the live server shares the database
]


@pytest.fixture
def world(stripe_webhooks, client_for, sme_alice, alice_company, specialist_bob, admin_carol):
    """Bob onboarded (his payouts enabled by Stripe's account.updated); Alice's shop owes him last
    month of a ¥55,000 retainer whose terms say bank transfer."""
    bob = make_specialist(specialist_bob, legal_name="情報 太郎")
    account = client_for(specialist_bob).post("/api/v1/billing/connect/onboard/").json()["account"]
    requests.post(f"{stripe_webhooks}/_sim/accounts/{account}/complete", auth=AUTH, timeout=5)
    assert wait_for(lambda: ConnectedAccount.objects.get().payouts_enabled)
    today = timezone.localdate()
    first_of_last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    engaged(
        alice_company,
        sme_alice,
        bob,
        fee_jpy=55_000,
        service_start=first_of_last_month,
        closing="month_end",
        payment_method="bank_transfer",
    )
    return {"base": stripe_webhooks, "alice": client_for(sme_alice), "carol": admin_carol, "today": today}


def _fund(world, customer_id, amount, reference=""):
    response = requests.post(
        f"{world['base']}/v1/test_helpers/customers/{customer_id}/fund_cash_balance",
        data={"amount": amount, "currency": "jpy", "reference": reference},
        auth=AUTH,
        timeout=5,
    )
    assert response.status_code == 200, response.text


def _sim(world, path):
    response = requests.post(f"{world['base']}{path}", auth=AUTH, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def _processed(kinds):
    return lambda: all(StripeEvent.objects.filter(type=kind, processed_at__isnull=False).exists() for kind in kinds)


def test_a_bank_transfer_walks_from_invoice_to_virtual_account_to_funds_applied_to_paid_to_receipt(world):
    # Issued: the terms name bank transfer, so the SME's virtual account and the PaymentIntent a
    # transfer goes to are opened at once (a task on commit).
    [invoice] = invoicing.issue_due_invoices(today=world["today"])
    assert invoice.payment_method == "bank_transfer"
    assert wait_for(lambda: Payment.objects.filter(invoice=invoice, payment_intent_id__isnull=False).exists())
    account = BankTransferAccount.objects.get()
    assert (account.bank_code, account.branch_code, len(account.account_number)) == ("0999", "123", 7)
    payment = Payment.objects.get()
    assert (payment.method, payment.amount_jpy, payment.status) == ("bank_transfer", 55_000, "pending")

    # The invoice shows the account to transfer to; the SME's request answers the same attempt.
    pdf = world["alice"].get(f"/api/v1/invoices/{invoice.pk}/invoice.pdf")
    need_service("pdftotext (poppler-utils)", bool(shutil.which("pdftotext")))
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout.decode()
    assert account.account_number in text and "シミュレーション銀行" in text  # noqa: PT018
    started = world["alice"].post(f"/api/v1/invoices/{invoice.pk}/bank-transfer/")
    assert started.status_code == 200, started.content
    body = started.json()
    assert (body["payment"]["id"], body["amount_remaining"], body["account"]["account_number"]) == (
        str(payment.pk),
        55_000,
        account.account_number,
    )
    assert Payment.objects.count() == 1

    # 50,000 arrives; its events are held back, then delivered newest first and each twice.
    _sim(world, "/_sim/webhooks/hold")
    _fund(world, account.customer_id, 50_000)
    released = _sim(world, "/_sim/webhooks/release?reverse=1&twice=1")
    assert released["delivered"] == [
        "payment_intent.partially_funded",
        "customer_cash_balance_transaction.created",
        "customer_cash_balance_transaction.created",
    ]
    assert wait_for(_processed(["payment_intent.partially_funded"]))
    assert wait_for(lambda: CashBalanceEntry.objects.count() == 2)
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert (payment.status, payment.funded_jpy, invoice.status) == ("pending", 50_000, "open")
    assert Notification.objects.filter(kind="bank_transfer_partial").count() == 1  # applied once

    # 10,000 more: 5,000 over. Delivered newest first and twice again.
    _sim(world, "/_sim/webhooks/hold")
    _fund(world, account.customer_id, 10_000)
    released = _sim(world, "/_sim/webhooks/release?reverse=1&twice=1")
    assert released["delivered"][0] == "cash_balance.funds_available"
    assert wait_for(_processed(["payment_intent.succeeded", "cash_balance.funds_available"]))
    assert wait_for(lambda: CashBalanceEntry.objects.count() == 4)

    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert (payment.status, payment.funded_jpy, invoice.status) == ("succeeded", 55_000, "paid")
    assert sorted(CashBalanceEntry.objects.values_list("kind", "net_amount_jpy")) == [
        ("applied_to_payment", -50_000),
        ("applied_to_payment", -5_000),
        ("funded", 10_000),
        ("funded", 50_000),
    ]
    # Each event stored and applied once, however often it came.
    assert StripeEvent.objects.filter(type="payment_intent.succeeded").count() == 1
    assert Notification.objects.filter(kind="payment_received").count() == 2  # Alice and Bob, once
    unapplied = Notification.objects.filter(kind="bank_transfer_unapplied")
    assert world["carol"] in {n.recipient for n in unapplied}
    assert "5,000円" in unapplied.get(recipient=world["carol"]).body

    receipt = world["alice"].get(f"/api/v1/payments/{payment.pk}/receipt.pdf")
    assert receipt.status_code == 200
    receipt_text = subprocess.run(
        ["pdftotext", "-", "-"], input=receipt.content, capture_output=True, check=True
    ).stdout.decode()
    assert "銀行振込" in receipt_text and "55,000円" in receipt_text  # noqa: PT018


def test_a_card_cannot_pay_an_invoice_whose_terms_name_bank_transfer(world):
    [invoice] = invoicing.issue_due_invoices(today=world["today"])

    response = world["alice"].post(f"/api/v1/invoices/{invoice.pk}/pay/", {"payment_method": "pm_card_visa"})

    assert response.status_code == 409
    assert not Payment.objects.filter(method="card").exists()
