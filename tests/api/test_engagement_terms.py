"""Engagement terms that satisfy the Freelance Act, ending with notice, and the terms PDF."""

import datetime
import shutil
import subprocess

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from matching.models import Engagement, MatchRun, Proposal
from matching.services import engagements
from talent.models import Specialist
from tests.conftest import need_service
from tests.matching_fixtures import make_engagement, make_request
from tests.talent_fixtures import make_specialist
from workflow.models import StatusChange

pytestmark = pytest.mark.usefixtures("english")

TODAY = timezone.localdate()


@pytest.fixture
def bob(specialist_bob):
    return make_specialist(specialist_bob, legal_name="情報 太郎", phone="090-1234-5678", monthly_retainer_jpy=60_000)


def accepted_proposal(company, owner, specialist, tokyo, **request_fields):
    request = make_request(company, owner, **({"kind": "advisor", "budget_jpy": 80_000} | request_fields))
    run = MatchRun.objects.create(chamber=tokyo, status="succeeded")
    return Proposal.objects.create(
        run=run, request=request, specialist=specialist, score=700, breakdown={}, facts={}, rank=1, status="accepted"
    )


@pytest.mark.parametrize(("days", "status"), [(60, 200), (61, 400)])
def test_a_retainer_is_paid_at_most_60_days_after_each_months_end(
    client_for, sme_alice, alice_company, bob, tokyo, days, status
):
    proposal = accepted_proposal(alice_company, sme_alice, bob, tokyo)

    url = f"/api/v1/proposals/{proposal.id}/select/"
    if status == 400:
        japanese = client_for(sme_alice).post(url, {"terms": {"payment_due_days": days}}, format="json")
        assert "フリーランス法（第4条）" in japanese.json()["payment_due_days"][0]

    response = client_for(sme_alice, HTTP_ACCEPT_LANGUAGE="en").post(
        url, {"terms": {"payment_due_days": days}}, format="json"
    )

    assert response.status_code == status, response.content
    if status == 400:
        assert "Freelance Act (Art. 4)" in response.json()["payment_due_days"][0]
        assert not Engagement.objects.exists()
        assert Proposal.objects.get().status == "accepted"
    else:
        assert response.json()["terms"]["payment_due_days"] == 60


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        ({"fee_basis": "fixed", "fee_jpy": 300_000}, "service_end"),
        (
            {"service_start": TODAY.isoformat(), "service_end": (TODAY - datetime.timedelta(days=1)).isoformat()},
            "service_end",
        ),
        ({"payment_method": "cash"}, "payment_method"),
        ({"weekly_hours": 40}, "weekly_hours"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_incomplete_or_wrong_terms_are_a_400_naming_the_field(
    client_for, sme_alice, alice_company, bob, tokyo, terms, field
):
    proposal = accepted_proposal(alice_company, sme_alice, bob, tokyo)

    response = client_for(sme_alice).post(f"/api/v1/proposals/{proposal.id}/select/", {"terms": terms}, format="json")

    assert response.status_code == 400
    assert field in (response.json().get("terms") or response.json())
    assert not Engagement.objects.exists()


def test_a_hire_records_employment_terms_and_never_a_fee(client_for, sme_alice, alice_company, bob, tokyo):
    proposal = accepted_proposal(
        alice_company, sme_alice, bob, tokyo, kind="hire", budget_jpy=5_600_000, employment_type="part_time"
    )
    client = client_for(sme_alice, HTTP_ACCEPT_LANGUAGE="en")

    with_fee = client.post(f"/api/v1/proposals/{proposal.id}/select/", {"terms": {"fee_jpy": 100_000}}, format="json")
    hired = client.post(f"/api/v1/proposals/{proposal.id}/select/", {"terms": {"weekly_hours": 24}}, format="json")

    assert with_fee.status_code == 400
    assert "placement fee" in with_fee.json()["fee_jpy"][0]
    assert hired.status_code == 200
    assert hired.json()["terms"] == {
        "employment_type": "part_time",
        "hire_date": proposal.request.start_date.isoformat(),
        "weekly_hours": 24,
        "annual_salary_jpy": 5_600_000,
        "stated_on": TODAY.isoformat(),
    }
    assert Engagement.objects.get().fee_jpy is None


def six_month_retainer(proposal):
    Proposal.objects.filter(pk=proposal.pk).update(status="selected")
    engagement = make_engagement(proposal, kind="advisor", service_end=TODAY + relativedelta(months=6))
    Specialist.objects.filter(pk=proposal.specialist_id).update(active_engagements=1)
    return engagement


def test_the_sme_ends_a_six_month_retainer_30_days_after_notice_at_the_earliest(
    client_for, sme_alice, alice_company, bob, tokyo, django_capture_on_commit_callbacks
):
    engagement = six_month_retainer(accepted_proposal(alice_company, sme_alice, bob, tokyo))
    client = client_for(sme_alice, HTTP_ACCEPT_LANGUAGE="en")
    url = f"/api/v1/engagements/{engagement.id}/terminate/"

    too_soon = client.post(url, {"note": "予算削減", "ends_on": (TODAY + datetime.timedelta(days=29)).isoformat()})
    assert too_soon.status_code == 400
    assert "30 days' notice" in too_soon.json()["ends_on"][0]
    assert Engagement.objects.get().ends_on is None

    noticed = client.post(url, {"note": "予算削減"}, format="json")

    assert noticed.status_code == 200
    assert noticed.json()["status"] == "active"  # still working through the notice period
    assert noticed.json()["ends_on"] == (TODAY + datetime.timedelta(days=30)).isoformat()
    assert client.post(url, {"note": "やはり即時"}, format="json").status_code == 409

    # The daily task ends it on its end date, and the unit of capacity comes back.
    assert engagements.end_due_engagements(today=TODAY + datetime.timedelta(days=29)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert engagements.end_due_engagements(today=TODAY + datetime.timedelta(days=30)) == 1
    ended = Engagement.objects.get()
    assert (ended.status, ended.ended_on) == ("terminated", TODAY + datetime.timedelta(days=30))
    assert Specialist.objects.get(pk=bob.pk).active_engagements == 0


def test_an_exception_recorded_lets_the_sme_end_it_at_once(client_for, sme_alice, alice_company, bob, tokyo):
    engagement = six_month_retainer(accepted_proposal(alice_company, sme_alice, bob, tokyo))

    response = client_for(sme_alice).post(
        f"/api/v1/engagements/{engagement.id}/terminate/",
        {"note": "重大な契約違反", "exception": "grave_fault"},
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["end_exception"]) == ("terminated", "grave_fault")


def test_the_specialist_may_end_it_too_and_a_short_job_ends_at_once(
    client_for, sme_alice, specialist_bob, alice_company, bob, tokyo
):
    proposal = accepted_proposal(alice_company, sme_alice, bob, tokyo, kind="spot", budget_jpy=30_000)
    Proposal.objects.filter(pk=proposal.pk).update(status="selected")
    engagement = make_engagement(proposal, kind="spot", service_end=TODAY + datetime.timedelta(days=14))

    missing_reason = client_for(specialist_bob).post(f"/api/v1/engagements/{engagement.id}/terminate/", {})
    ended = client_for(specialist_bob).post(
        f"/api/v1/engagements/{engagement.id}/terminate/", {"note": "体調不良のため"}, format="json"
    )

    assert missing_reason.status_code == 400
    assert ended.status_code == 200
    assert ended.json()["status"] == "terminated"
    change = StatusChange.objects.get(object_id=engagement.id, to_status="terminated")
    assert (change.by, change.note) == (specialist_bob, "体調不良のため")


def test_the_terms_pdf_states_the_parties_fee_and_due_date(client_for, sme_alice, alice_company, bob, tokyo, tmp_path):
    need_service("pdftoppm and pdftotext (poppler-utils)", bool(shutil.which("pdftoppm") and shutil.which("pdftotext")))
    proposal = accepted_proposal(alice_company, sme_alice, bob, tokyo)
    selected = client_for(sme_alice).post(
        f"/api/v1/proposals/{proposal.id}/select/",
        {"terms": {"fee_jpy": 55_000, "payment_due_days": 45, "scope": "情報セキュリティ顧問"}},
        format="json",
    )
    engagement_id = selected.json()["id"]

    response = client_for(sme_alice).get(f"/api/v1/engagements/{engagement_id}/terms.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    for expected in (
        "取引条件明示書",
        alice_company.name,
        "情報 太郎",
        "55,000円",
        "45 日以内",
        "情報セキュリティ顧問",
    ):
        assert expected in text, expected
    (tmp_path / "terms.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-singlefile", tmp_path / "terms.pdf", tmp_path / "page"], check=True
    )
    assert (tmp_path / "page.png").read_bytes().startswith(b"\x89PNG")
