"""Every endpoint x persona: the expected status, and nothing changed on a denied write."""

import datetime
import re

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from accounts import lifecycle
from accounts.models import Company, CompanyMembership, Invitation, User
from billing import invoicing
from billing.models import FeeStatement, Invoice, Payment, Refund, TimeEntry
from incidents.models import IncidentReport, SharedIncident
from matching.models import AdvisorRequest, Engagement, MatchRun, Proposal, Review
from notifications.models import Notification
from subsidies.models import CaseComment, SubsidyCase, SubsidyDocument, SubsidyProgram
from talent.models import Certification, Specialist
from tests import factories
from tests.api.matrix import MATRIX, NOTICES_ON_REFUSAL, PUBLIC_WRITES
from tests.billing_fixtures import engaged, invoice_for
from tests.conftest import Cast
from tests.diagnosis_fixtures import diagnosis_snapshot, diagnosis_world, policy_upload_body
from tests.incidents_fixtures import clear_incidents, incidents_bodies, incidents_snapshot, incidents_world
from tests.matching_fixtures import make_engagement, make_request
from tests.personas import PERSONAS
from tests.subsidies_fixtures import make_hire, programs
from tests.talent_fixtures import make_certification, make_specialist, pdf
from workflow.models import StatusChange

# Billing configured, Stripe itself out of reach (a closed local port): the rows show who may
# call what; no row here may complete a Stripe call.
STRIPE_OUT_OF_REACH = {"STRIPE_SECRET_KEY": "sk_test_matrix", "STRIPE_API_BASE": "http://127.0.0.1:9"}


PERSONA_ORDER = (
    "tokyo",
    "osaka",
    "sme_alice",
    "alice_company",
    "sme_erin",
    "erin_company",
    "specialist_bob",
    "specialist_bea",
    "admin_carol",
    "admin_oscar",
    "operator_olga",
)


