"""A specialist's working day in Chromium at desk size (1280×800), in Japanese: edits the profile
and previews the directory card (htmx swaps it in, nothing saved until "save"), uploads a RISS
card, accepts one proposal with a conflict-of-interest declaration and declines another with a
reason, logs hours, starts the payout set-up at the Stripe stand-in and comes back to the return
page once Stripe says the account can be paid out. Every page is screenshot
(var/screenshots/test_a_specialist_.../)."""

import datetime
import re
from pathlib import Path

import pytest
import requests
from django.utils import timezone
from playwright.sync_api import expect

from billing.models import ConnectedAccount, TimeEntry
from matching.models import Proposal
from talent.models import Certification, Specialist
from tests.billing.conftest import AUTH, stripe_standin, stripe_webhooks, wait_for  # noqa: F401  (fixtures)
from tests.browser.conftest import landed
from tests.browser.test_object_pages import every_control_is_labelled, sign_in, visit
from tests.conftest import Cast
from tests.matching_fixtures import make_request
from tests.talent_fixtures import PDF_BYTES
from tests.web.world import ALICE_REQUEST, world

OTHER_REQUEST = "アリス製作所の標的型メール訓練"


@pytest.fixture
def built(transactional_db):
    cast = Cast()
    w = world(cast)
    other = make_request(cast.alice_company, cast.sme_alice, title=OTHER_REQUEST, status="open")
    declined = Proposal.objects.create(
        run=w.run,
        request=other,
        specialist=w.bob,
        score=650,
        breakdown={},
        facts={},
        rank=1,
        status="approved",
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    return cast, w, declined


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_specialist_edits_the_profile_answers_proposals_logs_hours_and_sets_up_payouts(
    page,
    server_url,
    built,
    stripe_webhooks,  # noqa: F811  (the fixture imported above)
    tmp_path: Path,
):
    cast, w, declined = built
    sign_in(page, server_url, cast.specialist_bob, "/specialist/")
    expect(page.get_by_role("heading", name="回答待ちの提案")).to_be_visible()
    expect(page.get_by_text("残り").first).to_be_visible()  # time left to answer

    # The profile: change it, preview the card (not saved), then save.
    page.get_by_role("link", name="プロフィール").first.click()
    landed(page, server_url("/specialist/profile/"))
    every_control_is_labelled(page)
    card = page.locator("#card-preview")
    expect(card).to_contain_text("名簿に掲載中")
    page.get_by_label("表示名").fill("坂本 ボブ（フォレンジック）")
    page.get_by_label("時間単価（円）").fill("24000")
    page.get_by_label("デジタルフォレンジック").select_option("5")
    page.get_by_label("訪問して対応する").check()
    page.get_by_label("大阪府").check()
    page.get_by_label("専門家名簿に掲載する").uncheck()
    page.get_by_role("button", name="名簿の表示を確認する").click()
    expect(card).to_contain_text("名簿での表示のプレビュー（未保存）")
    expect(card).to_contain_text("坂本 ボブ（フォレンジック）")
    expect(card).to_contain_text("24,000円")
    expect(card).to_contain_text("大阪府")
    expect(card).to_contain_text("名簿への掲載を選んでいません。")
    page.screenshots.take(page, "profile-preview")
    assert Specialist.objects.get(pk=w.bob.pk).hourly_rate_jpy == 15_000  # a preview saves nothing

    page.get_by_label("専門家名簿に掲載する").check()
    page.get_by_role("button", name="プロフィールを保存する").click()
    landed(page, server_url("/specialist/profile/"))
    expect(page.get_by_text("プロフィールを保存しました。")).to_be_visible()
    bob = Specialist.objects.get(pk=w.bob.pk)
    saved = (bob.display_name, bob.hourly_rate_jpy, bob.listed_in_directory)
    assert saved == ("坂本 ボブ（フォレンジック）", 24_000, True)
    assert list(bob.travel.values_list("prefecture", flat=True)) == ["27"]

    # A credential: the RISS card, uploaded as a PDF.
    card_pdf = tmp_path / "riss-card.pdf"
    card_pdf.write_bytes(PDF_BYTES)
    page.goto(server_url("/specialist/credentials/"))
    page.get_by_label("種類").select_option("riss")
    page.get_by_label("番号").fill("第０２３４５６号")
    page.get_by_label("登録日または合格日").fill("2024-04-01")
    page.get_by_label("更新期限").fill("2027-03-31")
    page.get_by_label("受講済みの年次オンライン講習の年").fill("2024, 2025")
    page.get_by_label("証明書類").set_input_files(str(card_pdf))
    page.get_by_role("button", name="審査に提出する").click()
    landed(page, server_url("/specialist/credentials/"))
    expect(page.get_by_text("資格を提出しました。商工会議所が審査します。")).to_be_visible()
    expect(page.get_by_text("第023456号")).to_be_visible()
    assert Certification.objects.get(specialist=w.bob, number="023456").training_years == [2024, 2025]

    # Accept one proposal with a declaration, decline the other with a reason.
    page.goto(server_url("/specialist/"))
    page.get_by_role("link", name=ALICE_REQUEST).click()
    landed(page, server_url(f"/specialist/proposals/{w.proposal.pk}/"))
    page.get_by_label("利益相反の申告").fill("同社の取引先ベンダーとの関係はありません。")
    page.get_by_role("button", name="この提案を承諾する").click()
    landed(page, server_url(f"/specialist/proposals/{w.proposal.pk}/"))
    expect(page.get_by_text("承諾しました。")).to_be_visible()

    page.goto(server_url("/specialist/"))
    page.get_by_role("link", name=OTHER_REQUEST).click()
    landed(page, server_url(f"/specialist/proposals/{declined.pk}/"))
    page.get_by_role("button", name="この提案を辞退する").click()  # no reason yet: refused beside the field
    landed(page, server_url(f"/specialist/proposals/{declined.pk}/"))
    expect(page.locator("#id_decline-note_error")).to_be_visible()
    page.get_by_label("辞退の理由").fill("この期間は別の案件で埋まっています。")
    page.get_by_role("button", name="この提案を辞退する").click()
    landed(page, server_url(f"/specialist/proposals/{declined.pk}/"))
    expect(page.get_by_text("この提案を辞退しました。")).to_be_visible()
    assert dict(Proposal.objects.filter(specialist=w.bob).values_list("pk", "status"))[w.proposal.pk] == "accepted"
    assert Proposal.objects.get(pk=declined.pk).status == "declined"

    # Hours on the hourly engagement.
    page.goto(server_url(f"/specialist/engagements/{w.engagement.pk}/"))
    page.get_by_label("作業日").fill(timezone.localdate().isoformat())
    page.get_by_label(re.compile("^作業時間")).fill("1.5")
    page.get_by_label("作業内容").fill("ファイアウォールのログ調査")
    page.get_by_role("button", name="作業時間を記録する").click()
    landed(page, server_url(f"/specialist/engagements/{w.engagement.pk}/"))
    expect(page.get_by_text("作業時間を記録しました。企業に確認を依頼します。")).to_be_visible()
    expect(page.get_by_text("ファイアウォールのログ調査")).to_be_visible()
    assert TimeEntry.objects.filter(engagement=w.engagement, description="ファイアウォールのログ調査").exists()

    # Payouts: start Stripe's set-up, finish it at the stand-in, come back to the return page.
    page.goto(server_url("/specialist/payouts/"))
    page.get_by_role("button", name="Stripe で受取口座を設定する").click()
    expect(page.get_by_role("link", name="Stripe で続ける")).to_be_visible()
    page.screenshots.take(page, "payouts-link")
    account = ConnectedAccount.objects.get(specialist=w.bob)
    assert page.get_by_role("link", name="Stripe で続ける").get_attribute("href").startswith(stripe_webhooks)
    completed = requests.post(f"{stripe_webhooks}/_sim/accounts/{account.account_id}/complete", auth=AUTH, timeout=5)
    assert completed.status_code == 200
    assert wait_for(lambda: ConnectedAccount.objects.get(pk=account.pk).payouts_enabled)
    page.goto(server_url("/specialist/payouts/return/"))
    expect(page.get_by_text("Stripe から戻りました。")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("利用可能")
    expect(page.get_by_role("button", name="Stripe で受取口座を設定する")).to_have_count(0)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_specialists_new_pages_fit_a_phone_and_label_every_control(phone_page, server_url, built):
    cast, _w, _declined = built
    page = phone_page
    sign_in(page, server_url, cast.specialist_bob, "/specialist/")
    visit(page, server_url, "/specialist/profile/", "プロフィール")
    expect(page.locator("#card-preview")).to_contain_text("坂本 ボブ")
    visit(page, server_url, "/specialist/reviews/", "受け取った評価")
    visit(page, server_url, "/specialist/credentials/", "保有資格")
    visit(page, server_url, "/specialist/payouts/", "報酬の受け取り")
