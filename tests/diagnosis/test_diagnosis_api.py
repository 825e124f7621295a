"""The self-diagnosis through the API: sheets, roll-up, completion, drafting a request, the trend."""

import datetime

import pytest
from django.utils import timezone

from diagnosis import selectors
from diagnosis.models import Diagnosis, Questionnaire, RequestDraft, Sheet
from diagnosis.questionnaire import CURRENT_VERSION, VERSIONS
from matching.models import AdvisorRequest
from tests import factories
from tests.diagnosis_fixtures import answers, make_diagnosis


def url(diagnosis, rest=""):
    return f"/api/v1/diagnoses/{diagnosis.pk}/{rest}"


def test_the_migration_loaded_the_current_version_as_the_code_has_it(db):
    stored = Questionnaire.objects.get(version=CURRENT_VERSION)

    assert stored.data == VERSIONS[CURRENT_VERSION]


def test_the_questionnaire_in_the_callers_language(client_for, sme_alice):
    ja = client_for(sme_alice, HTTP_ACCEPT_LANGUAGE="ja").get("/api/v1/diagnosis/questionnaire/").json()
    en = client_for(sme_alice, HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/diagnosis/questionnaire/").json()

    assert ja["version"] == CURRENT_VERSION
    assert [len(part["items"]) for part in ja["parts"]] == [5, 13, 7]
    assert ja["parts"][0]["title"] == "基本的対策"
    assert en["parts"][0]["title"] == "Basic measures"
    assert ja["source"]["official_sheet_url"] == "https://www.ipa.go.jp/security/guide/sme/5minutes.html"
    assert en["parts"][0]["items"][2]["skills"] == ["identity_access"]
    assert {a["value"]: a["points"] for a in en["answers"]} == {
        "done": 4,
        "partly": 2,
        "not_done": 0,
        "dont_know": -1,
        "not_applicable": 4,
    }
    assert ja["max_total"] == 100


def test_an_sme_starts_a_diagnosis_with_a_sheet_per_site(client_for, sme_alice, alice_company):
    client = client_for(sme_alice)

    created = client.post(
        f"/api/v1/companies/{alice_company.pk}/diagnoses/", {"sheet_labels": ["本社", "大阪支店"]}, format="json"
    )

    assert created.status_code == 201
    body = created.json()
    assert [sheet["label"] for sheet in body["sheets"]] == ["本社", "大阪支店"]
    assert (body["status"], body["questionnaire_version"], body["total"]) == ("in_progress", CURRENT_VERSION, None)
    assert body["result"]["is_complete"] is False
    assert body["result"]["band"] is None


def test_two_sheets_answered_and_rolled_up_into_the_companys_result(client_for, sme_alice, alice_company):
    client = client_for(sme_alice, HTTP_ACCEPT_LANGUAGE="en")
    diagnosis = make_diagnosis(alice_company, sme_alice, {"本社": {}, "大阪支店": {}})
    head, branch = diagnosis.sheets.order_by("created_at", "id")

    client.put(url(diagnosis, f"sheets/{head.pk}/"), {"answers": answers(q20="not_done")}, format="json")
    client.put(
        url(diagnosis, f"sheets/{branch.pk}/"),
        {"answers": answers(q3="partly", q11="dont_know", q20="partly")},
        format="json",
    )
    result = client.get(url(diagnosis, "result/")).json()

    assert (result["total"], result["band"]["band"], result["is_complete"]) == (89, "mostly", True)
    assert [(sheet["label"], sheet["total"]) for sheet in result["sheets"]] == [("本社", 96), ("大阪支店", 91)]
    assert [(p["number"], p["subtotal"]) for p in result["parts"]] == [(1, 18), (2, 47), (3, 24)]
    assert [(item["id"], item["sheets"]) for item in result["dont_know"]] == [("q11", ["大阪支店"])]
    assert [(item["id"], item["answer"]) for item in result["weak"]] == [
        ("q3", "partly"),
        ("q11", "dont_know"),
        ("q20", "not_done"),
    ]
    assert "weakest" in result["roll_up_rule"]


def test_patch_merges_answers_and_null_clears_one_put_replaces_them(client_for, sme_alice, alice_company):
    client = client_for(sme_alice)
    diagnosis = make_diagnosis(alice_company, sme_alice, {"本社": {"q1": "done", "q2": "partly"}})
    sheet = diagnosis.sheets.get()

    patched = client.patch(
        url(diagnosis, f"sheets/{sheet.pk}/"), {"answers": {"q2": None, "q3": "done"}}, format="json"
    )
    put = client.put(url(diagnosis, f"sheets/{sheet.pk}/"), {"answers": {"q5": "not_done"}}, format="json")

    assert patched.json()["answers"] == {"q1": "done", "q3": "done"}
    assert put.json()["answers"] == {"q5": "not_done"}


@pytest.mark.parametrize(
    ("answers_given", "field_error"),
    [
        ({"q1": "done", "q99": "done"}, "q99: no such item."),
        ({"q1": "not_applicable"}, 'q1: this item cannot be answered "not applicable".'),
    ],
)
def test_unknown_items_and_refused_answers_are_a_400_and_change_nothing(
    client_for, sme_alice, alice_company, english, answers_given, field_error
):
    client = client_for(sme_alice, HTTP_ACCEPT_LANGUAGE="en")
    diagnosis = make_diagnosis(alice_company, sme_alice, {"本社": {"q1": "partly"}})
    sheet = diagnosis.sheets.get()

    response = client.put(url(diagnosis, f"sheets/{sheet.pk}/"), {"answers": answers_given}, format="json")

    assert response.status_code == 400
    assert response.json() == {"answers": [field_error]}
    assert Sheet.objects.get(pk=sheet.pk).answers == {"q1": "partly"}


def test_an_answer_outside_the_five_is_a_400(client_for, sme_alice, alice_company):
    diagnosis = make_diagnosis(alice_company, sme_alice, {"本社": {}})
    sheet = diagnosis.sheets.get()

    response = client_for(sme_alice).patch(
        url(diagnosis, f"sheets/{sheet.pk}/"), {"answers": {"q1": "yes"}}, format="json"
    )

    assert response.status_code == 400
    assert "answers" in response.json()
    assert Sheet.objects.get(pk=sheet.pk).answers == {}


def test_completing_needs_every_item_on_every_sheet_then_freezes_the_sheets(client_for, sme_alice, alice_company):
    client = client_for(sme_alice)
    diagnosis = make_diagnosis(alice_company, sme_alice, {"本社": answers(), "倉庫": {"q1": "done"}})
    warehouse = diagnosis.sheets.get(label="倉庫")

    refused = client.post(url(diagnosis, "complete/"))
    client.put(url(diagnosis, f"sheets/{warehouse.pk}/"), {"answers": answers(q4="partly")}, format="json")
    completed = client.post(url(diagnosis, "complete/"))
    frozen = client.patch(url(diagnosis, f"sheets/{warehouse.pk}/"), {"answers": {"q4": "done"}}, format="json")

    assert refused.status_code == 409
    assert refused.json()["unanswered"] == ["倉庫: " + ", ".join(f"q{n}" for n in range(2, 26))]
    assert (completed.status_code, completed.json()["total"], completed.json()["band"]) == (200, 98, "mostly")
    assert frozen.status_code == 409
    assert Sheet.objects.get(pk=warehouse.pk).answers["q4"] == "partly"


@pytest.fixture
def weak_diagnosis(sme_alice, alice_company):
    sheet = answers(q3="partly", q11="dont_know", q20="not_done", q24="not_done")
    return make_diagnosis(alice_company, sme_alice, {"本社": sheet}, complete=True)


def _texts(ids, language="ja"):
    items = {item["id"]: item for item in VERSIONS[CURRENT_VERSION]["items"]}
    return [items[item_id][language] for item_id in ids]


def test_a_drafted_request_carries_exactly_the_items_chosen_and_their_skills(client_for, sme_alice, weak_diagnosis):
    response = client_for(sme_alice).post(
        url(weak_diagnosis, "draft-request/"), {"shared_items": ["q11", "q3"]}, format="json"
    )

    assert response.status_code == 201
    request = AdvisorRequest.objects.get(pk=response.json()["request"])
    assert (request.status, request.kind, request.company_id) == ("draft", "spot", weak_diagnosis.company_id)
    assert sorted(request.required_skills.values_list("skill__slug", "min_level")) == [
        ("backup_recovery", 2),
        ("identity_access", 2),
    ]
    for text in _texts(["q3", "q11"]):
        assert text in request.description
    for text in _texts(["q20", "q24"]) + _texts([f"q{n}" for n in range(1, 26) if n not in (3, 11)]):
        assert text not in request.description
    assert "Q20" not in request.description
    assert "Q24" not in request.description
    assert RequestDraft.objects.get(request=request).shared_items == ["q3", "q11"]
    assert response.json()["shared_items"] == ["q3", "q11"]


def test_organisational_gaps_draft_a_family_doctor_retainer(client_for, sme_alice, weak_diagnosis):
    response = client_for(sme_alice, HTTP_ACCEPT_LANGUAGE="en").post(
        url(weak_diagnosis, "draft-request/"), {"shared_items": ["q20", "q24"]}, format="json"
    )

    body = response.json()
    assert (response.status_code, body["kind"]) == (201, "advisor")
    assert body["required_skills"] == [
        {"skill": "incident_response", "min_level": 3},
        {"skill": "bcp", "min_level": 3},
        {"skill": "awareness_training", "min_level": 3},
    ]
    assert AdvisorRequest.objects.get(pk=body["request"]).budget_jpy == 50_000


def test_the_sme_edits_the_drafted_request_before_publishing_it(client_for, sme_alice, weak_diagnosis):
    client = client_for(sme_alice)
    drafted = client.post(url(weak_diagnosis, "draft-request/"), {"shared_items": ["q3"]}, format="json").json()

    edited = client.patch(
        f"/api/v1/requests/{drafted['request']}/", {"budget_jpy": 12_000, "title": "パスワード管理の相談"}
    )

    assert edited.status_code == 200
    assert (edited.json()["budget_jpy"], edited.json()["status"]) == (12_000, "draft")


@pytest.mark.parametrize(
    ("shared", "status"),
    [
        (["q1"], 400),  # done: nothing to ask about
        (["q3", "q77"], 400),
        (["q3", "q3"], 400),
        ([], 400),
    ],
)
def test_refused_drafts_create_nothing(client_for, sme_alice, weak_diagnosis, shared, status):
    response = client_for(sme_alice).post(
        url(weak_diagnosis, "draft-request/"), {"shared_items": shared}, format="json"
    )

    assert response.status_code == status
    assert AdvisorRequest.objects.count() == 0
    assert RequestDraft.objects.count() == 0


def test_a_diagnosis_in_progress_drafts_nothing(client_for, sme_alice, alice_company):
    diagnosis = make_diagnosis(alice_company, sme_alice, {"本社": answers(q3="partly")})

    response = client_for(sme_alice).post(url(diagnosis, "draft-request/"), {"shared_items": ["q3"]}, format="json")

    assert response.status_code == 409
    assert AdvisorRequest.objects.count() == 0


def test_every_past_diagnosis_is_kept_for_the_trend(sme_alice, alice_company):
    totals = []
    for weak in ({"q1": "not_done", "q2": "not_done"}, {"q1": "partly"}, {}):
        diagnosis = make_diagnosis(alice_company, sme_alice, {"本社": answers(**weak)}, complete=True)
        totals.append(diagnosis.total)
    make_diagnosis(alice_company, sme_alice, {"本社": {}})  # in progress: not on the trend yet

    trend = selectors.diagnosis_trend(sme_alice, alice_company)

    assert [point.total for point in trend] == totals == [92, 98, 100]
    assert [point.band for point in trend] == ["mostly", "mostly", "achieved"]


def test_the_list_runs_a_constant_number_of_queries(client_for, sme_alice, alice_company, django_assert_num_queries):
    client = client_for(sme_alice)
    make_diagnosis(alice_company, sme_alice, {"本社": answers()}, complete=True)

    def listed():
        return client.get(f"/api/v1/companies/{alice_company.pk}/diagnoses/", {"page_size": 100})

    # The token's user, the company in reach, the company among the caller's (diagnoses_of),
    # the count, the page with its sheet counts: 5 whatever the number of diagnoses.
    with django_assert_num_queries(5):
        assert listed().json()["count"] == 1
    for _ in range(4):
        make_diagnosis(alice_company, sme_alice, {"本社": {}, "支店": {}})
    with django_assert_num_queries(5):
        body = listed().json()
    assert body["count"] == 5
    assert [row["sheet_count"] for row in body["results"]][:1] == [2]


def test_a_list_shows_exactly_the_diagnoses_detail_allows(client_for, sme_alice, alice_company, sme_erin, erin_company):
    mine = make_diagnosis(alice_company, sme_alice, {"本社": {}})
    theirs = make_diagnosis(erin_company, sme_erin, {"本社": {}})
    client = client_for(sme_alice)

    listed = client.get(f"/api/v1/companies/{alice_company.pk}/diagnoses/").json()["results"]
    other_company = client.get(f"/api/v1/companies/{erin_company.pk}/diagnoses/")

    assert [row["id"] for row in listed] == [str(mine.pk)]
    assert client.get(url(mine)).status_code == 200
    assert client.get(url(theirs)).status_code == 404
    assert other_company.status_code == 404


def test_chamber_admins_never_read_a_companys_answers_or_total(client_for, admin_carol, sme_alice, alice_company):
    diagnosis = make_diagnosis(alice_company, sme_alice, {"本社": answers()}, complete=True)
    client = client_for(admin_carol)

    assert client.get(url(diagnosis)).status_code == 403
    assert client.get(f"/api/v1/companies/{alice_company.pk}/diagnoses/").status_code == 403
    assert selectors.diagnoses_visible_to(admin_carol).count() == 0


def test_a_member_not_the_owner_writes_too(client_for, alice_company):
    colleague = factories.UserFactory(email="colleague@sme.test", role="sme")
    factories.MembershipFactory(user=colleague, company=alice_company, role="member")

    created = client_for(colleague).post(f"/api/v1/companies/{alice_company.pk}/diagnoses/", {}, format="json")

    assert created.status_code == 201
    assert Diagnosis.objects.get(pk=created.json()["id"]).sheets.get().label == "全社"


def test_a_drafted_requests_start_date_is_two_weeks_out(sme_alice, weak_diagnosis):
    from diagnosis.services import draft_request_from_diagnosis

    request = draft_request_from_diagnosis(diagnosis=weak_diagnosis, user=sme_alice, shared_item_ids=["q3"])

    assert request.start_date == timezone.localdate() + datetime.timedelta(days=14)
