"""Each page action calls its service (the state changes, a message says so, the page redirects
to itself), and a refused one shows the service's message and changes nothing.

Pages are read in English here (the language cookie) so messages compare exactly; the
Japanese of the same messages is checked in test_pages_japanese.py."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Company
from billing.models import ConnectedAccount, Payment, TimeEntry
from matching.models import Engagement, Proposal
from subsidies.models import CaseComment, SubsidyCase, SubsidyDocument
from talent.models import Certification, Specialist
from tests.billing.conftest import stripe_standin  # noqa: F401  (a fixture)
from tests.talent_fixtures import pdf
from tests.web.world import world
from workflow.models import StatusChange

TODAY = timezone.localdate()


@pytest.fixture
def w(cast):
    return world(cast)


def signed_in(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def post(client, url, action, **fields):
    """Submit the page's form of `action` (its fields are prefixed with the action's name)."""
    data = {f"{action}-action": action, **{f"{action}-{name}": value for name, value in fields.items()}}
    return client.post(url, data)


def done(response, url, message):
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == url
    return message


def shown(client, url):
    return client.get(url).content.decode()


def refused(response, message):
    assert response.status_code == 400
    assert message in response.content.decode()


def history_count():
    return StatusChange.objects.count()


# --- console -----------------------------------------------------------------


def test_admin_verifies_a_pending_company(client, cast, w):
    url = reverse("console:companies")
    response = post(signed_in(client, cast.admin_carol), url, "verify", target=w.pending_company.pk, note="")
    done(response, url, "")
    w.pending_company.refresh_from_db()
    assert w.pending_company.status == Company.Status.VERIFIED
    assert "The company is verified; its people are told." in shown(client, url)


def test_verifying_a_verified_company_is_refused_and_changes_nothing(client, cast, w):
    url = reverse("console:company", kwargs={"company_id": cast.alice_company.pk})
    before = history_count()
    response = post(signed_in(client, cast.admin_carol), url, "verify", target=cast.alice_company.pk, note="")
    refused(response, "Cannot change company from verified to verified.")
    assert history_count() == before


def test_rejecting_a_company_needs_the_reason(client, cast, w):
    url = reverse("console:company", kwargs={"company_id": w.pending_company.pk})
    response = post(signed_in(client, cast.admin_carol), url, "reject", target=w.pending_company.pk, note=" ")
    refused(response, "This field is required.")
    w.pending_company.refresh_from_db()
    assert w.pending_company.status == Company.Status.PENDING

    response = post(client, url, "reject", target=w.pending_company.pk, note="登記と一致しません")
    done(response, url, "")
    w.pending_company.refresh_from_db()
    assert w.pending_company.status == Company.Status.REJECTED


def test_another_chambers_company_is_out_of_reach_for_an_action(client, cast, w):
    url = reverse("console:companies")
    response = post(signed_in(client, cast.admin_oscar), url, "verify", target=w.pending_company.pk, note="")
    assert response.status_code == 404
    w.pending_company.refresh_from_db()
    assert w.pending_company.status == Company.Status.PENDING


def test_admin_verifies_and_rejects_credentials(client, cast, w):
    url = reverse("console:certification", kwargs={"certification_id": w.certification.pk})
    response = post(signed_in(client, cast.admin_oscar), url, "verify", target=w.certification.pk, note="確認済み")
    done(response, url, "")
    w.certification.refresh_from_db()
    assert w.certification.status == Certification.Status.VERIFIED

    before = history_count()
    response = post(client, url, "reject", target=w.certification.pk, note="やはり不一致")
    refused(response, "Cannot change certification from verified to rejected.")
    assert history_count() == before


def test_certification_evidence_downloads_privately(client, cast, w):
    url = reverse("console:certification_evidence", kwargs={"certification_id": w.certification.pk})
    response = signed_in(client, cast.admin_carol).get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith("attachment")


def pending_proposal(w, cast):
    from tests.talent_fixtures import make_specialist

    bea = make_specialist(cast.specialist_bea, display_name="ビー")
    return Proposal.objects.create(
        run=w.run, request=w.request, specialist=bea, score=600, breakdown={}, facts={}, rank=2
    )


def test_admin_approves_and_rejects_proposals(client, cast, w):
    proposal = pending_proposal(w, cast)
    url = reverse("console:proposals")
    response = post(signed_in(client, cast.admin_carol), url, "reject", target=proposal.pk, note="")
    refused(response, "This field is required.")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING_REVIEW

    response = post(client, url, "approve", target=proposal.pk, note="")
    done(response, url, "")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.APPROVED
    assert proposal.expires_at is not None

    before = history_count()
    refused(post(client, url, "approve", target=proposal.pk, note=""), "Cannot change proposal from approved")
    assert history_count() == before


def test_admin_approves_every_pending_proposal_of_a_run(client, cast, w):
    proposal = pending_proposal(w, cast)
    url = reverse("console:run", kwargs={"run_id": w.run.pk})
    response = post(signed_in(client, cast.admin_carol), url, "approve_all")
    done(response, url, "")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.APPROVED
    assert "1 approved, 0 not." in shown(client, url)


def test_admin_reviews_subsidy_documents_and_comments(client, cast, w):
    url = reverse("console:subsidy_case", kwargs={"case_id": w.case.pk})
    signed_in(client, cast.admin_carol)
    refused(post(client, url, "fix", target=w.document.pk, comment=""), "This field is required.")
    w.document.refresh_from_db()
    assert w.document.status == SubsidyDocument.Status.UPLOADED

    done(post(client, url, "fix", target=w.document.pk, comment="署名がありません"), url, "")
    w.document.refresh_from_db()
    assert (w.document.status, w.document.comment) == (SubsidyDocument.Status.NEEDS_FIX, "署名がありません")

    done(post(client, url, "comment", body="来週までにお願いします"), url, "")
    assert CaseComment.objects.filter(case=w.case, author=cast.admin_carol).count() == 1
    body = shown(client, url)
    assert "来週までにお願いします" in body
    # The company files its own claim: the console has no submit.
    assert "submit-action" not in body
    assert post(client, url, "submit", note="").status_code == 404
    w.case.refresh_from_db()
    assert w.case.status == SubsidyCase.Status.COLLECTING_DOCUMENTS


def test_admin_suspends_and_reactivates_a_specialist(client, cast, w):
    url = reverse("console:specialists")
    signed_in(client, cast.admin_carol)
    done(post(client, url, "suspend", target=w.bob.pk, note="資格の確認中"), url, "")
    w.bob.refresh_from_db()
    w.proposal.refresh_from_db()
    assert w.bob.status == Specialist.Status.SUSPENDED
    assert w.proposal.status == Proposal.Status.EXPIRED  # the undecided proposal is withdrawn

    refused(post(client, url, "suspend", target=w.bob.pk, note="もう一度"), "Cannot change specialist from suspended")
    done(post(client, url, "reactivate", target=w.bob.pk, note="確認できました"), url, "")
    w.bob.refresh_from_db()
    assert w.bob.status == Specialist.Status.ACTIVE


# --- specialist --------------------------------------------------------------


def test_specialist_accepts_with_a_declaration(client, cast, w):
    url = reverse("specialist:proposal", kwargs={"proposal_id": w.proposal.pk})
    response = post(signed_in(client, cast.specialist_bob), url, "accept", declaration="取引先なし", note="")
    done(response, url, "")
    w.proposal.refresh_from_db()
    assert (w.proposal.status, w.proposal.declaration) == (Proposal.Status.ACCEPTED, "取引先なし")
    assert "You accepted. The company is told and may select you." in shown(client, url)


def test_accepting_after_the_deadline_is_refused(client, cast, w):
    Proposal.objects.filter(pk=w.proposal.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    url = reverse("specialist:proposal", kwargs={"proposal_id": w.proposal.pk})
    response = post(signed_in(client, cast.specialist_bob), url, "accept", declaration="", note="")
    refused(response, "The time to answer this proposal has passed.")
    w.proposal.refresh_from_db()
    assert w.proposal.status == Proposal.Status.APPROVED


def test_specialist_declines(client, cast, w):
    url = reverse("specialist:proposal", kwargs={"proposal_id": w.proposal.pk})
    done(post(signed_in(client, cast.specialist_bob), url, "decline", note="日程が合いません"), url, "")
    w.proposal.refresh_from_db()
    assert w.proposal.status == Proposal.Status.DECLINED


def test_specialist_logs_hours_and_a_future_day_is_refused_beside_its_field(client, cast, w):
    url = reverse("specialist:engagement", kwargs={"engagement_id": w.engagement.pk})
    signed_in(client, cast.specialist_bob)
    done(post(client, url, "log", work_date=TODAY.isoformat(), hours="1.5", description="報告書"), url, "")
    assert TimeEntry.objects.filter(engagement=w.engagement, hours=Decimal("1.50")).count() == 1

    tomorrow = TODAY + datetime.timedelta(days=1)
    response = post(client, url, "log", work_date=tomorrow.isoformat(), hours="1", description="先の日")
    refused(response, "Hours can be logged up to")
    assert 'id="id_log-work_date_error"' in response.content.decode()
    assert TimeEntry.objects.filter(engagement=w.engagement).count() == 2  # the world's entry and today's


def test_specialist_gives_notice_and_a_past_end_is_refused(client, cast, w):
    url = reverse("specialist:engagement", kwargs={"engagement_id": w.engagement.pk})
    signed_in(client, cast.specialist_bob)
    yesterday = TODAY - datetime.timedelta(days=1)
    response = post(client, url, "notice", note="体調不良", ends_on=yesterday.isoformat(), exception="")
    # The service's refusal, beside the field it names.
    refused(response, "at the earliest.")
    assert 'id="id_notice-ends_on_error"' in response.content.decode()
    w.engagement.refresh_from_db()
    assert w.engagement.ends_on is None

    later = TODAY + datetime.timedelta(days=10)
    done(post(client, url, "notice", note="体調不良", ends_on=later.isoformat(), exception=""), url, "")
    noticed = Engagement.objects.get(pk=w.engagement.pk)
    assert (noticed.ends_on, noticed.notice_given_on) == (later, TODAY)


def test_specialist_submits_a_credential_and_a_riss_without_deadline_is_refused(client, cast, w):
    url = reverse("specialist:credentials")
    signed_in(client, cast.specialist_bob)
    data = {
        "submit-action": "submit",
        "submit-kind": "riss",
        "submit-number": "123456",
        "submit-issued_on": "2024-04-01",
        "submit-evidence": pdf(),
    }
    response = client.post(url, data)
    refused(response, "Enter the renewal deadline printed on the card.")
    assert 'id="id_submit-renewal_deadline_error"' in response.content.decode()
    assert Certification.objects.filter(specialist=w.bob).count() == 1

    response = client.post(url, {**data, "submit-renewal_deadline": "2027-04-01", "submit-evidence": pdf()})
    done(response, url, "")
    assert Certification.objects.filter(specialist=w.bob, number="123456").count() == 1


def test_payouts_without_stripe_offers_no_button(client, cast, w, settings):
    settings.STRIPE_SECRET_KEY = ""
    body = shown(signed_in(client, cast.specialist_bob), reverse("specialist:payouts"))
    assert "onboard-action" not in body
    assert "Payments are not switched on for this service yet." in body


def test_payouts_onboarding_calls_stripe_and_offers_its_link(client, cast, w, stripe_standin):  # noqa: F811
    url = reverse("specialist:payouts")
    response = post(signed_in(client, cast.specialist_bob), url, "onboard")
    assert response.status_code == 200
    assert "Continue at Stripe" in response.content.decode()
    assert ConnectedAccount.objects.filter(specialist=w.bob).count() == 1


# --- SME ---------------------------------------------------------------------


def test_sme_confirms_and_disputes_hours(client, cast, w):
    url = reverse("sme:engagement", kwargs={"engagement_id": w.engagement.pk})
    signed_in(client, cast.sme_alice)
    refused(post(client, url, "dispute", target=w.entry.pk, note=""), "This field is required.")
    w.entry.refresh_from_db()
    assert w.entry.status == TimeEntry.Status.LOGGED

    done(post(client, url, "confirm", target=w.entry.pk, note=""), url, "")
    w.entry.refresh_from_db()
    assert w.entry.status == TimeEntry.Status.CONFIRMED

    before = history_count()
    refused(
        post(client, url, "dispute", target=w.entry.pk, note="多すぎます"), "Cannot change time entry from confirmed"
    )
    assert history_count() == before


def test_sme_gives_notice(client, cast, w):
    url = reverse("sme:engagement", kwargs={"engagement_id": w.engagement.pk})
    later = TODAY + datetime.timedelta(days=40)
    done(
        post(
            signed_in(client, cast.sme_alice), url, "notice", note="予算終了", ends_on=later.isoformat(), exception=""
        ),
        url,
        "",
    )
    w.engagement.refresh_from_db()
    assert (w.engagement.ends_on, w.engagement.end_requested_by) == (later, cast.sme_alice)
    assert w.engagement.status == Engagement.Status.ACTIVE


def test_engagement_terms_download_is_the_statement_pdf(client, cast, w):
    url = reverse("sme:engagement_terms", kwargs={"engagement_id": w.engagement.pk})
    response = signed_in(client, cast.sme_alice).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content if response.streaming else [response.content]).startswith(b"%PDF")


def test_paying_when_the_specialist_cannot_receive_payouts_is_refused(client, cast, w, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_out_of_reach"
    url = reverse("sme:invoice", kwargs={"invoice_id": w.invoice.pk})
    response = post(signed_in(client, cast.sme_alice), url, "pay")
    refused(response, "The specialist cannot receive payouts yet")
    assert Payment.objects.filter(invoice=w.invoice).count() == 0


def test_stripes_return_page_says_what_happened(client, cast, w):
    url = reverse("sme:invoice_paid", kwargs={"invoice_id": w.invoice.pk})
    body = shown(signed_in(client, cast.sme_alice), url)
    assert "No payment of this invoice has been started." in body


def test_sme_uploads_comments_and_cannot_submit_with_documents_missing(client, cast, w):
    url = reverse("sme:subsidy", kwargs={"case_id": w.case.pk})
    signed_in(client, cast.sme_alice)
    response = client.post(
        url,
        {"upload-action": "upload", "upload-document_type": "employment_contract", "upload-file": pdf("v2.pdf")},
    )
    done(response, url, "")
    assert list(w.case.documents.values_list("version", flat=True).order_by("version")) == [1, 2]

    bad = SimpleUploadedFile("x.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(url, {"upload-action": "upload", "upload-document_type": "wage_ledger", "upload-file": bad})
    assert response.status_code == 400
    assert 'id="id_upload-file_error"' in response.content.decode()
    assert w.case.documents.count() == 2

    done(post(client, url, "comment", body="添付しました"), url, "")
    assert CaseComment.objects.filter(case=w.case, author=cast.sme_alice).count() == 1

    refused(post(client, url, "submit", note=""), "The case cannot be submitted yet")
    w.case.refresh_from_db()
    assert w.case.status == SubsidyCase.Status.COLLECTING_DOCUMENTS
