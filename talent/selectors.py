"""Reads for the talent bank, scoped to what the acting user may see."""

import uuid

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from marketplace.errors import NotFound, get_or_not_found
from talent.models import (
    LISTED,
    Certification,
    Skill,
    Specialist,
    SpecialistQuerySet,
    SpecialistSkill,
    TravelPrefecture,
)


def skills() -> QuerySet[Skill]:
    return Skill.objects.order_by("position", "slug")


def with_profile_relations(qs: SpecialistQuerySet) -> SpecialistQuerySet:
    """Everything a profile shows, contact included, in a fixed number of queries."""
    return _prefetch_profile_relations(qs.select_related("user"))


def _prefetch_profile_relations(qs: SpecialistQuerySet) -> SpecialistQuerySet:
    # Only what a profile shows, with the skill's slug annotated rather than a Skill instance
    # per row: building instances was most of a directory page's cost (bench/directory.py).
    return qs.prefetch_related(
        Prefetch(
            "skill_levels",
            queryset=SpecialistSkill.objects.only("id", "specialist_id", "level")
            .annotate(skill_slug=F("skill__slug"))
            .order_by("skill__position"),
        ),
        Prefetch("travel", queryset=TravelPrefecture.objects.only("id", "specialist_id", "prefecture")),
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
    qs = with_profile_relations(Specialist.objects.all())
    actor = access.active_user(user)
    if actor is None:
        return qs.none()
    if access.reviews_talent(actor):
        return qs
    if actor.role == User.Role.SPECIALIST:
        return qs.filter(LISTED | Q(user=actor))
    return qs.filter(LISTED)


def access_specialist(user: User | AnonymousUser, specialist_id: uuid.UUID | str) -> Specialist:
    return get_or_not_found(specialists_visible_to(user), specialist_id, _("Specialist not found."))


def own_specialist(user: User) -> Specialist:
    try:
        return with_profile_relations(Specialist.objects.all()).get(user=user)
    except Specialist.DoesNotExist as exc:
        raise NotFound(_("You have no specialist profile.")) from exc


def may_see_contact(user: User | AnonymousUser, specialist: Specialist) -> bool:
    """Contact details: the specialist, chamber admins and staff (engaged companies: matching's rule)."""
    return access.reviews_talent(user) or access.is_specialist_user(user, specialist.user_id)


def certifications_visible_to(user: User | AnonymousUser) -> QuerySet[Certification]:
    """Chamber admins review every credential (shared bank); a specialist sees their own."""
    return access.visible(
        Certification.objects.select_related("specialist"), user, specialist="specialist", whole_bank=True
    )


def access_certification(user: User | AnonymousUser, certification_id: uuid.UUID | str) -> Certification:
    return get_or_not_found(certifications_visible_to(user), certification_id, _("Certification not found."))
