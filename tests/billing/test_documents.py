"""Money documents a Japanese accountant accepts (ADR 0011): a registered specialist's qualified
invoice, a tax-exempt specialist's plain invoice, withholding, the chamber's fee invoice and the
payout statement, all adding up to the yen; the PDFs embed a Japanese font."""

import datetime
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import invoice_registration
from billing import documents, invoicing, tax
from billing.models import FeeStatement, Invoice, Payment, TimeEntry
from billing.services import fee_statements
from marketplace import pdf
from matching.models import Engagement
from notifications.models import Notification
from tests.billing_fixtures import engaged
from tests.conftest import need_service
from tests.talent_fixtures import make_specialist

D = datetime.date
REGISTERED = "T8900000000001"  # T + a corporate number whose check digit is right


def pdf_text(content: bytes) -> str:
    need_service("pdftotext (poppler-utils)", bool(shutil.which("pdftotext")))
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


# --- the rules, as tables -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("rounding", "once", "per_line"),
    [
        # Three lines of 333 yen at 10 %: 99.9 yen of tax on the invoice, 33.3 on each line.
        ("down", 99, 99),
        ("half_up", 100, 99),
        ("up", 100, 102),
    ],
)
def test_the_tax_of_three_lines_of_333_yen_is_rounded_once_per_invoice(rounding, once, per_line):
    lines = [333, 333, 333]

    invoice_tax = tax.split(sum(lines), bps=1000, treatment="exclusive", rounding=rounding).tax
    line_taxes = sum(tax.split(line, bps=1000, treatment="exclusive", rounding=rounding).tax for line in lines)

    assert (invoice_tax, line_taxes) == (once, per_line)


@pytest.mark.parametrize(
    ("amount", "treatment", "rounding", "taxable", "tax_"),
    [
        (315, "exclusive", "down", 315, 31),  # DOMAIN.md: three lines of 105 yen -> 31, never 30
        (55_000, "inclusive", "down", 50_000, 5_000),
        (60_000, "inclusive", "down", 54_546, 5_454),  # 5,454.5 floored; the parts add up to 60,000
        (60_000, "inclusive", "half_up", 54_545, 5_455),
        (1, "inclusive", "down", 1, 0),
    ],
)
def test_a_rates_total_splits_into_taxable_and_tax_that_add_up(amount, treatment, rounding, taxable, tax_):
    split = tax.split(amount, bps=1000, treatment=treatment, rounding=rounding)

    assert (split.taxable, split.tax) == (taxable, tax_)
    assert split.total == (amount if treatment == "inclusive" else amount + tax_)


@pytest.mark.parametrize(
    ("fee", "withheld"),
    [
        (999_999, 102_099),  # 10.21 %, floored
        (1_000_000, 102_100),  # exactly the threshold: still 10.21 %
        (1_000_001, 102_100),  # 102,100 + 0.2042 on the one yen above, floored
        (1_500_000, 204_200),  # 102,100 + 20.42 % of 500,000
    ],
)
def test_withholding_is_10_21_percent_and_20_42_above_a_million_of_one_payment(fee, withheld):
    assert tax.withholding(fee, day=D(2026, 11, 30)) == withheld


def test_dated_rules_answer_by_date_and_refuse_a_day_no_rule_covers():
    assert tax.consumption_tax_bps(D(2019, 9, 30)) == 800
    assert tax.consumption_tax_bps(D(2019, 10, 1)) == 1000
    assert tax.in_force(tax.EXEMPT_SUPPLIER_CREDIT, D(2026, 9, 30)).bps == 8000
    assert tax.in_force(tax.EXEMPT_SUPPLIER_CREDIT, D(2026, 10, 1)).bps == 7000
    assert tax.withholding_remit_by(D(2026, 11, 30)) == D(2026, 12, 10)
    assert tax.withholding_remit_by(D(2026, 12, 1)) == D(2027, 1, 10)
    with pytest.raises(tax.NoRuleInForce):
        tax.withholding(100, day=D(2038, 1, 1))  # 復興特別所得税 ends in 2037: a new row is needed


