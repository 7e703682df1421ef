import datetime as dt

import pytest

from bot.regulation.waiting_periods import (
    WAITING_PERIODS,
    CoverageKind,
    exempt_from_waiting,
    waiting_period_end,
    waiting_status,
)

D = dt.date
ADHESION = D(2026, 1, 10)


def test_table_of_art51():
    days = {kind: days for kind, (days, _) in WAITING_PERIODS.items()}
    assert days == {
        CoverageKind.URGENCY_EMERGENCY: 1,  # 24 hours
        CoverageKind.CONSULTATIONS_SIMPLE_EXAMS: 30,
        CoverageKind.SPECIAL_EXAMS_PROCEDURES: 180,
        CoverageKind.OTHER_SURGERIES: 180,
        CoverageKind.HOSPITALIZATIONS: 180,
        CoverageKind.TERM_DELIVERY: 300,
    }


@pytest.mark.parametrize(
    ("kind", "end"),
    [
        # Adhesion 10/01/2026.
        (CoverageKind.URGENCY_EMERGENCY, D(2026, 1, 11)),  # + 24 hours
        (CoverageKind.CONSULTATIONS_SIMPLE_EXAMS, D(2026, 2, 9)),  # 21 days left in January + 9 = 30
        # 180 days: 21 (Jan) + 28 (Feb) + 31 (Mar) + 30 (Apr) + 31 (May) + 30 (Jun) = 171, + 9 -> 09/07/2026.
        (CoverageKind.SPECIAL_EXAMS_PROCEDURES, D(2026, 7, 9)),
        (CoverageKind.OTHER_SURGERIES, D(2026, 7, 9)),
        (CoverageKind.HOSPITALIZATIONS, D(2026, 7, 9)),
        # 300 days: 171 up to 30/06, + 31 (Jul) + 31 (Aug) + 30 (Sep) + 31 (Oct) = 294, + 6 -> 06/11/2026.
        (CoverageKind.TERM_DELIVERY, D(2026, 11, 6)),
    ],
)
def test_waiting_period_end(kind, end):
    assert waiting_period_end(ADHESION, kind) == end


def test_waiting_period_end_accepts_the_kind_value():
    assert waiting_period_end(ADHESION, "term_delivery") == D(2026, 11, 6)


def test_waiting_status_on_a_day():
    statuses = waiting_status(ADHESION, D(2026, 3, 1))
    assert [s.kind for s in statuses] == list(WAITING_PERIODS)
    by_kind = {s.kind: s for s in statuses}
    assert by_kind[CoverageKind.URGENCY_EMERGENCY].is_over
    assert by_kind[CoverageKind.CONSULTATIONS_SIMPLE_EXAMS].is_over
    hospitalization = by_kind[CoverageKind.HOSPITALIZATIONS]
    assert not hospitalization.is_over
    # 01/03 -> 09/07/2026: 30 (Mar) + 30 (Apr) + 31 (May) + 30 (Jun) + 9 = 130 days.
    assert hospitalization.days_remaining == 130
    assert hospitalization.label.startswith("Internações")
    assert by_kind[CoverageKind.TERM_DELIVERY].days_remaining == 250


def test_waiting_status_on_the_adhesion_day_and_on_the_end_day():
    assert not any(s.is_over for s in waiting_status(ADHESION, ADHESION))
    on_end = {s.kind: s for s in waiting_status(ADHESION, D(2026, 2, 9))}
    assert on_end[CoverageKind.CONSULTATIONS_SIMPLE_EXAMS].is_over
    assert on_end[CoverageKind.CONSULTATIONS_SIMPLE_EXAMS].days_remaining == 0


def test_exempt_from_waiting_art56():
    # Retirement on 01/03/2026; enrolment within 30 days (31/03/2026 is the 30th day) in a plan of 30 or more.
    assert exempt_from_waiting(30, D(2026, 3, 1), D(2026, 3, 31))
    assert exempt_from_waiting(1200, D(2026, 3, 1), D(2026, 3, 1))
    assert not exempt_from_waiting(1200, D(2026, 3, 1), D(2026, 4, 1))  # 31 days
    assert not exempt_from_waiting(29, D(2026, 3, 1), D(2026, 3, 2))  # sole paragraph: fewer than 30
    assert not exempt_from_waiting(1200, D(2026, 3, 1), D(2026, 3, 2), collective_business=False)


def test_exempt_from_waiting_refuses_enrolment_before_the_event():
    with pytest.raises(ValueError, match=r"^enrolment cannot precede the event that allowed it$"):
        exempt_from_waiting(100, D(2026, 3, 1), D(2026, 2, 28))