@pytest.fixture(scope="module")
def built_world(django_db_setup, django_db_blocker):
    """The world, built once for the module in a transaction rolled back after its last test.

    Each test runs in a savepoint of that transaction (pytest-django's `db`), rolled back when
    the test ends, so what one test writes the next never sees.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(**STRIPE_OUT_OF_REACH):
            world = build_world(Cast())
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def world(built_world, db, settings):
    for name, value in STRIPE_OUT_OF_REACH.items():
        setattr(settings, name, value)
    return built_world


def build_world(cast):
    # The personas first, in the order the world has always made them.
    for persona in PERSONA_ORDER:
        getattr(cast, persona)
    alice_company, sme_alice, tokyo = cast.alice_company, cast.sme_alice, cast.tokyo
    alice_company.status = Company.Status.PENDING
    alice_company.save()
    bob = make_specialist(
        cast.specialist_bob, skills={"incident_response": 4}, legal_name="情報 太郎", phone="090-1234-5678"
    )
    make_specialist(cast.specialist_bea, status="draft", listed=False)
    certification = make_certification(bob)
    # Alice's second company, verified, holds the matching objects.
    shop = factories.CompanyFactory(name="株式会社アリス商店", chamber=tokyo, status=Company.Status.VERIFIED)
    factories.MembershipFactory(user=sme_alice, company=shop)
    factories.MembershipFactory(user=cast.attorney_sam, company=shop, role="labour_attorney")
    newcomer = factories.UserFactory(email="new-sharoushi@example.test", role="sme")
    invitation, _token = lifecycle.invite(
        by=sme_alice, email="colleague@example.test", role="sme", company=alice_company, company_role="member"
    )
    matching = _matching_world(shop, sme_alice, bob, tokyo)
    world_ids = matching
    return {
        "personas": {
            name: getattr(cast, persona.fixture) if persona.fixture else None for name, persona in PERSONAS.items()
        },
        "ids": {
            "company": alice_company.id,
            "chamber": tokyo.id,
            "specialist": bob.id,
            "certification": certification.id,
            "invitation": invitation.id,
            "bob_user": cast.specialist_bob.id,
            **matching,
            **diagnosis_world(alice_company, sme_alice),
            **incidents_world(shop, sme_alice, bob, cast.admin_carol),
        },
        "bodies": {
            "new_company": lambda: {
                "name": "株式会社マトリクス",
                "entity_type": "corporation",
                "corporate_number": factories.valid_corporate_number(555_000_000_000 + Company.objects.count()),
                "industry": "services",
                "capital_jpy": 10_000_000,
                "employees": 12,
                "prefecture": "13",
                "chamber": str(tokyo.id),
            },
            "new_request": lambda: {
                "company": str(shop.id),
                "kind": "spot",
                "title": "標的型メール訓練の相談",
                "budget_jpy": 20000,
                "start_date": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
                "required_skills": [{"skill": "awareness_training", "min_level": 2}],
            },
            "new_run": lambda: {"request": str(matching["request"])},
            "new_program": lambda: {
                "code": f"matrix-{SubsidyProgram.objects.count()}",
                "name_ja": "テスト奨励金",
                "name_en": "Test grant",
                "authority": "テスト市",
                "fiscal_year": 2026,
                "amount_kind": "per_period",
                "amount_jpy": 100_000,
                "deadline_rules": [{"milestone": "claim", "after": "hire_date", "months": 1}],
            },
            "new_case": lambda: {"engagement": str(matching["hire"]), "program": str(matching["career_up"])},
            "new_document": lambda: {"document_type": "attendance", "file": pdf("attendance.pdf")},
            "new_attorney": lambda: {"email": newcomer.email},
            "new_invitation": lambda: {
                "email": "invited@example.test",
                "role": "sme",
                "company": str(alice_company.id),
                "company_role": "member",
            },
            "new_time_entry": lambda: {
                "engagement": str(world_ids["hourly"]),
                "work_date": "2026-10-05",
                "hours": "1.5",
                "description": "報告書作成",
            },
            "new_basic_policy": policy_upload_body,
            **incidents_bodies(world_ids),
            "new_certification": lambda: {
                "kind": "sg",
                "number": "SG-2024-04-01234",
                "issued_on": "2024-04-20",
                "evidence": pdf(),
            },
        },
    }


def _matching_world(company, owner, bob, chamber):
    request = make_request(company, owner, skills={"incident_response": 2})
    draft = make_request(company, owner, status="draft", title="下書き")
    run = MatchRun.objects.create(chamber=chamber, status="succeeded", progress=100)

    def proposal(status, title):
        target = make_request(company, owner, title=title)
        return Proposal.objects.create(
            run=run, request=target, specialist=bob, score=700, breakdown={}, facts={}, rank=1, status=status
        )

    accepted = proposal("accepted", "採用待ち")
    hired = proposal("selected", "顧問契約")
    engagement = make_engagement(hired, kind="advisor")
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    review = Review.objects.create(engagement=engagement, rating=4, period=last_month, created_by=owner)
    # Subsidies: a hire of Alice's shop with a trial-employment case collecting documents,
    # one document uploaded, and Sam (社労士) named for the shop.
    hire = make_hire(company, owner, bob)
    subsidy_programs = programs(chamber)
    case = SubsidyCase.objects.create(
        company=company,
        engagement=hire,
        program=subsidy_programs["demo-trial-employment"],
        created_by=owner,
        status="collecting_documents",
    )
    document = services_upload(case, owner)
    billing = _billing_world(company, owner, bob, engagement)
    return {
        **billing,
        "request": request.id,
        "draft": draft.id,
        "run": run.id,
        "review": Proposal.objects.create(
            run=run, request=request, specialist=bob, score=650, breakdown={}, facts={}, rank=1
        ).id,
        "approved": proposal("approved", "承認済み").id,
        "accepted": accepted.id,
        "engagement": engagement.id,
        "review_row": review.id,
        "hire": hire.id,
        "program": subsidy_programs["demo-trial-employment"].id,
        "career_up": subsidy_programs["demo-career-up"].id,
        "case": case.id,
        "document": document.id,
    }


def _billing_world(company, owner, bob, retainer):
    """An open invoice of the retainer (Bob has no payout account yet, so paying it is a 409),
    a paid one with its captured payment, and hours Bob logged on an hourly job; the chamber's fee
    statement to Bob for that payment. The retainer's terms name card payment (`pay/`)."""
    Engagement.objects.filter(pk=retainer.pk).update(payment_method="card")
    retainer.refresh_from_db()
    open_invoice = invoice_for(retainer, start=datetime.date(2026, 9, 15), today=datetime.date(2026, 10, 20))
    invoicing.issue_due_invoices(today=datetime.date(2026, 11, 20))  # the retainer's next month
    paid = Invoice.objects.exclude(pk=open_invoice.pk).get(engagement=retainer)
    Invoice.objects.filter(pk=paid.pk).update(status="paid")
    payment = Payment.objects.create(
        invoice=paid,
        amount_jpy=paid.amount_jpy,
        application_fee_jpy=paid.platform_fee_jpy,
        specialist_share_jpy=paid.specialist_share_jpy,
        destination_account="acct_bob",
        payment_intent_id="pi_matrix",
        status="succeeded",
    )
    hourly = engaged(company, owner, bob, kind="incident", title="初動対応", service_start=datetime.date(2026, 10, 1))
    entry = TimeEntry.objects.create(
        engagement=hourly, work_date=datetime.date(2026, 10, 2), hours=2, description="ログ解析", logged_by=bob.user
    )
    statement = FeeStatement.objects.create(
        number="F202612-00001",
        chamber=company.chamber,
        specialist=bob,
        month=datetime.date(2026, 11, 1),
        issued_on=datetime.date(2026, 12, 1),
        tax_rate_bps=1000,
        gross_jpy=paid.amount_jpy,
        fee_jpy=paid.platform_fee_jpy,
        fee_tax_jpy=paid.platform_fee_jpy * 10 // 110,
        withholding_jpy=0,
        net_jpy=paid.specialist_share_jpy,
    )
    Payment.objects.filter(pk=payment.pk).update(fee_statement=statement)
    return {
        "invoice": open_invoice.id,
        "payment": payment.id,
        "hourly": hourly.id,
        "time_entry": entry.id,
        "fee_statement": statement.id,
    }


