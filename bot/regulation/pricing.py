"""Age bands and monthly prices (Section IV of Chapter VI: Arts. 40-43).

Art. 40 gives, for each of the 10 bands of the ANS (RN 63/2003), the increase over the previous band; the price of
a band is the first band's price times the product of the increases up to it. The product is rounded to cents
once, at the end, rather than band by band: the regulation states percentages over the previous band, not
rounded intermediate prices.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import List, Sequence, Tuple

from bot.regulation.money import MoneyLike, to_cents, to_decimal


@dataclass(frozen=True)
class AgeBand:
    """One age band of Art. 40.

    Attributes:
        number: Position of the band, 1 to 10.
        min_age: First age of the band.
        max_age: Last age of the band, None for the open last band.
        increase: Increase over the previous band, as a fraction (0.16 for 16%).
    """

    number: int
    min_age: int
    max_age: int | None
    increase: Decimal

    @property
    def label(self) -> str:
        """The band as the regulation writes it, e.g. "De 19 a 23 anos"."""
        if self.max_age is None:
            return f"{self.min_age} anos ou mais"
        return f"De {self.min_age} a {self.max_age} anos"


# Runs once, at import, so mutmut can never switch a mutant of it on (docs/mutacao.md); the table it builds is
# checked band by band in tests/bot/regulation/test_pricing.py.
def _bands(rows: Tuple[Tuple[int, int | None, str], ...]) -> Tuple[AgeBand, ...]:  # pragma: no mutate block
    return tuple(
        AgeBand(number, low, high, Decimal(percent) / 100) for number, (low, high, percent) in enumerate(rows, 1)
    )


# Art. 40 table of the plan "Clássico Apartamento".
AGE_BANDS: Tuple[AgeBand, ...] = _bands(
    (
        (0, 18, "0.00"),
        (19, 23, "16.00"),
        (24, 28, "16.00"),
        (29, 33, "32.00"),
        (34, 38, "20.00"),
        (39, 43, "14.00"),
        (44, 48, "18.00"),
        (49, 53, "17.00"),
        (54, 58, "26.00"),
        (59, None, "28.00"),
    )
)


def age_on(birth: dt.date, today: dt.date) -> int:
    """Return the age in completed years on a date.

    Supports Art. 40 (bands by age). Someone born on 29 February completes a year on 1 March in common years.

    Args:
        birth: Date of birth.
        today: The date.

    Returns:
        The age in whole years.

    Raises:
        ValueError: If ``today`` precedes ``birth``.
    """
    if today < birth:
        raise ValueError("date precedes birth")
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def billing_age(birth: dt.date, year: int, month: int) -> int:
    """Return the age that sets the price of a competence month.

    Implements Art. 40: a change of band raises the contribution in the month after the birthday. So the price of
    a month follows the age reached by the last day of the previous month. Example: someone born on 10/03/2007
    turns 19 on 10/03/2026, pays the first-band price in March 2026 and the second-band price from April 2026.

    Args:
        birth: Date of birth.
        year: Competence year.
        month: Competence month (1-12).

    Returns:
        The age used for the price of that month.
    """
    return age_on(birth, dt.date(year, month, 1) - dt.timedelta(days=1))


def age_band(age: int) -> AgeBand:
    """Return the band of Art. 40 an age falls in.

    Implements the table of Art. 40.

    Args:
        age: Age in completed years.

    Returns:
        The band.

    Raises:
        ValueError: If ``age`` is negative.
    """
    if age < 0:
        raise ValueError("age must not be negative")
    for band in AGE_BANDS:
        if band.max_age is None or age <= band.max_age:
            return band
    raise AssertionError("the last band is open")  # pragma: no cover - unreachable with the table above


def cumulative_factor(band_number: int) -> Decimal:
    """Return the factor from the first band's price to a band's price.

    Implements Arts. 40 and 41: each band applies its percentage over the previous band's price.

    Args:
        band_number: Band 1 to 10.

    Returns:
        The product of (1 + increase) of bands 1 to ``band_number``, unrounded.

    Raises:
        ValueError: If the band does not exist.
    """
    if not 1 <= band_number <= len(AGE_BANDS):
        raise ValueError(f"band must be 1 to {len(AGE_BANDS)}")
    factor = Decimal(1)
    for band in AGE_BANDS[:band_number]:
        factor *= 1 + band.increase
    return factor


def monthly_price(base_price: MoneyLike, age: int) -> Decimal:
    """Return the monthly contribution for an age.

    Implements Arts. 40 and 41: ``base_price`` is the price of the first band (0 to 18 years) and each later band
    applies its increase over the previous one, cumulatively. Art. 41 sole paragraph (beneficiaries over 60 are
    exempt from age-band increases) needs no rule of its own: the last band starts at 59. The annual adjustment
    of Section III is not an age-band increase and is expected to be in ``base_price`` already.

    Example: with R$ 100,00 in the first band, 19 years costs R$ 116,00, 24 years R$ 134,56 and 59 years or more
    R$ 541,03.

    Args:
        base_price: Price of the first band.
        age: Age that sets the price (see :func:`billing_age`).

    Returns:
        The price rounded half up to cents.
    """
    return to_cents(to_decimal(base_price) * cumulative_factor(age_band(age).number))


def price_table(base_price: MoneyLike) -> List[Tuple[AgeBand, Decimal]]:
    """Return the price of every band of Art. 40 for a first-band price.

    Implements Arts. 40 and 41 (see :func:`monthly_price`).

    Args:
        base_price: Price of the first band.

    Returns:
        (band, price) pairs in band order.
    """
    return [(band, to_cents(to_decimal(base_price) * cumulative_factor(band.number))) for band in AGE_BANDS]


def birthday_at(birth: dt.date, age: int) -> dt.date:
    """Return the day someone completes ``age`` years.

    Someone born on 29 February completes a year on 1 March in common years, as :func:`age_on` counts.

    >>> birthday_at(dt.date(1975, 3, 12), 54), birthday_at(dt.date(1968, 2, 29), 59)
    (datetime.date(2029, 3, 12), datetime.date(2027, 3, 1))
    """
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:  # 29 February in a common year
        return dt.date(birth.year + age, 3, 1)


def next_band_change(
    birth: dt.date, today: dt.date, band_starts: Sequence[int] | None = None
) -> Tuple[int, dt.date] | None:
    """Return when the monthly contribution next changes band.

    Implements Art. 40: the contribution rises in the month after the birthday that moves the person to the next
    band. A birthday already past in the current month whose new price starts next month is still to come. With
    the last band reached (59 years or more, Art. 41 sole paragraph) there is no further change.

    Examples: born on 12/03/1975, on 02/12/2026 (51 years, band 49-53) the next change is at 54, priced from
    April 2029; born on 10/12/1972, on 15/12/2026 (54 since the 10th, still priced at 53 in December) it is at
    54, from January 2027.

    Args:
        birth: Date of birth.
        today: The date.
        band_starts: First age of each band (the plan's own table); the bands of Art. 40 by default.

    Returns:
        (age that starts the new band, first day of the first month priced at it), or None.

    >>> next_band_change(dt.date(1975, 3, 12), dt.date(2026, 12, 2))
    (54, datetime.date(2029, 4, 1))
    >>> next_band_change(dt.date(1972, 12, 10), dt.date(2026, 12, 15))
    (54, datetime.date(2027, 1, 1))
    >>> next_band_change(dt.date(1960, 1, 1), dt.date(2026, 12, 2)) is None
    True
    """
    starts = sorted(band_starts if band_starts is not None else (band.min_age for band in AGE_BANDS))
    priced_at = billing_age(birth, today.year, today.month)
    upcoming = [start for start in starts if start > priced_at]
    if not upcoming:
        return None
    return upcoming[0], _month_after(birthday_at(birth, upcoming[0]))


def band_at_age(birth: dt.date, age: int, band_starts: Sequence[int] | None = None) -> Tuple[int, dt.date]:
    """Return the band someone will be priced at when aged ``age``, and the first month priced at it.

    Implements Art. 40: the band changes in the month after the birthday that starts it, so the answer to "vai
    aumentar quando eu fizer 59?" is the band that starts at 59 and the month after the 59th birthday; an age
    inside a band ("e aos 56?") is in the band that started at 54.

    Args:
        birth: Date of birth.
        age: The age asked about.
        band_starts: First age of each band (the plan's own table); the bands of Art. 40 by default.

    Returns:
        (first age of that band, first day of the first month priced at it).

    >>> band_at_age(dt.date(1975, 3, 12), 59)
    (59, datetime.date(2034, 4, 1))
    >>> band_at_age(dt.date(1975, 3, 12), 56)
    (54, datetime.date(2029, 4, 1))
    """
    starts = sorted(band_starts if band_starts is not None else (band.min_age for band in AGE_BANDS))
    start = max((s for s in starts if s <= age), default=starts[0])
    return start, _month_after(birthday_at(birth, start))


def _month_after(day: dt.date) -> dt.date:
    """The first day of the month after ``day``'s (Art. 40: a new band is priced from there)."""
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