@pytest.mark.parametrize(
    ("value", "corporation", "expected"),
    [
        ("T8900000000001", True, "T8900000000001"),
        ("ｔ８９" + "０" * 10 + "１", True, "T8900000000001"),  # full width, lower case
        ("T-8900-0000-0000-1", True, "T8900000000001"),
        ("T8900000000002", False, "T8900000000002"),  # an individual's: the pattern only
        ("T8900000000002", True, "registration_check_digit"),
        ("8900000000001", True, "registration_format"),  # no T
        ("T890000000000", False, "registration_format"),  # 12 digits
    ],
)
def test_registration_numbers_are_t_and_13_digits_and_a_corporations_check_digit_is_verified(
    value, corporation, expected
):
    result: str | None
    try:
        result = invoice_registration.normalize(value, corporation=corporation)
    except ValidationError as exc:
        result = exc.code
    assert result == expected


# --- documents ----------------------------------------------------------------------------


@pytest.fixture
def bob(specialist_bob):
    return make_specialist(specialist_bob, legal_name="情報 太郎")


def _hourly(company, owner, specialist, **terms):
    return engaged(
        company,
        owner,
        specialist,
        kind="incident",
        title="ログ解析",
        fee_jpy=333,
        service_start=D(2026, 10, 1),
        payment_due_days=30,
        **terms,
    )


def _three_lines_of_333(engagement, user):
    for day in (2, 9, 16):
        TimeEntry.objects.create(
            engagement=engagement,
            work_date=D(2026, 10, day),
            hours=Decimal(1),
            description="ログ解析",
            logged_by=user,
            status="confirmed",
        )
    [invoice] = invoicing.issue_due_invoices(today=D(2026, 11, 1))
    return invoice


def test_a_registered_specialists_invoice_is_qualified_with_every_item_and_tax_rounded_once(
    db, settings, alice_company, sme_alice, bob, specialist_bob
):
    settings.INVOICE_TAX_ROUNDING = "half_up"
    bob.invoice_registration_number = REGISTERED
    bob.save()
    engagement = _hourly(alice_company, sme_alice, bob, tax_treatment="exclusive")

    invoice = _three_lines_of_333(engagement, specialist_bob)

    # Once on the invoice: 999 x 10 % = 99.9 -> 100 (three lines rounded one by one would be 99).
    assert (invoice.taxable_jpy, invoice.tax_jpy, invoice.amount_jpy) == (999, 100, 1_099)
    assert (invoice.tax_rate_bps, invoice.tax_rounding, invoice.is_qualified) == (1000, "half_up", True)
    text = pdf_text(documents.render_invoice(invoice))
    # 消費税法57条の4①: issuer and number; date; what; amount per rate with the rate; tax per rate; recipient.
    for item in (
        "請求書（適格請求書）",
        "情報 太郎",
        REGISTERED,
        "2026年10月01日 〜 2026年10月31日",
        "ログ解析",
        "10%対象 合計（税抜）",
        "999円",
        "消費税（10%）",
        "100円",
        "1,099円",
        "株式会社アリス製作所 御中",
        "四捨五入",
    ):
        assert item in text, item


def test_a_tax_exempt_specialists_invoice_never_passes_for_a_qualified_one(
    db, alice_company, sme_alice, bob, specialist_bob
):
    engagement = _hourly(alice_company, sme_alice, bob)

    invoice = _three_lines_of_333(engagement, specialist_bob)
    text = pdf_text(documents.render_invoice(invoice))

    assert not invoice.is_qualified
    assert not re.search(r"T\d{13}", text)
    assert "適格請求書" not in text
    assert "インボイス" not in text
    # The older items: issuer, date, content, the tax-inclusive amount per rate, recipient.
    for item in (
        "情報 太郎",
        "2026年10月01日",
        "ログ解析",
        "ご請求金額（税込・10%対象）",
        "999円",
        "株式会社アリス製作所",
    ):
        assert item in text, item
    assert "登録番号を記載した請求書ではありません" in text
    receipt_words = pdf_text(documents.render_receipt(Payment(invoice=invoice, amount_jpy=999, method="card")))
    assert not re.search(r"T\d{13}|適格請求書|インボイス", receipt_words)


