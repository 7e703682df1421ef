"""The product's one clock: the operator's local time, or the fixed instant of ``ATENDE_NOW``.

Opening hours, deadlines, ages and late fees all read the time through here, so
a demonstration or a test can fix it with one setting and nothing else reads
the wall clock.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.settings import Settings, get_settings


def parse_fixed_now(value: str, timezone: str) -> datetime:
    """Read an ``ATENDE_NOW`` value as an aware time in ``timezone``.

    A value without an offset is wall-clock time in ``timezone`` (as an
    operator writing "2026-12-02T10:00" means), not UTC.

    >>> parse_fixed_now("2026-12-02T10:00", "America/Sao_Paulo").isoformat()
    '2026-12-02T10:00:00-03:00'
    >>> parse_fixed_now("2026-12-06T06:00:00+00:00", "America/Sao_Paulo").isoformat()
    '2026-12-06T03:00:00-03:00'
    """
    zone = ZoneInfo(timezone)
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


def now(settings: Settings | None = None) -> datetime:
    """Now in the operator's time zone, or the fixed clock of ``ATENDE_NOW``."""
    settings = settings or get_settings()
    if settings.fixed_now:
        return parse_fixed_now(settings.fixed_now, settings.timezone)
    return datetime.now(ZoneInfo(settings.timezone))


def today(settings: Settings | None = None) -> date:
    """Today in the operator's time zone (servers may run in UTC)."""
    return now(settings).date()
