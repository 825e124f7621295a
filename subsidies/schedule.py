"""A case's deadlines, from its program's deadline rules and the case's milestone dates."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Max
from django.utils import timezone

from subsidies.deadlines import Deadline, due_date
from subsidies.models import SubsidyCase

# Dates a case records (the hire date comes from the engagement).
MILESTONES = ("hire_date", "plan_submitted_on", "period_start", "period_end", "wages_paid_on")
# Dates that come from the engagement and its invoices (incident-cost programs count from them).
FROM_ENGAGEMENT = ("hire_date", "engagement_ended_on", "last_invoice_paid_on")


@dataclass(frozen=True)
class CaseDeadline:
    milestone: str
    label_ja: str
    label_en: str
    reach: str  # the status the case must have reached by the deadline
    deadline: Deadline | None  # None while the date it counts from is not known yet

    def label(self, language: str) -> str:
        return self.label_en if language.startswith("en") else self.label_ja


def milestone_date(case: SubsidyCase, name: str) -> datetime.date | None:
    if name == "hire_date":
        return case.engagement.hire_date
    if name == "engagement_ended_on":
        return case.engagement.ended_on
    if name == "last_invoice_paid_on":
        paid = case.engagement.invoices.filter(status="paid", paid_at__isnull=False).aggregate(last=Max("paid_at"))
        return timezone.localtime(paid["last"]).date() if paid["last"] else None
    raw = (case.milestones or {}).get(name)
    return datetime.date.fromisoformat(raw) if raw else None


def deadlines_of(case: SubsidyCase) -> list[CaseDeadline]:
    found = []
    for rule in case.program.deadline_rules or []:
        event = milestone_date(case, rule["after"])
        period: dict[str, Any] = {key: int(rule.get(key, 0)) for key in ("months", "weeks", "days")}
        found.append(
            CaseDeadline(
                milestone=rule["milestone"],
                label_ja=rule.get("label_ja", rule["milestone"]),
                label_en=rule.get("label_en", rule["milestone"]),
                reach=rule.get("reach", SubsidyCase.Status.SUBMITTED),
                deadline=due_date(event, **period) if event else None,
            )
        )
    return found


def has_reached(case: SubsidyCase, status: str) -> bool:
    order = SubsidyCase.ORDER
    return case.status in order and status in order and order.index(case.status) >= order.index(status)
