"""The account's life in Chromium, with the mails read from a real SMTP server: an imported
specialist's invitation, a password reset, an SME's sign-up and the confirmation of its address.
Every control of every page visited has a label; the SME's and specialist's pages are walked on a
phone.

These tests flush the database after themselves (a live server needs committed rows), so they
keep the data migrations' rows (the skills) with a serialized rollback."""

import datetime
import io
import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Invitation, User
from talent.importer import import_specialists
from tests import factories
from tests.browser.conftest import first_link, landed
from tests.matching_fixtures import make_request

PASSWORD = "correct-horse-battery"  # tests/factories.UserFactory
STRONG = "k7#Rt-unique-Passphrase"
CSV = (
    "email,display_name,prefecture,request_kinds\n"
    "hanako@example.test,山田 花子,13,advisor\n"
    "jiro@example.test,佐藤 次郎,27,spot\n"
)
journey = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def local(server_url, link: str) -> str:
    """A mailed link (SITE_URL + path) on the live server."""
    parts = urlsplit(link)
    return server_url(parts.path + (f"?{parts.query}" if parts.query else ""))


def every_control_is_labelled(page) -> None:
    # A control folded away in <details> has no accessible name while hidden: unfold them first.
    page.evaluate("() => document.querySelectorAll('main details').forEach(d => { d.open = true; })")
    controls = page.locator("main input:not([type=hidden]), main select, main textarea, main button")
    for index in range(controls.count()):
        expect(controls.nth(index)).to_have_accessible_name(re.compile(r"\S"))


def fits_the_screen(page) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


def visit(page, url: str) -> None:
    page.goto(url)
    every_control_is_labelled(page)
    fits_the_screen(page)


def arrived(page, url: str) -> None:
    landed(page, url)
    every_control_is_labelled(page)
    fits_the_screen(page)


def log_in(page, server_url, email: str, password: str) -> None:
    visit(page, server_url("/login/"))
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()


# --- (1) an imported specialist's invitation ------------------------------------------------------


@journey
def test_an_imported_specialist_accepts_the_invitation_once_and_an_expired_one_says_who_to_ask(
    phone_page, server_url, mailbox
):
    page = phone_page
    admin = factories.UserFactory(
        email="carol@tokyo.test",
        name="千代田 かおる",
        role=User.Role.CHAMBER_ADMIN,
        chamber=factories.ChamberFactory(name="東京商工会議所", prefecture="13"),
    )
    report = import_specialists(io.StringIO(CSV), invited_by=admin)
    assert (report.created, report.errors) == (2, [])

    mail = mailbox.wait_for("hanako@example.test")
    assert "招待" in str(mail["Subject"])
    invitation = local(server_url, first_link(mail))
    assert urlsplit(invitation).path.startswith("/invite/")

    visit(page, invitation)
    expect(page.get_by_text("Tcyss のセキュリティ人材バンクに専門家として招待されています。")).to_be_visible()
    page.get_by_label("お名前").fill("山田 花子")
    page.get_by_label("パスワード").fill(STRONG)
    page.get_by_role("button", name="承諾してログイン").click()
    arrived(page, server_url("/specialist/"))
    expect(page.get_by_text("Tcyss へようこそ。アカウントの準備ができました。")).to_be_visible()
    expect(page.get_by_text("山田 花子 さんでログイン中")).to_be_visible()

    page.get_by_role("button", name="ログアウト").click()
    landed(page, server_url("/"))
    visit(page, invitation)
    expect(page.get_by_role("alert")).to_contain_text(
        "この招待は承諾済みです。ログインするか、パスワードを再設定してください。"
    )
    expect(page.get_by_label("パスワード")).to_have_count(0)

    # Jiro's invitation ran out before he opened it.
    Invitation.objects.filter(email="jiro@example.test").update(expires_at=timezone.now() - datetime.timedelta(hours=1))
    expired = local(server_url, first_link(mailbox.wait_for("jiro@example.test")))
    visit(page, expired)
    expect(page.get_by_role("alert")).to_contain_text("この招待は期限切れです（有効期限は7日間）。")
    expect(page.get_by_role("heading", name="新しい招待の依頼先")).to_be_visible()
    expect(page.get_by_text("この招待は 千代田 かおる さんから送られました。")).to_be_visible()
    expect(page.get_by_role("link", name="carol@tokyo.test にメールする")).to_have_attribute(
        "href", "mailto:carol@tokyo.test"
    )
    assert not User.objects.get(email="jiro@example.test").has_usable_password()


