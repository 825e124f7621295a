"""A specialist sets who invoices the SME (individual or corporation) and their qualified-invoice
registration number through PATCH /specialists/me/: T and 13 digits, folded from what people
type, a corporation's check digit verified (DOMAIN.md, "Invoices and tax"); the directory never
shows it."""

import pytest

from talent.models import Specialist
from tests.talent_fixtures import make_specialist

# A corporation's number: T + a 法人番号 whose check digit holds (tests/billing/test_documents.py).
CORPORATE = "T7000012050002"


@pytest.mark.parametrize(
    ("body", "stored"),
    [
        ({"invoice_registration_number": "T8900000000001"}, ("individual", "T8900000000001")),
        ({"invoice_registration_number": "ｔ８９００－０００００－０００１"}, ("individual", "T8900000000001")),
        ({"entity_type": "corporation", "invoice_registration_number": CORPORATE}, ("corporation", CORPORATE)),
        ({"invoice_registration_number": ""}, ("individual", "")),
    ],
)
def test_specialist_sets_their_invoice_registration_number(client_for, specialist_bob, body, stored):
    make_specialist(specialist_bob)

    response = client_for(specialist_bob).patch("/api/v1/specialists/me/", body, format="json")

    assert response.status_code == 200, response.json()
    profile = response.json()
    assert (profile["entity_type"], profile["invoice_registration_number"]) == stored
    bob = Specialist.objects.get(user=specialist_bob)
    assert (bob.entity_type, bob.invoice_registration_number) == stored


@pytest.mark.parametrize(
    "body",
    [
        {"invoice_registration_number": "8900000000001"},  # no T
        {"invoice_registration_number": "T890000000001"},  # 12 digits
        {"entity_type": "corporation", "invoice_registration_number": "T7000012050003"},  # check digit
        {"entity_type": "partnership"},
    ],
)
def test_a_wrong_number_is_a_400_beside_its_field_and_changes_nothing(client_for, specialist_bob, body):
    make_specialist(specialist_bob, invoice_registration_number="T8900000000001")

    response = client_for(specialist_bob).patch("/api/v1/specialists/me/", body, format="json")

    assert response.status_code == 400
    assert set(response.json()) & set(body)
    bob = Specialist.objects.get(user=specialist_bob)
    assert (bob.entity_type, bob.invoice_registration_number) == ("individual", "T8900000000001")


def test_the_directory_never_shows_the_number(client_for, specialist_bob, sme_alice):
    bob = make_specialist(specialist_bob, invoice_registration_number="T8900000000001")

    listed = client_for(sme_alice).get("/api/v1/specialists/").json()["results"]
    profile = client_for(sme_alice).get(f"/api/v1/specialists/{bob.pk}/").json()

    assert [card["id"] for card in listed] == [str(bob.pk)]
    assert "T8900000000001" not in str(listed) + str(profile)
