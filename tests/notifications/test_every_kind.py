"""Every kind of notification (notifications/kinds.py), raised by the service that raises it:
its recipients get it once, in their own language, with the absolute link of a page that answers
200 for them and 404 (or the sign-in page) for anybody else; a page that is the person's own list
(no id in its address) shows another tenant only their own, never this one's object.

Alice (the Tokyo SME's owner) and Carol (Tokyo's chamber admin) read English; Bob, Erin, Oscar
and Bea read Japanese, so each kind is checked in both languages across its audiences.
"""

import datetime
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from accounts import lifecycle
from accounts import services as account_services
from accounts.models import Company, User
from billing.models import BankTransferAccount, Invoice, Payment, Refund
from billing.services import bank_transfers, hours, payments, refunds
from matching.models import MatchRun, Proposal
from matching.services import engagements, proposals, requests
from notifications.kinds import DIGEST, KINDS
from notifications.models import Notification
from subsidies import schedule
from subsidies import services as subsidy_services
from subsidies.models import SubsidyDocument
from talent import services as talent_services
from tests.billing_fixtures import engaged, invoice_for
from tests.conftest import Cast
from tests.matching_fixtures import make_request
from tests.subsidies_fixtures import make_case, make_hire, programs
from tests.talent_fixtures import make_certification, make_specialist, pdf

LINK = re.compile(r"https?://\S+")


@pytest.fixture
def people(cast: Cast) -> Cast:
    """The personas, with their companies, Bob's and Bea's profiles and two languages."""
    cast.alice_company, cast.erin_company, cast.admin_carol, cast.admin_oscar  # noqa: B018 -- made in this order
    User.objects.filter(pk__in=[cast.sme_alice.pk, cast.admin_carol.pk]).update(language="en")
    for user in (cast.sme_alice, cast.admin_carol):
        user.refresh_from_db()
    cast.bob = make_specialist(cast.specialist_bob, display_name="坂本 ボブ")  # type: ignore[attr-defined]
    cast.bea = make_specialist(cast.specialist_bea, display_name="別の ベア")  # type: ignore[attr-defined]
    return cast


def _proposal(cast: Any, status: str, **fields: Any) -> Proposal:
    request = make_request(cast.alice_company, cast.sme_alice, title="アリスの依頼", status="open")
    run = MatchRun.objects.create(chamber=cast.tokyo, status="succeeded")
    return Proposal.objects.create(
        run=run,
        request=request,
        specialist=cast.bob,
        score=700,
        breakdown={},
        facts={},
        rank=1,
        status=status,
        **fields,
    )


def _case(cast: Any) -> Any:
    hire = make_hire(cast.alice_company, cast.sme_alice, cast.bob)
    return make_case(hire, next(iter(programs(cast.tokyo).values())), cast.sme_alice, status="collecting_documents")


def _payment(cast: Any, **fields: Any) -> Payment:
    invoice = invoice_for(engaged(cast.alice_company, cast.sme_alice, cast.bob, title="顧問契約"))
    return Payment.objects.create(
        invoice=invoice,
        amount_jpy=invoice.amount_jpy,
        application_fee_jpy=invoice.amount_jpy // 10,
        specialist_share_jpy=invoice.amount_jpy - invoice.amount_jpy // 10,
        destination_account="acct_bob",
        **fields,
    )


# --- one scenario per kind: raise it; the recipients and the outsiders ------------------------

Scenario = Callable[[Any], tuple[list[User], list[User]]]
SCENARIOS: dict[str, Scenario] = {}


def scenario(*kinds: str) -> Callable[[Scenario], Scenario]:
    def register(function: Scenario) -> Scenario:
        for kind in kinds:
            SCENARIOS[kind] = function
        return function

    return register


@scenario("email_confirmation")
def _signed_up(c: Any) -> tuple[list[User], list[User]]:
    user = account_services.register_user(
        email="new@sme.test", password="a-long-enough-pass-2026", role="sme", name="New", language="en"
    )
    return [user], []


