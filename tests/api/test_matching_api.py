"""Requests, runs, proposals and engagements through the API."""

import datetime
import uuid

import pytest
from django.utils import timezone

from accounts.models import Company
from matching.models import AdvisorRequest, Engagement, MatchRun, Proposal, RequiredSkill, Review
from talent.models import Specialist
from tests import factories
from tests.matching_fixtures import make_engagement, make_request
from tests.talent_fixtures import make_certification, make_specialist

pytestmark = pytest.mark.usefixtures("english")


def body(company, **overrides):
    return {
        "company": str(company.id),
        "kind": "spot",
        "title": "ランサムウェア対策の相談",
        "description": "社内PCのバックアップ体制を見直したい",
        "required_skills": [{"skill": "backup_recovery", "min_level": 3}],
        "required_certification": "any",
        "budget_jpy": 25_000,
        "hours_per_month": 4,
        "start_date": (timezone.localdate() + datetime.timedelta(days=14)).isoformat(),
    } | overrides


def test_sme_drafts_a_request_for_their_company(client_for, sme_alice, alice_company):
    response = client_for(sme_alice).post("/api/v1/requests/", body(alice_company), format="json")

    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["status"], created["slots"], created["kind"]) == ("draft", 3, "spot")
    assert created["required_skills"] == [{"skill": "backup_recovery", "min_level": 3}]
    assert created["appi_clocks"] is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"required_skills": [{"skill": "astrology", "min_level": 3}]}, "required_skills"),
        ({"required_skills": [{"skill": "bcp", "min_level": 9}]}, "required_skills"),
        ({"budget_jpy": 0}, "budget_jpy"),
        ({"start_date": "2020-01-01"}, "start_date"),
        ({"kind": "hire"}, "employment_type"),
        ({"kind": "incident", "personal_data_leak": True}, "aware_at"),
        ({"personal_data_leak": True, "aware_at": "2026-01-01T00:00:00+09:00"}, "personal_data_leak"),
        ({"onsite_required": False, "remote_ok": False}, "remote_ok"),
        ({"slots": 0}, "slots"),
        ({"slots": 11}, "slots"),
        ({"kind": "babysitting"}, "kind"),
        ({"budget_jpy": 10**12}, "budget_jpy"),
    ],
)
def test_bad_requests_are_a_400_naming_the_field_and_write_nothing(
    client_for, sme_alice, alice_company, overrides, field
):
    response = client_for(sme_alice).post("/api/v1/requests/", body(alice_company, **overrides), format="json")

    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not AdvisorRequest.objects.exists()
    assert not RequiredSkill.objects.exists()


def test_another_companys_id_answers_exactly_like_a_missing_one(client_for, sme_alice, erin_company):
    """Ids can't be probed: a foreign id and an id that does not exist get the same 400."""
    client = client_for(sme_alice)
    missing = uuid.uuid4()

    foreign = client.post("/api/v1/requests/", body(erin_company), format="json")
    unknown = client.post("/api/v1/requests/", body(erin_company) | {"company": str(missing)}, format="json")

    assert (foreign.status_code, unknown.status_code) == (400, 400)
    assert foreign.json()["company"][0].replace(str(erin_company.id), "ID") == unknown.json()["company"][0].replace(
        str(missing), "ID"
    )
    assert not AdvisorRequest.objects.exists()


def test_a_leak_shows_the_appi_reporting_clocks(client_for, sme_alice, alice_company):
    aware = "2026-11-20T09:00:00+09:00"

    ordinary = (
        client_for(sme_alice)
        .post(
            "/api/v1/requests/",
            body(alice_company, kind="incident", personal_data_leak=True, aware_at=aware),
            format="json",
        )
        .json()
    )
    deliberate = (
        client_for(sme_alice)
        .post(
            "/api/v1/requests/",
            body(alice_company, kind="incident", personal_data_leak=True, leak_deliberate=True, aware_at=aware),
            format="json",
        )
        .json()
    )

    assert ordinary["appi_clocks"] == {
        "preliminary_due": "2026-11-25T09:00:00+09:00",
        "final_due": "2026-12-20T09:00:00+09:00",
    }
    assert deliberate["appi_clocks"]["final_due"] == "2027-01-19T09:00:00+09:00"
    assert ordinary["is_urgent"] is True


def test_publishing_starts_a_run_that_proposes_specialists(
    client_for, sme_alice, alice_company, specialist_bob, django_capture_on_commit_callbacks
):
    bob = make_specialist(specialist_bob, skills={"backup_recovery": 4})
    make_certification(bob, status="verified")
    draft = client_for(sme_alice).post("/api/v1/requests/", body(alice_company), format="json").json()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(sme_alice).post(f"/api/v1/requests/{draft['id']}/publish/")

    assert response.status_code == 200
    assert response.json()["status"] == "open"
    run = MatchRun.objects.get(pk=response.json()["match_run"])
    assert (run.status, run.request_id) == ("succeeded", AdvisorRequest.objects.get().id)
    assert Proposal.objects.get().specialist == bob


