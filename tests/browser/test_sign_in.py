"""Signing in with the keyboard alone, and labels on every control of the sign-in page."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests import factories
from tests.browser.conftest import landed

PASSWORD = "correct-horse-battery"  # tests/factories.UserFactory


@pytest.fixture
def people(transactional_db):
    chamber = factories.ChamberFactory(name="東京商工会議所", prefecture="13")
    return {
        "chamber_admin": factories.UserFactory(
            email="carol@tokyo.test", name="千代田 かおる", role=User.Role.CHAMBER_ADMIN, chamber=chamber
        ),
        "sme": factories.UserFactory(email="alice@sme.test", name="有栖川 アリス", role=User.Role.SME),
        "specialist": factories.UserFactory(email="bob@riss.test", name="坂本 ボブ", role=User.Role.SPECIALIST),
    }


def tab_to(page, name: str, *, limit: int = 30) -> None:
    """Press Tab until the focused element's accessible name starts with `name`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement; const l = e.labels && e.labels[0];"
            " return (l ? l.textContent : e.textContent || e.value || '').trim(); }"
        )
        if focused.startswith(name):
            return
    raise AssertionError(f"Tab never reached {name!r}")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    ("role", "home"), [("sme", "/sme/"), ("specialist", "/specialist/"), ("chamber_admin", "/console/")]
)
def test_keyboard_only_sign_in_lands_on_the_persons_home(page, server_url, people, role, home):
    person = people[role]
    page.goto(server_url("/"))
    tab_to(page, "ログイン")
    page.keyboard.press("Enter")
    landed(page, server_url("/login/"))

    # The address field has focus when the page opens; Tab from it reaches the password.
    page.keyboard.type(person.email)
    tab_to(page, "パスワード")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    landed(page, server_url(home))
    expect(page.get_by_text(f"{person.name} さんでログイン中")).to_be_visible()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_refused_sign_in_is_announced_and_links_to_the_field(page, server_url, people):
    page.goto(server_url("/login/"))
    page.get_by_label("メールアドレス").fill(people["sme"].email)
    page.get_by_label("パスワード").fill("not-the-password")
    page.get_by_role("button", name="ログイン").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("メールアドレスまたはパスワードが正しくありません。")
    expect(page).to_have_url(server_url("/login/"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_control_on_the_sign_in_page_has_a_label(page, phone_page, server_url):
    for each in (page, phone_page):
        each.goto(server_url("/login/"))
        controls = each.locator("input:not([type=hidden]), select, textarea, button")
        assert controls.count() >= 3
        for index in range(controls.count()):
            control = controls.nth(index)
            name = control.evaluate("e => (e.labels && e.labels.length ? e.labels[0].textContent : e.textContent)")
            assert name is not None, control.evaluate("e => e.outerHTML")
            assert name.strip(), control.evaluate("e => e.outerHTML")
            expect(control).to_have_accessible_name(re.compile(r"\S"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sign_out_and_language_switch_from_the_header(phone_page, server_url, people):
    page = phone_page
    page.goto(server_url("/login/"))
    page.get_by_label("メールアドレス").fill(people["specialist"].email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    landed(page, server_url("/specialist/"))

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Your work")).to_be_visible()
    page.screenshots.take(page, "specialist-en")

    page.get_by_role("button", name="Sign out").click()
    landed(page, server_url("/"))
    expect(page.get_by_text("You are signed out.")).to_be_visible()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_pages_load_without_content_security_policy_violations(page, server_url):
    """Only our own scripts and styles, none inline: the browser reports nothing it refused,
    every sub-resource loads, and htmx (from django-htmx's static) runs."""
    console_errors: list[str] = []
    failed: list[str] = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    for path in ("/", "/login/", "/nowhere/"):
        page.goto(server_url(path))
        assert page.evaluate("() => typeof window.htmx") == "object"
        assert page.evaluate("() => getComputedStyle(document.body).lineHeight") != "normal"
    # The one failure is the unknown page itself (our 404 page).
    assert failed == [server_url("/nowhere/")]
    assert [e for e in console_errors if "404" not in e] == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/api/docs/", "Tcyss Talent Marketplace API"),
        ("/api/redoc/", "Tcyss Talent Marketplace API"),
        ("/admin/login/", "Django"),
    ],
    ids=["swagger", "redoc", "admin"],
)
def test_api_docs_and_admin_run_under_the_content_security_policy(page, server_url, path, shown):
    refused: list[str] = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.goto(server_url(path))
    # The documentation renders the schema in the browser: it ran, so its scripts were allowed.
    expect(page.get_by_text(shown).first).to_be_visible(timeout=30_000)
    page.screenshots.take(page, "rendered", full_page=False)  # ReDoc's full page is too long to save
    # ReDoc's page links Google Fonts and a logo on its CDN: refused on purpose (no third-party
    # requests from our pages; it falls back to the system fonts). Nothing of ours is refused.
    third_party = re.compile(r"'https://(?!localhost|127\.0\.0\.1)")
    assert [text for text in refused if not third_party.search(text)] == []
