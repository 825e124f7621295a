"""Subsidy cases through the API: the whole walk, what blocks a submission, documents,
reminders, expiry, the calendar feed and the chamber's CSV."""

import csv
import datetime
import io

import pytest
from icalendar import Calendar

from accounts import lifecycle
from accounts.models import CompanyMembership
from notifications.models import Notification
from subsidies import schedule, services
from subsidies.models import SubsidyCase, SubsidyDocument, SubsidyProgram
from tests.subsidies_fixtures import TODAY, make_case, make_hire, programs
from tests.talent_fixtures import PDF_BYTES, build_pdf, make_specialist, pdf
from workflow.models import StatusChange

pytestmark = pytest.mark.usefixtures("english")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
YES = {"no_fraud_5y": True, "labour_insurance_paid": True, "no_labour_law_prosecution_1y": True}


@pytest.fixture
def world(tokyo, sme_alice, alice_company, specialist_bob):
    bob = make_specialist(specialist_bob)
    return {"programs": programs(tokyo), "engagement": make_hire(alice_company, sme_alice, bob)}


def snapshot():
    return (
        list(SubsidyCase.objects.order_by("id").values()),
        list(SubsidyDocument.objects.order_by("id").values("id", "status", "version")),
        StatusChange.objects.count(),
    )


def refused(response, code, before):
    assert response.status_code == code, response.content
    assert snapshot() == before
    return response


def upload(client, case_id, kind, content=PDF_BYTES, name="doc.pdf"):
    return client.post(
        f"/api/v1/subsidy-cases/{case_id}/documents/",
        {"document_type": kind, "file": pdf(name, content)},
        format="multipart",
    )


def test_a_trial_employment_case_walks_from_draft_to_paid(client_for, sme_alice, admin_carol, world):
    alice, admin = client_for(sme_alice, **EN), client_for(admin_carol, **EN)
    program = world["programs"]["demo-trial-employment"]
    opened = alice.post(
        "/api/v1/subsidy-cases/", {"engagement": str(world["engagement"].id), "program": str(program.id)}, format="json"
    )
    assert opened.status_code == 201, opened.content
    case_id = opened.json()["id"]
    url = f"/api/v1/subsidy-cases/{case_id}"

    def move(to, client=alice):
        return client.post(f"{url}/transition/", {"to": to}, format="json")

    # The program has a plan stage: no skipping it, and the plan document comes first.
    refused(move("in_progress"), 409, snapshot())
    assert "計画書" in refused(move("plan_submitted"), 409, snapshot()).json()["detail"]
    planned = upload(alice, case_id, "plan")
    assert planned.status_code == 201, planned.content
    assert move("plan_submitted").status_code == 200
    assert move("plan_certified").status_code == 200
    start, end = TODAY - datetime.timedelta(days=95), TODAY - datetime.timedelta(days=5)
    alice.patch(url + "/", {"milestones": {"period_start": str(start), "period_end": str(end)}}, format="json")
    assert move("in_progress").status_code == 200
    assert move("period_ended").status_code == 200
    assert move("collecting_documents").status_code == 200

    # Filing while rules are unanswered and documents are missing: 409 naming each.
    blocked = refused(alice.post(f"{url}/submit/"), 409, snapshot()).json()
    assert set(blocked["rules"]) == {
        "referral",
        "declaration:no_fraud_5y",
        "declaration:labour_insurance_paid",
        "declaration:no_labour_law_prosecution_1y",
    }
    assert set(blocked["documents"]) == {
        "application_form",
        "eligibility_statement",
        "employment_contract",
        "attendance",
        "wage_ledger",
        "payment_details",
    }
    alice.patch(url + "/", {"referral": "hello_work", "declarations": YES}, format="json")
    for kind in blocked["documents"]:
        assert upload(alice, case_id, kind).status_code == 201
    # The chamber admin asks for a fix: that document blocks the filing until a new version.
    wages = SubsidyDocument.objects.get(case_id=case_id, document_type="wage_ledger")
    review = f"{url}/documents/{wages.id}/review/"
    assert admin.post(review, {"status": "needs_fix", "comment": "5月分が欠落"}, format="json").status_code == 200
    assert refused(alice.post(f"{url}/submit/"), 409, snapshot()).json()["documents"] == ["wage_ledger"]
    assert upload(alice, case_id, "wage_ledger").status_code == 201
    # A chamber admin never files (社労士法27条).
    refused(admin.post(f"{url}/submit/"), 403, snapshot())

    submitted = alice.post(f"{url}/submit/")
    assert submitted.status_code == 200
    refused(alice.post(f"{url}/submit/"), 409, snapshot())
    refused(move("paid"), 409, snapshot())  # the authority reviews first
    assert move("under_review").status_code == 200
    assert move("correction_requested").status_code == 200
    assert move("under_review").status_code == 200
    alice.patch(url + "/", {"decided_amount_jpy": 120_000, "authority_reference": "R8-0123"}, format="json")
    paid = move("paid")

    assert paid.status_code == 200
    body = paid.json()
    assert (body["status"], body["decided_amount_jpy"]) == ("paid", 120_000)
    assert [h["to_status"] for h in body["history"]][-3:] == ["correction_requested", "under_review", "paid"]
    assert SubsidyCase.objects.count() == 1  # a one-period program opens nothing more
    assert SubsidyDocument.objects.filter(case_id=case_id, document_type="wage_ledger").count() == 2  # kept
    refused(move("withdrawn"), 409, snapshot())