def test_publishing_needs_a_verified_company(client_for, sme_alice, alice_company):
    alice_company.status = "pending"
    alice_company.save()
    request = make_request(alice_company, sme_alice, status="draft")

    response = client_for(sme_alice).post(f"/api/v1/requests/{request.id}/publish/")

    assert response.status_code == 409
    request.refresh_from_db()
    assert request.status == "draft"
    assert not MatchRun.objects.exists()


def test_a_published_request_cannot_be_edited(client_for, sme_alice, alice_company):
    request = make_request(alice_company, sme_alice)

    response = client_for(sme_alice).patch(f"/api/v1/requests/{request.id}/", {"title": "x"}, format="json")

    assert response.status_code == 409
    request.refresh_from_db()
    assert request.title == "ランサムウェア対策の相談"


def test_chamber_admin_starts_a_chamber_run_and_a_second_is_a_409(client_for, admin_carol, sme_alice, alice_company):
    make_request(alice_company, sme_alice)
    client = client_for(admin_carol)

    first = client.post("/api/v1/match-runs/", {}, format="json")
    second = client.post("/api/v1/match-runs/", {}, format="json")

    assert first.status_code == 202
    assert first.json()["status"] == "queued"
    assert second.status_code == 409
    assert first.json()["id"] in second.json()["detail"]
    assert MatchRun.objects.count() == 1


def test_a_run_scoped_to_another_chambers_request_answers_like_a_missing_one(
    client_for, admin_oscar, sme_alice, alice_company
):
    request = make_request(alice_company, sme_alice)
    client = client_for(admin_oscar)

    foreign = client.post("/api/v1/match-runs/", {"request": str(request.id)}, format="json")
    missing = client.post("/api/v1/match-runs/", {"request": str(uuid.uuid4())}, format="json")

    assert (foreign.status_code, missing.status_code) == (400, 400)
    assert list(foreign.json()) == list(missing.json()) == ["request"]
    assert not MatchRun.objects.exists()


@pytest.mark.parametrize(
    "parameters",
    [{"weights": {"skills": 5000}}, {"weights": {"luck": 10}}, {"top_k": 0}, {"color": "red"}, ["x"]],
)
def test_bad_run_parameters_are_a_400(client_for, admin_carol, parameters):
    response = client_for(admin_carol).post("/api/v1/match-runs/", {"parameters": parameters}, format="json")

    assert response.status_code == 400
    assert not MatchRun.objects.exists()


@pytest.fixture
def proposal(sme_alice, alice_company, specialist_bob, tokyo):
    bob = make_specialist(specialist_bob, listed=False, legal_name="情報 ボブ", phone="090-0000-0000")
    request = make_request(alice_company, sme_alice, kind="advisor", budget_jpy=80_000)
    run = MatchRun.objects.create(chamber=tokyo, status="succeeded")
    return Proposal.objects.create(run=run, request=request, specialist=bob, score=800, breakdown={}, facts={}, rank=1)


def test_the_full_path_from_proposal_to_engagement(client_for, admin_carol, sme_alice, specialist_bob, proposal):
    admin, bob, alice = client_for(admin_carol), client_for(specialist_bob), client_for(sme_alice)

    assert bob.get(f"/api/v1/proposals/{proposal.id}/").status_code == 404  # not yet approved
    assert admin.post(f"/api/v1/proposals/{proposal.id}/approve/").status_code == 200
    assert alice.get(f"/api/v1/proposals/{proposal.id}/").status_code == 404  # not yet accepted
    assert bob.post(f"/api/v1/proposals/{proposal.id}/accept/").status_code == 200
    assert alice.get(f"/api/v1/proposals/{proposal.id}/").json()["status"] == "accepted"
    selected = alice.post(f"/api/v1/proposals/{proposal.id}/select/")

    assert selected.status_code == 200
    engagement = Engagement.objects.get()
    assert selected.json()["id"] == str(engagement.id)
    terms = selected.json()["terms"]
    # Nothing stated: the specialist's retainer, paid 30 days after each month's end, by transfer.
    assert (terms["fee_basis"], terms["fee_jpy"], terms["payment_due_days"], terms["payment_method"]) == (
        "monthly",
        50_000,
        30,
        "bank_transfer",
    )
    assert terms["stated_on"] == timezone.localdate().isoformat()
    assert selected.json()["contact"] == {"name": "情報 ボブ", "email": "bob@riss.test", "phone": "090-0000-0000"}
    proposal.request.refresh_from_db()
    assert proposal.request.status == "filled"
    assert Specialist.objects.get(user=specialist_bob).active_engagements == 1


