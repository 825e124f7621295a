"""The console's dashboard in Chromium: a clerk signs in, reads the queues, chooses fiscal year
2025 with the selector (a plain GET form), reads the charts and their tables, and downloads the
year's figures as CSV; the same page on a phone. Screenshots: var/screenshots/test_the_*."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import landed
from tests.browser.test_console_bank import sign_in
from tests.conftest import Cast
from tests.figures.world import build


@pytest.fixture
def year(transactional_db):
    cast = Cast()
    for persona in ("admin_carol", "admin_oscar", "sme_alice", "sme_erin"):
        getattr(cast, persona)
    return build(cast)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_clerk_reads_the_queues_chooses_a_year_and_exports_its_figures(page, server_url, year):
    sign_in(page, server_url, year.cast.admin_carol)

    refunds = page.locator('[data-queue="refunds"]')
    expect(refunds).to_contain_text("処理中の返金")
    expect(refunds.locator(".queue__count")).to_have_text("1")
    expect(page.locator('[data-queue="incidents"] .queue__count')).to_have_text("1")

    page.get_by_label("年度", exact=True).select_option("2025")
    page.get_by_role("button", name="表示").click()
    landed(page, server_url("/console/?year=2025#figures"))
    expect(page.get_by_role("heading", name="2025年度の商工会議所の実績")).to_be_visible()
    chart = page.get_by_role("img", name="回収額と返金額")
    expect(chart).to_be_visible()
    money = page.locator("#table-money")
    expect(money).to_contain_text("150,000円")
    expect(money).to_contain_text("30,000円")
    expect(page.locator("#table-headline")).to_contain_text("50.0%")
    page.screenshots.take(page, "fy2025")

    with page.expect_download() as waiting:
        page.get_by_role("link", name="すべての数値をCSVでダウンロード").click()
    download = waiting.value
    assert download.suggested_filename == "figures-FY2025.csv"
    body = open(download.path(), encoding="utf-8").read()  # noqa: SIM115
    assert body.startswith("\ufeff年度,指標,区分,値,単位")
    assert "2025年度,支援した中小企業数,全体,3,社" in body


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_dashboard_on_a_phone(phone_page, server_url, year):
    sign_in(phone_page, server_url, year.cast.admin_carol)
    phone_page.goto(server_url("/console/?year=2025"))
    expect(phone_page.locator("#table-subsidies")).to_contain_text("1,000,000円")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing wider than the phone: the charts shrink to fit
