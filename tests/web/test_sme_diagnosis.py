"""The SME's self-diagnosis pages (/sme/diagnosis/): start one with a sheet per site, answer the
sheets, complete it, read the result, check ★★ readiness, and draft a request from the items the
SME chooses to share. Read in English (the language cookie) so messages compare exactly."""

import pytest
from django.conf import settings
from django.urls import reverse

from diagnosis import services
from diagnosis.models import BasicPolicy, Diagnosis, RequestDraft
from matching.models import AdvisorRequest
from tests.talent_fixtures import pdf

ALL_DONE = {f"q{n}": "done" for n in range(1, 26)}


def signed_in(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def post(client, url, action, **fields):
    data = {f"{action}-action": action, **{f"{action}-{name}": value for name, value in fields.items()}}
    return client.post(url, data)


def detail_url(diagnosis):
    return reverse("sme:diagnosis_detail", kwargs={"diagnosis_id": diagnosis.pk})


def sheet_url(sheet):
    return reverse("sme:diagnosis_sheet", kwargs={"diagnosis_id": sheet.diagnosis_id, "sheet_id": sheet.pk})


def completed(cast, answers_by_sheet):
    """A completed diagnosis of Alice's company with one sheet per entry of `answers_by_sheet`."""
    diagnosis = services.start_diagnosis(
        user=cast.sme_alice, company=cast.alice_company, sheet_labels=list(answers_by_sheet)
    )
    for sheet in diagnosis.sheets.all():
        services.update_sheet(user=cast.sme_alice, sheet=sheet, answers=answers_by_sheet[sheet.label])
    return services.complete_diagnosis(user=cast.sme_alice, diagnosis=diagnosis)


def test_starting_a_diagnosis_makes_one_sheet_per_site_and_opens_it(client, cast):
    signed_in(client, cast.sme_alice)
    cast.alice_company  # noqa: B018 (Alice's company, made)

    response = post(client, reverse("sme:diagnosis"), "start", sheet_labels="本社\n\n工場\n")

    diagnosis = Diagnosis.objects.get(company=cast.alice_company)
    assert response.status_code == 302
    assert response["Location"] == detail_url(diagnosis)
    assert [sheet.label for sheet in diagnosis.sheets.all()] == ["本社", "工場"]
    page = client.get(response["Location"]).content.decode()
    assert "A new diagnosis is started: answer each sheet." in page
    assert "0 of 25 answered" in page


def test_a_sheet_name_used_twice_is_refused_beside_the_field_and_nothing_is_started(client, cast):
    signed_in(client, cast.sme_alice)
    cast.alice_company  # noqa: B018

    response = post(client, reverse("sme:diagnosis"), "start", sheet_labels="本社\n本社")

    assert response.status_code == 400
    body = response.content.decode()
    assert '<p class="field__error" id="id_start-sheet_labels_error">Each sheet needs its own name.</p>' in body
    assert "本社\n本社</textarea>" in body  # what was typed is kept
    assert not Diagnosis.objects.exists()


def test_answers_are_saved_part_way_and_the_sheet_shows_them(client, cast):
    signed_in(client, cast.sme_alice)
    diagnosis = services.start_diagnosis(user=cast.sme_alice, company=cast.alice_company)
    sheet = diagnosis.sheets.get()

    response = post(client, sheet_url(sheet), "answers", q1="done", q2="partly", q9="not_applicable")

    assert response.status_code == 302
    assert response["Location"] == detail_url(diagnosis)
    sheet.refresh_from_db()
    assert sheet.answers == {"q1": "done", "q2": "partly", "q9": "not_applicable"}
    body = client.get(sheet_url(sheet)).content.decode()
    assert 'name="answers-q2" value="partly" class="answers" id="id_answers-q2_1" checked' in body
    assert "3 of 25 answered" in client.get(detail_url(diagnosis)).content.decode()


def test_not_applicable_is_not_offered_where_the_item_does_not_allow_it(client, cast):
    signed_in(client, cast.sme_alice)
    sheet = services.start_diagnosis(user=cast.sme_alice, company=cast.alice_company).sheets.get()

    body = client.get(sheet_url(sheet)).content.decode()

    assert 'name="answers-q9" value="not_applicable"' in body  # wireless LAN: may be not applicable
    assert 'name="answers-q1" value="not_applicable"' not in body
    refused = post(client, sheet_url(sheet), "answers", q1="not_applicable")
    assert refused.status_code == 400
    sheet.refresh_from_db()
    assert sheet.answers == {}


def test_completing_with_items_unanswered_is_refused_and_the_diagnosis_stays_open(client, cast):
    signed_in(client, cast.sme_alice)
    diagnosis = services.start_diagnosis(user=cast.sme_alice, company=cast.alice_company)

    response = post(client, detail_url(diagnosis), "complete")

    assert response.status_code == 400
    assert "Answer every item on every sheet first." in response.content.decode()
    diagnosis.refresh_from_db()
    assert diagnosis.status == "in_progress"


def test_the_result_shows_total_band_advice_parts_dont_know_and_the_sheets_rolled_up(client, cast):
    signed_in(client, cast.sme_alice)
    office = ALL_DONE | {"q5": "dont_know"}
    factory = ALL_DONE | {"q11": "not_done", "q24": "partly"}
    diagnosis = services.start_diagnosis(user=cast.sme_alice, company=cast.alice_company, sheet_labels=["本社", "工場"])
    for sheet in diagnosis.sheets.all():
        services.update_sheet(user=cast.sme_alice, sheet=sheet, answers=office if sheet.label == "本社" else factory)

    response = post(client, detail_url(diagnosis), "complete")

    assert response.status_code == 302
    body = client.get(detail_url(diagnosis)).content.decode()
    # Rolled up: the weakest answer per item: 22 x 4 + (-1) + 0 + 2 = 89.
    assert '<span class="score__total">89</span>' in body
    assert "Mostly in place" in body
    assert "Most measures are in place." in body
    assert "Q5. There is a way to learn of new threats" in body  # "don't know": listed for review
    # Part subtotals: part 1 4x4-1 = 15 of 20; part 2 12x4+0 = 48 of 52; part 3 6x4+2 = 26 of 28.
    assert '<td class="number">15</td><td class="number">20</td>' in body
    assert '<td class="number">48</td><td class="number">52</td>' in body
    assert '<td class="number">26</td><td class="number">28</td>' in body
    # Each sheet's own total beside the company's.
    assert '本社</a></th><td class="number">95</td>' in body
    assert '工場</a></th><td class="number">94</td>' in body


def test_drafting_with_no_item_chosen_is_refused_beside_the_field_and_makes_nothing(client, cast):
    signed_in(client, cast.sme_alice)
    diagnosis = completed(cast, {"全社": ALL_DONE | {"q3": "not_done"}})

    response = post(client, detail_url(diagnosis), "draft")

    assert response.status_code == 400
    assert (
        '<p class="field__error" id="id_draft-shared_items_error">Choose at least one item to share.</p>'
        in response.content.decode()
    )
    assert not AdvisorRequest.objects.exists()


def test_a_draft_request_carries_only_the_items_chosen_and_opens_for_editing(client, cast):
    signed_in(client, cast.sme_alice)
    weak = {"q3": "not_done", "q11": "partly", "q20": "dont_know"}
    diagnosis = completed(cast, {"全社": ALL_DONE | weak})
    page = client.get(detail_url(diagnosis)).content.decode()
    assert page.count('name="draft-shared_items"') == 3  # the three weak items offered, none ticked
    assert 'name="draft-shared_items" value="q3" id="id_draft-shared_items_0" checked' not in page

    client.post(detail_url(diagnosis), {"draft-action": "draft", "draft-shared_items": ["q3", "q20"]})

    made = AdvisorRequest.objects.get()
    assert made.status == "draft"
    assert made.kind == "spot"
    assert "Q3" in made.description
    assert "Q20" in made.description
    assert "Q11" not in made.description
    assert sorted(item.skill.slug for item in made.required_skills.all()) == ["awareness_training", "identity_access"]
    assert RequestDraft.objects.get().shared_items == ["q3", "q20"]
    edit = client.get(reverse("sme:request_edit", kwargs={"request_id": made.pk}))
    assert edit.status_code == 200


def test_another_companys_diagnosis_and_sheets_are_not_found(client, cast):
    erins = services.start_diagnosis(user=cast.sme_erin, company=cast.erin_company)
    signed_in(client, cast.sme_alice)
    cast.alice_company  # noqa: B018

    assert client.get(detail_url(erins)).status_code == 404
    assert client.get(sheet_url(erins.sheets.get())).status_code == 404
    assert post(client, sheet_url(erins.sheets.get()), "answers", q1="done").status_code == 404
    assert erins.sheets.get().answers == {}
    assert "株式会社エリン商事" not in client.get(reverse("sme:diagnosis")).content.decode()


def test_readiness_lists_the_steps_and_never_says_certified(client, cast):
    signed_in(client, cast.sme_alice)
    completed(cast, {"全社": ALL_DONE})
    url = reverse("sme:diagnosis")

    before = client.get(url).content.decode()
    assert "A self-diagnosis is completed." in before
    assert "Write a basic security policy and upload it." in before
    assert "certifies nothing" in before
    assert "certified" not in before.lower().replace("certifies nothing", "")

    uploaded = client.post(
        url, {"policy-action": "policy", "policy-file": pdf("policy.pdf"), "policy-public_url": "not a url"}
    )
    assert uploaded.status_code == 400
    assert "Give the web address (https://...) where the policy is published." in uploaded.content.decode()
    assert not BasicPolicy.objects.exists()

    client.post(
        url,
        {"policy-action": "policy", "policy-file": pdf("policy.pdf"), "policy-public_url": "https://alice.test/policy"},
    )
    after = client.get(url).content.decode()
    assert "The basic policy is published at its public URL." in after
    assert 'href="https://alice.test/policy"' in after


def test_the_trend_draws_each_completed_diagnosis(client, cast):
    signed_in(client, cast.sme_alice)
    completed(cast, {"全社": ALL_DONE | {"q1": "not_done"}})
    completed(cast, {"全社": ALL_DONE})

    body = client.get(reverse("sme:diagnosis")).content.decode()

    assert body.count("<circle ") == 2
    assert "<title>96</title>" in body
    assert "<title>100</title>" in body
    assert '<td class="number">96</td>' in body
    assert '<td class="number">100</td>' in body


def test_a_person_without_a_company_is_sent_to_register_it(client, cast):
    signed_in(client, cast.stranger_dave)

    body = client.get(reverse("sme:diagnosis")).content.decode()

    assert "Register your company first" in body
    assert 'name="start-action"' not in body


@pytest.mark.parametrize("n", [1, 8])
def test_the_overview_lists_diagnoses_in_a_constant_number_of_queries(client, cast, django_assert_num_queries, n):
    signed_in(client, cast.sme_alice)
    for _i in range(n):
        completed(cast, {"全社": ALL_DONE})
    # session, user (2); the companies (1); the diagnoses with sheet counts (1) after the company
    # check (1); the trend (1) after its check (1); the latest policy (1) after its check (1);
    # the current questionnaire for the band names (1); readiness: its policy (1) after its
    # check (1), and whether a diagnosis is completed (1).
    with django_assert_num_queries(13):
        response = client.get(reverse("sme:diagnosis"))
    assert response.content.decode().count('href="/sme/diagnosis/') == n


@pytest.mark.parametrize("n", [1, 6])
def test_a_result_with_its_sheets_and_drafts_runs_a_constant_number_of_queries(
    client, cast, django_assert_num_queries, n
):
    signed_in(client, cast.sme_alice)
    diagnosis = completed(cast, {f"拠点{i}": ALL_DONE | {"q3": "not_done"} for i in range(n)})
    for _i in range(n):
        services.draft_request_from_diagnosis(diagnosis=diagnosis, user=cast.sme_alice, shared_item_ids=["q3"])
    # session, user (2); the diagnosis with its questionnaire and company (1) and its sheets (1);
    # the requests drafted from it (1). The result is computed from the sheets, without queries.
    with django_assert_num_queries(5):
        response = client.get(detail_url(diagnosis))
    body = response.content.decode()
    assert body.count('href="/sme/requests/') == n
    assert body.count("/sheets/") == n
