"""Lists answer in a fixed number of queries, however many rows they hold."""

from tests import factories
from tests.incidents_fixtures import incident_engagement, make_report, member_company, share


def _reports(world, n):
    for i in range(n):
        owner = factories.UserFactory(role="sme")
        company = member_company(world.tokyo, owner, name=f"株式会社件数{i}")
        factories.MembershipFactory(user=world.alice, company=company)
        report = make_report(incident_engagement(company, owner, world.bob), owner, tlp="green")
        share(report, owner, world.admin)


def test_the_report_list_is_a_fixed_number_of_queries(world, client_for, django_assert_num_queries):
    _reports(world, 3)
    alice = client_for(world.alice)

    # the user (token), count, the page (company, engagement, projection joined), and the
    # companies whose losses she reads (once, however many rows).
    with django_assert_num_queries(4):
        listed = alice.get("/api/v1/incident-reports/")

    assert listed.json()["count"] == 3


def test_the_shared_feed_is_a_fixed_number_of_queries(world, client_for, django_assert_num_queries):
    _reports(world, 3)
    admin = client_for(world.admin)

    # the user (token), count, the page (chamber joined), the recipients of the page (prefetched).
    with django_assert_num_queries(4):
        listed = admin.get("/api/v1/shared-incidents/")

    assert listed.json()["count"] == 3
