"""The chamber's figures for one fiscal year, each aggregated in SQL: a fixed number of queries
(nine, with the diagnosis bands) whatever the chamber's size.

Scope: the same rule as the API's chamber reads (accounts.access.administers): that chamber's
admins and operators; anyone else gets NotFound (404), as for an object out of reach.

What each figure counts (the year's bounds are 1 April 00:00 to the next 1 April 00:00 in Tokyo):
- SMEs served: distinct companies with an engagement created in the year.
- Requests by kind: requests published in the year, and how many of them are filled now; the
  share filled is filled / published over every kind.
- Medians: for requests published in the year, the time from publishing to the first approval
  of one of its proposals (the approval's own history row, workflow.StatusChange, since a
  proposal's `decided_at` moves on when the SME selects) and to its first engagement. Computed
  in Python from one query (`_timings`) that reads only the three timestamps per published
  request of the year (bounded: one chamber's requests of one year, about 10,000 at the bench's
  scale), so it is the same on SQLite and PostgreSQL; percentile_cont would save the transfer
  on PostgreSQL only and needs a second code path to test.
- Engagements: those created in the year, active now or ended (completed or terminated).
- Money: payments captured in the year (by `succeeded_at`): the amount and its platform fee;
  refunds that succeeded, requested in the year: the amount and the platform fee returned.
- Subsidy cases created in the year, by stage: how many, the amount claimed (cases filed, i.e.
  from `submitted` on: the program's fixed amount, or for a rate-with-cap program its cap, the
  most the claim can bring) and the amount decided (`decided_amount_jpy`).
- Diagnosis bands: diagnosis.selectors.band_counts_for_chamber (cells under 5 suppressed).
"""

import datetime
import statistics
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound

from accounts import access
from accounts.models import Chamber, User
from billing.models import Payment, Refund
from diagnosis.selectors import BandCounts, band_counts_for_chamber
from figures.fiscal import FiscalYear
from marketplace.errors import get_or_not_found
from matching.models import AdvisorRequest, Engagement, Proposal
from subsidies.models import SubsidyCase
from talent.models import RequestKind
from workflow.models import StatusChange

# Stages at which the claim has been filed with whoever decides it.
FILED = ("submitted", "under_review", "correction_requested", "granted", "paid", "not_paid")
ENDED = (Engagement.Status.COMPLETED, Engagement.Status.TERMINATED)


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    published: int
    filled: int


@dataclass(frozen=True)
class StageRow:
    status: str
    label: str
    cases: int
    claimed_jpy: int
    decided_jpy: int


@dataclass(frozen=True)
class Median:
    """The median of `count` durations (None when there are none)."""

    value: datetime.timedelta | None
    count: int

    @property
    def days(self) -> float | None:
        return None if self.value is None else round(self.value.total_seconds() / 86400, 1)


@dataclass(frozen=True)
class Figures:
    chamber: Chamber
    year: FiscalYear
    smes_served: int
    requests_by_kind: list[KindRow]
    to_first_approval: Median
    to_engagement: Median
    engagements_active: int
    engagements_ended: int
    collected_jpy: int
    collected_fee_jpy: int
    refunded_jpy: int
    refunded_fee_jpy: int
    subsidy_stages: list[StageRow]
    bands: BandCounts
    payments: int = 0
    refunds: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def requests_published(self) -> int:
        return sum(row.published for row in self.requests_by_kind)

    @property
    def requests_filled(self) -> int:
        return sum(row.filled for row in self.requests_by_kind)

    @property
    def filled_percent(self) -> float | None:
        """Filled over published, in percent to one decimal (None when nothing was published)."""
        published = self.requests_published
        return None if not published else round(100 * self.requests_filled / published, 1)

    @property
    def engagements_begun(self) -> int:
        return self.engagements_active + self.engagements_ended


def _in_year(path: str, year: FiscalYear) -> Q:
    return Q(**{f"{path}__gte": year.starts_at, f"{path}__lt": year.ends_at})


def _median(seconds: list[float]) -> Median:
    if not seconds:
        return Median(None, 0)
    return Median(datetime.timedelta(seconds=statistics.median(seconds)), len(seconds))


# Seconds from `earlier` to `later` (NULL when either is), in each database's SQL: the durations
# travel as numbers (parsing 20,000 timestamps cost more than the query, bench/console.py).
SECONDS_BETWEEN = {
    "postgresql": "EXTRACT(EPOCH FROM ({later} - {earlier}))",
    "sqlite": "((julianday({later}) - julianday({earlier})) * 86400.0)",
}


