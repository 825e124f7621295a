"""Billing through the API without Stripe in the loop: who may do what, wrong states, bad input,
hours, documents, and billing switched off. (Payments against the stand-in: test_payments.py.)"""

import datetime
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.utils import timezone

from billing import invoicing
from billing.models import ConnectedAccount, Invoice, Payment, Refund, TimeEntry
from notifications.models import Notification
from tests.billing_fixtures import connected, engaged, invoice_for
from tests.conftest import need_service
from tests.talent_fixtures import make_specialist
from workflow.models import StatusChange


@pytest.fixture(autouse=True)
def _stripe_keys(settings):
    """Billing configured, but Stripe unreachable (a closed local port): nothing here may call it."""
    settings.STRIPE_SECRET_KEY = "sk_test_not_called"
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"


@pytest.fixture
def bob(specialist_bob):
    return make_specialist(specialist_bob, legal_name="情報 太郎")


@pytest.fixture
def invoice(alice_company, sme_alice, bob):
    return invoice_for(engaged(alice_company, sme_alice, bob, fee_jpy=55_000))


def _captured(invoice, **fields):
    values = {
        "invoice": invoice,
        "amount_jpy": invoice.amount_jpy,
        "application_fee_jpy": invoice.platform_fee_jpy,
        "specialist_share_jpy": invoice.specialist_share_jpy,
        "destination_account": "acct_bob",
        "payment_intent_id": f"pi_{invoice.pk.hex[:8]}",
        "status": "succeeded",
        "succeeded_at": timezone.now(),
    }
    return Payment.objects.create(**(values | fields))


def test_paying_a_specialist_without_payouts_is_a_409_and_tells_the_specialist_once(
    client_for, sme_alice, invoice, bob
):
    connected(bob, payouts=False)
    alice = client_for(sme_alice, HTTP_ACCEPT_LANGUAGE="en")

    first = alice.post(f"/api/v1/invoices/{invoice.pk}/pay/", {}, format="json")
    again = alice.post(f"/api/v1/invoices/{invoice.pk}/pay/", {}, format="json")

    assert (first.status_code, again.status_code) == (409, 409)
    assert "cannot receive payouts yet" in first.json()["detail"]
    assert not Payment.objects.exists()
    [notice] = Notification.objects.filter(kind="payouts_needed")
    assert notice.email == "bob@riss.test"
    assert "/specialist/payouts/" in notice.body  # the page where payouts are set up


@pytest.mark.parametrize(
    ("who", "expected"),
    [("specialist_bob", 403), ("sme_erin", 404), ("attorney_sam", 404), ("admin_carol", 403)],
)
def test_only_the_companys_members_pay_its_invoice(request, client_for, invoice, bob, who, expected):
    connected(bob)
    user = request.getfixturevalue(who)

    response = client_for(user).post(f"/api/v1/invoices/{invoice.pk}/pay/", {}, format="json")

    assert response.status_code == expected
    assert not Payment.objects.exists()


def test_a_paid_or_void_invoice_cannot_be_paid(client_for, sme_alice, admin_carol, invoice, bob):
    connected(bob)
    Invoice.objects.filter(pk=invoice.pk).update(status="void")

    response = client_for(sme_alice).post(f"/api/v1/invoices/{invoice.pk}/pay/", {}, format="json")

    assert response.status_code == 409
    assert not Payment.objects.exists()


@pytest.mark.parametrize(("who", "expected"), [("specialist_bob", 403), ("sme_alice", 403), ("admin_oscar", 404)])
def test_only_the_chambers_admins_refund(request, client_for, invoice, who, expected):
    payment = _captured(invoice)

    response = client_for(request.getfixturevalue(who)).post(
        f"/api/v1/payments/{payment.pk}/refund/", {"reason": "返金希望"}, format="json"
    )

    assert response.status_code == expected
    assert not Refund.objects.exists()


