"""Incident engagements, reports and their shared projections for the incidents tests."""

import datetime

from accounts.models import Company
from incidents import services
from incidents.models import IncidentReport, SharedIncident
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
