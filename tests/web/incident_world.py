"""The incident pages' part of the pages' world (tests/web/world.py): three incident engagements of
Alice's company with Bob — one with two paid invoices and a forensics-program case on it (no
report yet), one whose report is de-identified and waits for Alice's approval, one whose report
is shared at TLP:GREEN by Carol."""

import datetime
from dataclasses import dataclass
from itertools import count

from django.utils import timezone

from billing.models import Invoice, Payment
from incidents import services
from incidents.models import IncidentReport, SharedIncident
from matching.models import Engagement
from subsidies.models import SubsidyCase, SubsidyProgram
from tests.incidents_fixtures import incident_engagement, make_report, share
from tests.subsidies_fixtures import make_case, programs

INCIDENT_TITLE = "ランサムウェアによるファイルサーバ暗号化"
_numbers = count(9001)


@dataclass
class IncidentWorld:
    engagement: Engagement  # no report; two paid invoices; the forensics case
    report: IncidentReport  # de-identified, waiting for Alice's approval
    shared: SharedIncident  # shared at TLP:GREEN
    case: SubsidyCase  # the forensics program's, in draft


def paid_invoice(engagement: Engagement, amount: int, *, paid: bool = True) -> Invoice:
    """An invoice of the incident engagement, paid by card (a captured payment) unless `paid` is False."""
    serial = next(_numbers)
    number = f"202605-{serial:05d}"
    start = datetime.date(2026, 5, 14) + datetime.timedelta(days=serial % 300)
    made = Invoice.objects.create(
        number=number,
        engagement=engagement,
        kind="hours",
        period_start=start,
        period_end=start + datetime.timedelta(days=10),
        amount_jpy=amount,
        fee_bps=1000,
        platform_fee_jpy=amount // 10,
        specialist_share_jpy=amount - amount // 10,
        issued_on=start + datetime.timedelta(days=11),
        due_on=start + datetime.timedelta(days=41),
        legal_due_on=start + datetime.timedelta(days=41),
        tax_rate_bps=1000,
        tax_jpy=amount * 10 // 110,
        taxable_jpy=amount - amount * 10 // 110,
        status="paid" if paid else "open",
        paid_at=timezone.now() - datetime.timedelta(days=3) if paid else None,
    )
    if paid:
        Payment.objects.create(
            invoice=made,
            amount_jpy=amount,
            application_fee_jpy=amount // 10,
            specialist_share_jpy=amount - amount // 10,
            destination_account="acct_bob",
            payment_intent_id=f"pi_{number}",
            status="succeeded",
        )
    return made


def forensics_program(chamber) -> SubsidyProgram:
    return programs(chamber)["demo-chamber-forensics"]


def build(company, owner, bob, admin) -> IncidentWorld:
    engagement = incident_engagement(company, owner, bob)
    paid_invoice(engagement, 300_000)
    paid_invoice(engagement, 200_000)
    case = make_case(engagement, forensics_program(company.chamber), owner)
    report = make_report(incident_engagement(company, owner, bob), owner, tlp="green")
    services.deidentify_report(report=report, user=owner)
    shared = share(make_report(incident_engagement(company, owner, bob), owner, tlp="green"), owner, admin)
    return IncidentWorld(
        engagement=engagement, report=IncidentReport.objects.get(pk=report.pk), shared=shared, case=case
    )
