"""Filing deadlines, counted as Japanese law counts them.

「翌日から起算して2か月以内」: the period starts the day after the event (民法140条), a
period in months or weeks ends the day before the day that corresponds to the start day
in the final month or week (民法143条2項); if the final month has no such day, it ends
on that month's last day (143条2項ただし書). A deadline that falls on a day the offices are
closed moves to the next open day (民法142条; 行政機関の休日に関する法律: Saturdays,
Sundays, national holidays, and 29 December to 3 January). National holidays come from
`jpholiday`, which does not know the year-end closure: that is added here.
"""

import calendar
import datetime
from dataclasses import dataclass

import jpholiday
from django.utils import translation


def is_closed(day: datetime.date) -> bool:
    """Government offices are closed: weekend, national holiday, or 29 Dec - 3 Jan."""
    if day.weekday() >= 5 or jpholiday.is_holiday(day):
        return True
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def _add_months(start: datetime.date, months: int) -> datetime.date:
    """The last day of a period of `months` starting on `start` (民法143条2項)."""
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    if start.day <= calendar.monthrange(year, month)[1]:
        return datetime.date(year, month, start.day) - datetime.timedelta(days=1)
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Deadline:
    due_on: datetime.date
    unrolled: datetime.date
    basis_ja: str
    basis_en: str

    def basis(self, language: str | None = None) -> str:
        language = language or translation.get_language() or "ja"
        return self.basis_en if language.startswith("en") else self.basis_ja


def due_date(event: datetime.date, *, months: int = 0, weeks: int = 0, days: int = 0) -> Deadline:
    """The deadline `months`/`weeks`/`days` from the day after `event`, rolled past closed days."""
    if months < 0 or weeks < 0 or days < 0 or not (months or weeks or days):
        raise ValueError("a period of at least one day, month or week")
    start = event + datetime.timedelta(days=1)
    end = _add_months(start, months) if months else start - datetime.timedelta(days=1)
    end += datetime.timedelta(weeks=weeks, days=days)
    due = end
    while is_closed(due):
        due += datetime.timedelta(days=1)
    period_ja = "".join(
        part for part, n in ((f"{months}か月", months), (f"{weeks}週間", weeks), (f"{days}日", days)) if n
    )
    period_en = ", ".join(
        part for part, n in ((f"{months} month(s)", months), (f"{weeks} week(s)", weeks), (f"{days} day(s)", days)) if n
    )
    basis_ja = f"{event:%Y-%m-%d}の翌日から起算して{period_ja}（民法143条）：{end:%Y-%m-%d}"
    basis_en = f"{period_en} counted from the day after {event:%Y-%m-%d} (Civil Code Art. 143): {end:%Y-%m-%d}"
    if due != end:
        basis_ja += f"は閉庁日のため翌開庁日の{due:%Y-%m-%d}"
        basis_en += f", a closed day, so the next open day {due:%Y-%m-%d}"
    return Deadline(due_on=due, unrolled=end, basis_ja=basis_ja, basis_en=basis_en)
