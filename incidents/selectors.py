"""Reads for incidents, scoped to what the acting user may see (rules in accounts.access).

Two things are read, never mixed up: the private report (the company and its specialist)
and the shared projection (the chamber's members, by TLP). A withdrawn projection is in no
list, feed, aggregate or export.
"""

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import Chamber, Company, User
from incidents import aggregates
from incidents.categories import TLP_EXPORTED, TLP_FOR_MEMBERS, TLP_FOR_RECIPIENTS, Tlp
from incidents.models import IncidentReport, SharedIncident, SharingPolicy
from marketplace.errors import NotFound, get_or_not_found


def reports_visible_to(user: User | AnonymousUser) -> QuerySet[IncidentReport]:
    """The company's people (owner and members) and the engagement's specialist; operators.
    Chamber admins work with the projection, never the report."""
    qs = IncidentReport.objects.select_related("company", "engagement__specialist__user", "shared")
    return access.visible(qs, user, company="company", specialist="engagement__specialist")


def access_report(user: User | AnonymousUser, report_id: uuid.UUID | str) -> IncidentReport:
    return get_or_not_found(reports_visible_to(user), report_id, _("Incident report not found."))


def may_see_losses(user: User | AnonymousUser, report: IncidentReport) -> bool:
    """What was lost and what it cost: the company's people and operators, not the specialist."""
    return access.is_staff(user) or access.is_member(user, report.company_id)


def loss_readers(user: User | AnonymousUser) -> Callable[[IncidentReport], bool]:
    """`may_see_losses` for many reports with one query (a list's rows)."""
    actor = access.active_user(user)
    if actor is None:
        return lambda report: False
    if actor.is_staff:
        return lambda report: True
    mine = set(_my_companies(actor).values_list("pk", flat=True))
    return lambda report: report.company_id in mine


def acts_for_company(user: User | AnonymousUser, report: IncidentReport) -> bool:
    return access.is_member(user, report.company_id)


def acts_as_specialist(user: User | AnonymousUser, report: IncidentReport) -> bool:
    return access.is_specialist_user(user, report.engagement.specialist.user_id)


def _my_companies(actor: User) -> QuerySet[Company]:
    return Company.objects.filter(access.member_filter("", actor))


def shared_incidents_visible_to(user: User | AnonymousUser) -> QuerySet[SharedIncident]:
    """- operators: every approved or shared projection;
    - a chamber admin: their chamber's approved (to publish) and shared ones, every TLP;
    - an SME's owner or member: shared ones of their companies' chambers, TLP:CLEAR and
      TLP:GREEN, and TLP:AMBER where one of their companies is a named recipient;
    - anyone else (specialists, a 社労士): nothing. AMBER+STRICT and RED never leave the admins.
    """
    actor = access.active_user(user)
    qs = SharedIncident.objects.select_related("chamber")
    if actor is None:
        return qs.none()
    if actor.is_staff:
        return qs.filter(status__in=SharedIncident.FOR_ADMINS)
    if actor.is_chamber_admin and actor.chamber_id is not None:
        return qs.filter(status__in=SharedIncident.FOR_ADMINS, chamber_id=actor.chamber_id)
    if actor.role != User.Role.SME:
        return qs.none()
    mine = _my_companies(actor)
    named = SharedIncident.recipients.through.objects.filter(company__in=mine).values("sharedincident_id")
    readable = Q(tlp__in=TLP_FOR_MEMBERS) | Q(tlp__in=TLP_FOR_RECIPIENTS, pk__in=named)
    return qs.filter(readable, status=SharedIncident.Status.SHARED, chamber_id__in=mine.values("chamber_id"))


def access_shared_incident(user: User | AnonymousUser, shared_id: uuid.UUID | str) -> SharedIncident:
    return get_or_not_found(shared_incidents_visible_to(user), shared_id, _("Shared incident not found."))


def feed_for(user: User | AnonymousUser) -> QuerySet[SharedIncident]:
    """What the user reads as shared (not what waits for publication)."""
    return shared_incidents_visible_to(user).filter(status=SharedIncident.Status.SHARED)


def incidents_for_export(user: User | AnonymousUser) -> QuerySet[SharedIncident]:
    """The STIX export: a chamber admin's (an operator's: every chamber's) shared reports, RED never."""
    if not (access.is_staff(user) or getattr(access.active_user(user), "is_chamber_admin", False)):
        return SharedIncident.objects.none()
    return feed_for(user).filter(tlp__in=TLP_EXPORTED).select_related("chamber").order_by("shared_at", "id")


def policy_of(chamber_id: Any) -> SharingPolicy:
    """The chamber's settings, or the defaults (k = 5, 80 %) while it has none saved."""
    return SharingPolicy.objects.filter(chamber_id=chamber_id).first() or SharingPolicy(chamber_id=chamber_id)


def access_policy(user: User | AnonymousUser, chamber_id: uuid.UUID | str) -> SharingPolicy:
    """A chamber's policy, for its admins and operators (anyone else: not found)."""
    chamber = get_or_not_found(Chamber.objects.all(), chamber_id, _("Chamber not found."))
    if not access.administers(user, chamber.pk):
        raise NotFound(_("Chamber not found."))
    return policy_of(chamber.pk)


def incident_aggregates(user: User | AnonymousUser) -> aggregates.Table:
    """Counts of what the user may read as shared (RED never), with k-anonymity enforced at the
    strictest setting of the chambers involved."""
    shared = list(
        feed_for(user)
        .exclude(tlp=Tlp.RED)
        .select_related("report__company")
        .only(
            "chamber_id",
            "category",
            "report__occurred_on",
            "report__loss_jpy",
            "report__company__id",
            "report__company__industry",
            "report__company__prefecture",
            "report__company__employees",
            "report__company__capital_jpy",
            "report__company__entity_type",
        )
    )
    chambers = {item.chamber_id for item in shared}
    policies = [policy_of(chamber_id) for chamber_id in chambers] or [SharingPolicy()]
    rows = [
        aggregates.Row(
            organisation=str(item.report.company_id),
            category=item.category,
            industry=item.report.company.industry,
            size_class=item.report.company.size_class,
            prefecture=item.report.company.prefecture,
            month=item.report.occurred_on.replace(day=1),
            loss_jpy=item.report.loss_jpy,
        )
        for item in shared
    ]
    return aggregates.tabulate(
        rows,
        k=max(policy.k_threshold for policy in policies),
        dominance_percent=min(policy.dominance_percent for policy in policies),
    )
