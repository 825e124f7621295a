"""An SME's journey on a phone (390×844), in Japanese, up to selecting a specialist: register the
company (the 法人番号 checked as it is typed), answer the self-diagnosis, draft a request from
it, edit and publish it, follow the pipeline, compare two accepted specialists and select one with
the Freelance Act's terms (a 61-day payment due refused beside its field, then 60 accepted).
Sign-up and the confirmation mail are walked in test_account_journeys.py; the engagement, its
hours, payment and subsidy continue in the engagement helper's own journey.

The chamber's and the specialists' parts (verifying the company, reviewing and accepting the
proposals) are done through their services or rows here: their pages have journeys of their own."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Company, User
from accounts.services import verify_company
from diagnosis.models import Diagnosis
from matching.models import AdvisorRequest, Engagement, MatchRun, Proposal
from tests import factories
from tests.browser.conftest import landed
from tests.browser.test_account_journeys import PASSWORD, arrived, every_control_is_labelled, fits_the_screen, visit
from tests.talent_fixtures import make_specialist

journey = pytest.mark.django_db(transaction=True, serialized_rollback=True)
FACTS = {"level": 4.0, "certification": "RISS", "proximity": "same", "rating": None, "urgent": False}
# Every item "done" but three: the rolled-up total is 22 x 4 + 0 - 1 + 2 = 89 (おおむね実施).
ANSWERS = {3: "実施していない", 20: "わからない", 24: "一部実施している"}


def log_in(page, server_url, email):
    visit(page, server_url("/login/"))
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    arrived(page, server_url("/sme/"))


def proposed(request, names, status):
    """The chamber's run proposed `names` for `request`; each proposal now stands at `status`."""
    run = MatchRun.objects.create(chamber=request.company.chamber, status="succeeded")
    for rank, (name, declaration) in enumerate(names, start=1):
        specialist = make_specialist(
            factories.UserFactory(role=User.Role.SPECIALIST),
            display_name=name,
            skills={"identity_access": 4, "incident_response": 3},
            hourly_rate_jpy=12_000 + rank * 1_000,
            years_experience=5 + rank,
        )
        Proposal.objects.create(
            run=run,
            request=request,
            specialist=specialist,
            score=820 - rank * 40,
            breakdown={"skills": 300, "rate_fit": 80},
            facts=FACTS,
            rank=rank,
            status=status,
            declaration=declaration,
        )


