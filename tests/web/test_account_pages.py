"""The account pages: sign-up and the confirmation of the address, password reset, accepting an
invitation, settings, the SME's people and the console's invitations. Each action changes the
state and says so; a refused one shows the service's message, keeps what was typed, changes
nothing and mails nobody. Pages are read in English (the language cookie) so messages compare
exactly; the Japanese is checked in test_pages_japanese.py and in the browser journeys."""

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import tokens
from accounts.models import CompanyMembership, Invitation, User
from notifications.models import Notification
from tests import factories
from tests.web.test_page_actions import done, post, refused, shown, signed_in

PASSWORD = "correct-horse-battery"  # tests/factories.UserFactory
STRONG = "k7#Rt-unique-Passphrase"
SITE = str(settings.SITE_URL).rstrip("/")


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def link_of(kind, email):
    body = Notification.objects.filter(kind=kind, email=email).latest("created_at").body
    found = re.search(r"https?://\S+", body)
    assert found is not None, body
    return found.group(0).removeprefix(SITE)


def mails():
    return Notification.objects.count()


# --- sign-up and confirmation --------------------------------------------------------------


SIGN_UP = {"role": "sme", "name": "新 オーナー", "email": "Owner2@Example.test", "password": STRONG}


def test_sign_up_signs_in_and_mails_the_confirmation_link(client, db):
    response = english(client).post(reverse("web:signup"), SIGN_UP)

    assert response.status_code == 302
    assert response["Location"] == "/confirm/sent/"
    user = User.objects.get(email="owner2@example.test")
    assert (user.role, user.name, user.is_email_confirmed, user.language) == ("sme", "新 オーナー", False, "en")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert link_of("email_confirmation", "owner2@example.test").startswith("/confirm/")
    assert "We sent a link to <strong>owner2@example.test</strong>." in shown(client, "/confirm/sent/")


def test_sign_up_with_a_taken_address_is_refused_beside_the_field_and_keeps_what_was_typed(client, sme_alice):
    before = (User.objects.count(), mails())

    response = english(client).post(reverse("web:signup"), {**SIGN_UP, "email": "alice@sme.test"})

    refused(response, 'id="id_email_error">A user with this email already exists.</p>')
    body = response.content.decode()
    assert 'value="新 オーナー"' in body
    assert 'value="alice@sme.test"' in body
    assert STRONG not in body  # a password is never shown again
    assert (User.objects.count(), mails()) == before
    assert "_auth_user_id" not in client.session


def test_sign_up_with_a_weak_password_says_why_beside_it(client, db):
    response = english(client).post(reverse("web:signup"), {**SIGN_UP, "password": "12345678"})

    refused(response, 'id="id_password_error">')
    assert "This password is too short." in response.content.decode()
    assert not User.objects.filter(email="owner2@example.test").exists()
    assert mails() == 0


def test_the_confirmation_link_works_once_and_lands_on_the_home(client, db):
    english(client).post(reverse("web:signup"), SIGN_UP)
    link = link_of("email_confirmation", "owner2@example.test")

    confirmed = client.get(link)
    home = client.get("/", follow=True)
    again = client.get(link)

    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/"
    assert home.redirect_chain == [("/sme/", 302)]
    assert "Your email address is confirmed." in home.content.decode()
    assert User.objects.get(email="owner2@example.test").is_email_confirmed
    assert again.status_code == 200
    assert "Your email address is confirmed." in again.content.decode()  # said so, for the signed-in person


def test_a_used_link_offers_a_new_one_to_a_signed_in_person_still_unconfirmed(client, db, monkeypatch):
    english(client).post(reverse("web:signup"), SIGN_UP)
    before = mails()
    # A link's token changes by the second: the new one is made a little later than the first.
    later = datetime.datetime.now() + datetime.timedelta(seconds=5)  # noqa: DTZ005 (Django's token clock is naive)
    monkeypatch.setattr(tokens.confirmation_token_generator, "_now", lambda: later)

    response = client.get(reverse("web:confirm_email", kwargs={"token": "Mg.12-abc"}))

    body = response.content.decode()
    assert "This confirmation link is not valid: it was used already or has expired." in body
    assert 'action="/confirm/sent/"' in body
    assert mails() == before
    resent = post(client, "/confirm/sent/", "resend")
    done(resent, "/confirm/sent/", "")
    assert mails() == before + 1
    assert "We sent a new confirmation link to your address." in shown(client, "/confirm/sent/")