# --- (2) password reset ----------------------------------------------------------------------


def ask_for_a_reset(page, server_url, email: str) -> tuple[int, str]:
    """The reset form's answer for `email`: the POST's status and the page it lands on."""
    visit(page, server_url("/password-reset/"))
    page.get_by_label("メールアドレス").fill(email)
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name="リンクを送る").click()
    arrived(page, server_url("/password-reset/sent/"))
    return posted.value.status, page.locator("main").inner_html()


@journey
def test_a_password_reset_works_once_and_the_old_password_and_refresh_token_are_refused(page, server_url, mailbox):
    factories.UserFactory(email="alice@sme.test", name="有栖川 アリス", role=User.Role.SME)
    api = page.request
    old_refresh = api.post(
        server_url("/api/v1/auth/token/"), data={"email": "alice@sme.test", "password": PASSWORD}
    ).json()["refresh"]

    # The same answer for an address with an account and one without: on the page and in the API.
    known = ask_for_a_reset(page, server_url, "alice@sme.test")
    unknown = ask_for_a_reset(page, server_url, "nobody@sme.test")
    assert known == unknown
    assert known[0] == 302
    api_known = api.post(server_url("/api/v1/auth/password-reset/"), data={"email": "alice@sme.test"})
    api_unknown = api.post(server_url("/api/v1/auth/password-reset/"), data={"email": "nobody@sme.test"})
    assert (api_known.status, api_known.body()) == (api_unknown.status, api_unknown.body())
    assert api_known.status == 202
    assert mailbox.to("nobody@sme.test") == []

    link = local(server_url, first_link(mailbox.wait_for("alice@sme.test")))
    visit(page, link)
    page.get_by_label("新しいパスワード").fill(STRONG)
    page.get_by_role("button", name="新しいパスワードを保存する").click()
    arrived(page, server_url("/login/"))
    expect(page.get_by_text("パスワードを変更しました。新しいパスワードでログインしてください。")).to_be_visible()

    log_in(page, server_url, "alice@sme.test", PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("メールアドレスまたはパスワードが正しくありません。")
    refreshed = api.post(server_url("/api/v1/auth/token/refresh/"), data={"refresh": old_refresh})
    assert refreshed.status == 401

    visit(page, link)
    expect(page.get_by_role("alert")).to_contain_text("このパスワード再設定リンクは使えません")
    expect(page.get_by_label("新しいパスワード")).to_have_count(0)

    log_in(page, server_url, "alice@sme.test", STRONG)
    arrived(page, server_url("/sme/"))


# --- (4) an SME's sign-up and the confirmation of its address ---------------------------------


@journey
def test_an_unconfirmed_sme_cannot_publish_until_the_mailed_link_is_opened(phone_page, server_url, mailbox):
    page = phone_page
    visit(page, server_url("/signup/"))
    page.get_by_label("セキュリティの専門家を探している企業（中小企業）").check()
    page.get_by_label("お名前").fill("新井 オーナー")
    page.get_by_label("メールアドレス").fill("owner@sme.test")
    page.get_by_label("パスワード").fill(STRONG)
    page.get_by_role("button", name="アカウントを作成する").click()
    arrived(page, server_url("/confirm/sent/"))
    expect(page.get_by_text("owner@sme.test にリンクをお送りしました。", exact=False)).to_be_visible()

    owner = User.objects.get(email="owner@sme.test")
    company = factories.CompanyFactory(name="株式会社新井製作所", chamber=factories.ChamberFactory())
    factories.MembershipFactory(user=owner, company=company, role="owner")
    draft = make_request(company, owner, status="draft")
    api = page.request
    access = api.post(server_url("/api/v1/auth/token/"), data={"email": "owner@sme.test", "password": STRONG}).json()[
        "access"
    ]
    bearer = {"Authorization": f"Bearer {access}"}

    refused = api.post(server_url(f"/api/v1/requests/{draft.pk}/publish/"), headers=bearer)
    assert refused.status == 409
    assert "メールアドレスを確認してください" in refused.json()["detail"]
    draft.refresh_from_db()
    assert draft.status == "draft"

    page.get_by_role("button", name="リンクを再送する").click()
    arrived(page, server_url("/confirm/sent/"))
    expect(page.get_by_text("新しい確認リンクをメールでお送りしました。")).to_be_visible()

    link = local(server_url, first_link(mailbox.wait_for("owner@sme.test", count=2)))
    visit(page, link)
    expect(page).to_have_url(server_url("/sme/"))
    expect(page.get_by_text("メールアドレスを確認しました。")).to_be_visible()

    published = api.post(server_url(f"/api/v1/requests/{draft.pk}/publish/"), headers=bearer)
    assert published.status == 200, published.text()
    visit(page, link)
    expect(page.get_by_text("メールアドレスを確認しました。")).to_be_visible()  # used: said so, kindly


# --- (3) the other account pages: a label on every control, and each one looked at ----------------


@journey
def test_settings_and_people_pages_on_a_phone(phone_page, server_url, mailbox):
    page = phone_page
    alice = factories.UserFactory(email="alice@sme.test", name="有栖川 アリス", role=User.Role.SME)
    company = factories.CompanyFactory(name="株式会社アリス製作所", chamber=factories.ChamberFactory())
    factories.MembershipFactory(user=alice, company=company, role="owner")
    colleague = factories.UserFactory(email="ken@sme.test", name="同僚 ケン", role=User.Role.SME)
    factories.MembershipFactory(user=colleague, company=company, role="member")
    log_in(page, server_url, alice.email, PASSWORD)
    arrived(page, server_url("/sme/"))

    visit(page, server_url("/settings/"))
    page.get_by_role("textbox", name="お名前").fill("有栖川 アリス（代表）")
    page.get_by_role("button", name="保存する", exact=True).click()
    arrived(page, server_url("/settings/"))
    expect(page.get_by_text("有栖川 アリス（代表） さんでログイン中")).to_be_visible()
    page.get_by_label("現在のパスワード").fill("wrong-password")
    page.get_by_label("新しいパスワード").fill(STRONG)
    page.get_by_role("button", name="パスワードを変更する").click()
    expect(page.get_by_role("alert")).to_contain_text("現在のパスワードが正しくありません。")
    page.screenshots.take(page, "settings-refused")

    visit(page, server_url("/sme/members/"))
    expect(page.get_by_text("同僚 ケン", exact=True)).to_be_visible()
    page.get_by_label("招待する方のメールアドレス").fill("sam@sharoushi.test")
    page.get_by_label("社労士：会社の助成金の申請だけを担当します").check()
    page.get_by_role("button", name="招待を送る").click()
    arrived(page, server_url("/sme/members/"))
    expect(page.get_by_text("sam@sharoushi.test に招待を送りました。")).to_be_visible()
    assert "sam@sharoushi.test" in str(mailbox.wait_for("sam@sharoushi.test")["To"])

    # Deactivating is folded away under its own summary (unfolded by the label check above).
    expect(page.get_by_text("同僚 ケン さんのアカウントを利用停止する")).to_be_visible()
    page.get_by_label("理由").fill("退職のため")
    page.get_by_role("button", name="アカウントを利用停止する").click()
    arrived(page, server_url("/sme/members/"))
    expect(page.get_by_text("同僚 ケン さんはログインできなくなりました。")).to_be_visible()
    colleague.refresh_from_db()
    assert not colleague.is_active


@journey
def test_the_console_invites_and_deactivates_on_a_desk(page, server_url, mailbox):
    chamber = factories.ChamberFactory(name="東京商工会議所", prefecture="13")
    admin = factories.UserFactory(email="carol@tokyo.test", name="千代田 かおる", role="chamber_admin", chamber=chamber)
    log_in(page, server_url, admin.email, PASSWORD)
    arrived(page, server_url("/console/"))

    visit(page, server_url("/console/specialists/"))
    page.get_by_label("専門家のメールアドレス").fill("new@riss.test")
    page.get_by_role("button", name="専門家を招待する").click()
    arrived(page, server_url("/console/specialists/"))
    expect(page.get_by_text("new@riss.test に招待を送りました。")).to_be_visible()
    mailbox.wait_for("new@riss.test")

    page.get_by_label("同僚のメールアドレス").fill("dan@tokyo.test")
    page.get_by_role("button", name="管理者を招待する").click()
    arrived(page, server_url("/console/specialists/"))
    mailbox.wait_for("dan@tokyo.test")

    row = page.get_by_role("row").filter(has_text="new@riss.test")
    row.get_by_role("button", name="取り消す").click()
    arrived(page, server_url("/console/specialists/"))
    expect(page.get_by_text("new@riss.test への招待を取り消しました。")).to_be_visible()
    assert Invitation.objects.get(email="new@riss.test").revoked_at is not None
