"""A chamber's year, every number of it chosen so the figures can be computed by hand.

Tokyo's fiscal year 2025 (1 April 2025 00:00 to 1 April 2026 00:00, Japan time), with the
same kinds of rows just outside it (FY2024 and FY2026) and in Osaka, which must never count:

requests published in FY2025 (Alice's company unless said):
  R1 advisor, 2025-05-01 10:00, filled; first approval +2 d (a second one later), engaged +10 d
  R2 spot (company B), 2025-06-01 00:00, filled; approval +4 d, engaged +20 d (completed since)
  R3 incident, 2025-07-01 00:00, open; approval +6 d, no engagement
  R4 spot, 2025-08-01 00:00, cancelled; nothing approved
  -> published 4 (advisor 1, spot 2, incident 1, hire 0), filled 2 (50.0 %),
     median to the first approval 4.0 days (2, 4, 6), to an engagement 15.0 days (10, 20)
  (a draft never published, and requests published 2025-03 for the boundary engagements: FY2024)
engagements created: E1 (R1, Alice, active), E2 (R2, B, completed), E3 (Alice, 2025-09-01,
  terminated), EB1 (company C, 2026-03-31 23:59 JST, active) -> FY2025: SMEs served 3 (Alice
  twice), active 2, ended 2; EB2 (company D, 2026-04-01 00:00 JST, active) -> FY2026: 1 SME, 1 active
payments captured: 100,000 (fee 10,000) on 2025-06-10, 50,000 (fee 5,000) at 2026-03-31 23:59 JST,
  40,000 (fee 4,000) at 2026-04-01 00:00 JST (FY2026), 20,000 pending (never counted)
  -> FY2025 collected 150,000, fee 15,000
refunds: 30,000 (fee 3,000) succeeded, requested 2025-07-01; 10,000 pending (in flight, not counted)
  -> FY2025 refunded 30,000, fee 3,000
subsidy cases created in FY2025: draft (hire program, 600,000), submitted (hire), paid (hire,
  decided 550,000), granted (incident program, cap 1,000,000, decided 400,000); under review on
  2026-04-01 00:00 JST (FY2026)
  -> draft 1 / 0 / 0; submitted 1 / 600,000 / 0; granted 1 / 1,000,000 / 400,000;
     paid 1 / 600,000 / 550,000
diagnosis bands (latest completed, whatever the year): 6 companies achieved, 2 mostly
  -> achieved 6, every other band under 5 (hidden), 8 companies
Osaka: a published request, an engagement, a payment and a case in FY2025 (never Tokyo's).
"""

import datetime
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from accounts.models import Company
from billing.models import Invoice, Payment, Refund
from diagnosis.models import Diagnosis, Questionnaire
from diagnosis.questionnaire import CURRENT_VERSION, VERSIONS
from matching.models import AdvisorRequest, Engagement, MatchRun, Proposal
from subsidies.models import SubsidyCase, SubsidyProgram
from tests import factories
from tests.conftest import Cast
from tests.matching_fixtures import make_engagement, make_request
from tests.talent_fixtures import make_specialist
from workflow.models import StatusChange

JST = ZoneInfo("Asia/Tokyo")


def jst(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=JST)


@dataclass
class FiguresWorld:
    cast: Cast
    companies: dict[str, Company] = field(default_factory=dict)
    requests: dict[str, AdvisorRequest] = field(default_factory=dict)
    engagements: dict[str, Engagement] = field(default_factory=dict)
    specialists: list[Any] = field(default_factory=list)
    counter: int = 0

    def next(self) -> int:
        self.counter += 1
        return self.counter


def published(world: FiguresWorld, company, kind: str, at: datetime.datetime | None, status: str, **fields):
    owner = world.cast.sme_alice
    request = make_request(company, owner, kind=kind, status=status, title=f"依頼{world.next()}", **fields)
    AdvisorRequest.objects.filter(pk=request.pk).update(published_at=at)
    request.published_at = at
    return request


def proposal(world: FiguresWorld, request, *, status="approved", approved_at=None):
    specialist = world.specialists[world.next() % len(world.specialists)]
    run = MatchRun.objects.create(chamber=request.company.chamber, status="succeeded")
    found = Proposal.objects.create(
        run=run, request=request, specialist=specialist, score=500, breakdown={}, facts={}, rank=1, status=status
    )
    if approved_at is not None:
        StatusChange.objects.create(
            content_type=ContentType.objects.get_for_model(Proposal),
            object_id=found.pk,
            from_status="pending_review",
            to_status="approved",
            created_at=approved_at,
        )
    return found