def test_a_two_period_program_opens_period_two_after_a_decision(client_for, sme_alice, world):
    program = world["programs"]["demo-career-up"]
    case = make_case(world["engagement"], program, sme_alice, status="under_review")

    response = client_for(sme_alice).post(f"/api/v1/subsidy-cases/{case.id}/transition/", {"to": "not_paid"})

    assert response.status_code == 200
    following = SubsidyCase.objects.get(previous=case)
    assert (following.period, following.status, following.program_id) == (2, "in_progress", program.id)


def test_eligibility_explains_each_rule_in_both_languages(client_for, sme_alice, alice_company, tokyo, world):
    program = world["programs"]["demo-chamber-dx-grant"]
    # Hired inside the grant's window (FY2026), whatever day the test runs.
    hire = make_hire(alice_company, sme_alice, world["engagement"].specialist, hire_date=datetime.date(2026, 6, 1))
    case = make_case(hire, program, sme_alice, declarations={"no_fraud_5y": True, "labour_insurance_paid": False})

    rules = client_for(sme_alice, **EN).get(f"/api/v1/subsidy-cases/{case.id}/eligibility/").json()

    assert rules["eligible"] is False
    by_rule = {item["rule"]: item for item in rules["rules"]}
    assert by_rule["size_class"]["result"] == "pass"
    assert "employee test" in by_rule["size_class"]["reason_en"] or "capital test" in by_rule["size_class"]["reason_en"]
    assert by_rule["weekly_hours"]["result"] == "pass"
    assert by_rule["declaration:no_fraud_5y"]["result"] == "pass"
    assert by_rule["declaration:labour_insurance_paid"] == {
        "rule": "declaration:labour_insurance_paid",
        "result": "fail",
        "reason": "No unpaid labour insurance premiums: no",
        "reason_ja": "労働保険料の滞納がない：いいえ",
        "reason_en": "No unpaid labour insurance premiums: no",
    }
    assert by_rule["declaration:no_labour_law_prosecution_1y"]["result"] == "unknown"
    assert by_rule["hire_window"]["result"] == "pass"


def test_a_reminder_goes_out_once_per_recipient_however_often_the_task_runs(
    sme_alice, attorney_sam, alice_company, django_capture_on_commit_callbacks, mailoutbox, world
):
    CompanyMembership.objects.create(user=attorney_sam, company=alice_company, role="labour_attorney")
    program = world["programs"]["demo-trial-employment"]
    end = TODAY - datetime.timedelta(days=40)
    case = make_case(
        world["engagement"],
        program,
        sme_alice,
        status="collecting_documents",
        milestones={"period_start": str(end - datetime.timedelta(days=90)), "period_end": str(end)},
    )
    claim = next(item for item in schedule.deadlines_of(case) if item.milestone == "claim")
    assert claim.deadline is not None
    due = claim.deadline.due_on

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert services.remind_deadlines(today=due - datetime.timedelta(days=20)) == 0  # not yet
            services.remind_deadlines(today=due - datetime.timedelta(days=14))
            services.remind_deadlines(today=due - datetime.timedelta(days=10))

    reminders = Notification.objects.filter(kind="subsidy_deadline")
    assert sorted(reminders.values_list("recipient__email", flat=True)) == sorted([sme_alice.email, attorney_sam.email])
    assert len(mailoutbox) == 2

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            services.remind_deadlines(today=due - datetime.timedelta(days=3))
    assert Notification.objects.filter(kind="subsidy_deadline").count() == 4  # the 3-day step, once each


