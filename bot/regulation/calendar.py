"""Business days in Minas Gerais, for every deadline of the regulation counted in "dias úteis".

Holidays come from the ``holidays`` package (version 0.59): national holidays plus the Minas Gerais state ones
(``country_holidays("BR", subdiv="MG")``), public category only. What that leaves out, and callers must know:

* Carnival (Monday and Tuesday) and Ash Wednesday are *not* public holidays in the package: it lists them only in
  its ``optional`` category ("ponto facultativo"). So :func:`is_business_day` treats Carnival as a business day.
  Banks, however, do not open on Carnival Monday and Tuesday, which matters for Art. 32 (a due date on a day
  without "expediente bancário"); :func:`is_banking_day` accounts for that.
* Corpus Christi is also only ``optional`` at national level.
* Belo Horizonte municipal holidays (the operator's seat and the forum of Art. 109) are not in the package at
  all. Callers that need them pass them as ``extra_holidays``.

The teleconsultation desk (source 004) works in Portugal: its tickets' deadlines are counted on Portugal's national
holidays instead (``region=PORTUGAL``), since Brazilian ones are working days there and 8 December is not.

The module keeps no state besides a per-year cache filled on first use: importing it does no work.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Collection, Dict, Iterable, Union

import holidays
from dateutil.easter import easter

SATURDAY = 5  # date.weekday() of Saturday; Saturday and Sunday are never business days.

# Whose holidays a business day skips: the operator's seat, or the teleconsultation desk's country.
MINAS_GERAIS = "MG"
PORTUGAL = "PT"


@lru_cache(maxsize=64)
def _mg_holidays_of_year(year: int) -> Dict[dt.date, str]:
    # Built once per year: the holidays package recomputes every rule each time an object is created.
    return dict(holidays.country_holidays("BR", subdiv="MG", years=year))


@lru_cache(maxsize=64)
def _pt_holidays_of_year(year: int) -> Dict[dt.date, str]:
    return dict(holidays.country_holidays("PT", years=year))


def _holidays_of_year(year: int, region: str) -> Dict[dt.date, str]:
    if region == PORTUGAL:
        return _pt_holidays_of_year(year)
    if region != MINAS_GERAIS:
        raise ValueError(f"unknown calendar region: {region!r}")
    return _mg_holidays_of_year(year)


def holidays_mg(years: Union[int, Iterable[int]]) -> Dict[dt.date, str]:
    """Return the national and Minas Gerais public holidays of the given years.

    Basis for the business-day deadlines of the regulation (Arts. 32, 77 §1 and 91) and of the ANS norms on
    answer deadlines (RN 623/2024, RN 323/2013). Belo Horizonte municipal holidays are not included, because the
    ``holidays`` package has no municipal calendars; Carnival and Corpus Christi are not included either, because
    the package files them under its ``optional`` category.

    Args:
        years: One year or an iterable of years.

    Returns:
        A mapping date -> holiday name (in Portuguese), sorted by date.
    """
    wanted = [years] if isinstance(years, int) else sorted(set(years))
    merged: Dict[dt.date, str] = {}
    for year in wanted:
        merged.update(_mg_holidays_of_year(year))
    return dict(sorted(merged.items()))


def holidays_bh(year: int) -> Dict[dt.date, str]:
    """The national, Minas Gerais and Belo Horizonte municipal holidays of a year: when the operator's seat is shut.

    The two municipal ones (Assunção de Nossa Senhora, 15 August; Imaculada Conceição, 8 December) are written here
    because the ``holidays`` package has no municipal calendars. u27: the chat's agents were promised "a partir de
    08/12 às 8h", a holiday in Belo Horizonte. Used for the opening hours of the operator's inboxes; the
    regulation's deadlines keep :func:`holidays_mg` (callers may pass these as ``extra_holidays``).

    >>> sorted(d.isoformat() for d in holidays_bh(2026) if d.month in (8, 12))
    ['2026-08-15', '2026-12-08', '2026-12-25']
    """
    return dict(sorted({**_mg_holidays_of_year(year), dt.date(year, 8, 15): "Assunção de Nossa Senhora",
                        dt.date(year, 12, 8): "Imaculada Conceição"}.items()))


def carnival_days(year: int) -> tuple[dt.date, dt.date]:
    """Return Carnival Monday and Tuesday of a year (47 and 48 days before Easter Sunday).

    Used for Art. 32 (no "expediente bancário"): banks close on these two days although they are not public
    holidays in the ``holidays`` package.

    Args:
        year: The year.

    Returns:
        The pair (Monday, Tuesday).
    """
    tuesday = easter(year) - dt.timedelta(days=47)
    return tuesday - dt.timedelta(days=1), tuesday


def is_business_day(d: dt.date, extra_holidays: Collection[dt.date] = (), region: str = MINAS_GERAIS) -> bool:
    """Tell whether a date is a business day ("dia útil") in Minas Gerais.

    Implements the notion of "dia útil" used by Arts. 32, 77 §1 and 91 of the regulation and by the ANS deadline
    norms: not a Saturday, a Sunday, a national or Minas Gerais public holiday. Carnival counts as a business day
    (see the module docstring); Belo Horizonte municipal holidays count as business days unless given.

    Args:
        d: The date.
        extra_holidays: Further non-business dates, such as Belo Horizonte municipal holidays.
        region: ``MINAS_GERAIS`` (the regulation's) or ``PORTUGAL`` (the teleconsultation desk's).

    Returns:
        True if ``d`` is a business day.

    >>> is_business_day(dt.date(2026, 12, 8)), is_business_day(dt.date(2026, 12, 8), region=PORTUGAL)
    (True, False)
    """
    return d.weekday() < SATURDAY and d not in _holidays_of_year(d.year, region) and d not in extra_holidays


def is_banking_day(d: dt.date, extra_holidays: Collection[dt.date] = ()) -> bool:
    """Tell whether banks open on a date ("dia com expediente bancário").

    Implements the condition of Art. 32: a business day that is also not Carnival Monday or Tuesday, on which
    banks do not open although the days are not public holidays. Ash Wednesday counts as a banking day (banks open
    in the afternoon).

    Args:
        d: The date.
        extra_holidays: Further dates without banking hours, such as Belo Horizonte municipal holidays.

    Returns:
        True if a payment can be made at a bank on ``d``.
    """
    return is_business_day(d, extra_holidays) and d not in carnival_days(d.year)


def next_business_day(d: dt.date, extra_holidays: Collection[dt.date] = (), region: str = MINAS_GERAIS) -> dt.date:
    """Return ``d`` itself if it is a business day, otherwise the first business day after it.

    Supports Art. 32 (payment on the first business day after a due date without banking hours) and the
    business-day deadlines of Arts. 77 §1 and 91.

    Args:
        d: The date.
        extra_holidays: Further non-business dates.
        region: Whose holidays are skipped (see :func:`is_business_day`).

    Returns:
        The first business day on or after ``d``.
    """
    while not is_business_day(d, extra_holidays, region):
        d += dt.timedelta(days=1)
    return d


def next_banking_day(d: dt.date, extra_holidays: Collection[dt.date] = ()) -> dt.date:
    """Return ``d`` itself if banks open on it, otherwise the first banking day after it.

    Implements the postponement of Art. 32 (see :func:`is_banking_day` for Carnival).

    Args:
        d: The date.
        extra_holidays: Further dates without banking hours.

    Returns:
        The first banking day on or after ``d``.
    """
    while not is_banking_day(d, extra_holidays):
        d += dt.timedelta(days=1)
    return d


def add_business_days(
    start: dt.date, n: int, extra_holidays: Collection[dt.date] = (), region: str = MINAS_GERAIS
) -> dt.date:
    """Return the date ``n`` business days after ``start``.

    Counting starts on the day after ``start`` (the day of the event itself is not counted, as in "2 dias úteis,
    contados da data da internação" of Arts. 77 §1 and 91 and the ANS answer deadlines of RN 623/2024 and
    RN 323/2013); ``start`` may itself be a non-business day.

    Args:
        start: The day of the event (request, hospitalization...).
        n: Number of business days, zero or more. With zero, ``start`` is returned unchanged.
        extra_holidays: Further non-business dates.
        region: Whose holidays are skipped (see :func:`is_business_day`).

    Returns:
        The ``n``-th business day after ``start``.

    Raises:
        ValueError: If ``n`` is negative.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    d = start
    for _ in range(n):
        d = next_business_day(d + dt.timedelta(days=1), extra_holidays, region)
    return d
