"""A clerk works the console's queues in Chromium on a desk: approves a run's proposals in one
action after rejecting one with the reason (the rows change in place, the page is not
reloaded), does the same approval with the keyboard alone, watches a run finish without
reloading, accepts a subsidy document shown inline, and refunds part of a payment through the
Stripe stand-in (an amount above what is left is refused beside the field first). Each page is
screenshot (var/screenshots/test_*)."""

import time

import pytest
import requests
from playwright.sync_api import expect

from billing.models import ConnectedAccount, Payment, Refund
from billing.services import connect
from billing.services import payments as payment_services
from matching.models import MatchRun, Proposal
from subsidies.models import SubsidyDocument
from tests import factories
from tests.billing.conftest import AUTH, stripe_standin, wait_for  # noqa: F401  (a fixture)
from tests.browser.conftest import landed
from tests.browser.test_object_pages import every_control_is_labelled, sign_in
from tests.conftest import Cast
from tests.talent_fixtures import make_specialist
from tests.web.world import world
from workflow.models import StatusChange
from workflow.services import transition

DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def built(transactional_db):
    cast = Cast()
    return cast, world(cast)


def three_pending(cast, w):
    """Three candidates waiting for review in the world's run, for Alice's request."""
    names = ("ビー", "シー", "ディー")
    users = (cast.specialist_bea, factories.UserFactory(role="specialist"), factories.UserFactory(role="specialist"))
    return [
        Proposal.objects.create(
            run=w.run,
            request=w.request,
            specialist=make_specialist(user, display_name=name),
            score=700 - 50 * rank,
            breakdown={"skills": 250 - 20 * rank, "rating": 100},
            facts={"level": 3.5, "certification": "RISS", "proximity": "remote", "rating": 4.0, "urgent": False},
            rank=rank + 2,
        )
        for rank, (user, name) in enumerate(zip(users, names, strict=True))
    ]


def not_reloaded(page):
    """Mark the document; `still_same(page)` is true while no navigation replaced it."""
    page.evaluate("() => { window.__sameDocument = true; }")


def still_same(page):
    return page.evaluate("() => window.__sameDocument === true")


def statuses(proposals):
    return [Proposal.objects.get(pk=p.pk).status for p in proposals]


