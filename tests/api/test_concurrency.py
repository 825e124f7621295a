"""Races on PostgreSQL: many simultaneous calls on one transition, exactly one wins."""

import pytest

from accounts.models import Company
from matching.models import Engagement, MatchRun, Proposal
from notifications.models import Notification
from talent.models import Specialist
from tests.matching_fixtures import make_request
from tests.talent_fixtures import make_specialist
from tests.threads import at_once
from workflow.models import StatusChange

# Serialized rollback puts back the data migrations' rows (the skill taxonomy) that the flush removes.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CALLERS = 20


def race(client_for, user, url, body):
    """CALLERS simultaneous posts, each with its own connection; their status codes."""
    return sorted(at_once(CALLERS, lambda: client_for(user).post(url, body, format="json").status_code))


@pytest.fixture
def proposal(sme_alice, alice_company, specialist_bob, tokyo):
    bob = make_specialist(specialist_bob)
    run = MatchRun.objects.create(chamber=tokyo, status="succeeded")
    request = make_request(alice_company, sme_alice, kind="advisor", budget_jpy=80_000)
    return Proposal.objects.create(run=run, request=request, specialist=bob, score=800, breakdown={}, facts={}, rank=1)


def test_twenty_simultaneous_approvals_give_one_success_one_history_row_one_notification(
    client_for, admin_carol, proposal
):
    codes = race(client_for, admin_carol, f"/api/v1/proposals/{proposal.id}/approve/", {})

    assert codes == [200] + [409] * (CALLERS - 1)
    assert StatusChange.objects.filter(object_id=proposal.id, to_status="approved").count() == 1
    assert Notification.objects.filter(kind="proposal_approved").count() == 1


def test_twenty_simultaneous_selections_create_one_engagement(client_for, sme_alice, proposal):
    Proposal.objects.filter(pk=proposal.pk).update(status="accepted")

    codes = race(client_for, sme_alice, f"/api/v1/proposals/{proposal.id}/select/", {})

    assert codes == [200] + [409] * (CALLERS - 1)
    assert Engagement.objects.count() == 1
    assert StatusChange.objects.filter(object_id=proposal.id, to_status="selected").count() == 1
    assert Specialist.objects.get(pk=proposal.specialist_id).active_engagements == 1
    assert Notification.objects.filter(kind="engagement_started").count() == 2


def test_twenty_simultaneous_verifications_of_a_company_apply_once(client_for, admin_carol, alice_company):
    Company.objects.filter(pk=alice_company.pk).update(status="pending")

    codes = race(client_for, admin_carol, f"/api/v1/companies/{alice_company.id}/verify/", {})

    assert codes == [200] + [409] * (CALLERS - 1)
    assert StatusChange.objects.filter(object_id=alice_company.id, to_status="verified").count() == 1
