"""An account's life: confirming the address, resetting and changing the password,
invitations, deactivation. Each a service: keyword-only, typed, one transaction.

Mails go through the outbox (notifications.notify) with the absolute link of the page
that acts on them (marketplace.links). Out of reach is a 404 (NotFound), as everywhere.
"""

import datetime
import hashlib
import secrets
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts import access, tokens
from accounts.models import Company, CompanyMembership, Invitation, User
from marketplace import links
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationFailed, require_reason
from notifications.services import notify
from workflow.services import record_transition

INVITATION_LIFETIME = datetime.timedelta(days=7)
# Company roles an owner may invite to (a 社労士 acts on the company's subsidy cases only).
INVITABLE_COMPANY_ROLES = frozenset(CompanyMembership.Role.values)


def _validated(password: str, user: User, field: str = "password") -> str:
    """The password if AUTH_PASSWORD_VALIDATORS accept it for this user, else a 400 on `field`."""
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise DjangoValidationError({field: exc.messages}) from exc
    return password


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- confirmation ---------------------------------------------------------------------------


@transaction.atomic
def send_email_confirmation(*, user: User) -> None:
    """Mail the confirmation link (again). An address already confirmed is a 409."""
    if user.is_email_confirmed:
        raise Conflict(_("Your email address is already confirmed."))
    token = tokens.make_confirmation_token(user)
    notify(
        kind="email_confirmation",
        recipients=[user],
        # Each send is its own event: a resend within the same second makes the same token
        # (its timestamp counts seconds), and keying on the token swallowed that resend (seen in CI).
        event_key=f"email_confirmation:{user.pk}:{uuid.uuid4().hex}",
        context={"link": links.confirm_email(token), "expires_days": settings.PASSWORD_RESET_TIMEOUT // 86400},
    )


@transaction.atomic
def confirm_email(*, token: str) -> User:
    """Follow the confirmation link: once; a used, expired or altered link is a 400."""
    user = tokens.user_of_confirmation_token(token)
    refused = ValidationFailed(
        _("This confirmation link is not valid: it was used already or has expired. Sign in and ask for a new one."),
        field="token",
    )
    if user is None:
        raise refused
    changed = User.objects.filter(pk=user.pk, email_confirmed_at__isnull=True).update(email_confirmed_at=timezone.now())
    if changed != 1:
        raise refused
    user.refresh_from_db()
    return user


# --- passwords ------------------------------------------------------------------------------


def revoke_refresh_tokens(*, user: User) -> int:
    """Blacklist every refresh token the user still holds (simplejwt); how many were revoked.

    Access tokens live on for their few minutes (settings.SIMPLE_JWT), unless the user is
    inactive: simplejwt refuses an inactive user's access token at once."""
    outstanding = OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True)
    rows = [BlacklistedToken(token=token) for token in outstanding]
    BlacklistedToken.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def request_password_reset(*, email: str) -> None:
    """Mail a reset link to the active account with this address, if there is one.

    The caller learns nothing: the outcome is the same for an unknown address. It reaches
    people who never set a password (an imported specialist); an inactive account (not yet
    accepted, or deactivated) gets no mail.
    """
    user = User.objects.filter(email__iexact=User.objects.normalize_email(email.strip()), is_active=True).first()
    if user is None:
        return
    uidb64, token = tokens.encode_uid(user), tokens.default_token_generator.make_token(user)
    notify(
        kind="password_reset",
        recipients=[user],
        event_key=f"password_reset:{user.pk}:{_digest(token)[:16]}",
        context={
            "link": links.password_reset(uidb64, token),
            "expires_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        },
    )


def user_of_reset_link(*, uidb64: str, token: str) -> User | None:
    """The active user a password reset link is for, if it works now (unused, not expired);
    else None. The reset page asks it before showing its form."""
    user = tokens.user_of_uid(uidb64)
    if user is None or not user.is_active or not tokens.default_token_generator.check_token(user, token):
        return None
    return user


@transaction.atomic
def reset_password(*, uidb64: str, token: str, password: str) -> User:
    """Set a new password through the mailed link, once. The link proves the mailbox, so the
    address counts as confirmed; every refresh token is revoked, and other sessions end (the
    session hash follows the password hash)."""
    user = user_of_reset_link(uidb64=uidb64, token=token)
    if user is None:
        raise ValidationFailed(
            _("This password reset link is not valid: it was used already or has expired. Ask for a new one."),
            field="token",
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    if not tokens.default_token_generator.check_token(user, token):  # a concurrent reset used it
        raise ValidationFailed(_("This password reset link was used already. Ask for a new one."), field="token")
    user.set_password(_validated(password, user))
    user.email_confirmed_at = user.email_confirmed_at or timezone.now()
    user.save(update_fields=["password", "email_confirmed_at"])
    revoke_refresh_tokens(user=user)
    return user


@transaction.atomic
def change_password(*, user: User, current_password: str, new_password: str) -> User:
    """The signed-in person changes their password (the current one required); every refresh
    token is revoked and other sessions end. A page keeps its own session with
    django.contrib.auth.update_session_auth_hash."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(current_password):
        raise ValidationFailed(_("The current password is not correct."), field="current_password")
    user.set_password(_validated(new_password, user, field="new_password"))
    user.save(update_fields=["password"])
    revoke_refresh_tokens(user=user)
    return user


# --- invitations ----------------------------------------------------------------------------


def invitations_visible_to(user: Any) -> QuerySet[Invitation]:
    """Staff: every invitation. A chamber admin: the talent bank's (shared by every chamber)
    and their own chamber's admins. An SME user: those of the companies they own. Others: none.
    The same set decides who may resend or revoke one."""
    qs = Invitation.objects.select_related("company", "chamber", "invited_by")
    actor = access.active_user(user)
    if actor is None:
        return qs.none()
    if actor.is_staff:
        return qs
    if actor.is_chamber_admin:
        return qs.filter(Q(role=User.Role.SPECIALIST) | Q(role=User.Role.CHAMBER_ADMIN, chamber_id=actor.chamber_id))
    if actor.role == User.Role.SME:
        return qs.filter(access.member_filter("company", actor, (CompanyMembership.Role.OWNER,)))
    return qs.none()


def invitation_of_token(token: str) -> Invitation | None:
    """The invitation a link's token names, whatever its status, with who sent it; None for a
    token that names none. The invitation page reads it to say what the link can still do."""
    return (
        Invitation.objects.select_related("company", "chamber", "invited_by").filter(token_hash=_digest(token)).first()
    )


def _ensure_may_invite(by: User, role: str, company: Company | None) -> None:
    if role == User.Role.SME:
        if company is None:
            raise ValidationFailed(_("Name the company the person is invited to."), field="company")
        if not access.is_owner(by, company.pk):
            if access.is_member(by, company.pk, roles=access.SUBSIDY_ROLES):
                raise PermissionDenied(_("Only the company's owner invites people to it."))
            raise NotFound(_("Company not found."))
    elif company is not None:
        raise ValidationFailed(_("Only SME members are invited to a company."), field="company")
    elif role == User.Role.SPECIALIST:
        if not access.reviews_talent(by):
            raise PermissionDenied(_("Only chamber admins invite specialists."))
    elif role == User.Role.CHAMBER_ADMIN:
        if not (access.active_user(by) and by.is_chamber_admin):
            raise PermissionDenied(_("Only a chamber admin invites the admins of their chamber."))
    else:
        raise ValidationFailed(_("Choose specialist, sme or chamber_admin."), field="role")


def _invitee(email: str, role: str, chamber_id: Any, company: Company | None) -> User:
    """The account the invitation is for: the existing one, or a new inactive one without a
    password (so the mail has a recipient; accepting activates it)."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        return User.objects.create_user(email, None, name="", role=role, chamber_id=chamber_id, is_active=False)
    if user.deactivated_at is not None:
        raise Conflict(_("This account was deactivated; it cannot be invited again."), field="email")
    if user.role != role or (role == User.Role.CHAMBER_ADMIN and user.chamber_id != chamber_id):
        raise ValidationFailed(_("This address belongs to another kind of account."), field="email")
    if company is not None:
        if CompanyMembership.objects.filter(user=user, company=company).exists():
            raise Conflict(_("This person already belongs to the company."), field="email")
    elif user.is_active and user.has_usable_password():
        raise Conflict(_("This person already has an account: they sign in, or reset their password."), field="email")
    return user


def _mail_invitation(invitation: Invitation, user: User, token: str) -> None:
    notify(
        kind="invitation",
        recipients=[user],
        event_key=f"invitation:{invitation.pk}:{invitation.token_hash[:16]}",
        context={
            "link": links.invitation(token),
            "invitation": invitation,
            "inviter": invitation.invited_by.name if invitation.invited_by else "",
            "company": invitation.company.name if invitation.company else "",
            "chamber": invitation.chamber.name if invitation.chamber else "",
            "expires_at": invitation.expires_at,
        },
        include_inactive=True,
    )


def _create_invitation(
    *, by: User | None, email: str, role: str, company: Company | None, company_role: str, chamber_id: Any
) -> tuple[Invitation, str]:
    user = _invitee(email, role, chamber_id, company)
    now = timezone.now()
    # One live invitation per address and place: inviting again replaces the earlier one.
    Invitation.objects.filter(
        email__iexact=email, role=role, company=company, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        role=role,
        chamber_id=chamber_id,
        company=company,
        company_role=company_role,
        invited_by=by,
        token_hash=_digest(token),
        expires_at=now + INVITATION_LIFETIME,
    )
    _mail_invitation(invitation, user, token)
    return invitation, token


@transaction.atomic
def invite(
    *, by: User, email: str, role: str, company: Company | None = None, company_role: str = ""
) -> tuple[Invitation, str]:
    """Invite a person; the raw token is returned once (it is in the mail, and only its hash
    is kept). A chamber admin invites specialists and the admins of their own chamber; an SME
    owner invites members, co-owners and a 社労士 to their company."""
    email = User.objects.normalize_email(email.strip()).lower()
    _ensure_may_invite(by, role, company)
    if role == User.Role.SME and company_role not in INVITABLE_COMPANY_ROLES:
        raise ValidationFailed(_("Choose owner, member or labour_attorney."), field="company_role")
    if role != User.Role.SME and company_role:
        raise ValidationFailed(_("Only an invitation to a company has a company role."), field="company_role")
    chamber_id = by.chamber_id if role == User.Role.CHAMBER_ADMIN else None
    return _create_invitation(
        by=by, email=email, role=role, company=company, company_role=company_role, chamber_id=chamber_id
    )


def _managed(invitation: Invitation, by: User) -> Invitation:
    """The invitation, locked, if `by` may manage it; out of reach is a 404."""
    if not invitations_visible_to(by).filter(pk=invitation.pk).exists():
        raise NotFound(_("Invitation not found."))
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("company", "chamber", "invited_by")
        .get(pk=invitation.pk)
    )


@transaction.atomic
def resend_invitation(*, invitation: Invitation, by: User) -> tuple[Invitation, str]:
    """A new token and a new expiry for an invitation not accepted nor revoked (an expired one
    too); the old link stops working. The new raw token is returned once."""
    invitation = _managed(invitation, by)
    token = secrets.token_urlsafe(32)
    changed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True).update(
        token_hash=_digest(token), expires_at=timezone.now() + INVITATION_LIFETIME
    )
    if changed != 1:
        raise Conflict(_("This invitation was accepted or revoked; it cannot be sent again."))
    invitation.refresh_from_db()
    user = User.objects.get(email__iexact=invitation.email)
    _mail_invitation(invitation, user, token)
    return invitation, token


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, by: User) -> Invitation:
    """Withdraw an invitation not accepted yet: its link stops working."""
    invitation = _managed(invitation, by)
    changed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if changed != 1:
        raise Conflict(_("This invitation was accepted or revoked already."))
    invitation.refresh_from_db()
    return invitation