def services_upload(case, owner):
    from subsidies import services as subsidy_services

    return subsidy_services.upload_document(case=case, user=owner, document_type="plan", file=pdf("plan.pdf"))


CASES = [(method, path, persona) for (method, path) in MATRIX for persona in PERSONAS]


def snapshot():
    return (
        list(Company.objects.order_by("id").values()),
        list(Specialist.objects.order_by("id").values()),
        list(Certification.objects.order_by("id").values()),
        list(AdvisorRequest.objects.order_by("id").values()),
        list(MatchRun.objects.order_by("id").values()),
        list(Proposal.objects.order_by("id").values()),
        list(Engagement.objects.order_by("id").values()),
        Review.objects.count(),
        StatusChange.objects.count(),
        list(SubsidyProgram.objects.order_by("id").values()),
        list(SubsidyCase.objects.order_by("id").values()),
        list(SubsidyDocument.objects.order_by("id").values()),
        CaseComment.objects.count(),
        CompanyMembership.objects.count(),
        list(Invitation.objects.order_by("id").values()),
        list(User.objects.order_by("id").values("id", "is_active", "password", "email_confirmed_at", "deactivated_at")),
        list(Invoice.objects.order_by("id").values()),
        list(Payment.objects.order_by("id").values()),
        list(Refund.objects.order_by("id").values()),
        list(TimeEntry.objects.order_by("id").values()),
        diagnosis_snapshot(),
        incidents_snapshot(),
    )


def notices():
    """The messages written (the outbox's rows) and mailed so far."""
    return list(Notification.objects.order_by("id").values()), len(mail.outbox)


