"""Writes for incidents: reports, their de-identified projection and its sharing states.

draft -> deidentified -> approved (the company) -> shared (the chamber's admin) -> withdrawn,
each a guarded transition with its history row (workflow.services). A change to what the
projection reads sends it back to draft; a shared one is withdrawn before anything it
shares may change.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import Chamber, Company, User
from incidents import deidentify
from incidents.categories import TLP_FOR_RECIPIENTS, IncidentCategory, Tlp
from incidents.models import IncidentReport, SharedIncident, SharingPolicy
from marketplace.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    refuse_unknown_fields,
    require_reason,
)
from matching.models import Engagement
from talent.models import RequestKind
from workflow.services import record_creation, transition

REPORT_FIELDS = IncidentReport.TECHNICAL_FIELDS | IncidentReport.COMPANY_FIELDS
LIST_FIELDS = ("hashes", "domains", "ips", "email_senders", "techniques", "victim_domains", "victim_ips")


def _side(user: User, report_company_id: Any, specialist_user_id: Any) -> str:
    """ "company" (its owner or members), "specialist" (the engagement's), or a 404."""
    if access.is_member(user, report_company_id):
        return "company"
    if access.is_specialist_user(user, specialist_user_id):
        return "specialist"
    raise NotFound(_("Incident report not found."))


def _check_fields(side: str, fields: dict[str, Any]) -> dict[str, Any]:
    refuse_unknown_fields(fields, REPORT_FIELDS)
    if side == "specialist" and set(fields) & IncidentReport.COMPANY_FIELDS:
        raise PermissionDenied(_("Only the company records its losses, its own hosts and the TLP label."))
    problems = deidentify.indicator_problems(fields)
    if problems:
        raise ValidationFailed.from_errors(
            {name: _("Not a valid entry: %(value)s") % {"value": value} for name, value in problems.items()}
        )
    cleaned = dict(fields)
    for name in LIST_FIELDS:
        if name in cleaned:
            cleaned[name] = list(dict.fromkeys(value.strip() for value in cleaned[name]))
    if "category" in cleaned and cleaned["category"] not in IncidentCategory.values:
        raise ValidationFailed(_("Unknown category."), field="category")
    if "tlp" in cleaned and cleaned["tlp"] not in Tlp.values:
        raise ValidationFailed(_("Unknown TLP label."), field="tlp")
    return cleaned


def _check_dates(report: IncidentReport) -> None:
    """Before full_clean, so the person reads these words beside the field rather than the name
    of the database constraint that backs them; a missing date is full_clean's to report."""
    if report.occurred_on is None or report.discovered_on is None:
        return
    today = timezone.localdate()
    if report.occurred_on > today or report.discovered_on > today:
        raise ValidationFailed(_("An incident is reported after it happened."), field="discovered_on")
    if report.discovered_on < report.occurred_on:
        raise ValidationFailed(_("It was found on or after the day it happened."), field="discovered_on")


@transaction.atomic
def create_report(*, user: User, engagement: Engagement, **fields: Any) -> IncidentReport:
    """The company or its specialist starts the report of an incident engagement (one each);
    its projection starts as a draft."""
    side = _side(user, engagement.company_id, engagement.specialist.user_id)
    if engagement.kind != RequestKind.INCIDENT:
        raise ValidationFailed(_("Incident reports follow incident engagements."), field="engagement")
    cleaned = _check_fields(side, fields)
    if IncidentReport.objects.filter(engagement=engagement).exists():
        raise Conflict(_("This engagement already has its report."))
    report = IncidentReport(engagement=engagement, company=engagement.company, created_by=user, **cleaned)
    _check_dates(report)
    report.full_clean(exclude=["engagement", "company", "created_by"])
    report.save()
    shared = SharedIncident.objects.create(
        report=report, chamber_id=engagement.company.chamber_id, tlp=report.tlp, category=report.category
    )
    record_creation(shared, by=user)
    return report


@transaction.atomic
def update_report(*, report: IncidentReport, user: User, **fields: Any) -> IncidentReport:
    """Edit the report. What the projection reads may change until it is shared (a change sends
    a de-identified or approved projection back to draft); losses may always change."""
    side = _side(user, report.company_id, report.engagement.specialist.user_id)
    cleaned = _check_fields(side, fields)
    report = IncidentReport.objects.select_for_update().get(pk=report.pk)
    shared = SharedIncident.objects.select_for_update().get(report=report)
    touches_shared = bool(set(cleaned) & IncidentReport.SHARED_FROM)
    if touches_shared and shared.status == SharedIncident.Status.SHARED:
        raise Conflict(_("This report is shared: withdraw it before changing what it shares."))
    for name, value in cleaned.items():
        setattr(report, name, value)
    _check_dates(report)
    report.full_clean(exclude=["engagement", "company", "created_by"])
    report.save()
    if touches_shared and shared.status in (SharedIncident.Status.DEIDENTIFIED, SharedIncident.Status.APPROVED):
        transition(shared, to=SharedIncident.Status.DRAFT, by=user, note=_("The report changed: de-identify it again."))
    return report


@transaction.atomic
def deidentify_report(*, report: IncidentReport, user: User) -> SharedIncident:
    """draft (or deidentified again) -> deidentified: the projection computed from the report.
    The company and the specialist may both run it; only the company approves the result."""
    _side(user, report.company_id, report.engagement.specialist.user_id)
    report = (
        IncidentReport.objects.select_for_update()
        .select_related("company", "engagement__specialist__user")
        .get(pk=report.pk)
    )
    shared = SharedIncident.objects.select_for_update().get(report=report)
    if shared.status not in SharedIncident.BEFORE_APPROVAL:
        raise InvalidTransition(shared, to=SharedIncident.Status.DEIDENTIFIED)
    projected = deidentify.project(report)
    for name, value in projected.items():
        setattr(shared, name, value)
    digest = deidentify.digest_of(shared)
    transition(
        shared,
        to=SharedIncident.Status.DEIDENTIFIED,
        by=user,
        allowed_from=set(SharedIncident.BEFORE_APPROVAL),
        digest=digest,
        deidentified_at=timezone.now(),
        **projected,
    )
    return shared


@transaction.atomic
def approve_shared_incident(*, report: IncidentReport, user: User, digest: str) -> SharedIncident:
    """deidentified -> approved, by the company's owner or a member, for exactly the text it
    previewed: `digest` is the preview's, and a projection changed since is a 409."""
    if _side(user, report.company_id, report.engagement.specialist.user_id) != "company":
        raise PermissionDenied(_("The company approves what is shared of its incident."))
    shared = SharedIncident.objects.select_for_update().get(report=report)
    if shared.status != SharedIncident.Status.DEIDENTIFIED:
        raise InvalidTransition(shared, to=SharedIncident.Status.APPROVED)
    if not digest or digest != shared.digest:
        raise Conflict(_("What would be shared changed since this preview: read it again before approving."))
    transition(shared, to=SharedIncident.Status.APPROVED, by=user, approved_by=user, approved_at=timezone.now())
    return shared


@transaction.atomic
def share_incident(*, shared: SharedIncident, admin: User, recipients: list[Company] | None = None) -> SharedIncident:
    """approved -> shared, by an admin of the victim's chamber. TLP:AMBER names its recipients:
    member organisations of the chamber; no other label takes any."""
    access.ensure_admin_of(admin, shared.chamber_id, _("Shared incident not found."))
    if shared.status != SharedIncident.Status.APPROVED:
        raise InvalidTransition(shared, to=SharedIncident.Status.SHARED)
    chosen = list(recipients or [])
    if shared.tlp in TLP_FOR_RECIPIENTS:
        if not chosen:
            raise ValidationFailed(
                _("Name the member organisations that receive a TLP:AMBER report."), field="recipients"
            )
        if any(company.chamber_id != shared.chamber_id for company in chosen):
            raise ValidationFailed(_("Recipients are member organisations of this chamber."), field="recipients")
    elif chosen:
        raise ValidationFailed(_("Only a TLP:AMBER report has named recipients."), field="recipients")
    transition(shared, to=SharedIncident.Status.SHARED, by=admin, shared_by=admin, shared_at=timezone.now())
    shared.recipients.set(chosen)
    return shared


@transaction.atomic
def withdraw_shared_incident(*, shared: SharedIncident, user: User, note: str) -> SharedIncident:
    """Any state but withdrawn -> withdrawn, by the company or its chamber's admin, with the reason.
    It leaves every list, feed, aggregate and export at once (they read shared rows only)."""
    report = shared.report
    company_side = access.is_member(user, report.company_id)
    if not (company_side or access.administers(user, shared.chamber_id)):
        raise NotFound(_("Shared incident not found."))
    if not company_side and shared.status not in SharedIncident.FOR_ADMINS:
        raise NotFound(_("Shared incident not found."))
    reason = require_reason(note, message=_("Give the reason for withdrawing it."))
    transition(shared, to=SharedIncident.Status.WITHDRAWN, by=user, note=reason, withdrawn_at=timezone.now())
    return shared


@transaction.atomic
def set_sharing_policy(
    *, chamber: Chamber, admin: User, k_threshold: int | None = None, dominance_percent: int | None = None
) -> SharingPolicy:
    """A chamber's admin sets how many organisations a published cell covers, and the dominance rule."""
    if not access.administers(admin, chamber.pk):
        raise NotFound(_("Chamber not found."))
    policy = SharingPolicy.objects.select_for_update().filter(chamber=chamber).first() or SharingPolicy(chamber=chamber)
    if k_threshold is not None:
        policy.k_threshold = k_threshold
    if dominance_percent is not None:
        policy.dominance_percent = dominance_percent
    policy.full_clean(exclude=["chamber"])
    policy.save()
    return policy
