"""The one workflow mechanism: guarded, audited, bulk and forward-only transitions."""

import pytest

from marketplace.errors import InvalidTransition
from matching.models import MatchRun, Proposal
from tests.matching_fixtures import make_request
from tests.talent_fixtures import make_specialist
from workflow.models import StatusChange
from workflow.services import bulk_transition, forward_transition, transition


@pytest.fixture
def proposal(tokyo, sme_alice, alice_company, specialist_bob):
    run = MatchRun.objects.create(chamber=tokyo, status="succeeded")
    return Proposal.objects.create(
        run=run,
        request=make_request(alice_company, sme_alice),
        specialist=make_specialist(specialist_bob),
        score=1,
        breakdown={},
        facts={},
        rank=1,
    )


def test_a_guarded_transition_applies_once_and_is_recorded(proposal, admin_carol):
    stale = Proposal.objects.get(pk=proposal.pk)
    transition(proposal, to="approved", by=admin_carol, note="ok")

    with pytest.raises(InvalidTransition):
        transition(stale, to="rejected", by=admin_carol)  # computed from a status that has moved on

    assert Proposal.objects.get(pk=proposal.pk).status == "approved"
    assert list(StatusChange.objects.values_list("from_status", "to_status", "note")) == [
        ("pending_review", "approved", "ok")
    ]


def test_forward_only_moves_ahead_in_one_step_and_ignores_what_arrives_late(proposal, admin_carol):
    assert forward_transition(proposal, to="accepted", by=None) is True  # two steps of the table at once
    assert forward_transition(proposal, to="approved", by=None) is False  # older: ignored
    assert forward_transition(proposal, to="accepted", by=None) is False  # the same again: ignored
    with pytest.raises(InvalidTransition):
        forward_transition(proposal, to="rejected", by=None)  # neither ahead nor behind: a real conflict

    assert Proposal.objects.get(pk=proposal.pk).status == "accepted"
    assert list(StatusChange.objects.values_list("from_status", "to_status")) == [("pending_review", "accepted")]


def test_a_bulk_transition_moves_only_rows_that_may_and_records_each(
    proposal, admin_carol, tokyo, sme_alice, alice_company, specialist_bea
):
    other = Proposal.objects.create(
        run=proposal.run,
        request=make_request(alice_company, sme_alice, title="2"),
        specialist=make_specialist(specialist_bea),
        score=1,
        breakdown={},
        facts={},
        rank=1,
        status="rejected",
    )

    moved = bulk_transition(Proposal.objects.all(), to="expired", by=admin_carol, note="cleanup")

    assert moved == [proposal.pk]
    assert Proposal.objects.get(pk=other.pk).status == "rejected"
    assert list(StatusChange.objects.values_list("object_id", "from_status", "to_status", "note")) == [
        (proposal.pk, "pending_review", "expired", "cleanup")
    ]
