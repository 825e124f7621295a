"""Sign-up, JWT tokens, /me and throttling."""

from datetime import timedelta

import pytest
from rest_framework.throttling import SimpleRateThrottle
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User

STRONG = "k7#Rt-unique-Passphrase"


def register(client, language="en", **overrides):
    body = {"email": "new@example.test", "password": STRONG, "role": "sme", "name": "新規 太郎"} | overrides
    return client.post("/api/v1/auth/register/", body, format="json", HTTP_ACCEPT_LANGUAGE=language)


def test_registers_an_sme_user_who_can_then_obtain_tokens(anon, db):
    response = register(anon)

    assert response.status_code == 201
    assert response.json()["email"] == "new@example.test"
    assert response.json()["role"] == "sme"
    assert "password" not in response.json()
    user = User.objects.get(email="new@example.test")
    assert user.check_password(STRONG)

    tokens = anon.post("/api/v1/auth/token/", {"email": "new@example.test", "password": STRONG}, format="json")
    assert tokens.status_code == 200
    assert set(tokens.json()) == {"access", "refresh"}


def test_registration_lowercases_the_email(anon, db):
    register(anon, email="Mixed@Example.TEST")

    assert User.objects.filter(email="mixed@example.test").exists()


def test_passwords_are_hashed_with_argon2_in_production_settings():
    from marketplace import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"password": "123"}, "password"),
        ({"password": "password123"}, "password"),
        ({"role": "chamber_admin"}, "role"),
        ({"role": "operator"}, "role"),
        ({"name": ""}, "name"),
    ],
)
def test_registration_rejects_bad_input_with_field_errors_and_creates_no_user(anon, db, overrides, field):
    response = register(anon, **overrides)

    assert response.status_code == 400
    assert field in response.json()
    assert not User.objects.exists()


def test_duplicate_email_is_a_field_error_in_english(anon, sme_alice):
    response = register(anon, email="ALICE@sme.test", language="en")

    assert response.status_code == 400
    assert response.json() == {"email": ["A user with this email already exists."]}
    assert User.objects.filter(email="alice@sme.test").count() == 1


def test_duplicate_email_is_a_field_error_in_japanese(anon, sme_alice):
    response = register(anon, email="alice@sme.test", language="ja")

    assert response.json() == {"email": ["このメールアドレスのユーザーはすでに存在します。"]}


def test_weak_password_errors_follow_accept_language(anon, db):
    english = register(anon, password="12345678", language="en")
    japanese = register(anon, password="12345678", language="ja")

    assert "This password is too short. It must contain at least 10 characters." in english.json()["password"]
    assert any("短すぎ" in message for message in japanese.json()["password"])


def test_wrong_password_gets_no_token(anon, sme_alice):
    response = anon.post("/api/v1/auth/token/", {"email": "alice@sme.test", "password": "wrong"}, format="json")

    assert response.status_code == 401
    assert "access" not in response.json()


def test_me_shows_the_callers_role_and_companies(client_for, sme_alice, alice_company):
    response = client_for(sme_alice).get("/api/v1/me/")

    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "alice@sme.test"
    assert body["role"] == "sme"
    assert body["memberships"] == [{"company": str(alice_company.id), "role": "owner"}]


def test_me_without_a_token_is_401(anon, db):
    assert anon.get("/api/v1/me/").status_code == 401


def test_an_expired_access_token_is_401(anon, sme_alice):
    token = AccessToken.for_user(sme_alice)
    token.set_exp(lifetime=-timedelta(seconds=1))
    anon.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    response = anon.get("/api/v1/me/")

    assert response.status_code == 401


def test_access_tokens_are_short_lived(settings):
    assert settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"] <= timedelta(minutes=15)


def test_a_used_refresh_token_cannot_be_reused(anon, sme_alice):
    tokens = anon.post("/api/v1/auth/token/", {"email": "alice@sme.test", "password": "correct-horse-battery"})
    refresh = tokens.json()["refresh"]

    first = anon.post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json")
    second = anon.post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json")

    assert first.status_code == 200
    assert first.json()["refresh"] != refresh  # rotated
    assert second.status_code == 401
    rotated = anon.post("/api/v1/auth/token/refresh/", {"refresh": first.json()["refresh"]}, format="json")
    assert rotated.status_code == 200


def test_an_inactive_user_gets_no_token(anon, sme_alice):
    sme_alice.is_active = False
    sme_alice.save()

    response = anon.post("/api/v1/auth/token/", {"email": "alice@sme.test", "password": "correct-horse-battery"})

    assert response.status_code == 401


@pytest.fixture
def tight_auth_rate(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"auth": "3/min", "anon": "1000/min", "user": "1000/min"})


def test_token_endpoint_is_throttled_with_retry_after(anon, sme_alice, tight_auth_rate):
    body = {"email": "alice@sme.test", "password": "wrong"}
    statuses = [anon.post("/api/v1/auth/token/", body).status_code for _ in range(4)]

    assert statuses == [401, 401, 401, 429]
    throttled = anon.post("/api/v1/auth/token/", body)
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0


def test_registration_is_throttled(anon, db, tight_auth_rate):
    statuses = [register(anon, email=f"u{i}@example.test").status_code for i in range(4)]

    assert statuses == [201, 201, 201, 429]
    assert User.objects.count() == 3


def test_rotating_x_forwarded_for_does_not_escape_the_throttle(anon, sme_alice, tight_auth_rate):
    """With NUM_PROXIES=0 the client address is the socket's, not a header the client controls."""
    body = {"email": "alice@sme.test", "password": "wrong"}
    statuses = [
        anon.post("/api/v1/auth/token/", body, HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code for i in range(4)
    ]

    assert statuses[-1] == 429


def test_the_refresh_token_of_a_deleted_user_is_401_not_500(anon, sme_alice):
    tokens = anon.post("/api/v1/auth/token/", {"email": "alice@sme.test", "password": "correct-horse-battery"})
    refresh = tokens.json()["refresh"]
    sme_alice.delete()

    response = anon.post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json")

    assert response.status_code == 401
    assert "detail" in response.json()


def test_the_refresh_token_of_a_deactivated_user_is_401(anon, sme_alice):
    tokens = anon.post("/api/v1/auth/token/", {"email": "alice@sme.test", "password": "correct-horse-battery"})
    sme_alice.is_active = False
    sme_alice.save()

    response = anon.post("/api/v1/auth/token/refresh/", {"refresh": tokens.json()["refresh"]}, format="json")

    assert response.status_code == 401
