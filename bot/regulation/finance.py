"""Invoices, late charges and delinquency (Arts. 9, 27, 31, 32, 36, 44 and 46 of the regulation).

Interpretations made where the text leaves room (all documented on the functions):

* Art. 31 sets the due date on day 15 of the competence month, while Art. 36 says the contributions of the
  "Autopatrocinados" fall due on the first business day of the following month. The two conflict; Art. 31 is
  implemented (:func:`invoice_due_date`) and Art. 36 is offered separately (:func:`art36_due_date`) so that
  whoever settles the conflict can switch.
* Art. 44 §1: 1% a month "calculados dia a dia" is simple interest at 1/30 of 1% per calendar day of delay, on the
  amount of the debt (commercial month of 30 days); the 2% fine is on the same amount. The caput also mentions
  "atualização monetária", but names no index, so it is not computed.
* Art. 32 only lets the payment be made on the next business day without penalty; it does not move the due date.
  A payment later than that is therefore late counting from the contractual due date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Collection

from bot.regulation.calendar import next_banking_day, next_business_day
from bot.regulation.money import MoneyLike, to_cents, to_decimal

DUE_DAY = 15
FINE_RATE = Decimal("0.02")
MONTHLY_INTEREST_RATE = Decimal("0.01")
DAYS_PER_MONTH = 30  # commercial month: the regulation gives a monthly rate and says it accrues day by day
DELINQUENCY_CONTACT_DAYS = 30
DELINQUENCY_EXCLUSION_DAYS = 60


@dataclass(frozen=True)
class LateCharges:
    """Charges for a late payment under Art. 44 §1.

    Attributes:
        fine: The 2% fine, in reais.
        interest: Default interest at 1% a month pro rata die, in reais.
        total: What is due on the payment date: amount + fine + interest.
        days_late: Calendar days between the contractual due date and the payment (0 if on time).
    """

    fine: Decimal
    interest: Decimal
    total: Decimal
    days_late: int

    @property
    def charges(self) -> Decimal:
        """Fine plus interest, i.e. what the delay adds to the debt (Art. 44 §1)."""
        return self.fine + self.interest


def invoice_due_date(year: int, month: int, due_day: int = DUE_DAY) -> dt.date:
    """Return the due date of the monthly invoice of a competence month.

    Implements Art. 31: monthly charges fall due on day 15 of the competence month itself, "ou outra data a ser
    definida, desde que previamente comunicada" (hence ``due_day``). Note that Art. 36 sets another date for the
    same contributions (see :func:`art36_due_date`). The date may fall on a day without banking hours; see
    :func:`effective_due_date` (Art. 32).

    Args:
        year: Competence year.
        month: Competence month (1-12).
        due_day: Day of the month, 15 unless the operator communicated another one.

    Returns:
        The contractual due date.
    """
    return dt.date(year, month, due_day)


def art36_due_date(year: int, month: int, extra_holidays: Collection[dt.date] = ()) -> dt.date:
    """Return the due date of a competence month under Art. 36.

    Implements Art. 36: contributions of the "Autopatrocinados" fall due on the first business day of the month
    after the competence month. This conflicts with Art. 31 (day 15 of the competence month itself), which the
    bot uses by default.

    Args:
        year: Competence year.
        month: Competence month (1-12).
        extra_holidays: Further non-business dates (e.g. Belo Horizonte municipal holidays).

    Returns:
        The first business day of the following month.
    """
    first = dt.date(year + month // 12, month % 12 + 1, 1)
    return next_business_day(first, extra_holidays)


def effective_due_date(due: dt.date, extra_holidays: Collection[dt.date] = ()) -> dt.date:
    """Return the last day on which an invoice can be paid without penalty.

    Implements Art. 32: when the due date falls on a day without banking hours (weekend, public holiday, Carnival
    Monday or Tuesday), payment may be made on the first business day after it without any penalty.

    Args:
        due: The contractual due date.
        extra_holidays: Further days without banking hours (e.g. Belo Horizonte municipal holidays).

    Returns:
        ``due`` itself if banks open on it, otherwise the next banking day.
    """
    return next_banking_day(due, extra_holidays)


def late_charges(
    amount: MoneyLike,
    due_date: dt.date,
    payment_date: dt.date,
    extra_holidays: Collection[dt.date] = (),
) -> LateCharges:
    """Compute the fine and the default interest of a payment.

    Implements Art. 44 §1 (2% fine on the debt plus default interest of 1% a month "calculados dia a dia"), with
    Art. 32 (no penalty when paid by the first business day after a due date without banking hours) and Art. 38
    (co-payments bear the same charges as contributions). Interest is simple, on the amount only, at 1/30 of 1%
    per calendar day counted from the contractual due date; fine and interest are each rounded half up to cents.
    The "atualização monetária" of the caput is not computed: the regulation names no index.

    Example: R$ 1.000,00 due 15/06/2026 and paid 15/07/2026 is 30 days late: fine R$ 20,00, interest R$ 10,00,
    total R$ 1.030,00.

    Args:
        amount: The amount of the invoice (contribution and/or co-payment).
        due_date: The contractual due date (Art. 31).
        payment_date: The day the payment is made.
        extra_holidays: Further days without banking hours, for Art. 32.

    Returns:
        The charges; all zero, with ``days_late`` 0, when paid by the effective due date.

    Raises:
        ValueError: If ``amount`` is negative.
    """
    principal = to_cents(amount)
    if principal < 0:
        raise ValueError("amount must not be negative")
    if is_payment_on_time(due_date, payment_date, extra_holidays):
        return LateCharges(fine=to_cents(0), interest=to_cents(0), total=principal, days_late=0)
    days_late = (payment_date - due_date).days
    fine = to_cents(principal * FINE_RATE)
    interest = to_cents(principal * MONTHLY_INTEREST_RATE * days_late / DAYS_PER_MONTH)
    return LateCharges(fine=fine, interest=interest, total=principal + fine + interest, days_late=days_late)


def delinquency_warning(days_late_last_12_months: int) -> str | None:
    """Return the warning the bot gives a beneficiary about accumulated days of delay, if any.

    Implements Art. 27 and Art. 46. At 30 days of delay, consecutive or not, the operator contacts the holder to
    offer a negotiation and to warn that the enrolment of the holder and dependants will be cancelled if the debt
    is not paid up to 60 days (Art. 27, I-III). A delay of more than 60 days, consecutive or not, in the last 12
    months allows (does not oblige) the operator to exclude the defaulter and the family group (Art. 46), after
    notifying the cancellation by a letter with proof of receipt or a virtual communication usable as proof
    (Art. 27, sole paragraph). Art. 27 counts "por ano de vigência" and Art. 46 "nos últimos 12 meses"; the caller
    supplies the days of the last 12 months.

    Args:
        days_late_last_12_months: Days of delay, consecutive or not, in the last 12 months.

    Returns:
        A Portuguese warning, or None below 30 days.

    Raises:
        ValueError: If the number of days is negative.
    """
    days = days_late_last_12_months
    if days < 0:
        raise ValueError("days must not be negative")
    if days < DELINQUENCY_CONTACT_DAYS:
        return None
    if days <= DELINQUENCY_EXCLUSION_DAYS:
        return (
            f"Constam {days} dias de atraso, consecutivos ou não, nos últimos 12 meses. A Cemig Saúde entrará em "
            "contato para apresentar opções de negociação do débito. Se o débito não for quitado até completar "
            "60 dias de atraso, a inscrição do titular e dos dependentes poderá ser cancelada (arts. 27 e 46 do "
            "Regulamento)."
        )
    return (
        f"Constam {days} dias de atraso, consecutivos ou não, nos últimos 12 meses, acima do limite de 60 dias. "
        "A Cemig Saúde pode excluir o beneficiário inadimplente e os beneficiários do mesmo grupo familiar, após "
        "comunicar o cancelamento por carta com comprovante de recebimento ou por comunicado virtual (art. 27, "
        "parágrafo único, e art. 46 do Regulamento). Quite ou negocie o débito o quanto antes pelos canais de "
        "atendimento."
    )


def payroll_remainder(amount: MoneyLike, deducted: MoneyLike) -> Decimal:
    """Return what is left to charge by boleto after the Forluz payroll deduction.

    Implements Art. 9 §1 (also Arts. 34 §1 and 35 §1): for "assistidos" and their direct dependants, when the
    Forluz benefit payroll has not enough credit for the monthly deduction, the remaining amount is charged by the
    operator through a boleto sent by digital means.

    Args:
        amount: The monthly amount due (contribution plus co-payments).
        deducted: What Forluz managed to deduct from the payroll.

    Returns:
        The remainder to be charged by boleto, zero if the deduction covered everything.

    Raises:
        ValueError: If either value is negative.
    """
    due, paid = to_cents(amount), to_cents(deducted)
    if due < 0 or paid < 0:
        raise ValueError("amounts must not be negative")
    return max(due - paid, to_cents(0))


def pro_rata_first_month(monthly_amount: MoneyLike, start: dt.date) -> Decimal:
    """Return the contribution of the adhesion month, charged pro rata die.

    Implements Art. 9 §2 (monthly period from the first to the last day of the month, pro rata die in the month
    of adhesion when it is not the 1st) and Art. 31 sole paragraph (that first charge may be issued within 10
    calendar days of the start of coverage). The days from ``start`` to the end of the month, both included, are
    charged at 1/(days in the month) of the monthly amount each.

    Args:
        monthly_amount: The full monthly contribution.
        start: The first day of coverage ("vigência inicial").

    Returns:
        The amount of the first month, rounded half up to cents.
    """
    next_month = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    month_days = (next_month - start.replace(day=1)).days
    covered_days = (next_month - start).days
    return to_cents(to_decimal(monthly_amount) * covered_days / month_days)


def is_payment_on_time(due_date: dt.date, payment_date: dt.date, extra_holidays: Collection[dt.date] = ()) -> bool:
    """Tell whether a payment bears no charge.

    Implements Arts. 31 and 32 together: on time means paid by the due date, or by the first banking day after
    it when the due date had no banking hours.

    Args:
        due_date: The contractual due date.
        payment_date: The day of payment.
        extra_holidays: Further days without banking hours.

    Returns:
        True if no fine or interest is due.
    """
    return payment_date <= effective_due_date(due_date, extra_holidays)
