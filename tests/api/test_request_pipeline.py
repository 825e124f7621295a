"""The SME sees its request's pipeline: how many proposals wait for the chamber's review, for the
specialists' answers, and how many accepted — counts only, never who, before acceptance."""

import pytest

from matching.models import MatchRun, Proposal
from matching.selectors import pipeline_of
from tests import factories
from tests.matching_fixtures import make_request
from tests.talent_fixtures import make_specialist

pytestmark = pytest.mark.usefixtures("english")

STATUSES = ["pending_review", "pending_review", "approved", "accepted", "selected", "declined", "rejected", "expired"]


@pytest.fixture
def request_in_pipeline(sme_alice, alice_company):
    request = make_request(alice_company, sme_alice)
    run = MatchRun.objects.create(chamber=alice_company.chamber, status="succeeded")
    for rank, status in enumerate(STATUSES, start=1):
        specialist = make_specialist(factories.UserFactory(role="specialist"), display_name=f"候補{rank}")
        Proposal.objects.create(
            run=run, request=request, specialist=specialist, score=500, breakdown={}, facts={}, rank=rank, status=status
        )
    return request


def test_pipeline_counts_each_stage(request_in_pipeline):
    assert pipeline_of(request_in_pipeline) == {"waiting_for_review": 2, "waiting_for_specialists": 1, "accepted": 2}


def test_the_smes_request_detail_carries_the_pipeline_but_not_who_is_undecided(
    client_for, sme_alice, request_in_pipeline
):
    client = client_for(sme_alice)
    detail = client.get(f"/api/v1/requests/{request_in_pipeline.id}/").json()
    assert detail["pipeline"] == {"waiting_for_review": 2, "waiting_for_specialists": 1, "accepted": 2}

    listed = client.get("/api/v1/proposals/", {"request": str(request_in_pipeline.id)}).json()
    assert sorted(item["status"] for item in listed["results"]) == ["accepted", "selected"]


def test_a_request_without_proposals_has_an_empty_pipeline(client_for, sme_alice, alice_company):
    request = make_request(alice_company, sme_alice)
    detail = client_for(sme_alice).get(f"/api/v1/requests/{request.id}/").json()
    assert detail["pipeline"] == {"waiting_for_review": 0, "waiting_for_specialists": 0, "accepted": 0}
