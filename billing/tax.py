"""Consumption tax and income-tax withholding on the documents: dated rules and whole-yen arithmetic.

Rules that change by date are data with effective dates, never constants (DOMAIN.md, "Invoices
and tax"); each table below names its source. A date outside every row of a table is an error,
not a guess: when a law changes, a row is added here (with its date) and nothing else moves.

- Consumption tax (消費税法29条, 地方税法72条の83): the standard rate, services only (the reduced
  8 % applies to food and newspapers, never to the work sold here).
- The tax shown on a qualified invoice is rounded **once per invoice per rate** (消費税法施行令
  70条の10, 基本通達 1-8-15), in the direction the issuer chose (`Rounding`, stored on each
  invoice; `settings.INVOICE_TAX_ROUNDING` is the default, `down`).
- Withholding (所得税法204条・205条, with 復興特別所得税 until 2037): 10.21 % of one payment, and
  20.42 % on the part above ¥1,000,000; on the tax-exclusive fee where the consumption tax is
  shown separately (国税庁 タックスアンサー No.2795 / 平成元年直法6-1); individuals only.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TypeVar

from django.utils.translation import gettext_lazy as _

BPS = 10_000


class Rounding(StrEnum):
    """The issuer's choice for the consumption tax of an invoice (通達 1-8-15 leaves it free)."""

    DOWN = "down"  # 切り捨て: the common choice, and never more tax than the law's figure
    HALF_UP = "half_up"  # 四捨五入
    UP = "up"  # 切り上げ

    @property
    def label(self) -> str:
        return str({"down": _("round down"), "half_up": _("round half up"), "up": _("round up")}[self.value])


ROUNDING_MODES = {Rounding.DOWN: ROUND_FLOOR, Rounding.HALF_UP: ROUND_HALF_UP, Rounding.UP: ROUND_CEILING}
ROUNDING_JA: dict[str, str] = {Rounding.DOWN: "切り捨て", Rounding.HALF_UP: "四捨五入", Rounding.UP: "切り上げ"}


class TaxTreatment(StrEnum):
    """Whether the amounts the terms state include consumption tax (税込) or not (税抜)."""

    INCLUSIVE = "inclusive"
    EXCLUSIVE = "exclusive"


@dataclass(frozen=True)
class Dated:
    """A row of a dated table: in force from `since` (inclusive) until `until` (inclusive, None: open)."""

    since: datetime.date
    until: datetime.date | None

    def covers(self, day: datetime.date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)


@dataclass(frozen=True)
class ConsumptionTaxRate(Dated):
    bps: int  # national and local together: 1000 = 10 %


@dataclass(frozen=True)
class WithholdingRule(Dated):
    bps: int  # on one payment up to `threshold`
    bps_above: int  # on the part of one payment above `threshold`
    threshold: int


@dataclass(frozen=True)
class ExemptSupplierCredit(Dated):
    """How much of the tax on a tax-exempt supplier's price the buyer may still deduct (平成28年
    改正法附則52条・53条, as amended by the 令和8年度 reform as reported: confirm with NTA)."""

    bps: int


# 消費税法29条 + 地方消費税: 8 % from 2014-04-01, 10 % from 2019-10-01 (standard rate).
CONSUMPTION_TAX: tuple[ConsumptionTaxRate, ...] = (
    ConsumptionTaxRate(since=datetime.date(2014, 4, 1), until=datetime.date(2019, 9, 30), bps=800),
    ConsumptionTaxRate(since=datetime.date(2019, 10, 1), until=None, bps=1000),
)
# 所得税法204条・205条 with 復興特別所得税 (2.1 % of the income tax) 2013-01-01 to 2037-12-31.
WITHHOLDING: tuple[WithholdingRule, ...] = (
    WithholdingRule(
        since=datetime.date(2013, 1, 1),
        until=datetime.date(2037, 12, 31),
        bps=1021,
        bps_above=2042,
        threshold=1_000_000,
    ),
)
# The buyer's transitional credit on a tax-exempt supplier's price ([S], DOMAIN.md).
EXEMPT_SUPPLIER_CREDIT: tuple[ExemptSupplierCredit, ...] = (
    ExemptSupplierCredit(since=datetime.date(2023, 10, 1), until=datetime.date(2026, 9, 30), bps=8000),
    ExemptSupplierCredit(since=datetime.date(2026, 10, 1), until=datetime.date(2028, 9, 30), bps=7000),
    ExemptSupplierCredit(since=datetime.date(2028, 10, 1), until=datetime.date(2030, 9, 30), bps=5000),
    ExemptSupplierCredit(since=datetime.date(2030, 10, 1), until=datetime.date(2031, 9, 30), bps=3000),
)


R = TypeVar("R", bound=Dated)


class NoRuleInForce(LookupError):
    """No row of a dated table covers the day: a law changed and this table was not updated."""


def in_force(table: tuple[R, ...], day: datetime.date) -> R:
    for row in table:
        if row.covers(day):
            return row
    raise NoRuleInForce(f"no rule of {type(table[0]).__name__} in force on {day.isoformat()}")


def consumption_tax_bps(day: datetime.date) -> int:
    """The standard rate for a supply made on `day` (for a period: its last day)."""
    return in_force(CONSUMPTION_TAX, day).bps


def _rounded(value: Decimal, rounding: Rounding) -> int:
    return int(value.to_integral_value(rounding=ROUNDING_MODES[Rounding(rounding)]))


@dataclass(frozen=True)
class Split:
    """One rate's total of an invoice: the tax-exclusive amount, the tax, and the sum."""

    taxable: int
    tax: int

    @property
    def total(self) -> int:
        return self.taxable + self.tax


def split(amount: int, *, bps: int, treatment: str, rounding: str) -> Split:
    """The tax of one rate's total, rounded once (never per line).

    Tax-exclusive amounts: tax = amount × rate. Tax-inclusive: tax = amount × rate / (1 + rate),
    and the tax-exclusive part is the rest, so the parts always add up to the amount charged.
    """
    rate = Decimal(bps) / BPS
    if TaxTreatment(treatment) == TaxTreatment.EXCLUSIVE:
        return Split(taxable=amount, tax=_rounded(Decimal(amount) * rate, Rounding(rounding)))
    tax = _rounded(Decimal(amount) * rate / (1 + rate), Rounding(rounding))
    return Split(taxable=amount - tax, tax=tax)


def withholding(fee: int, *, day: datetime.date) -> int:
    """Income tax withheld from one payment of `fee` (tax-exclusive), floored to the yen (国税通則法
    119条: fractions below one yen are dropped)."""
    rule = in_force(WITHHOLDING, day)
    below, above = min(fee, rule.threshold), max(fee - rule.threshold, 0)
    return (below * rule.bps + above * rule.bps_above) // BPS


def withholding_remit_by(paid_on: datetime.date) -> datetime.date:
    """The payer remits what it withheld by the 10th of the month after paying (所得税法204条)."""
    first_next = (paid_on.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return first_next.replace(day=10)
