"""Art. 22, II: a child or stepchild is a direct dependant until 23 years, 11 months and 29 days."""

from datetime import date

from bot.regulation.dependants import child_is_direct_dependant
from bot.regulation.pricing import age_on


def test_the_day_before_turning_24_is_still_a_direct_dependant_and_the_birthday_is_not():
    born = date(2002, 12, 7)
    assert child_is_direct_dependant(age_on(born, date(2026, 12, 6)))  # 23 years, 11 months and 29 days
    assert not child_is_direct_dependant(age_on(born, date(2026, 12, 7)))  # 24 today


def test_a_newborn_is_a_direct_dependant():
    assert child_is_direct_dependant(0)
