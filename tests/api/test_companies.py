"""Companies (the SMEs): registration, validation, size class, verification, scoping."""

import pytest

from accounts.models import Company, CompanyMembership
from tests import factories
from workflow.models import StatusChange
from workflow.selectors import history_of


def company_body(chamber_, **overrides):
    return {
        "name": "株式会社テスト工業",
        "entity_type": "corporation",
        "corporate_number": "7-0000-1205-0002",
        "industry": "manufacturing",
        "capital_jpy": 500_000_000,
        "employees": 300,
        "prefecture": "13",
        "city": "千代田区",
        "chamber": str(chamber_.id),
        "security_action": "one_star",
    } | overrides


def test_sme_registers_a_company_and_becomes_its_owner(client_for, sme_alice, tokyo):
    response = client_for(sme_alice).post("/api/v1/companies/", company_body(tokyo), format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["corporate_number"] == "7000012050002"  # normalised
    assert body["status"] == "pending"
    assert body["size_class"] == "sme"
    assert body["chamber"] == str(tokyo.id)
    company = Company.objects.get(pk=body["id"])
    assert CompanyMembership.objects.get(company=company).user == sme_alice
    assert CompanyMembership.objects.get(company=company).role == "owner"


def test_size_basis_is_in_the_callers_language(client_for, sme_alice, tokyo):
    client = client_for(sme_alice)
    created = client.post("/api/v1/companies/", company_body(tokyo), format="json").json()

    english = client.get(f"/api/v1/companies/{created['id']}/", HTTP_ACCEPT_LANGUAGE="en").json()
    japanese = client.get(f"/api/v1/companies/{created['id']}/", HTTP_ACCEPT_LANGUAGE="ja").json()

    assert english["size_basis"] == "SME by the employee test."
    assert japanese["size_basis"] == "従業員基準により中小企業者です。"
    assert japanese["prefecture_name"] == "東京都"
    assert english["prefecture_name"] == "Tokyo"


def test_sole_proprietor_needs_no_corporate_number_or_capital(client_for, sme_alice, tokyo):
    body = company_body(tokyo, entity_type="sole_proprietor", corporate_number="", capital_jpy=None, employees=3)
    body["industry"] = "retail"

    response = client_for(sme_alice).post("/api/v1/companies/", body, format="json")

    assert response.status_code == 201
    assert response.json()["corporate_number"] == ""
    assert response.json()["size_class"] == "small_scale"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"corporate_number": "7000012050003"}, "corporate_number", "The check digit (first digit) of this"),
        (
            {"corporate_number": "700001205000"},
            "corporate_number",
            "A corporate number has exactly 13 digits.",
        ),
        ({"corporate_number": ""}, "corporate_number", "A corporation needs its 13-digit corporate number."),
        ({"corporate_number": "abc"}, "corporate_number", "A corporate number has only digits"),
        ({"prefecture": "48"}, "prefecture", "Unknown prefecture code: 48."),
        ({"prefecture": "JP-13"}, "prefecture", "Unknown prefecture code: JP-13."),
        ({"capital_jpy": -1}, "capital_jpy", "Ensure this value is greater than or equal to 0."),
        ({"capital_jpy": 10**20}, "capital_jpy", "Ensure this value is less than or equal to"),
        ({"employees": -5}, "employees", "Ensure this value is greater than or equal to 0."),
        ({"industry": "finance"}, "industry", '"finance" is not a valid choice.'),
        ({"chamber": "00000000-0000-0000-0000-000000000000"}, "chamber", "Invalid pk"),
        ({"entity_type": "sole_proprietor"}, "corporate_number", "A sole proprietor has no corporate number"),
    ],
)
def test_bad_company_input_is_a_400_with_field_errors_in_english(
    client_for, sme_alice, tokyo, overrides, field, message
):
    response = client_for(sme_alice).post(
        "/api/v1/companies/", company_body(tokyo, **overrides), format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert any(text.startswith(message) for text in response.json()[field]), response.json()
    assert not Company.objects.exists()
    assert not CompanyMembership.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"corporate_number": "7000012050003"}, "corporate_number", "法人番号のチェックデジット"),
        ({"corporate_number": "700001205000"}, "corporate_number", "法人番号はちょうど13桁です。"),
        ({"corporate_number": ""}, "corporate_number", "法人の場合は13桁の法人番号が必要です。"),
        ({"prefecture": "99"}, "prefecture", "不明な都道府県コードです: 99。"),
        ({"capital_jpy": -1}, "capital_jpy", "この値は0以上にしてください。"),
    ],
)
def test_bad_company_input_errors_are_in_japanese_by_default(client_for, sme_alice, tokyo, overrides, field, message):
    response = client_for(sme_alice).post("/api/v1/companies/", company_body(tokyo, **overrides), format="json")

    assert response.status_code == 400
    assert any(text.startswith(message) for text in response.json()[field]), response.json()


