"""accounts.lifecycle: confirmation, resets, password change, invitations, deactivation.

Mails are read from the outbox's rows (notifications.Notification): each carries the
absolute link of the page that acts on it.
"""

import datetime
import re

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts import lifecycle, services
from accounts.models import CompanyMembership, Invitation, User
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from matching import candidates
from matching.services.requests import publish_request
from notifications.models import Notification
from talent import selectors as talent_selectors
from tests import factories
from tests.matching_fixtures import make_request
from tests.talent_fixtures import make_specialist
from workflow.models import StatusChange

# Messages are matched in English (the msgids); the Japanese are checked through the API.
pytestmark = pytest.mark.usefixtures("english")

STRONG = "k7#Rt-unique-Passphrase"
SITE = "http://127.0.0.1:8000"


def link_of(kind, user=None, email=None):
    """The absolute link in the newest mail of this kind to this person."""
    rows = Notification.objects.filter(kind=kind)
    rows = rows.filter(recipient=user) if user is not None else rows.filter(email=email)
    body = rows.latest("created_at").body
    found = re.search(r"https?://\S+", body)
    assert found is not None, body
    return found.group(0)


def token_in(link, prefix):
    assert link.startswith(f"{SITE}{prefix}"), link
    return link.removeprefix(f"{SITE}{prefix}").rstrip("/")


def later(days):
    """Token generators see the clock `days` ahead."""
    # Django's generator reads naive local time (its _now), so the shifted clock is naive too.
    now = datetime.datetime.now() + datetime.timedelta(days=days)  # noqa: DTZ005
    return lambda self: now


# --- confirmation -------------------------------------------------------------------------


def test_sign_up_mails_a_confirmation_link_that_works_once(db):
    user = services.register_user(email="new@example.test", password=STRONG, role="sme", name="新規 太郎")
    assert user.email_confirmed_at is None
    mail = Notification.objects.get(recipient=user)
    assert (mail.kind, mail.language) == ("email_confirmation", "ja")
    token = token_in(link_of("email_confirmation", user), "/confirm/")

    confirmed = lifecycle.confirm_email(token=token)

    assert confirmed.is_email_confirmed
    with pytest.raises(ValidationFailed, match="not valid"):
        lifecycle.confirm_email(token=token)


def test_a_resend_in_the_same_second_as_the_sign_up_still_sends_a_mail(db):
    """The token's timestamp counts seconds, so both sends make the same link; both still go out
    (seen in CI: a resend right after sign-up was swallowed as a duplicate event)."""
    user = services.register_user(email="quick@example.test", password=STRONG, role="sme", name="早い 太郎")

    lifecycle.send_email_confirmation(user=user)

    assert Notification.objects.filter(recipient=user, kind="email_confirmation").count() == 2


@pytest.mark.parametrize("token", ["", "garbage", "Zm9v.1-abc", "not-base64!.x-y"])
def test_a_malformed_confirmation_token_is_refused_and_confirms_nobody(db, token):
    services.register_user(email="new@example.test", password=STRONG, role="sme", name="新規")

    with pytest.raises(ValidationFailed):
        lifecycle.confirm_email(token=token)

    assert not User.objects.filter(email_confirmed_at__isnull=False).exists()


def test_an_expired_confirmation_link_is_refused(db, monkeypatch, settings):
    user = services.register_user(email="new@example.test", password=STRONG, role="sme", name="新規")
    token = token_in(link_of("email_confirmation", user), "/confirm/")
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", later(settings.PASSWORD_RESET_TIMEOUT // 86400 + 1))

    with pytest.raises(ValidationFailed):
        lifecycle.confirm_email(token=token)

    user.refresh_from_db()
    assert user.email_confirmed_at is None


def test_resending_to_a_confirmed_address_is_a_conflict_and_sends_nothing(sme_alice):
    with pytest.raises(Conflict):
        lifecycle.send_email_confirmation(user=sme_alice)

    assert not Notification.objects.exists()


def test_confirmation_lets_an_sme_publish(db, alice_company):
    owner = User.objects.get(memberships__company=alice_company)
    User.objects.filter(pk=owner.pk).update(email_confirmed_at=None)
    owner.refresh_from_db()
    draft = make_request(alice_company, owner, status="draft")

    with pytest.raises(Conflict, match="Confirm your email address"):
        publish_request(request=draft, user=owner)
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert not StatusChange.objects.filter(object_id=draft.pk).exists()

    lifecycle.send_email_confirmation(user=owner)
    lifecycle.confirm_email(token=token_in(link_of("email_confirmation", owner), "/confirm/"))
    owner.refresh_from_db()
    published, _run = publish_request(request=draft, user=owner)
    assert published.status == "open"


