"""Property tests of the late charges of Art. 44 §1 with the grace of Art. 32 (issue 13).

The last day without penalty is computed here on its own, from the ``holidays`` package and Easter (banks
close on weekends, national and MG holidays, Carnival Monday and Tuesday, and the extra days given), not with
:func:`bot.regulation.finance.effective_due_date`. Dates come from a fixed range, never from today's date.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

import holidays
from dateutil.easter import easter
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.regulation.finance import effective_due_date, late_charges

PROPERTY = settings(deadline=None, max_examples=200, derandomize=True, database=None)

amounts = st.integers(min_value=0, max_value=10_000_000).map(lambda cents: Decimal(cents).scaleb(-2))
due_dates = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2034, 12, 31))
offsets = st.integers(min_value=-40, max_value=800)  # payment date minus due date, in days
extra_offsets = st.frozensets(st.integers(min_value=0, max_value=10), max_size=4)  # e.g. BH municipal holidays


@cache
def public_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("BR", subdiv="MG", years=year))


def ref_banks_open(d: dt.date, extra: frozenset[dt.date]) -> bool:
    carnival_tuesday = easter(d.year) - dt.timedelta(days=47)
    carnival = {carnival_tuesday - dt.timedelta(days=1), carnival_tuesday}
    return d.weekday() < 5 and d not in public_holidays(d.year) and d not in carnival and d not in extra


def ref_last_day_without_penalty(due: dt.date, extra: frozenset[dt.date]) -> dt.date:
    d = due
    while not ref_banks_open(d, extra):
        d += dt.timedelta(days=1)
    return d


def extras(due: dt.date, offs: frozenset[int]) -> frozenset[dt.date]:
    return frozenset(due + dt.timedelta(days=k) for k in offs)


@PROPERTY
@given(amounts, due_dates, offsets, offsets, extra_offsets)
def test_the_amount_due_never_decreases_as_payment_moves_later(amount, due, a, b, offs):
    extra = extras(due, offs)
    earlier, later = (due + dt.timedelta(days=k) for k in sorted((a, b)))
    first = late_charges(amount, due, earlier, extra)
    second = late_charges(amount, due, later, extra)
    assert first.total <= second.total
    assert first.charges <= second.charges
    assert first.interest <= second.interest
    assert first.days_late <= second.days_late


@PROPERTY
@given(amounts, due_dates, st.integers(min_value=0, max_value=60), extra_offsets)
def test_paying_on_or_before_the_effective_due_date_adds_nothing(amount, due, days_before, offs):
    extra = extras(due, offs)
    last_free_day = ref_last_day_without_penalty(due, extra)
    assert effective_due_date(due, extra) == last_free_day
    for payment in (last_free_day, last_free_day - dt.timedelta(days=days_before), due):
        charges = late_charges(amount, due, payment, extra)
        assert charges.charges == 0
        assert charges.total == amount
        assert charges.days_late == 0


@PROPERTY
@given(amounts.filter(lambda a: a >= 1), due_dates, st.integers(min_value=1, max_value=400), extra_offsets)
@example(Decimal("1.25"), dt.date(2026, 6, 15), 1, frozenset())  # 2% is 0.025: half up gives 0.03
def test_paying_after_the_effective_due_date_costs_the_fine_and_counts_from_the_contractual_date(
    amount, due, days_after, offs
):
    extra = extras(due, offs)
    payment = ref_last_day_without_penalty(due, extra) + dt.timedelta(days=days_after)
    charges = late_charges(amount, due, payment, extra)
    assert charges.days_late == (payment - due).days  # Art. 32 grants grace, it does not move the due date
    assert charges.fine == (amount * Decimal("0.02")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert charges.total == amount + charges.fine + charges.interest > amount
