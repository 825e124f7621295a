"""Every list page runs a constant number of queries: the same for 1 row as for 10."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from billing.models import TimeEntry
from matching.models import MatchRun, Proposal
from subsidies.models import SubsidyDocument
from tests import factories
from tests.billing_fixtures import engaged, invoice_for
from tests.matching_fixtures import make_request
from tests.subsidies_fixtures import make_case, make_hire, programs
from tests.talent_fixtures import make_certification, make_specialist, pdf


def rows(cast, n):
    """n of everything each list shows: Alice's requests (each with a proposal), engagements,
    invoices, subsidy cases (each with a document to review); Tokyo's pending companies; the
    bank's specialists with a credential to review; Bob's proposals waiting for him."""
    alice, company, tokyo = cast.sme_alice, cast.alice_company, cast.tokyo
    program = next(iter(programs(tokyo).values()))
    run = MatchRun.objects.create(chamber=tokyo, status="succeeded")
    bob = make_specialist(cast.specialist_bob)
    for i in range(n):
        specialist = make_specialist(factories.UserFactory(role="specialist"), display_name=f"専門家{i}")
        make_certification(specialist, kind="sg", number=f"SG{i:04d}")
        request = make_request(company, alice, title=f"依頼{i}")
        Proposal.objects.create(
            run=run,
            request=request,
            specialist=bob,
            score=500,
            breakdown={},
            facts={},
            rank=1,
            status="approved",
            expires_at=timezone.now() + datetime.timedelta(days=1),
        )
        Proposal.objects.create(
            run=run, request=request, specialist=specialist, score=400, breakdown={}, facts={}, rank=2
        )
        engagement = engaged(company, alice, specialist, kind="advisor", title=f"顧問{i}")
        invoice_for(engagement)
        TimeEntry.objects.create(
            engagement=engagement,
            work_date=timezone.localdate(),
            hours=1,
            description="作業",
            logged_by=specialist.user,
        )
        case = make_case(make_hire(company, alice, specialist), program, alice)
        document = SubsidyDocument(
            case=case, document_type="plan", content_type="application/pdf", name="plan.pdf", uploaded_by=alice
        )
        document.file.save("plan.pdf", pdf(), save=False)
        document.save()
        factories.CompanyFactory(chamber=tokyo, status="pending")


# matching.capacity's two reads: binary COPYs on PostgreSQL, which Django's query count does not see.
CAPACITY_READS = 0 if connection.vendor == "postgresql" else 2
# Each page's queries, whatever the number of rows, and what marks one of its rows (with how many
# of them `rows(cast, n)` makes). Every page begins with the session and the signed-in user (2).
PAGES = [
    # requests with their pipeline counts (1), engagements (1), invoices (1), subsidy cases (1);
    # per n an open request, and the filled ones behind the retainer and the hire; the link to a new request
    ("sme:home", "sme_alice", 6, 'href="/sme/requests/', lambda n: 3 * n + 1),
    # a page of pending companies: the count and the rows (2); their forms read nothing
    # (100 rows and the filters: tests/web/test_console_bank.py)
    ("console:companies", "admin_carol", 4, 'name="verify-action"', lambda n: n),
    # a page of pending credentials with their specialist: the count and the rows (2); the three
    # lists' counts of the tabs (3)
    ("console:certifications", "admin_carol", 7, 'href="/console/certifications/', lambda n: n),
    # the count and a page of pending proposals with run, request, company and specialist (2),
    # their requests' required skills (1), capacity left (CAPACITY_READS), runs in progress (1); every list of
    # web/console/matches.py: tests/web/test_console_queues.py
    ("console:proposals", "admin_carol", 6 + CAPACITY_READS, 'name="approve-action"', lambda n: n),
    # a page of rows: the count and the rows (2); a retainer and a hire per n
    ("console:engagements", "admin_carol", 4, 'href="/console/engagements/', lambda n: 2 * n),
    ("console:invoices", "admin_carol", 4, '<td class="number">', lambda n: n),
    ("console:subsidy_cases", "admin_carol", 4, 'href="/console/subsidy-cases/', lambda n: n),
    # Bob and the n others, each with a suspend form; the open invitations' count (1), none to
    # read (their rows: tests/web/test_account_pages.py)
    ("console:specialists", "admin_carol", 5, 'name="suspend-action"', lambda n: n + 1),
    # nine queues, each its count and oldest item in one query (9: figures/queues.py); the year's
    # figures (9: figures/selectors.py, the diagnosis bands' two included)
    ("console:home", "admin_carol", 20, "queue__count", lambda n: 9),
    # proposals waiting (1), the others (1), engagements (1)
    ("specialist:home", "specialist_bob", 5, 'href="/specialist/proposals/', lambda n: n),
]


@pytest.mark.parametrize("n", [1, 10])
@pytest.mark.parametrize(("url_name", "persona", "queries", "marker", "count"), PAGES, ids=[p[0] for p in PAGES])
def test_list_page_runs_a_constant_number_of_queries(
    client, cast, django_assert_num_queries, n, url_name, persona, queries, marker, count
):
    rows(cast, n)
    client.force_login(getattr(cast, persona))
    with django_assert_num_queries(queries):
        response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert response.content.decode().count(marker) == count(n)
