"""Incident engagements, reports and their shared projections for the incidents tests."""

import datetime
from typing import Any

from accounts.models import Company
from incidents import services
from incidents.models import IncidentReport, SharedIncident, SharingPolicy
from tests import factories
from tests.billing_fixtures import engaged

REPORT = {
    "title": "ランサムウェアによるファイルサーバ暗号化",
    "category": "ransomware",
    "occurred_on": datetime.date(2026, 5, 12),
    "discovered_on": datetime.date(2026, 5, 14),
    "summary": "VPN機器の脆弱性を突かれ、ファイルサーバが暗号化された。",
    "what_worked": "オフラインバックアップからの復旧。",
    "hashes": ["d41d8cd98f00b204e9800998ecf8427e"],
    "domains": ["c2.evil-example.net"],
    "ips": ["45.67.89.10"],
    "email_senders": ["billing@evil-example.net"],
    "techniques": ["T1190", "T1486"],
    "losses": "3日間の操業停止",
    "loss_jpy": 2_000_000,
}


def incident_engagement(company, owner, specialist, **terms):
    return engaged(
        company,
        owner,
        specialist,
        kind="incident",
        title="インシデント対応",
        service_start=datetime.date(2026, 5, 14),
        **terms,
    )


def make_report(engagement, user, **fields) -> IncidentReport:
    return services.create_report(user=user, engagement=engagement, **(REPORT | fields))


def share(report, owner, admin, recipients=()) -> SharedIncident:
    """The whole walk: de-identified, approved by the company, shared by the chamber's admin."""
    shared = services.deidentify_report(report=report, user=owner)
    services.approve_shared_incident(report=report, user=owner, digest=shared.digest)
    return services.share_incident(
        shared=SharedIncident.objects.get(pk=shared.pk), admin=admin, recipients=list(recipients)
    )


def member_company(chamber, owner=None, **fields) -> Company:
    company = factories.CompanyFactory(chamber=chamber, **fields)
    factories.MembershipFactory(user=owner or factories.UserFactory(role="sme"), company=company)
    return company


# --- the permission matrix's world ------------------------------------------------------------

MATRIX_TITLE = "マトリクス報告"


def incidents_world(company, owner, bob, admin) -> dict[str, Any]:
    """{incident_report}: Alice's shop's report of an incident Bob handled, de-identified (the
    owner may approve it); {shared_incident}: another, shared at TLP:GREEN; {approved_incident}:
    a third, approved by the company and waiting for the chamber's admin."""
    waiting = make_report(incident_engagement(company, owner, bob), owner, title=MATRIX_TITLE, tlp="green")
    services.deidentify_report(report=waiting, user=owner)
    published = share(make_report(incident_engagement(company, owner, bob), owner, tlp="green"), owner, admin)
    approved_report = make_report(incident_engagement(company, owner, bob), owner, tlp="green")
    approved = services.deidentify_report(report=approved_report, user=owner)
    services.approve_shared_incident(report=approved_report, user=owner, digest=approved.digest)
    return {"incident_report": waiting.id, "shared_incident": published.id, "approved_incident": approved.id}


def incidents_bodies(world_ids) -> dict[str, Any]:
    return {
        "new_incident_report": lambda: {
            "engagement": str(world_ids["hourly"]),
            "title": "初動対応の報告",
            "category": "phishing",
            "occurred_on": "2026-10-01",
            "discovered_on": "2026-10-01",
            "techniques": ["T1566"],
        },
        "approve_incident": lambda: {"digest": SharedIncident.objects.get(report__title=MATRIX_TITLE).digest},
    }


def incidents_snapshot():
    return (
        list(IncidentReport.objects.order_by("id").values()),
        list(SharedIncident.objects.order_by("id").values()),
        list(SharedIncident.recipients.through.objects.order_by("id").values()),
        list(SharingPolicy.objects.order_by("chamber_id").values()),
    )


def clear_incidents():
    """Reports hold their engagements (PROTECT): gone first when a test removes engagements."""
    SharedIncident.objects.all().delete()
    IncidentReport.objects.all().delete()
