"""The console's queues (issue 19): proposals grouped by run and request, runs, engagements,
subsidy cases and invoices. Each action calls the API's service (done: the page redirects to
itself with a message; refused: the service's message, nothing changed), htmx gets the same page
(its row swapped in place), another chamber's admin gets 404, and each list runs a constant
number of queries for 1 and 100 rows.

Read in English (the language cookie) so messages compare exactly."""

import datetime
import re

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from billing.models import Invoice, Payment, Refund, TimeEntry
from matching.models import AdvisorRequest, MatchRun, Proposal
from subsidies.models import SubsidyCase, SubsidyDocument
from tests import factories
from tests.billing_fixtures import engaged, invoice_for
from tests.matching_fixtures import make_request
from tests.subsidies_fixtures import make_case, make_hire, programs
from tests.talent_fixtures import make_specialist, pdf
from tests.web.world import world
from workflow.models import StatusChange
from workflow.services import transition


def part(pattern: str, text: str) -> str:
    """The first piece of `text` that `pattern` matches (across lines); the test fails without one."""
    found = re.search(pattern, text, re.S)
    assert found, pattern
    return found.group(0)


@pytest.fixture
def w(cast):
    return world(cast)


@pytest.fixture
def carol(client, cast):
    client.force_login(cast.admin_carol)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def post(client, url, action, htmx=False, **fields):
    data = {f"{action}-action": action}
    for name, value in fields.items():
        data[f"{action}-{name}"] = value
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(url, data, headers=headers)


def body(response):
    return response.content.decode()


def pending(w, cast, *, specialist=None, rank=2, run=None, **fields):
    specialist = specialist or make_specialist(cast.specialist_bea, display_name="ビー")
    return Proposal.objects.create(
        run=run or w.run,
        request=w.request,
        specialist=specialist,
        score=600,
        breakdown={"skills": 250, "rating": 90},
        facts={"level": 3.5, "certification": "RISS", "proximity": "remote", "rating": 4.2, "urgent": False},
        rank=rank,
        **fields,
    )


def another_specialist(name):
    return make_specialist(factories.UserFactory(role="specialist"), display_name=name)


# --- proposals ---------------------------------------------------------------


def test_the_proposals_queue_shows_each_candidates_facts_grouped_by_run_and_request(carol, cast, w):
    proposal = pending(w, cast, declaration="以前この会社の監査をした")
    page = body(carol.get(reverse("console:proposals")))
    assert f'id="run-{w.run.pk}"' in page
    assert w.request.title in page
    row = part(rf'<tr id="proposal-{proposal.pk}">.*?</tr>', page)
    # score, its breakdown against each weight, the reasons, capacity left, the declaration
    assert "<strong>600</strong>" in row
    assert "Skills 250/310" in row
    assert "Rating 90/150" in row
    assert "Holds a verified RISS credential." in row
    assert "以前この会社の監査をした" in row
    capacity = re.findall(r'<td class="number">(\d+)</td>', row)
    assert capacity == [str(proposal.specialist.capacity - 1)]  # this proposal holds one unit
    # Bob's approved proposal is not waiting: the queue shows only those to review by default.
    assert f"proposal-{w.proposal.pk}" not in page


def test_the_proposals_queue_filters_by_status_kind_and_text(carol, cast, w):
    proposal = pending(w, cast)
    url = reverse("console:proposals")
    assert f"proposal-{proposal.pk}" in body(carol.get(url, {"q": "ビー"}))
    assert f"proposal-{proposal.pk}" not in body(carol.get(url, {"q": "誰もいない"}))
    assert f"proposal-{proposal.pk}" not in body(carol.get(url, {"kind": "incident"}))
    approved = body(carol.get(url, {"status": "approved"}))
    assert f"proposal-{w.proposal.pk}" in approved
    assert f"proposal-{proposal.pk}" not in approved
    everything = body(carol.get(url, {"status": ""}))
    assert f"proposal-{w.proposal.pk}" in everything
    assert f"proposal-{proposal.pk}" in everything


