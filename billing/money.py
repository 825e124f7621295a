"""Yen arithmetic for invoices, fees and refunds: integers only, nothing lost or made up.

JPY has no minor unit (Stripe treats it as zero-decimal), so every amount is whole yen and
every rounding is a floor whose remainder goes to the specialist's share.
"""

from decimal import ROUND_HALF_UP, Decimal

BPS = 10_000  # basis points in a whole


def platform_fee(amount: int, fee_bps: int) -> int:
    """The chamber's fee on an amount; the specialist's share is the rest."""
    return amount * fee_bps // BPS


def line_amount(unit_price: int, quantity: Decimal) -> int:
    """Hours x hourly rate, to the nearest yen (half up)."""
    return int((Decimal(unit_price) * quantity).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def prorated(monthly_fee: int, *, days: int, of_days: int) -> int:
    """A retainer's fee for a period cut short: the days served over the period's days."""
    return monthly_fee * days // of_days


def refund_split(*, amount: int, fee: int, refunded_before: int, refund: int) -> tuple[int, int]:
    """How a refund divides between the platform fee and the specialist's transfer.

    Cumulative: after refunding `t` of `amount`, floor(fee x t / amount) of the fee has been
    returned, so the parts of any sequence of refunds add up exactly to the fee and the share
    once everything is refunded, and each part is never negative (fee <= amount).
    """
    total = refunded_before + refund
    fee_part = fee * total // amount - fee * refunded_before // amount
    return fee_part, refund - fee_part