@scenario("password_reset")
def _reset(c: Any) -> tuple[list[User], list[User]]:
    lifecycle.request_password_reset(email=c.specialist_bob.email)
    return [c.specialist_bob], []


@scenario("invitation")
def _invited(c: Any) -> tuple[list[User], list[User]]:
    lifecycle.invite(by=c.admin_carol, email="imported@riss.test", role="specialist")
    return [User.objects.get(email="imported@riss.test")], []


def _dave_company(c: Any) -> Company:
    return account_services.create_company(
        user=c.stranger_dave,
        chamber=c.tokyo,
        name="株式会社デイブ",
        entity_type="sole_proprietor",
        industry="retail",
        employees=3,
        prefecture="13",
    )


@scenario("company_to_verify")
def _company_registered(c: Any) -> tuple[list[User], list[User]]:
    _dave_company(c)
    return [c.admin_carol], [c.admin_oscar, c.sme_erin]


@scenario("company_verified")
def _company_verified(c: Any) -> tuple[list[User], list[User]]:
    account_services.verify_company(company=_dave_company(c), admin=c.admin_carol)
    return [c.stranger_dave], [c.sme_erin, c.specialist_bea]


@scenario("company_rejected")
def _company_rejected(c: Any) -> tuple[list[User], list[User]]:
    account_services.reject_company(company=_dave_company(c), admin=c.admin_carol, note="所在地が確認できません")
    return [c.stranger_dave], [c.sme_erin, c.specialist_bea]


@scenario("credential_to_review")
def _credential_submitted(c: Any) -> tuple[list[User], list[User]]:
    talent_services.submit_certification(
        user=c.specialist_bob,
        kind="riss",
        evidence=pdf(),
        issued_on=datetime.date(2025, 4, 1),
        number="017758",
        renewal_deadline=datetime.date(2028, 4, 1),
    )
    # The talent bank is shared: every chamber's admins review it.
    return [c.admin_carol, c.admin_oscar], [c.specialist_bea, c.sme_erin]


@scenario("credential_verified")
def _credential_verified(c: Any) -> tuple[list[User], list[User]]:
    certification = make_certification(c.bob, deadline=timezone.localdate() + datetime.timedelta(days=900))
    talent_services.verify_certification(certification=certification, admin=c.admin_carol)
    return [c.specialist_bob], [c.specialist_bea, c.sme_erin]


@scenario("credential_renewal_due")
def _credential_renewal_due(c: Any) -> tuple[list[User], list[User]]:
    certification = make_certification(c.bob, deadline=timezone.localdate() + datetime.timedelta(days=30))
    talent_services.verify_certification(certification=certification, admin=c.admin_carol)
    return [c.specialist_bob], [c.specialist_bea, c.sme_erin]


@scenario("credential_lapsed")
def _credential_lapsed(c: Any) -> tuple[list[User], list[User]]:
    certification = make_certification(c.bob, deadline=timezone.localdate() - datetime.timedelta(days=1))
    talent_services.verify_certification(certification=certification, admin=c.admin_carol)
    return [c.specialist_bob], [c.specialist_bea, c.sme_erin]


@scenario("credential_rejected")
def _credential_rejected(c: Any) -> tuple[list[User], list[User]]:
    talent_services.reject_certification(certification=make_certification(c.bob), admin=c.admin_carol, note="不鮮明")
    return [c.specialist_bob], [c.specialist_bea, c.sme_erin]


@scenario("proposals_to_review")
def _run_wrote(c: Any) -> tuple[list[User], list[User]]:
    proposal = _proposal(c, "pending_review")
    proposals.announce_run_proposals(proposal.run)
    proposals.announce_run_proposals(proposal.run)  # a repeat adds nothing
    return [c.admin_carol], [c.admin_oscar, c.sme_alice]