def engagement(world: FiguresWorld, request, at: datetime.datetime, status: str = "active") -> Engagement:
    selected = proposal(world, request, status="selected")
    made = make_engagement(selected)
    ended = {"ended_on": at.date()} if status != "active" else {}
    Engagement.objects.filter(pk=made.pk).update(created_at=at, status=status, **ended)
    made.refresh_from_db()
    return made


def invoice(world: FiguresWorld, engaged: Engagement, amount: int, fee: int) -> Invoice:
    n = world.next()
    tax = amount * 10 // 110
    return Invoice.objects.create(
        number=f"FIG-{n:05d}",
        engagement=engaged,
        kind="retainer",
        period_start=datetime.date(2025, 1, 1) + datetime.timedelta(days=n),
        period_end=datetime.date(2025, 1, 1) + datetime.timedelta(days=n),
        amount_jpy=amount,
        fee_bps=1000,
        platform_fee_jpy=fee,
        specialist_share_jpy=amount - fee,
        issued_on=datetime.date(2025, 5, 1),
        due_on=datetime.date(2025, 5, 31),
        legal_due_on=datetime.date(2025, 5, 31),
        tax_rate_bps=1000,
        taxable_jpy=amount - tax,
        tax_jpy=tax,
        status="paid",
    )


def payment(world, engaged, amount, fee, at, *, status="succeeded", refunded=0, fee_refunded=0) -> Payment:
    return Payment.objects.create(
        invoice=invoice(world, engaged, amount, fee),
        amount_jpy=amount,
        application_fee_jpy=fee,
        specialist_share_jpy=amount - fee,
        destination_account="acct_figures",
        status=status,
        succeeded_at=at if status != "pending" else None,
        refunded_jpy=refunded,
        fee_refunded_jpy=fee_refunded,
        transfer_reversed_jpy=refunded - fee_refunded,
    )


def refund(paid: Payment, amount: int, fee: int, at: datetime.datetime, status: str = "succeeded") -> Refund:
    made = Refund.objects.create(
        payment=paid,
        amount_jpy=amount,
        fee_refunded_jpy=fee,
        transfer_reversed_jpy=amount - fee,
        reason="二重請求",
        status=status,
    )
    Refund.objects.filter(pk=made.pk).update(created_at=at)
    return made


def programs() -> dict[str, SubsidyProgram]:
    hire = SubsidyProgram.objects.create(
        kind="hire", code="figures-hire", name_ja="雇用助成", name_en="Hiring grant", authority="労働局",
        fiscal_year=2025, amount_kind="per_period", amount_jpy=600_000,
    )  # fmt: skip
    incident = SubsidyProgram.objects.create(
        kind="incident_cost", code="figures-incident", name_ja="事故対応支援", name_en="Incident support",
        authority="東京商工会議所", fiscal_year=2025, amount_kind="rate_with_cap", rate_percent=50, cap_jpy=1_000_000,
    )  # fmt: skip
    return {"hire": hire, "incident": incident}


def case(engaged: Engagement, program, at: datetime.datetime, status: str, *, period=1, decided=None) -> SubsidyCase:
    made = SubsidyCase.objects.create(
        company=engaged.company,
        engagement=engaged,
        program=program,
        period=period,
        status=status,
        decided_amount_jpy=decided,
        created_by=engaged.request.created_by,
    )
    SubsidyCase.objects.filter(pk=made.pk).update(created_at=at)
    return made


def questionnaire() -> Questionnaire:
    """The current version (a migration loads it; a browser test's flush may have removed it)."""
    data = VERSIONS[CURRENT_VERSION]
    found, _ = Questionnaire.objects.get_or_create(
        version=CURRENT_VERSION,
        defaults={"published_on": datetime.date.fromisoformat(data["published_on"]), "data": data},
    )
    return found


def diagnosed(company, owner, band: str, total: int) -> Diagnosis:
    return Diagnosis.objects.create(
        company=company,
        questionnaire=questionnaire(),
        status="completed",
        total=total,
        band=band,
        created_by=owner,
        completed_at=timezone.now(),
    )