def test_an_unconfirmed_specialist_is_neither_listed_nor_a_candidate_until_confirmed(db, specialist_bob, alice_company):
    profile = make_specialist(specialist_bob, skills={"incident_response": 4}, hourly_rate_jpy=10_000)
    request = make_request(alice_company, alice_company.memberships.get().user, skills={"incident_response": 2})
    User.objects.filter(pk=specialist_bob.pk).update(email_confirmed_at=None)

    assert profile not in talent_selectors.specialists_in_directory()
    assert profile not in candidates.prefiltered(request)
    assert profile not in talent_selectors.specialists_visible_to(alice_company.memberships.get().user)
    assert profile in talent_selectors.specialists_visible_to(specialist_bob)  # their own

    specialist_bob.refresh_from_db()
    lifecycle.send_email_confirmation(user=specialist_bob)
    lifecycle.confirm_email(token=token_in(link_of("email_confirmation", specialist_bob), "/confirm/"))

    assert profile in talent_selectors.specialists_in_directory()
    assert profile in candidates.prefiltered(request)


# --- password reset and change ------------------------------------------------------------


def reset_parts(user):
    uidb64, token = token_in(link_of("password_reset", user), "/password-reset/").split("/")
    return uidb64, token


def test_a_reset_reaches_someone_who_never_set_a_password(db):
    imported = User.objects.create_user("imported@example.test", None, name="取込 花子", role="specialist")

    lifecycle.request_password_reset(email="IMPORTED@example.test")
    uidb64, token = reset_parts(imported)
    lifecycle.reset_password(uidb64=uidb64, token=token, password=STRONG)

    imported.refresh_from_db()
    assert imported.check_password(STRONG)
    assert imported.is_email_confirmed


@pytest.mark.parametrize("email", ["nobody@example.test", "inactive@example.test"])
def test_a_reset_for_an_unknown_or_inactive_address_sends_nothing(db, email):
    factories.UserFactory(email="inactive@example.test", is_active=False)

    assert lifecycle.request_password_reset(email=email) is None

    assert not Notification.objects.exists()


def test_a_reset_link_works_once_and_revokes_every_refresh_token(sme_alice):
    refresh = RefreshToken.for_user(sme_alice)
    lifecycle.request_password_reset(email=sme_alice.email)
    uidb64, token = reset_parts(sme_alice)

    lifecycle.reset_password(uidb64=uidb64, token=token, password=STRONG)

    sme_alice.refresh_from_db()
    assert sme_alice.check_password(STRONG)
    assert BlacklistedToken.objects.filter(token__jti=refresh["jti"]).exists()
    with pytest.raises(ValidationFailed, match="not valid"):
        lifecycle.reset_password(uidb64=uidb64, token=token, password="another-Strong-pass-9")
    sme_alice.refresh_from_db()
    assert sme_alice.check_password(STRONG)


def test_an_expired_reset_link_is_refused(sme_alice, monkeypatch, settings):
    lifecycle.request_password_reset(email=sme_alice.email)
    uidb64, token = reset_parts(sme_alice)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", later(settings.PASSWORD_RESET_TIMEOUT // 86400 + 1))

    with pytest.raises(ValidationFailed):
        lifecycle.reset_password(uidb64=uidb64, token=token, password=STRONG)

    sme_alice.refresh_from_db()
    assert sme_alice.check_password("correct-horse-battery")


def test_a_weak_new_password_is_refused_and_the_link_still_works(sme_alice):
    lifecycle.request_password_reset(email=sme_alice.email)
    uidb64, token = reset_parts(sme_alice)

    with pytest.raises(DjangoValidationError) as refused:
        lifecycle.reset_password(uidb64=uidb64, token=token, password="12345678")

    assert "password" in refused.value.message_dict
    sme_alice.refresh_from_db()
    assert sme_alice.check_password("correct-horse-battery")
    lifecycle.reset_password(uidb64=uidb64, token=token, password=STRONG)


def test_changing_the_password_needs_the_current_one_and_revokes_tokens(sme_alice):
    refresh = RefreshToken.for_user(sme_alice)

    with pytest.raises(ValidationFailed) as wrong:
        lifecycle.change_password(user=sme_alice, current_password="wrong", new_password=STRONG)
    assert wrong.value.field == "current_password"
    assert not BlacklistedToken.objects.exists()

    lifecycle.change_password(user=sme_alice, current_password="correct-horse-battery", new_password=STRONG)

    sme_alice.refresh_from_db()
    assert sme_alice.check_password(STRONG)
    assert BlacklistedToken.objects.filter(token__jti=refresh["jti"]).exists()


# --- invitations --------------------------------------------------------------------------


