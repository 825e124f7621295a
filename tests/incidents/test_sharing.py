"""Sharing states, who reads what by TLP, and withdrawal out of every feed, aggregate and export."""

import json

import pytest
import stix2

from incidents import services
from incidents.models import IncidentReport, SharedIncident, SharingPolicy
from incidents.stix import TLP2_IDS
from tests import factories
from tests.incidents_fixtures import REPORT, incident_engagement, make_report, member_company, share
from workflow.models import StatusChange


def snapshot():
    return (
        list(IncidentReport.objects.order_by("id").values()),
        list(SharedIncident.objects.order_by("id").values()),
        StatusChange.objects.count(),
    )


def victim(world, tlp, *, name):
    """Another Tokyo member whose incident Bob handled, shared at `tlp` (same category and month)."""
    owner = factories.UserFactory(role="sme")
    company = member_company(world.tokyo, owner, name=name)
    report = make_report(incident_engagement(company, owner, world.bob), owner, tlp=tlp)
    return share(report, owner, world.admin, recipients=[world.reader_company] if tlp == "amber" else ())


def everywhere(client):
    """Ids in the feed, the number of incidents the aggregates count, ids of incidents in STIX."""
    feed = {item["id"] for item in client.get("/api/v1/shared-incidents/", {"page_size": 100}).json()["results"]}
    table = client.get("/api/v1/shared-incidents/aggregates/").json()
    counted = sum(cell["incidents"] for cell in table["cells"]) + table["suppressed_incidents"]
    return feed, counted


def exported(client):
    response = client.get("/api/v1/shared-incidents/stix/")
    assert response.status_code == 200, response.content
    return stix2.parse(response.content.decode(), allow_custom=False)


def incident_ids(bundle):
    return {obj.id for obj in bundle.objects if obj.type == "incident"}


def stix_id(shared):
    from incidents.stix import _id

    return _id("incident", shared.pk)


@pytest.fixture
def two_policy(world):
    SharingPolicy.objects.create(chamber=world.tokyo, k_threshold=2)


def test_red_never_reaches_a_members_feed_an_aggregate_or_the_export(world, client_for, two_policy):
    green_a, green_b = victim(world, "green", name="株式会社A"), victim(world, "green", name="株式会社B")
    red = victim(world, "red", name="株式会社C")
    rita, admin = client_for(world.rita), client_for(world.admin)

    feed, counted = everywhere(rita)
    assert feed == {str(green_a.pk), str(green_b.pk)}
    assert counted == 2
    assert rita.get(f"/api/v1/shared-incidents/{red.pk}/").status_code == 404
    # The chamber's admins read it, but their aggregates and export leave it out too.
    admin_feed, admin_counted = everywhere(admin)
    assert str(red.pk) in admin_feed
    assert admin_counted == 2
    bundle = exported(admin)
    assert incident_ids(bundle) == {stix_id(green_a), stix_id(green_b)}
    assert TLP2_IDS["red"] not in json.dumps(json.loads(bundle.serialize()))


def test_amber_goes_to_named_recipients_and_amber_strict_stays_with_the_admins(world, client_for, two_policy):
    amber, strict = victim(world, "amber", name="株式会社A"), victim(world, "amber+strict", name="株式会社B")
    outsider = factories.UserFactory(role="sme")
    member_company(world.tokyo, outsider, name="株式会社ソト")

    assert everywhere(client_for(world.rita))[0] == {str(amber.pk)}
    assert everywhere(client_for(outsider))[0] == set()
    assert everywhere(client_for(world.admin))[0] == {str(amber.pk), str(strict.pk)}
    # Other chambers, specialists and the victim's own people outside the recipients: nothing.
    assert everywhere(client_for(factories.UserFactory(role="specialist")))[0] == set()


def test_withdrawal_removes_it_from_the_feed_the_aggregates_and_the_export(world, client_for, two_policy):
    kept, withdrawn = victim(world, "clear", name="株式会社A"), victim(world, "clear", name="株式会社B")
    third = victim(world, "clear", name="株式会社C")
    rita, admin = client_for(world.rita), client_for(world.admin)
    assert everywhere(rita) == ({str(kept.pk), str(withdrawn.pk), str(third.pk)}, 3)

    answer = admin.post(
        f"/api/v1/shared-incidents/{withdrawn.pk}/withdraw/", {"note": "被害企業の申し出"}, format="json"
    )

    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "withdrawn"
    assert everywhere(rita) == ({str(kept.pk), str(third.pk)}, 2)
    assert rita.get(f"/api/v1/shared-incidents/{withdrawn.pk}/").status_code == 404
    assert admin.get(f"/api/v1/shared-incidents/{withdrawn.pk}/").status_code == 404
    assert incident_ids(exported(admin)) == {stix_id(kept), stix_id(third)}
    assert StatusChange.objects.filter(object_id=withdrawn.pk, to_status="withdrawn").get().note == "被害企業の申し出"


