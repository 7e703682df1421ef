"""Property tests of the business-day arithmetic (issue 13): the deadlines of Arts. 77 §1 and 91 and the ANS norms.

Dates are drawn from a fixed range (2020-2035), never from today's date.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.regulation.calendar import add_business_days, is_business_day, next_business_day

PROPERTY = settings(deadline=None, max_examples=200, derandomize=True, database=None)

dates = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31))
counts = st.integers(min_value=0, max_value=60)
# Further non-business days (Belo Horizonte municipal holidays, say), as offsets from the start date.
extra_offsets = st.frozensets(st.integers(min_value=-5, max_value=120), max_size=12)
# National holidays with a fixed date (Tiradentes, 21 April, is also the MG state holiday); 20 November since 2024
# (Lei 14.759/2023).
FIXED_HOLIDAYS = ((1, 1), (4, 21), (5, 1), (9, 7), (10, 12), (11, 2), (11, 15), (11, 20), (12, 25))


def days(start: dt.date, end: dt.date):
    """The dates ``start < d <= end``."""
    return (start + dt.timedelta(days=k) for k in range(1, (end - start).days + 1))


def extras(start: dt.date, offsets: frozenset[int]) -> frozenset[dt.date]:
    return frozenset(start + dt.timedelta(days=k) for k in offsets)


@PROPERTY
@given(dates, st.integers(min_value=1, max_value=60), extra_offsets)
def test_the_result_is_a_business_day_after_the_start(start, n, offsets):
    extra = extras(start, offsets)
    result = add_business_days(start, n, extra)
    assert result > start
    assert is_business_day(result, extra)
    assert result not in extra


@PROPERTY
@given(dates, counts, extra_offsets)
def test_exactly_n_business_days_lie_after_the_start_up_to_the_result(start, n, offsets):
    extra = extras(start, offsets)
    result = add_business_days(start, n, extra)
    assert sum(is_business_day(d, extra) for d in days(start, result)) == n


@PROPERTY
@given(dates, counts, counts, extra_offsets)
def test_more_business_days_never_give_an_earlier_date(start, a, b, offsets):
    extra = extras(start, offsets)
    low, high = sorted((a, b))
    if low < high:
        assert add_business_days(start, low, extra) < add_business_days(start, high, extra)
    else:
        assert add_business_days(start, low, extra) == add_business_days(start, high, extra)


@PROPERTY
@given(dates, st.integers(min_value=0, max_value=30), st.integers(min_value=0, max_value=30))
def test_adding_in_two_steps_is_adding_at_once(start, a, b):
    assert add_business_days(add_business_days(start, a), b) == add_business_days(start, a + b)


@PROPERTY
@given(dates)
def test_zero_business_days_is_the_start_itself(start):
    assert add_business_days(start, 0) == start


@PROPERTY
@given(dates, extra_offsets)
def test_next_business_day_is_the_first_business_day_on_or_after(d, offsets):
    extra = extras(d, offsets)
    result = next_business_day(d, extra)
    assert result >= d
    assert is_business_day(result, extra)
    assert not any(is_business_day(x, extra) for x in days(d - dt.timedelta(days=1), result - dt.timedelta(days=1)))
    if is_business_day(d, extra):
        assert result == d


@PROPERTY
@given(dates)
def test_weekends_are_never_business_days(d):
    saturday = d + dt.timedelta(days=(5 - d.weekday()) % 7)
    assert not is_business_day(saturday)
    assert not is_business_day(saturday + dt.timedelta(days=1))


@PROPERTY
@given(st.integers(min_value=2020, max_value=2035), st.sampled_from(FIXED_HOLIDAYS))
def test_fixed_date_holidays_are_never_business_days(year, month_day):
    if month_day == (11, 20) and year < 2024:
        return  # Dia da Consciência Negra became a national holiday in 2024
    assert not is_business_day(dt.date(year, *month_day))