@scenario("incident_request_published")
def _incident(c: Any) -> tuple[list[User], list[User]]:
    request = make_request(c.alice_company, c.sme_alice, kind="incident", status="draft", title="ランサムウェア")
    requests.publish_request(request=request, user=c.sme_alice)
    return [c.admin_carol], [c.admin_oscar, c.sme_erin]


@scenario("proposal_approved", "proposals_approved")
def _approved(c: Any) -> tuple[list[User], list[User]]:
    proposals.approve_proposal(proposal=_proposal(c, "pending_review"), admin=c.admin_carol)
    return [c.specialist_bob, c.sme_alice], [c.specialist_bea, c.sme_erin]


@scenario("proposal_accepted")
def _accepted(c: Any) -> tuple[list[User], list[User]]:
    proposal = _proposal(c, "approved", expires_at=timezone.now() + datetime.timedelta(days=2))
    proposals.accept_proposal(proposal=proposal, user=c.specialist_bob)
    return [c.sme_alice], [c.sme_erin, c.specialist_bea]


@scenario("proposal_expiring")
def _expiring(c: Any) -> tuple[list[User], list[User]]:
    _proposal(c, "approved", expires_at=timezone.now() + datetime.timedelta(hours=12))
    proposals.remind_expiring_proposals()
    return [c.specialist_bob], [c.specialist_bea, c.sme_erin]


@scenario("engagement_started", "payouts_needed")
def _selected(c: Any) -> tuple[list[User], list[User]]:
    proposal = _proposal(c, "accepted", expires_at=timezone.now() + datetime.timedelta(days=2))
    engagements.select_proposal(proposal=proposal, user=c.sme_alice, terms={"hours_per_month": 4})
    return [c.sme_alice, c.specialist_bob], [c.sme_erin, c.specialist_bea]


@scenario("notice_by_client")
def _client_notice(c: Any) -> tuple[list[User], list[User]]:
    engagement = engaged(c.alice_company, c.sme_alice, c.bob)
    ends = timezone.localdate() + datetime.timedelta(days=40)
    engagements.terminate_engagement(engagement=engagement, user=c.sme_alice, note="予算の都合", ends_on=ends)
    return [c.specialist_bob], [c.specialist_bea, c.sme_erin]


@scenario("notice_by_specialist")
def _specialist_notice(c: Any) -> tuple[list[User], list[User]]:
    engagement = engaged(c.alice_company, c.sme_alice, c.bob)
    ends = timezone.localdate() + datetime.timedelta(days=40)
    engagements.terminate_engagement(engagement=engagement, user=c.specialist_bob, note="体調のため", ends_on=ends)
    return [c.sme_alice], [c.sme_erin, c.specialist_bea]


@scenario("engagement_ended")
def _ended(c: Any) -> tuple[list[User], list[User]]:
    engagement = engaged(c.alice_company, c.sme_alice, c.bob, kind="spot", title="スポット診断")
    engagements.complete_engagement(engagement=engagement, user=c.sme_alice)
    return [c.sme_alice, c.specialist_bob], [c.sme_erin, c.specialist_bea]


@scenario("review_received")
def _reviewed(c: Any) -> tuple[list[User], list[User]]:
    engagement = engaged(c.alice_company, c.sme_alice, c.bob, kind="spot", title="スポット診断")
    engagements.complete_engagement(engagement=engagement, user=c.sme_alice)
    engagements.review_engagement(engagement=engagement, user=c.sme_alice, rating=5, comment="助かりました")
    return [c.specialist_bob], [c.specialist_bea, c.sme_erin]


@scenario("hours_logged")
def _hours_logged(c: Any) -> tuple[list[User], list[User]]:
    engagement = engaged(c.alice_company, c.sme_alice, c.bob, kind="spot", title="スポット診断")
    hours.log_hours(
        engagement=engagement,
        user=c.specialist_bob,
        work_date=timezone.localdate(),
        hours=Decimal("2.5"),
        description="ログ確認",
    )
    return [c.sme_alice], [c.sme_erin, c.specialist_bea]