def test_approving_every_pending_proposal_of_a_run_in_one_action(carol, cast, w):
    first = pending(w, cast)
    second = pending(w, cast, specialist=another_specialist("セカンド"), rank=3)
    url = reverse("console:proposals")
    response = post(carol, url, "approve_selected", run=w.run.pk, every="on")
    assert (response.status_code, response["Location"]) == (302, url)
    for proposal in (first, second):
        proposal.refresh_from_db()
        assert proposal.status == Proposal.Status.APPROVED
        assert proposal.decided_by == cast.admin_carol
    assert "2 approved, 0 not." in body(carol.get(url))


def test_approving_only_the_ticked_proposals_of_a_run(carol, cast, w):
    ticked = pending(w, cast)
    left = pending(w, cast, specialist=another_specialist("セカンド"), rank=3)
    url = reverse("console:proposals")
    response = carol.post(
        url,
        {
            "approve_selected-action": "approve_selected",
            "approve_selected-run": w.run.pk,
            "approve_selected-proposals": [ticked.pk],
        },
    )
    assert response.status_code == 302
    ticked.refresh_from_db()
    left.refresh_from_db()
    assert (ticked.status, left.status) == (Proposal.Status.APPROVED, Proposal.Status.PENDING_REVIEW)


def test_a_bulk_approval_with_nothing_ticked_is_refused_beside_the_runs_buttons(carol, cast, w):
    proposal = pending(w, cast)
    before = StatusChange.objects.count()
    response = post(carol, reverse("console:proposals"), "approve_selected", run=w.run.pk, every="")
    assert response.status_code == 400
    page = body(response)
    bar = part(rf'<form class="bulk-bar" id="bulk-{w.run.pk}".*?</form>', page)
    assert "Tick the proposals to approve, or approve every pending one." in bar
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING_REVIEW
    assert StatusChange.objects.count() == before


def test_rejecting_needs_the_reason_and_records_it(carol, cast, w):
    proposal = pending(w, cast)
    url = reverse("console:proposals")
    before = StatusChange.objects.count()
    refused = post(carol, url, "reject", target=proposal.pk, note="")
    assert refused.status_code == 400
    row = part(rf'<tr id="proposal-{proposal.pk}">.*?</tr>', body(refused))
    assert "This field is required." in row  # beside the reason, in the row
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING_REVIEW
    assert StatusChange.objects.count() == before

    done = post(carol, url, "reject", target=proposal.pk, note="利益相反の懸念")
    assert done.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.REJECTED
    assert StatusChange.objects.filter(object_id=proposal.pk, to_status="rejected").get().note == "利益相反の懸念"


def test_htmx_gets_the_row_back_in_place_and_a_refusal_as_a_page_it_can_swap(carol, cast, w):
    proposal = pending(w, cast)
    url = reverse("console:run", kwargs={"run_id": w.run.pk})
    refused = post(carol, url, "reject", htmx=True, target=proposal.pk, note="")
    # htmx swaps only 2xx answers: the refusal comes as 200, the message in the row it selects.
    assert refused.status_code == 200
    assert refused["X-Refused"] == "1"
    assert "This field is required." in part(rf'<tr id="proposal-{proposal.pk}">.*?</tr>', body(refused))

    done = post(carol, url, "approve", htmx=True, target=proposal.pk, note="")
    assert done.status_code == 302  # htmx follows it and selects the row from the page
    page = body(carol.get(url, headers={"HX-Request": "true"}))
    row = part(rf'<tr id="proposal-{proposal.pk}">.*?</tr>', page)
    assert "Approved" in row
    assert 'name="approve-action"' not in row
    assert '<div id="messages">' in page
    assert "The proposal is approved; the specialist is asked to answer." in page


def test_a_request_is_matched_again_and_a_second_live_run_is_refused(carol, cast, w):
    url = reverse("console:requests", kwargs={"request_id": w.request.pk})
    response = post(carol, url, "rerun", request=w.request.pk)
    assert response.status_code == 302
    run = MatchRun.objects.get(request=w.request)
    assert (run.status, run.created_by) == (MatchRun.Status.QUEUED, cast.admin_carol)
    page = body(carol.get(url))
    assert "A new match run is queued for this request" in page
    assert reverse("console:run", kwargs={"run_id": run.pk}) in page

    again = post(carol, url, "rerun", request=w.request.pk)
    assert again.status_code == 400
    assert "is already queued for this chamber" in body(again)
    assert MatchRun.objects.filter(request=w.request).count() == 1


