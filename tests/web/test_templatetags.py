"""{% load tcyss %}: each filter writes what marketplace.formatting writes."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation


def render(source: str, **context) -> str:
    return Template("{% load tcyss %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("source", "context", "language", "expected"),
    [
        ("{{ amount|yen }}", {"amount": 50000}, "ja", "50,000円"),
        ("{{ amount|yen }}", {"amount": None}, "ja", "—"),
        ("{{ day|jdate }}", {"day": dt.date(2026, 12, 5)}, "ja", "2026年12月5日（土）"),
        ("{{ day|jdate }}", {"day": dt.date(2026, 12, 5)}, "en", "2026-12-05 (Sat)"),
        (
            "{{ at|jdatetime }}",
            {"at": dt.datetime(2026, 12, 5, 5, 30, tzinfo=dt.UTC)},
            "ja",
            "2026年12月5日（土）14:30",
        ),
        ("{{ at|jdatetime }}", {"at": dt.datetime(2026, 12, 5, 5, 30, tzinfo=dt.UTC)}, "en", "2026-12-05 (Sat) 14:30"),
        ("{{ number|corporate_number }}", {"number": "7000012050002"}, "ja", "7-0000-1205-0002"),
    ],
)
def test_filters_write_money_dates_and_numbers(source, context, language, expected):
    with translation.override(language):
        assert render(source, **context) == expected
