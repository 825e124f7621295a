"""After selecting a specialist, on a phone (390×844) in Chromium: the SME confirms the hours the
specialist logged and disputes others with the reason, pays an invoice by card on Stripe's page
(the stand-in's labelled Checkout simulation over localstripe's real PaymentIntent, with 3-D
Secure) and comes back to the return page that says it was paid, then uploads the last document
of a subsidy case and submits the case. Each page is screenshot (var/screenshots/...)."""

import re
from decimal import Decimal

import pytest
import requests
from django.utils import timezone, translation
from playwright.sync_api import expect

from billing.models import ConnectedAccount, Invoice, TimeEntry
from billing.services import connect
from subsidies import services as subsidies_services
from subsidies.models import DocumentType, SubsidyCase
from tests.billing.conftest import AUTH, stripe_standin  # noqa: F401  (a fixture)
from tests.browser.conftest import landed
from tests.browser.test_object_pages import every_control_is_labelled, sign_in
from tests.conftest import Cast
from tests.talent_fixtures import pdf
from tests.web.world import world
from workflow.models import StatusChange

pytestmark = [
    pytest.mark.integration,  # the Stripe stand-in
    pytest.mark.stripe_simulation,  # its Connect and Checkout parts are the labelled simulation
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
YES = {"no_fraud_5y": True, "labour_insurance_paid": True, "no_labour_law_prosecution_1y": True}


def fits_the_screen(page):
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


def test_sme_confirms_hours_pays_by_card_and_submits_a_subsidy_case_on_a_phone(
    phone_page,
    server_url,
    stripe_standin,  # noqa: F811
    settings,
    live_server,
):
    cast = Cast()
    w = world(cast)
    settings.SITE_URL = live_server.url  # where Stripe sends the payer back
    # Bob can receive payouts at the stand-in (its webhook is not registered here: our row is told).
    account = connect.onboard_specialist(user=cast.specialist_bob)["account"]
    requests.post(f"{stripe_standin}/_sim/accounts/{account}/complete", auth=AUTH, timeout=5)
    ConnectedAccount.objects.filter(account_id=account).update(payouts_enabled=True, charges_enabled=True)
    padded = TimeEntry.objects.create(
        engagement=w.engagement,
        work_date=timezone.localdate(),
        hours=Decimal("6.00"),
        description="報告書の清書",
        logged_by=cast.specialist_bob,
    )
    # The subsidy case lacks one document only.
    SubsidyCase.objects.filter(pk=w.case.pk).update(referral="hello_work", declarations=YES)
    w.case.refresh_from_db()
    *others, last = subsidies_services.missing_documents(w.case, SubsidyCase.Status.SUBMITTED)
    for kind in others:
        document = pdf(f"{kind}.pdf")
        subsidies_services.upload_document(case=w.case, user=cast.sme_alice, document_type=kind, file=document)

    page = phone_page
    sign_in(page, server_url, cast.sme_alice, "/sme/")

    # Hours: from the home's list of engagements to the engagement; confirm one, dispute the other.
    page.locator(f'a[href="/sme/engagements/{w.engagement.pk}/"]').click()
    engagement_url = server_url(f"/sme/engagements/{w.engagement.pk}/")
    landed(page, engagement_url)
    every_control_is_labelled(page)
    fits_the_screen(page)
    page.locator("li.item", has_text="ログの確認").get_by_role("button", name="この作業時間を確認する").click()
    landed(page, engagement_url)
    expect(page.get_by_text("作業時間を確認しました。次回の請求書に含まれます。")).to_be_visible()
    disputed = page.locator("li.item", has_text="報告書の清書")
    disputed.get_by_role("button", name="この作業時間に異議を出す").click()  # no reason: refused
    landed(page, engagement_url)
    expect(page.locator(".field__error").first).to_be_visible()
    page.locator("li.item", has_text="報告書の清書").get_by_label("この時間の問題点").fill("見積もりは2時間でした")
    page.locator("li.item", has_text="報告書の清書").get_by_role("button", name="この作業時間に異議を出す").click()
    landed(page, engagement_url)
    expect(page.get_by_text("作業時間に異議を出しました。専門家に理由を通知します。")).to_be_visible()
    w.entry.refresh_from_db()
    padded.refresh_from_db()
    assert (w.entry.status, padded.status) == (TimeEntry.Status.CONFIRMED, TimeEntry.Status.DISPUTED)
    reason = StatusChange.objects.get(object_id=padded.pk, to_status=TimeEntry.Status.DISPUTED).note
    assert reason == "見積もりは2時間でした"

    # Paying by card: our page offers Stripe's page; the card and 3-D Secure happen there.
    page.goto(server_url("/sme/"))
    page.get_by_role("link", name=w.invoice.number).click()
    invoice_url = server_url(f"/sme/invoices/{w.invoice.pk}/")
    landed(page, invoice_url)
    every_control_is_labelled(page)
    fits_the_screen(page)
    page.get_by_role("button", name="この請求書をカードで支払う").click()
    landed(page, invoice_url)
    expect(page.get_by_role("heading", name="Stripe で続ける")).to_be_visible()
    page.get_by_role("link", name=re.compile("Stripeで.*を支払う")).click()
    page.wait_for_url(re.compile(r"/_sim/checkout/cs_test_\w+$"))
    page.screenshots.take(page, "stripe-checkout")
    page.get_by_label("Card number").fill("4000 0025 0000 3155")  # asks for 3-D Secure
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url(re.compile(r"/_sim/checkout/cs_test_\w+/3ds$"))
    page.screenshots.take(page, "stripe-3ds")
    page.get_by_role("button", name="Complete authentication").click()
    page.wait_for_url(re.compile(rf"/sme/invoices/{w.invoice.pk}/paid/\?session_id=cs_test_\w+$"))
    page.wait_for_load_state()
    page.screenshots.take(page, "paid")
    expect(page.locator("#outcome")).to_contain_text("お支払い済みです")
    expect(page.get_by_role("link", name="領収書（PDF）")).to_be_visible()
    fits_the_screen(page)
    w.invoice.refresh_from_db()
    assert w.invoice.status == Invoice.Status.PAID

    # The subsidy case: upload the last document, then submit.
    page.goto(server_url("/sme/"))
    page.locator(f'a[href="/sme/subsidies/{w.case.pk}/"]').first.click()
    case_url = server_url(f"/sme/subsidies/{w.case.pk}/")
    landed(page, case_url)
    every_control_is_labelled(page)
    fits_the_screen(page)
    expect(page.get_by_role("heading", name="受給要件のチェックリスト")).to_be_visible()
    page.get_by_label("書類の種類").select_option(last)
    page.get_by_label("ファイル").set_input_files(
        files=[{"name": f"{last}.pdf", "mimeType": "application/pdf", "buffer": pdf(f"{last}.pdf").read()}]
    )
    page.get_by_role("button", name="登録する", exact=True).click()
    landed(page, case_url)
    expect(page.get_by_text("書類を登録しました。商工会議所に通知します。")).to_be_visible()
    with translation.override("ja"):
        expect(page.get_by_text(str(DocumentType(last).label)).first).to_be_visible()
    page.get_by_role("button", name="申請を提出する").click()
    landed(page, case_url)
    expect(page.get_by_text("申請を提出しました。商工会議所が確認し、お知らせします。")).to_be_visible()
    w.case.refresh_from_db()
    assert w.case.status == SubsidyCase.Status.SUBMITTED