@scenario("hours_disputed")
def _hours_disputed(c: Any) -> tuple[list[User], list[User]]:
    engagement = engaged(c.alice_company, c.sme_alice, c.bob, kind="spot", title="スポット診断")
    entry = hours.log_hours(
        engagement=engagement,
        user=c.specialist_bob,
        work_date=timezone.localdate(),
        hours=Decimal("2.5"),
        description="ログ確認",
    )
    hours.dispute_hours(entry=entry, user=c.sme_alice, note="その日は休業日です")
    return [c.specialist_bob], [c.specialist_bea, c.sme_erin]


@scenario("invoice_issued")
def _invoiced(c: Any) -> tuple[list[User], list[User]]:
    invoice_for(engaged(c.alice_company, c.sme_alice, c.bob, title="顧問契約"))
    return [c.sme_alice], [c.sme_erin, c.specialist_bob]


@scenario("invoice_issued_late")
def _invoiced_late(c: Any) -> tuple[list[User], list[User]]:
    engagement = engaged(c.alice_company, c.sme_alice, c.bob, title="顧問契約")
    # Issued after the first period's legal due date (the terms' payment days after it ended), and
    # before the second one's: one late invoice.
    invoice_for(engagement, today=datetime.date(2026, 11, 20))
    assert Invoice.objects.filter(engagement=engagement, issued_on__gt=F("legal_due_on")).count() == 1
    return [c.admin_carol], [c.admin_oscar, c.sme_alice]


@scenario("payment_received")
def _paid(c: Any) -> tuple[list[User], list[User]]:
    payments.payment_succeeded(_payment(c))
    return [c.sme_alice, c.specialist_bob], [c.sme_erin, c.specialist_bea]


@scenario("payment_failed")
def _failed(c: Any) -> tuple[list[User], list[User]]:
    payments._apply_intent_state(_payment(c), "requires_payment_method", failure="card_declined")
    return [c.sme_alice], [c.sme_erin, c.specialist_bob]


@scenario("refund_issued")
def _refunded(c: Any) -> tuple[list[User], list[User]]:
    payment = _payment(c)
    payments.payment_succeeded(payment)
    refund = Refund.objects.create(payment=payment, amount_jpy=1000, reason="一部未実施", requested_by=c.admin_carol)
    refunds._settle_refund(refund)
    return [c.sme_alice, c.specialist_bob], [c.sme_erin, c.specialist_bea]


@scenario("bank_transfer_partial")
def _partly_paid(c: Any) -> tuple[list[User], list[User]]:
    payment = _payment(c, method="bank_transfer")
    intent = {
        "id": "pi_partial",
        "amount": payment.amount_jpy,
        "status": "requires_action",
        "metadata": {"payment": str(payment.pk)},
        "next_action": {"display_bank_transfer_instructions": {"amount_remaining": 1000}},
    }
    assert bank_transfers.apply_partial_funding(intent) == "applied"
    return [c.sme_alice], [c.sme_erin, c.specialist_bob]


@scenario("bank_transfer_unapplied")
def _unapplied(c: Any) -> tuple[list[User], list[User]]:
    BankTransferAccount.objects.create(company=c.alice_company, customer_id="cus_alice")
    bank_transfers.apply_funds_available({"customer": "cus_alice", "available": {"jpy": 5000}}, event_id="evt_1")
    return [c.admin_carol, c.sme_alice], [c.admin_oscar, c.sme_erin]


@scenario("subsidy_document_uploaded")
def _uploaded(c: Any) -> tuple[list[User], list[User]]:
    subsidy_services.upload_document(
        case=_case(c), user=c.sme_alice, document_type="employment_contract", file=pdf("契約書.pdf")
    )
    return [c.admin_carol], [c.admin_oscar, c.sme_erin]


