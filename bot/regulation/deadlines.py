"""Answer deadlines in business days: ANS norms on tickets and the provider's deadline in urgency (Art. 91).

The deadlines of the tickets are those the project adopted from ANS RN 623/2024 (requests to the operator) and
RN 323/2013 (Ombudsman); requests in urgency and emergency are not given a business-day deadline here. Business
days are those of :mod:`bot.regulation.calendar`: Carnival counts as a business day, Belo Horizonte municipal
holidays only when passed as ``extra_holidays``.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Collection, Dict

from bot.regulation.calendar import MINAS_GERAIS, add_business_days


class TicketKind(str, Enum):
    """Kinds of ticket with their own answer deadline."""

    COVERAGE_REQUEST = "coverage_request"
    HIGH_COMPLEXITY_OR_ELECTIVE_HOSPITALIZATION = "high_complexity_or_elective_hospitalization"
    OTHER = "other"
    OMBUDSMAN = "ombudsman"


# Business days to answer, by kind of ticket.
ANSWER_BUSINESS_DAYS: Dict[TicketKind, int] = {
    TicketKind.COVERAGE_REQUEST: 5,  # RN 623/2024
    TicketKind.HIGH_COMPLEXITY_OR_ELECTIVE_HOSPITALIZATION: 10,  # RN 623/2024
    TicketKind.OTHER: 7,  # RN 623/2024
    TicketKind.OMBUDSMAN: 7,  # RN 323/2013
}

URGENCY_REQUEST_BUSINESS_DAYS = 2  # Arts. 77 §1 and 91 of the regulation


def answer_due(
    created_on: dt.date, kind: TicketKind, extra_holidays: Collection[dt.date] = (), region: str = MINAS_GERAIS
) -> dt.date:
    """Return the last day to answer a ticket.

    Implements the answer deadlines of ANS RN 623/2024 (5 business days for coverage requests, 10 for
    high-complexity procedures or elective hospitalization, 7 for everything else) and RN 323/2013 (7 business
    days at the Ombudsman), counted from the business day after the ticket was opened.

    Example: a coverage request opened on Friday 13/02/2026 is due on Friday 20/02/2026: Carnival (16-17/02) is
    not a public holiday in the ``holidays`` package, so it counts.

    Args:
        created_on: Day the ticket was opened.
        kind: Kind of ticket.
        extra_holidays: Further non-business dates (e.g. Belo Horizonte municipal holidays, or Carnival if the
            operator does not work on it).
        region: Whose holidays are skipped: the operator's (Minas Gerais) or, for the teleconsultation desk,
            Portugal's (:mod:`bot.regulation.calendar`).

    Returns:
        The due date.
    """
    return add_business_days(created_on, ANSWER_BUSINESS_DAYS[TicketKind(kind)], extra_holidays, region)


def urgency_request_due(admission_on: dt.date, extra_holidays: Collection[dt.date] = ()) -> dt.date:
    """Return the last day for a provider to send the medical request of an urgency admission.

    Implements Art. 91 (and Art. 77 §1): in urgency the provider has 2 business days, counted from the date of
    the hospitalization, to send the medical request (and obtain the authorization); otherwise the operator is not
    liable for the expenses.

    Example: an admission on Thursday 24/12/2026 (day before Christmas) must be regularized by Tuesday 29/12/2026.

    Args:
        admission_on: Day of the hospitalization.
        extra_holidays: Further non-business dates.

    Returns:
        The due date.
    """
    return add_business_days(admission_on, URGENCY_REQUEST_BUSINESS_DAYS, extra_holidays)
