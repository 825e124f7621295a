"""The calendar feed at a person's secret URL: parses with icalendar, carries alarms, needs no
Authorization header or session, drops old items, and its old URL is a 404 after rotation."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from matching.models import MatchRun, Proposal
from matching.services import engagements
from notifications import services
from notifications.models import CalendarFeed
from tests.billing_fixtures import engaged
from tests.matching_fixtures import make_request
from tests.subsidies_fixtures import make_case, make_hire, programs
from tests.talent_fixtures import make_specialist


@pytest.fixture
def bob(specialist_bob):
    return make_specialist(specialist_bob, display_name="坂本 ボブ")


@pytest.fixture
def dated_world(cast, bob):
    """Alice's subsidy case, an engagement with notice given, an old ended one, and Bob's
    proposal waiting for his answer."""
    alice, company = cast.sme_alice, cast.alice_company
    hire = make_hire(company, alice, bob)
    end = timezone.localdate() + datetime.timedelta(days=20)
    case = make_case(
        hire,
        programs(cast.tokyo)["demo-trial-employment"],
        alice,
        status="collecting_documents",
        milestones={"period_start": str(end - datetime.timedelta(days=90)), "period_end": str(end)},
    )
    engagement = engaged(company, alice, bob, title="セキュリティ顧問")
    engagements.terminate_engagement(
        engagement=engagement, user=alice, note="予算", ends_on=timezone.localdate() + datetime.timedelta(days=40)
    )
    old = engaged(company, alice, bob, title="昔の契約", kind="spot")
    old.status, old.ended_on = "completed", timezone.localdate() - datetime.timedelta(days=45)
    old.save(update_fields=["status", "ended_on"])
    request = make_request(company, alice, title="ペンテストの依頼", status="open")
    run = MatchRun.objects.create(chamber=cast.tokyo, status="succeeded")
    proposal = Proposal.objects.create(
        run=run,
        request=request,
        specialist=bob,
        score=700,
        breakdown={},
        facts={},
        rank=1,
        status="approved",
        expires_at=timezone.now() + datetime.timedelta(days=2),
    )
    return {"case": case, "engagement": engagement, "old": old, "proposal": proposal}


def _events(response):
    calendar = Calendar.from_ical(response.content)
    return list(calendar.walk("VEVENT"))


def test_the_feed_needs_no_authorization_header_and_parses_with_alarms(client, cast, dated_world):
    token = services.create_calendar_token(user=cast.sme_alice)

    response = client.get(reverse("web:calendar_feed", kwargs={"token": token}))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    events = _events(response)
    summaries = [str(event["summary"]) for event in events]
    assert any("セキュリティ顧問" in summary for summary in summaries)  # the engagement's end
    assert not any("昔の契約" in summary for summary in summaries)  # ended more than 30 days ago
    assert not any("ペンテスト" in summary for summary in summaries)  # Bob's deadline, not Alice's
    assert any(str(dated_world["case"].pk) in str(event["uid"]) for event in events)  # subsidy deadlines
    for event in events:
        (alarm,) = event.walk("VALARM")
        assert alarm["trigger"].dt < datetime.timedelta(0)
        assert str(event["url"]).startswith("http://127.0.0.1:8000/sme/")


def test_a_specialist_sees_the_answer_deadline_of_a_waiting_proposal(client, cast, dated_world):
    token = services.create_calendar_token(user=cast.specialist_bob)

    events = _events(client.get(f"/calendar/{token}.ics"))

    (proposal,) = [event for event in events if str(event["uid"]).startswith("proposal-")]
    assert abs(proposal["dtstart"].dt - dated_world["proposal"].expires_at) < datetime.timedelta(seconds=1)
    assert str(proposal["url"]).endswith(f"/specialist/proposals/{dated_world['proposal'].pk}/")
    # His own pages only: the engagement's end (he is its specialist), no company's subsidy case.
    assert {str(event["url"]).split("/")[3] for event in events} == {"specialist"}
    assert any(str(event["uid"]).startswith("engagement-") for event in events)


def test_only_the_tokens_hash_is_kept_and_the_old_url_is_a_404_after_rotation(client, cast, dated_world):
    first = services.create_calendar_token(user=cast.sme_alice)
    assert first not in CalendarFeed.objects.get().token_hash
    second = services.create_calendar_token(user=cast.sme_alice)

    assert client.get(f"/calendar/{first}.ics").status_code == 404
    assert client.get(f"/calendar/{second}.ics").status_code == 200

    services.revoke_calendar_token(user=cast.sme_alice)
    assert client.get(f"/calendar/{second}.ics").status_code == 404
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_a_deactivated_persons_feed_is_a_404(client, cast):
    token = services.create_calendar_token(user=cast.sme_alice)
    type(cast.sme_alice).objects.filter(pk=cast.sme_alice.pk).update(is_active=False)

    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_the_settings_section_shows_a_new_url_once_then_rotates_and_revokes(client, cast):
    alice = cast.sme_alice
    client.force_login(alice)

    made = client.post(reverse("web:settings_calendar"), {"action": "create"})
    assert made.status_code == 302
    assert made["Location"] == reverse("web:settings")
    first_view = client.get(reverse("web:settings")).content.decode()
    second_view = client.get(reverse("web:settings")).content.decode()

    (url,) = [part.split('"')[0] for part in first_view.split('value="')[1:] if "/calendar/" in part.split('"')[0]]
    assert url.startswith("http://127.0.0.1:8000/calendar/")
    assert url not in second_view  # shown once: only its hash is kept
    client.logout()
    path = url.removeprefix("http://127.0.0.1:8000")
    assert client.get(path).status_code == 200  # no session needed

    client.force_login(alice)
    client.post(reverse("web:settings_calendar"), {"action": "create"})
    assert client.get(path).status_code == 404  # rotated
    client.post(reverse("web:settings_calendar"), {"action": "revoke"})
    assert not CalendarFeed.objects.exists()
