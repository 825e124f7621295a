"""The amount an incident-cost program covers, computed from the engagement's invoices and
explained line by line: never typed.

Each invoice of the engagement is a line: what it paid for (the company states it per
invoice; an incident engagement's invoices are investigation and forensics unless it says
otherwise), whether it counts (paid, less any refund; in a category the program covers) and
its contribution at the program's rate. The amount is the eligible cost times the rate,
rounded down once on the total (yen), capped; nothing below the floor.
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from billing.models import Invoice, Payment
from incidents.categories import CostCategory
from subsidies.models import SubsidyCase

DEFAULT_CATEGORY = CostCategory.FORENSICS


def _both(text: str, **values: object) -> tuple[str, str]:
    out = []
    for language in ("ja", "en"):
        with translation.override(language):
            out.append(_(text) % values)
    return out[0], out[1]


@dataclass(frozen=True)
class CostLine:
    invoice_id: str
    number: str
    period_start: datetime.date
    period_end: datetime.date
    category: str
    invoiced_jpy: int
    refunded_jpy: int
    eligible_jpy: int
    contribution_jpy: int
    reason_ja: str
    reason_en: str

    def reason(self, language: str) -> str:
        return self.reason_en if language.startswith("en") else self.reason_ja


@dataclass
class CostShare:
    lines: list[CostLine] = field(default_factory=list)
    eligible_cost_jpy: int = 0
    rate_percent: int = 0
    computed_jpy: int = 0
    cap_jpy: int | None = None
    floor_jpy: int | None = None
    amount_jpy: int = 0
    steps_ja: list[str] = field(default_factory=list)
    steps_en: list[str] = field(default_factory=list)

    def steps(self, language: str) -> list[str]:
        return self.steps_en if language.startswith("en") else self.steps_ja


def refunded_by_invoice(invoice_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    captured = Payment.objects.filter(invoice_id__in=invoice_ids, status__in=Payment.CAPTURED)
    return {
        row["invoice_id"]: int(row["refunded"] or 0)
        for row in captured.values("invoice_id").annotate(refunded=Sum("refunded_jpy"))
    }


def cost_share(case: SubsidyCase) -> CostShare:
    program = case.program
    rate = int(program.rate_percent or 0)
    covered = set(program.cost_categories or [])
    stated = case.cost_categories or {}
    invoices = list(Invoice.objects.filter(engagement_id=case.engagement_id).order_by("period_start", "number"))
    refunds = refunded_by_invoice([invoice.pk for invoice in invoices])
    share = CostShare(rate_percent=rate, cap_jpy=program.cap_jpy, floor_jpy=program.floor_jpy)
    for invoice in invoices:
        category = stated.get(str(invoice.pk), DEFAULT_CATEGORY)
        refunded = min(refunds.get(invoice.pk, 0), invoice.amount_jpy)
        label = str(CostCategory(category).label) if category in CostCategory.values else category
        if invoice.status != Invoice.Status.PAID:
            eligible = 0
            texts = _both(gettext_noop("Not paid (%(status)s): not counted."), status=invoice.status)
        elif category not in covered:
            eligible = 0
            texts = _both(gettext_noop("%(category)s is not a cost this program covers."), category=label)
        else:
            eligible = invoice.amount_jpy - refunded
            texts = _both(
                gettext_noop("%(category)s, paid: %(paid)s yen less %(refunded)s yen refunded."),
                category=label,
                paid=f"{invoice.amount_jpy:,}",
                refunded=f"{refunded:,}",
            )
        share.lines.append(
            CostLine(
                invoice_id=str(invoice.pk),
                number=invoice.number,
                period_start=invoice.period_start,
                period_end=invoice.period_end,
                category=category,
                invoiced_jpy=invoice.amount_jpy,
                refunded_jpy=refunded,
                eligible_jpy=eligible,
                contribution_jpy=eligible * rate // 100,
                reason_ja=texts[0],
                reason_en=texts[1],
            )
        )
    share.eligible_cost_jpy = sum(line.eligible_jpy for line in share.lines)
    share.computed_jpy = share.eligible_cost_jpy * rate // 100
    amount = share.computed_jpy
    steps = [
        _both(
            gettext_noop("Eligible cost %(cost)s yen x %(rate)s %% = %(computed)s yen (rounded down once)."),
            cost=f"{share.eligible_cost_jpy:,}",
            rate=rate,
            computed=f"{share.computed_jpy:,}",
        )
    ]
    if program.cap_jpy is not None and amount > program.cap_jpy:
        amount = program.cap_jpy
        steps.append(_both(gettext_noop("Capped at %(cap)s yen."), cap=f"{program.cap_jpy:,}"))
    if program.floor_jpy and share.eligible_cost_jpy < program.floor_jpy:
        amount = 0
        steps.append(
            _both(
                gettext_noop("Eligible cost below the program's floor of %(floor)s yen: nothing is covered."),
                floor=f"{program.floor_jpy:,}",
            )
        )
    share.amount_jpy = amount
    share.steps_ja = [ja for ja, _en in steps]
    share.steps_en = [en for _ja, en in steps]
    return share