@pytest.mark.parametrize(("method", "path", "persona"), CASES, ids=[f"{m} {p} {r}" for m, p, r in CASES])
def test_permission_matrix(world, client_for, method, path, persona):
    expected_by_persona, body = MATRIX[(method, path)]
    expected = expected_by_persona[persona]
    client = client_for(world["personas"][persona])
    url = path.format(**world["ids"])
    body_format = "json"
    if isinstance(body, str):
        body = world["bodies"][body]()
        body_format = "multipart" if any(hasattr(v, "read") for v in body.values()) else "json"
    before, notices_before = snapshot(), notices()

    call = getattr(client, method.lower())
    response = call(url, body, format=body_format) if body is not None else call(url)

    assert response.status_code == expected, response.content
    if method != "GET" and expected >= 400:
        assert snapshot() == before, "a denied write changed data"
        (rows_before, mailed_before), (rows_after, mailed_after) = notices_before, notices()
        earlier = {row["id"] for row in rows_before}
        assert [row for row in rows_after if row["id"] in earlier] == rows_before, "a denied write changed a message"
        written = sorted(row["kind"] for row in rows_after if row["id"] not in earlier)
        assert written == NOTICES_ON_REFUSAL.get((method, path, persona), []), "a denied write wrote a message"
        assert mailed_after == mailed_before, "a denied write sent mail"
    if persona not in SEES_BOBS_CONTACT:
        assert not contact_in(response, world["personas"]["specialist"]), "Bob's contact details leaked"


# Bob himself, every chamber admin and operators (the shared bank), and Alice, whose shop
# engaged him. Nobody else ever sees his email, phone or legal name.
SEES_BOBS_CONTACT = {"specialist", "admin_same", "admin_other", "staff", "owner"}
# (The 社労士 of Alice's shop acts on its subsidy cases only: no contact details of Bob's.)


def contact_in(response, bob_user) -> list[str]:
    body = (
        response.content.decode("utf-8", errors="replace")
        if response.get("Content-Type", "").startswith("application/json")
        else ""
    )
    return [value for value in (bob_user.email, "090-1234-5678", "情報 太郎") if value in body]


GET_ROUTES = sorted(path for method, path in MATRIX if method == "GET")
# Routes to objects that exist only once an engagement does.
MADE_BY_AN_ENGAGEMENT = (
    "{engagement}",
    "{review_row}",
    "{case}",
    "{document}",
    "{invoice}",
    "{payment}",
    "{time_entry}",
    "{fee_statement}",
    "{incident_report}",
    "{shared_incident}",
    "{approved_incident}",
)


def test_no_contact_detail_anywhere_before_an_engagement_and_both_ways_after(world, client_for):
    """The owner sweeps every read endpoint before any engagement exists: no contact detail of
    Bob's. After selecting him, Alice has his, and Bob has hers."""
    alice, bob = world["personas"]["owner"], world["personas"]["specialist"]
    Review.objects.all().delete()
    SubsidyDocument.objects.all().delete()
    SubsidyCase.objects.all().delete()
    clear_incidents()
    proposal = Engagement.objects.get(kind="advisor").proposal
    Payment.objects.all().delete()
    TimeEntry.objects.all().delete()
    Invoice.objects.all().delete()
    for engagement in Engagement.objects.all():
        Proposal.objects.filter(pk=engagement.proposal_id).update(status="accepted")
        engagement.delete()
    Specialist.objects.filter(user=bob).update(active_engagements=0)
    client = client_for(alice)

    for path in GET_ROUTES:
        if any(key in path for key in MADE_BY_AN_ENGAGEMENT):
            continue
        response = client.get(path.format(**world["ids"]), {"page_size": 100})
        assert not contact_in(response, bob), path

    selected = client.post(f"/api/v1/proposals/{proposal.id}/select/", {"terms": {"hours_per_month": 4}}, format="json")
    assert selected.status_code == 200
    profile = client.get(f"/api/v1/specialists/{world['ids']['specialist']}/")
    assert contact_in(profile, bob) == [bob.email, "090-1234-5678", "情報 太郎"]
    engagements = client_for(bob).get("/api/v1/engagements/").json()["results"]
    assert alice.email in {item["contact"]["email"] for item in engagements}


