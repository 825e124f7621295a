"""Reads for matching, scoped to what the acting user may see."""

import uuid

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from accounts.models import CompanyMembership, User
from marketplace.errors import get_or_not_found
from matching.models import AdvisorRequest, Engagement, MatchRun, Proposal, RequiredSkill
from talent import selectors as talent_selectors
from talent.models import Specialist

# What each side sees of a proposal's life.
SME_VISIBLE = ("accepted", "selected", "not_selected")
SPECIALIST_VISIBLE = ("approved", "accepted", "declined", "selected", "not_selected", "expired")


def _user(user: User | AnonymousUser) -> User | None:
    return user if isinstance(user, User) and user.is_active else None


def requests_visible_to(user: User | AnonymousUser) -> QuerySet[AdvisorRequest]:
    qs = AdvisorRequest.objects.select_related("company").prefetch_related(
        Prefetch("required_skills", queryset=RequiredSkill.objects.select_related("skill"))
    )
    actor = _user(user)
    if actor is None:
        return qs.none()
    if actor.is_staff:
        return qs
    if actor.is_chamber_admin and actor.chamber_id:
        return qs.filter(company__chamber_id=actor.chamber_id)
    if actor.role == User.Role.SME:
        return qs.filter(company__memberships__user=actor)
    return qs.none()


def access_request(user: User | AnonymousUser, request_id: uuid.UUID | str) -> AdvisorRequest:
    return get_or_not_found(requests_visible_to(user), request_id, _("Request not found."))


def runs_visible_to(user: User | AnonymousUser) -> QuerySet[MatchRun]:
    qs = MatchRun.objects.all()
    actor = _user(user)
    if actor is None:
        return qs.none()
    if actor.is_staff:
        return qs
    if actor.is_chamber_admin and actor.chamber_id:
        return qs.filter(chamber_id=actor.chamber_id)
    return qs.none()


def access_run(user: User | AnonymousUser, run_id: uuid.UUID | str) -> MatchRun:
    return get_or_not_found(runs_visible_to(user), run_id, _("Match run not found."))


def proposals_visible_to(user: User | AnonymousUser) -> QuerySet[Proposal]:
    """Admins: their chamber's. SMEs: their requests' from accepted on. Specialists: theirs from approved on."""
    qs = Proposal.objects.select_related("request__company", "specialist")
    actor = _user(user)
    if actor is None:
        return qs.none()
    if actor.is_staff:
        return qs
    if actor.is_chamber_admin and actor.chamber_id:
        return qs.filter(request__company__chamber_id=actor.chamber_id)
    if actor.role == User.Role.SME:
        return qs.filter(request__company__memberships__user=actor, status__in=SME_VISIBLE)
    if actor.role == User.Role.SPECIALIST:
        return qs.filter(specialist__user=actor, status__in=SPECIALIST_VISIBLE)
    return qs.none()


def access_proposal(user: User | AnonymousUser, proposal_id: uuid.UUID | str) -> Proposal:
    return get_or_not_found(proposals_visible_to(user), proposal_id, _("Proposal not found."))


def engagements_visible_to(user: User | AnonymousUser) -> QuerySet[Engagement]:
    qs = Engagement.objects.select_related("specialist__user", "company").prefetch_related(
        Prefetch(
            "company__memberships",
            queryset=CompanyMembership.objects.filter(role="owner").select_related("user"),
            to_attr="owners",
        )
    )
    actor = _user(user)
    if actor is None:
        return qs.none()
    if actor.is_staff:
        return qs
    if actor.is_chamber_admin and actor.chamber_id:
        return qs.filter(company__chamber_id=actor.chamber_id)
    if actor.role == User.Role.SME:
        return qs.filter(company__memberships__user=actor)
    if actor.role == User.Role.SPECIALIST:
        return qs.filter(specialist__user=actor)
    return qs.none()


def access_engagement(user: User | AnonymousUser, engagement_id: uuid.UUID | str) -> Engagement:
    return get_or_not_found(engagements_visible_to(user), engagement_id, _("Engagement not found."))


def may_see_specialist_contact(user: User | AnonymousUser, specialist: Specialist) -> bool:
    """Self, chamber admins, staff (talent's rule) and members of a company engaged with them."""
    if talent_selectors.may_see_contact(user, specialist):
        return True
    actor = _user(user)
    return (
        actor is not None
        and Engagement.objects.filter(specialist_id=specialist.pk, company__memberships__user=actor).exists()
    )