def test_duplicate_corporate_number_is_a_400(client_for, sme_alice, sme_erin, tokyo):
    client_for(sme_alice).post("/api/v1/companies/", company_body(tokyo), format="json")

    response = client_for(sme_erin).post(
        "/api/v1/companies/", company_body(tokyo), format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert Company.objects.count() == 1


def test_status_and_other_read_only_fields_cannot_be_mass_assigned(client_for, sme_alice, tokyo):
    body = company_body(tokyo, status="verified", id="11111111-1111-1111-1111-111111111111")

    response = client_for(sme_alice).post("/api/v1/companies/", body, format="json")

    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert response.json()["id"] != body["id"]


def test_owner_edits_the_profile(client_for, sme_alice, alice_company):
    response = client_for(sme_alice).patch(
        f"/api/v1/companies/{alice_company.id}/", {"employees": 40, "city": "港区"}, format="json"
    )

    assert response.status_code == 200
    alice_company.refresh_from_db()
    assert (alice_company.employees, alice_company.city, alice_company.status) == (40, "港区", "verified")


def test_owner_cannot_change_status_or_chamber(client_for, sme_alice, alice_company, osaka):
    client = client_for(sme_alice)
    # status is documented read-only; the chamber, set once at creation, is refused by name.
    status_only = client.patch(f"/api/v1/companies/{alice_company.id}/", {"status": "rejected"}, format="json")
    chamber = client.patch(f"/api/v1/companies/{alice_company.id}/", {"chamber": str(osaka.id)}, format="json")

    assert status_only.status_code == 200
    assert chamber.status_code == 400
    assert "chamber" in chamber.json()
    alice_company.refresh_from_db()
    assert alice_company.status == "verified"
    assert alice_company.chamber.name == "東京商工会議所"


def test_the_service_refuses_a_field_an_owner_may_not_edit(sme_alice, alice_company, osaka):
    from accounts import services
    from marketplace.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="chamber"):
        services.update_company(company=alice_company, user=sme_alice, chamber=osaka)

    alice_company.refresh_from_db()
    assert alice_company.chamber.name == "東京商工会議所"


