"""A clerk's morning in the console, in Chromium on a desk: two companies verified in one bulk
decision (the rows change in place), a credential verified while its evidence is shown on the
same page, and a CSV import previewed with every error of every line. Each page is screenshot
(var/screenshots/test_a_clerk_*)."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Company
from talent.models import Certification, Specialist
from tests import factories
from tests.browser.conftest import landed
from tests.browser.test_object_pages import every_control_is_labelled
from tests.conftest import Cast
from tests.talent_fixtures import make_certification, make_specialist

PASSWORD = "correct-horse-battery"  # tests/factories.UserFactory


def card_pdf() -> bytes:
    """A one-page PDF with a line of text, so the inline viewer shows something to read."""
    text = b"BT /F1 18 Tf 40 150 Td (RISS registration card No. 017758) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 220] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj " % number + body + b" endobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.fixture
def desk(transactional_db):
    cast = Cast()
    first = factories.CompanyFactory(chamber=cast.tokyo, status="pending", name="株式会社いろは製作所")
    second = factories.CompanyFactory(chamber=cast.tokyo, status="pending", name="株式会社ほへと商店")
    third = factories.CompanyFactory(chamber=cast.tokyo, status="pending", name="株式会社ちりぬ運輸")
    bob = make_specialist(cast.specialist_bob, display_name="坂本 ボブ")
    cert = make_certification(bob, deadline=timezone.localdate() + datetime.timedelta(days=700))
    from django.core.files.base import ContentFile

    cert.evidence.save("card.pdf", ContentFile(card_pdf()), save=True)
    return cast, (first, second, third), cert


def fits_the_screen(page):
    """Nothing wider than the screen but what scrolls on purpose (tables)."""
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


def sign_in(page, server_url, user):
    page.goto(server_url("/login/"))
    page.get_by_label("メールアドレス").fill(user.email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    landed(page, server_url("/console/"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_clerk_verifies_in_bulk_reviews_evidence_and_previews_an_import(page, server_url, desk):
    cast, (first, second, third), cert = desk
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(f"{message.location.get('url')}: {message.text}")
            if message.type == "error"
            and re.search(r"Refused to (display|frame|load)|frame-ancestors|X-Frame-Options", message.text)
            else None
        ),
    )
    sign_in(page, server_url, cast.admin_carol)

    # Two companies in one bulk decision: the rows change in place (htmx), the third stays pending.
    page.goto(server_url("/console/companies/"))
    expect(page.locator("#company-rows")).to_contain_text(re.compile(r"\d-\d{4}-\d{4}-\d{4}"))  # 1-4-4-4
    every_control_is_labelled(page)
    fits_the_screen(page)
    page.evaluate("() => document.querySelectorAll('main details').forEach(d => { d.open = false; })")
    tick_all = page.get_by_label("このページの企業をすべて選択")
    tick_all.check()  # a small script ticks every row, and unticks them
    for company in (first, second, third):
        expect(page.get_by_label(f"{company.name}を選択")).to_be_checked()
    tick_all.uncheck()
    expect(page.get_by_label(f"{third.name}を選択")).not_to_be_checked()
    page.get_by_label(f"{first.name}を選択").check()
    page.get_by_label(f"{second.name}を選択").check()
    page.locator("#bulk-box").get_by_label("確認済みにする").check()
    page.locator("#bulk-box").get_by_label("メモ（却下する場合は理由）").fill("登記事項を確認しました")
    page.get_by_role("button", name="選択した企業に適用する").click()
    expect(page.get_by_text("2社を確認済みにしました。各社の担当者に通知しました。")).to_be_visible()
    for company in (first, second):
        expect(page.locator(f"#company-{company.pk}").get_by_text("確認済み", exact=True)).to_be_visible()
    expect(page.locator(f"#company-{third.pk}").get_by_text("審査待ち", exact=True)).to_be_visible()
    assert page.url == server_url("/console/companies/")  # no reload: swapped in place
    page.screenshots.take(page, "companies-after-bulk")
    assert [Company.objects.get(pk=c.pk).status for c in (first, second, third)] == ["verified", "verified", "pending"]

    # A credential: its evidence inline beside the decision, through the authorised endpoint.
    inline = f"/console/certifications/{cert.pk}/evidence/inline/"
    with page.expect_response(lambda response: response.url.endswith(inline)) as evidence:
        page.goto(server_url(f"/console/certifications/{cert.pk}/"))
    assert evidence.value.status == 200
    assert evidence.value.header_value("content-type") == "application/pdf"
    frame = page.locator("iframe.evidence__frame")
    expect(frame).to_be_visible()
    assert frame.bounding_box()["height"] > 400
    registry = page.get_by_role("link", name=re.compile("IPA の公開登録簿"))
    expect(registry).to_have_attribute("href", "https://riss.ipa.go.jp/r?r=017758")
    every_control_is_labelled(page)
    fits_the_screen(page)
    page.wait_for_timeout(1000)  # the PDF viewer draws
    page.screenshots.take(page, "credential-with-evidence", full_page=False)
    page.get_by_label("メモ").first.fill("登録番号を公開登録簿で確認")
    page.get_by_role("button", name="確認済みにする").click()
    landed(page, server_url(f"/console/certifications/{cert.pk}/"))
    expect(page.get_by_text("資格を確認済みにしました", exact=False)).to_be_visible()
    expect(page.locator(".history")).to_contain_text("登録番号を公開登録簿で確認")
    assert Certification.objects.get(pk=cert.pk).status == "verified"
    assert blocked == []  # the frame was not refused by CSP or X-Frame-Options

    # A CSV import previewed: every error of every line, by line and column; nothing written.
    page.goto(server_url("/console/specialists/import/"))
    csv = (
        "email,display_name,prefecture,hourly_rate_jpy\n"
        "hanako@example.test,山田 花子,13,20000\n"
        "not-an-email,,99,cheap\n"
        "taro@example.test,田中 太郎,13,-5\n"
    )
    every_control_is_labelled(page)
    fits_the_screen(page)
    page.get_by_label("CSVファイル（UTF-8）").set_input_files(
        files=[{"name": "bank.csv", "mimeType": "text/csv", "buffer": csv.encode("utf-8")}]
    )
    page.get_by_role("button", name="プレビュー（保存しない）").click()
    expect(page).to_have_url(re.compile(r"/console/specialists/import/[0-9a-f-]+/$"))  # the job's page
    expect(page.get_by_role("heading", name="プレビューが終わりました")).to_be_visible()
    rows = page.locator("tr.import-error")
    expect(rows).to_have_count(5)
    expect(rows.nth(0)).to_contain_text("3A (email)メールアドレスの形式ではありません")
    expect(rows.nth(4)).to_contain_text("4D (hourly_rate_jpy)負の数は使えません")
    expect(page.locator("#import-bar")).to_have_attribute("value", "3")
    fits_the_screen(page)
    page.screenshots.take(page, "import-preview")
    assert not Specialist.objects.filter(user__email="hanako@example.test").exists()

    # The bank: a search, and the specialist's page with their credential and its history.
    page.goto(server_url("/console/specialists/?q=ボブ"))
    expect(page.get_by_role("link", name="坂本 ボブ")).to_be_visible()
    every_control_is_labelled(page)
    fits_the_screen(page)
    page.get_by_role("link", name="坂本 ボブ").click()
    landed(page, server_url(f"/console/specialists/{cert.specialist_id}/"))
    expect(page.get_by_role("link", name=re.compile("017758"))).to_be_visible()
    every_control_is_labelled(page)
    fits_the_screen(page)
