"""Co-payment ("coparticipação") rules of Section XI of Chapter VII (Arts. 82 and 83).

The amounts and percentages of co-payment are in each beneficiary's "Formulário de Inclusão" (Arts. 81 and 83),
not in the regulation; only the exemptions and the psychiatric-hospitalization rule are fixed by the text.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Dict

from bot.regulation.money import MoneyLike, to_cents, to_decimal

# Art. 82, I-VII: what bears co-payment.
COPAY_SUBJECT: Dict[str, str] = {
    "consultation": "Consultas virtuais ou presenciais, inclusive em consultório médico ou pronto-atendimento.",
    "diagnostic_exam_or_therapy": "Exames de diagnóstico e terapias.",
    "procedure": "Procedimentos.",
    "hospitalization": "Internações hospitalares.",
    "day_hospital": "Internações em hospital-dia.",
    "psychiatric_hospitalization": "Internações psiquiátricas, a partir do 31º dia.",
    "treatment": "Tratamentos.",
}

# Art. 82 §4, I-III: category -> reason given to the beneficiary.
COPAY_EXEMPTIONS: Dict[str, str] = {
    "conexao_saude": (
        "Atendimentos do Conexão Saúde, presenciais ou virtuais, são isentos de coparticipação "
        "(art. 82, § 4º, I, do Regulamento)."
    ),
    "online_emergency_care": (
        "Consultas no pronto atendimento online (atendimento de urgência de forma virtual) são isentas de "
        "coparticipação (art. 82, § 4º, II, do Regulamento)."
    ),
    "chemotherapy": (
        "Quimioterapia ambulatorial para tratamento de neoplasia maligna é isenta de coparticipação "
        "(art. 82, § 4º, III, do Regulamento)."
    ),
    "radiotherapy": (
        "Radioterapia ambulatorial para tratamento de neoplasia maligna é isenta de coparticipação "
        "(art. 82, § 4º, III, do Regulamento)."
    ),
    "haemodialysis": "Hemodiálise é isenta de coparticipação (art. 82, § 4º, III, do Regulamento).",
    "transplant": "Transplante é isento de coparticipação (art. 82, § 4º, III, do Regulamento).",
}

PSYCHIATRIC_FREE_DAYS = 30
PSYCHIATRIC_COPAY_FIRST_DAY = PSYCHIATRIC_FREE_DAYS + 1
PSYCHIATRIC_COPAY_MAX_RATE = Decimal("0.50")


def copay_exempt_reason(category: str) -> str | None:
    """Return why a service is exempt from co-payment, if it is.

    Implements Art. 82 §4: Conexão Saúde (in person or virtual), online emergency consultations, and outpatient
    procedures for malignant neoplasm (chemotherapy and radiotherapy), haemodialysis and transplant.

    Args:
        category: A key of :data:`COPAY_EXEMPTIONS`; case, surrounding spaces and hyphens are ignored.

    Returns:
        The Portuguese reason, or None when the category is not exempt.
    """
    return COPAY_EXEMPTIONS.get(category.strip().lower().replace("-", "_"))


def psychiatric_copay_applies(hospitalization_day: int) -> bool:
    """Tell whether a day of psychiatric hospitalization bears co-payment.

    Implements Art. 82, VI, and Art. 83 §2: psychiatric hospitalization bears co-payment from the 31st day.

    Args:
        hospitalization_day: Day of the hospitalization, the first being 1.

    Returns:
        True from day 31 on.

    Raises:
        ValueError: If the day is less than 1.
    """
    if hospitalization_day < 1:
        raise ValueError("hospitalization days start at 1")
    return hospitalization_day >= PSYCHIATRIC_COPAY_FIRST_DAY


def psychiatric_copay_days(total_days: int) -> int:
    """Return how many days of a psychiatric hospitalization bear co-payment.

    Implements Art. 82, VI, and Art. 83 §2 (co-payment from the 31st day).

    Args:
        total_days: Length of the hospitalization in days.

    Returns:
        The days beyond the 30th, zero for 30 days or fewer.

    Raises:
        ValueError: If ``total_days`` is negative.
    """
    if total_days < 0:
        raise ValueError("total_days must not be negative")
    return max(total_days - PSYCHIATRIC_FREE_DAYS, 0)


def psychiatric_copay(billed_amount: MoneyLike, rate: MoneyLike) -> Decimal:
    """Return the co-payment on what the provider billed for the days of psychiatric hospitalization from the 31st.

    Implements Art. 83 §1 (the percentage of the Formulário de Inclusão applied to the amounts billed by the
    provider) and §2 (that percentage is at most 50% of the hospitalization, unless an ANS norm sets another
    percentage or method, which would change :data:`PSYCHIATRIC_COPAY_MAX_RATE`). The caller passes only the amount
    billed for days 31 onwards; the actual rate comes from the beneficiary's Formulário de Inclusão.

    Args:
        billed_amount: Amount billed by the provider for the days subject to co-payment.
        rate: Co-payment rate as a fraction (Decimal("0.5") for 50%).

    Returns:
        The co-payment rounded half up to cents.

    Raises:
        ValueError: If the rate is outside 0-50% or the amount is negative.
    """
    fraction = to_decimal(rate)
    if not 0 <= fraction <= PSYCHIATRIC_COPAY_MAX_RATE:
        raise ValueError("the psychiatric co-payment rate must be between 0 and 50%")
    amount = to_decimal(billed_amount)
    if amount < 0:
        raise ValueError("billed amount must not be negative")
    return to_cents(amount * fraction)