def test_engaged_company_sees_contact_details_others_do_not(client_for, sme_alice, sme_erin, proposal, specialist_bob):
    Specialist.objects.filter(pk=proposal.specialist_id).update(listed_in_directory=True, status="active")
    Proposal.objects.filter(pk=proposal.pk).update(status="selected")
    make_engagement(proposal, kind="advisor")

    engaged = client_for(sme_alice).get(f"/api/v1/specialists/{proposal.specialist_id}/").json()
    stranger = client_for(sme_erin).get(f"/api/v1/specialists/{proposal.specialist_id}/").json()

    assert engaged["phone"] == "090-0000-0000"
    assert "phone" not in stranger


def test_approving_twice_is_a_409(client_for, admin_carol, proposal):
    client = client_for(admin_carol)
    client.post(f"/api/v1/proposals/{proposal.id}/approve/")

    again = client.post(f"/api/v1/proposals/{proposal.id}/approve/", HTTP_ACCEPT_LANGUAGE="en")

    assert again.status_code == 409
    assert again.json()["detail"] == "Cannot change proposal from approved to approved."


def test_a_proposal_not_yet_accepted_is_out_of_the_smes_sight_so_select_is_a_404(client_for, sme_alice, proposal):
    Proposal.objects.filter(pk=proposal.pk).update(status="approved")

    response = client_for(sme_alice).post(f"/api/v1/proposals/{proposal.id}/select/")

    assert response.status_code == 404
    assert not Engagement.objects.exists()


