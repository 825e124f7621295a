"""The money invariant: whatever sequence of charges and partial refunds, refunded <= captured,
fee + specialist share = amount, nothing negative, whole yen only."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing import money
from billing.models import Invoice, Payment, Refund
from billing.services import refunds
from tests.billing_fixtures import connected, engaged
from tests.talent_fixtures import make_specialist

amounts = st.integers(min_value=50, max_value=10_000_000)  # Stripe's JPY minimum is 50 yen
rates = st.integers(min_value=0, max_value=5000)


@given(amount=amounts, fee_bps=rates)
def test_the_fee_and_the_share_add_up_to_the_amount(amount, fee_bps):
    fee = money.platform_fee(amount, fee_bps)

    assert isinstance(fee, int)
    assert 0 <= fee <= amount
    assert fee + (amount - fee) == amount
    assert fee == amount * fee_bps // 10_000


@given(amount=amounts, fee_bps=rates, cuts=st.lists(st.integers(min_value=1, max_value=10_000_000), max_size=12))
def test_refund_parts_never_exceed_what_was_captured_and_add_up_when_all_is_refunded(amount, fee_bps, cuts):
    fee = money.platform_fee(amount, fee_bps)
    refunded = fee_back = reversed_ = 0
    for cut in [*cuts, amount]:  # ends with "refund the rest"
        refund = min(cut, amount - refunded)
        if refund <= 0:
            break
        fee_part, transfer_part = money.refund_split(amount=amount, fee=fee, refunded_before=refunded, refund=refund)
        assert fee_part >= 0 and transfer_part >= 0  # noqa: PT018 - one invariant
        assert fee_part + transfer_part == refund
        refunded, fee_back, reversed_ = refunded + refund, fee_back + fee_part, reversed_ + transfer_part
        assert refunded <= amount and fee_back <= fee and reversed_ <= amount - fee  # noqa: PT018

    assert (refunded, fee_back, reversed_) == (amount, fee, amount - fee)


@pytest.fixture
def invoice(alice_company, sme_alice, specialist_bob):
    bob = make_specialist(specialist_bob)
    connected(bob)
    engagement = engaged(alice_company, sme_alice, bob)
    return Invoice.objects.create(
        number="202611-09999",
        engagement=engagement,
        kind="retainer",
        period_start=datetime.date(2026, 10, 1),
        period_end=datetime.date(2026, 10, 31),
        amount_jpy=1,
        fee_bps=0,
        platform_fee_jpy=0,
        specialist_share_jpy=1,
        issued_on=datetime.date(2026, 11, 1),
        due_on=datetime.date(2026, 11, 30),
        legal_due_on=datetime.date(2026, 11, 30),
        tax_rate_bps=1000,
        taxable_jpy=1,
        tax_jpy=0,
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    amount=amounts,
    fee_bps=rates,
    steps=st.lists(st.tuples(st.sampled_from(["refund", "replay", "over"]), st.integers(1, 10_000_000)), max_size=8),
)
def test_refunds_applied_through_stripes_events_keep_the_payment_within_what_was_captured(
    invoice, amount, fee_bps, steps
):
    """Refund events (as Stripe reports them, replays included) applied to a real payment row:
    the database's own constraints and our totals agree after every step."""
    fee = money.platform_fee(amount, fee_bps)
    with transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(
            amount_jpy=amount,
            fee_bps=fee_bps,
            platform_fee_jpy=fee,
            specialist_share_jpy=amount - fee,
            taxable_jpy=amount,
        )
        payment = Payment.objects.create(
            invoice=invoice,
            amount_jpy=amount,
            application_fee_jpy=fee,
            specialist_share_jpy=amount - fee,
            destination_account="acct_x",
            payment_intent_id=f"pi_{amount}_{fee_bps}_{len(steps)}",
            status="succeeded",
        )
        sent: list[dict[str, object]] = []
        for number, (kind, cut) in enumerate(steps):
            left = amount - payment.refunded_jpy
            if kind == "replay" and sent:
                event = sent[-1]  # Stripe delivers the same refund again
            else:
                size = cut if kind == "over" else min(cut, left)
                if size <= 0:
                    continue
                event = {
                    "id": f"re_{number}",
                    "amount": size,
                    "status": "succeeded",
                    "payment_intent": payment.payment_intent_id,
                    "metadata": {},
                }
                sent.append(event)
            refunds.apply_refund_event(event)
            payment.refresh_from_db()

            succeeded = list(payment.refunds.filter(status="succeeded"))
            assert payment.refunded_jpy == sum(r.amount_jpy for r in succeeded) <= amount
            assert payment.fee_refunded_jpy == sum(r.fee_refunded_jpy for r in succeeded) <= fee
            assert payment.transfer_reversed_jpy == sum(r.transfer_reversed_jpy for r in succeeded) <= amount - fee
            assert payment.application_fee_jpy + payment.specialist_share_jpy == amount
            assert min(payment.refunded_jpy, payment.fee_refunded_jpy, payment.transfer_reversed_jpy) >= 0
            expected = (
                "refunded"
                if payment.refunded_jpy == amount
                else ("partially_refunded" if payment.refunded_jpy else "succeeded")
            )
            assert payment.status == expected
        transaction.set_rollback(True)


def test_the_database_refuses_a_refund_total_above_the_amount(invoice):
    payment = Payment.objects.create(
        invoice=invoice,
        amount_jpy=1000,
        application_fee_jpy=100,
        specialist_share_jpy=900,
        destination_account="acct_x",
        status="succeeded",
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(refunded_jpy=1001, fee_refunded_jpy=101, transfer_reversed_jpy=900)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(specialist_share_jpy=901)
    with pytest.raises(IntegrityError), transaction.atomic():
        Refund.objects.create(payment=payment, amount_jpy=0, reason="x")