def test_a_refund_needs_a_reason_and_a_captured_payment(client_for, admin_carol, invoice):
    carol = client_for(admin_carol)
    payment = _captured(invoice, status="pending")

    no_reason = carol.post(f"/api/v1/payments/{payment.pk}/refund/", {"amount_jpy": 100}, format="json")
    not_captured = carol.post(f"/api/v1/payments/{payment.pk}/refund/", {"reason": "誤請求"}, format="json")
    negative = carol.post(f"/api/v1/payments/{payment.pk}/refund/", {"amount_jpy": -5, "reason": "x"}, format="json")

    assert no_reason.status_code == 400 and "reason" in no_reason.json()  # noqa: PT018
    assert not_captured.status_code == 409
    assert negative.status_code == 400 and "amount_jpy" in negative.json()  # noqa: PT018
    assert not Refund.objects.exists()


def test_a_refund_is_a_row_first_and_its_stripe_call_waits_for_the_commit(
    client_for, admin_carol, invoice, django_capture_on_commit_callbacks
):
    payment = _captured(invoice)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(admin_carol).post(
            f"/api/v1/payments/{payment.pk}/refund/", {"amount_jpy": 5_000, "reason": "一部返金"}, format="json"
        )

    assert response.status_code == 202
    refund = Refund.objects.get()
    assert (refund.status, refund.amount_jpy, refund.sent_at) == ("pending", 5_000, None)
    assert len(callbacks) == 1  # the send to Stripe, after commit only
    payment.refresh_from_db()
    assert payment.refunded_jpy == 0  # nothing counts until Stripe refunded


def test_billing_endpoints_say_billing_is_off_without_stripe_keys_and_change_nothing(
    settings, client_for, sme_alice, admin_carol, specialist_bob, invoice
):
    settings.STRIPE_SECRET_KEY = ""
    payment = _captured(invoice)
    alice, carol = client_for(sme_alice, HTTP_ACCEPT_LANGUAGE="en"), client_for(admin_carol, HTTP_ACCEPT_LANGUAGE="en")
    calls = [
        alice.get("/api/v1/invoices/"),
        alice.get(f"/api/v1/invoices/{invoice.pk}/"),
        alice.post(f"/api/v1/invoices/{invoice.pk}/pay/", {}, format="json"),
        alice.get(f"/api/v1/invoices/{invoice.pk}/invoice.pdf"),
        alice.get(f"/api/v1/payments/{payment.pk}/"),
        alice.get(f"/api/v1/payments/{payment.pk}/receipt.pdf"),
        carol.post(f"/api/v1/invoices/{invoice.pk}/void/", {"note": "x"}, format="json"),
        carol.get("/api/v1/invoices/export/"),
        carol.post(f"/api/v1/payments/{payment.pk}/refund/", {"reason": "x"}, format="json"),
        client_for(specialist_bob, HTTP_ACCEPT_LANGUAGE="en").post("/api/v1/billing/connect/onboard/"),
    ]

    assert [call.status_code for call in calls] == [503] * len(calls)
    assert {call.json()["detail"] for call in calls} == {"Billing is not configured (STRIPE_SECRET_KEY is not set)."}
    invoice.refresh_from_db()
    assert invoice.status == "open"
    assert list(Payment.objects.values_list("status", flat=True)) == ["succeeded"]
    assert not Refund.objects.exists()
    assert not ConnectedAccount.objects.exists()


