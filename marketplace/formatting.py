"""How people write money, dates and corporate numbers: one set of plain functions.

Templates (web/templatetags/tcyss.py), mails and PDFs all call these, so a page, the mail that
links to it and the PDF it offers write 50,000円 and 2026年12月5日（土） the same way. Dates
are shown in Asia/Tokyo whatever the server's zone; Japanese gets the 年月日 form with the
weekday in full-width brackets, English the ISO date with the weekday.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import translation

TOKYO = ZoneInfo("Asia/Tokyo")
EMPTY = "—"

_WEEKDAYS_JA = "月火水木金土日"
_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def yen(amount: int | Decimal | None) -> str:
    """50000 -> "50,000円"; JPY has no minor unit, so a Decimal is rounded to whole yen."""
    if amount is None:
        return EMPTY
    whole = int(amount.quantize(Decimal(1)) if isinstance(amount, Decimal) else amount)
    return f"{whole:,}円"


def _language(language: str | None) -> str:
    code = language or translation.get_language() or "ja"
    return "en" if code.startswith("en") else "ja"


def _tokyo_day(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        # A naive datetime is taken as already in Tokyo time.
        return (value.astimezone(TOKYO) if value.tzinfo is not None else value).date()
    return value


def jdate(value: dt.date | dt.datetime | None, language: str | None = None) -> str:
    """ja: "2026年12月5日（土）"; en: "2026-12-05 (Sat)". A datetime counts in Asia/Tokyo."""
    if value is None:
        return EMPTY
    day = _tokyo_day(value)
    if _language(language) == "en":
        return f"{day.isoformat()} ({_WEEKDAYS_EN[day.weekday()]})"
    return f"{day.year}年{day.month}月{day.day}日（{_WEEKDAYS_JA[day.weekday()]}）"


def jdatetime(value: dt.datetime | None, language: str | None = None) -> str:
    """ja: "2026年12月5日（土）14:30"; en: "2026-12-05 (Sat) 14:30", in Asia/Tokyo."""
    if value is None:
        return EMPTY
    local = value.astimezone(TOKYO) if value.tzinfo is not None else value
    separator = " " if _language(language) == "en" else ""
    return f"{jdate(local, language)}{separator}{local:%H:%M}"


def corporate_number(value: str | None) -> str:
    """13 digits grouped 1-4-4-4 ("7-0000-1205-0002"); anything else is shown as it is."""
    if not value:
        return EMPTY
    if len(value) == 13 and value.isascii() and value.isdigit():
        return f"{value[0]}-{value[1:5]}-{value[5:9]}-{value[9:]}"
    return value
