"""Exports an accountant opens in Excel: identifiers stay text in the workbook; an SME's monthly
withholding summary adds up and says when to remit."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Company
from billing import invoicing
from billing.models import Invoice, Payment
from tests.billing_fixtures import engaged
from tests.talent_fixtures import make_specialist

D = datetime.date


@pytest.fixture
def billing_on(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_exports"  # the exports call no Stripe; billing just needs it set


def test_the_xlsx_export_keeps_corporate_and_registration_numbers_as_text(
    db, billing_on, client_for, admin_carol, sme_alice, alice_company, specialist_bob
):
    Company.objects.filter(pk=alice_company.pk).update(corporate_number="8900000000001")
    bob = make_specialist(specialist_bob, invoice_registration_number="T8900000000001")
    engaged(alice_company, sme_alice, bob, fee_jpy=55_000, service_start=D(2026, 9, 1), closing="month_end")
    [invoice] = invoicing.issue_due_invoices(today=D(2026, 10, 2))

    response = client_for(admin_carol).get("/api/v1/invoices/export-xlsx/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))
    corporate, registration, number = row["法人番号"], row["登録番号"], row["請求番号"]
    assert (corporate.value, corporate.data_type, corporate.number_format) == ("8900000000001", "s", "@")
    assert (registration.value, registration.data_type) == ("T8900000000001", "s")
    assert number.value == invoice.number
    assert (row["金額（円・税込）"].value, row["消費税額（円）"].value, row["税率"].value) == (55_000, 5_000, "10%")
    assert sheet.max_row == 2


def test_the_xlsx_export_is_for_the_chambers_admins_only(db, billing_on, client_for, sme_alice, specialist_bob):
    make_specialist(specialist_bob)

    assert client_for(sme_alice).get("/api/v1/invoices/export-xlsx/").status_code == 403
    assert client_for(specialist_bob).get("/api/v1/invoices/export-xlsx/").status_code == 403


def test_the_monthly_withholding_summary_lists_what_the_sme_withheld_and_when_to_remit(
    db, billing_on, client_for, sme_alice, alice_company, specialist_bob, sme_erin, specialist_bea
):
    bob = make_specialist(specialist_bob, legal_name="情報 太郎")
    engaged(
        alice_company,
        sme_alice,
        bob,
        fee_jpy=55_000,
        service_start=D(2026, 9, 1),
        closing="month_end",
        withholding=True,
    )
    september, october = invoicing.issue_due_invoices(today=D(2026, 11, 1))
    for invoice, day in ((september, D(2026, 11, 5)), (october, D(2026, 12, 1))):
        paid_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
        Payment.objects.create(
            invoice=invoice,
            amount_jpy=invoice.amount_due_jpy,
            application_fee_jpy=invoice.platform_fee_jpy,
            specialist_share_jpy=invoice.payout_jpy,
            destination_account="acct_bob",
            payment_intent_id=f"pi_{invoice.number}",
            status="succeeded",
            succeeded_at=paid_at,
        )
        Invoice.objects.filter(pk=invoice.pk).update(status="paid", paid_at=paid_at)

    response = client_for(sme_alice).get(
        "/api/v1/invoices/withholding/", {"company": str(alice_company.pk), "month": "2026-11"}
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("支払日,請求番号,専門家（氏名）")
    assert lines[1:] == [
        f"2026-11-05,{september.number},情報 太郎,セキュリティ顧問,50000,5000,5105,49895,2026-12-10",
        "合計,,,,50000,5000,5105,49895,2026-12-10",
    ]
    # Another SME's owner and a specialist cannot read it; a wrong month is a 400.
    assert (
        client_for(sme_erin)
        .get("/api/v1/invoices/withholding/", {"company": str(alice_company.pk), "month": "2026-11"})
        .status_code
        == 404
    )
    assert (
        client_for(sme_alice)
        .get("/api/v1/invoices/withholding/", {"company": str(alice_company.pk), "month": "2026-13"})
        .status_code
        == 400
    )
