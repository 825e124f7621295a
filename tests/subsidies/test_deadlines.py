"""民法143条 deadlines, rolled past closed days: DOMAIN.md's examples and the edges."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from subsidies.deadlines import due_date, is_closed

D = datetime.date


@pytest.mark.parametrize(
    ("event", "period", "due"),
    [
        # DOMAIN.md's examples
        (D(2025, 6, 30), {"months": 2}, D(2025, 9, 1)),  # start on the 1st: end of August, a Sunday -> Monday
        (D(2025, 6, 15), {"months": 2}, D(2025, 8, 15)),
        (D(2026, 3, 3), {"months": 2}, D(2026, 5, 7)),  # 5/3 Sun, 5/4-5/6 holidays -> Thursday 5/7
        # a 31st start into a 30-day month: no such day -> the month's last day
        (D(2025, 3, 30), {"months": 1}, D(2025, 4, 30)),
        # February, common and leap years
        (D(2025, 1, 30), {"months": 1}, D(2025, 2, 28)),
        (D(2024, 1, 30), {"months": 1}, D(2024, 2, 29)),
        (D(2024, 1, 28), {"months": 1}, D(2024, 2, 28)),
        # start on the 1st of a month
        (D(2025, 9, 30), {"months": 1}, D(2025, 10, 31)),
        # weeks: the day before the same weekday
        (D(2025, 7, 1), {"weeks": 2}, D(2025, 7, 15)),  # Tue -> ends Tue 7/15
        (D(2025, 7, 4), {"weeks": 2}, D(2025, 7, 18)),
        # New Year closure: 29 Dec - 3 Jan
        (D(2025, 10, 28), {"months": 2}, D(2026, 1, 5)),  # ends 12/28 Sun -> 12/29-1/3 closed -> 1/4 Sun -> Mon 1/5
        (D(2025, 12, 15), {"weeks": 2}, D(2026, 1, 5)),
        # Golden Week
        (D(2025, 4, 28), {"days": 5}, D(2025, 5, 7)),  # 5/3 Sat ... 5/6 substitute holiday
        (D(2025, 2, 28), {"months": 2}, D(2025, 4, 30)),  # start 3/1: the end of April
    ],
)
def test_deadline_table(event, period, due):
    assert due_date(event, **period).due_on == due


def test_the_basis_says_why_in_both_languages():
    deadline = due_date(D(2026, 3, 3), months=2)

    assert (
        deadline.basis("ja")
        == "2026-03-03の翌日から起算して2か月（民法143条）：2026-05-03は閉庁日のため翌開庁日の2026-05-07"
    )
    assert deadline.basis("en") == (
        "2 month(s) counted from the day after 2026-03-03 (Civil Code Art. 143): 2026-05-03, "
        "a closed day, so the next open day 2026-05-07"
    )


def test_closed_days():
    assert [is_closed(day) for day in (D(2025, 12, 29), D(2026, 1, 3), D(2026, 5, 6))] == [True] * 3
    assert [is_closed(day) for day in (D(2025, 12, 26), D(2026, 1, 5))] == [False] * 2


def test_a_period_of_nothing_is_refused():
    with pytest.raises(ValueError, match="at least one"):
        due_date(D(2026, 1, 1))


@given(
    event=st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31)),
    months=st.integers(0, 24),
    weeks=st.integers(0, 8),
    days=st.integers(0, 60),
)
def test_a_deadline_is_never_a_closed_day_nor_before_the_unrolled_date(event, months, weeks, days):
    if not (months or weeks or days):
        return
    deadline = due_date(event, months=months, weeks=weeks, days=days)

    assert not is_closed(deadline.due_on)
    assert deadline.due_on >= deadline.unrolled > event
    # only closed days lie between the unrolled end and the deadline
    day = deadline.unrolled
    while day < deadline.due_on:
        assert is_closed(day)
        day += datetime.timedelta(days=1)