@pytest.mark.parametrize(("fee", "withheld"), [(999_999, 102_099), (1_000_000, 102_100), (1_000_001, 102_100)])
def test_a_withheld_invoice_shows_the_tax_withheld_and_the_net_the_sme_pays(
    db, alice_company, sme_alice, bob, fee, withheld
):
    engaged(
        alice_company,
        sme_alice,
        bob,
        kind="spot",
        fee_basis="fixed",
        fee_jpy=fee,
        service_start=D(2026, 10, 1),
        service_end=D(2026, 10, 31),
        tax_treatment="exclusive",
        withholding=True,
    )
    Engagement.objects.update(status="completed", ended_on=D(2026, 10, 31))

    [invoice] = invoicing.issue_due_invoices(today=D(2026, 11, 2))

    assert (invoice.taxable_jpy, invoice.withholding_jpy) == (fee, withheld)  # on the tax-exclusive fee
    assert invoice.amount_due_jpy == fee + invoice.tax_jpy - withheld
    text = pdf_text(documents.render_invoice(invoice))
    assert f"{withheld:,}円" in text
    assert f"{invoice.amount_due_jpy:,}円" in text
    assert "差引お支払金額" in text


def test_a_company_specialist_is_never_withheld_from(db, alice_company, sme_alice, bob):
    bob.entity_type = "corporation"
    bob.save()
    engaged(alice_company, sme_alice, bob, fee_jpy=55_000, service_start=D(2026, 9, 1), withholding=True)

    invoices = invoicing.issue_due_invoices(today=D(2026, 10, 2))

    assert [invoice.withholding_jpy for invoice in invoices] == [0]


def _paid(invoice, *, on):
    payment = Payment.objects.create(
        invoice=invoice,
        amount_jpy=invoice.amount_due_jpy,
        application_fee_jpy=invoice.platform_fee_jpy,
        specialist_share_jpy=invoice.payout_jpy,
        destination_account="acct_bob",
        payment_intent_id=f"pi_{invoice.number}",
        status="succeeded",
        succeeded_at=timezone.make_aware(datetime.datetime.combine(on, datetime.time(10))),
    )
    Invoice.objects.filter(pk=invoice.pk).update(status="paid", paid_at=payment.succeeded_at)
    return payment


def test_the_chambers_fee_invoice_and_the_payout_statement_add_up_to_the_yen(db, tokyo, alice_company, sme_alice, bob):
    tokyo.invoice_registration_number = "T7000012050002"
    tokyo.platform_fee_bps = 1250
    tokyo.save()
    engaged(
        alice_company,
        sme_alice,
        bob,
        fee_jpy=55_000,
        service_start=D(2026, 9, 1),
        withholding=True,
        closing="month_end",
    )
    first, second = invoicing.issue_due_invoices(today=D(2026, 11, 1))
    _paid(first, on=D(2026, 11, 3))
    _paid(second, on=D(2026, 11, 28))

    [statement] = fee_statements.issue_fee_statements(today=D(2026, 12, 1))
    again = fee_statements.issue_fee_statements(today=D(2026, 12, 1))

    assert again == []
    # Each month: 55,000 tax included -> 50,000 + 5,000 tax; fee 12.5 % of 55,000 = 6,875;
    # withholding 10.21 % of 50,000 = 5,105; paid out 55,000 - 6,875 - 5,105 = 43,020.
    assert (statement.gross_jpy, statement.fee_jpy, statement.withholding_jpy, statement.net_jpy) == (
        110_000,
        13_750,
        10_210,
        86_040,
    )
    assert statement.fee_tax_jpy == 1_250  # 13,750 x 10/110, once for the month
    assert statement.gross_jpy == (
        statement.fee_before_tax_jpy + statement.fee_tax_jpy + statement.withholding_jpy + statement.net_jpy
    )
    assert (statement.number, statement.month, statement.is_qualified) == ("F202612-00001", D(2026, 11, 1), True)
    assert set(Payment.objects.values_list("fee_statement", flat=True)) == {statement.pk}
    fee_text = pdf_text(documents.render_fee_invoice(statement))
    for item in ("請求書（適格請求書）", "東京商工会議所", "T7000012050002", "情報 太郎", "13,750円", "1,250円", "10%"):
        assert item in fee_text, item
    payout_text = pdf_text(documents.render_payout_statement(statement))
    for item in ("支払通知書", "110,000円", "12,500円", "1,250円", "10,210円", "86,040円", first.number):
        assert item in payout_text, item


def test_a_chamber_without_a_number_gets_no_qualified_fee_invoice(db, tokyo, alice_company, sme_alice, bob):
    engaged(alice_company, sme_alice, bob, fee_jpy=55_000, service_start=D(2026, 9, 1), closing="month_end")
    [invoice] = invoicing.issue_due_invoices(today=D(2026, 10, 2))
    _paid(invoice, on=D(2026, 10, 5))

    [statement] = fee_statements.issue_fee_statements(today=D(2026, 11, 1))
    text = pdf_text(documents.render_fee_invoice(statement))

    assert "手数料請求書" in text
    assert not re.search(r"T\d{13}|適格請求書|インボイス", text)
    assert FeeStatement.objects.count() == 1