def test_an_anonymous_visitor_with_a_used_link_is_asked_to_log_in_for_a_new_one(client, db):
    response = english(client).get(reverse("web:confirm_email", kwargs={"token": "Mg.12-abc"}))

    assert response.status_code == 200
    assert 'href="/login/?next=/confirm/sent/"' in response.content.decode()


def test_resending_to_a_confirmed_address_is_refused_and_mails_nobody(client, sme_alice):
    response = post(signed_in(client, sme_alice), "/confirm/sent/", "resend")

    refused(response, "Your email address is already confirmed.")
    assert mails() == 0


# --- password reset ------------------------------------------------------------------------


def ask_reset(client, email):
    return english(client).post(reverse("web:password_reset"), {"email": email})


def test_a_reset_answers_the_same_for_a_known_and_an_unknown_address(client, sme_alice):
    known = ask_reset(client, "alice@sme.test")
    unknown = ask_reset(Client(), "nobody@sme.test")

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known["Location"] == "/password-reset/sent/"
    assert known.content == unknown.content
    assert list(Notification.objects.values_list("email", "kind")) == [("alice@sme.test", "password_reset")]


def test_a_reset_link_sets_a_new_password_once_and_ends_other_sessions(client, sme_alice):
    elsewhere = Client()
    elsewhere.force_login(sme_alice)
    ask_reset(client, "alice@sme.test")
    link = link_of("password_reset", "alice@sme.test")

    assert 'name="password"' in shown(client, link)
    response = client.post(link, {"password": STRONG})

    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert "Your password was changed. Sign in with the new one." in shown(client, "/login/")
    sme_alice.refresh_from_db()
    assert sme_alice.check_password(STRONG)
    assert elsewhere.get("/sme/").status_code == 302  # signed out there
    assert client.post("/login/", {"username": "alice@sme.test", "password": PASSWORD}).status_code == 200
    assert "This password reset link is not valid" in shown(client, link)


def test_a_weak_new_password_is_refused_and_the_old_one_stays(client, sme_alice):
    ask_reset(client, "alice@sme.test")
    link = link_of("password_reset", "alice@sme.test")

    response = client.post(link, {"password": "password"})

    refused(response, "This password is too common.")
    sme_alice.refresh_from_db()
    assert sme_alice.check_password(PASSWORD)


def test_an_expired_reset_link_is_refused(client, sme_alice, settings):
    ask_reset(client, "alice@sme.test")
    link = link_of("password_reset", "alice@sme.test")
    settings.PASSWORD_RESET_TIMEOUT = -1

    response = client.post(link, {"password": STRONG})

    assert response.status_code == 200
    assert "This password reset link is not valid" in response.content.decode()
    sme_alice.refresh_from_db()
    assert sme_alice.check_password(PASSWORD)


# --- invitations ---------------------------------------------------------------------------


def invite_specialist(client, admin, email="new@riss.test"):
    url = reverse("console:specialists")
    done(post(signed_in(client, admin), url, "invite_specialist", email=email), url, "")
    client.logout()
    return link_of("invitation", email)


def test_an_invited_specialist_sets_a_password_and_lands_on_their_home(client, admin_carol):
    link = invite_specialist(client, admin_carol)
    english(client)

    assert "You are invited to the security talent bank of Tcyss as a specialist." in shown(client, link)
    response = client.post(link, {"name": "新人 専門家", "password": STRONG})

    assert response.status_code == 302
    assert response["Location"] == "/specialist/"
    user = User.objects.get(email="new@riss.test")
    assert (user.is_active, user.is_email_confirmed, user.name) == (True, True, "新人 専門家")
    assert client.session["_auth_user_id"] == str(user.pk)
    again = Client()
    english(again)
    body = shown(again, link)
    assert "This invitation was accepted already: sign in, or reset your password." in body
    assert 'name="password"' not in body


