"""The SME's subsidy case page: the eligibility checklist, deadlines with their basis, documents
with their review, a new version uploaded (a bad file refused beside its field), submitting (refused
while something is missing, nothing changed), subscribing to the calendar; another company's case
is a 404; the page runs a constant number of queries however many documents it lists."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from subsidies import eligibility
from subsidies import services as subsidies_services
from subsidies.models import SubsidyCase, SubsidyDocument
from tests.talent_fixtures import pdf
from tests.web.test_page_actions import done, post, refused, shown, signed_in
from tests.web.world import world
from web import facts

YES = {"no_fraud_5y": True, "labour_insurance_paid": True, "no_labour_law_prosecution_1y": True}


@pytest.fixture
def w(cast):
    return world(cast)


def url_of(case: SubsidyCase) -> str:
    return reverse("sme:subsidy", kwargs={"case_id": case.pk})


def upload(client, url, kind, file):
    return client.post(url, {"upload-action": "upload", "upload-document_type": kind, "upload-file": file})


def test_the_page_shows_the_checklist_deadlines_with_their_basis_and_documents_with_their_review(client, cast, w):
    SubsidyDocument.objects.filter(pk=w.document.pk).update(status="needs_fix", comment="印影が不鮮明")
    body = shown(signed_in(client, cast.sme_alice), url_of(w.case))
    with translation.override("en"):
        rules = eligibility.check(w.case)
        deadlines = facts.subsidy_case(w.case)["deadlines"]
    assert rules  # the program has rules: each is listed with its result and reason
    for rule in rules:
        assert rule.reason_en.replace("'", "&#x27;") in body
    assert "Not known yet" in body  # the declarations are not answered yet
    for deadline in deadlines:
        assert str(deadline["basis"]).replace("'", "&#x27;") in body
    assert "Needs a fix" in body or "needs fix" in body.lower()
    assert "印影が不鮮明" in body


def test_a_new_version_is_uploaded_and_a_bad_file_is_refused_beside_its_field(client, cast, w):
    url = url_of(w.case)
    signed_in(client, cast.sme_alice)
    done(upload(client, url, "employment_contract", pdf("contract-v2.pdf")), url, "")
    versions = w.case.documents.filter(document_type="employment_contract").order_by("version")
    assert list(versions.values_list("version", flat=True)) == [1, 2]
    assert "The document is uploaded; the chamber is told." in shown(client, url)

    bad = SimpleUploadedFile("wages.pdf", b"not a pdf at all", content_type="application/pdf")
    response = upload(client, url, "wage_ledger", bad)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_upload-file_error"' in body
    assert re.search(r'<option value="wage_ledger" selected>', body)  # the chosen type is kept
    assert w.case.documents.count() == 2


def test_submitting_with_something_missing_is_refused_and_changes_nothing(client, cast, w):
    url = url_of(w.case)
    body = shown(signed_in(client, cast.sme_alice), url)
    assert "Still missing or needing a fix:" in body
    refused(post(client, url, "submit", note=""), "The case cannot be submitted yet")
    w.case.refresh_from_db()
    assert w.case.status == SubsidyCase.Status.COLLECTING_DOCUMENTS


def test_the_company_submits_a_complete_case(client, cast, w):
    SubsidyCase.objects.filter(pk=w.case.pk).update(referral="hello_work", declarations=YES)
    w.case.refresh_from_db()
    for kind in subsidies_services.missing_documents(w.case, SubsidyCase.Status.SUBMITTED):
        subsidies_services.upload_document(
            case=w.case, user=cast.sme_alice, document_type=kind, file=pdf(f"{kind}.pdf")
        )
    with translation.override("en"):
        assert eligibility.blocking(eligibility.check(w.case)) == []
    url = url_of(w.case)
    body = shown(signed_in(client, cast.sme_alice), url)
    assert "Every rule of the program is met." in body
    assert "Still missing or needing a fix:" not in body

    done(post(client, url, "submit", note="よろしくお願いします"), url, "")
    w.case.refresh_from_db()
    assert w.case.status == SubsidyCase.Status.SUBMITTED
    body = shown(client, url)
    assert "The case is submitted: the chamber checks it and tells you." in body
    assert "submit-action" not in body


def test_subscribing_shows_the_calendar_url_once_and_the_feed_has_the_cases_deadlines(client, cast, w):
    url = url_of(w.case)
    signed_in(client, cast.sme_alice)
    done(post(client, url, "calendar", confirm="True"), url, "")
    body = shown(client, url)
    found = re.search(r'id="calendar-url" value="([^"]+)"', body)
    assert found is not None
    feed_url = found.group(1)
    assert "/calendar/" in feed_url
    assert feed_url.endswith(".ics")
    again = shown(client, url)
    assert 'id="calendar-url"' not in again  # shown only once
    assert "Your calendar URL is active and includes this case." in again
    path = feed_url[feed_url.index("/calendar/") :]
    client.logout()
    feed = client.get(path)
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")

    signed_in(client, cast.sme_alice)
    ics = client.get(reverse("sme:subsidy_calendar", kwargs={"case_id": w.case.pk}))
    assert ics.status_code == 200
    assert b"BEGIN:VCALENDAR" in b"".join(ics.streaming_content if ics.streaming else [ics.content])


def test_another_companys_case_is_out_of_reach(client, cast, w):
    signed_in(client, cast.sme_erin)
    url = url_of(w.case)
    assert client.get(url).status_code == 404
    assert client.get(reverse("sme:subsidy_calendar", kwargs={"case_id": w.case.pk})).status_code == 404
    assert upload(client, url, "wage_ledger", pdf("x.pdf")).status_code == 404
    assert post(client, url, "submit", note="").status_code == 404
    assert w.case.documents.count() == 1


@pytest.mark.parametrize("n", [1, 6])
def test_the_case_page_runs_a_constant_number_of_queries(client, cast, w, django_assert_num_queries, n):
    for i in range(n - 1):
        subsidies_services.upload_document(
            case=w.case, user=cast.sme_alice, document_type="wage_ledger", file=pdf(f"wages-{i}.pdf")
        )
    client.force_login(cast.sme_alice)
    # session, user (2); the case with its program, engagement and company (1); its documents (1),
    # comments (1); the documents still missing (1); whether the person has a calendar URL (1)
    with django_assert_num_queries(7):
        response = client.get(url_of(w.case))
    assert response.content.decode().count("/documents/") == n
