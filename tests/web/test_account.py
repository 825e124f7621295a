"""Sign in, sign out, the language switch, the error pages and the headers every page carries."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import User

PASSWORD = "correct-horse-battery"  # tests/factories.UserFactory


@pytest.mark.parametrize(
    ("persona", "home"),
    [("admin_carol", "/console/"), ("sme_alice", "/sme/"), ("specialist_bob", "/specialist/")],
)
def test_sign_in_lands_on_the_persons_home(client, request, persona, home):
    user = request.getfixturevalue(persona)

    response = client.post("/login/", {"username": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == home
    assert client.get(home).status_code == 200


def test_sign_in_ignores_the_case_of_the_address(client, sme_alice):
    response = client.post("/login/", {"username": "Alice@SME.test", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/sme/"


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ja", "メールアドレスまたはパスワードが正しくありません。"),
        ("en", "The email address or password is not correct."),
    ],
)
def test_refused_sign_in_says_so_in_the_persons_language(client, sme_alice, language, message):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = client.post("/login/", {"username": sme_alice.email, "password": "wrong-password"})

    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert f'<html lang="{language}">' in body
    assert 'class="error-summary"' in body
    assert "_auth_user_id" not in client.session


def test_a_deactivated_person_gets_the_same_refusal(client, sme_alice, english):
    User.objects.filter(pk=sme_alice.pk).update(is_active=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post("/login/", {"username": sme_alice.email, "password": PASSWORD})

    assert response.status_code == 200
    assert "The email address or password is not correct." in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        ("/sme/?tab=open", "/sme/?tab=open"),
        ("https://evil.example/steal", "/sme/"),
        ("//evil.example/steal", "/sme/"),
        ("/\\evil.example", "/sme/"),
        ("http://testserver/sme/", "/sme/"),  # our host, but only paths are followed
        ("javascript:alert(1)", "/sme/"),
    ],
)
def test_next_is_followed_only_to_our_own_paths(client, sme_alice, next_url, lands_on):
    response = client.post("/login/", {"username": sme_alice.email, "password": PASSWORD, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == lands_on


def test_sign_in_page_carries_next_into_its_form(client):
    response = client.get("/login/?next=/sme/")
    assert 'name="next" value="/sme/"' in response.content.decode()


def test_sign_in_switches_pages_to_the_persons_language(client, sme_alice):
    User.objects.filter(pk=sme_alice.pk).update(language="en")

    response = client.post("/login/", {"username": sme_alice.email, "password": PASSWORD})

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in client.get("/sme/").content.decode()


def test_signed_in_people_are_sent_from_the_landing_and_sign_in_pages_to_their_home(client, admin_carol):
    client.force_login(admin_carol)
    assert client.get("/")["Location"] == "/console/"
    assert client.get("/login/")["Location"] == "/console/"


def test_landing_page_says_what_the_service_is(client):
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ja">' in body
    assert 'href="/login/"' in body


def test_sign_out_is_a_post_and_ends_the_session(client, sme_alice):
    client.force_login(sme_alice)

    assert client.get("/logout/").status_code == 405
    assert "_auth_user_id" in client.session

    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session
    assert client.get("/sme/")["Location"] == "/login/?next=/sme/"


def test_header_names_who_is_signed_in_with_their_home_and_sign_out(client, specialist_bob):
    client.force_login(specialist_bob)
    body = client.get("/specialist/").content.decode()
    assert specialist_bob.name in body
    assert 'href="/specialist/"' in body
    assert f'action="{reverse("web:logout")}"' in body


def test_language_switch_sets_the_cookie_and_the_persons_language(client, sme_alice):
    client.force_login(sme_alice)

    response = client.post("/language/", {"language": "en", "next": "/sme/"})

    assert response.status_code == 302
    assert response["Location"] == "/sme/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    sme_alice.refresh_from_db()
    assert sme_alice.language == "en"


def test_language_switch_works_signed_out_and_ignores_unknown_languages(client, sme_alice):
    response = client.post("/language/", {"language": "en", "next": "/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    client.force_login(sme_alice)
    client.post("/language/", {"language": "fr", "next": "/"})
    sme_alice.refresh_from_db()
    assert sme_alice.language == "ja"


def test_pages_send_the_content_security_policy(client):
    policy = client.get("/login/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
    }


def test_pages_have_no_inline_script_or_style(client, sme_alice):
    client.force_login(sme_alice)
    for path in ("/sme/", "/nowhere/"):
        body = client.get(path).content.decode()
        assert "<style" not in body
        assert " style=" not in body
        for chunk in body.split("<script")[1:]:
            assert chunk.lstrip().startswith("src="), chunk[:80]


def test_signed_in_pages_are_not_stored(client, sme_alice):
    client.force_login(sme_alice)
    assert "no-store" in client.get("/sme/")["Cache-Control"]


def test_unknown_page_is_our_404_and_the_api_keeps_json(client):
    page = client.get("/nowhere/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")
    assert "ページが見つかりません" in page.content.decode()

    api = client.get("/api/v1/nowhere/")
    assert api.status_code == 404
    assert api["Content-Type"] == "application/json"


def test_500_page_renders_without_a_request_or_the_database():
    """As Django's server_error renders it: no request; no db fixture, so a query would raise."""
    from django.template import loader

    body = loader.get_template("500.html").render()

    assert "問題が発生しました" in body or "Something went wrong" in body
    assert "csrfmiddlewaretoken" not in body


def test_403_and_csrf_failure_pages_share_the_look(client, sme_alice):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/login/", {"username": sme_alice.email, "password": PASSWORD})
    assert response.status_code == 403
    assert 'href="/static/web/site.css"' in response.content.decode()


def test_sign_in_attempts_are_limited_like_the_apis(client, sme_alice, settings, english):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "auth": "3/min"},
    }
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for _ in range(3):
        assert client.post("/login/", {"username": sme_alice.email, "password": "wrong"}).status_code == 200

    refused = client.post("/login/", {"username": sme_alice.email, "password": PASSWORD})

    assert refused.status_code == 429
    assert "Too many sign-in attempts. Wait a minute and try again." in refused.content.decode()
    assert f'value="{sme_alice.email}"' in refused.content.decode()
    assert "_auth_user_id" not in client.session
