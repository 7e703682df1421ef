import datetime as dt

import pytest

from bot.regulation.calendar import carnival_days
from bot.regulation.deadlines import ANSWER_BUSINESS_DAYS, TicketKind, answer_due, urgency_request_due

D = dt.date


def test_business_days_per_kind():
    assert ANSWER_BUSINESS_DAYS == {
        TicketKind.COVERAGE_REQUEST: 5,
        TicketKind.HIGH_COMPLEXITY_OR_ELECTIVE_HOSPITALIZATION: 10,
        TicketKind.OTHER: 7,
        TicketKind.OMBUDSMAN: 7,
    }


def test_coverage_request_across_carnival():
    # Opened Friday 13/02/2026. Carnival (16-17/02) is only "optional" in the holidays package, so it counts:
    # Mon 16 (1), Tue 17 (2), Wed 18 (3), Thu 19 (4), Fri 20 (5).
    assert answer_due(D(2026, 2, 13), TicketKind.COVERAGE_REQUEST) == D(2026, 2, 20)
    # If Carnival is treated as a day off: Wed 18 (1), Thu 19 (2), Fri 20 (3), Mon 23 (4), Tue 24 (5).
    assert answer_due(D(2026, 2, 13), "coverage_request", extra_holidays=carnival_days(2026)) == D(2026, 2, 24)


def test_high_complexity_across_easter():
    # Opened Monday 30/03/2026: Tue 31 (1), Wed 01/04 (2), Thu 02 (3), Good Friday 03 skipped, Mon 06 (4),
    # Tue 07 (5), Wed 08 (6), Thu 09 (7), Fri 10 (8), Mon 13 (9), Tue 14 (10).
    kind = TicketKind.HIGH_COMPLEXITY_OR_ELECTIVE_HOSPITALIZATION
    assert answer_due(D(2026, 3, 30), kind) == D(2026, 4, 14)


def test_other_request_across_christmas_and_new_year():
    # Opened Thursday 24/12/2026: Christmas (Fri 25) and weekend skipped, Mon 28 (1), Tue 29 (2), Wed 30 (3),
    # Thu 31 (4), New Year (Fri 01/01) and weekend skipped, Mon 04 (5), Tue 05 (6), Wed 06/01/2027 (7).
    assert answer_due(D(2026, 12, 24), TicketKind.OTHER) == D(2027, 1, 6)


def test_ombudsman_across_tiradentes():
    # Opened Friday 17/04/2026: Mon 20 (1), Tiradentes Tue 21 skipped, Wed 22 (2), Thu 23 (3), Fri 24 (4),
    # Mon 27 (5), Tue 28 (6), Wed 29 (7).
    assert answer_due(D(2026, 4, 17), "ombudsman") == D(2026, 4, 29)


def test_coverage_request_across_november_holidays():
    # Opened Friday 13/11/2026: Sun 15 is a holiday anyway; Mon 16 (1), Tue 17 (2), Wed 18 (3), Thu 19 (4),
    # Consciência Negra Fri 20 skipped, Mon 23 (5).
    assert answer_due(D(2026, 11, 13), TicketKind.COVERAGE_REQUEST) == D(2026, 11, 23)


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        answer_due(D(2026, 4, 17), "complaint")


@pytest.mark.parametrize(
    ("admission", "due"),
    [
        (D(2026, 6, 15), D(2026, 6, 17)),  # Monday -> Wednesday
        (D(2026, 12, 24), D(2026, 12, 29)),  # Thursday before Christmas -> Mon 28 (1), Tue 29 (2)
        (D(2026, 4, 17), D(2026, 4, 22)),  # Friday -> Mon 20 (1), Tiradentes skipped, Wed 22 (2)
        (D(2026, 11, 14), D(2026, 11, 17)),  # Saturday -> holiday Sunday skipped, Mon 16 (1), Tue 17 (2)
    ],
)
def test_urgency_request_due_art91(admission, due):
    assert urgency_request_due(admission) == due


def test_urgency_request_due_skips_a_belo_horizonte_holiday_art91():
    # Admission Monday 15/06/2026; were Tuesday 16/06 a municipal holiday, the 2 business days end on Thursday 18/06.
    assert urgency_request_due(D(2026, 6, 15), extra_holidays={D(2026, 6, 16)}) == D(2026, 6, 18)