def build(cast: Cast) -> FiguresWorld:
    world = FiguresWorld(cast)
    tokyo, osaka = cast.tokyo, cast.osaka
    alice = cast.alice_company
    world.companies = {
        "alice": alice,
        "b": factories.CompanyFactory(chamber=tokyo, name="株式会社ビー"),
        "c": factories.CompanyFactory(chamber=tokyo, name="株式会社シー"),
        "d": factories.CompanyFactory(chamber=tokyo, name="株式会社ディー"),
        "erin": cast.erin_company,
    }
    world.specialists = [
        make_specialist(factories.UserFactory(role="specialist"), display_name=f"専門家{i}") for i in range(10)
    ]
    c = world.companies

    r1 = published(world, alice, "advisor", jst(2025, 5, 1, 10), "filled")
    proposal(world, r1, approved_at=jst(2025, 5, 3, 10))
    proposal(world, r1, status="accepted", approved_at=jst(2025, 5, 4, 10))
    e1 = engagement(world, r1, jst(2025, 5, 11, 10))
    r2 = published(world, c["b"], "spot", jst(2025, 6, 1), "filled")
    proposal(world, r2, approved_at=jst(2025, 6, 5))
    e2 = engagement(world, r2, jst(2025, 6, 21), status="completed")
    r3 = published(world, alice, "incident", jst(2025, 7, 1), "open")
    proposal(world, r3, approved_at=jst(2025, 7, 7))
    published(world, alice, "spot", jst(2025, 8, 1), "cancelled")
    published(world, alice, "spot", None, "draft")

    # Engagements on requests published in FY2024 (outside the year's request figures).
    e3 = engagement(world, published(world, alice, "spot", jst(2025, 3, 15), "filled"), jst(2025, 9, 1), "terminated")
    eb1 = engagement(world, published(world, c["c"], "spot", jst(2025, 3, 1), "filled"), jst(2026, 3, 31, 23, 59))
    eb2 = engagement(world, published(world, c["d"], "spot", jst(2025, 3, 2), "filled"), jst(2026, 4, 1, 0, 0))
    world.requests = {"r1": r1, "r2": r2, "r3": r3}
    world.engagements = {"e1": e1, "e2": e2, "e3": e3, "eb1": eb1, "eb2": eb2}

    refunded = payment(
        world, e1, 100_000, 10_000, jst(2025, 6, 10), status="partially_refunded", refunded=30_000, fee_refunded=3_000
    )
    refund(refunded, 30_000, 3_000, jst(2025, 7, 1))
    boundary = payment(world, e2, 50_000, 5_000, jst(2026, 3, 31, 23, 59))
    refund(boundary, 10_000, 1_000, jst(2025, 12, 1), status="pending")
    payment(world, e1, 40_000, 4_000, jst(2026, 4, 1, 0, 0))
    payment(world, eb1, 20_000, 2_000, None, status="pending")

    program = programs()
    case(e1, program["hire"], jst(2025, 10, 1), "draft")
    case(e3, program["hire"], jst(2025, 10, 2), "submitted")
    case(e2, program["hire"], jst(2025, 10, 3), "paid", decided=550_000)
    case(e2, program["incident"], jst(2025, 11, 1), "granted", decided=400_000)
    case(eb1, program["hire"], jst(2026, 4, 1, 0, 0), "under_review")

    owner = cast.sme_alice
    achieved = [alice, c["b"], c["c"], c["d"], *(factories.CompanyFactory(chamber=tokyo) for _ in range(2))]
    for company in achieved:
        diagnosed(company, owner, "achieved", 100)
    for _ in range(2):
        diagnosed(factories.CompanyFactory(chamber=tokyo), owner, "mostly", 80)
    # Alice's older result in another band does not count: the latest one does.
    older = diagnosed(alice, owner, "mostly", 80)
    Diagnosis.objects.filter(pk=older.pk).update(completed_at=timezone.now() - datetime.timedelta(days=400))

    # Osaka: the same kinds of rows in the same year.
    ro = published(world, c["erin"], "spot", jst(2025, 6, 1), "filled")
    proposal(world, ro, approved_at=jst(2025, 6, 2))
    eo = engagement(world, ro, jst(2025, 6, 3))
    payment(world, eo, 70_000, 7_000, jst(2025, 7, 1))
    case(eo, program["hire"], jst(2025, 10, 1), "submitted")
    for _ in range(5):
        diagnosed(factories.CompanyFactory(chamber=osaka), cast.sme_erin, "achieved", 100)
    return world


@pytest.fixture(scope="module")
def figures_world(django_db_setup, django_db_blocker):
    """The world above, built once for the module in a transaction rolled back after its last
    test; each test runs in a savepoint of it (`db`), so what a test adds is gone after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        cast = Cast()
        for persona in ("admin_carol", "admin_oscar", "sme_alice", "sme_erin", "specialist_bob", "operator_olga"):
            getattr(cast, persona)
        yield build(cast)
        transaction.set_rollback(True)
