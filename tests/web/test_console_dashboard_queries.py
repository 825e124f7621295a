"""The console's dashboard and its CSV run a fixed number of queries, for 1 row of everything as
for 100 (a module of its own: tests/web/test_console_dashboard.py holds a module-wide world)."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Company
from billing.models import Invoice
from figures import fiscal
from matching.models import Proposal
from subsidies.models import SubsidyProgram
from tests import factories
from tests.figures.world import FiguresWorld, case, diagnosed, engagement, payment, proposal, published, refund
from tests.talent_fixtures import make_specialist
from tests.web.test_console_dashboard import CSV_URL, HOME, count_of, csv_rows

# --- a fixed number of queries ----------------------------------------------------


def rows(cast, n):
    """n of everything the dashboard counts or sums, in Tokyo's current fiscal year."""
    world = FiguresWorld(cast)
    world.specialists = [
        make_specialist(factories.UserFactory(role="specialist"), display_name=f"専門家{i}") for i in range(3)
    ]
    program = SubsidyProgram.objects.create(
        kind="hire", code="figures-rows", name_ja="雇用助成", name_en="Hiring grant", authority="労働局",
        fiscal_year=2026, amount_kind="per_period", amount_jpy=600_000,
    )  # fmt: skip
    now, start = timezone.now(), fiscal.current().starts_at
    for _i in range(n):
        company = factories.CompanyFactory(chamber=cast.tokyo)
        factories.CompanyFactory(chamber=cast.tokyo, status=Company.Status.PENDING)
        request = published(world, company, "incident", start + datetime.timedelta(hours=1), "open")
        proposal(world, request, approved_at=start + datetime.timedelta(hours=2))
        proposal(world, request, status="pending_review")
        engaged = engagement(world, request, start + datetime.timedelta(hours=3))
        paid = payment(
            world, engaged, 10_000, 1_000, now, status="partially_refunded", refunded=1_000, fee_refunded=100
        )
        refund(paid, 1_000, 100, now)
        refund(paid, 500, 50, now, status="pending")
        case(engaged, program, now, "submitted")
        diagnosed(company, cast.sme_alice, "achieved", 100)
        Invoice.objects.filter(pk=paid.invoice_id).update(status="open", due_on=datetime.date(2025, 5, 31))
    assert Proposal.objects.filter(status="pending_review").count() == n


@pytest.mark.parametrize("n", [1, 100])
def test_the_dashboard_runs_a_constant_number_of_queries(client, cast, django_assert_num_queries, n):
    rows(cast, n)
    client.force_login(cast.admin_carol)
    # The session and the user (2); nine queues, each its count and oldest item in one query, the
    # live runs' ids (9: figures/queues.py); the year's figures (9: figures/selectors.py: the
    # chamber, requests by kind, the two medians' timestamps, engagements, payments, refunds,
    # subsidy stages, and the diagnosis bands' chamber and counts).
    with django_assert_num_queries(20):
        response = client.get(HOME)
    body = response.content.decode()
    assert count_of(body, "proposals") == n
    assert count_of(body, "refunds") == n
    assert count_of(body, "invoices") == n
    # Again within five minutes: the figures' part comes drawn from the cache (2 + 9 queues).
    with django_assert_num_queries(11):
        again = client.get(HOME)
    assert again.content.decode().count('<svg class="chart" role="img"') == 5
    # Through the CSV: the same selectors, without the queues, never cached (2 + 9).
    with django_assert_num_queries(11):
        response = client.get(CSV_URL)
    values = {(row[1], row[2]): row[3] for row in csv_rows(response)[1:]}
    assert values[("支援した中小企業数", "全体")] == str(n)
    assert values[("回収した支払い", "金額")] == str(10_000 * n)