def test_an_expired_invitation_is_refused_and_says_who_to_ask(client, admin_carol):
    link = invite_specialist(client, admin_carol)
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))

    body = shown(english(client), link)
    response = client.post(link, {"name": "", "password": STRONG})

    assert "This invitation has expired (invitations last 7 days)." in body
    assert f'href="mailto:{admin_carol.email}"' in body
    assert response.status_code == 200
    assert not User.objects.get(email="new@riss.test").is_active


def test_a_weak_password_on_an_invitation_is_refused_beside_it(client, admin_carol):
    link = invite_specialist(client, admin_carol)

    response = english(client).post(link, {"name": "新人", "password": "123"})

    refused(response, 'id="id_password_error">')
    assert 'value="新人"' in response.content.decode()
    assert Invitation.objects.get().accepted_at is None


# --- settings ------------------------------------------------------------------------------


def test_settings_save_the_name_and_the_language(client, sme_alice):
    response = post(signed_in(client, sme_alice), "/settings/", "profile", name="有栖川 アリス", language="ja")

    done(response, "/settings/", "")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ja"
    sme_alice.refresh_from_db()
    assert (sme_alice.name, sme_alice.language) == ("有栖川 アリス", "ja")
    assert 'value="有栖川 アリス"' in shown(client, "/settings/")


def test_a_password_change_keeps_this_session_and_ends_the_others(client, sme_alice):
    elsewhere = Client()
    elsewhere.force_login(sme_alice)

    response = post(
        signed_in(client, sme_alice), "/settings/", "password", current_password=PASSWORD, new_password=STRONG
    )

    done(response, "/settings/", "")
    assert "Your password is changed. Other devices and apps must sign in again." in shown(client, "/settings/")
    assert elsewhere.get("/settings/").status_code == 302
    sme_alice.refresh_from_db()
    assert sme_alice.check_password(STRONG)


def test_a_password_change_with_a_wrong_current_password_is_refused(client, sme_alice):
    response = post(
        signed_in(client, sme_alice), "/settings/", "password", current_password="wrong", new_password=STRONG
    )

    refused(response, 'id="id_password-current_password_error">The current password is not correct.</p>')
    sme_alice.refresh_from_db()
    assert sme_alice.check_password(PASSWORD)


def test_settings_offer_a_new_confirmation_link_until_the_address_is_confirmed(client, sme_alice):
    User.objects.filter(pk=sme_alice.pk).update(email_confirmed_at=None)
    body = shown(signed_in(client, sme_alice), "/settings/")
    assert 'name="resend-action"' in body
    done(post(client, "/settings/", "resend"), "/settings/", "")
    assert list(Notification.objects.values_list("kind", flat=True)) == ["email_confirmation"]


def test_settings_have_the_sections_for_notifications_and_the_calendar(client, specialist_bob):
    body = shown(signed_in(client, specialist_bob), "/settings/")
    assert 'id="settings-notifications"' in body
    assert 'id="settings-calendar"' in body
    assert 'name="resend-action"' not in body


# --- the SME's people ----------------------------------------------------------------------


MEMBERS = "/sme/members/"


def test_an_owner_invites_a_colleague(client, sme_alice, alice_company):
    response = post(
        signed_in(client, sme_alice),
        MEMBERS,
        "invite",
        email="colleague@sme.test",
        company_role="member",
        company=alice_company.pk,
    )

    done(response, MEMBERS, "")
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.company, invitation.company_role) == (
        "colleague@sme.test",
        alice_company,
        "member",
    )
    assert list(Notification.objects.values_list("email", "kind")) == [("colleague@sme.test", "invitation")]
    body = shown(client, MEMBERS)
    assert "The invitation is sent to colleague@sme.test." in body
    assert "colleague@sme.test" in body


