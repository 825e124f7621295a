"""Invoices are issued on time, for the right amount, exactly once: retainers per monthly period
(prorated when cut short), hourly work per closed month from confirmed hours, fixed fees on
completion, hires never."""

import datetime
from decimal import Decimal

import pytest

from billing import invoicing
from billing.models import Invoice, TimeEntry
from matching.models import Engagement
from notifications.models import Notification
from tests.billing_fixtures import engaged
from tests.talent_fixtures import make_specialist
from tests.threads import at_once
from workflow.models import StatusChange

D = datetime.date


@pytest.fixture
def bob(specialist_bob):
    return make_specialist(specialist_bob)


@pytest.fixture
def retainer(alice_company, sme_alice, bob):
    return engaged(
        alice_company,
        sme_alice,
        bob,
        fee_jpy=55_000,
        service_start=D(2026, 9, 15),
        started_on=D(2026, 9, 15),
        payment_due_days=45,
    )


@pytest.mark.parametrize(
    ("start", "end", "until", "expected"),
    [
        # Monthly from the start day; billed the day after each period ends.
        (
            D(2026, 9, 15),
            None,
            D(2026, 11, 15),
            [(D(2026, 9, 15), D(2026, 10, 14)), (D(2026, 10, 15), D(2026, 11, 14))],
        ),
        (D(2026, 9, 15), None, D(2026, 11, 14), [(D(2026, 9, 15), D(2026, 10, 14))]),
        # The 31st: the next period starts on the same date, or the month's last day (28 Feb).
        (D(2026, 1, 31), None, D(2026, 4, 1), [(D(2026, 1, 31), D(2026, 2, 27)), (D(2026, 2, 28), D(2026, 3, 30))]),
        # Cut short by the end: the last period ends on the end day.
        (
            D(2026, 9, 15),
            D(2026, 10, 31),
            D(2026, 12, 31),
            [(D(2026, 9, 15), D(2026, 10, 14)), (D(2026, 10, 15), D(2026, 10, 31))],
        ),
        # Started on the 1st: calendar months.
        (D(2026, 1, 1), None, D(2026, 3, 1), [(D(2026, 1, 1), D(2026, 1, 31)), (D(2026, 2, 1), D(2026, 2, 28))]),
    ],
)
def test_retainer_periods(start, end, until, expected):
    periods = [(first, last) for first, last, _full in invoicing.retainer_periods(start, end, billed_before=until)]

    assert periods == expected


def test_a_retainers_month_is_invoiced_the_day_after_it_ends_with_the_fee_split(db, retainer, sme_alice, tokyo):
    tokyo.platform_fee_bps = 1250
    tokyo.save()

    assert invoicing.issue_due_invoices(today=D(2026, 10, 14)) == []
    issued = invoicing.issue_due_invoices(today=D(2026, 10, 15))

    [invoice] = issued
    assert (invoice.kind, invoice.period_start, invoice.period_end) == ("retainer", D(2026, 9, 15), D(2026, 10, 14))
    assert (invoice.amount_jpy, invoice.platform_fee_jpy, invoice.specialist_share_jpy) == (55_000, 6_875, 48_125)
    # Freelance Act Art. 4: the engagement's 45 days after the month's service was received.
    assert (invoice.issued_on, invoice.due_on) == (D(2026, 10, 15), D(2026, 11, 28))
    assert invoice.number == "202610-00001"
    assert [(line.kind, line.amount_jpy) for line in invoice.lines.all()] == [("retainer", 55_000)]
    [notice] = Notification.objects.filter(kind="invoice_issued")
    assert (notice.recipient, notice.event_key) == (sme_alice, f"invoice_issued:{invoice.pk}")
    assert "55,000円" in notice.body
    assert StatusChange.objects.filter(object_id=invoice.pk, to_status="open").count() == 1


def test_issuing_twice_on_the_same_day_issues_one_invoice_per_engagement(db, retainer):
    first = invoicing.issue_due_invoices(today=D(2026, 11, 20))
    again = invoicing.issue_due_invoices(today=D(2026, 11, 20))

    assert [invoice.period_start for invoice in first] == [D(2026, 9, 15), D(2026, 10, 15)]
    assert again == []
    assert Invoice.objects.count() == 2
    assert Notification.objects.filter(kind="invoice_issued").count() == 2
    assert sorted(Invoice.objects.values_list("number", flat=True)) == ["202611-00001", "202611-00002"]