def test_an_admin_voids_an_open_invoice_with_a_reason_and_its_hours_are_freed(
    client_for, admin_carol, admin_oscar, alice_company, sme_alice, bob, specialist_bob
):
    hourly = engaged(alice_company, sme_alice, bob, kind="incident", service_start=datetime.date(2026, 9, 1))
    entry = TimeEntry.objects.create(
        engagement=hourly,
        work_date=datetime.date(2026, 9, 3),
        hours=Decimal(2),
        description="調査",
        logged_by=specialist_bob,
        status="confirmed",
    )
    [invoice] = invoicing.issue_due_invoices(today=datetime.date(2026, 10, 1))
    url = f"/api/v1/invoices/{invoice.pk}/void/"

    other_chamber = client_for(admin_oscar).post(url, {"note": "二重請求"}, format="json")
    no_reason = client_for(admin_carol).post(url, {}, format="json")
    voided = client_for(admin_carol).post(url, {"note": "二重請求"}, format="json")
    twice = client_for(admin_carol).post(url, {"note": "二重請求"}, format="json")

    assert [answer.status_code for answer in (other_chamber, no_reason, voided, twice)] == [404, 400, 200, 409]
    assert voided.json()["status"] == "void"
    assert voided.json()["history"][-1]["note"] == "二重請求"
    entry.refresh_from_db()
    assert entry.invoice is None
    # Its period is not issued again; the hours go on the next month's invoice.
    assert invoicing.issue_due_invoices(today=datetime.date(2026, 10, 2)) == []
    [next_one] = invoicing.issue_due_invoices(today=datetime.date(2026, 11, 1))
    assert list(next_one.time_entries.all()) == [entry]


def test_the_invoice_and_receipt_pdfs_state_the_parties_amount_and_due_date(client_for, sme_alice, invoice, tmp_path):
    need_service("pdftoppm and pdftotext (poppler-utils)", bool(shutil.which("pdftoppm") and shutil.which("pdftotext")))
    alice = client_for(sme_alice)
    payment = _captured(invoice, status="pending")

    no_receipt_yet = alice.get(f"/api/v1/payments/{payment.pk}/receipt.pdf")
    Payment.objects.filter(pk=payment.pk).update(status="succeeded")
    invoice_pdf = alice.get(f"/api/v1/invoices/{invoice.pk}/invoice.pdf")
    receipt_pdf = alice.get(f"/api/v1/payments/{payment.pk}/receipt.pdf")

    assert no_receipt_yet.status_code == 409
    assert (invoice_pdf.status_code, receipt_pdf.status_code) == (200, 200)
    assert invoice_pdf["Cache-Control"] == "no-store"

    def text(response):
        return subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True).stdout

    invoice_text = text(invoice_pdf).decode()
    for expected in (
        "請求書",
        invoice.number,
        "株式会社アリス製作所",
        "情報 太郎",
        "55,000円",
        "5,500円",
        f"{invoice.due_on:%Y年%m月%d日}",
    ):
        assert expected in invoice_text, expected
    receipt_text = text(receipt_pdf).decode()
    for expected in ("領収書", "55,000円", invoice.number):
        assert expected in receipt_text, expected
    (tmp_path / "invoice.pdf").write_bytes(invoice_pdf.content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-singlefile", tmp_path / "invoice.pdf", tmp_path / "page"], check=True
    )
    assert (tmp_path / "page.png").read_bytes().startswith(b"\x89PNG")


# --- hours -------------------------------------------------------------------------------


@pytest.fixture
def incident(alice_company, sme_alice, bob):
    start = timezone.localdate() - datetime.timedelta(days=10)
    return engaged(
        alice_company, sme_alice, bob, kind="incident", title="初動対応", fee_jpy=25_000, service_start=start
    )