def test_an_owner_invites_a_labour_attorney_who_joins_for_subsidies_only(client, sme_alice, alice_company):
    post(
        signed_in(client, sme_alice),
        MEMBERS,
        "invite",
        email="sam@sharoushi.test",
        company_role="labour_attorney",
        company=alice_company.pk,
    )
    link = link_of("invitation", "sam@sharoushi.test")

    accepted = Client().post(link, {"name": "社労士 サム", "password": STRONG})

    assert accepted["Location"] == "/sme/"
    membership = CompanyMembership.objects.get(user__email="sam@sharoushi.test")
    assert (membership.company, membership.role) == (alice_company, "labour_attorney")


def test_inviting_an_address_of_another_kind_of_account_is_refused_and_mails_nobody(
    client, sme_alice, alice_company, specialist_bob
):
    response = post(
        signed_in(client, sme_alice),
        MEMBERS,
        "invite",
        email="bob@riss.test",
        company_role="member",
        company=alice_company.pk,
    )

    refused(response, "This address belongs to another kind of account.")
    assert 'value="bob@riss.test"' in response.content.decode()
    assert (Invitation.objects.count(), mails()) == (0, 0)


def test_an_owner_resends_and_withdraws_an_invitation(client, sme_alice, alice_company):
    post(
        signed_in(client, sme_alice),
        MEMBERS,
        "invite",
        email="colleague@sme.test",
        company_role="member",
        company=alice_company.pk,
    )
    invitation = Invitation.objects.get()
    first_hash = invitation.token_hash

    done(post(client, MEMBERS, "resend", target=invitation.pk), MEMBERS, "")
    invitation.refresh_from_db()
    assert invitation.token_hash != first_hash
    assert Notification.objects.filter(kind="invitation").count() == 2

    done(post(client, MEMBERS, "revoke", target=invitation.pk), MEMBERS, "")
    assert "The invitation to colleague@sme.test is withdrawn." in shown(client, MEMBERS)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED

    before = mails()
    refused(post(client, MEMBERS, "resend", target=invitation.pk), "This invitation was accepted or revoked")
    assert mails() == before


def test_an_owner_deactivates_a_colleague_with_the_reason(client, sme_alice, alice_company):
    colleague = factories.UserFactory(email="colleague@sme.test", role="sme")
    membership = factories.MembershipFactory(user=colleague, company=alice_company, role="member")
    url = MEMBERS

    refused(
        post(signed_in(client, sme_alice), url, "deactivate", target=membership.pk, note=""), "This field is required."
    )
    colleague.refresh_from_db()
    assert colleague.is_active

    done(post(client, url, "deactivate", target=membership.pk, note="退職のため"), url, "")
    colleague.refresh_from_db()
    assert (colleague.is_active, colleague.deactivated_at is not None) == (False, True)


def test_a_member_sees_the_people_but_cannot_invite(client, alice_company):
    member = factories.UserFactory(email="member@sme.test", role="sme")
    factories.MembershipFactory(user=member, company=alice_company, role="member")

    body = shown(signed_in(client, member), MEMBERS)
    response = post(client, MEMBERS, "invite", email="x@sme.test", company_role="member", company=alice_company.pk)

    assert "alice@sme.test" in body
    assert 'name="invite-action"' not in body
    assert response.status_code == 404
    assert Invitation.objects.count() == 0


# --- the console's invitations and deactivation ---------------------------------------------


SPECIALISTS = "/console/specialists/"


def test_an_admin_invites_another_admin_of_their_chamber(client, admin_carol):
    done(post(signed_in(client, admin_carol), SPECIALISTS, "invite_admin", email="dan@tokyo.test"), SPECIALISTS, "")

    invitation = Invitation.objects.get()
    assert (invitation.role, invitation.chamber) == ("chamber_admin", admin_carol.chamber)
    assert "The invitation is sent to dan@tokyo.test." in shown(client, SPECIALISTS)