@journey
def test_an_sme_registers_diagnoses_drafts_publishes_compares_and_selects_on_a_phone(phone_page, server_url):
    page = phone_page
    tokyo = factories.ChamberFactory(name="東京商工会議所", prefecture="13")
    admin = factories.UserFactory(role=User.Role.CHAMBER_ADMIN, chamber=tokyo)
    owner = factories.UserFactory(email="arai@sme.test", name="新井 オーナー", role=User.Role.SME)
    log_in(page, server_url, owner.email)

    # (1) The company: the 法人番号 is checked as it is typed.
    visit(page, server_url("/sme/company/"))
    number = factories.valid_corporate_number(987_654_321_012)
    wrong = str(int(number[0]) % 9 + 1) + number[1:]
    page.get_by_label("会社名").fill("株式会社新井製作所")
    page.get_by_label("法人番号").fill(wrong)
    expect(page.locator("#corporate-number-check .field__error")).to_be_visible()
    page.screenshots.take(page, "corporate-number-refused")
    page.get_by_label("法人番号").fill(f"{number[0]}-{number[1:5]}-{number[5:9]}-{number[9:]}")
    expect(page.locator("#corporate-number-check .field__ok")).to_contain_text(number[0])
    page.get_by_label("業種").select_option("manufacturing")
    page.get_by_label("資本金（円）").fill("10000000")
    page.get_by_label("常時使用する従業員数").fill("45")
    page.get_by_label("都道府県").select_option("13")
    expect(page.locator("#size-class-check")).to_contain_text("中小企業者")  # with its basis, as typed
    page.get_by_label("市区町村").fill("大田区")
    page.get_by_label("商工会議所").select_option(label="東京商工会議所")
    page.get_by_role("button", name="会社を登録する").click()
    arrived(page, server_url("/sme/company/"))
    expect(page.get_by_text("株式会社新井製作所 を登録しました。")).to_be_visible()
    expect(page.get_by_text("中小企業者", exact=True)).to_be_visible()
    company = Company.objects.get(name="株式会社新井製作所")
    assert company.corporate_number == number
    verify_company(company=company, admin=admin)  # the chamber's part: its console has its own journey

    # (2) The self-diagnosis: one sheet, 25 items in three parts.
    visit(page, server_url("/sme/diagnosis/"))
    page.get_by_label("拠点・部署").fill("本社")
    page.get_by_role("button", name="始める").click()
    diagnosis = Diagnosis.objects.get(company=company)
    arrived(page, server_url(f"/sme/diagnosis/{diagnosis.pk}/"))
    page.get_by_role("link", name="本社").click()
    sheet = diagnosis.sheets.get()
    arrived(page, server_url(f"/sme/diagnosis/{diagnosis.pk}/sheets/{sheet.pk}/"))
    for number_ in range(1, 26):
        group = page.get_by_role("group", name=re.compile(rf"^Q{number_}\. "))
        group.get_by_label(ANSWERS.get(number_, "実施している"), exact=True).check()
    page.get_by_role("button", name="回答を保存する").click()
    arrived(page, server_url(f"/sme/diagnosis/{diagnosis.pk}/"))
    expect(page.get_by_text("25項目中25項目に回答")).to_be_visible()
    page.get_by_role("button", name="完了して結果を見る").click()
    arrived(page, server_url(f"/sme/diagnosis/{diagnosis.pk}/"))
    expect(page.locator(".score__total")).to_have_text("89")
    expect(page.get_by_text("おおむね実施").first).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Q20\. "))).to_be_visible()  # "don't know": listed for review

    # (3) A draft request from the two items chosen (Q20 stays with the company).
    page.get_by_label(re.compile(r"Q3\. ")).check()
    page.get_by_label(re.compile(r"Q24\. ")).check()
    page.get_by_role("button", name="依頼の下書きを作る").click()
    draft = AdvisorRequest.objects.get(company=company)
    arrived(page, server_url(f"/sme/requests/{draft.pk}/edit/"))
    assert "Q3" in draft.description
    assert "Q24" in draft.description
    assert "Q20" not in draft.description
    page.get_by_label("件名").fill("パスワード管理と緊急時対応の相談")
    page.get_by_role("button", name="下書きを保存する").click()
    arrived(page, server_url(f"/sme/requests/{draft.pk}/"))
    page.get_by_role("button", name="依頼を公開する").click()
    arrived(page, server_url(f"/sme/requests/{draft.pk}/"))
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("パスワード管理と緊急時対応の相談", "open")

    # (4) The pipeline: two proposals wait for the chamber's review, then both specialists accept.
    proposed(
        draft, [("山田 太郎", ""), ("佐藤 花子", "取引先のベンダーA社と業務委託契約があります。")], "pending_review"
    )
    visit(page, server_url(f"/sme/requests/{draft.pk}/"))
    expect(page.locator('[aria-current="step"]')).to_contain_text("2")
    expect(page.get_by_text("山田 太郎")).to_have_count(0)  # who, only once they accept
    Proposal.objects.filter(request=draft).update(status="accepted")
    visit(page, server_url(f"/sme/requests/{draft.pk}/"))
    expect(page.locator('[aria-current="step"]')).to_contain_text("2")
    page.get_by_role("link", name="候補者を並べて比べる").click()
    arrived(page, server_url(f"/sme/requests/{draft.pk}/compare/"))
    expect(page.locator(".compare__candidate")).to_have_count(2)
    expect(page.get_by_text("取引先のベンダーA社と業務委託契約があります。")).to_be_visible()
    expect(page.get_by_text("申告なし。")).to_be_visible()

    # (5) Select with terms: 61 days refused beside its field, 60 accepted.
    chosen = Proposal.objects.get(request=draft, specialist__display_name="山田 太郎")
    page.get_by_role("link", name="山田 太郎 さんに依頼する").click()
    arrived(page, server_url(f"/sme/requests/{draft.pk}/select/{chosen.pk}/"))
    due = page.get_by_label("支払期日（給付を受けた日から何日以内）")
    expect(due).to_have_value("30")  # the defaults are filled in
    expect(page.get_by_label("報酬額（円）")).to_have_value("13000")  # the specialist's hourly rate
    page.get_by_label("月間の時間").fill("4")  # the draft asked for none: an hourly fee states them
    due.fill("61")
    page.get_by_role("button", name="この条件で依頼する").click()
    landed(page, server_url(f"/sme/requests/{draft.pk}/select/{chosen.pk}/"))
    expect(page.locator("#id_select-payment_due_days_error")).to_contain_text("61日は遅すぎます")
    expect(page.locator(".field__error")).to_have_count(1)
    expect(due).to_have_value("61")  # kept as typed
    expect(page.get_by_label("月間の時間")).to_have_value("4")
    every_control_is_labelled(page)
    fits_the_screen(page)
    assert not Engagement.objects.exists()
    due.fill("60")
    page.get_by_role("button", name="この条件で依頼する").click()
    expect(page).to_have_url(re.compile(r"/sme/engagements/"))
    engagement = Engagement.objects.get()
    arrived(page, server_url(f"/sme/engagements/{engagement.pk}/"))
    assert (engagement.specialist_id, engagement.payment_due_days) == (chosen.specialist_id, 60)