@scenario("subsidy_document_needs_fix")
def _needs_fix(c: Any) -> tuple[list[User], list[User]]:
    document = subsidy_services.upload_document(
        case=_case(c), user=c.sme_alice, document_type="employment_contract", file=pdf("契約書.pdf")
    )
    subsidy_services.review_document(
        document=document, admin=c.admin_carol, status=SubsidyDocument.Status.NEEDS_FIX, comment="押印がありません"
    )
    return [c.sme_alice], [c.sme_erin, c.admin_oscar]


@scenario("case_comment")
def _commented(c: Any) -> tuple[list[User], list[User]]:
    case = _case(c)
    subsidy_services.comment_on_case(case=case, user=c.admin_carol, body="雇用契約書を先にご用意ください")
    subsidy_services.comment_on_case(case=case, user=c.sme_alice, body="承知しました")  # the company's own: no mail
    return [c.sme_alice], [c.sme_erin, c.admin_oscar]


@scenario("subsidy_deadline")
def _deadline(c: Any) -> tuple[list[User], list[User]]:
    hire = make_hire(c.alice_company, c.sme_alice, c.bob)
    end = timezone.localdate() - datetime.timedelta(days=40)
    case = make_case(
        hire,
        programs(c.tokyo)["demo-trial-employment"],
        c.sme_alice,
        status="collecting_documents",
        milestones={"period_start": str(end - datetime.timedelta(days=90)), "period_end": str(end)},
    )
    claim = next(item for item in schedule.deadlines_of(case) if item.milestone == "claim")
    assert claim.deadline is not None
    for _ in range(2):  # however often the daily task runs
        subsidy_services.remind_deadlines(today=claim.deadline.due_on - datetime.timedelta(days=3))
    return [c.sme_alice], [c.sme_erin, c.specialist_bob]


def test_every_kind_has_a_scenario():
    assert set(SCENARIOS) == set(KINDS)


# Recipients of an id-less page (their own list or home) that another tenant also opens, for
# their own: the words this tenant's object shows that the other's page must never show.
OWN_PAGE_SECRETS = ("株式会社アリス製作所", "株式会社デイブ", "アリスの依頼", "坂本 ボブ")
# Account mails link to a page whose token is the key (confirm, reset, invitation).
TOKEN_PAGES = {"email_confirmation", "password_reset", "invitation"}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_recipients_get_it_once_in_their_language_with_a_link_that_only_opens_for_them(kind, people, client):
    everyone, outsiders = SCENARIOS[kind](people)
    # A scenario may raise several kinds: this kind's recipients are those of its audience.
    recipients = [user for user in everyone if user.role in KINDS[kind].audience]
    rows = list(Notification.objects.filter(kind=kind).select_related("recipient"))

    assert sorted(str(row.recipient_id) for row in rows) == sorted(str(user.pk) for user in recipients)
    base = str(settings.SITE_URL).rstrip("/")
    for row in rows:
        user = row.recipient
        assert row.language == user.language
        assert row.subject.startswith("Tcyss:" if user.language == "en" else "【Tcyss】"), row.subject
        assert row.digest == (KINDS[kind].default == DIGEST)
        found = [link for link in LINK.findall(row.body) if link.startswith(base + "/")]
        assert len(found) == 1, row.body
        path = found[0].removeprefix(base)
        assert "ID：" not in row.body
        assert " id: " not in row.body

        client.logout()
        anonymous = client.get(path)
        if kind in TOKEN_PAGES:  # the token is the key: whoever holds the mail opens it
            assert anonymous.status_code in (200, 302)
            assert not anonymous.get("Location", "").startswith("/login/")
            continue
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith("/login/")

        client.force_login(user)
        assert client.get(path).status_code == 200, (kind, user.email, path)
        for other in outsiders:
            client.force_login(other)
            response = client.get(path)
            if response.status_code == 200:  # their own list or home, not this one's object
                body = response.content.decode()
                assert [text for text in OWN_PAGE_SECRETS if text in body] == [], (kind, other.email, path)
            else:
                assert response.status_code == 404, (kind, other.email, path, response.status_code)