@DB
def test_a_clerk_rejects_one_with_the_reason_then_approves_the_runs_others_in_bulk(page, server_url, built):
    cast, w = built
    bea, cee, dee = three_pending(cast, w)
    sign_in(page, server_url, cast.admin_carol, "/console/")
    page.goto(server_url("/console/proposals/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("審査待ちの提案")
    every_control_is_labelled(page)  # (it unfolds every <details>: the page is opened again)
    page.goto(server_url("/console/proposals/"))
    row = page.locator(f"#proposal-{cee.pk}")
    expect(row).to_contain_text("スキル")  # the score's breakdown
    not_reloaded(page)

    # Rejecting without a reason: refused beside the field, in the row, nothing changed.
    row.get_by_text("却下…").click()
    row.get_by_role("button", name="却下する").click()
    expect(page.locator(f"#proposal-{cee.pk} .field__error")).to_be_visible()
    page.screenshots.take(page, "reason-required")
    assert statuses([cee]) == [Proposal.Status.PENDING_REVIEW]
    page.locator(f"#proposal-{cee.pk}").get_by_label("理由").fill("過去に同社と取引があり利益相反の懸念")
    page.locator(f"#proposal-{cee.pk}").get_by_role("button", name="却下する").click()
    expect(page.get_by_text("提案を却下しました。")).to_be_visible()
    expect(page.locator(f"#proposal-{cee.pk}")).to_have_count(0)  # out of the queue, in place
    page.screenshots.take(page, "rejected-in-place")

    page.get_by_role("button", name="この実行の審査待ち2件をすべて承認する").click()
    expect(page.get_by_text("2件を承認しました")).to_be_visible()
    expect(page.locator(f"#proposal-{bea.pk}")).to_have_count(0)
    expect(page.locator("#queue-count")).to_have_text("提案0件")
    assert still_same(page)
    page.screenshots.take(page, "approved-in-bulk")
    assert statuses([bea, cee, dee]) == [Proposal.Status.APPROVED, Proposal.Status.REJECTED, Proposal.Status.APPROVED]
    assert (
        StatusChange.objects.get(object_id=cee.pk, to_status="rejected").note == "過去に同社と取引があり利益相反の懸念"
    )

    page.goto(server_url(f"/console/runs/{w.run.pk}/"))
    expect(page.locator(f"#proposal-{cee.pk}")).to_contain_text("却下")
    expect(page.locator(f"#proposal-{dee.pk}")).to_contain_text("承認済み")


def tab_until(page, script, *, limit=120):
    """Press Tab until `script` (a JS expression over `document.activeElement`) is true."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return Boolean({script}); }}"):
            return
    raise AssertionError(f"never reached by Tab: {script}")


@DB
def test_a_clerk_approves_ticked_proposals_with_the_keyboard_alone(page, server_url, built):
    cast, w = built
    bea, cee, dee = three_pending(cast, w)
    sign_in(page, server_url, cast.admin_carol, "/console/")
    page.goto(server_url("/console/proposals/"))
    not_reloaded(page)
    # Tick Bea's and Dee's boxes with Space, then Enter on the bulk button; no mouse.
    for proposal in (bea, dee):
        tab_until(page, f"el.id === 'select-{proposal.pk}'")
        page.keyboard.press("Space")
        expect(page.locator(f"#select-{proposal.pk}")).to_be_checked()
    tab_until(page, "el.tagName === 'BUTTON' && el.textContent.includes('チェックした提案を承認する')")
    page.keyboard.press("Enter")
    expect(page.get_by_text("2件を承認しました")).to_be_visible()
    assert still_same(page)
    page.screenshots.take(page, "keyboard-approved")
    assert statuses([bea, cee, dee]) == [
        Proposal.Status.APPROVED,
        Proposal.Status.PENDING_REVIEW,
        Proposal.Status.APPROVED,
    ]
    # Cee's row is still there, its box still reachable by the keyboard.
    tab_until(page, f"el.id === 'select-{cee.pk}'")


@DB
def test_a_clerk_watches_a_run_finish_without_reloading(page, server_url, built):
    cast, w = built
    run = MatchRun.objects.create(chamber=cast.tokyo, request=w.request, status="queued", created_by=cast.admin_carol)
    transition(run, to=MatchRun.Status.RUNNING, by=None, progress=5)
    sign_in(page, server_url, cast.admin_carol, "/console/")
    page.goto(server_url(f"/console/runs/{run.pk}/"))
    expect(page.locator("#run-status")).to_have_text("実行中")
    not_reloaded(page)
    polls = []
    page.on(
        "request", lambda request: polls.append(request.url) if request.headers.get("hx-target") == "run-live" else None
    )

    # The worker's progress callback writes the percentage (matching.services.runs).
    MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.RUNNING).update(progress=60)
    expect(page.locator("#run-percent")).to_have_text("60%")
    page.screenshots.take(page, "run-at-60")
    stats = {"requests": 1, "specialists": 12, "slots": 2, "filled_slots": 2, "proposals": 2, "total_seconds": 0.4}
    transition(run, to=MatchRun.Status.SUCCEEDED, by=None, progress=100, stats=stats)
    expect(page.locator("#run-status")).to_have_text("完了")
    expect(page.locator("#run-percent")).to_have_text("100%")
    expect(page.get_by_role("link", name="この実行の提案を表示する")).to_be_visible()
    assert still_same(page)
    page.screenshots.take(page, "run-finished")
    # Finished: the part that came back has no trigger, so the polling stopped.
    seen = len(polls)
    time.sleep(2.5)
    assert len(polls) == seen
    assert seen >= 2


@DB
def test_a_clerk_accepts_a_subsidy_document_read_inline(page, server_url, built):
    cast, w = built
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if m.type == "error" else None)
    sign_in(page, server_url, cast.admin_carol, "/console/")
    page.goto(server_url("/console/subsidy-cases/"))
    page.get_by_role("link", name=w.case.program.name_ja).first.click()
    case_url = server_url(f"/console/subsidy-cases/{w.case.pk}/")
    landed(page, case_url)
    every_control_is_labelled(page)
    card = page.locator(f"#document-{w.document.pk}")
    frame = card.locator("iframe.document-frame")
    expect(frame).to_be_visible()
    assert frame.get_attribute("src").endswith(f"/documents/{w.document.pk}/inline/")
    expect(page.get_by_role("button", name="提出")).to_have_count(0)  # 社労士法27条: never a submit
    not_reloaded(page)
    card.get_by_role("button", name="受理する").click()
    expect(page.get_by_text("書類を受理しました。")).to_be_visible()
    expect(page.locator(f"#document-{w.document.pk}")).to_contain_text("承諾済み")
    assert still_same(page)
    page.screenshots.take(page, "document-accepted")
    w.document.refresh_from_db()
    assert w.document.status == SubsidyDocument.Status.ACCEPTED
    assert not [text for text in blocked if "frame" in text.lower() or "Content Security Policy" in text]


@pytest.mark.integration  # the Stripe stand-in
@pytest.mark.stripe_simulation  # its Connect part is the labelled simulation
@DB
def test_a_clerk_refunds_part_of_a_payment(page, server_url, built, stripe_standin):  # noqa: F811
    cast, w = built
    account = connect.onboard_specialist(user=cast.specialist_bob)["account"]
    requests.post(f"{stripe_standin}/_sim/accounts/{account}/complete", auth=AUTH, timeout=5)
    ConnectedAccount.objects.filter(account_id=account).update(payouts_enabled=True, charges_enabled=True)
    payment_services.pay_invoice(invoice=w.invoice, user=cast.sme_alice, payment_method="pm_card_visa")
    payment = Payment.objects.get(invoice=w.invoice)
    assert payment.status == Payment.Status.SUCCEEDED
    amount = payment.amount_jpy

    sign_in(page, server_url, cast.admin_carol, "/console/")
    page.goto(server_url("/console/invoices/"))
    page.get_by_role("link", name=w.invoice.number).click()
    invoice_url = server_url(f"/console/invoices/{w.invoice.pk}/")
    landed(page, invoice_url)
    every_control_is_labelled(page)
    card = page.locator(f"#payment-{payment.pk}")
    card.get_by_label("返金額（円）").fill(str(amount + 1))
    card.get_by_label("理由").fill("作業の一部が未実施")
    card.get_by_role("button", name="返金する").click()
    expect(page.locator(f"#payment-{payment.pk} .field__error")).to_contain_text(
        f"返金できるのは最大 {amount:,} 円です。"
    )
    expect(page.locator(f"#payment-{payment.pk}").get_by_label("理由")).to_have_value("作業の一部が未実施")
    page.screenshots.take(page, "refund-refused")
    assert not Refund.objects.exists()

    page.locator(f"#payment-{payment.pk}").get_by_label("返金額（円）").fill("20000")
    page.locator(f"#payment-{payment.pk}").get_by_role("button", name="返金する").click()
    expect(page.get_by_text("返金を依頼しました。これからStripeに送ります。")).to_be_visible()
    assert wait_for(lambda: Refund.objects.filter(status=Refund.Status.SUCCEEDED).exists())
    page.goto(invoice_url)
    expect(page.locator(f"#payment-{payment.pk}")).to_contain_text("一部返金")
    expect(page.locator(f"#payment-{payment.pk}")).to_contain_text(f"{amount - 20000:,}円")
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_jpy) == (Payment.Status.PARTIALLY_REFUNDED, 20000)


@DB
def test_a_clerk_walks_every_queue_page_with_its_filters(page, server_url, built):
    cast, w = built
    three_pending(cast, w)
    sign_in(page, server_url, cast.admin_carol, "/console/")
    pages = [
        ("/console/proposals/?kind=spot&sort=newest", "審査待ちの提案"),
        ("/console/runs/", "マッチング実行"),
        (f"/console/runs/{w.run.pk}/", "マッチング実行"),
        (f"/console/requests/{w.request.pk}/", w.request.title),
        ("/console/engagements/?status=active&sort=ending", "契約"),
        (f"/console/engagements/{w.engagement.pk}/", w.engagement.request.title),
        ("/console/subsidy-cases/?to_review=on", "助成金の申請"),
        (f"/console/subsidy-cases/{w.case.pk}/", w.case.program.name_ja),
        ("/console/invoices/?sort=overdue", "請求書"),
        (f"/console/invoices/{w.invoice.pk}/", w.invoice.number),
    ]
    for path, heading in pages:
        page.goto(server_url(path))
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        every_control_is_labelled(page)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than the screen"
    # The filters are kept from page to page of a list, and shown as chosen.
    page.goto(server_url("/console/engagements/?status=active&sort=ending"))
    expect(page.get_by_label("状況")).to_have_value("active")
    expect(page.get_by_label("並び順")).to_have_value("ending")