def test_the_company_withdraws_its_own_with_a_reason(world, client_for):
    report = make_report(world.engagement, world.alice, tlp="clear")
    shared = share(report, world.alice, world.admin)
    alice = client_for(world.alice)
    before = snapshot()

    assert (
        alice.post(f"/api/v1/incident-reports/{report.pk}/withdraw/", {"note": " "}, format="json").status_code == 400
    )
    assert snapshot() == before
    assert (
        alice.post(f"/api/v1/incident-reports/{report.pk}/withdraw/", {"note": "取引先の要請"}, format="json").json()[
            "status"
        ]
        == "withdrawn"
    )
    assert SharedIncident.objects.get(pk=shared.pk).withdrawn_at is not None


def test_the_walk_is_guarded_at_every_step(world, client_for):
    alice, bob, admin = client_for(world.alice), client_for(world.bob.user), client_for(world.admin)
    technical = {key: value for key, value in REPORT.items() if key not in ("losses", "loss_jpy")}
    report = services.create_report(user=world.bob.user, engagement=world.engagement, **technical)
    services.update_report(report=report, user=world.alice, tlp="amber")
    shared = SharedIncident.objects.get(report=report)
    url = f"/api/v1/incident-reports/{report.pk}"

    # Nothing to share before it is de-identified and approved.
    before = snapshot()
    assert admin.post(f"/api/v1/shared-incidents/{shared.pk}/share/", {}, format="json").status_code == 404
    assert alice.post(f"{url}/approve/", {"digest": "x"}, format="json").status_code == 409
    assert snapshot() == before

    preview = bob.post(f"{url}/deidentify/").json()
    # The specialist writes and de-identifies; only the company approves, and only what it saw.
    assert bob.post(f"{url}/approve/", {"digest": preview["digest"]}, format="json").status_code == 403
    before = snapshot()
    assert alice.post(f"{url}/approve/", {"digest": "0" * 64}, format="json").status_code == 409
    assert snapshot() == before
    # A change to the report sends the preview back to draft; the old digest no longer approves.
    assert alice.patch(f"{url}/", {"what_worked": "EDRの隔離機能"}, format="json").status_code == 200
    assert SharedIncident.objects.get(pk=shared.pk).status == "draft"
    assert alice.post(f"{url}/approve/", {"digest": preview["digest"]}, format="json").status_code == 409
    preview = alice.post(f"{url}/deidentify/").json()
    assert preview["incident"]["what_worked"] == "EDRの隔離機能"
    assert alice.post(f"{url}/approve/", {"digest": preview["digest"]}, format="json").status_code == 200

    # AMBER names member organisations of the chamber.
    assert admin.post(f"/api/v1/shared-incidents/{shared.pk}/share/", {}, format="json").status_code == 400
    osaka_company = member_company(factories.ChamberFactory(name="大阪商工会議所"), name="大阪の会社")
    assert (
        admin.post(
            f"/api/v1/shared-incidents/{shared.pk}/share/", {"recipients": [str(osaka_company.pk)]}, format="json"
        ).status_code
        == 400
    )
    shared_now = admin.post(
        f"/api/v1/shared-incidents/{shared.pk}/share/", {"recipients": [str(world.reader_company.pk)]}, format="json"
    )
    assert shared_now.status_code == 200, shared_now.content
    assert shared_now.json()["recipients"] == [str(world.reader_company.pk)]
    assert admin.post(f"/api/v1/shared-incidents/{shared.pk}/share/", {}, format="json").status_code == 409

    # Shared: what it shares is frozen (withdraw first); the losses stay the company's to edit.
    before = snapshot()
    assert alice.patch(f"{url}/", {"summary": "追記"}, format="json").status_code == 409
    assert snapshot() == before
    assert alice.patch(f"{url}/", {"loss_jpy": 1_200_000}, format="json").status_code == 200
    history = [(row["from_status"], row["to_status"]) for row in alice.get(f"{url}/").json()["history"]]
    assert history == [
        ("", "draft"),
        ("draft", "deidentified"),
        ("deidentified", "draft"),
        ("draft", "deidentified"),
        ("deidentified", "approved"),
        ("approved", "shared"),
    ]