def invitation_token(email):
    return token_in(link_of("invitation", email=email), "/invite/")


def test_an_owner_invites_a_colleague_who_accepts_once(sme_alice, alice_company):
    invitation, token = lifecycle.invite(
        by=sme_alice, email="Colleague@Example.test", role="sme", company=alice_company, company_role="member"
    )

    placeholder = User.objects.get(email="colleague@example.test")
    assert (placeholder.is_active, placeholder.has_usable_password()) == (False, False)
    assert invitation.status == "pending"
    assert invitation.token_hash != token
    assert len(invitation.token_hash) == 64
    assert invitation_token("colleague@example.test") == token
    mail = Notification.objects.get(kind="invitation")
    assert "株式会社アリス製作所" in mail.subject

    user = lifecycle.accept_invitation(token=token, password=STRONG, name="同僚 一郎")

    assert (user.is_active, user.name, user.is_email_confirmed) == (True, "同僚 一郎", True)
    assert user.check_password(STRONG)
    assert CompanyMembership.objects.get(user=user, company=alice_company).role == "member"
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    with pytest.raises(Conflict, match="accepted already"):
        lifecycle.accept_invitation(token=token, password="another-Strong-pass-9")


def test_a_placeholder_cannot_ask_for_a_reset_before_accepting(sme_alice, alice_company):
    lifecycle.invite(
        by=sme_alice, email="colleague@example.test", role="sme", company=alice_company, company_role="member"
    )

    lifecycle.request_password_reset(email="colleague@example.test")

    assert not Notification.objects.filter(kind="password_reset").exists()


def test_an_expired_invitation_says_how_to_get_a_new_one_and_a_resend_works(sme_alice, alice_company):
    invitation, token = lifecycle.invite(
        by=sme_alice, email="late@example.test", role="sme", company=alice_company, company_role="member"
    )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    with pytest.raises(Conflict, match="send it again"):
        lifecycle.accept_invitation(token=token, password=STRONG)
    assert not User.objects.get(email="late@example.test").is_active

    resent, new_token = lifecycle.resend_invitation(invitation=invitation, by=sme_alice)
    assert resent.status == "pending"
    assert new_token != token
    assert invitation_token("late@example.test") == new_token
    with pytest.raises(ValidationFailed, match="not valid"):
        lifecycle.accept_invitation(token=token, password=STRONG)
    assert lifecycle.accept_invitation(token=new_token, password=STRONG).is_active


def test_a_revoked_invitation_never_works(sme_alice, alice_company):
    invitation, token = lifecycle.invite(
        by=sme_alice, email="gone@example.test", role="sme", company=alice_company, company_role="member"
    )

    lifecycle.revoke_invitation(invitation=invitation, by=sme_alice)

    with pytest.raises(Conflict, match="withdrawn"):
        lifecycle.accept_invitation(token=token, password=STRONG)
    with pytest.raises(Conflict):
        lifecycle.resend_invitation(invitation=invitation, by=sme_alice)
    assert not CompanyMembership.objects.filter(user__email="gone@example.test").exists()


def test_only_the_owner_invites_to_a_company_and_a_refusal_leaves_no_trace(sme_erin, alice_company, specialist_bob):
    for by in (sme_erin, specialist_bob):
        with pytest.raises(NotFound):
            lifecycle.invite(by=by, email="x@example.test", role="sme", company=alice_company, company_role="member")

    assert not Invitation.objects.exists()
    assert not User.objects.filter(email="x@example.test").exists()
    assert not Notification.objects.exists()


def test_who_invites_specialists_and_admins(admin_carol, sme_alice, tokyo):
    specialist, _token = lifecycle.invite(by=admin_carol, email="riss@example.test", role="specialist")
    admin, _token = lifecycle.invite(by=admin_carol, email="staff2@tokyo.test", role="chamber_admin")

    assert (specialist.chamber, admin.chamber) == (None, tokyo)
    assert User.objects.get(email="staff2@tokyo.test").chamber == tokyo
    for role in ("specialist", "chamber_admin"):
        with pytest.raises(PermissionDenied):
            lifecycle.invite(by=sme_alice, email="y@example.test", role=role)
    assert not User.objects.filter(email="y@example.test").exists()


def test_an_existing_account_accepts_with_its_own_password(sme_alice, alice_company, attorney_sam):
    _invitation, token = lifecycle.invite(
        by=sme_alice, email=attorney_sam.email, role="sme", company=alice_company, company_role="labour_attorney"
    )

    with pytest.raises(ValidationFailed, match="enter its password"):
        lifecycle.accept_invitation(token=token, password=STRONG)
    assert not CompanyMembership.objects.filter(user=attorney_sam).exists()

    lifecycle.accept_invitation(token=token, password="correct-horse-battery")

    attorney_sam.refresh_from_db()
    assert attorney_sam.check_password("correct-horse-battery")
    assert CompanyMembership.objects.get(user=attorney_sam).role == "labour_attorney"


