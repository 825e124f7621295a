"""The privacy rule for a specialist's contact details, decided once in talent.selectors."""

import pytest
from django.contrib.auth.models import AnonymousUser

from matching.models import Engagement, MatchRun, Proposal
from talent.selectors import ContactScope, may_see_contact
from tests.matching_fixtures import make_engagement, make_request
from tests.talent_fixtures import make_specialist


def engage(specialist, company, owner, *, chamber):
    run = MatchRun.objects.create(chamber=chamber, status="succeeded")
    proposal = Proposal.objects.create(
        run=run,
        request=make_request(company, owner),
        specialist=specialist,
        score=1,
        breakdown={},
        facts={},
        rank=1,
        status="selected",
    )
    return make_engagement(proposal, kind="spot")


@pytest.fixture
def bob(specialist_bob):
    return make_specialist(specialist_bob, legal_name="情報 ボブ", phone="090-0000-0000")


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [
        ("specialist_bob", True),
        ("admin_carol", True),
        ("admin_oscar", True),  # the talent bank is shared by every chamber
        ("operator_olga", True),
        ("sme_alice", True),  # her company engaged him
        ("sme_erin", False),
        ("specialist_bea", False),
        ("stranger_dave", False),
    ],
)
def test_contact_details_for_self_chamber_admins_staff_and_an_engaged_company_only(
    request, bob, alice_company, sme_alice, tokyo, viewer, sees
):
    engage(bob, alice_company, sme_alice, chamber=tokyo)

    assert may_see_contact(request.getfixturevalue(viewer), bob) is sees


def test_no_contact_details_without_an_engagement_or_for_the_signed_out(bob, sme_alice, alice_company):
    assert may_see_contact(sme_alice, bob) is False
    assert may_see_contact(AnonymousUser(), bob) is False
    assert may_see_contact(None, bob) is False


def test_an_inactive_user_sees_no_contact_details_not_even_their_own(bob, specialist_bob):
    specialist_bob.is_active = False

    assert may_see_contact(specialist_bob, bob) is False


def test_a_past_engagement_still_counts(bob, alice_company, sme_alice, tokyo):
    engagement = engage(bob, alice_company, sme_alice, chamber=tokyo)
    Engagement.objects.filter(pk=engagement.pk).update(status=Engagement.Status.TERMINATED)

    assert may_see_contact(sme_alice, bob) is True


def test_a_page_costs_one_query_for_a_company_member_and_none_for_admins_or_the_specialist(
    bob, specialist_bea, alice_company, sme_alice, admin_carol, specialist_bob, tokyo, django_assert_num_queries
):
    bea = make_specialist(specialist_bea)
    engage(bob, alice_company, sme_alice, chamber=tokyo)

    member = ContactScope(sme_alice)
    with django_assert_num_queries(1):
        assert [member.allows(s) for s in (bob, bea, bob, bea)] == [True, False, True, False]
    with django_assert_num_queries(0):
        assert ContactScope(admin_carol).allows(bea)
        assert ContactScope(specialist_bob).allows(bob)


@pytest.mark.parametrize("count", [1, 12])
def test_a_company_reads_its_engagements_contacts_in_one_query_not_one_a_row(
    client_for, bob, alice_company, sme_alice, tokyo, django_assert_num_queries, count
):
    for _index in range(count):
        engage(bob, alice_company, sme_alice, chamber=tokyo)
    client = client_for(sme_alice)

    # 1 user + 1 count + 1 page (joined) + 1 prefetch of the companies' owners + 1 contact rule
    with django_assert_num_queries(5):
        results = client.get("/api/v1/engagements/", {"page_size": 100}).json()["results"]

    assert len(results) == count
    assert {row["contact"]["phone"] for row in results} == {"090-0000-0000"}
