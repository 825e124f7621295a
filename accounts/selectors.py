"""Reads for accounts, always scoped to what the acting user may see."""

import uuid

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Chamber, Company, StatusChange, User
from marketplace.errors import get_or_not_found


def chambers() -> QuerySet[Chamber]:
    """Chambers are public: an SME picks one when registering its company."""
    return Chamber.objects.order_by("prefecture", "name")


def companies_visible_to(user: User | AnonymousUser) -> QuerySet[Company]:
    """Staff: all. Chamber admin: their chamber's companies. SME member: their own. Others: none."""
    qs = Company.objects.select_related("chamber")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if not isinstance(user, User):
        return qs.none()
    if user.is_staff:
        return qs
    if user.is_chamber_admin and user.chamber_id:
        return qs.filter(chamber_id=user.chamber_id)
    if user.role == User.Role.SME:
        return qs.filter(memberships__user=user)
    return qs.none()


def access_company(user: User | AnonymousUser, company_id: uuid.UUID | str) -> Company:
    """The only way to fetch one company for a user: out of reach is 404, never 403."""
    return get_or_not_found(companies_visible_to(user), company_id, _("Company not found."))


def history_of(obj: Model) -> QuerySet[StatusChange]:
    """The transitions of one workflow object, oldest first."""
    return StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("by")
