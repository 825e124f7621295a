"""Reads for accounts, always scoped to what the acting user may see."""

import uuid

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import Chamber, Company, CompanyMembership, User
from marketplace.errors import get_or_not_found


def chambers() -> QuerySet[Chamber]:
    """Chambers are public: an SME picks one when registering its company."""
    return Chamber.objects.order_by("prefecture", "name")


def companies_visible_to(user: User | AnonymousUser) -> QuerySet[Company]:
    """Staff: all. Chamber admin: their chamber's companies. SME member: their own. Others: none."""
    return access.visible(Company.objects.select_related("chamber"), user, chamber="chamber_id", company="")


def access_company(user: User | AnonymousUser, company_id: uuid.UUID | str) -> Company:
    """The only way to fetch one company for a user: out of reach is 404, never 403."""
    return get_or_not_found(companies_visible_to(user), company_id, _("Company not found."))


def memberships_visible_to(user: User | AnonymousUser) -> QuerySet[CompanyMembership]:
    """The people of the companies `user` acts for in everything (owner or member), each with
    their role in it; a 社労士 sees none (they act on subsidy cases only). Staff see theirs here too:
    the whole list is Django admin's."""
    actor = access.active_user(user)
    if actor is None:
        return CompanyMembership.objects.none()
    companies = CompanyMembership.objects.filter(user=actor, role__in=access.FULL_MEMBER_ROLES).values("company_id")
    return CompanyMembership.objects.filter(company_id__in=companies).select_related("user", "company")
