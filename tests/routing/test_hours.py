"""Opening hours of the attendants' inbox, as routing/rules.yaml ships them (source 000)."""

from __future__ import annotations

from datetime import datetime

import pytest

from routing.loader import load_rules


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def at(text: str, rules) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=rules.timezone)


@pytest.mark.parametrize(
    ("moment", "open_", "next_opening"),
    [
        ("2026-11-25T10:00", True, None),  # Wednesday, working hours
        ("2026-11-25T07:00", False, "2026-11-25T08:00"),  # before opening, same day
        ("2026-11-27T18:00", False, "2026-11-30T08:00"),  # Friday evening -> Monday
        ("2026-11-19T20:00", False, "2026-11-23T08:00"),  # Friday 20/11 is a holiday (Consciência Negra)
        ("2026-12-24T17:00", False, "2026-12-28T08:00"),  # closing time; 25/12 holiday, then the weekend
        # u27: 8/12 (Imaculada Conceição) and 15/8 (Assunção) are holidays in Belo Horizonte, the operator's seat.
        ("2026-12-07T20:00", False, "2026-12-09T08:00"),
        ("2026-12-08T10:00", False, "2026-12-09T08:00"),
        ("2025-08-14T18:00", False, "2025-08-18T08:00"),  # Thursday evening; Friday 15/8, then the weekend
    ],
)
def test_attendants_hours_and_next_opening(rules, moment, open_, next_opening):
    inbox = rules.inboxes["relacionamento"]
    when = at(moment, rules)
    assert inbox.is_open(when, rules.timezone) is open_
    if not open_:
        assert inbox.next_opening(when, rules.timezone) == at(next_opening, rules)


def test_inbox_without_hours_never_needs_an_opening(rules):
    always = [inbox for inbox in rules.inboxes.values() if inbox.hours is None]
    assert always
    assert always[0].next_opening(at("2026-11-28T03:00", rules), rules.timezone) is None