def test_the_specialist_logs_hours_and_the_sme_confirms_or_disputes_them(
    client_for, specialist_bob, sme_alice, incident
):
    bob, alice = client_for(specialist_bob), client_for(sme_alice)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()

    logged = bob.post(
        "/api/v1/time-entries/",
        {"engagement": str(incident.pk), "work_date": yesterday, "hours": "2.5", "description": "ログ解析"},
        format="json",
    )
    second = bob.post(
        "/api/v1/time-entries/",
        {"engagement": str(incident.pk), "work_date": yesterday, "hours": 1, "description": "報告書"},
        format="json",
    )
    confirmed = alice.post(f"/api/v1/time-entries/{logged.json()['id']}/confirm/", {}, format="json")
    no_reason = alice.post(f"/api/v1/time-entries/{second.json()['id']}/dispute/", {}, format="json")
    disputed = alice.post(f"/api/v1/time-entries/{second.json()['id']}/dispute/", {"note": "重複"}, format="json")
    again = alice.post(f"/api/v1/time-entries/{logged.json()['id']}/confirm/", {}, format="json")

    assert (logged.status_code, second.status_code) == (201, 201), logged.content
    assert logged.json()["hours"] == 2.5
    assert [answer.status_code for answer in (confirmed, no_reason, disputed, again)] == [200, 400, 200, 409]
    assert [h["to_status"] for h in confirmed.json()["history"]] == ["logged", "confirmed"]
    assert Notification.objects.filter(kind="hours_logged", email="alice@sme.test").count() == 2
    assert Notification.objects.get(kind="hours_disputed").email == "bob@riss.test"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"work_date": "2099-01-01", "hours": 1}, "work_date"),
        ({"work_date": "today", "hours": 0}, "hours"),
        ({"work_date": "today", "hours": 25}, "hours"),
        ({"work_date": "today", "hours": "1.234"}, "hours"),
        ({"work_date": "2000-01-01", "hours": 1}, "work_date"),
    ],
)
def test_bad_hours_are_a_400_with_the_field(client_for, specialist_bob, incident, body, field):
    if body["work_date"] == "today":
        body["work_date"] = timezone.localdate().isoformat()

    response = client_for(specialist_bob).post(
        "/api/v1/time-entries/", {"engagement": str(incident.pk), "description": "作業", **body}, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert not TimeEntry.objects.exists()


def test_hours_on_a_retainer_are_a_409_and_others_cannot_log_them(
    client_for, specialist_bob, specialist_bea, sme_alice, alice_company, bob, incident
):
    make_specialist(specialist_bea)
    retainer = engaged(alice_company, sme_alice, bob)
    today = timezone.localdate().isoformat()

    def log(user, engagement):
        body = {"engagement": str(engagement.pk), "work_date": today, "hours": 1, "description": "x"}
        return client_for(user).post("/api/v1/time-entries/", body, format="json")

    assert log(specialist_bob, retainer).status_code == 409
    assert log(specialist_bea, incident).status_code == 400  # not her engagement: like a missing id
    assert log(sme_alice, incident).status_code == 403
    assert not TimeEntry.objects.exists()


def test_lists_of_invoices_and_hours_take_a_fixed_number_of_queries(
    client_for, sme_alice, specialist_bob, alice_company, bob, django_assert_num_queries
):
    for month in range(3):
        engagement = engaged(alice_company, sme_alice, bob, fee_jpy=40_000 + month)
        invoice_for(engagement, start=datetime.date(2026, 5 + month, 10), today=datetime.date(2026, 11, 1))
        for day in range(2):
            TimeEntry.objects.create(
                engagement=engagement,
                work_date=datetime.date(2026, 10, 1 + day),
                hours=Decimal(1),
                description="x",
                logged_by=specialist_bob,
            )
    assert Invoice.objects.count() >= 9
    _captured(Invoice.objects.first())
    alice = client_for(sme_alice)

    # 1 user, 1 count, 1 page of invoices with company, specialist and request joined, lines, payments, refunds.
    with django_assert_num_queries(6):
        invoices = alice.get("/api/v1/invoices/", {"page_size": 100})
    # 1 user, 1 count, 1 page of entries with their engagement, company, specialist and invoice joined.
    with django_assert_num_queries(3):
        hours = alice.get("/api/v1/time-entries/", {"page_size": 100})

    assert len(invoices.json()["results"]) == Invoice.objects.count()
    assert len(hours.json()["results"]) == 6
    assert StatusChange.objects.filter(to_status="open").count() == Invoice.objects.count()


def test_the_api_version_we_send_is_the_one_the_pinned_library_is_typed_for(settings):
    import stripe

    assert stripe.api_version == settings.STRIPE_API_VERSION