@journey
def test_an_incident_request_is_fast_and_shows_the_appi_dates_as_they_are_typed(phone_page, server_url):
    page = phone_page
    owner = factories.UserFactory(email="inoue@sme.test", role=User.Role.SME)
    company = factories.CompanyFactory(name="株式会社井上商店", chamber=factories.ChamberFactory())
    factories.MembershipFactory(user=owner, company=company, role="owner")
    log_in(page, server_url, owner.email)

    page.get_by_role("link", name="新しい依頼").click()
    arrived(page, server_url("/sme/requests/new/"))
    page.get_by_role("link", name="いま事故が起きている: すぐに支援を頼む").click()
    arrived(page, server_url("/sme/requests/new/?kind=incident"))
    page.get_by_label("件名").fill("ランサムウェアに感染した")
    page.get_by_label("個人データが漏えいしたおそれがある").check()
    page.get_by_label("事態を知った日時").fill("2026-12-01T09:30")
    page.get_by_label("不正の目的による漏えい（攻撃・盗難など）").check()
    expect(page.locator("#appi-clocks")).to_contain_text("2026年12月6日")  # preliminary: 5 days
    expect(page.locator("#appi-clocks")).to_contain_text("2027年1月30日")  # final: 60 days, deliberate
    page.screenshots.take(page, "appi-dates-as-typed")
    page.get_by_label("予算（円）").fill("300000")
    page.get_by_role("button", name="下書きを保存する").click()
    incident = AdvisorRequest.objects.get(company=company)
    arrived(page, server_url(f"/sme/requests/{incident.pk}/"))
    expect(page.get_by_text("個人情報保護委員会への報告期限")).to_be_visible()
    page.get_by_role("button", name="依頼を公開する").click()
    arrived(page, server_url(f"/sme/requests/{incident.pk}/"))
    incident.refresh_from_db()
    assert (incident.kind, incident.status, incident.urgency) == ("incident", "open", "urgent")


@journey
def test_the_candidates_stand_side_by_side_on_a_desk(page, server_url):
    owner = factories.UserFactory(email="ueda@sme.test", role=User.Role.SME)
    company = factories.CompanyFactory(name="株式会社上田工業", chamber=factories.ChamberFactory())
    factories.MembershipFactory(user=owner, company=company, role="owner")
    request = AdvisorRequest.objects.create(
        company=company,
        created_by=owner,
        kind="advisor",
        title="セキュリティ顧問",
        budget_jpy=50_000,
        hours_per_month=4,
        start_date=company.created_at.date(),
        status="open",
    )
    proposed(request, [("山田 太郎", ""), ("佐藤 花子", "なし"), ("鈴木 一郎", "")], "accepted")
    log_in(page, server_url, owner.email)

    visit(page, server_url(f"/sme/requests/{request.pk}/compare/"))

    tops = [box["y"] for box in (c.bounding_box() for c in page.locator(".compare__candidate").all()) if box]
    assert len(tops) == 3
    assert len(set(tops)) == 1  # one row: side by side
