"""The account lifecycle through the API: confirmation, reset, password change, invitations,
deactivation, and sign-in messages in Japanese."""

import re

import pytest
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import CompanyMembership, Invitation, User
from notifications.models import Notification
from tests import factories
from tests.matching_fixtures import make_request

STRONG = "k7#Rt-unique-Passphrase"
SITE = "http://127.0.0.1:8000"


def link_of(kind, email):
    body = Notification.objects.filter(kind=kind, email=email).latest("created_at").body
    found = re.search(r"https?://\S+", body)
    assert found is not None, body
    return found.group(0)


def sign_in(client, email, password):
    return client.post("/api/v1/auth/token/", {"email": email, "password": password}, format="json")


# --- sign-in messages ---------------------------------------------------------------------


def test_a_refused_sign_in_is_japanese_by_default_and_english_on_request(anon, sme_alice):
    japanese = sign_in(anon, "alice@sme.test", "wrong")
    english = anon.post(
        "/api/v1/auth/token/",
        {"email": "alice@sme.test", "password": "wrong"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert japanese.status_code == english.status_code == 401
    assert japanese.json()["detail"] == "メールアドレスまたはパスワードが正しくないか、アカウントが有効ではありません。"
    assert english.json()["detail"] == "No active account found with the given credentials"


def test_the_throttle_message_is_wholly_japanese(anon, sme_alice, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"auth": "1/min", "anon": "1000/min", "user": "1000/min"})
    sign_in(anon, "alice@sme.test", "wrong")

    throttled = sign_in(anon, "alice@sme.test", "wrong")

    assert throttled.status_code == 429
    wait = int(throttled["Retry-After"])
    assert throttled.json() == {"detail": f"リクエストが多すぎます。{wait} 秒後にもう一度お試しください。"}
    assert not re.search(r"[A-Za-z]", throttled.json()["detail"])


# --- confirmation -------------------------------------------------------------------------


def test_sign_up_confirm_by_link_then_publish(anon, client_for, db, alice_company):
    registered = anon.post(
        "/api/v1/auth/register/",
        {"email": "owner2@example.test", "password": STRONG, "role": "sme", "name": "新 オーナー"},
        format="json",
    )
    assert registered.status_code == 201
    owner = User.objects.get(email="owner2@example.test")
    factories.MembershipFactory(user=owner, company=alice_company, role="owner")
    draft = make_request(alice_company, owner, status="draft")
    client = client_for(owner)

    refused = client.post(f"/api/v1/requests/{draft.id}/publish/")
    assert refused.status_code == 409
    assert "メールアドレスを確認してください" in refused.json()["detail"]
    draft.refresh_from_db()
    assert draft.status == "draft"

    resent = client.post("/api/v1/auth/confirm-email/resend/")
    assert resent.status_code == 202
    link = link_of("email_confirmation", "owner2@example.test")
    assert link.startswith(f"{SITE}/confirm/")
    token = link.removeprefix(f"{SITE}/confirm/").rstrip("/")
    confirmed = anon.post("/api/v1/auth/confirm-email/", {"token": token}, format="json")
    again = anon.post("/api/v1/auth/confirm-email/", {"token": token}, format="json")

    assert confirmed.status_code == 200
    assert again.status_code == 400
    assert client.post(f"/api/v1/requests/{draft.id}/publish/").status_code == 200
    assert client.post("/api/v1/auth/confirm-email/resend/").status_code == 409


# --- password reset -----------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_reset_answers_the_same_for_a_known_and_an_unknown_address(anon, sme_alice, language):
    known = anon.post(
        "/api/v1/auth/password-reset/", {"email": "alice@sme.test"}, format="json", HTTP_ACCEPT_LANGUAGE=language
    )
    unknown = anon.post(
        "/api/v1/auth/password-reset/", {"email": "nobody@sme.test"}, format="json", HTTP_ACCEPT_LANGUAGE=language
    )

    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content
    assert list(Notification.objects.values_list("email", "kind")) == [("alice@sme.test", "password_reset")]


def test_after_a_reset_the_old_password_and_the_old_refresh_token_are_refused(anon, sme_alice):
    old_refresh = sign_in(anon, "alice@sme.test", "correct-horse-battery").json()["refresh"]
    anon.post("/api/v1/auth/password-reset/", {"email": "alice@sme.test"}, format="json")
    uid, token = (
        link_of("password_reset", "alice@sme.test").removeprefix(f"{SITE}/password-reset/").strip("/").split("/")
    )

    reset = anon.post(
        "/api/v1/auth/password-reset/confirm/", {"uid": uid, "token": token, "password": STRONG}, format="json"
    )
    reused = anon.post(
        "/api/v1/auth/password-reset/confirm/",
        {"uid": uid, "token": token, "password": "another-Strong-pass-9"},
        format="json",
    )

    assert reset.status_code == 200
    assert reused.status_code == 400
    assert set(reused.json()) == {"token"}
    assert anon.post("/api/v1/auth/token/refresh/", {"refresh": old_refresh}, format="json").status_code == 401
    assert sign_in(anon, "alice@sme.test", "correct-horse-battery").status_code == 401
    assert sign_in(anon, "alice@sme.test", STRONG).status_code == 200


def test_changing_the_password_needs_the_current_one(anon, client_for, sme_alice):
    client = client_for(sme_alice)
    old_refresh = sign_in(anon, "alice@sme.test", "correct-horse-battery").json()["refresh"]

    wrong = client.post("/api/v1/auth/password/", {"current_password": "x", "new_password": STRONG}, format="json")
    weak = client.post(
        "/api/v1/auth/password/", {"current_password": "correct-horse-battery", "new_password": "1234"}, format="json"
    )
    changed = client.post(
        "/api/v1/auth/password/", {"current_password": "correct-horse-battery", "new_password": STRONG}, format="json"
    )

    assert (wrong.status_code, set(wrong.json())) == (400, {"current_password"})
    assert (weak.status_code, set(weak.json())) == (400, {"new_password"})
    assert changed.status_code == 200
    assert anon.post("/api/v1/auth/token/refresh/", {"refresh": old_refresh}, format="json").status_code == 401
    assert sign_in(anon, "alice@sme.test", STRONG).status_code == 200


# --- invitations --------------------------------------------------------------------------


def test_an_owner_invites_a_colleague_who_accepts_and_signs_in(anon, client_for, sme_alice, alice_company):
    owner = client_for(sme_alice)
    created = owner.post(
        "/api/v1/invitations/",
        {"email": "new@example.test", "role": "sme", "company": str(alice_company.id), "company_role": "member"},
        format="json",
    )
    assert created.status_code == 201
    assert (created.json()["status"], created.json()["company"]) == ("pending", str(alice_company.id))
    assert "token" not in created.json()
    assert "token_hash" not in created.json()
    listed = owner.get("/api/v1/invitations/").json()["results"]
    assert [item["email"] for item in listed] == ["new@example.test"]
    resent = owner.post(f"/api/v1/invitations/{created.json()['id']}/resend/")
    assert resent.status_code == 200
    token = link_of("invitation", "new@example.test").removeprefix(f"{SITE}/invite/").rstrip("/")

    accepted = anon.post(
        "/api/v1/invitations/accept/", {"token": token, "password": STRONG, "name": "新人 花子"}, format="json"
    )
    again = anon.post("/api/v1/invitations/accept/", {"token": token, "password": STRONG}, format="json")

    assert accepted.status_code == 200
    assert accepted.json()["memberships"] == [{"company": str(alice_company.id), "role": "member"}]
    assert again.status_code == 409
    assert sign_in(anon, "new@example.test", STRONG).status_code == 200
    assert owner.post(f"/api/v1/invitations/{created.json()['id']}/revoke/").status_code == 409


def test_an_invitation_to_another_companys_id_is_refused_without_a_trace(client_for, sme_erin, alice_company):
    response = client_for(sme_erin).post(
        "/api/v1/invitations/",
        {"email": "x@example.test", "role": "sme", "company": str(alice_company.id), "company_role": "member"},
        format="json",
    )

    assert response.status_code == 400
    assert not Invitation.objects.exists()
    assert not User.objects.filter(email="x@example.test").exists()
    assert not Notification.objects.exists()


def test_the_labour_attorney_endpoint_invites_and_the_membership_starts_on_acceptance(
    anon, client_for, sme_alice, alice_company
):
    invited = client_for(sme_alice).post(
        f"/api/v1/companies/{alice_company.id}/labour-attorneys/", {"email": "sharoushi@example.test"}, format="json"
    )

    assert invited.status_code == 201
    assert invited.json() == {"company": str(alice_company.id), "role": "labour_attorney"}
    assert not CompanyMembership.objects.filter(user__email="sharoushi@example.test").exists()
    token = link_of("invitation", "sharoushi@example.test").removeprefix(f"{SITE}/invite/").rstrip("/")
    assert (
        anon.post("/api/v1/invitations/accept/", {"token": token, "password": STRONG}, format="json").status_code == 200
    )
    assert CompanyMembership.objects.get(user__email="sharoushi@example.test").role == "labour_attorney"


def test_an_imported_specialist_accepts_the_import_invitation(anon, db, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "specialists.csv"
    path.write_text("email,display_name\nhanako@example.test,山田 花子\n", encoding="utf-8")
    call_command("import_specialists", str(path))
    token = link_of("invitation", "hanako@example.test").removeprefix(f"{SITE}/invite/").rstrip("/")

    accepted = anon.post("/api/v1/invitations/accept/", {"token": token, "password": STRONG}, format="json")

    assert accepted.status_code == 200
    assert accepted.json()["role"] == "specialist"
    assert sign_in(anon, "hanako@example.test", STRONG).status_code == 200


# --- deactivation -------------------------------------------------------------------------


def test_a_deactivated_specialist_cannot_sign_in_and_their_tokens_die(anon, client_for, admin_carol, specialist_bob):
    refresh = sign_in(anon, "bob@riss.test", "correct-horse-battery").json()["refresh"]
    bob = client_for(specialist_bob)

    refused = client_for(admin_carol).post(f"/api/v1/users/{specialist_bob.id}/deactivate/", {}, format="json")
    done = client_for(admin_carol).post(
        f"/api/v1/users/{specialist_bob.id}/deactivate/", {"note": "本人の申し出"}, format="json"
    )

    assert refused.status_code == 400
    assert done.status_code == 200
    assert (done.json()["is_active"], done.json()["email"]) == (False, "bob@riss.test")
    assert sign_in(anon, "bob@riss.test", "correct-horse-battery").status_code == 401
    assert anon.post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json").status_code == 401
    assert bob.get("/api/v1/me/").status_code == 401
