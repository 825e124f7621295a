"""After an incident, in Chromium: the SME (on a phone) writes its report with a person's name, an
e-mail address, a phone number, a corporate number and its own host and address in it, previews
the de-identified text (none of them in it) and approves it; the chamber's admin (at a desk)
publishes it; another member reads it in the feed, word for word what the SME approved. Then a
forensics-program case opens on the incident engagement and walks from its paid invoices to a
granted and paid amount, explained invoice by invoice."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incidents.models import IncidentReport, SharedIncident
from subsidies import services as subsidies_services
from subsidies.models import SubsidyCase
from tests import factories
from tests.browser.conftest import landed
from tests.browser.test_object_pages import every_control_is_labelled
from tests.conftest import Cast
from tests.incidents_fixtures import incident_engagement, member_company
from tests.subsidies_fixtures import programs
from tests.talent_fixtures import make_specialist, pdf
from tests.web.incident_world import paid_invoice

PASSWORD = "correct-horse-battery"  # tests/factories.UserFactory
PERSON, EMAIL, PHONE = "山田 花子", "yamada@alice-works.example.jp", "03-1234-5678"
CORPORATE_NUMBER, OWN_HOST, OWN_IP = "7010401012345", "files.alice-works.example.jp", "203.0.113.7"
SUMMARY = (
    f"経理の{PERSON}が {EMAIL} 宛ての請求書メールを開いた。翌日、電話 {PHONE} に脅迫があった。"
    f"法人番号 {CORPORATE_NUMBER} を名乗る偽サイトに誘導され、社内の {OWN_HOST} ({OWN_IP}) が暗号化された。"
)
SECRETS = (PERSON, "山田", "花子", EMAIL, PHONE, CORPORATE_NUMBER, OWN_HOST, OWN_IP, "アリス製作所")
TITLE = "請求書を装うメールからのランサムウェア"


@pytest.fixture
def built(transactional_db):
    cast = Cast()
    alice, company = cast.sme_alice, cast.alice_company
    alice.name = PERSON
    alice.save()
    company.security_action = "one_star"
    company.save()
    bob = make_specialist(cast.specialist_bob, display_name="Bob Security")
    engagement = incident_engagement(company, alice, bob)
    invoices = [paid_invoice(engagement, 600_000), paid_invoice(engagement, 500_000)]
    invoices.append(paid_invoice(engagement, 100_000, paid=False))
    rita = factories.UserFactory(email="rita@reader.test", role="sme", name="Rita Reader")
    member_company(cast.tokyo, rita, name="株式会社リーダー")
    forensics = programs(cast.tokyo)["demo-chamber-forensics"]
    return cast, engagement, invoices, rita, forensics


def sign_in(page, server_url, user, home):
    page.context.clear_cookies()
    page.goto(server_url("/login/"))
    page.get_by_label("メールアドレス").fill(user.email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    landed(page, server_url(home))


def looked_over(page) -> None:
    """Every control labelled, nothing wider than the screen but the tables that scroll on purpose."""
    every_control_is_labelled(page)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


def shared_text(page) -> str:
    article = page.locator("article.shared-incident")
    expect(article).to_have_count(1)
    return article.inner_text()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_incident_is_shared_without_its_victim_and_its_forensics_cost_is_covered(
    phone_page, page, server_url, built
):
    cast, engagement, invoices, rita, forensics = built
    sme, desk = phone_page, page

    # The SME writes its report.
    sign_in(sme, server_url, cast.sme_alice, "/sme/")
    sme.get_by_role("link", name="インシデント報告").first.click()
    landed(sme, server_url("/sme/incidents/"))
    sme.get_by_role("link", name="報告を作成する").click()
    landed(sme, server_url(f"/sme/engagements/{engagement.pk}/incident-report/"))
    looked_over(sme)
    sme.get_by_label("件名").fill(TITLE)
    sme.get_by_label("種別").select_option("ransomware")
    sme.get_by_label("発生日").fill("2026-05-12")
    sme.get_by_label("発見日").fill("2026-05-14")
    sme.get_by_label("発生した事象").fill(SUMMARY)
    sme.get_by_label("有効だった対策").fill("オフラインのバックアップから3日で復旧できた。")
    sme.get_by_label("ファイルハッシュ（MD5・SHA-1・SHA-256、1行に1つ）").fill("d41d8cd98f00b204e9800998ecf8427e")
    sme.get_by_label("攻撃者のドメイン（1行に1つ）").fill("c2.evil-example.net")
    sme.get_by_label("攻撃者のIPアドレス（1行に1つ）").fill("45.67.89.10")
    sme.get_by_label("攻撃メールの送信元（1行に1つ）").fill("billing@evil-example.net")
    sme.get_by_label("ATT&CKテクニック（例：T1566、1行に1つ）").fill("T1566\nT1486")
    sme.get_by_label("自組織のドメイン（1行に1つ）").fill("alice-works.example.jp")
    sme.get_by_label("自組織のIPアドレス・ネットワーク（1行に1つ）").fill(OWN_IP)
    sme.get_by_label("TLP:GREEN").check()
    sme.get_by_label("被害内容（非公開）").fill("3日間の操業停止")
    sme.get_by_label("被害額（円、非公開）").fill("2000000")
    sme.get_by_role("button", name="報告を保存する").click()
    report = IncidentReport.objects.get(engagement=engagement)
    report_url = server_url(f"/sme/incidents/{report.pk}/")
    landed(sme, report_url)
    expect(sme.get_by_text("非特定化した内容を承認するまで、何も共有されません。")).to_be_visible()

    # ...previews exactly what would be shared: none of what identifies it...
    sme.get_by_role("button", name="共有される内容を表示する").click()
    landed(sme, report_url)
    preview = shared_text(sme)
    looked_over(sme)
    assert [secret for secret in SECRETS if secret in preview] == []
    shown = ("c2.evil-example.net", "T1486", "オフラインのバックアップ", "[人名]", "[メールアドレス]", "[自組織ホスト]")
    assert [text for text in shown if text not in preview] == []
    assert "操業停止" not in preview
    # ...and approves it.
    sme.get_by_role("button", name="この内容で共有を承認する").click()
    landed(sme, report_url)
    expect(sme.locator("#sharing-status")).to_have_text("企業が承認済み")

    # The chamber's admin publishes it.
    sign_in(desk, server_url, cast.admin_carol, "/console/")
    desk.get_by_role("link", name="インシデント報告").click()
    landed(desk, server_url("/console/reports/"))
    shared = SharedIncident.objects.get(report=report)
    desk.locator(f'a[href="/console/reports/{shared.pk}/"]').click()
    landed(desk, server_url(f"/console/reports/{shared.pk}/"))
    assert shared_text(desk) == preview
    looked_over(desk)
    desk.get_by_role("button", name="共有する").click()
    landed(desk, server_url(f"/console/reports/{shared.pk}/"))
    expect(desk.get_by_text("共有しました。会員はTLPラベルの範囲で閲覧できます。")).to_be_visible()
    desk.goto(server_url("/console/reports/figures/"))
    looked_over(desk)
    expect(desk.get_by_label("公表する集計区分あたりの最少組織数（k）")).to_have_value("5")

    # Another member reads it in the feed: the text the SME approved, word for word.
    sign_in(sme, server_url, rita, "/sme/")
    sme.get_by_role("link", name="会員が共有したインシデント").click()
    landed(sme, server_url("/sme/shared-reports/"))
    looked_over(sme)
    assert shared_text(sme) == preview
    # One report is fewer than k = 5 organisations: the figures say so rather than show it.
    sme.get_by_role("link", name="インシデント集計").click()
    landed(sme, server_url("/sme/shared-reports/figures/"))
    expect(sme.locator(".aggregates__suppressed")).to_contain_text("1件は")

    # The forensics program: a case on the incident engagement, the amount explained line by line.
    sign_in(sme, server_url, cast.sme_alice, "/sme/")
    sme.goto(server_url(f"/sme/engagements/{engagement.pk}/"))
    sme.get_by_role("link", name="支援制度").click()
    landed(sme, server_url(f"/sme/engagements/{engagement.pk}/support/"))
    sme.get_by_role("button", name="申請案件を作成する").click()
    landed(sme, server_url(f"/sme/engagements/{engagement.pk}/support/"))
    case = SubsidyCase.objects.get(engagement=engagement, program=forensics)
    sme.get_by_role("link", name="要件と金額（請求書ごとの内訳）").click()
    costs_url = server_url(f"/sme/subsidies/{case.pk}/costs/")
    landed(sme, costs_url)
    looked_over(sme)
    lines = sme.locator("table.cost-lines tbody tr")
    expect(lines).to_have_count(3)
    expect(lines.nth(0)).to_contain_text(invoices[0].number)
    expect(lines.nth(0)).to_contain_text("300,000")
    expect(lines.nth(1)).to_contain_text("250,000")
    expect(lines.nth(2)).to_contain_text(invoices[2].number)
    expect(sme.locator(".cost-steps")).to_contain_text("上限")
    expect(sme.locator(".cost-amount")).to_contain_text("500,000")
    sme.get_by_role("button", name="書類の準備を始める").click()
    landed(sme, costs_url)
    expect(sme.locator("#case-status")).to_have_text("書類準備中")
    # The documents and the submission are the case page's own (web/sme/subsidies.py).
    for kind in ("application_form", "invoice_copy", "incident_report"):
        subsidies_services.upload_document(case=case, user=cast.sme_alice, document_type=kind, file=pdf(f"{kind}.pdf"))
    subsidies_services.submit_case(case=case, user=cast.sme_alice)

    # The chamber reviews, decides the amount granted and records its bank transfer.
    console_url = server_url(f"/console/subsidy-cases/{case.pk}/costs/")
    desk.goto(console_url)
    desk.get_by_role("button", name="審査を開始する").click()
    landed(desk, console_url)
    expect(desk.get_by_label("交付額（円）")).to_have_value("500000")
    looked_over(desk)
    desk.get_by_label("決定の理由").fill("調査・フォレンジック費用の2分の1（上限50万円）")
    desk.get_by_role("button", name="決定を記録する").click()
    landed(desk, console_url)
    desk.get_by_label("支払日").fill(timezone.localdate().isoformat())
    desk.get_by_label("振込の参照番号").fill("振込 0001")
    desk.get_by_role("button", name="支払いを記録する").click()
    landed(desk, console_url)
    expect(desk.locator("#case-status")).to_have_text("支給")

    sme.goto(costs_url)
    expect(sme.locator("dl.facts")).to_contain_text("500,000円")
    expect(sme.locator("dl.facts")).to_contain_text("振込 0001")
    expect(sme.locator("table.history tbody tr")).to_have_count(6)
    case.refresh_from_db()
    assert (case.status, case.decided_amount_jpy, case.paid_amount_jpy) == ("paid", 500_000, 500_000)