def test_selecting_a_candidate_who_was_not_selected_is_a_409(client_for, sme_alice, proposal):
    Proposal.objects.filter(pk=proposal.pk).update(status="not_selected")

    response = client_for(sme_alice).post(
        f"/api/v1/proposals/{proposal.id}/select/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 409
    assert response.json()["detail"] == "Cannot change proposal from not_selected to selected."
    assert Proposal.objects.get().status == "not_selected"
    assert not Engagement.objects.exists()


def test_completed_engagement_is_reviewed_once_and_feeds_the_rating(client_for, sme_alice, proposal):
    Proposal.objects.filter(pk=proposal.pk).update(status="selected")
    engagement = make_engagement(proposal, kind="spot")
    client = client_for(sme_alice)

    early = client.post(f"/api/v1/engagements/{engagement.id}/review/", {"rating": 4}, format="json")
    done = client.post(f"/api/v1/engagements/{engagement.id}/complete/")
    review = client.post(
        f"/api/v1/engagements/{engagement.id}/review/", {"rating": 4, "comment": "丁寧"}, format="json"
    )
    again = client.post(f"/api/v1/engagements/{engagement.id}/review/", {"rating": 1}, format="json")
    bad = client.post(f"/api/v1/engagements/{engagement.id}/review/", {"rating": 6}, format="json")

    assert early.status_code == 409
    assert done.json()["status"] == "completed"
    assert review.status_code == 201
    assert again.status_code == 409
    assert bad.status_code == 400
    specialist = Specialist.objects.get(pk=proposal.specialist_id)
    assert (specialist.rating, specialist.rating_count) == (4.0, 1)


@pytest.mark.parametrize("count", [1, 15])
def test_matching_lists_run_a_constant_number_of_queries(
    client_for, admin_carol, sme_alice, alice_company, specialist_bob, tokyo, django_assert_num_queries, count
):
    bob = make_specialist(specialist_bob)
    run = MatchRun.objects.create(chamber=tokyo, status="succeeded")
    for index in range(count):
        request = make_request(alice_company, sme_alice, title=f"r{index}", skills={"bcp": 2})
        Proposal.objects.create(run=run, request=request, specialist=bob, score=1, breakdown={}, facts={}, rank=1)
    client = client_for(admin_carol)

    # 1 user (JWT) + 1 count + 1 page + 1 prefetch of required skills (with their skill)
    with django_assert_num_queries(4):
        assert len(client.get("/api/v1/requests/", {"page_size": 100}).json()["results"]) == count
    # 1 user + 1 count + 1 page (request and company joined) + 1 required skills + 1 specialists (user
    # joined) + 3 for their profiles (skill levels, travel prefectures, counting credentials)
    with django_assert_num_queries(8):
        assert len(client.get("/api/v1/proposals/", {"page_size": 100}).json()["results"]) == count
    with django_assert_num_queries(3):
        assert len(client.get("/api/v1/match-runs/", {"page_size": 100}).json()["results"]) == 1


@pytest.mark.parametrize("count", [1, 12])
def test_engagement_list_runs_a_constant_number_of_queries(
    client_for, sme_alice, alice_company, specialist_bob, tokyo, django_assert_num_queries, count
):
    bob = make_specialist(specialist_bob)
    run = MatchRun.objects.create(chamber=tokyo, status="succeeded")
    for index in range(count):
        request = make_request(alice_company, sme_alice, title=f"r{index}")
        proposal = Proposal.objects.create(
            run=run, request=request, specialist=bob, score=1, breakdown={}, facts={}, rank=1, status="selected"
        )
        make_engagement(proposal, kind="spot")
    client = client_for(specialist_bob)

    # 1 user + 1 count + 1 page (joined) + 1 prefetch of the companies' owners
    with django_assert_num_queries(4):
        results = client.get("/api/v1/engagements/", {"page_size": 100}).json()["results"]

    assert len(results) == count
    assert results[0]["contact"]["email"] == "alice@sme.test"


@pytest.mark.parametrize("count", [1, 12])
def test_review_list_runs_a_constant_number_of_queries(
    client_for, sme_alice, alice_company, specialist_bob, tokyo, django_assert_num_queries, count
):
    bob = make_specialist(specialist_bob)
    run = MatchRun.objects.create(chamber=tokyo, status="succeeded")
    for index in range(count):
        proposal = Proposal.objects.create(
            run=run,
            request=make_request(alice_company, sme_alice, title=f"r{index}"),
            specialist=bob,
            score=1,
            breakdown={},
            facts={},
            rank=1,
            status="selected",
        )
        engagement = make_engagement(proposal, kind="spot")
        Review.objects.create(engagement=engagement, rating=4, period=timezone.localdate(), created_by=sme_alice)

    client = client_for(specialist_bob)

    # 1 user + 1 count + 1 page
    with django_assert_num_queries(3):
        results = client.get("/api/v1/reviews/", {"page_size": 100}).json()["results"]

    assert len(results) == count


def test_a_run_is_approved_in_bulk_with_an_answer_per_proposal(
    client_for, admin_carol, admin_oscar, sme_alice, alice_company, tokyo
):
    run = MatchRun.objects.create(chamber=tokyo, status="succeeded")
    people = [
        make_specialist(factories.UserFactory(email=f"bulk{i}@example.test", role="specialist")) for i in range(3)
    ]
    proposals = [
        Proposal.objects.create(
            run=run,
            request=make_request(alice_company, sme_alice, title=f"b{i}"),
            specialist=person,
            score=500,
            breakdown={},
            facts={},
            rank=1,
        )
        for i, person in enumerate(people)
    ]
    url = f"/api/v1/match-runs/{run.id}/approve/"
    Proposal.objects.filter(pk=proposals[2].pk).update(status="rejected")

    assert client_for(admin_oscar).post(url, {}, format="json").status_code == 404
    chosen = client_for(admin_carol).post(url, {"proposals": [str(proposals[0].id)]}, format="json")
    rest = client_for(admin_carol).post(url, {}, format="json")
    again = client_for(admin_carol).post(
        url, {"proposals": [str(proposals[0].id), str(proposals[2].id), str(uuid.uuid4())]}, format="json"
    )

    assert [r["result"] for r in chosen.json()["results"]] == ["approved"]
    assert rest.json()["results"] == [{"id": str(proposals[1].id), "result": "approved", "detail": ""}]
    assert [r["result"] for r in again.json()["results"]] == ["conflict", "conflict", "not_found"]
    assert sorted(Proposal.objects.values_list("status", flat=True)) == ["approved", "approved", "rejected"]
    assert all(p.expires_at is not None for p in Proposal.objects.filter(status="approved"))


def test_history_is_readable_by_the_objects_parties_and_admins_only(
    client_for, admin_carol, sme_alice, sme_erin, specialist_bob, alice_company
):
    bob = make_specialist(specialist_bob)
    Company.objects.filter(pk=alice_company.pk).update(status="pending")
    client_for(admin_carol).post(f"/api/v1/companies/{alice_company.id}/verify/", {"note": "登記簿確認済み"})
    client_for(admin_carol).post(f"/api/v1/specialists/{bob.id}/suspend/", {"note": "苦情の調査中"})

    company = client_for(sme_alice).get(f"/api/v1/companies/{alice_company.id}/").json()
    as_admin = client_for(admin_carol).get(f"/api/v1/specialists/{bob.id}/").json()
    as_self = client_for(specialist_bob).get(f"/api/v1/specialists/{bob.id}/").json()

    assert [(h["to_status"], h["note"], h["by"]["role"]) for h in company["history"]] == [
        ("verified", "登記簿確認済み", "chamber_admin")
    ]
    assert [h["to_status"] for h in as_admin["history"]] == ["suspended"]
    assert as_self["history"] == as_admin["history"]
    Specialist.objects.filter(pk=bob.pk).update(status="active")
    assert "history" not in client_for(sme_erin).get(f"/api/v1/specialists/{bob.id}/").json()