@transaction.atomic
def accept_invitation(*, token: str, password: str, name: str = "") -> User:
    """Accept an invitation through its link, once: the account is activated (or created), the
    password set, the address confirmed, and a company invitation makes the membership.

    For an account that already has a password (an SME user invited to another company),
    `password` is that password: the invitation adds the membership and changes nothing else.
    """
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("company")
        .filter(token_hash=_digest(token))
        .first()
    )
    if invitation is None:
        raise ValidationFailed(
            _("This invitation link is not valid. Ask the person who invited you to send it again."), field="token"
        )
    if invitation.status == Invitation.Status.ACCEPTED:
        raise Conflict(_("This invitation was accepted already: sign in, or reset your password."), field="token")
    if invitation.status == Invitation.Status.REVOKED:
        raise Conflict(_("This invitation was withdrawn. Ask the person who invited you."), field="token")
    if invitation.status == Invitation.Status.EXPIRED:
        raise Conflict(
            _(
                "This invitation has expired (invitations last 7 days). "
                "Ask the person who invited you to send it again."
            ),
            field="token",
        )
    user = User.objects.select_for_update().filter(email__iexact=invitation.email).first()
    if user is None:  # the placeholder was removed by an operator: make the account now
        user = User.objects.create_user(
            invitation.email, None, name="", role=invitation.role, chamber_id=invitation.chamber_id, is_active=False
        )
    if user.deactivated_at is not None:
        raise Conflict(_("This account was deactivated. Ask your chamber of commerce."), field="token")
    fields = ["is_active", "email_confirmed_at", "name"]
    if user.is_active and user.has_usable_password():
        if not user.check_password(password):
            raise ValidationFailed(
                _("This address already has an account: enter its password to accept."), field="password"
            )
    else:
        user.set_password(_validated(password, user))
        fields.append("password")
    user.is_active = True
    user.email_confirmed_at = user.email_confirmed_at or timezone.now()
    user.name = name.strip() or user.name or invitation.email.partition("@")[0]
    user.save(update_fields=fields)
    changed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True).update(
        accepted_at=timezone.now()
    )
    if changed != 1:
        raise Conflict(_("This invitation was accepted already: sign in, or reset your password."), field="token")
    if invitation.company_id is not None:
        CompanyMembership.objects.get_or_create(
            user=user, company_id=invitation.company_id, defaults={"role": invitation.company_role}
        )
    return user