def test_another_chambers_admin_gets_404_for_every_object_and_action(client, cast, w):
    proposal = pending(w, cast)
    client.force_login(cast.admin_oscar)
    for name, kwargs in [
        ("console:run", {"run_id": w.run.pk}),
        ("console:requests", {"request_id": w.request.pk}),
        ("console:engagement", {"engagement_id": w.engagement.pk}),
        ("console:invoice", {"invoice_id": w.invoice.pk}),
        ("console:subsidy_case", {"case_id": w.case.pk}),
        ("console:subsidy_document_inline", {"case_id": w.case.pk, "document_id": w.document.pk}),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 404, name
    # Tokyo's proposal and run through Osaka's own queue: out of reach, the same 404.
    url = reverse("console:proposals")
    assert post(client, url, "approve", target=proposal.pk, note="").status_code == 404
    assert post(client, url, "approve_selected", run=w.run.pk, every="on").status_code == 404
    assert post(client, url, "rerun", request=w.request.pk).status_code == 404
    assert post(client, reverse("console:invoices"), "void", target=w.invoice.pk, note="x").status_code == 404
    proposal.refresh_from_db()
    w.invoice.refresh_from_db()
    assert (proposal.status, w.invoice.status) == (Proposal.Status.PENDING_REVIEW, Invoice.Status.OPEN)
    assert not MatchRun.objects.filter(request=w.request).exists()
    # Osaka's lists show nothing of Tokyo's.
    for name in (
        "console:proposals",
        "console:runs",
        "console:engagements",
        "console:subsidy_cases",
        "console:invoices",
    ):
        page = body(client.get(reverse(name), {"status": ""}))
        assert w.request.title not in page, name
        assert w.invoice.number not in page, name


# --- runs --------------------------------------------------------------------


def test_a_running_runs_live_part_polls_every_second_and_stops_once_finished(carol, cast, w):
    run = MatchRun.objects.create(chamber=cast.tokyo, request=w.request, status="running", progress=40)
    url = reverse("console:run", kwargs={"run_id": run.pk})
    live = {"HX-Request": "true", "HX-Target": "run-live"}
    part = body(carol.get(url, headers=live))
    assert part.startswith('<div id="run-live"')
    assert 'hx-trigger="every 1s"' in part
    assert 'value="40"' in part
    assert "<html" not in part

    MatchRun.objects.filter(pk=run.pk).update(progress=90)
    assert 'value="90"' in body(carol.get(url, headers=live))
    transition(run, to=MatchRun.Status.SUCCEEDED, by=None, progress=100, stats={"proposals": 3, "requests": 1})
    finished = body(carol.get(url, headers=live))
    assert "hx-trigger" not in finished
    assert "Succeeded" in finished
    assert "Show the run&#x27;s proposals" in finished or "Show the run's proposals" in finished
    page = body(carol.get(url))
    assert 'hx-trigger="every 1s"' not in page
    assert "Running → Succeeded" in page or "Running" in page  # its history


def test_the_runs_list_filters_by_status(carol, cast, w):
    failed = MatchRun.objects.create(chamber=cast.tokyo, status="failed", error="no open request")
    url = reverse("console:runs")
    assert reverse("console:run", kwargs={"run_id": failed.pk}) in body(carol.get(url, {"status": "failed"}))
    assert reverse("console:run", kwargs={"run_id": failed.pk}) not in body(carol.get(url, {"status": "succeeded"}))


def test_a_filtered_queues_pages_keep_its_filters(carol, cast):
    MatchRun.objects.bulk_create(
        MatchRun(chamber=cast.tokyo, status="failed", error=f"no open request {i}") for i in range(51)
    )
    url = reverse("console:runs")
    first = body(carol.get(url, {"status": "failed", "sort": "oldest"}))
    assert 'href="?status=failed&amp;sort=oldest&amp;page=2"' in first
    second = body(carol.get(url, {"status": "failed", "sort": "oldest", "page": 2}))
    assert second.count('<tr><td><a href="/console/runs/') == 1
    assert 'href="?status=failed&amp;sort=oldest&amp;page=1"' in second


# --- engagements -------------------------------------------------------------


def test_an_engagement_shows_its_earliest_end_notice_and_history(carol, cast, w):
    engagement = w.engagement
    engagement.notice_given_on = timezone.localdate()
    engagement.ends_on = timezone.localdate() + datetime.timedelta(days=30)
    engagement.end_reason = "事業縮小"
    engagement.save()
    page = body(carol.get(reverse("console:engagement", kwargs={"engagement_id": engagement.pk})))
    assert "Earliest end, if notice were given today" in page
    assert "事業縮小" in page
    assert reverse("console:requests", kwargs={"request_id": engagement.request_id}) in page
    assert "History" in page
    listed = body(carol.get(reverse("console:engagements"), {"notice": "on"}))
    assert reverse("console:engagement", kwargs={"engagement_id": engagement.pk}) in listed
    others = [e for e in w.engagement.company.engagements.all() if e.pk != engagement.pk]
    for other in others:
        assert reverse("console:engagement", kwargs={"engagement_id": other.pk}) not in listed


# --- subsidy cases -----------------------------------------------------------


def test_a_documents_inline_view_is_framed_only_by_the_site(carol, w):
    url = reverse("console:subsidy_document_inline", kwargs={"case_id": w.case.pk, "document_id": w.document.pk})
    response = carol.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "no-store"
    page = body(carol.get(reverse("console:subsidy_case", kwargs={"case_id": w.case.pk})))
    assert f'<iframe class="document-frame" src="{url}"' in page


def test_the_console_case_page_has_no_submit_control(carol, w):
    """社労士法 27条: the company files its own claim; the chamber never submits one."""
    w.case.status = SubsidyCase.Status.COLLECTING_DOCUMENTS
    w.case.save()
    url = reverse("console:subsidy_case", kwargs={"case_id": w.case.pk})
    page = body(carol.get(url))
    actions = set(re.findall(r'name="([a-z_]+)-action"', page)) | set(
        re.findall(r'name="[a-z_]+-action" value="([a-z_]+)"', page)
    )
    assert actions == {"accept", "fix", "comment"}
    buttons = " ".join(re.findall(r"<button[^>]*>(.*?)</button>", page, re.S)).lower()
    assert "submit" not in buttons
    assert "file the claim" not in buttons
    assert "申請" not in buttons
    assert post(carol, url, "submit", note="").status_code == 404
    w.case.refresh_from_db()
    assert w.case.status == SubsidyCase.Status.COLLECTING_DOCUMENTS


def test_accepting_a_document_and_asking_for_a_fix_needs_the_comment(carol, w, cast):
    url = reverse("console:subsidy_case", kwargs={"case_id": w.case.pk})
    refused = post(carol, url, "fix", htmx=True, target=w.document.pk, comment="")
    assert refused.status_code == 200
    assert refused["X-Refused"] == "1"
    card = part(rf'<article class="card document-review" id="document-{w.document.pk}".*?</article>', body(refused))
    assert "This field is required." in card
    w.document.refresh_from_db()
    assert w.document.status == SubsidyDocument.Status.UPLOADED

    assert post(carol, url, "accept", target=w.document.pk, comment="").status_code == 302
    w.document.refresh_from_db()
    assert w.document.status == SubsidyDocument.Status.ACCEPTED
    assert StatusChange.objects.get(object_id=w.document.pk, to_status="accepted").by == cast.admin_carol
    assert "The document is accepted." in body(carol.get(url))


def test_an_expired_case_is_reopened_with_the_reason(carol, w):
    SubsidyCase.objects.filter(pk=w.case.pk).update(status=SubsidyCase.Status.EXPIRED)
    url = reverse("console:subsidy_case", kwargs={"case_id": w.case.pk})
    assert "Reopen the case" in body(carol.get(url))
    refused = post(carol, url, "reopen", note="")
    assert refused.status_code == 400
    w.case.refresh_from_db()
    assert w.case.status == SubsidyCase.Status.EXPIRED
    assert post(carol, url, "reopen", note="書類の遅延は労働局の事情による").status_code == 302
    w.case.refresh_from_db()
    assert w.case.status == SubsidyCase.Status.COLLECTING_DOCUMENTS
    change = StatusChange.objects.filter(object_id=w.case.pk, to_status="collecting_documents").last()
    assert change is not None
    assert change.note == "書類の遅延は労働局の事情による"
    page = body(carol.get(url))
    assert "Reopen the case" not in page
    assert "書類の遅延は労働局の事情による" in page  # the history


def test_the_case_page_shows_eligibility_and_each_deadlines_basis(carol, w):
    rule = w.case.program.deadline_rules[0]
    w.case.milestones = {**(w.case.milestones or {}), rule["after"]: "2026-06-30"}
    w.case.save()
    page = body(carol.get(reverse("console:subsidy_case", kwargs={"case_id": w.case.pk})))
    assert "Eligibility" in page
    # Civil Code Art. 143: counted from the day after the event, rolled past a closed day.
    assert "counted from the day after 2026-06-30 (Civil Code Art. 143)" in page


# --- invoices and payments ---------------------------------------------------


def captured(invoice, amount=None):
    amount = amount or invoice.amount_jpy
    return Payment.objects.create(
        invoice=invoice,
        amount_jpy=amount,
        application_fee_jpy=amount // 10,
        specialist_share_jpy=amount - amount // 10,
        destination_account="acct_test",
        payment_intent_id="pi_test_1",
        status=Payment.Status.SUCCEEDED,
        succeeded_at=timezone.now(),
    )


def test_a_refund_above_what_is_left_is_refused_with_the_services_message_and_nothing_changes(carol, w, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_pages"
    payment = captured(w.invoice)
    url = reverse("console:invoice", kwargs={"invoice_id": w.invoice.pk})
    too_much = payment.amount_jpy + 1
    before = StatusChange.objects.count()
    refused = post(carol, url, "refund", target=payment.pk, amount_jpy=too_much, reason="二重請求")
    assert refused.status_code == 400
    card = part(rf'<section class="card" id="payment-{payment.pk}".*?</section>', body(refused))
    message = f"At most {payment.amount_jpy:,} yen can still be refunded."
    field = re.search(r'<p class="field__error" id="id_[0-9a-f-]+_refund-amount_jpy_error">(.*?)</p>', card)
    assert field is not None
    assert message in field.group(1)
    assert f'value="{too_much}"' in card
    assert "二重請求" in card
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_jpy) == (Payment.Status.SUCCEEDED, 0)
    assert not Refund.objects.exists()
    assert StatusChange.objects.count() == before


def test_part_of_a_payment_is_refunded_with_the_reason(carol, w, settings, django_capture_on_commit_callbacks):
    settings.STRIPE_SECRET_KEY = "sk_test_pages"
    payment = captured(w.invoice)
    url = reverse("console:invoice", kwargs={"invoice_id": w.invoice.pk})
    refused = post(carol, url, "refund", target=payment.pk, amount_jpy=1000, reason="")
    assert refused.status_code == 400
    assert not Refund.objects.exists()
    with django_capture_on_commit_callbacks() as sent:
        done = post(carol, url, "refund", target=payment.pk, amount_jpy=1000, reason="作業の一部が未実施")
    assert done.status_code == 302
    refund = Refund.objects.get()
    assert (refund.amount_jpy, refund.reason, refund.status) == (1000, "作業の一部が未実施", Refund.Status.PENDING)
    assert len(sent) == 1  # the refund goes to Stripe once committed
    page = body(carol.get(url))
    assert f"{payment.amount_jpy - 1000:,}円" in page  # left to refund, the one in flight counted


def test_invoices_overdue_first_and_voided_with_the_reason(carol, cast, w):
    other = invoice_for(engaged(cast.alice_company, cast.sme_alice, w.bob, kind="advisor", title="二件目"))
    Invoice.objects.filter(pk=w.invoice.pk).update(due_on=timezone.localdate() + datetime.timedelta(days=5))
    Invoice.objects.filter(pk=other.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=3))
    url = reverse("console:invoices")
    page = body(carol.get(url))
    assert page.index(other.number) < page.index(w.invoice.number)
    assert "Overdue" in page
    overdue_only = body(carol.get(url, {"overdue": "on"}))
    assert other.number in overdue_only
    assert w.invoice.number not in overdue_only

    assert post(carol, url, "void", target=w.invoice.pk, note="").status_code == 400
    w.invoice.refresh_from_db()
    assert w.invoice.status == Invoice.Status.OPEN
    assert post(carol, url, "void", target=w.invoice.pk, note="請求先の誤り").status_code == 302
    w.invoice.refresh_from_db()
    assert w.invoice.status == Invoice.Status.VOID
    invoice_page = body(carol.get(reverse("console:invoice", kwargs={"invoice_id": w.invoice.pk})))
    assert "請求先の誤り" in invoice_page  # its history