def test_changing_the_corporate_number_reopens_verification(client_for, sme_alice, alice_company):
    response = client_for(sme_alice).patch(
        f"/api/v1/companies/{alice_company.id}/", {"corporate_number": "1180301018771"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "pending"
    change = history_of(alice_company).get(to_status="pending")
    assert (change.from_status, change.to_status, change.by) == ("verified", "pending", sme_alice)


def test_invalid_patch_changes_nothing(client_for, sme_alice, alice_company):
    before = alice_company.corporate_number

    response = client_for(sme_alice).patch(
        f"/api/v1/companies/{alice_company.id}/", {"corporate_number": "123", "city": "港区"}, format="json"
    )

    assert response.status_code == 400
    alice_company.refresh_from_db()
    assert (alice_company.corporate_number, alice_company.city) == (before, "千代田区")


@pytest.fixture
def pending_company(alice_company):
    alice_company.status = Company.Status.PENDING
    alice_company.save()
    return alice_company


def test_chamber_admin_verifies_a_company_of_their_chamber_and_history_records_it(
    client_for, admin_carol, pending_company
):
    response = client_for(admin_carol).post(
        f"/api/v1/companies/{pending_company.id}/verify/", {"note": "登記簿で確認"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "verified"
    change = history_of(pending_company).get(to_status="verified")
    assert (change.from_status, change.by, change.note) == ("pending", admin_carol, "登記簿で確認")


def test_osaka_admin_cannot_verify_a_tokyo_company(client_for, admin_oscar, pending_company):
    response = client_for(admin_oscar).post(f"/api/v1/companies/{pending_company.id}/verify/")

    assert response.status_code == 404
    pending_company.refresh_from_db()
    assert pending_company.status == "pending"
    assert not StatusChange.objects.filter(to_status="verified").exists()


def test_verifying_twice_is_a_409_with_a_message(client_for, admin_carol, pending_company):
    client = client_for(admin_carol)
    client.post(f"/api/v1/companies/{pending_company.id}/verify/")

    again = client.post(f"/api/v1/companies/{pending_company.id}/verify/", HTTP_ACCEPT_LANGUAGE="en")

    assert again.status_code == 409
    assert again.json()["detail"] == "Cannot change company from verified to verified."
    assert StatusChange.objects.filter(to_status="verified").count() == 1


def test_rejecting_needs_a_reason(client_for, admin_carol, pending_company):
    response = client_for(admin_carol).post(f"/api/v1/companies/{pending_company.id}/reject/", {"note": " "})

    assert response.status_code == 400
    assert "note" in response.json()
    pending_company.refresh_from_db()
    assert pending_company.status == "pending"


def test_rejected_company_cannot_be_verified_without_reopening(client_for, admin_carol, pending_company):
    client = client_for(admin_carol)
    client.post(f"/api/v1/companies/{pending_company.id}/reject/", {"note": "実在しない"})

    response = client.post(f"/api/v1/companies/{pending_company.id}/verify/")

    assert response.status_code == 409
    pending_company.refresh_from_db()
    assert pending_company.status == "rejected"


def test_a_decision_taken_on_a_stale_copy_is_refused(admin_carol, pending_company):
    """The conditional UPDATE refuses a transition computed from a status that has since moved
    (the real race, with threads on PostgreSQL, is in test_concurrency.py)."""
    from accounts import services
    from marketplace.errors import InvalidTransition

    stale = Company.objects.get(pk=pending_company.pk)
    services.verify_company(company=pending_company, admin=admin_carol)

    with pytest.raises(InvalidTransition):
        services.reject_company(company=stale, admin=admin_carol, note="late")
    assert StatusChange.objects.filter(object_id=pending_company.pk).exclude(from_status="").count() == 1


def test_chamber_admin_lists_only_their_chambers_companies(client_for, admin_carol, alice_company, erin_company):
    response = client_for(admin_carol).get("/api/v1/companies/")

    assert [item["id"] for item in response.json()["results"]] == [str(alice_company.id)]


def test_company_list_filters_by_status(client_for, admin_carol, tokyo, pending_company):
    factories.CompanyFactory(chamber=tokyo, status="verified")

    response = client_for(admin_carol).get("/api/v1/companies/", {"status": "pending"})

    assert [item["id"] for item in response.json()["results"]] == [str(pending_company.id)]


@pytest.mark.parametrize("count", [1, 30])
def test_company_list_runs_a_constant_number_of_queries(
    client_for, admin_carol, tokyo, django_assert_num_queries, count
):
    factories.CompanyFactory.create_batch(count, chamber=tokyo)
    client = client_for(admin_carol)

    # 1 user (JWT auth) + 1 count + 1 page of companies joined to their chamber
    with django_assert_num_queries(3):
        response = client.get("/api/v1/companies/", {"page_size": 100})

    assert len(response.json()["results"]) == count


def test_chamber_list_is_public_and_constant_in_queries(anon, tokyo, osaka, django_assert_num_queries):
    factories.ChamberFactory.create_batch(20)

    # 1 count + 1 page
    with django_assert_num_queries(2):
        response = anon.get("/api/v1/chambers/", {"page_size": 100})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 22