@transaction.atomic
def invite_imported_specialists(*, by: User | None, specialists: Iterable[Any]) -> list[tuple[Invitation, str]]:
    """Invite the people of new talent-bank profiles (a CSV import): each gets the invitation
    mail and signs in through its link. `by` is the chamber admin who imported, or None for an
    operator's import on the command line. Profiles whose person already has a password, or
    is inactive, are skipped. The raw tokens are returned once (the demo prints one)."""
    if by is not None and not access.reviews_talent(by):
        raise PermissionDenied(_("Only chamber admins invite specialists."))
    sent = []
    for specialist in specialists:
        user = specialist.user
        if not user.is_active or user.has_usable_password():
            continue
        sent.append(
            _create_invitation(
                by=by, email=user.email, role=User.Role.SPECIALIST, company=None, company_role="", chamber_id=None
            )
        )
    return sent


# --- deactivation ---------------------------------------------------------------------------


def _ensure_may_deactivate(user: User, by: User) -> None:
    """Staff: anyone. A chamber admin: specialists of the (shared) bank. An owner: the
    colleagues of their companies who act for no other company. Others: 404."""
    if access.is_staff(by):
        return
    if user.role == User.Role.SPECIALIST and access.reviews_talent(by):
        return
    if user.role == User.Role.SME and access.active_user(by) is not None:
        companies = set(CompanyMembership.objects.filter(user=user).values_list("company_id", flat=True))
        owned = set(
            CompanyMembership.objects.filter(user=by, role=CompanyMembership.Role.OWNER).values_list(
                "company_id", flat=True
            )
        )
        if companies & owned:
            if CompanyMembership.objects.filter(user=user, role=CompanyMembership.Role.OWNER).exists():
                raise PermissionDenied(_("An owner's account is deactivated by the chamber's operators."))
            if companies - owned:
                raise Conflict(_("This person also acts for another company: only an operator can deactivate them."))
            return
    raise NotFound(_("User not found."))


def end_sessions(*, user: User) -> int:
    """End the user's sign-in sessions (pages); how many. Sessions keep the user's id as
    `_auth_user_id`, so each live session is read once."""
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


@transaction.atomic
def deactivate_user(*, user: User, by: User, note: str) -> User:
    """Sign-in refused from now on: refresh tokens revoked, sessions ended, pending invitations
    withdrawn. Everything the person did stays, and the change is in the account's history."""
    reason = require_reason(note, message=_("Give the reason for deactivating the account."))
    if user.pk == by.pk:
        raise PermissionDenied(_("You cannot deactivate your own account."))
    _ensure_may_deactivate(user, by)
    now = timezone.now()
    changed = User.objects.filter(pk=user.pk, is_active=True).update(is_active=False, deactivated_at=now)
    if changed != 1:
        raise Conflict(_("This account is not active."))
    record_transition(user, by=by, from_status="active", to_status="deactivated", note=reason)
    Invitation.objects.filter(email__iexact=user.email, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    revoke_refresh_tokens(user=user)
    end_sessions(user=user)
    user.refresh_from_db()
    return user
