"""Every endpoint x persona: the expected status, and nothing changed on a denied write."""

import pytest
from django.test import Client

from accounts.models import Company, StatusChange
from tests import factories
from tests.api.matrix import MATRIX, PERSONAS, PUBLIC_WRITES


@pytest.fixture
def world(
    tokyo,
    osaka,
    sme_alice,
    alice_company,
    sme_erin,
    erin_company,
    specialist_bob,
    admin_carol,
    admin_oscar,
    operator_olga,
):
    alice_company.status = Company.Status.PENDING
    alice_company.save()
    return {
        "personas": {
            "anon": None,
            "owner": sme_alice,
            "other_sme": sme_erin,
            "specialist": specialist_bob,
            "admin_same": admin_carol,
            "admin_other": admin_oscar,
            "staff": operator_olga,
        },
        "ids": {"company": alice_company.id, "chamber": tokyo.id},
        "bodies": {
            "new_company": lambda: {
                "name": "株式会社マトリクス",
                "entity_type": "corporation",
                "corporate_number": factories.valid_corporate_number(
                    555_000_000_000 + Company.objects.count()
                ),
                "industry": "services",
                "capital_jpy": 10_000_000,
                "employees": 12,
                "prefecture": "13",
                "chamber": str(tokyo.id),
            }
        },
    }


CASES = [(method, path, persona) for (method, path) in MATRIX for persona in PERSONAS]


def snapshot():
    return (
        list(Company.objects.order_by("id").values()),
        StatusChange.objects.count(),
    )


@pytest.mark.parametrize(("method", "path", "persona"), CASES, ids=[f"{m} {p} {r}" for m, p, r in CASES])
def test_permission_matrix(world, client_for, method, path, persona):
    expected_by_persona, body = MATRIX[(method, path)]
    expected = expected_by_persona[persona]
    client = client_for(world["personas"][persona])
    url = path.format(**world["ids"])
    if isinstance(body, str):
        body = world["bodies"][body]()
    before = snapshot()

    response = (
        getattr(client, method.lower())(url, body, format="json")
        if body is not None
        else getattr(client, method.lower())(url)
    )

    assert response.status_code == expected, response.content
    if method != "GET" and expected >= 400:
        assert snapshot() == before, "a denied write changed data"


def test_every_operation_in_the_schema_is_in_the_matrix():
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    operations = {
        (method.upper(), path)
        for path, item in response.json()["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    covered = {
        (method, path.replace("{company}", "{id}").replace("{chamber}", "{id}")) for method, path in MATRIX
    }

    missing = {op for op in operations if op not in covered and op not in PUBLIC_WRITES}
    assert not missing, f"add these to tests/api/matrix.py: {sorted(missing)}"


LISTS = {"/api/v1/companies/": "/api/v1/companies/{id}/"}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("list_path", list(LISTS))
def test_lists_show_exactly_what_detail_allows(world, client_for, persona, list_path):
    client = client_for(world["personas"][persona])
    listed = client.get(list_path, {"page_size": 100})
    if persona == "anon":
        assert listed.status_code == 401
        return
    listed_ids = {item["id"] for item in listed.json()["results"]}
    all_ids = {str(pk) for pk in Company.objects.values_list("id", flat=True)}
    reachable = {pk for pk in all_ids if client.get(LISTS[list_path].format(id=pk)).status_code == 200}

    assert listed_ids == reachable