def test_losses_are_the_companys_alone(world, client_for):
    bob = client_for(world.bob.user)
    before = snapshot()
    body = {
        "engagement": str(world.engagement.id),
        "title": "不正アクセス",
        "category": "unauthorised_access",
        "occurred_on": "2026-05-01",
        "discovered_on": "2026-05-03",
        "loss_jpy": 100,
    }

    assert bob.post("/api/v1/incident-reports/", body, format="json").status_code == 403
    assert snapshot() == before
    del body["loss_jpy"]
    created = bob.post("/api/v1/incident-reports/", body, format="json")
    assert created.status_code == 201, created.content
    services.update_report(report=IncidentReport.objects.get(), user=world.alice, loss_jpy=5_000_000, losses="停止")

    assert bob.get(f"/api/v1/incident-reports/{created.json()['id']}/").json()["loss_jpy"] is None
    assert client_for(world.alice).get(f"/api/v1/incident-reports/{created.json()['id']}/").json()["loss_jpy"] == (
        5_000_000
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("hashes", ["not-a-hash"]),
        ("ips", ["999.1.1.1"]),
        ("domains", ["http://evil"]),
        ("techniques", ["T12"]),
        ("email_senders", ["nobody"]),
        ("victim_ips", ["10.0.0.0/99"]),
    ],
)
def test_refuses_an_indicator_that_is_not_one(world, client_for, field, value):
    before = snapshot()
    body = {
        "engagement": str(world.engagement.id),
        "title": "x",
        "category": "phishing",
        "occurred_on": "2026-05-01",
        "discovered_on": "2026-05-01",
        field: value,
    }

    answer = client_for(world.alice).post("/api/v1/incident-reports/", body, format="json")

    assert answer.status_code == 400, answer.content
    assert snapshot() == before


def test_found_before_it_happened_is_refused_beside_the_found_date_in_words(world, client_for):
    before = snapshot()
    body = {
        "engagement": str(world.engagement.id),
        "title": "x",
        "category": "phishing",
        "occurred_on": "2026-05-02",
        "discovered_on": "2026-05-01",
    }

    answer = client_for(world.alice).post("/api/v1/incident-reports/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert answer.status_code == 400, answer.content
    # Not the name of the database constraint behind the rule (seen on the SME's form).
    assert answer.json()["discovered_on"] == ["It was found on or after the day it happened."]
    assert snapshot() == before


def test_only_an_incident_engagement_gets_a_report_and_only_one(world, client_for):
    from tests.billing_fixtures import engaged

    advisor = engaged(world.company, world.alice, world.bob)
    alice = client_for(world.alice)
    body = {"title": "x", "category": "phishing", "occurred_on": "2026-05-01", "discovered_on": "2026-05-01"}

    assert (
        alice.post("/api/v1/incident-reports/", body | {"engagement": str(advisor.pk)}, format="json").status_code
        == 400
    )
    assert (
        alice.post(
            "/api/v1/incident-reports/", body | {"engagement": str(world.engagement.pk)}, format="json"
        ).status_code
        == 201
    )
    assert (
        alice.post(
            "/api/v1/incident-reports/", body | {"engagement": str(world.engagement.pk)}, format="json"
        ).status_code
        == 409
    )
    late = body | {"engagement": str(world.engagement.pk), "discovered_on": "2026-04-01"}
    assert (
        alice.patch(
            f"/api/v1/incident-reports/{IncidentReport.objects.get().pk}/",
            {"discovered_on": "2026-04-01"},
            format="json",
        ).status_code
        == 400
    )
    assert late


def test_the_chambers_admin_sets_k(world, client_for, admin_oscar):
    url = f"/api/v1/incident-policies/{world.tokyo.pk}/"
    admin = client_for(world.admin)

    assert admin.get(url).json() == {"chamber": str(world.tokyo.pk), "k_threshold": 5, "dominance_percent": 80}
    assert admin.patch(url, {"k_threshold": 1}, format="json").status_code == 400
    assert admin.patch(url, {"k_threshold": 7}, format="json").json()["k_threshold"] == 7
    assert client_for(admin_oscar).get(url).status_code == 404
    assert client_for(world.alice).get(url).status_code == 403
