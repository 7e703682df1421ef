import datetime as dt

import holidays
import pytest

from bot.regulation.calendar import (
    add_business_days,
    carnival_days,
    holidays_mg,
    is_banking_day,
    is_business_day,
    next_banking_day,
    next_business_day,
)

D = dt.date


def test_holidays_mg_has_national_and_state_holidays():
    h = holidays_mg(2026)
    assert D(2026, 1, 1) in h
    assert D(2026, 4, 3) in h  # Good Friday (Easter 05/04/2026)
    assert D(2026, 4, 21) in h  # Tiradentes, national and also Minas Gerais' state day
    assert "Tiradentes" in h[D(2026, 4, 21)]
    assert D(2026, 11, 15) in h  # Proclamação da República (a Sunday in 2026)
    assert D(2026, 11, 20) in h  # Consciência Negra, national since 2024
    assert list(h) == sorted(h)


def test_holidays_mg_leaves_out_carnival_and_corpus_christi():
    # holidays 0.59 files Carnival (16-17/02/2026) and Corpus Christi (04/06/2026) under "optional" only.
    h = holidays_mg(2026)
    assert D(2026, 2, 16) not in h and D(2026, 2, 17) not in h
    assert D(2026, 6, 4) not in h
    optional = holidays.country_holidays("BR", subdiv="MG", years=2026, categories=("optional",))
    assert D(2026, 2, 16) in optional and D(2026, 2, 17) in optional


def test_holidays_mg_accepts_several_years():
    h = holidays_mg([2027, 2026, 2026])
    assert D(2026, 12, 25) in h and D(2027, 12, 25) in h
    assert all(d.year in (2026, 2027) for d in h)


@pytest.mark.parametrize("year", range(2010, 2036))
def test_carnival_days_match_the_package_optional_category(year):
    monday, tuesday = carnival_days(year)
    assert monday.weekday() == 0 and tuesday.weekday() == 1
    optional = holidays.country_holidays("BR", years=year, categories=("optional",))
    assert optional.get(monday) == optional.get(tuesday) == "Carnaval"


def test_carnival_2026():
    assert carnival_days(2026) == (D(2026, 2, 16), D(2026, 2, 17))


def test_is_business_day():
    assert is_business_day(D(2026, 6, 15))  # Monday
    assert not is_business_day(D(2026, 6, 13))  # Saturday
    assert not is_business_day(D(2026, 6, 14))  # Sunday
    assert not is_business_day(D(2026, 4, 21))  # Tiradentes, a Tuesday
    assert is_business_day(D(2026, 2, 16))  # Carnival Monday is not a public holiday
    assert not is_business_day(D(2026, 12, 8), extra_holidays={D(2026, 12, 8)})  # a municipal holiday given


def test_is_banking_day_excludes_carnival_only():
    assert not is_banking_day(D(2026, 2, 16))
    assert not is_banking_day(D(2026, 2, 17))
    assert is_banking_day(D(2026, 2, 18))  # Ash Wednesday: banks open in the afternoon
    assert not is_banking_day(D(2026, 4, 21))
    assert is_banking_day(D(2026, 6, 15))


def test_next_business_day():
    assert next_business_day(D(2026, 6, 15)) == D(2026, 6, 15)  # already a business day
    assert next_business_day(D(2026, 4, 3)) == D(2026, 4, 6)  # Good Friday -> Monday
    assert next_business_day(D(2025, 11, 15)) == D(2025, 11, 17)  # Saturday holiday -> Monday
    assert next_business_day(D(2026, 2, 14)) == D(2026, 2, 16)  # Saturday -> Carnival Monday


def test_next_banking_day_skips_carnival():
    assert next_banking_day(D(2026, 2, 14)) == D(2026, 2, 18)


def test_add_business_days():
    # Friday 17/04/2026 + 2: Monday 20 (1), Tuesday 21 Tiradentes skipped, Wednesday 22 (2).
    assert add_business_days(D(2026, 4, 17), 2) == D(2026, 4, 22)
    # From a Saturday: the next Monday is the first business day.
    assert add_business_days(D(2026, 3, 7), 1) == D(2026, 3, 9)
    assert add_business_days(D(2026, 3, 7), 0) == D(2026, 3, 7)
    # Monday 07/12/2026 + 1, with 08/12 (Imaculada Conceição, Belo Horizonte) given as a municipal holiday.
    assert add_business_days(D(2026, 12, 7), 1) == D(2026, 12, 8)
    assert add_business_days(D(2026, 12, 7), 1, extra_holidays={D(2026, 12, 8)}) == D(2026, 12, 9)


def test_add_business_days_refuses_negative():
    with pytest.raises(ValueError, match=r"^n must not be negative$"):
        add_business_days(D(2026, 1, 5), -1)
