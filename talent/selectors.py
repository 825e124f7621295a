"""Reads for the talent bank, scoped to what the acting user may see."""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from marketplace.errors import NotFound, get_or_not_found
from talent.models import (
    LISTED,
    REACHABLE,
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
    # Only what a profile shows, with the skill's slug annotated rather than a Skill instance per row.
    return qs.select_related("user").prefetch_related(
        Prefetch(
            "skill_levels",
            queryset=SpecialistSkill.objects.only("id", "specialist_id", "level")
            .annotate(skill_slug=F("skill__slug"))
            .order_by("skill__position", "skill__slug"),
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
    whole listed set before the LIMIT cost ~100 ms at 100,000 profiles. A page reads its
    rows as plain values and their relations with `profile_relations`.
    """
    return Specialist.objects.listed().order_by(F("rating").desc(nulls_last=True), "id")


@dataclass(frozen=True)
class ProfileRelations:
    """What a profile shows beyond its own row."""

    skills: list[tuple[str, int]] = field(default_factory=list)  # (slug, level) in the taxonomy's order
    travel_prefectures: list[str] = field(default_factory=list)  # sorted
    certifications: list[str] = field(default_factory=list)  # kinds of counting credentials, sorted


def profile_relations(specialist_ids: list[uuid.UUID]) -> dict[uuid.UUID, ProfileRelations]:
    """The skills, travel prefectures and counting credential kinds of these profiles, in three
    queries of plain values: a directory page built from model instances and prefetches spent
    most of its time building them (bench/load.py)."""
    skills: dict[uuid.UUID, list[tuple[str, int]]] = defaultdict(list)
    levels = SpecialistSkill.objects.filter(specialist_id__in=specialist_ids).order_by("skill__position", "skill__slug")
    for specialist_id, slug, level in levels.values_list("specialist_id", "skill__slug", "level"):
        skills[specialist_id].append((slug, level))
    travel: dict[uuid.UUID, list[str]] = defaultdict(list)
    reach = TravelPrefecture.objects.filter(specialist_id__in=specialist_ids).order_by("prefecture")
    for specialist_id, prefecture in reach.values_list("specialist_id", "prefecture"):
        travel[specialist_id].append(prefecture)
    kinds: dict[uuid.UUID, set[str]] = defaultdict(set)
    counting = Certification.objects.counting().filter(specialist_id__in=specialist_ids).order_by()
    for specialist_id, kind in counting.values_list("specialist_id", "kind"):
        kinds[specialist_id].add(kind)
    return {
        specialist_id: ProfileRelations(skills[specialist_id], travel[specialist_id], sorted(kinds[specialist_id]))
        for specialist_id in specialist_ids
    }


def specialists_visible_to(user: User | AnonymousUser) -> SpecialistQuerySet:
    """Chamber admins and staff: the whole shared bank. Others: listed profiles and their own."""
    qs = with_profile_relations(Specialist.objects.all())
    actor = access.active_user(user)
    if actor is None:
        return qs.none()
    if access.reviews_talent(actor):
        return qs
    if actor.role == User.Role.SPECIALIST:
        return qs.filter((LISTED & REACHABLE) | Q(user=actor))
    return qs.filter(LISTED & REACHABLE)


def access_specialist(user: User | AnonymousUser, specialist_id: uuid.UUID | str) -> Specialist:
    return get_or_not_found(specialists_visible_to(user), specialist_id, _("Specialist not found."))


def own_specialist(user: User) -> Specialist:
    try:
        return with_profile_relations(Specialist.objects.all()).get(user=user)
    except Specialist.DoesNotExist as exc:
        raise NotFound(_("You have no specialist profile.")) from exc


class ContactScope:
    """Whose contact details (legal name, email, phone) one user may see — the privacy rule of
    DESIGN.md, decided here and nowhere else: a specialist their own; chamber admins and staff
    everyone's (the talent bank is shared); a member of a company the specialists who are or were
    engaged with it. Nobody else, and the directory never.

    Built once per response: the engaged specialists are read by one query, the first time a
    member of a company asks, so a page of engagements costs one query, not one a row.
    """

    def __init__(self, user: User | AnonymousUser | None) -> None:
        self._actor = access.active_user(user)

    def allows(self, specialist: Specialist) -> bool:
        actor = self._actor
        if actor is None:
            return False
        if access.reviews_talent(actor) or access.is_specialist_user(actor, specialist.user_id):
            return True
        return specialist.pk in self._engaged

    @cached_property
    def _engaged(self) -> frozenset[uuid.UUID]:
        if self._actor is None:
            return frozenset()
        # Engagements are matching's rows, reached by their reverse relation: talent does not import matching.
        engaged = Specialist.objects.filter(access.member_filter("engagements__company", self._actor))
        return frozenset(engaged.values_list("pk", flat=True).distinct())


def may_see_contact(user: User | AnonymousUser | None, specialist: Specialist) -> bool:
    """May `user` see this specialist's contact details (ContactScope's rule, for one profile)."""
    return ContactScope(user).allows(specialist)


def may_see_history(user: User | AnonymousUser | None, specialist: Specialist) -> bool:
    """A profile's status history: the specialist, chamber admins and staff (an engaged company
    sees the contact details, not how the profile was reviewed)."""
    return access.reviews_talent(user) or access.is_specialist_user(user, specialist.user_id)


def certifications_visible_to(user: User | AnonymousUser) -> QuerySet[Certification]:
    """Chamber admins review every credential (shared bank); a specialist sees their own."""
    return access.visible(
        Certification.objects.select_related("specialist"), user, specialist="specialist", whole_bank=True
    )


def access_certification(user: User | AnonymousUser, certification_id: uuid.UUID | str) -> Certification:
    return get_or_not_found(certifications_visible_to(user), certification_id, _("Certification not found."))