def test_a_case_not_filed_by_its_deadline_expires_and_an_admin_reopens_it_with_a_reason(
    client_for, sme_alice, admin_carol, world
):
    program = world["programs"]["demo-trial-employment"]
    end = TODAY - datetime.timedelta(days=120)
    case = make_case(
        world["engagement"],
        program,
        sme_alice,
        status="collecting_documents",
        milestones={"period_start": str(end - datetime.timedelta(days=90)), "period_end": str(end)},
    )
    filed = make_case(
        make_hire(case.company, sme_alice, case.engagement.specialist),
        program,
        sme_alice,
        status="submitted",
        milestones=case.milestones,
    )

    assert services.expire_overdue_cases(today=TODAY) == 1
    assert services.expire_overdue_cases(today=TODAY) == 0
    case.refresh_from_db()
    filed.refresh_from_db()
    assert (case.status, filed.status) == ("expired", "submitted")
    url = f"/api/v1/subsidy-cases/{case.id}/transition/"
    assert client_for(sme_alice).post(url, {"to": "collecting_documents"}).status_code == 404
    assert client_for(admin_carol).post(url, {"to": "collecting_documents"}).status_code == 400
    reopened = client_for(admin_carol).post(url, {"to": "collecting_documents", "note": "期限延長の通知あり"})
    assert reopened.status_code == 200
    assert reopened.json()["history"][-1]["note"] == "期限延長の通知あり"


def test_hostile_documents_are_refused_and_nothing_is_stored(client_for, sme_alice, world, settings):
    case = make_case(world["engagement"], world["programs"]["demo-trial-employment"], sme_alice)
    client = client_for(sme_alice)

    for name, content in [
        ("a.pdf", build_pdf(b"/OpenAction << /S /J#61vaScript /J#53 (x) >> ")),
        ("b.png", b"\\x89PNG" + b"<svg onload=alert(1)>"),
        ("../../etc/passwd.pdf", b"<html><script>x</script></html>"),
    ]:
        assert upload(client, case.id, "wage_ledger", content, name).status_code == 400
    assert not SubsidyDocument.objects.exists()
    big = client.post(
        f"/api/v1/subsidy-cases/{case.id}/documents/",
        data=b"x",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(300 * 1024 * 1024),
    )
    assert big.status_code == 413


def test_documents_download_only_for_those_who_see_the_case(client_for, sme_alice, sme_erin, admin_carol, world):
    case = make_case(world["engagement"], world["programs"]["demo-trial-employment"], sme_alice)
    document = upload(client_for(sme_alice), case.id, "attendance").json()

    own = client_for(admin_carol).get(document["download_url"])
    other = client_for(sme_erin).get(document["download_url"])

    assert own.status_code == 200
    assert b"".join(own.streaming_content) == PDF_BYTES
    assert own["Content-Disposition"].startswith("attachment")
    assert (own["X-Content-Type-Options"], own["Cache-Control"]) == ("nosniff", "no-store")
    assert other.status_code == 404