def test_every_operation_in_the_schema_is_in_the_matrix():
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    operations = {
        (method.upper(), re.sub(r"\{\w+\}", "{id}", path))
        for path, item in response.json()["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    covered = {(method, re.sub(r"\{\w+\}", "{id}", path)) for method, path in MATRIX}

    missing = {op for op in operations if op not in covered and op not in PUBLIC_WRITES}
    assert not missing, f"add these to tests/api/matrix.py: {sorted(missing)}"


LISTS = {
    "/api/v1/companies/": ("/api/v1/companies/{id}/", Company),
    "/api/v1/certifications/": ("/api/v1/certifications/{id}/", Certification),
    "/api/v1/requests/": ("/api/v1/requests/{id}/", AdvisorRequest),
    "/api/v1/proposals/": ("/api/v1/proposals/{id}/", Proposal),
    "/api/v1/engagements/": ("/api/v1/engagements/{id}/", Engagement),
    "/api/v1/match-runs/": ("/api/v1/match-runs/{id}/", MatchRun),
    "/api/v1/reviews/": ("/api/v1/reviews/{id}/", Review),
    "/api/v1/subsidy-programs/": ("/api/v1/subsidy-programs/{id}/", SubsidyProgram),
    "/api/v1/subsidy-cases/": ("/api/v1/subsidy-cases/{id}/", SubsidyCase),
    "/api/v1/invoices/": ("/api/v1/invoices/{id}/", Invoice),
    "/api/v1/time-entries/": ("/api/v1/time-entries/{id}/", TimeEntry),
    "/api/v1/fee-statements/": ("/api/v1/fee-statements/{id}/", FeeStatement),
    "/api/v1/incident-reports/": ("/api/v1/incident-reports/{id}/", IncidentReport),
    "/api/v1/shared-incidents/": ("/api/v1/shared-incidents/{id}/", SharedIncident),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("list_path", list(LISTS))
def test_lists_show_exactly_what_detail_allows(world, client_for, persona, list_path):
    client = client_for(world["personas"][persona])
    listed = client.get(list_path, {"page_size": 100})
    if persona == "anon":
        assert listed.status_code == 401
        return
    if listed.status_code == 403:  # the role has no such list at all
        return
    listed_ids = {item["id"] for item in listed.json()["results"]}
    detail_path, model = LISTS[list_path]
    all_ids = {str(pk) for pk in model._default_manager.values_list("id", flat=True)}
    reachable = {pk for pk in all_ids if client.get(detail_path.format(id=pk)).status_code == 200}

    assert listed_ids == reachable


def test_every_notice_on_refusal_names_a_refused_write():
    for method, path, persona in NOTICES_ON_REFUSAL:
        assert method != "GET", (method, path)
        assert MATRIX[(method, path)][0][persona] >= 400, (method, path, persona)


def _downloads() -> list[tuple[str, tuple[str, ...]]]:
    """(path template with {id}, documented media types) of every GET whose 200 is not JSON."""
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    found = []
    for path, item in schema["paths"].items():
        content = item.get("get", {}).get("responses", {}).get("200", {}).get("content", {})
        types = tuple(kind for kind in content if kind != "application/json" and not kind.endswith("+json"))
        if types:
            found.append((re.sub(r"\{\w+\}", "{id}", path), types))
    return found


# Downloads that need a query to answer 200 (the matrix calls them without one): who asks, and the query.
DOWNLOAD_QUERIES = {"/api/v1/invoices/withholding/": ("owner", "?company={company}&month=2026-10")}


def test_every_download_answers_the_type_its_schema_documents_when_asked_for_it(world, client_for):
    """A client that sends `Accept: <the documented type>` gets the file (200), never a 406."""
    by_template = {re.sub(r"\{\w+\}", "{id}", path): path for method, path in MATRIX if method == "GET"}
    downloads = _downloads()
    assert len(downloads) >= 8  # terms, invoice, receipt, evidence, document, calendar, exports
    for template, types in downloads:
        path = by_template[template]
        statuses, _body = MATRIX[("GET", path)]
        persona, query = DOWNLOAD_QUERIES.get(path) or (next(n for n, code in statuses.items() if code == 200), "")
        client = client_for(world["personas"][persona])
        url = (path + query).format(**world["ids"])
        for media_type in types:
            response = client.get(url, HTTP_ACCEPT=media_type)
            assert response.status_code == 200, (url, media_type, response.status_code)
            served = response["Content-Type"].split(";")[0]
            assert served in types, (url, media_type, served)
            if len(types) == 1:
                assert served == media_type, (url, media_type, served)
