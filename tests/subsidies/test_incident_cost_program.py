"""An incident-cost program (the chamber's forensics co-pay): a case opens on an incident
engagement, the amount is computed from its paid invoices and explained line by line, the
chamber reviews, grants and records its payment."""

import datetime

import pytest
from django.utils import timezone

from billing.models import Invoice, Payment
from subsidies.models import SubsidyCase
from tests.billing_fixtures import engaged
from tests.subsidies_fixtures import make_hire, programs
from tests.talent_fixtures import make_specialist, pdf
from workflow.models import StatusChange

pytestmark = pytest.mark.usefixtures("english")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
TODAY = timezone.localdate()


def invoice(engagement, number, amount, *, status="paid", refunded=0):
    start = datetime.date(2026, 5, 1)
    made = Invoice.objects.create(
        number=number,
        engagement=engagement,
        kind="hours",
        period_start=start + datetime.timedelta(days=int(number[-1])),
        period_end=start + datetime.timedelta(days=int(number[-1])),
        amount_jpy=amount,
        fee_bps=1000,
        platform_fee_jpy=amount // 10,
        specialist_share_jpy=amount - amount // 10,
        issued_on=start,
        due_on=start + datetime.timedelta(days=30),
        legal_due_on=start + datetime.timedelta(days=30),
        tax_rate_bps=1000,
        tax_jpy=amount * 10 // 110,
        taxable_jpy=amount - amount * 10 // 110,
        status=status,
        paid_at=timezone.now() - datetime.timedelta(days=3) if status == "paid" else None,
    )
    if status == "paid":
        Payment.objects.create(
            invoice=made,
            amount_jpy=amount,
            application_fee_jpy=amount // 10,
            specialist_share_jpy=amount - amount // 10,
            destination_account="acct_bob",
            payment_intent_id=f"pi_{number}",
            status="partially_refunded" if refunded else "succeeded",
            refunded_jpy=refunded,
            fee_refunded_jpy=refunded // 10,
            transfer_reversed_jpy=refunded - refunded // 10,
        )
    return made


@pytest.fixture
def world(tokyo, sme_alice, alice_company, specialist_bob):
    alice_company.security_action = "one_star"
    alice_company.save()
    bob = make_specialist(specialist_bob)
    incident = engaged(alice_company, sme_alice, bob, kind="incident", title="ランサムウェア対応")
    return {
        "programs": programs(tokyo),
        "incident": incident,
        "hire": make_hire(alice_company, sme_alice, bob),
        "invoices": [
            invoice(incident, "202605-00001", 300_000),
            invoice(incident, "202605-00002", 900_000, refunded=100_000),
            invoice(incident, "202605-00003", 200_000),
            invoice(incident, "202605-00004", 100_000, status="open"),
        ],
    }


def open_case(client, engagement, program):
    return client.post(
        "/api/v1/subsidy-cases/", {"engagement": str(engagement.id), "program": str(program.id)}, format="json"
    )


def test_a_forensics_case_walks_from_paid_invoices_to_a_granted_and_paid_amount(
    client_for, sme_alice, admin_carol, world
):
    alice, admin = client_for(sme_alice, **EN), client_for(admin_carol, **EN)
    forensics = world["programs"]["demo-chamber-forensics"]
    assert forensics.is_illustrative
    opened = open_case(alice, world["incident"], forensics)
    assert opened.status_code == 201, opened.content
    url = f"/api/v1/subsidy-cases/{opened.json()['id']}"
    recovery = str(world["invoices"][2].id)
    assert alice.patch(f"{url}/", {"cost_categories": {recovery: "recovery"}}, format="json").status_code == 200

    amount = alice.get(f"{url}/amount/").json()

    assert [(line["number"], line["eligible_jpy"], line["contribution_jpy"]) for line in amount["lines"]] == [
        ("202605-00001", 300_000, 150_000),
        ("202605-00002", 800_000, 400_000),
        ("202605-00003", 0, 0),
        ("202605-00004", 0, 0),
    ]
    assert [line["reason"] for line in amount["lines"]] == [
        "Investigation and forensics, paid: 300,000 yen less 0 yen refunded.",
        "Investigation and forensics, paid: 900,000 yen less 100,000 yen refunded.",
        "Recovery is not a cost this program covers.",
        "Not paid (open): not counted.",
    ]
    assert (amount["eligible_cost_jpy"], amount["computed_jpy"], amount["amount_jpy"]) == (1_100_000, 550_000, 500_000)
    assert amount["steps"] == [
        "Eligible cost 1,100,000 yen x 50 % = 550,000 yen (rounded down once).",
        "Capped at 500,000 yen.",
    ]
    eligibility = alice.get(f"{url}/eligibility/").json()
    assert eligibility["eligible"] is True
    assert {rule["rule"] for rule in eligibility["rules"]} == {
        "member_sme",
        "security_action",
        "engagement_kind",
        "eligible_cost",
    }

    # The company gathers its documents and files; the chamber reviews, decides and pays.
    assert alice.post(f"{url}/transition/", {"to": "collecting_documents"}, format="json").status_code == 200
    for kind in ("application_form", "invoice_copy", "incident_report"):
        uploaded = alice.post(
            f"{url}/documents/", {"document_type": kind, "file": pdf(f"{kind}.pdf")}, format="multipart"
        )
        assert uploaded.status_code == 201, uploaded.content
    assert alice.post(f"{url}/submit/").status_code == 200
    assert alice.post(f"{url}/transition/", {"to": "paid"}, format="json").status_code == 403
    assert alice.post(f"{url}/transition/", {"to": "under_review"}, format="json").status_code == 409
    assert alice.post(f"{url}/decide/", {"granted_amount_jpy": 500_000}, format="json").status_code == 403
    assert admin.post(f"{url}/transition/", {"to": "under_review"}, format="json").status_code == 200
    before = StatusChange.objects.count()
    assert admin.post(f"{url}/decide/", {"granted_amount_jpy": 500_001}, format="json").status_code == 400
    assert StatusChange.objects.count() == before
    granted = admin.post(f"{url}/decide/", {"granted_amount_jpy": 500_000, "note": "全額"}, format="json")
    assert granted.status_code == 200, granted.content
    assert (granted.json()["status"], granted.json()["decided_amount_jpy"]) == ("granted", 500_000)
    assert alice.patch(f"{url}/", {"decided_amount_jpy": 1}, format="json").status_code == 400
    paid = admin.post(f"{url}/record-payment/", {"paid_on": str(TODAY), "reference": "振込 0001"}, format="json")
    assert paid.status_code == 200, paid.content
    body = paid.json()
    assert (body["status"], body["paid_amount_jpy"], body["paid_on"], body["payment_reference"]) == (
        "paid",
        500_000,
        str(TODAY),
        "振込 0001",
    )
    assert [(h["from_status"], h["to_status"]) for h in body["history"]] == [
        ("", "draft"),
        ("draft", "collecting_documents"),
        ("collecting_documents", "submitted"),
        ("submitted", "under_review"),
        ("under_review", "granted"),
        ("granted", "paid"),
    ]


