"""The whole loop through the API: publish -> run -> approve -> accept -> select -> work ->
complete -> review, with every illegal step refused and nothing changed by it."""

import datetime
import json

import pytest
from django.utils import timezone

from matching.models import AdvisorRequest, Engagement, MatchRun, Proposal, Review
from notifications.models import Notification
from talent.models import Specialist
from tests.talent_fixtures import make_certification, make_specialist
from workflow.models import StatusChange

pytestmark = pytest.mark.usefixtures("english")

TODAY = timezone.localdate()


@pytest.fixture
def bob(specialist_bob):
    bob = make_specialist(
        specialist_bob,
        display_name="ボブ（フォレンジック）",
        legal_name="情報 太郎",
        phone="090-1234-5678",
        listed=False,
        skills={"incident_response": 4, "digital_forensics": 4},
        accepts_incident=True,
        hourly_rate_jpy=20_000,
    )
    make_certification(bob, status="verified")
    return bob


def snapshot():
    return (
        list(AdvisorRequest.objects.order_by("id").values()),
        list(Proposal.objects.order_by("id").values()),
        list(Engagement.objects.order_by("id").values()),
        Review.objects.count(),
        StatusChange.objects.count(),
        Notification.objects.count(),
    )


def refused(response, status, before):
    """An illegal step: the expected refusal, and nothing changed."""
    assert response.status_code == status, response.content
    assert snapshot() == before
    return response


