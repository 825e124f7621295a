"""Responses to a signed-in caller carry personal data: no cache may keep them."""

import pytest

from tests.billing_fixtures import engaged
from tests.talent_fixtures import make_specialist


@pytest.fixture
def world(sme_alice, alice_company, specialist_bob, admin_carol):
    bob = make_specialist(specialist_bob)
    return {"bob": bob, "engagement": engaged(alice_company, sme_alice, bob)}


def test_every_response_to_a_signed_in_caller_is_private_and_not_stored(
    client_for, world, sme_alice, alice_company, admin_carol
):
    alice, carol = client_for(sme_alice), client_for(admin_carol)
    responses = [
        alice.get("/api/v1/me/"),
        alice.get(f"/api/v1/companies/{alice_company.pk}/"),
        alice.get(f"/api/v1/engagements/{world['engagement'].pk}/"),
        carol.get(f"/api/v1/specialists/{world['bob'].pk}/"),
        alice.get("/api/v1/companies/"),
    ]

    for response in responses:
        assert response.status_code == 200, response.content
        directives = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, response.wsgi_request.path
    assert "phone" in responses[3].json() or "email" in responses[3].json()  # the contact details are there


def test_a_download_keeps_its_own_cache_control(client_for, world, sme_alice):
    response = client_for(sme_alice).get(f"/api/v1/engagements/{world['engagement'].pk}/terms.pdf")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_public_reference_data_is_not_marked_private(anon, world):
    response = anon.get("/api/v1/skills/")

    assert response.status_code == 200
    assert "private" not in response.get("Cache-Control", "")