def _timings(requests: QuerySet[AdvisorRequest]) -> tuple[list[float], list[float]]:
    """For each request of `requests`, the time from publishing to the first approval of one of
    its proposals and to its first engagement (each when there is one): one query.

    Raw SQL around the ORM's own query of the requests, because an approval's time is in the
    history (workflow.StatusChange, whose `object_id` is no relation the ORM can join): two
    grouped joins, hashed by the database, instead of a correlated subquery per request (which
    took 0.7 s for 10,000 requests on PostgreSQL, bench/console.py). Standard SQL but for the
    difference of two timestamps in seconds (SECONDS_BETWEEN)."""
    scoped, params = requests.order_by().values(rid=F("pk"), pub=F("published_at")).query.sql_with_params()
    proposal, change, engagement = Proposal._meta.db_table, StatusChange._meta.db_table, Engagement._meta.db_table
    content_type = ContentType._meta.db_table
    seconds = SECONDS_BETWEEN[connection.vendor]
    sql = f"""
        SELECT {seconds.format(later="a.first_at", earlier="r.pub")},
               {seconds.format(later="e.first_at", earlier="r.pub")}
        FROM ({scoped}) r
        LEFT JOIN (
            SELECT p.request_id AS rid, MIN(sc.created_at) AS first_at
            FROM ({scoped}) s
            JOIN {proposal} p ON p.request_id = s.rid
            JOIN {change} sc ON sc.object_id = p.id
            WHERE sc.to_status = %s AND sc.content_type_id = (
                SELECT ct.id FROM {content_type} ct WHERE ct.app_label = %s AND ct.model = %s
            )
            GROUP BY p.request_id
        ) a ON a.rid = r.rid
        LEFT JOIN (
            SELECT g.request_id AS rid, MIN(g.created_at) AS first_at
            FROM ({scoped}) s
            JOIN {engagement} g ON g.request_id = s.rid
            GROUP BY g.request_id
        ) e ON e.rid = r.rid
    """  # noqa: S608  (table names from the models' meta; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *params, Proposal.Status.APPROVED, "matching", "proposal", *params])
        rows = cursor.fetchall()
    # To the millisecond: SQLite's julianday carries about 10 µs of noise.
    to_approval = [round(float(approval), 3) for approval, _engagement in rows if approval is not None]
    to_engagement = [round(float(engagement), 3) for _approval, engagement in rows if engagement is not None]
    return to_approval, to_engagement


def chamber_figures(user: User | AnonymousUser, chamber_id: uuid.UUID | str, year: FiscalYear) -> Figures:
    """The chamber's figures for `year` (see the module docstring); 404 out of reach."""
    chamber = get_or_not_found(Chamber.objects.all(), chamber_id, _("Chamber not found."))
    if not access.administers(user, chamber.pk):
        raise NotFound(_("Chamber not found."))

    requests = AdvisorRequest.objects.filter(company__chamber=chamber).filter(_in_year("published_at", year))
    by_kind: dict[str, Any] = {
        row["kind"]: row
        for row in requests.values("kind")
        .annotate(published=Count("pk"), filled=Count("pk", filter=Q(status=AdvisorRequest.Status.FILLED)))
        .order_by()
    }
    kinds = [
        KindRow(
            kind=kind.value,
            label=str(kind.label),
            published=by_kind.get(kind.value, {}).get("published", 0),
            filled=by_kind.get(kind.value, {}).get("filled", 0),
        )
        for kind in RequestKind
    ]

    to_approval, to_engagement = _timings(requests)

    engagements = Engagement.objects.filter(company__chamber=chamber).filter(_in_year("created_at", year))
    counted = engagements.aggregate(
        smes=Count("company", distinct=True),
        active=Count("pk", filter=Q(status=Engagement.Status.ACTIVE)),
        ended=Count("pk", filter=Q(status__in=ENDED)),
    )

    money = (
        Payment.objects.filter(invoice__engagement__company__chamber=chamber, status__in=Payment.CAPTURED)
        .filter(_in_year("succeeded_at", year))
        .aggregate(n=Count("pk"), amount=Sum("amount_jpy"), fee=Sum("application_fee_jpy"))
    )
    returned = (
        Refund.objects.filter(payment__invoice__engagement__company__chamber=chamber, status=Refund.Status.SUCCEEDED)
        .filter(_in_year("created_at", year))
        .aggregate(n=Count("pk"), amount=Sum("amount_jpy"), fee=Sum("fee_refunded_jpy"))
    )

    claimable = Coalesce("program__amount_jpy", "program__cap_jpy", 0, output_field=IntegerField())
    stages = {
        row["status"]: row
        for row in SubsidyCase.objects.filter(company__chamber=chamber)
        .filter(_in_year("created_at", year))
        .values("status")
        .annotate(
            cases=Count("pk"),
            claimed=Sum(claimable, filter=Q(status__in=FILED)),
            decided=Sum("decided_amount_jpy"),
        )
        .order_by()
    }
    stage_rows = [
        StageRow(
            status=status.value,
            label=str(status.label),
            cases=stages[status.value]["cases"],
            claimed_jpy=int(stages[status.value]["claimed"] or 0),
            decided_jpy=int(stages[status.value]["decided"] or 0),
        )
        for status in SubsidyCase.Status
        if status.value in stages
    ]

    return Figures(
        chamber=chamber,
        year=year,
        smes_served=counted["smes"],
        requests_by_kind=kinds,
        to_first_approval=_median(to_approval),
        to_engagement=_median(to_engagement),
        engagements_active=counted["active"],
        engagements_ended=counted["ended"],
        collected_jpy=int(money["amount"] or 0),
        collected_fee_jpy=int(money["fee"] or 0),
        refunded_jpy=int(returned["amount"] or 0),
        refunded_fee_jpy=int(returned["fee"] or 0),
        subsidy_stages=stage_rows,
        bands=band_counts_for_chamber(user, chamber.pk),
        payments=money["n"],
        refunds=returned["n"],
    )
