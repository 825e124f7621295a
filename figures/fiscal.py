"""Japanese fiscal years (年度): FY N runs from 1 April of N to 31 March of N+1, counted in
Asia/Tokyo whatever the server's zone (an engagement created at 23:59 JST on 31 March belongs to
the year that ends that day)."""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone

TOKYO = ZoneInfo("Asia/Tokyo")
# The years the selector offers and the selectors accept.
FIRST_YEAR = 2020
LAST_YEAR = 2100


@dataclass(frozen=True)
class FiscalYear:
    year: int

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 4, 1)

    @property
    def last_day(self) -> datetime.date:
        return datetime.date(self.year + 1, 3, 31)

    @property
    def starts_at(self) -> datetime.datetime:
        """The first instant of the year: 1 April 00:00 in Tokyo."""
        return datetime.datetime(self.year, 4, 1, tzinfo=TOKYO)

    @property
    def ends_at(self) -> datetime.datetime:
        """The first instant after the year (exclusive bound): the next 1 April 00:00 in Tokyo."""
        return datetime.datetime(self.year + 1, 4, 1, tzinfo=TOKYO)

    def __str__(self) -> str:
        return f"FY{self.year}"


def of_date(day: datetime.date) -> FiscalYear:
    return FiscalYear(day.year if day.month >= 4 else day.year - 1)


def current() -> FiscalYear:
    """The fiscal year of today in Tokyo."""
    return of_date(timezone.now().astimezone(TOKYO).date())


def parse(raw: str | None) -> FiscalYear:
    """A year from a query string ("2025"); anything else or out of range: the current year."""
    if raw and raw.strip().isdigit():
        year = int(raw.strip())
        if FIRST_YEAR <= year <= LAST_YEAR:
            return FiscalYear(year)
    return current()


def choices(around: FiscalYear | None = None) -> list[FiscalYear]:
    """The years to offer: from FIRST_YEAR to the current one (and the shown one, if later)."""
    last = max(current().year, around.year if around else 0)
    return [FiscalYear(year) for year in range(last, FIRST_YEAR - 1, -1)]
