"""Waiting periods ("carências") of Arts. 51, 52 and 56 of the regulation.

The periods run from the adhesion date (Art. 52); on re-enrolment they run again from the new adhesion date,
however long the beneficiary was away (Art. 52 sole paragraph), so the caller passes the latest adhesion date.
A period of N days ends on adhesion + N days, the first day the service is covered: with the adhesion day as day 1,
the N-th day is adhesion + N - 1, and coverage starts the next day. With dates only, the 24 hours for urgency and
emergency are taken as one day (coverage from the day after adhesion).

Art. 51 sole paragraph lets the Executive Board change the table; the values here are those of the text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import List

COLLECTIVE_MIN_PARTICIPANTS = 30
ENROLMENT_WINDOW_DAYS = 30


class CoverageKind(str, Enum):
    """Kinds of service of the waiting-period table of Art. 51."""

    URGENCY_EMERGENCY = "urgency_emergency"
    CONSULTATIONS_SIMPLE_EXAMS = "consultations_simple_exams"
    SPECIAL_EXAMS_PROCEDURES = "special_exams_procedures"
    OTHER_SURGERIES = "other_surgeries"
    HOSPITALIZATIONS = "hospitalizations"
    TERM_DELIVERY = "term_delivery"


# Art. 51 table, in its order: kind -> (days, wording of the regulation).
WAITING_PERIODS: dict[CoverageKind, tuple[int, str]] = {
    CoverageKind.URGENCY_EMERGENCY: (1, "Atendimento de urgência e emergência: 24 (vinte e quatro) horas"),
    CoverageKind.CONSULTATIONS_SIMPLE_EXAMS: (30, "Consultas médicas e exames simples: 30 (trinta) dias"),
    CoverageKind.SPECIAL_EXAMS_PROCEDURES: (180, "Exames especiais e procedimentos: 180 (cento e oitenta) dias"),
    CoverageKind.OTHER_SURGERIES: (180, "Demais cirurgias: 180 (cento e oitenta) dias"),
    CoverageKind.HOSPITALIZATIONS: (
        180,
        "Internações (clínica, cirúrgica, pediátrica e psiquiátricas): 180 (cento e oitenta) dias",
    ),
    CoverageKind.TERM_DELIVERY: (300, "Parto a termo: 300 (trezentos) dias"),
}


@dataclass(frozen=True)
class WaitingStatus:
    """Where one waiting period of Art. 51 stands on a given day.

    Attributes:
        kind: The kind of service.
        label: The wording of the Art. 51 table, in Portuguese.
        ends_on: First day the service is covered.
        is_over: Whether the period is over on the day asked about.
        days_remaining: Days until ``ends_on`` (0 when over).
    """

    kind: CoverageKind
    label: str
    ends_on: dt.date
    is_over: bool
    days_remaining: int


def waiting_period_end(adhesion_date: dt.date, kind: CoverageKind) -> dt.date:
    """Return the first day a kind of service is covered.

    Implements Art. 51 (table of waiting periods) counted from the adhesion date as Art. 52 requires.

    Example: adhesion on 10/01/2026 gives consultations from 09/02/2026 (30 days), hospitalizations from
    09/07/2026 (180 days) and term delivery from 06/11/2026 (300 days).

    Args:
        adhesion_date: Date of adhesion (or of the new enrolment, Art. 52 sole paragraph).
        kind: The kind of service.

    Returns:
        ``adhesion_date`` plus the days of the period.
    """
    days, _ = WAITING_PERIODS[CoverageKind(kind)]
    return adhesion_date + dt.timedelta(days=days)


def waiting_status(adhesion_date: dt.date, today: dt.date) -> List[WaitingStatus]:
    """List every waiting period of Art. 51 with its end and whether it is over.

    Implements Arts. 51 and 52. Does not consider the exemption of Art. 56 (see :func:`exempt_from_waiting`).

    Args:
        adhesion_date: Date of adhesion.
        today: The day asked about.

    Returns:
        One :class:`WaitingStatus` per kind, in the order of the Art. 51 table.
    """
    statuses = []
    for kind, (_, label) in WAITING_PERIODS.items():
        ends_on = waiting_period_end(adhesion_date, kind)
        remaining = max((ends_on - today).days, 0)
        statuses.append(WaitingStatus(kind, label, ends_on, today >= ends_on, remaining))
    return statuses


def exempt_from_waiting(
    participants: int,
    eligible_on: dt.date,
    enrolled_on: dt.date,
    collective_business: bool = True,
) -> bool:
    """Tell whether an enrolment is exempt from all waiting periods.

    Implements Art. 56: in a collective business ("coletiva empresarial") plan with 30 or more participants, no
    waiting period is required when the holder or dependant enrols within 30 days of the date that gave the right
    to enrol (start of the plan, marriage, birth, retirement, dismissal or discharge without cause). Per its sole
    paragraph, an enrolment made while the plan has fewer than 30 beneficiaries may be charged the waiting periods.
    The plan of this regulation is collective business (Art. 48), hence the default.

    Args:
        participants: Number of beneficiaries of the plan at the time of the enrolment.
        eligible_on: Date of the event that gave the right to enrol.
        enrolled_on: Date of the enrolment.
        collective_business: Whether the plan is contracted as collective business.

    Returns:
        True if no waiting period applies.

    Raises:
        ValueError: If the enrolment precedes the event that allowed it.
    """
    if enrolled_on < eligible_on:
        raise ValueError("enrolment cannot precede the event that allowed it")
    return (
        collective_business
        and participants >= COLLECTIVE_MIN_PARTICIPANTS
        and (enrolled_on - eligible_on).days <= ENROLMENT_WINDOW_DAYS
    )
