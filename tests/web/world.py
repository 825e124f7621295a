"""Objects for the pages' tests, built once per Cast (tests/conftest.py): Alice's Tokyo company
with a request in its pipeline, an engagement with hours and an invoice, a subsidy case with a
document; Bob's specialist profile with a proposal waiting and a credential to review; Erin's
Osaka company with its own request (the other tenant, whose data no page of Alice's shows)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from accounts.models import Company
from billing.models import Invoice, TimeEntry
from matching.models import AdvisorRequest, Engagement, MatchRun, Proposal
from subsidies.models import SubsidyCase, SubsidyDocument
from talent.models import Certification, Specialist
from tests.billing_fixtures import engaged, invoice_for
from tests.conftest import Cast
from tests.matching_fixtures import make_request
from tests.subsidies_fixtures import make_case, make_hire, programs
from tests.talent_fixtures import make_certification, make_specialist, pdf
from tests.web.incident_world import IncidentWorld
from tests.web.incident_world import build as build_incidents

ALICE_REQUEST = "アリス製作所のセキュリティ診断"
ERIN_REQUEST = "エリン商事の秘密の依頼"


@dataclass
class World:
    bob: Specialist
    request: AdvisorRequest
    run: MatchRun
    proposal: Proposal  # Bob's, approved: waiting for his answer
    engagement: Engagement  # Alice's company with Bob, hourly
    entry: TimeEntry  # logged by Bob, waiting for Alice
    invoice: Invoice
    case: SubsidyCase
    document: SubsidyDocument
    certification: Certification  # Bob's, pending review
    erin_request: AdvisorRequest
    pending_company: Company  # a Tokyo company waiting for verification
    incidents: IncidentWorld | None = None  # tests/web/incident_world.py


def world(cast: Cast) -> World:
    """The world of `cast`, made on first use."""
    made = getattr(cast, "_web_world", None)
    if made is None:
        made = _build(cast)
        made.incidents = build_incidents(cast.alice_company, cast.sme_alice, made.bob, cast.admin_carol)
        cast._web_world = made  # type: ignore[attr-defined]
    return made


def _build(cast: Cast) -> World:
    alice, company, tokyo = cast.sme_alice, cast.alice_company, cast.tokyo
    bob = make_specialist(cast.specialist_bob, display_name="坂本 ボブ")
    request = make_request(company, alice, title=ALICE_REQUEST, status="open")
    run = MatchRun.objects.create(chamber=tokyo, status="succeeded")
    proposal = Proposal.objects.create(
        run=run,
        request=request,
        specialist=bob,
        score=700,
        breakdown={},
        facts={},
        rank=1,
        status="approved",
        expires_at=timezone.now() + datetime.timedelta(days=2),
    )
    engagement = engaged(company, alice, bob, kind="spot", title="スポット診断")
    entry = TimeEntry.objects.create(
        engagement=engagement,
        work_date=timezone.localdate(),
        hours=Decimal("2.50"),
        description="ログの確認",
        logged_by=cast.specialist_bob,
    )
    retainer = engaged(company, alice, bob, kind="advisor", title="セキュリティ顧問")
    invoice = invoice_for(retainer)
    hire = make_hire(company, alice, bob)
    case = make_case(hire, next(iter(programs(tokyo).values())), alice, status="collecting_documents")
    document = SubsidyDocument(
        case=case,
        document_type="employment_contract",
        content_type="application/pdf",
        name="契約書.pdf",
        uploaded_by=alice,
    )
    document.file.save("contract.pdf", pdf(), save=False)
    document.save()
    certification = make_certification(bob)
    erin_request = make_request(cast.erin_company, cast.sme_erin, title=ERIN_REQUEST, status="open")
    pending_company = Company.objects.create(
        name="株式会社審査待ち",
        entity_type="sole_proprietor",
        industry="retail",
        employees=3,
        prefecture="13",
        chamber=tokyo,
        status="pending",
    )
    return World(
        bob=bob,
        request=request,
        run=run,
        proposal=proposal,
        engagement=engagement,
        entry=entry,
        invoice=invoice,
        case=case,
        document=document,
        certification=certification,
        erin_request=erin_request,
        pending_company=pending_company,
    )