def test_a_lower_grant_needs_its_reason_and_zero_is_not_paid(client_for, sme_alice, admin_carol, world):
    case = SubsidyCase.objects.create(
        company=world["incident"].company,
        engagement=world["incident"],
        program=world["programs"]["demo-chamber-forensics"],
        created_by=sme_alice,
        status="under_review",
    )
    admin = client_for(admin_carol, **EN)
    url = f"/api/v1/subsidy-cases/{case.id}"

    assert admin.post(f"{url}/decide/", {"granted_amount_jpy": 100_000}, format="json").status_code == 400
    refused = admin.post(f"{url}/decide/", {"granted_amount_jpy": 0, "note": "対象外の費用"}, format="json")

    assert refused.json()["status"] == "not_paid"
    assert refused.json()["decision_note"] == "対象外の費用"


def test_a_case_opens_only_on_the_engagement_the_program_covers(client_for, sme_alice, world):
    alice = client_for(sme_alice, **EN)
    forensics, trial = world["programs"]["demo-chamber-forensics"], world["programs"]["demo-trial-employment"]

    assert open_case(alice, world["incident"], trial).json() == {
        "engagement": ["Hiring subsidies are for hire engagements."]
    }
    assert open_case(alice, world["hire"], forensics).json() == {
        "engagement": ["This program covers these engagements: incident."]
    }
    forensics.closes_on = TODAY - datetime.timedelta(days=1)
    forensics.save()
    assert open_case(alice, world["incident"], forensics).status_code == 400
    assert not SubsidyCase.objects.exists()


def test_an_sme_below_the_security_action_level_is_told_so(client_for, sme_alice, world, alice_company):
    alice_company.security_action = "none"
    alice_company.save()
    alice = client_for(sme_alice, **EN)
    case_id = open_case(alice, world["incident"], world["programs"]["demo-chamber-forensics"]).json()["id"]

    rules = {r["rule"]: r for r in alice.get(f"/api/v1/subsidy-cases/{case_id}/eligibility/").json()["rules"]}

    assert rules["security_action"]["result"] == "fail"
    # The levels by their names, not their codes.
    assert rules["security_action"]["reason"] == (
        "Declared level: None; the program asks for SECURITY ACTION one star or above."
    )


def test_an_incident_cost_program_is_a_rate_with_a_cap_over_named_costs(client_for, admin_carol):
    body = {
        "code": "fund",
        "kind": "incident_cost",
        "name_ja": "見舞金",
        "name_en": "Relief fund",
        "authority": "商工会議所",
        "fiscal_year": 2026,
        "amount_kind": "per_period",
        "amount_jpy": 100_000,
    }
    admin = client_for(admin_carol)

    refused = admin.post("/api/v1/subsidy-programs/", body, format="json")
    assert refused.status_code == 400
    fixed = body | {
        "amount_kind": "rate_with_cap",
        "rate_percent": 30,
        "cap_jpy": 300_000,
        "cost_categories": ["legal"],
    }
    created = admin.post("/api/v1/subsidy-programs/", fixed, format="json")
    assert created.status_code == 201, created.content
    assert (created.json()["kind"], created.json()["cost_categories"]) == ("incident_cost", ["legal"])
