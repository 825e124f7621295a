"""Reads for matching, scoped to what the acting user may see (rules in accounts.access)."""

import uuid

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import CompanyMembership, User
from marketplace.errors import get_or_not_found
from matching.models import AdvisorRequest, Engagement, MatchRun, Proposal, RequiredSkill, Review
from talent import selectors as talent_selectors
from talent.models import LISTED, REACHABLE, Specialist, SpecialistQuerySet

_REQUIRED_SKILLS = Prefetch("required_skills", queryset=RequiredSkill.objects.select_related("skill"))


def requests_visible_to(user: User | AnonymousUser) -> QuerySet[AdvisorRequest]:
    qs = AdvisorRequest.objects.select_related("company").prefetch_related(_REQUIRED_SKILLS)
    return access.visible(qs, user, chamber="company__chamber_id", company="company")


def access_request(user: User | AnonymousUser, request_id: uuid.UUID | str) -> AdvisorRequest:
    return get_or_not_found(requests_visible_to(user), request_id, _("Request not found."))


# Where a request's proposals stand, as its company may know it: counts only, never who, until a
# specialist accepts (Proposal.VISIBLE_TO_SME). One rule for the API's request detail and the pages.
PIPELINE = {
    "waiting_for_review": Q(proposals__status=Proposal.Status.PENDING_REVIEW),
    "waiting_for_specialists": Q(proposals__status=Proposal.Status.APPROVED),
    "accepted": Q(proposals__status__in=Proposal.VISIBLE_TO_SME),
}


def with_pipeline(requests: QuerySet[AdvisorRequest]) -> QuerySet[AdvisorRequest]:
    """Each request annotated with the PIPELINE counts (one query for a whole list)."""
    return requests.annotate(
        **{name: Count("proposals", filter=rule, distinct=True) for name, rule in PIPELINE.items()}
    )


def pipeline_of(request: AdvisorRequest) -> dict[str, int]:
    """The PIPELINE counts of one request: waiting_for_review, waiting_for_specialists, accepted."""
    counts = AdvisorRequest.objects.filter(pk=request.pk).aggregate(
        **{name: Count("proposals", filter=rule, distinct=True) for name, rule in PIPELINE.items()}
    )
    return {name: int(counts[name] or 0) for name in PIPELINE}


def runs_visible_to(user: User | AnonymousUser) -> QuerySet[MatchRun]:
    return access.visible(MatchRun.objects.all(), user, chamber="chamber_id")


def access_run(user: User | AnonymousUser, run_id: uuid.UUID | str) -> MatchRun:
    return get_or_not_found(runs_visible_to(user), run_id, _("Match run not found."))


def proposals_visible_to(user: User | AnonymousUser) -> QuerySet[Proposal]:
    """Admins: their chamber's. SMEs: their requests' from accepted on. Specialists: theirs from approved on."""
    qs = Proposal.objects.select_related("request__company").prefetch_related(
        Prefetch("request__required_skills", queryset=RequiredSkill.objects.select_related("skill")),
        Prefetch("specialist", queryset=talent_selectors.with_profile_relations(Specialist.objects.all())),
    )
    return access.visible(
        qs,
        user,
        chamber="request__company__chamber_id",
        company="request__company",
        specialist="specialist",
        sme_also=Q(status__in=Proposal.VISIBLE_TO_SME),
        specialist_also=Proposal.visible_to_specialist(),
    )


def access_proposal(user: User | AnonymousUser, proposal_id: uuid.UUID | str) -> Proposal:
    return get_or_not_found(proposals_visible_to(user), proposal_id, _("Proposal not found."))


def engagements_visible_to(user: User | AnonymousUser) -> QuerySet[Engagement]:
    qs = Engagement.objects.select_related("specialist__user", "company", "request").prefetch_related(
        Prefetch(
            "company__memberships",
            queryset=CompanyMembership.objects.filter(role="owner").select_related("user"),
            to_attr="owners",
        )
    )
    return access.visible(qs, user, chamber="company__chamber_id", company="company", specialist="specialist")


def access_engagement(user: User | AnonymousUser, engagement_id: uuid.UUID | str) -> Engagement:
    return get_or_not_found(engagements_visible_to(user), engagement_id, _("Engagement not found."))


def reviews_visible_to(user: User | AnonymousUser) -> QuerySet[Review]:
    """The specialist reviewed and chamber admins read reviews; an SME reads the ones its company wrote."""
    return access.visible(
        Review.objects.select_related("engagement"),
        user,
        chamber="engagement__company__chamber_id",
        company="engagement__company",
        specialist="engagement__specialist",
    )


def _engaged_with(actor: User) -> Q:
    return Q(
        Exists(Engagement.objects.filter(specialist_id=OuterRef("pk")).filter(access.member_filter("company", actor)))
    )


def _offered_to(actor: User) -> Q:
    return Q(
        Exists(
            Proposal.objects.filter(specialist_id=OuterRef("pk"), status__in=Proposal.VISIBLE_TO_SME).filter(
                access.member_filter("request__company", actor)
            )
        )
    )


def specialists_visible_to(user: User | AnonymousUser) -> SpecialistQuerySet:
    """The talent bank's rule, plus: an SME opens the profile of a specialist who accepted one of
    its proposals or is (or was) engaged with it, listed in the directory or not."""
    actor = access.active_user(user)
    if actor is None or actor.role != User.Role.SME or actor.is_staff:
        return talent_selectors.specialists_visible_to(user)
    return talent_selectors.with_profile_relations(
        Specialist.objects.filter((LISTED & REACHABLE) | _offered_to(actor) | _engaged_with(actor))
    )


def access_specialist(user: User | AnonymousUser, specialist_id: uuid.UUID | str) -> Specialist:
    return get_or_not_found(specialists_visible_to(user), specialist_id, _("Specialist not found."))
