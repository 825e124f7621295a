"""marketplace.formatting: money, dates and corporate numbers as people write them."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from marketplace import formatting

UTC = dt.UTC


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (50000, "50,000円"),
        (0, "0円"),
        (999, "999円"),
        (1234567, "1,234,567円"),
        (-5000, "-5,000円"),
        (Decimal("50000"), "50,000円"),
        (Decimal("49999.5"), "50,000円"),
        (None, "—"),
    ],
)
def test_yen_writes_whole_yen_with_thousands_separators(amount, expected):
    assert formatting.yen(amount) == expected


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        (dt.date(2026, 12, 5), "ja", "2026年12月5日（土）"),
        (dt.date(2026, 12, 5), "en", "2026-12-05 (Sat)"),
        (dt.date(2026, 1, 4), "ja", "2026年1月4日（日）"),
        (dt.date(2026, 1, 5), "en-us", "2026-01-05 (Mon)"),
        # 15:30 UTC on the 4th is already the 5th in Tokyo.
        (dt.datetime(2026, 12, 4, 15, 30, tzinfo=UTC), "ja", "2026年12月5日（土）"),
        (dt.datetime(2026, 12, 4, 14, 59, tzinfo=UTC), "ja", "2026年12月4日（金）"),
        (None, "ja", "—"),
    ],
)
def test_jdate_in_tokyo_with_the_weekday(value, language, expected):
    assert formatting.jdate(value, language) == expected


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        (dt.datetime(2026, 12, 5, 5, 30, tzinfo=UTC), "ja", "2026年12月5日（土）14:30"),
        (dt.datetime(2026, 12, 5, 5, 30, tzinfo=UTC), "en", "2026-12-05 (Sat) 14:30"),
        (dt.datetime(2026, 12, 5, 23, 0, tzinfo=ZoneInfo("Asia/Tokyo")), "ja", "2026年12月5日（土）23:00"),
        (dt.datetime(2026, 12, 5, 9, 5), "ja", "2026年12月5日（土）09:05"),  # noqa: DTZ001 - naive: taken as Tokyo time
        (None, "en", "—"),
    ],
)
def test_jdatetime_in_tokyo(value, language, expected):
    assert formatting.jdatetime(value, language) == expected


def test_dates_follow_the_active_language_when_none_is_given():
    from django.utils import translation

    with translation.override("en"):
        assert formatting.jdate(dt.date(2026, 12, 5)) == "2026-12-05 (Sat)"
    with translation.override("ja"):
        assert formatting.jdate(dt.date(2026, 12, 5)) == "2026年12月5日（土）"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7000012050002", "7-0000-1205-0002"),
        ("1234567890123", "1-2345-6789-0123"),
        ("12345", "12345"),  # not a corporate number: shown as it is
        ("", "—"),
        (None, "—"),
    ],
)
def test_corporate_number_grouped_1_4_4_4(value, expected):
    assert formatting.corporate_number(value) == expected