def test_the_calendar_feed_lists_the_deadlines(client_for, sme_alice, world):
    end = datetime.date(2026, 3, 2)
    case = make_case(
        world["engagement"],
        world["programs"]["demo-trial-employment"],
        sme_alice,
        milestones={"period_start": "2025-12-01", "period_end": str(end)},
    )

    response = client_for(sme_alice, **EN).get(f"/api/v1/subsidy-cases/{case.id}/deadlines.ics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = {str(e["summary"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}
    claim = events["Trial employment subsidy (demo): Claim filed"]
    assert claim.decoded("dtstart") == datetime.date(2026, 5, 7)  # 5/2 -> Golden Week -> 5/7
    plan = events["Trial employment subsidy (demo): Plan filed"]
    assert plan.decoded("dtstart") == datetime.date(2025, 12, 15)


def test_the_chamber_csv_is_excel_friendly_and_holds_only_its_cases(
    client_for, admin_carol, admin_oscar, sme_alice, world
):
    for program in world["programs"].values():
        if program.kind == "hire":  # the hire's cases (the forensics program is for incidents)
            make_case(world["engagement"], program, sme_alice, milestones={"period_end": "2026-06-30"})

    response = client_for(admin_carol).get("/api/v1/subsidy-cases/export/")
    other = client_for(admin_oscar).get("/api/v1/subsidy-cases/export/")

    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["ケースID", "企業名", "法人番号", "助成金"]
    assert len(rows) == 4
    assert "支給申請 2026-08-31" in " ".join(rows[1] + rows[2] + rows[3])
    assert len(list(csv.reader(io.StringIO(b"".join(other.streaming_content).decode("utf-8-sig"))))) == 1


def test_changing_a_program_used_by_a_case_makes_a_new_version(client_for, operator_olga, sme_alice, world):
    program = world["programs"]["demo-trial-employment"]
    case = make_case(world["engagement"], program, sme_alice)

    changed = client_for(operator_olga).patch(f"/api/v1/subsidy-programs/{program.id}/", {"amount_jpy": 45_000})

    assert changed.status_code == 200
    assert (changed.json()["version"], changed.json()["amount_jpy"]) == (2, 45_000)
    program.refresh_from_db()
    assert (program.amount_jpy, program.is_current) == (40_000, False)
    case.refresh_from_db()
    assert case.program_id == program.id
    assert SubsidyProgram.objects.filter(code=program.code).count() == 2


def test_a_labour_attorney_reaches_the_companys_subsidy_cases_and_nothing_else(
    client_for, sme_alice, attorney_sam, alice_company, world
):
    invited = client_for(sme_alice).post(
        f"/api/v1/companies/{alice_company.id}/labour-attorneys/", {"email": attorney_sam.email}
    )
    assert invited.status_code == 201
    # The membership starts when Sam accepts the mailed invitation (with his own password).
    invitation_link = Notification.objects.get(kind="invitation", recipient=attorney_sam).body.split("/invite/")[1]
    lifecycle.accept_invitation(token=invitation_link.split("/")[0], password="correct-horse-battery")
    case = make_case(world["engagement"], world["programs"]["demo-trial-employment"], sme_alice)
    sam = client_for(attorney_sam)

    assert sam.get(f"/api/v1/subsidy-cases/{case.id}/").status_code == 200
    assert sam.patch(f"/api/v1/subsidy-cases/{case.id}/", {"referral": "hello_work"}).status_code == 200
    assert upload(sam, case.id, "plan").status_code == 201
    assert sam.get(f"/api/v1/companies/{alice_company.id}/").status_code == 404
    assert sam.get(f"/api/v1/engagements/{world['engagement'].id}/").status_code == 404
    assert sam.get("/api/v1/requests/").json()["results"] == []
    assert sam.get("/api/v1/companies/").json()["results"] == []


def test_a_chambers_own_program_is_read_by_its_companies_only(
    client_for, sme_alice, sme_erin, erin_company, admin_oscar, world
):
    grant = world["programs"]["demo-chamber-dx-grant"]

    def codes(user):
        return {item["code"] for item in client_for(user).get("/api/v1/subsidy-programs/").json()["results"]}

    assert "demo-chamber-dx-grant" in codes(sme_alice)
    assert "demo-chamber-dx-grant" not in codes(sme_erin)
    assert "demo-chamber-dx-grant" not in codes(admin_oscar)
    assert "demo-trial-employment" in codes(sme_erin)
    assert client_for(sme_erin).get(f"/api/v1/subsidy-programs/{grant.id}/").status_code == 404


def test_the_chamber_advises_in_comments_and_the_company_answers(
    client_for, sme_alice, sme_erin, admin_carol, specialist_bob, world
):
    case = make_case(world["engagement"], world["programs"]["demo-trial-employment"], sme_alice)
    url = f"/api/v1/subsidy-cases/{case.id}/comments/"

    advice = client_for(admin_carol).post(url, {"body": "出勤簿は原本の写しを添付してください"})
    answer = client_for(sme_alice).post(url, {"body": "承知しました"})
    empty = client_for(sme_alice).post(url, {"body": "  "})

    assert (advice.status_code, answer.status_code, empty.status_code) == (201, 201, 400)
    thread = client_for(sme_alice).get(url).json()
    assert [c["body"] for c in thread] == ["出勤簿は原本の写しを添付してください", "承知しました"]
    assert all("@" not in c["author"] for c in thread)
    assert client_for(sme_erin).get(url).status_code == 404
    assert client_for(specialist_bob).post(url, {"body": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("field", "value"), [("periods", 128), ("rate_percent", 150), ("fiscal_year", 254), ("amount_jpy", 0)]
)
def test_a_program_out_of_bounds_is_a_400_naming_the_field(client_for, operator_olga, field, value):
    body = {
        "code": "bounds",
        "name_ja": "範囲",
        "name_en": "Bounds",
        "authority": "市",
        "fiscal_year": 2026,
        "amount_kind": "per_period",
        "amount_jpy": 100_000,
        field: value,
    }
    if field == "rate_percent":
        body |= {"amount_kind": "rate_with_cap", "cap_jpy": 100_000}

    response = client_for(operator_olga).post("/api/v1/subsidy-programs/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not SubsidyProgram.objects.filter(code="bounds").exists()
