"""★★ readiness (a self-declaration, never a certification) and a chamber's band counts."""

import pytest
from django.utils import translation

from diagnosis import selectors
from diagnosis.models import BasicPolicy, Diagnosis
from diagnosis.selectors import _suppress
from tests import factories
from tests.diagnosis_fixtures import answers, make_diagnosis
from tests.talent_fixtures import pdf, upload


def readiness(client, company):
    return client.get(f"/api/v1/companies/{company.pk}/security-action/readiness/").json()


def test_readiness_lists_what_is_missing_until_all_three_steps_are_done(client_for, sme_alice, alice_company):
    client = client_for(sme_alice)
    base = f"/api/v1/companies/{alice_company.pk}/basic-policy/"

    nothing = readiness(client, alice_company)
    make_diagnosis(alice_company, sme_alice, {"本社": answers(q3="partly")}, complete=True)
    uploaded = client.post(base, {"file": pdf("kihon-houshin.pdf")}, format="multipart")
    unpublished = readiness(client, alice_company)
    published = client.patch(base, {"public_url": "https://alice.example.test/policy"}, format="json")
    ready = readiness(client, alice_company)

    assert (nothing["ready"], nothing["missing"]) == (False, ["diagnosis", "basic_policy", "publication"])
    assert uploaded.status_code == 201
    assert unpublished["missing"] == ["publication"]
    assert published.status_code == 200
    assert (ready["ready"], ready["missing"], ready["basic_policy"]["public_url"]) == (
        True,
        [],
        "https://alice.example.test/policy",
    )
    assert client.get(base + "file/").status_code == 200


def test_readiness_is_never_worded_as_a_certification(client_for, sme_alice, alice_company):
    for language in ("ja", "en"):
        body = client_for(sme_alice, HTTP_ACCEPT_LANGUAGE=language).get(
            f"/api/v1/companies/{alice_company.pk}/security-action/readiness/"
        )
        text = body.content.decode()
        assert "認定" not in text
        assert "certified" not in text.lower().replace("certifies nothing", "")
    with translation.override("ja"):
        assert "認定" not in str(selectors.READINESS_NOTE)


def test_a_policy_that_is_not_a_pdf_png_or_jpeg_is_refused_and_nothing_stored(client_for, sme_alice, alice_company):
    response = client_for(sme_alice).post(
        f"/api/v1/companies/{alice_company.pk}/basic-policy/",
        {"file": upload("policy.docx", b"PK\x03\x04 not a pdf")},
        format="multipart",
    )

    assert response.status_code == 400
    assert "file" in response.json()
    assert BasicPolicy.objects.count() == 0


def test_a_public_url_must_be_a_web_address(client_for, sme_alice, alice_company):
    client = client_for(sme_alice)
    base = f"/api/v1/companies/{alice_company.pk}/basic-policy/"
    client.post(base, {"file": pdf()}, format="multipart")

    response = client.patch(base, {"public_url": "javascript:alert(1)"}, format="json")

    assert response.status_code == 400
    assert BasicPolicy.objects.get().public_url == ""


def test_a_url_before_any_policy_is_a_409(client_for, sme_alice, alice_company):
    response = client_for(sme_alice).patch(
        f"/api/v1/companies/{alice_company.pk}/basic-policy/", {"public_url": "https://a.example.test/"}, format="json"
    )

    assert response.status_code == 409


def _companies_in(chamber, owner, bands):
    """One company per entry, each with a completed diagnosis in that band."""
    sheets = {
        "achieved": answers(),
        "mostly": answers(q1="partly"),
        "gaps": answers("partly", q1="done", q2="done", q3="done"),
        "at_risk": answers("not_done"),
    }
    for band in bands:
        company = factories.CompanyFactory(chamber=chamber)
        factories.MembershipFactory(user=owner, company=company)
        assert make_diagnosis(company, owner, {"本社": sheets[band]}, complete=True).band == band


def test_band_counts_suppress_cells_under_five_and_count_each_companys_latest(
    sme_alice, admin_carol, tokyo, osaka, django_assert_num_queries
):
    _companies_in(tokyo, sme_alice, ["mostly"] * 7 + ["at_risk"] * 2)
    _companies_in(osaka, sme_alice, ["achieved"] * 6)  # another chamber's
    improved = Diagnosis.objects.filter(company__chamber=tokyo, band="at_risk").earliest("created_at").company
    make_diagnosis(improved, sme_alice, {"本社": answers(q2="partly")}, complete=True)  # now mostly

    # The chamber, then one grouped count over each company's latest completed diagnosis.
    with django_assert_num_queries(2):
        counts = selectors.band_counts_for_chamber(admin_carol, tokyo.pk)

    assert {cell.band: cell.count for cell in counts.cells} == {
        "achieved": None,
        "mostly": 8,
        "gaps": None,
        "at_risk": None,
    }
    assert counts.companies == 9


def test_one_hidden_cell_hides_the_next_smallest_so_the_total_cannot_reveal_it():
    cells, total = _suppress({"achieved": 5, "mostly": 6, "gaps": 7, "at_risk": 1}, 19)

    assert (cells, total) == ({"achieved": None, "mostly": 6, "gaps": 7, "at_risk": None}, 19)
    assert _suppress({"achieved": 1, "mostly": 2, "gaps": 0, "at_risk": 1}, 4) == (dict.fromkeys(cells), None)


def test_band_counts_over_the_api_for_the_chambers_admins_only(
    client_for, admin_carol, admin_oscar, sme_alice, alice_company, tokyo
):
    make_diagnosis(alice_company, sme_alice, {"本社": answers()}, complete=True)

    body = client_for(admin_carol, HTTP_ACCEPT_LANGUAGE="ja").get(f"/api/v1/chambers/{tokyo.pk}/diagnosis-bands/")

    assert body.status_code == 200
    assert [(cell["band"], cell["count"], cell["display"]) for cell in body.json()["cells"]] == [
        ("achieved", None, "<5"),
        ("mostly", None, "<5"),
        ("gaps", None, "<5"),
        ("at_risk", None, "<5"),
    ]
    assert body.json()["companies"] is None
    assert client_for(admin_oscar).get(f"/api/v1/chambers/{tokyo.pk}/diagnosis-bands/").status_code == 404
    assert client_for(sme_alice).get(f"/api/v1/chambers/{tokyo.pk}/diagnosis-bands/").status_code == 403


@pytest.mark.parametrize("persona", ["specialist_bob", "admin_carol"])
def test_no_other_role_starts_a_diagnosis(request, client_for, alice_company, persona):
    response = client_for(request.getfixturevalue(persona)).post(
        f"/api/v1/companies/{alice_company.pk}/diagnoses/", {}, format="json"
    )

    assert response.status_code == 403
    assert Diagnosis.objects.count() == 0
