"""How long identification stays blocked after failed guesses: the operator's security policy, not the regulation.

A birth date is the proof of identity, and a date has only about 36,500 plausible values in a century: without a
limit that holds across conversations and senders, it can be found by trying. Every third failure (per CPF or card,
and per sender) blocks identification for longer: 15 minutes, then 1 hour, then 24 hours from then on.
"""

from __future__ import annotations

from datetime import datetime, timedelta

FAILURES_PER_LOCK = 3
LOCK_STEPS = (timedelta(minutes=15), timedelta(hours=1), timedelta(hours=24))


def lock_duration(failures: int) -> timedelta | None:
    """How long to block after the ``failures``-th failure in a row, or None when this one does not block.

    >>> [lock_duration(n) for n in (1, 2)]
    [None, None]
    >>> lock_duration(3), lock_duration(6), lock_duration(9), lock_duration(30)
    (datetime.timedelta(seconds=900), datetime.timedelta(seconds=3600), datetime.timedelta(days=1), \
datetime.timedelta(days=1))
    >>> lock_duration(4) is None
    True
    """
    if failures <= 0 or failures % FAILURES_PER_LOCK:
        return None
    step = failures // FAILURES_PER_LOCK - 1
    return LOCK_STEPS[min(step, len(LOCK_STEPS) - 1)]


def locked_until(failures: int, at: datetime) -> datetime | None:
    """When a block set by the ``failures``-th failure at ``at`` ends, or None when it sets none.

    >>> from datetime import timezone
    >>> locked_until(3, datetime(2026, 12, 2, 10, 0, tzinfo=timezone.utc)).isoformat()
    '2026-12-02T10:15:00+00:00'
    """
    duration = lock_duration(failures)
    return at + duration if duration else None
