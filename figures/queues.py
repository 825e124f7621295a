"""What waits for a chamber admin: each queue's count and its oldest item (or, for deadlines,
the nearest), through the same selectors as the API. Nine queries whatever the queues' length,
plus one per chamber with a live run (at most one for a chamber admin) — see `queues`."""

import datetime
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max, Min, OuterRef, Subquery
from django.utils import timezone

from accounts import access
from accounts import selectors as accounts_selectors
from accounts.models import Company, User
from billing import selectors as billing_selectors
from billing.models import Invoice, Refund
from matching import selectors as matching_selectors
from matching.models import AdvisorRequest, MatchRun, Proposal
from subsidies import schedule
from subsidies import selectors as subsidies_selectors
from subsidies.deadlines import due_date
from subsidies.models import SubsidyCase, SubsidyDocument
from subsidies.services import REMINDER_DAYS
from talent import selectors as talent_selectors
from talent.models import Certification, RequestKind

# A deadline this close (days) puts its case in the queue: the first reminder's distance.
NEAR_DAYS = max(REMINDER_DAYS)


@dataclass(frozen=True)
class Queue:
    key: str
    count: int
    # The oldest item's time (when it arrived, or for invoices the day they fell due); for the
    # deadline queue the nearest due date instead (`due`).
    oldest: datetime.datetime | None = None
    due: datetime.date | None = None
    # The object the link opens when the queue has one page per item (a live run).
    target: Any = None

    def age(self, now: datetime.datetime | None = None) -> datetime.timedelta | None:
        if self.oldest is None:
            return None
        return (now or timezone.now()) - self.oldest


def _counted(qs: Any, field: str) -> tuple[int, Any]:
    row = qs.order_by().aggregate(n=Count("pk"), oldest=Min(field))
    return row["n"], row["oldest"]


def _start_of(day: datetime.date | None) -> datetime.datetime | None:
    if day is None:
        return None
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def near_deadlines(user: User | AnonymousUser, today: datetime.date) -> tuple[int, datetime.date | None]:
    """Cases before filing with a deadline not yet met falling within NEAR_DAYS days (or already
    passed but not yet expired by the daily task): how many, and the nearest due date.

    One query: each case's status and milestones, its program's deadline rules, its engagement's
    dates and the last paid invoice's time (schedule.milestone_date would read that per case), as
    values; the rest is subsidies.schedule's own rules, over a stand-in with the same attributes."""
    last_paid = (
        Invoice.objects.filter(engagement=OuterRef("engagement_id"), status="paid", paid_at__isnull=False)
        .order_by()
        .values("engagement")
        .annotate(last=Max("paid_at"))
        .values("last")[:1]
    )
    cases = (
        subsidies_selectors.cases_visible_to(user)
        .filter(status__in=SubsidyCase.OPEN_BEFORE_FILING)
        # Only what the deadlines read, as plain values: the rows are many (no model instances).
        .values("status", "milestones", "program__deadline_rules", "engagement__hire_date", "engagement__ended_on")
        .annotate(last_paid_at=Subquery(last_paid))
    )
    count, nearest = 0, None
    for row in cases:
        case = SimpleNamespace(
            status=row["status"],
            milestones=row["milestones"],
            last_paid_at=row["last_paid_at"],
            program=SimpleNamespace(deadline_rules=row["program__deadline_rules"]),
            engagement=SimpleNamespace(hire_date=row["engagement__hire_date"], ended_on=row["engagement__ended_on"]),
        )
        due = _next_deadline(case)
        if due is not None and (due - today).days <= NEAR_DAYS:
            count += 1
            nearest = due if nearest is None else min(nearest, due)
    return count, nearest


def _next_deadline(case: Any) -> datetime.date | None:
    """The nearest deadline of the case's program it has not met (schedule.deadlines_of, with the
    last paid invoice's date taken from the annotation)."""
    found = []
    for rule in case.program.deadline_rules or []:
        if rule["after"] == "last_invoice_paid_on":
            event = timezone.localtime(case.last_paid_at).date() if case.last_paid_at else None
        else:
            event = schedule.milestone_date(case, rule["after"])
        if event is None or schedule.has_reached(case, rule.get("reach", SubsidyCase.Status.SUBMITTED)):
            continue
        period = {key: int(rule.get(key, 0)) for key in ("months", "weeks", "days")}
        found.append(due_date(event, **period).due_on)
    return min(found) if found else None


def queues(user: User | AnonymousUser) -> list[Queue]:
    """Every queue of the console's dashboard, in the order it shows them."""
    now = timezone.now()
    today = timezone.localdate(now)
    found = []

    n, oldest = _counted(
        accounts_selectors.companies_visible_to(user).filter(status=Company.Status.PENDING), "created_at"
    )
    found.append(Queue("companies", n, oldest))
    n, oldest = _counted(
        talent_selectors.certifications_visible_to(user).filter(status=Certification.Status.PENDING), "created_at"
    )
    found.append(Queue("certifications", n, oldest))
    n, oldest = _counted(
        matching_selectors.proposals_visible_to(user).filter(status=Proposal.Status.PENDING_REVIEW), "created_at"
    )
    found.append(Queue("proposals", n, oldest))
    live = list(
        matching_selectors.runs_visible_to(user)
        .filter(status__in=MatchRun.LIVE)
        .order_by("created_at", "id")
        .values_list("pk", "created_at")
    )
    found.append(Queue("runs", len(live), live[0][1] if live else None, target=live[0][0] if live else None))
    documents = SubsidyDocument.objects.filter(
        status=SubsidyDocument.Status.UPLOADED,
        case__in=subsidies_selectors.cases_visible_to(user).values("pk"),
    )
    n, oldest = _counted(documents, "created_at")
    found.append(Queue("documents", n, oldest))
    n, nearest = near_deadlines(user, today)
    found.append(Queue("deadlines", n, due=nearest))
    n, oldest = _counted(
        matching_selectors.requests_visible_to(user).filter(
            kind=RequestKind.INCIDENT, status=AdvisorRequest.Status.OPEN
        ),
        "published_at",
    )
    found.append(Queue("incidents", n, oldest))
    n, oldest_due = _counted(
        billing_selectors.invoices_visible_to(user).filter(status=Invoice.Status.OPEN, due_on__lt=today), "due_on"
    )
    found.append(Queue("invoices", n, _start_of(oldest_due)))
    refunds = access.visible(
        Refund.objects.filter(status=Refund.Status.PENDING),
        user,
        chamber="payment__invoice__engagement__company__chamber_id",
        company="payment__invoice__engagement__company",
        specialist="payment__invoice__engagement__specialist",
    )
    n, oldest = _counted(refunds, "created_at")
    found.append(Queue("refunds", n, oldest))
    return found