def test_a_period_cut_short_by_the_end_is_prorated_by_days(db, retainer):
    Engagement.objects.filter(pk=retainer.pk).update(status="completed", ended_on=D(2026, 10, 24))

    issued = invoicing.issue_due_invoices(today=D(2026, 11, 20))

    assert [(i.period_start, i.period_end, i.amount_jpy) for i in issued] == [
        (D(2026, 9, 15), D(2026, 10, 14), 55_000),
        (D(2026, 10, 15), D(2026, 10, 24), 55_000 * 10 // 31),  # 10 of the period's 31 days
    ]
    assert invoicing.issue_due_invoices(today=D(2027, 1, 20)) == []  # nothing after the end


def test_a_hire_is_never_invoiced(db, alice_company, sme_alice, bob):
    engaged(alice_company, sme_alice, bob, kind="hire", hire_date=D(2026, 8, 1))

    assert invoicing.issue_due_invoices(today=D(2026, 11, 20)) == []
    assert not Invoice.objects.exists()


def _hours(engagement, user, day, hours, status="confirmed"):
    return TimeEntry.objects.create(
        engagement=engagement,
        work_date=day,
        hours=Decimal(hours),
        description="ログ解析",
        logged_by=user,
        status=status,
    )


@pytest.fixture
def hourly(alice_company, sme_alice, bob):
    return engaged(
        alice_company,
        sme_alice,
        bob,
        kind="incident",
        title="ランサムウェア初動対応",
        fee_jpy=25_000,
        service_start=D(2026, 9, 1),
        started_on=D(2026, 9, 1),
        payment_due_days=30,
    )


def test_confirmed_hours_of_a_closed_month_are_invoiced_once_and_unconfirmed_ones_wait(db, hourly, specialist_bob):
    confirmed = [
        _hours(hourly, specialist_bob, D(2026, 10, 3), "2.5"),
        _hours(hourly, specialist_bob, D(2026, 10, 9), "1.25"),
    ]
    waiting = _hours(hourly, specialist_bob, D(2026, 10, 20), "3", status="logged")
    this_month = _hours(hourly, specialist_bob, D(2026, 11, 2), "1")

    issued = invoicing.issue_due_invoices(today=D(2026, 11, 1))
    again = invoicing.issue_due_invoices(today=D(2026, 11, 2))

    [invoice] = issued
    assert again == []
    assert (invoice.kind, invoice.period_start, invoice.period_end) == ("hours", D(2026, 10, 1), D(2026, 10, 31))
    assert [(line.service_from, line.quantity, line.amount_jpy) for line in invoice.lines.all()] == [
        (D(2026, 10, 3), Decimal("2.50"), 62_500),
        (D(2026, 10, 9), Decimal("1.25"), 31_250),
    ]
    assert invoice.amount_jpy == 93_750
    assert invoice.due_on == D(2026, 11, 30)  # month closed on 31 Oct + 30 days
    assert set(TimeEntry.objects.filter(invoice=invoice)) == set(confirmed)
    waiting.refresh_from_db()
    this_month.refresh_from_db()
    assert (waiting.invoice, this_month.invoice) == (None, None)


def test_hours_confirmed_late_go_on_the_next_invoice_and_are_never_due_past_60_days(db, hourly, specialist_bob):
    invoicing.issue_due_invoices(today=D(2026, 11, 1))  # nothing confirmed yet for October
    late = _hours(hourly, specialist_bob, D(2026, 9, 28), "2")  # September's work, confirmed in November

    [invoice] = invoicing.issue_due_invoices(today=D(2026, 12, 1))

    assert (invoice.period_start, invoice.period_end) == (D(2026, 11, 1), D(2026, 11, 30))
    assert list(invoice.time_entries.all()) == [late]
    # 30 Nov + 30 days would be 30 Dec, but September's work is due 60 days after 30 Sep at the latest
    # (29 Nov): already passed, so due on the day of issue.
    assert invoice.due_on == D(2026, 12, 1)


def test_a_fixed_fee_is_invoiced_once_when_the_work_is_completed(db, alice_company, sme_alice, bob):
    job = engaged(
        alice_company,
        sme_alice,
        bob,
        kind="spot",
        fee_basis="fixed",
        fee_jpy=120_000,
        service_start=D(2026, 10, 1),
        service_end=D(2026, 10, 31),
        payment_due_days=20,
    )
    assert invoicing.issue_due_invoices(today=D(2026, 11, 5)) == []  # still active

    Engagement.objects.filter(pk=job.pk).update(status="completed", ended_on=D(2026, 10, 30))
    [invoice] = invoicing.issue_due_invoices(today=D(2026, 11, 5))

    assert (invoice.kind, invoice.amount_jpy, invoice.due_on) == ("fixed", 120_000, D(2026, 11, 19))
    assert invoicing.issue_due_invoices(today=D(2026, 11, 6)) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_four_issuing_runs_at_once_issue_each_period_once(alice_company, sme_alice, specialist_bob):
    bob = make_specialist(specialist_bob)
    for fee in (40_000, 55_000, 70_000):
        engaged(alice_company, sme_alice, bob, fee_jpy=fee, service_start=D(2026, 8, 1))

    issued = at_once(4, lambda: len(invoicing.issue_due_invoices(today=D(2026, 11, 2))))

    assert sum(issued) == 9  # three engagements x three months (Aug, Sep, Oct), whoever issued them
    assert Invoice.objects.count() == 9
    numbers = list(Invoice.objects.values_list("number", flat=True))
    assert sorted(numbers) == [f"202611-{n:05d}" for n in range(1, 10)]  # no gaps, no repeats