def test_inviting_a_person_who_already_has_an_account_is_refused(client, admin_carol, specialist_bob):
    response = post(signed_in(client, admin_carol), SPECIALISTS, "invite_specialist", email="bob@riss.test")

    refused(response, "This person already has an account: they sign in, or reset their password.")
    assert (Invitation.objects.count(), mails()) == (0, 0)


def test_an_admin_withdraws_an_invitation_and_the_link_stops_working(client, admin_carol):
    link = invite_specialist(client, admin_carol)
    invitation = Invitation.objects.get()

    done(post(signed_in(client, admin_carol), SPECIALISTS, "revoke", target=invitation.pk), SPECIALISTS, "")

    assert "This invitation was withdrawn." in shown(english(Client()), link)


def test_an_admin_deactivates_a_specialist_with_the_reason(client, admin_carol, specialist_bob):
    from tests.talent_fixtures import make_specialist

    bob = make_specialist(specialist_bob)

    refused(post(signed_in(client, admin_carol), SPECIALISTS, "deactivate", target=bob.pk, note=""), "required")
    specialist_bob.refresh_from_db()
    assert specialist_bob.is_active

    done(post(client, SPECIALISTS, "deactivate", target=bob.pk, note="登録抹消"), SPECIALISTS, "")
    specialist_bob.refresh_from_db()
    assert not specialist_bob.is_active
    assert "Deactivated" in shown(client, SPECIALISTS)


# --- lists in a fixed number of queries ------------------------------------------------------


@pytest.mark.parametrize("n", [1, 10])
def test_the_people_page_runs_a_constant_number_of_queries(
    client, sme_alice, alice_company, django_assert_num_queries, n
):
    for i in range(n):
        factories.MembershipFactory(
            user=factories.UserFactory(email=f"m{i}@sme.test", role="sme"), company=alice_company, role="member"
        )
        Invitation.objects.create(
            email=f"i{i}@sme.test",
            role="sme",
            company=alice_company,
            company_role="member",
            invited_by=sme_alice,
            token_hash=f"{i:064d}",
            expires_at=timezone.now() + datetime.timedelta(days=1),
        )
    signed_in(client, sme_alice)
    # the session and the user (2), the memberships with their people and companies (1), the
    # open invitations with theirs (1)
    with django_assert_num_queries(4):
        response = client.get(MEMBERS)
    body = response.content.decode()
    assert body.count('name="deactivate-action"') == n
    assert body.count('name="revoke-action"') == n


@pytest.mark.parametrize("n", [1, 10])
def test_the_console_lists_open_invitations_in_a_constant_number_of_queries(
    client, admin_carol, django_assert_num_queries, n
):
    for i in range(n):
        Invitation.objects.create(
            email=f"s{i}@riss.test",
            role="specialist",
            invited_by=admin_carol,
            token_hash=f"{i:064d}",
            expires_at=timezone.now() + datetime.timedelta(days=1),
        )
    signed_in(client, admin_carol)
    # the session and the user (2), the specialists' count (1; none to read), the open
    # invitations' count and rows with their inviter (2)
    with django_assert_num_queries(5):
        response = client.get(SPECIALISTS)
    assert response.content.decode().count('name="revoke-action"') == n


# --- limits --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "data"),
    [("/password-reset/", {"email": "alice@sme.test"}), ("/signup/", SIGN_UP)],
    ids=["password-reset", "sign-up"],
)
def test_resets_and_sign_ups_are_limited_like_the_apis(client, sme_alice, settings, url, data):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "auth": "1/min"},
    }
    english(client).post(url, data)
    before = (User.objects.count(), mails())

    refused = Client().post(url, {**data, "email": "other@sme.test"}, HTTP_COOKIE="django_language=en")

    assert refused.status_code == 429
    assert "Too many attempts. Wait a minute and try again." in refused.content.decode()
    assert 'value="other@sme.test"' in refused.content.decode()
    assert (User.objects.count(), mails()) == before
