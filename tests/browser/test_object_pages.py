"""Each audience walks its pages in Chromium (the SME on a phone, the console on a desk): every
page answers, reads in Japanese, every control has a label, and each page is screenshot."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import landed
from tests.conftest import Cast
from tests.web.world import ALICE_REQUEST, world

PASSWORD = "correct-horse-battery"  # tests/factories.UserFactory


@pytest.fixture
def built(transactional_db):
    cast = Cast()
    return cast, world(cast)


def sign_in(page, server_url, user, home):
    page.goto(server_url("/login/"))
    page.get_by_label("メールアドレス").fill(user.email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    landed(page, server_url(home))


def every_control_is_labelled(page):
    # A control folded away in <details> has no accessible name while hidden: unfold them first.
    page.evaluate("() => document.querySelectorAll('main details').forEach(d => { d.open = true; })")
    controls = page.locator("main input:not([type=hidden]), main select, main textarea, main button")
    for index in range(controls.count()):
        expect(controls.nth(index)).to_have_accessible_name(re.compile(r"\S"))


def visit(page, server_url, path, heading):
    page.goto(server_url(path))
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    every_control_is_labelled(page)
    # Nothing wider than the screen but what scrolls on purpose (tables).
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} is {overflow}px wider than the screen"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sme_walks_its_pages_on_a_phone(phone_page, server_url, built):
    cast, w = built
    page = phone_page
    sign_in(page, server_url, cast.sme_alice, "/sme/")
    expect(page.get_by_role("heading", name="ご依頼")).to_be_visible()
    page.get_by_role("link", name=ALICE_REQUEST).click()
    landed(page, server_url(f"/sme/requests/{w.request.pk}/"))
    expect(page.get_by_text("専門家の回答待ち")).to_be_visible()
    every_control_is_labelled(page)

    visit(page, server_url, f"/sme/engagements/{w.engagement.pk}/", "スポット診断")
    page.get_by_role("button", name="この作業時間を確認する").click()
    landed(page, server_url(f"/sme/engagements/{w.engagement.pk}/"))
    expect(page.get_by_text("作業時間を確認しました。次回の請求書に含まれます。")).to_be_visible()

    visit(page, server_url, f"/sme/invoices/{w.invoice.pk}/", w.invoice.number)
    expect(page.get_by_text("円").first).to_be_visible()
    visit(page, server_url, f"/sme/invoices/{w.invoice.pk}/paid/", w.invoice.number)
    visit(page, server_url, f"/sme/subsidies/{w.case.pk}/", "")
    visit(page, server_url, "/sme/company/", "御社の情報")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_specialist_walks_its_pages_on_a_phone(phone_page, server_url, built):
    cast, w = built
    page = phone_page
    sign_in(page, server_url, cast.specialist_bob, "/specialist/")
    page.get_by_role("link", name=ALICE_REQUEST).click()
    landed(page, server_url(f"/specialist/proposals/{w.proposal.pk}/"))
    every_control_is_labelled(page)
    page.get_by_label("利益相反の申告").fill("なし")
    page.get_by_role("button", name="この提案を承諾する").click()
    landed(page, server_url(f"/specialist/proposals/{w.proposal.pk}/"))
    expect(page.get_by_text("承諾しました。")).to_be_visible()

    visit(page, server_url, f"/specialist/engagements/{w.engagement.pk}/", "スポット診断")
    visit(page, server_url, "/specialist/credentials/", "保有資格")
    visit(page, server_url, "/specialist/payouts/", "報酬の受け取り")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_console_walks_its_pages_on_a_desk(page, server_url, built):
    cast, w = built
    sign_in(page, server_url, cast.admin_carol, "/console/")
    page.get_by_role("link", name=re.compile("確認待ちの企業")).click()
    landed(page, server_url("/console/companies/"))
    every_control_is_labelled(page)
    page.get_by_role("button", name="確認済みにする").click()
    landed(page, server_url("/console/companies/"))
    expect(page.get_by_text("企業を確認済みにしました。")).to_be_visible()

    visit(page, server_url, f"/console/companies/{w.pending_company.pk}/", "株式会社審査待ち")
    visit(page, server_url, "/console/certifications/", "審査待ちの資格")
    visit(page, server_url, f"/console/certifications/{w.certification.pk}/", "坂本 ボブ")
    visit(page, server_url, "/console/proposals/", "審査待ちの提案")
    visit(page, server_url, f"/console/runs/{w.run.pk}/", "マッチング実行")
    visit(page, server_url, f"/console/requests/{w.request.pk}/", ALICE_REQUEST)
    visit(page, server_url, "/console/engagements/", "契約")
    visit(page, server_url, f"/console/engagements/{w.engagement.pk}/", "スポット診断")
    visit(page, server_url, "/console/subsidy-cases/", "助成金の申請")
    visit(page, server_url, f"/console/subsidy-cases/{w.case.pk}/", "")
    visit(page, server_url, "/console/invoices/", "請求書")
    visit(page, server_url, "/console/specialists/", "専門家")