# --- constant queries --------------------------------------------------------


def rows(cast, n):
    """n of each list's rows in Tokyo: runs, each with a request and a pending proposal;
    engagements (a retainer with an invoice, a hire with a subsidy case and a document)."""
    alice, company, tokyo = cast.sme_alice, cast.alice_company, cast.tokyo
    program = next(iter(programs(tokyo).values()))
    for i in range(n):
        specialist = make_specialist(factories.UserFactory(role="specialist"), display_name=f"専門家{i}")
        request = make_request(company, alice, title=f"依頼{i}", status=AdvisorRequest.Status.OPEN)
        run = MatchRun.objects.create(chamber=tokyo, status="succeeded", request=request)
        Proposal.objects.create(
            run=run, request=request, specialist=specialist, score=400, breakdown={"skills": 100}, facts={}, rank=1
        )
        engagement = engaged(company, alice, specialist, kind="advisor", title=f"顧問{i}")
        invoice_for(engagement)
        TimeEntry.objects.create(
            engagement=engagement,
            work_date=timezone.localdate(),
            hours=1,
            description="作業",
            logged_by=specialist.user,
        )
        case = make_case(make_hire(company, alice, specialist), program, alice)
        document = SubsidyDocument(
            case=case, document_type="plan", content_type="application/pdf", name="plan.pdf", uploaded_by=alice
        )
        document.file.save("plan.pdf", pdf(), save=False)
        document.save()


