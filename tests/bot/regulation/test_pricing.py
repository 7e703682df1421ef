import datetime as dt
from decimal import Decimal

import pytest

from bot.regulation.pricing import (
    AGE_BANDS,
    age_band,
    age_on,
    billing_age,
    cumulative_factor,
    monthly_price,
    next_band_change,
    price_table,
)

D = dt.date


def test_table_of_art40():
    assert len(AGE_BANDS) == 10
    assert [(b.min_age, b.max_age) for b in AGE_BANDS] == [
        (0, 18),
        (19, 23),
        (24, 28),
        (29, 33),
        (34, 38),
        (39, 43),
        (44, 48),
        (49, 53),
        (54, 58),
        (59, None),
    ]
    assert [b.increase * 100 for b in AGE_BANDS] == [0, 16, 16, 32, 20, 14, 18, 17, 26, 28]
    assert AGE_BANDS[1].label == "De 19 a 23 anos"
    assert AGE_BANDS[-1].label == "59 anos ou mais"


def test_age_on():
    assert age_on(D(1980, 6, 15), D(2026, 6, 14)) == 45
    assert age_on(D(1980, 6, 15), D(2026, 6, 15)) == 46
    # Born on 29 February: a year is completed on 1 March in common years.
    assert age_on(D(2008, 2, 29), D(2026, 2, 28)) == 17
    assert age_on(D(2008, 2, 29), D(2026, 3, 1)) == 18
    with pytest.raises(ValueError):
        age_on(D(2026, 1, 2), D(2026, 1, 1))


def test_billing_age_changes_the_month_after_the_birthday():
    # Born 10/03/2007: 19 on 10/03/2026; first band in March, second from April (Art. 40).
    assert billing_age(D(2007, 3, 10), 2026, 3) == 18
    assert billing_age(D(2007, 3, 10), 2026, 4) == 19
    # Birthday on the 1st: still the month after.
    assert billing_age(D(2007, 3, 1), 2026, 3) == 18
    assert billing_age(D(2007, 3, 1), 2026, 4) == 19
    # January competence looks at 31 December of the previous year.
    assert billing_age(D(2007, 12, 31), 2027, 1) == 19


@pytest.mark.parametrize(
    ("age", "band"), [(0, 1), (18, 1), (19, 2), (23, 2), (24, 3), (33, 4), (48, 7), (58, 9), (59, 10), (102, 10)]
)
def test_age_band(age, band):
    assert age_band(age).number == band


def test_age_band_refuses_negative_age():
    with pytest.raises(ValueError, match=r"^age must not be negative$"):
        age_band(-1)


def test_prices_from_a_base_of_100():
    # Each band over the previous one, rounded once at the end:
    # 100 x 1,16 = 116; x 1,16 = 134,56; x 1,32 = 177,6192; x 1,20 = 213,14304; x 1,14 = 242,9830656;
    # x 1,18 = 286,7200174; x 1,17 = 335,4624204; x 1,26 = 422,6826497; x 1,28 = 541,0337916.
    expected = ["100.00", "116.00", "134.56", "177.62", "213.14", "242.98", "286.72", "335.46", "422.68", "541.03"]
    assert [str(price) for _, price in price_table("100.00")] == expected
    assert monthly_price("100.00", 30) == Decimal("177.62")


def test_price_rounds_half_up_once():
    # 437,89 x 1,16 = 507,9524 -> 507,95; x 1,16 again = 589,224784 -> 589,22 (not 507,95 x 1,16 = 589,222).
    assert monthly_price("437.89", 20) == Decimal("507.95")
    assert monthly_price("437.89", 25) == Decimal("589.22")


def test_over_60_no_further_increase_art41():
    assert monthly_price("100.00", 59) == monthly_price("100.00", 61) == monthly_price("100.00", 85)


def test_last_band_at_most_six_times_the_first_art42():
    # 1,16 x 1,16 x 1,32 x 1,20 x 1,14 x 1,18 x 1,17 x 1,26 x 1,28 = 5,4103... <= 6.
    assert cumulative_factor(10) <= 6
    assert cumulative_factor(10).quantize(Decimal("0.0001")) == Decimal("5.4103")


def test_variation_7th_to_10th_not_above_1st_to_7th_art43():
    # 1st -> 7th: 2,8672 - 1 = 186,72%; 7th -> 10th: 1,17 x 1,26 x 1,28 - 1 = 88,70%.
    first_to_seventh = cumulative_factor(7) - 1
    seventh_to_tenth = cumulative_factor(10) / cumulative_factor(7) - 1
    assert seventh_to_tenth <= first_to_seventh
    assert seventh_to_tenth.quantize(Decimal("0.0001")) == Decimal("0.8870")
    assert first_to_seventh.quantize(Decimal("0.0001")) == Decimal("1.8672")


def test_cumulative_factor_refuses_unknown_band():
    with pytest.raises(ValueError, match=r"^band must be 1 to 10$"):
        cumulative_factor(0)
    with pytest.raises(ValueError, match=r"^band must be 1 to 10$"):
        cumulative_factor(11)


def test_age_on_the_birth_day_is_zero_and_before_it_is_refused():
    assert age_on(D(2026, 3, 10), D(2026, 3, 10)) == 0
    assert age_band(age_on(D(2026, 3, 10), D(2026, 3, 10))).number == 1
    with pytest.raises(ValueError, match=r"^date precedes birth$"):
        age_on(D(2026, 3, 10), D(2026, 3, 9))


@pytest.mark.parametrize(
    ("birth", "today", "expected"),
    [
        # Maria of the demo: 51 on 02/12/2026; 54 on 12/03/2029, priced at the next band from April 2029.
        (D(1975, 3, 12), D(2026, 12, 2), (54, D(2029, 4, 1))),
        # José: 54; the last band starts at 59, reached on 30/08/2031, priced from September.
        (D(1972, 8, 30), D(2026, 12, 2), (59, D(2031, 9, 1))),
        # Turned 54 on the 10th: December is still priced at 53, January 2027 at 54.
        (D(1972, 12, 10), D(2026, 12, 15), (54, D(2027, 1, 1))),
        # A birthday later this month: the same, next month.
        (D(1972, 12, 20), D(2026, 12, 15), (54, D(2027, 1, 1))),
        # A child: 19 starts the second band.
        (D(2010, 6, 1), D(2026, 12, 2), (19, D(2029, 7, 1))),
        # Born on 29 February: 59 on 01/03/2027 in a common year, priced from April.
        (D(1968, 2, 29), D(2026, 12, 2), (59, D(2027, 4, 1))),
        # Already in the last band (Art. 41 sole paragraph): no more change for age.
        (D(1966, 1, 1), D(2026, 12, 2), None),
    ],
)
def test_next_band_change_art40(birth, today, expected):
    assert next_band_change(birth, today) == expected


def test_next_band_change_follows_the_plans_own_table():
    # A plan whose table starts a band at 50 changes at 50, whatever Art. 40's table says.
    assert next_band_change(D(1977, 5, 5), D(2026, 12, 2), band_starts=(0, 30, 50)) == (50, D(2027, 6, 1))
