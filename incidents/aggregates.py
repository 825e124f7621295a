"""Aggregates of shared incidents with small counts kept from re-identifying anyone.

Statistical disclosure control, as DOMAIN.md asks: every published cell covers at least k
organisations (k = 5 by default, a chamber setting). Each incident starts in its finest
cell (category x industry x size class x prefecture x month); the cells that cover k
organisations are published there, and the incidents of the others move one step coarser,
in this order:

    1. drop the size class,
    2. widen the prefecture to its region,
    3. a quarter instead of a month,
    4. drop the industry,
    5. drop the region,
    6. drop the period (the category alone);

what is still short of k after the last step is suppressed (only their number is said).
Each incident is counted in exactly one published cell, so cells never overlap and none can
be subtracted from another.

A loss total is published only where at least three organisations reported one (so no one
can subtract their own and learn another's) and no one organisation is over the dominance
share (80 % by default) of it.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from incidents.regions import region_of

LEVELS: list[tuple[str, tuple[str, ...]]] = [
    ("prefecture_month", ("category", "industry", "size_class", "prefecture", "month")),
    ("prefecture_month_any_size", ("category", "industry", "prefecture", "month")),
    ("region_month", ("category", "industry", "region", "month")),
    ("region_quarter", ("category", "industry", "region", "quarter")),
    ("region_quarter_any_industry", ("category", "region", "quarter")),
    ("quarter", ("category", "quarter")),
    ("category", ("category",)),
]
DIMENSIONS = ("category", "industry", "size_class", "prefecture", "region", "month", "quarter")
MIN_LOSS_CONTRIBUTORS = 3


@dataclass(frozen=True)
class Row:
    """One shared incident, as the aggregates see it (from the private report, never published)."""

    organisation: str
    category: str
    industry: str
    size_class: str
    prefecture: str
    month: datetime.date
    loss_jpy: int | None = None

    def value(self, dimension: str) -> str:
        if dimension == "region":
            return region_of(self.prefecture)
        if dimension == "month":
            return f"{self.month:%Y-%m}"
        if dimension == "quarter":
            return f"{self.month.year}-Q{(self.month.month - 1) // 3 + 1}"
        return str(getattr(self, dimension))


@dataclass(frozen=True)
class Cell:
    level: str
    key: dict[str, str]
    incidents: int
    loss_total_jpy: int | None

    def as_dict(self) -> dict[str, Any]:
        values: dict[str, Any] = dict.fromkeys(DIMENSIONS)
        values |= self.key
        if "prefecture" in self.key:
            values["region"] = region_of(self.key["prefecture"])
        return {"level": self.level, **values, "incidents": self.incidents, "loss_total_jpy": self.loss_total_jpy}


@dataclass
class Table:
    k: int
    dominance_percent: int
    cells: list[Cell] = field(default_factory=list)
    suppressed_incidents: int = 0


def loss_total(rows: list[Row], dominance_percent: int) -> int | None:
    """The cell's loss total, or None where too few reported one or one organisation dominates it."""
    by_organisation: dict[str, int] = defaultdict(int)
    for row in rows:
        if row.loss_jpy is not None:
            by_organisation[row.organisation] += row.loss_jpy
    total = sum(by_organisation.values())
    if len(by_organisation) < MIN_LOSS_CONTRIBUTORS or total <= 0:
        return None
    if max(by_organisation.values()) * 100 > dominance_percent * total:
        return None
    return total


def tabulate(rows: list[Row], *, k: int, dominance_percent: int = 80) -> Table:
    table = Table(k=k, dominance_percent=dominance_percent)
    pending = list(rows)
    for level, dimensions in LEVELS:
        groups: dict[tuple[str, ...], list[Row]] = defaultdict(list)
        for row in pending:
            groups[tuple(row.value(d) for d in dimensions)].append(row)
        pending = []
        for key in sorted(groups):
            members = groups[key]
            if len({row.organisation for row in members}) >= k:
                table.cells.append(
                    Cell(
                        level=level,
                        key=dict(zip(dimensions, key, strict=True)),
                        incidents=len(members),
                        loss_total_jpy=loss_total(members, dominance_percent),
                    )
                )
            else:
                pending.extend(members)
    table.suppressed_incidents = len(pending)
    return table