# Capacity left is two reads (matching.capacity); on PostgreSQL they are binary COPYs
# (marketplace.bulk), which Django's query count does not see.
CAPACITY_READS = 0 if connection.vendor == "postgresql" else 2
# Every page begins with the session and the signed-in user (2).
LISTS = [
    # the count and a page of proposals (2), their requests' required skills (1), capacity left:
    # the specialists and their holding proposals (CAPACITY_READS), the runs in progress (1)
    ("console:proposals", 6 + CAPACITY_READS, 'name="approve-action"', lambda n: min(n, 50)),
    # the count and a page of runs with their requests (2); per n the proposal's run and the
    # runs behind the retainer and the hire (tests/billing_fixtures.engaged)
    ("console:runs", 4, '<tr><td><a href="/console/runs/', lambda n: min(3 * n, 50)),
    # the count and a page of engagements (2); a retainer and a hire per n
    ("console:engagements", 4, 'href="/console/engagements/', lambda n: min(2 * n, 50)),
    # the count and a page of cases with their documents to review (2)
    ("console:subsidy_cases", 4, 'href="/console/subsidy-cases/', lambda n: min(n, 50)),
    # the count and a page of invoices, overdue first (2); each open one with its void form
    ("console:invoices", 4, 'name="void-action"', lambda n: min(n, 50)),
]


@pytest.mark.parametrize("n", [1, 100])
@pytest.mark.parametrize(("url_name", "queries", "marker", "count"), LISTS, ids=[row[0] for row in LISTS])
def test_each_queue_runs_a_constant_number_of_queries(
    client, cast, django_assert_num_queries, n, url_name, queries, marker, count
):
    rows(cast, n)
    client.force_login(cast.admin_carol)
    with django_assert_num_queries(queries):
        response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert body(response).count(marker) == count(n)
