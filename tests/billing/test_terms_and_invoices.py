"""Terms and invoices agree (ADR 0011): the invoicer closes as the terms say (month-end by
default, calendar months, first and last prorated), falls due on the terms' day after each
month's end, and offers only the payment method the terms name."""

import datetime
import shutil
import subprocess

import pytest

from billing import invoicing
from matching.models import Engagement, MatchRun, Proposal
from tests.billing_fixtures import engaged
from tests.conftest import need_service
from tests.matching_fixtures import make_request
from tests.talent_fixtures import make_specialist

D = datetime.date


@pytest.fixture
def bob(specialist_bob):
    return make_specialist(specialist_bob, legal_name="情報 太郎", monthly_retainer_jpy=60_000)


def test_month_end_closing_bills_calendar_months_prorating_the_first_and_last_due_30_days_after_each_end(
    db, alice_company, sme_alice, bob
):
    retainer = engaged(
        alice_company,
        sme_alice,
        bob,
        fee_jpy=60_000,
        service_start=D(2026, 9, 15),
        service_end=D(2026, 11, 20),
        payment_due_days=30,
        closing="month_end",
    )

    assert invoicing.issue_due_invoices(today=D(2026, 9, 30)) == []  # September is not over
    [september] = invoicing.issue_due_invoices(today=D(2026, 10, 1))
    [october] = invoicing.issue_due_invoices(today=D(2026, 11, 1))
    [november] = invoicing.issue_due_invoices(today=D(2026, 11, 21))

    assert [(i.period_start, i.period_end, i.amount_jpy, i.due_on) for i in (september, october, november)] == [
        (D(2026, 9, 15), D(2026, 9, 30), 60_000 * 16 // 30, D(2026, 10, 30)),  # 16 of September's 30 days
        (D(2026, 10, 1), D(2026, 10, 31), 60_000, D(2026, 11, 30)),
        (D(2026, 11, 1), D(2026, 11, 20), 60_000 * 20 // 30, D(2026, 12, 20)),  # ends on the 20th
    ]
    assert not any(invoice.issued_late for invoice in (september, october, november))
    assert invoicing.issue_due_invoices(today=D(2027, 1, 5)) == []
    assert retainer.invoices.count() == 3


def test_anniversary_periods_only_where_the_terms_say_so(db, alice_company, sme_alice, bob):
    engaged(alice_company, sme_alice, bob, fee_jpy=60_000, service_start=D(2026, 9, 15), closing="anniversary")

    [invoice] = invoicing.issue_due_invoices(today=D(2026, 10, 15))

    assert (invoice.period_start, invoice.period_end, invoice.amount_jpy) == (D(2026, 9, 15), D(2026, 10, 14), 60_000)


def _accepted(company, owner, specialist, tokyo):
    request = make_request(company, owner, kind="advisor", budget_jpy=80_000)
    run = MatchRun.objects.create(chamber=tokyo, status="succeeded")
    return Proposal.objects.create(
        run=run, request=request, specialist=specialist, score=700, breakdown={}, facts={}, rank=1, status="accepted"
    )


def test_select_states_closing_tax_and_payment_method_and_the_terms_pdf_says_them(
    client_for, sme_alice, alice_company, bob, tokyo, settings
):
    need_service("pdftotext (poppler-utils)", bool(shutil.which("pdftotext")))
    settings.BILLING_DEFAULT_PAYMENT_METHOD = "card"
    proposal = _accepted(alice_company, sme_alice, bob, tokyo)

    selected = client_for(sme_alice).post(f"/api/v1/proposals/{proposal.id}/select/", {}, format="json")

    assert selected.status_code == 200, selected.content
    terms = selected.json()["terms"]
    assert (terms["closing"], terms["tax_treatment"], terms["withholding"], terms["payment_method"]) == (
        "month_end",
        "inclusive",
        False,
        "card",  # the setting's default, stated in the terms: not a silent bank transfer
    )
    pdf = client_for(sme_alice).get(f"/api/v1/engagements/{selected.json()['id']}/terms.pdf").content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    for item in ("月末で締め", "30 日以内", "日割り", "消費税込み", "源泉徴収", "クレジットカード"):
        assert item in text, item


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        ({"closing": "anniversary", "fee_basis": "hourly", "hours_per_month": 8}, "closing"),
        ({"withholding": True}, "withholding"),  # Bob is a corporation below
    ],
)
def test_terms_refuse_anniversary_closing_off_a_retainer_and_withholding_from_a_company(
    client_for, sme_alice, alice_company, bob, tokyo, terms, field
):
    bob.entity_type = "corporation"
    bob.save()
    proposal = _accepted(alice_company, sme_alice, bob, tokyo)

    response = client_for(sme_alice).post(f"/api/v1/proposals/{proposal.id}/select/", {"terms": terms}, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Engagement.objects.exists()


def test_an_invoice_is_paid_only_by_the_method_its_terms_name(db, client_for, settings, sme_alice, alice_company, bob):
    settings.STRIPE_SECRET_KEY = "sk_test_terms"
    engaged(alice_company, sme_alice, bob, fee_jpy=60_000, service_start=D(2026, 9, 1), payment_method="bank_transfer")
    [invoice] = invoicing.issue_due_invoices(today=D(2026, 10, 2))
    assert invoice.payment_method == "bank_transfer"

    by_card = client_for(sme_alice).post(f"/api/v1/invoices/{invoice.pk}/pay/", {}, format="json")

    assert by_card.status_code == 409
    assert invoice.payments.count() == 0
