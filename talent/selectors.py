"""Reads for the talent bank, scoped to what the acting user may see."""

import uuid

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from marketplace.errors import NotFound, get_or_not_found
from talent.models import Certification, Skill, Specialist, SpecialistQuerySet, SpecialistSkill


def skills() -> QuerySet[Skill]:
    return Skill.objects.order_by("position", "slug")


def _with_profile_relations(qs: SpecialistQuerySet) -> SpecialistQuerySet:
    """Everything a profile shows, contact included, in a fixed number of queries."""
    return _prefetch_profile_relations(qs.select_related("user"))


def _prefetch_profile_relations(qs: SpecialistQuerySet) -> SpecialistQuerySet:
    return qs.prefetch_related(
        Prefetch(
            "skill_levels",
            queryset=SpecialistSkill.objects.select_related("skill").order_by("skill__position"),
        ),
        "travel",
        Prefetch(
            "certifications",
            queryset=Certification.objects.counting().only("id", "kind", "specialist_id"),
            to_attr="counting_certifications",
        ),
    )


def specialists_in_directory() -> SpecialistQuerySet:
    """Active specialists who opted in to the directory (like the public RISS search).

    No join to users: the directory never shows contact details, and a join over the
    whole listed set before the LIMIT cost ~100 ms at 100,000 profiles.
    """
    return _prefetch_profile_relations(Specialist.objects.listed()).order_by(F("rating").desc(nulls_last=True), "id")


def specialists_visible_to(user: User | AnonymousUser) -> SpecialistQuerySet:
    """Chamber admins and staff: the whole shared bank. Others: listed profiles and their own."""
    qs = _with_profile_relations(Specialist.objects.all())
    if not isinstance(user, User) or not user.is_active:
        return qs.none()
    if user.is_staff or user.is_chamber_admin:
        return qs
    listed = Q(status=Specialist.Status.ACTIVE, listed_in_directory=True)
    if user.role == User.Role.SPECIALIST:
        return qs.filter(listed | Q(user=user))
    return qs.filter(listed)


def access_specialist(user: User | AnonymousUser, specialist_id: uuid.UUID | str) -> Specialist:
    return get_or_not_found(specialists_visible_to(user), specialist_id, _("Specialist not found."))


def own_specialist(user: User) -> Specialist:
    try:
        return _with_profile_relations(Specialist.objects.all()).get(user=user)
    except Specialist.DoesNotExist as exc:
        raise NotFound(_("You have no specialist profile.")) from exc


def may_see_contact(user: User | AnonymousUser, specialist: Specialist) -> bool:
    """Contact details: the specialist, chamber admins, staff, and a company engaged with them."""
    if not isinstance(user, User) or not user.is_active:
        return False
    return user.is_staff or user.is_chamber_admin or specialist.user_id == user.pk


def certifications_visible_to(user: User | AnonymousUser) -> QuerySet[Certification]:
    """Chamber admins review every credential (shared bank); a specialist sees their own."""
    qs = Certification.objects.select_related("specialist")
    if not isinstance(user, User) or not user.is_active:
        return qs.none()
    if user.is_staff or user.is_chamber_admin:
        return qs
    if user.role == User.Role.SPECIALIST:
        return qs.filter(specialist__user=user)
    return qs.none()


def access_certification(user: User | AnonymousUser, certification_id: uuid.UUID | str) -> Certification:
    return get_or_not_found(certifications_visible_to(user), certification_id, _("Certification not found."))
