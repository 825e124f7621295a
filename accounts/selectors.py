"""Reads for accounts, always scoped to what the acting user may see."""

import uuid

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import Chamber, Company, User
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