def test_the_whole_loop_through_the_api_with_every_illegal_step_refused(
    client_for, django_capture_on_commit_callbacks, admin_carol, sme_alice, alice_company, specialist_bob, bob
):
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    admin, alice, specialist = (client_for(user, **english) for user in (admin_carol, sme_alice, specialist_bob))
    alice_company.status = "verified"
    alice_company.save()
    draft = alice.post(
        "/api/v1/requests/",
        {
            "company": str(alice_company.id),
            "kind": "incident",
            "title": "不正アクセスの調査",
            "description": "サーバのログを保全して調査してほしい",
            "required_skills": [{"skill": "digital_forensics", "min_level": 3}],
            "required_certification": "riss",
            "budget_jpy": 30_000,
            "hours_per_month": 20,
            "start_date": (TODAY + datetime.timedelta(days=3)).isoformat(),
            "slots": 1,
        },
        format="json",
    ).json()

    # A draft cannot be matched yet.
    refused(admin.post("/api/v1/match-runs/", {"request": draft["id"]}, format="json"), 409, snapshot())

    # Publish: the single-request run proposes Bob.
    with django_capture_on_commit_callbacks(execute=True):
        published = alice.post(f"/api/v1/requests/{draft['id']}/publish/")
    assert published.status_code == 200
    assert MatchRun.objects.get(pk=published.json()["match_run"]).status == "succeeded"
    proposal = Proposal.objects.get()
    url = f"/api/v1/proposals/{proposal.id}"
    assert (proposal.status, proposal.specialist_id) == ("pending_review", bob.id)

    # Nobody answers a proposal before the chamber approves it: out of sight is 404.
    before = snapshot()
    refused(specialist.post(f"{url}/accept/", {}, format="json"), 404, before)
    refused(alice.post(f"{url}/select/", {}, format="json"), 404, before)
    refused(admin.post(f"{url}/reject/", {}, format="json"), 400, before)  # a rejection needs its reason

    approved = admin.post(f"{url}/approve/", {"note": "経験十分"}, format="json")
    assert approved.status_code == 200
    deadline = datetime.datetime.fromisoformat(approved.json()["expires_at"])
    # Incident requests get the chamber's incident window (24 hours by default).
    assert datetime.timedelta(hours=23) < deadline - timezone.now() <= datetime.timedelta(hours=24)
    refused(admin.post(f"{url}/approve/", {}, format="json"), 409, snapshot())
    # Still hidden from the SME until the specialist says yes.
    refused(alice.post(f"{url}/select/", {}, format="json"), 404, snapshot())

    # The specialist decides with the facts: the request, but not who asks.
    seen = specialist.get(f"{url}/").json()
    summary = seen["request_summary"]
    assert (summary["title"], summary["kind"], summary["budget_jpy"], summary["company_prefecture"]) == (
        "不正アクセスの調査",
        "incident",
        30_000,
        "13",
    )
    assert summary["required_skills"] == [{"skill": "digital_forensics", "min_level": 3}]
    assert alice_company.name not in json.dumps(seen, ensure_ascii=False)
    assert seen["specialist_profile"] is None

    declaration = "御社の保守ベンダーA社の案件に2024年まで参加していました"
    accepted = specialist.post(f"{url}/accept/", {"declaration": declaration}, format="json")
    assert accepted.status_code == 200
    refused(specialist.post(f"{url}/accept/", {}, format="json"), 409, snapshot())
    refused(admin.post(f"{url}/reject/", {"note": "遅い"}, format="json"), 409, snapshot())

    # The SME sees the candidate's profile (unlisted), the score and the declaration; no contact yet.
    offered = alice.get(f"{url}/").json()
    assert offered["declaration"] == declaration
    assert offered["specialist_profile"]["display_name"] == "ボブ（フォレンジック）"
    assert "phone" not in offered["specialist_profile"]
    body = json.dumps(offered, ensure_ascii=False)
    assert "090-1234-5678" not in body
    assert "情報 太郎" not in body
    assert specialist_bob.email not in body
    assert alice.get(f"/api/v1/specialists/{bob.id}/").status_code == 200
    assert "phone" not in alice.get(f"/api/v1/specialists/{bob.id}/").json()
    assert any(declaration in entry["note"] for entry in offered["history"])

    # Terms the Freelance Act forbids are refused and change nothing.
    late = {"terms": {"fee_jpy": 20_000, "hours_per_month": 20, "payment_due_days": 61}}
    assert (
        "60 days"
        in refused(alice.post(f"{url}/select/", late, format="json"), 400, snapshot()).json()["payment_due_days"][0]
    )

    terms = {"fee_jpy": 22_000, "hours_per_month": 20, "payment_due_days": 30, "scope": "ログ保全と原因調査"}
    selected = alice.post(f"{url}/select/", {"terms": terms}, format="json")
    assert selected.status_code == 200, selected.content
    engagement = selected.json()
    assert (engagement["terms"]["fee_basis"], engagement["terms"]["fee_jpy"]) == ("hourly", 22_000)
    assert engagement["contact"] == {"name": "情報 太郎", "email": specialist_bob.email, "phone": "090-1234-5678"}
    refused(alice.post(f"{url}/select/", {}, format="json"), 409, snapshot())
    # Contact details both ways once engaged.
    assert alice.get(f"/api/v1/specialists/{bob.id}/").json()["phone"] == "090-1234-5678"
    bobs_view = specialist.get(f"/api/v1/engagements/{engagement['id']}/").json()
    assert bobs_view["contact"]["email"] == sme_alice.email
    assert Specialist.objects.get(pk=bob.pk).active_engagements == 1

    eng_url = f"/api/v1/engagements/{engagement['id']}"
    # An incident job is reviewed once it has ended; only the SME confirms completion.
    refused(alice.post(f"{eng_url}/review/", {"rating": 5}, format="json"), 409, snapshot())
    refused(specialist.post(f"{eng_url}/complete/", {}, format="json"), 403, snapshot())
    assert alice.post(f"{eng_url}/complete/", {"note": "調査完了"}, format="json").status_code == 200
    refused(alice.post(f"{eng_url}/complete/", {}, format="json"), 409, snapshot())
    refused(specialist.post(f"{eng_url}/terminate/", {"note": "x"}, format="json"), 409, snapshot())
    assert Specialist.objects.get(pk=bob.pk).active_engagements == 0

    reviewed = alice.post(f"{eng_url}/review/", {"rating": 5, "comment": "迅速でした"}, format="json")
    assert reviewed.status_code == 201
    refused(alice.post(f"{eng_url}/review/", {"rating": 1}, format="json"), 409, snapshot())
    assert [r["rating"] for r in specialist.get("/api/v1/reviews/").json()["results"]] == [5]
    assert Specialist.objects.get(pk=bob.pk).rating == 5.0

    history = [(h["from_status"], h["to_status"]) for h in alice.get(f"{eng_url}/").json()["history"]]
    assert history == [("", "active"), ("active", "completed")]
    proposal_history = [(h["from_status"], h["to_status"]) for h in admin.get(f"{url}/").json()["history"]]
    assert proposal_history == [("pending_review", "approved"), ("approved", "accepted"), ("accepted", "selected")]
    # Each event told the people it concerns, once.
    kinds = sorted(Notification.objects.values_list("kind", "recipient__email"))
    assert kinds == sorted(
        [
            ("proposal_approved", specialist_bob.email),
            ("proposal_accepted", sme_alice.email),
            ("engagement_started", sme_alice.email),
            ("engagement_started", specialist_bob.email),
            ("engagement_ended", sme_alice.email),
            ("engagement_ended", specialist_bob.email),
            ("review_received", specialist_bob.email),
            # Issue 18: the chamber hears of the incident request and of proposals to review, the
            # SME that its pipeline moved, and Bob to set up payouts when the engagement starts.
            ("incident_request_published", admin_carol.email),
            ("proposals_to_review", admin_carol.email),
            ("proposals_approved", sme_alice.email),
            ("payouts_needed", specialist_bob.email),
        ]
    )