def test_inviting_a_member_twice_is_a_conflict(sme_alice, alice_company):
    with pytest.raises(Conflict, match="already belongs"):
        lifecycle.invite(by=sme_alice, email=sme_alice.email, role="sme", company=alice_company, company_role="member")


def test_invitations_are_visible_to_who_may_manage_them(sme_alice, alice_company, sme_erin, admin_carol, admin_oscar):
    company_invite, _ = lifecycle.invite(
        by=sme_alice, email="c@example.test", role="sme", company=alice_company, company_role="member"
    )
    bank_invite, _ = lifecycle.invite(by=admin_carol, email="s@example.test", role="specialist")
    admin_invite, _ = lifecycle.invite(by=admin_carol, email="a@tokyo.test", role="chamber_admin")

    assert set(lifecycle.invitations_visible_to(sme_alice)) == {company_invite}
    assert set(lifecycle.invitations_visible_to(sme_erin)) == set()
    assert set(lifecycle.invitations_visible_to(admin_carol)) == {bank_invite, admin_invite}
    assert set(lifecycle.invitations_visible_to(admin_oscar)) == {bank_invite}
    with pytest.raises(NotFound):
        lifecycle.revoke_invitation(invitation=company_invite, by=sme_erin)
    company_invite.refresh_from_db()
    assert company_invite.revoked_at is None


# --- deactivation -------------------------------------------------------------------------


def signed_in_session(user):
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session.create()
    return session.session_key


def test_a_chamber_admin_deactivates_a_specialist_and_keeps_the_history(admin_oscar, specialist_bob, sme_alice):
    refresh = RefreshToken.for_user(specialist_bob)
    theirs, other = signed_in_session(specialist_bob), signed_in_session(sme_alice)

    user = lifecycle.deactivate_user(user=specialist_bob, by=admin_oscar, note="登録情報の虚偽")

    assert (user.is_active, user.deactivated_at is not None) == (False, True)
    assert BlacklistedToken.objects.filter(token__jti=refresh["jti"]).exists()
    assert list(Session.objects.values_list("session_key", flat=True)) == [other]
    assert theirs != other
    change = StatusChange.objects.get(object_id=specialist_bob.pk)
    assert (change.from_status, change.to_status, change.by, change.note) == (
        "active",
        "deactivated",
        admin_oscar,
        "登録情報の虚偽",
    )
    with pytest.raises(Conflict):
        lifecycle.deactivate_user(user=specialist_bob, by=admin_oscar, note="再度")
    with pytest.raises(Conflict, match="deactivated"):
        lifecycle.invite(by=admin_oscar, email=specialist_bob.email, role="specialist")


def test_an_owner_deactivates_a_colleague_but_not_others(sme_alice, alice_company, specialist_bob, sme_erin):
    colleague = factories.UserFactory(email="member@example.test", role="sme")
    factories.MembershipFactory(user=colleague, company=alice_company, role="member")

    for target in (specialist_bob, sme_erin):
        with pytest.raises(NotFound):
            lifecycle.deactivate_user(user=target, by=sme_alice, note="理由")
    with pytest.raises(PermissionDenied):
        lifecycle.deactivate_user(user=colleague, by=colleague, note="理由")
    with pytest.raises(ValidationFailed):
        lifecycle.deactivate_user(user=colleague, by=sme_alice, note=" ")
    assert User.objects.filter(is_active=False).count() == 0
    assert not StatusChange.objects.exists()

    lifecycle.deactivate_user(user=colleague, by=sme_alice, note="退職")

    colleague.refresh_from_db()
    assert not colleague.is_active
    assert CompanyMembership.objects.filter(user=colleague).exists()  # history kept


# --- CSV import -----------------------------------------------------------------------------


def test_every_new_profile_of_an_import_gets_an_invitation_once(db, tmp_path, specialist_bob):
    from django.core.management import call_command

    make_specialist(specialist_bob)
    header = "email,display_name\n"
    path = tmp_path / "specialists.csv"
    path.write_text(header + "hanako@example.test,山田 花子\nbob@riss.test,Bob\n", encoding="utf-8")

    call_command("import_specialists", str(path))
    call_command("import_specialists", str(path))

    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == ("hanako@example.test", "specialist", None)
    user = lifecycle.accept_invitation(token=invitation_token("hanako@example.test"), password=STRONG)
    assert user.specialist.display_name == "山田 花子"
    assert user.is_email_confirmed