def test_pdftotext_finds_the_number_the_10_percent_line_and_the_tax_and_pdffonts_an_embedded_font(
    db, client_for, settings, sme_alice, alice_company, bob, tmp_path
):
    need_service("pdffonts (poppler-utils)", bool(shutil.which("pdffonts")))
    settings.STRIPE_SECRET_KEY = "sk_test_documents"  # the PDF calls no Stripe; billing just needs it set
    bob.invoice_registration_number = REGISTERED
    bob.save()
    engaged(alice_company, sme_alice, bob, fee_jpy=55_000, service_start=D(2026, 9, 1), closing="month_end")
    [invoice] = invoicing.issue_due_invoices(today=D(2026, 10, 2))

    response = client_for(sme_alice).get(f"/api/v1/invoices/{invoice.pk}/invoice.pdf")

    assert response.status_code == 200
    text = pdf_text(response.content)
    assert REGISTERED in text
    assert "10%対象" in text
    assert "消費税（10%）" in text and "5,000円" in text  # noqa: PT018 - the line and its amount
    (tmp_path / "invoice.pdf").write_bytes(response.content)
    fonts = subprocess.run(["pdffonts", tmp_path / "invoice.pdf"], capture_output=True, check=True, text=True).stdout
    # Columns: name type encoding emb sub uni object ID. The text's font is embedded (a subset);
    # reportlab also lists its standard Helvetica resource, which no text uses (nothing to embed).
    embedded = [
        row.split()[0] for row in fonts.splitlines()[2:] if re.search(r"\byes\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$", row)
    ]
    assert embedded, fonts
    if pdf.FONT == "IPAexGothic":
        assert [name.split("+")[-1] for name in embedded] == ["IPAexGothic"], fonts


def test_an_invoice_issued_late_is_flagged_to_the_chamber_not_born_overdue(
    db, alice_company, sme_alice, bob, admin_carol
):
    engaged(alice_company, sme_alice, bob, fee_jpy=60_000, service_start=D(2026, 8, 1), closing="month_end")

    # The daily run was down for months: August (due 30 Sep) is issued on 2 Dec.
    issued = invoicing.issue_due_invoices(today=D(2026, 12, 2))

    august, september, october, november = issued
    assert (august.legal_due_on, august.due_on, august.issued_late) == (D(2026, 9, 30), D(2026, 12, 2), True)
    assert all(invoice.due_on >= invoice.issued_on for invoice in issued)  # none born overdue
    assert (november.legal_due_on, november.due_on, november.issued_late) == (D(2026, 12, 30), D(2026, 12, 30), False)
    late = Notification.objects.filter(kind="invoice_issued_late")
    assert {(n.recipient, n.event_key) for n in late} == {
        (admin_carol, f"invoice_issued_late:{invoice.pk}") for invoice in (august, september, october)
    }
    text = pdf_text(documents.render_invoice(august))
    assert "取引条件上の支払期日" in text and "2026年09月30日" in text  # noqa: PT018 - the legal date stays visible


def test_a_paid_invoice_reads_shiharaizumi_and_a_paid_subsidy_shikyu_never_crossed():
    from django.utils import translation

    from subsidies.models import SubsidyCase

    with translation.override("ja"):
        labels = (str(Invoice.Status.PAID.label), str(Invoice.Status.OPEN.label), str(SubsidyCase.Status.PAID.label))

    assert labels == ("支払済み", "未払い", "支給")


@pytest.mark.parametrize(
    ("entity_type", "number", "error"),
    [("corporation", "T8900000000002", True), ("individual", "T8900000000002", False), ("corporation", "", False)],
)
def test_a_specialists_registration_number_is_checked_when_the_profile_is_cleaned(
    db, specialist_bob, entity_type, number, error
):
    bob = make_specialist(specialist_bob, entity_type=entity_type, invoice_registration_number=number)

    if error:
        with pytest.raises(ValidationError) as raised:
            bob.full_clean()
        assert "invoice_registration_number" in raised.value.message_dict
    else:
        bob.full_clean(exclude=["user"])
