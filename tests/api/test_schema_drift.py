"""The published OpenAPI schema says what the API does: found drifting when it was probed from
outside (contact fields documented where they are not returned, a required `note` documented
optional, set-once fields documented writable on PATCH and silently ignored, no 4xx documented)."""

import pytest
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from rest_framework_simplejwt.tokens import RefreshToken
from werkzeug.test import Client as WsgiClient

from marketplace.wsgi import application
from tests.billing_fixtures import engaged
from tests.matching_fixtures import make_request
from tests.talent_fixtures import make_specialist


@pytest.fixture(scope="module")
def document(django_db_blocker):
    with django_db_blocker.unblock():
        return Client().get("/api/schema/", {"format": "json"}).json()


def resolve(document, node):
    while "$ref" in node:
        node = document["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def request_body(document, path, method):
    content = document["paths"][path][method]["requestBody"]["content"]
    return resolve(document, content["application/json"]["schema"])


@pytest.fixture
def wsgi(db):
    """Requests through the WSGI app, on the test's connection (as the schema fuzz does)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)

    def get(path, user):
        token = RefreshToken.for_user(user).access_token
        return WsgiClient(application).get(path, headers={"Authorization": f"Bearer {token}"})

    yield get
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("viewer", ["sme_alice", "admin_carol", "specialist_bob"])
def test_a_profile_page_matches_its_documented_schema_for_every_viewer(
    request, wsgi, api_schema, specialist_bob, viewer
):
    bob = make_specialist(specialist_bob)
    response = wsgi(f"/api/v1/specialists/{bob.pk}/", request.getfixturevalue(viewer))

    assert response.status_code == 200
    api_schema["/api/v1/specialists/{id}/"]["GET"].validate_response(response)
    assert ("email" in response.json) is (viewer != "sme_alice")  # contact details only where allowed


def test_an_engagement_with_blank_choices_matches_its_documented_schema(
    wsgi, api_schema, sme_alice, alice_company, specialist_bob
):
    """Found over HTTP (bench/load.py): a read-only choice field with blank=True in the model was
    documented without "", so every active engagement's empty `end_exception` broke the schema."""
    engaged(alice_company, sme_alice, make_specialist(specialist_bob))

    response = wsgi("/api/v1/engagements/", sme_alice)

    assert response.json["count"] == 1
    assert response.json["results"][0]["end_exception"] == ""
    api_schema["/api/v1/engagements/"]["GET"].validate_response(response)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/companies/{id}/reject/",
        "/api/v1/certifications/{id}/reject/",
        "/api/v1/specialists/{id}/suspend/",
        "/api/v1/specialists/{id}/reactivate/",
        "/api/v1/proposals/{id}/reject/",
        "/api/v1/time-entries/{id}/dispute/",
        "/api/v1/engagements/{id}/terminate/",
        "/api/v1/invoices/{id}/void/",
    ],
)
def test_a_note_the_service_requires_is_documented_required(document, path):
    body = request_body(document, path, "post")

    assert "note" in body.get("required", [])


def test_the_note_is_required_in_fact_with_a_field_error(client_for, admin_carol, alice_company):
    response = client_for(admin_carol).post(f"/api/v1/companies/{alice_company.pk}/reject/", {}, format="json")

    assert response.status_code == 400
    assert "note" in response.json()


@pytest.mark.parametrize(
    ("path", "field"), [("/api/v1/companies/{id}/", "chamber"), ("/api/v1/requests/{id}/", "company")]
)
def test_set_once_fields_are_not_documented_on_patch(document, path, field):
    body = request_body(document, path, "patch")

    assert field not in body["properties"]


def test_patching_a_company_into_another_chamber_is_refused_not_ignored(client_for, sme_alice, alice_company, osaka):
    response = client_for(sme_alice).patch(
        f"/api/v1/companies/{alice_company.pk}/", {"chamber": str(osaka.pk), "employees": 12}, format="json"
    )

    assert response.status_code == 400
    assert "chamber" in response.json()
    alice_company.refresh_from_db()
    assert alice_company.chamber_id != osaka.pk
    assert alice_company.employees != 12  # nothing half-written


def test_moving_a_request_to_another_company_is_refused_not_ignored(
    client_for, sme_alice, alice_company, sme_erin, erin_company
):
    draft = make_request(alice_company, sme_alice, status="draft")

    response = client_for(sme_alice).patch(
        f"/api/v1/requests/{draft.pk}/", {"company": str(erin_company.pk), "title": "moved"}, format="json"
    )

    assert response.status_code == 400
    assert "company" in response.json()
    draft.refresh_from_db()
    assert (draft.company_id, draft.title) == (alice_company.pk, draft.title)
    assert draft.title != "moved"


def test_every_operation_documents_its_errors(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            codes = set(operation["responses"])
            assert ("429" in codes) is (path != "/api/v1/billing/stripe/webhook/"), (method, path)  # Stripe never is
            if operation.get("security") != [{}] and {} not in operation.get("security", [{}]):
                assert {"401", "403"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if method in ("post", "put", "patch"):
                assert {"400", "409"} <= codes, (method, path)


def test_errors_outside_drf_answer_in_json_too(client_for, sme_alice):
    """Found over HTTP: an id of the wrong shape got Django's HTML 404 page, a form with more
    fields than Django reads its HTML 400 page."""
    client = client_for(sme_alice)

    unknown = client.get("/api/v1/specialists/not-a-uuid/")
    too_many = client.post(
        "/api/v1/companies/", "&".join(f"f{i}=x" for i in range(1200)), content_type="application/x-www-form-urlencoded"
    )

    assert (unknown.status_code, unknown["Content-Type"]) == (404, "application/json")
    assert "detail" in unknown.json()
    assert (too_many.status_code, too_many["Content-Type"]) == (400, "application/json")


def test_a_page_that_is_not_a_number_is_a_400_and_one_past_the_last_a_404(client_for, sme_alice):
    client = client_for(sme_alice, HTTP_ACCEPT_LANGUAGE="en")

    assert client.get("/api/v1/requests/", {"page": 0}).json() == {"page": ["A page number from 1 up."]}
    assert client.get("/api/v1/requests/", {"page": "x"}).status_code == 400
    assert client.get("/api/v1/requests/", {"page": 99}).status_code == 404
    assert client.get("/api/v1/requests/", {"page": 1}).status_code == 200
