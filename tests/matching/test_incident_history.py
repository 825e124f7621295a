"""Matching learns from incident reports: an incident request that states its category prefers
specialists who handled that category before (a small scored component, with its reason)."""

import pytest

from matching.models import Engagement, MatchRun, Proposal
from matching.parameters import DEFAULT_WEIGHTS, MAX_TOTAL_WEIGHT
from matching.reasons import render
from matching.services import runs
from tests import factories
from tests.incidents_fixtures import incident_engagement, make_report
from tests.matching_fixtures import make_request
from tests.talent_fixtures import make_specialist


def _specialist(index, **fields):
    user = factories.UserFactory(email=f"h{index}@example.test", name=f"H{index}", role="specialist")
    return make_specialist(user, skills={"incident_response": 4}, accepts_incident=True, **fields)


def _run(chamber):
    run = MatchRun.objects.create(chamber=chamber)
    assert runs.execute_match_run(run_id=str(run.pk)) == "succeeded"
    return {p.specialist_id: p for p in Proposal.objects.filter(run=run)}


def test_the_default_weights_still_add_up_to_the_maximum_and_the_new_one_is_small():
    assert sum(DEFAULT_WEIGHTS.values()) == MAX_TOTAL_WEIGHT
    assert DEFAULT_WEIGHTS["incident_history"] == 40


@pytest.mark.parametrize("category", ["ransomware", ""])
def test_an_incident_request_in_a_category_prefers_who_handled_it(tokyo, sme_alice, alice_company, category):
    seasoned, fresh = _specialist(1), _specialist(2)
    for _ in range(2):  # two ransomware incidents, for earlier clients
        make_report(incident_engagement(alice_company, sme_alice, seasoned), sme_alice, category="ransomware")
    make_report(incident_engagement(alice_company, sme_alice, fresh), sme_alice, category="phishing")
    Engagement.objects.update(status="completed")  # earlier clients' work is done
    make_request(
        alice_company, sme_alice, kind="incident", skills={"incident_response": 3}, incident_category=category, slots=2
    )

    proposals = _run(tokyo)

    assert set(proposals) == {seasoned.id, fresh.id}
    if category:
        assert proposals[seasoned.id].breakdown["incident_history"] == 26  # 40 x 2/3, floored
        assert proposals[fresh.id].breakdown["incident_history"] == 0
        assert proposals[seasoned.id].facts["handled"] == 2
        assert "Handled 2 earlier incident(s) of this kind." in proposals[seasoned.id].reasons["en"]
        assert proposals[seasoned.id].score > proposals[fresh.id].score
    else:
        assert {p.breakdown["incident_history"] for p in proposals.values()} == {0}
        assert all(not any("earlier incident" in line for line in p.reasons["en"]) for p in proposals.values())


def test_the_reason_is_rendered_in_both_languages():
    facts = {"level": 4.0, "certification": "", "proximity": "remote", "rating": None, "urgent": False, "handled": 3}

    reasons = render({"skills": 200}, facts)

    assert reasons["en"][-1] == "Handled 3 earlier incident(s) of this kind."
    assert reasons["ja"][-1] != reasons["en"][-1]


def test_a_request_states_a_category_only_for_an_incident(client_for, sme_alice, alice_company):
    import datetime

    from django.utils import timezone

    body = {
        "company": str(alice_company.id),
        "kind": "spot",
        "title": "相談",
        "budget_jpy": 20000,
        "start_date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
        "incident_category": "phishing",
    }
    client = client_for(sme_alice)

    assert client.post("/api/v1/requests/", body, format="json").status_code == 400
    created = client.post("/api/v1/requests/", body | {"kind": "incident"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["incident_category"] == "phishing"
