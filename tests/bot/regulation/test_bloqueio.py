"""Blocking identification after failed guesses (the operator's security policy, not the regulation)."""

from datetime import datetime, timedelta, timezone

import pytest

from bot.regulation.bloqueio import lock_duration, locked_until


@pytest.mark.parametrize("failures", [-3, 0, 1, 2, 4, 5, 7, 8])
def test_no_block_between_multiples_of_three(failures):
    assert lock_duration(failures) is None


@pytest.mark.parametrize(
    ("failures", "duration"),
    [
        (3, timedelta(minutes=15)),
        (6, timedelta(hours=1)),
        (9, timedelta(hours=24)),
        (12, timedelta(hours=24)),
        (15, timedelta(hours=24)),
        (300, timedelta(hours=24)),
    ],
)
def test_each_third_failure_blocks_longer_up_to_24_hours(failures, duration):
    assert lock_duration(failures) == duration


def test_locked_until_adds_the_block_to_the_failure_time():
    at = datetime(2026, 12, 2, 23, 50, tzinfo=timezone.utc)
    assert locked_until(3, at) == datetime(2026, 12, 3, 0, 5, tzinfo=timezone.utc)
    assert locked_until(6, at) == datetime(2026, 12, 3, 0, 50, tzinfo=timezone.utc)
    assert locked_until(9, at) == datetime(2026, 12, 3, 23, 50, tzinfo=timezone.utc)
    assert locked_until(2, at) is None
    assert locked_until(0, at) is None
