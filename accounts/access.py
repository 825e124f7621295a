"""Who may act on what: the one place for access predicates.

Every selector scopes its queryset with `visible()` and every service checks with
the `ensure_*` functions, so "is a member of this company" or "administers this
chamber" is decided here and nowhere else. Out of reach is NotFound (a 404), never
a 403, so ids cannot be probed.
"""

from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import CompanyMembership, User
from marketplace.errors import NotFound, PermissionDenied

M = TypeVar("M", bound=Model)

# Membership roles that act for the company in everything it does.
FULL_MEMBER_ROLES = (CompanyMembership.Role.OWNER, CompanyMembership.Role.MEMBER)
# ...and those who act for it on its subsidy cases only (a 社労士 it named).
SUBSIDY_ROLES = (*FULL_MEMBER_ROLES, CompanyMembership.Role.LABOUR_ATTORNEY)


def active_user(user: User | AnonymousUser | None) -> User | None:
    """The user if signed in and active, else None."""
    return user if isinstance(user, User) and user.is_active else None


def is_staff(user: User | AnonymousUser | None) -> bool:
    actor = active_user(user)
    return actor is not None and actor.is_staff


def administers(user: User | AnonymousUser | None, chamber_id: Any) -> bool:
    """Staff, or a chamber admin of exactly this chamber."""
    actor = active_user(user)
    if actor is None:
        return False
    return actor.is_staff or (actor.is_chamber_admin and actor.chamber_id == chamber_id)


def reviews_talent(user: User | AnonymousUser | None) -> bool:
    """Staff or any chamber admin: the talent bank is shared by every chamber."""
    actor = active_user(user)
    return actor is not None and (actor.is_staff or actor.is_chamber_admin)


def is_member(
    user: User | AnonymousUser | None, company_id: Any, *, roles: tuple[str, ...] = FULL_MEMBER_ROLES
) -> bool:
    actor = active_user(user)
    return (
        actor is not None
        and CompanyMembership.objects.filter(user=actor, company_id=company_id, role__in=roles).exists()
    )


def is_owner(user: User | AnonymousUser | None, company_id: Any) -> bool:
    return is_member(user, company_id, roles=(CompanyMembership.Role.OWNER,))


def is_specialist_user(user: User | AnonymousUser | None, specialist_user_id: Any) -> bool:
    actor = active_user(user)
    return actor is not None and actor.pk == specialist_user_id


def ensure_member(user: User, company_id: Any, message: str | Promise | None = None) -> None:
    if not is_member(user, company_id):
        raise NotFound(message or _("Company not found."))


def ensure_admin_of(user: User, chamber_id: Any, message: str | Promise | None = None) -> None:
    if not administers(user, chamber_id):
        raise NotFound(message or _("Not found."))


def ensure_talent_reviewer(user: User) -> None:
    if not reviews_talent(user):
        raise PermissionDenied(_("Only chamber admins review credentials."))


def members_of(company_id: Any, *, roles: tuple[str, ...] = FULL_MEMBER_ROLES) -> "QuerySet[User]":
    """The active people who act for a company in `roles` (recipients of its notices)."""
    return User.objects.filter(
        memberships__company_id=company_id, memberships__role__in=roles, is_active=True
    ).distinct()


def admins_of(chamber_id: Any) -> "QuerySet[User]":
    """The active admins of a chamber (recipients of what the chamber must look at)."""
    return User.objects.filter(role=User.Role.CHAMBER_ADMIN, chamber_id=chamber_id, is_active=True)


def member_filter(company_path: str, user: User, roles: tuple[str, ...] = FULL_MEMBER_ROLES) -> Q:
    """Rows whose company (reached by `company_path`) has `user` as a member in one of `roles`."""
    prefix = f"{company_path}__" if company_path else ""
    return Q(**{f"{prefix}memberships__user": user, f"{prefix}memberships__role__in": roles})


def visible(
    qs: "QuerySet[M]",
    user: User | AnonymousUser | None,
    *,
    chamber: str | None = None,
    company: str | None = None,
    specialist: str | None = None,
    whole_bank: bool = False,
    sme_also: Q | None = None,
    specialist_also: Q | None = None,
    member_roles: tuple[str, ...] = FULL_MEMBER_ROLES,
) -> "QuerySet[M]":
    """Scope `qs` to what `user` may see.

    - staff: everything;
    - chamber admin: rows whose chamber (the `chamber` path to a chamber id) is theirs,
      or everything when `whole_bank` (the shared talent bank);
    - SME member: rows of their companies (the `company` path), narrowed by `sme_also`;
    - specialist: their own rows (the `specialist` path to a Specialist), narrowed by
      `specialist_also`;
    - anyone else: nothing.
    """
    actor = active_user(user)
    if actor is None:
        return qs.none()
    if actor.is_staff:
        return qs
    if actor.is_chamber_admin:
        if whole_bank:
            return qs
        if chamber is not None and actor.chamber_id:
            return qs.filter(**{chamber: actor.chamber_id})
        return qs.none()
    if actor.role == User.Role.SME and company is not None:
        return qs.filter(member_filter(company, actor, member_roles) & (sme_also or Q()))
    if actor.role == User.Role.SPECIALIST and specialist is not None:
        prefix = f"{specialist}__" if specialist else ""
        return qs.filter(Q(**{f"{prefix}user": actor}) & (specialist_also or Q()))
    return qs.none()
