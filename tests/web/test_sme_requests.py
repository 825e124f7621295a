"""The SME's company and request pages up to selection: registering the company (the 法人番号
checked as typed), a request form per kind (an incident first, with the APPI clocks), editing and
publishing a draft, the pipeline, the accepted candidates side by side, and selecting one with the
Freelance Act's terms. Read in English (the language cookie) so messages compare exactly."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Company, CompanyMembership
from matching.models import AdvisorRequest, Engagement, MatchRun, Proposal
from tests import factories
from tests.matching_fixtures import make_request
from tests.talent_fixtures import make_specialist

TODAY = timezone.localdate()
FACTS = {"level": 4.0, "certification": "RISS", "proximity": "same", "rating": None, "urgent": False}


def signed_in(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def post(client, url, action, **fields):
    data = {f"{action}-action": action}
    for name, value in fields.items():
        data[f"{action}-{name}"] = value
    return client.post(url, data)


def error_beside(body, form_field, message):
    return f'<p class="field__error" id="id_{form_field}_error">{message}</p>' in body


def url(name, **kwargs):
    return reverse(f"sme:{name}", kwargs=kwargs)


def candidates(cast, request, n=2, status="accepted"):
    """n specialists proposed for `request`, each answered `status`, with a declaration."""
    run = MatchRun.objects.create(chamber=request.company.chamber, status="succeeded")
    made = []
    for i in range(n):
        specialist = make_specialist(
            factories.UserFactory(role="specialist"), display_name=f"候補者{i}", skills={"incident_response": 4}
        )
        made.append(
            Proposal.objects.create(
                run=run,
                request=request,
                specialist=specialist,
                score=800 - i,
                breakdown={"skills": 300},
                facts=FACTS,
                rank=i + 1,
                status=status,
                declaration=f"利害関係{i}: なし" if i else "",
            )
        )
    return made


# --- the company ----------------------------------------------------------------------------------

REGISTRATION = {
    "name": "株式会社新井製作所",
    "entity_type": "corporation",
    "industry": "manufacturing",
    "capital_jpy": "10000000",
    "employees": "45",
    "prefecture": "13",
    "city": "大田区",
    "security_action": "one_star",
}


def test_registering_a_company_with_a_bad_check_digit_is_refused_beside_the_number(client, cast):
    signed_in(client, cast.stranger_dave)
    good = factories.valid_corporate_number(123_456_789_012)
    bad = str((int(good[0]) % 9) + 1) + good[1:]

    response = post(
        client, url("company"), "register", chamber=str(cast.tokyo.pk), corporate_number=bad, **REGISTRATION
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "The check digit (first digit) of this corporate number is wrong." in body
    assert f'value="{bad}"' in body
    assert 'value="株式会社新井製作所"' in body
    assert not Company.objects.filter(name="株式会社新井製作所").exists()


def test_the_corporate_number_is_checked_as_it_is_typed(client, cast):
    signed_in(client, cast.stranger_dave)
    good = factories.valid_corporate_number(123_456_789_012)
    check = url("company_number_check")

    short = client.get(check, {"register-corporate_number": "12345"}).content.decode()
    wrong = client.get(check, {"register-corporate_number": str(int(good[0]) % 9 + 1) + good[1:]}).content.decode()
    right = client.get(check, {"register-corporate_number": f"{good[0]}-{good[1:5]} {good[5:9]}-{good[9:]}"})

    assert "A corporate number has exactly 13 digits." in short
    assert "The check digit (first digit) of this corporate number is wrong." in wrong
    assert f"The check digit is right: {good[0]}-{good[1:5]}-{good[5:9]}-{good[9:]}" in right.content.decode()
    assert client.get(check).content.decode().strip() == ""
    # The field asks for the check as it is typed.
    page = client.get(url("company")).content.decode()
    assert f'hx-get="{check}"' in page


def test_registering_a_company_makes_the_person_its_owner_and_shows_the_size_class_with_its_basis(client, cast):
    signed_in(client, cast.stranger_dave)
    number = factories.valid_corporate_number(123_456_789_012)

    response = post(
        client, url("company"), "register", chamber=str(cast.tokyo.pk), corporate_number=number, **REGISTRATION
    )

    assert response.status_code == 302
    company = Company.objects.get(name="株式会社新井製作所")
    assert company.status == "pending"
    assert company.corporate_number == number
    assert CompanyMembership.objects.filter(user=cast.stranger_dave, company=company, role="owner").exists()
    body = client.get(url("company")).content.decode()
    assert "SME by the capital test and the employee test." in body
    assert "SECURITY ACTION one star" in body


def test_the_owner_states_the_security_action_level(client, cast):
    signed_in(client, cast.sme_alice)
    company = cast.alice_company

    response = post(client, url("company"), "level", company=str(company.pk), security_action="two_stars")

    assert response.status_code == 302
    company.refresh_from_db()
    assert company.security_action == "two_stars"


def test_another_companys_security_action_is_not_found_and_unchanged(client, cast):
    signed_in(client, cast.sme_alice)
    cast.alice_company  # noqa: B018
    erins = cast.erin_company

    response = post(client, url("company"), "level", company=str(erins.pk), security_action="two_stars")

    assert response.status_code == 404
    erins.refresh_from_db()
    assert erins.security_action == "none"


# --- new requests ------------------------------------------------------------------------------


def test_the_kinds_page_offers_an_incident_first(client, cast):
    signed_in(client, cast.sme_alice)
    cast.alice_company  # noqa: B018

    body = client.get(url("request_new")).content.decode()

    kinds = [body.index(f'href="?kind={kind}"') for kind in ("incident", "advisor", "spot", "hire")]
    assert kinds == sorted(kinds)


def test_an_incident_request_takes_a_few_fields_and_shows_the_appi_clocks(client, cast):
    signed_in(client, cast.sme_alice)
    company = cast.alice_company
    new = url("request_new") + "?kind=incident"
    form = client.get(new).content.decode()
    assert 'name="request-start_date"' not in form
    assert 'name="request-required_skills"' not in form
    assert "within 30 days (60 days when the leak was caused deliberately)" in form

    response = post(
        client,
        new,
        "request",
        company=str(company.pk),
        title="ランサムウェア感染",
        description="ファイルが暗号化された",
        incident_category="ransomware",
        personal_data_leak="on",
        aware_at="2026-12-01T09:30",
        budget_jpy="300000",
        remote_ok="on",
    )

    made = AdvisorRequest.objects.get(title="ランサムウェア感染")
    assert response.status_code == 302
    assert response["Location"] == url("request", request_id=made.pk)
    assert (made.kind, made.status, made.urgency, made.start_date) == ("incident", "draft", "urgent", TODAY)
    assert [(s.skill.slug, s.min_level) for s in made.required_skills.all()] == [("incident_response", 3)]
    body = client.get(response["Location"]).content.decode()
    assert "APPI reporting clocks" in body
    assert "promptly: by <strong>2026-12-06 (Sun) 09:30</strong>" in body  # 5 days after 12-01 09:30 (Tokyo)
    assert "Final report: by <strong>2026-12-31 (Thu) 09:30</strong>" in body  # 30 days


def test_a_leak_without_the_time_of_awareness_is_refused_beside_that_field(client, cast):
    signed_in(client, cast.sme_alice)

    response = post(
        client,
        url("request_new") + "?kind=incident",
        "request",
        company=str(cast.alice_company.pk),
        title="情報漏えいの疑い",
        personal_data_leak="on",
        budget_jpy="100000",
        remote_ok="on",
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert error_beside(body, "request-aware_at", "Say when the leak became known: the APPI clocks start then.")
    assert 'value="情報漏えいの疑い"' in body
    assert not AdvisorRequest.objects.filter(title="情報漏えいの疑い").exists()


def test_an_advisor_request_is_drafted_with_its_skills_then_edited_and_published(client, cast):
    signed_in(client, cast.sme_alice)
    company = cast.alice_company
    start = TODAY + datetime.timedelta(days=20)

    post(
        client,
        url("request_new") + "?kind=advisor",
        "request",
        company=str(company.pk),
        title="顧問の募集",
        required_skills=["isms_policy"],
        min_level="3",
        required_certification="none",
        budget_jpy="50000",
        hours_per_month="4",
        start_date=start.isoformat(),
        remote_ok="on",
        slots="3",
    )
    made = AdvisorRequest.objects.get(title="顧問の募集")
    assert (made.kind, made.budget_jpy, made.hours_per_month, made.start_date) == ("advisor", 50_000, 4, start)

    edit = url("request_edit", request_id=made.pk)
    form = client.get(edit).content.decode()
    assert 'name="request-title" value="顧問の募集"' in form
    assert re.search(r'value="isms_policy" id="id_request-required_skills_\d+" checked', form)
    client.post(
        edit,
        {
            "request-action": "request",
            "request-company": str(company.pk),
            "request-title": "セキュリティ顧問の募集",
            "request-required_skills": ["isms_policy", "risk_assessment"],
            "request-min_level": "4",
            "request-required_certification": "riss",
            "request-budget_jpy": "60000",
            "request-hours_per_month": "6",
            "request-start_date": start.isoformat(),
            "request-remote_ok": "on",
            "request-slots": "2",
        },
    )
    made.refresh_from_db()
    assert (made.title, made.budget_jpy, made.required_certification) == ("セキュリティ顧問の募集", 60_000, "riss")
    assert sorted((s.skill.slug, s.min_level) for s in made.required_skills.all()) == [
        ("isms_policy", 4),
        ("risk_assessment", 4),
    ]

    published = post(client, url("request", request_id=made.pk), "publish")

    assert published.status_code == 302
    made.refresh_from_db()
    assert made.status == "open"
    refused = post(
        client,
        edit,
        "request",
        company=str(company.pk),
        title="後から変更",
        min_level="3",
        required_certification="none",
        budget_jpy="1",
        start_date=start.isoformat(),
        remote_ok="on",
        slots="3",
    )
    assert refused.status_code == 400
    assert "Only a draft request can be edited." in refused.content.decode()
    made.refresh_from_db()
    assert made.title == "セキュリティ顧問の募集"


def test_publishing_for_a_company_not_yet_verified_is_refused_and_stays_a_draft(client, cast):
    signed_in(client, cast.sme_alice)
    company = cast.alice_company
    Company.objects.filter(pk=company.pk).update(status="pending")
    draft = make_request(company, cast.sme_alice, status="draft")

    response = post(client, url("request", request_id=draft.pk), "publish")

    assert response.status_code == 400
    assert "The company must be verified by its chamber before publishing." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_pipeline_says_where_the_request_stands(client, cast):
    signed_in(client, cast.sme_alice)
    request = make_request(cast.alice_company, cast.sme_alice)
    candidates(cast, request, n=2, status="pending_review")
    page = url("request", request_id=request.pk)

    waiting = client.get(page).content.decode()
    assert 'aria-current="step">Waiting for the chamber\'s review <strong>2</strong>' in waiting
    assert "候補者0" not in waiting  # who, only once they accept

    Proposal.objects.filter(request=request).update(status="accepted")
    accepted = client.get(page).content.decode()
    assert 'aria-current="step">Accepted <strong>2</strong>' in accepted
    assert "候補者0" in accepted
    assert "候補者1" in accepted


def test_the_comparison_shows_each_accepted_candidate_with_reasons_declaration_and_reviews(client, cast):
    signed_in(client, cast.sme_alice)
    request = make_request(cast.alice_company, cast.sme_alice)
    first, second = candidates(cast, request, n=2)
    candidates(cast, request, n=1, status="approved")  # not answered yet: not shown
    from talent.models import Specialist

    Specialist.objects.filter(pk=second.specialist_id).update(rating=4.5, rating_count=12)

    body = client.get(url("request_compare", request_id=request.pk)).content.decode()

    assert body.count('class="card compare__candidate"') == 2
    assert "Required skills: 300 points (average level 4.0)." in body
    assert "None declared." in body
    assert "利害関係1: なし" in body
    assert "★ 4.5 (12 reviews)" in body
    assert "No reviews yet" in body
    assert url("request_select", request_id=request.pk, proposal_id=first.pk) in body


def test_another_companys_request_pages_are_not_found(client, cast):
    erins = make_request(cast.erin_company, cast.sme_erin, status="draft")
    (proposal,) = candidates(cast, erins, n=1)
    signed_in(client, cast.sme_alice)
    cast.alice_company  # noqa: B018

    for name in ("request", "request_edit", "request_compare"):
        assert client.get(url(name, request_id=erins.pk)).status_code == 404
    assert client.get(url("request_select", request_id=erins.pk, proposal_id=proposal.pk)).status_code == 404
    assert post(client, url("request", request_id=erins.pk), "publish").status_code == 404
    erins.refresh_from_db()
    assert erins.status == "draft"


# --- selecting with terms ------------------------------------------------------------------------


def test_a_61_day_payment_due_is_refused_beside_its_field_and_a_valid_one_selects(client, cast):
    signed_in(client, cast.sme_alice)
    request = make_request(cast.alice_company, cast.sme_alice, kind="spot", hours_per_month=5)
    first, second = candidates(cast, request, n=2)
    select = url("request_select", request_id=request.pk, proposal_id=first.pk)
    form = client.get(select).content.decode()
    assert 'name="select-payment_due_days" value="30"' in form  # the defaults filled in
    assert 'name="select-fee_jpy" value="15000"' in form
    assert "At most 60 days (Freelance Act Art. 4)" in form
    terms = {
        "scope": "ランサムウェア対策の相談",
        "fee_basis": "hourly",
        "fee_jpy": "15000",
        "hours_per_month": "5",
        "service_start": TODAY.isoformat(),
        "payment_due_days": "61",
        "payment_method": "bank_transfer",
        "closing": "month_end",
        "tax_treatment": "inclusive",
    }

    refused = post(client, select, "select", **terms)

    assert refused.status_code == 400
    body = refused.content.decode()
    assert error_beside(
        body,
        "select-payment_due_days",
        "The Freelance Act (Art. 4) requires payment within 60 days of receiving the service "
        "(for a monthly retainer, of each month&#x27;s end); 61 days is too late.",
    )
    assert 'name="select-payment_due_days" value="61"' in body
    assert not Engagement.objects.exists()
    first.refresh_from_db()
    assert first.status == "accepted"

    accepted = post(client, select, "select", **(terms | {"payment_due_days": "60"}))

    engagement = Engagement.objects.get()
    assert accepted.status_code == 302
    assert accepted["Location"] == url("engagement", engagement_id=engagement.pk)
    assert (engagement.specialist_id, engagement.payment_due_days) == (first.specialist_id, 60)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("selected", "not_selected")


def test_a_candidate_of_another_request_cannot_be_selected_through_this_one(client, cast):
    signed_in(client, cast.sme_alice)
    mine = make_request(cast.alice_company, cast.sme_alice)
    other = make_request(cast.alice_company, cast.sme_alice, title="別の依頼")
    (proposal,) = candidates(cast, other, n=1)

    assert client.get(url("request_select", request_id=mine.pk, proposal_id=proposal.pk)).status_code == 404


# --- lists in a constant number of queries ----------------------------------------------------------


@pytest.mark.parametrize("n", [1, 6])
def test_the_comparison_runs_a_constant_number_of_queries(client, cast, django_assert_num_queries, n):
    signed_in(client, cast.sme_alice)
    request = make_request(cast.alice_company, cast.sme_alice)
    candidates(cast, request, n=n)
    # session, user (2); the request with its company (1) and required skills (1); the skills'
    # labels (1); the proposals with their request (1), the request's skills (1) and the
    # specialists (1) with their users (in it), skill levels (1), travel (1), credentials (1).
    with django_assert_num_queries(11):
        response = client.get(url("request_compare", request_id=request.pk))
    assert response.content.decode().count('class="card compare__candidate"') == n


@pytest.mark.parametrize("n", [1, 6])
def test_the_request_page_lists_who_accepted_in_a_constant_number_of_queries(
    client, cast, django_assert_num_queries, n
):
    signed_in(client, cast.sme_alice)
    request = make_request(cast.alice_company, cast.sme_alice)
    candidates(cast, request, n=n)
    # session, user (2); the request with its company (1) and required skills (1); the accepted
    # proposals with their specialists (1); the pipeline counts (1).
    with django_assert_num_queries(6):
        response = client.get(url("request", request_id=request.pk))
    assert response.content.decode().count("/select/") == n


def test_the_incident_form_shows_the_appi_dates_as_the_time_of_awareness_is_given(client, cast):
    signed_in(client, cast.sme_alice)
    cast.alice_company  # noqa: B018
    clocks = url("request_appi_clocks")
    form = client.get(url("request_new") + "?kind=incident").content.decode()
    assert f'hx-get="{clocks}"' in form
    assert 'id="appi-clocks"' in form

    deliberate = client.get(
        clocks,
        {
            "request-personal_data_leak": "on",
            "request-aware_at": "2026-12-01T09:30",
            "request-leak_deliberate": "on",
        },
    ).content.decode()
    no_leak = client.get(clocks, {"request-aware_at": "2026-12-01T09:30"}).content.decode()

    assert "promptly: by <strong>2026-12-06 (Sun) 09:30</strong>" in deliberate
    assert "Final report: by <strong>2027-01-30 (Sat) 09:30</strong> (60 days: caused deliberately)" in deliberate
    assert no_leak.strip() == ""


def test_a_published_requests_edit_page_says_why_it_has_no_form(client, cast):
    signed_in(client, cast.sme_alice)
    published = make_request(cast.alice_company, cast.sme_alice, status="open")

    body = client.get(url("request_edit", request_id=published.pk)).content.decode()

    assert "This request is no longer a draft (Open)" in body
    assert 'name="request-action"' not in body


def test_the_incident_form_and_the_diagnosis_result_read_in_japanese(client, cast):
    client.force_login(cast.sme_alice)
    from diagnosis import services

    diagnosis = services.start_diagnosis(user=cast.sme_alice, company=cast.alice_company)
    form = client.get(url("request_new") + "?kind=incident").content.decode()
    services.update_sheet(
        user=cast.sme_alice, sheet=diagnosis.sheets.get(), answers={f"q{n}": "done" for n in range(1, 26)}
    )
    services.complete_diagnosis(user=cast.sme_alice, diagnosis=diagnosis)
    result = client.get(url("diagnosis_detail", diagnosis_id=diagnosis.pk)).content.decode()

    for text in ("個人データが漏えいしたおそれがある場合", "事態を知った日時", "下書きを保存する"):
        assert text in form
    for text in ("入門レベルの対策を達成", "パートごと", "シートのまとめ", "会社全体"):
        assert text in result


def test_the_size_class_and_its_basis_show_as_the_facts_are_typed(client, cast):
    signed_in(client, cast.stranger_dave)
    check = url("company_size_check")
    typed = {"register-entity_type": "corporation", "register-industry": "retail"}

    small = client.get(check, typed | {"register-employees": "5", "register-capital_jpy": "10000000"})
    by_capital = client.get(check, typed | {"register-employees": "80", "register-capital_jpy": "50000000"})
    large = client.get(check, typed | {"register-employees": "80", "register-capital_jpy": "50000001"})
    sole = client.get(
        check, {"register-entity_type": "sole_proprietor", "register-industry": "retail", "register-employees": "51"}
    )

    assert "Small-scale enterprise by the employee test." in small.content.decode()
    assert "SME by the capital test." in by_capital.content.decode()
    assert "Large: neither the capital test nor the employee test is met." in large.content.decode()
    assert "Large: neither" in sole.content.decode()  # no capital test for a sole proprietor
    assert client.get(check, typed).content.decode().strip() == ""  # employees not given yet
    assert f'hx-get="{check}"' in client.get(url("company")).content.decode()


def test_a_hire_is_selected_with_employment_terms_and_no_fee(client, cast):
    signed_in(client, cast.sme_alice)
    hire = make_request(
        cast.alice_company, cast.sme_alice, kind="hire", employment_type="full_time", budget_jpy=5_600_000
    )
    (proposal,) = candidates(cast, hire, n=1)
    select = url("request_select", request_id=hire.pk, proposal_id=proposal.pk)
    form = client.get(select).content.decode()
    assert 'name="select-annual_salary_jpy" value="5600000"' in form
    assert 'name="select-fee_jpy"' not in form
    assert "Freelance Act" not in form

    response = post(
        client,
        select,
        "select",
        employment_type="full_time",
        hire_date=TODAY.isoformat(),
        weekly_hours="40",
        annual_salary_jpy="5600000",
    )

    engagement = Engagement.objects.get()
    assert response.status_code == 302
    assert (engagement.kind, engagement.weekly_hours, engagement.annual_salary_jpy) == ("hire", 40, 5_600_000)


def test_an_incident_drafts_edit_page_shows_its_appi_dates_from_the_start(client, cast):
    signed_in(client, cast.sme_alice)
    aware = datetime.datetime(2026, 12, 1, 9, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    draft = make_request(
        cast.alice_company, cast.sme_alice, kind="incident", status="draft", personal_data_leak=True, aware_at=aware
    )

    body = client.get(url("request_edit", request_id=draft.pk)).content.decode()

    assert "Final report: by <strong>2026-12-31 (Thu) 09:30</strong>" in body
    assert 'name="request-aware_at" value="2026-12-01T09:30"' in body
