"""Pure functions for the identifiers the plan deals with: CPF, card number, boleto line.

Nothing here touches a database; every function is deterministic so the
importer, the seed and the bot's slot validation share one definition.

Card numbers have 16 digits: the operator's ANS registration without its check
digit (``417505``), a 7-digit family number, a 2-digit sequence inside the
family (``00`` for the titular) and a Luhn check digit over the first 15.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from validate_docbr import CPF

CARD_PREFIX = "417505"
CARD_LENGTH = 16
CPF_LENGTH = 11
DIGITABLE_LINE_LENGTH = 47

_NON_DIGITS = re.compile(r"\D+")
# Only the usual punctuation of a typed CPF is tolerated; letters mean a typo, not formatting.
_CPF_ALLOWED = re.compile(r"^[\d.\-\s]+$")
# FEBRABAN due-date factor: day 1000 restarted on 2025-02-22 after reaching 9999.
_DUE_FACTOR_BASE = date(1997, 10, 7)


def normalize_digits(text: str | None) -> str:
    """Keep only the decimal digits of a text.

    Args:
        text: Free text such as ``"529.982.247-25"``; ``None`` is treated as empty.

    Returns:
        The digits in their original order, e.g. ``"52998224725"``.
    """
    if not text:
        return ""
    return _NON_DIGITS.sub("", str(text))


def cpf_check_digits(first9: str) -> str:
    """Compute the two check digits of a CPF.

    Args:
        first9: The nine base digits of the CPF.

    Returns:
        The two check digits as a string, e.g. ``"25"`` for ``"529982247"``.

    Raises:
        ValueError: If ``first9`` is not exactly nine digits.
    """
    if len(first9) != 9 or not first9.isdigit():
        raise ValueError("first9 must have exactly 9 digits")
    digits = [int(d) for d in first9]
    for weight_start in (10, 11):
        total = sum(d * w for d, w in zip(digits, range(weight_start, 1, -1), strict=True))
        remainder = (total * 10) % 11
        digits.append(0 if remainder == 10 else remainder)
    return f"{digits[9]}{digits[10]}"


def is_valid_cpf(cpf: str | None) -> bool:
    """Tell whether a CPF is well formed and its check digits match.

    Punctuation (dots, dash, spaces) is accepted; exactly eleven digits are
    required, and sequences of one repeated digit (``111.111.111-11``) are
    rejected even though their check digits add up.

    Args:
        cpf: The CPF as typed or stored.

    Returns:
        True when the CPF is valid.
    """
    if not cpf or not _CPF_ALLOWED.match(cpf):
        return False
    digits = normalize_digits(cpf)
    # validate-docbr pads short input with zeros; a CPF missing a digit must fail instead.
    if len(digits) != CPF_LENGTH:
        return False
    return CPF().validate(digits)


def _luhn_sum(digits: str, double_first_from_right: bool) -> int:
    total = 0
    double = double_first_from_right
    for char in reversed(digits):
        value = int(char)
        if double:
            value *= 2
            if value > 9:
                value -= 9
        total += value
        double = not double
    return total


def card_check_digit(first15: str) -> int:
    """Compute the Luhn check digit of a card number.

    Args:
        first15: The first 15 digits of the card (prefix, family, sequence).

    Returns:
        The check digit, 0 to 9.

    Raises:
        ValueError: If ``first15`` is not exactly 15 digits.

    Example:
        >>> card_check_digit("417505000000100")
        4
    """
    if len(first15) != CARD_LENGTH - 1 or not first15.isdigit():
        raise ValueError("first15 must have exactly 15 digits")
    # The payload's rightmost digit is doubled because the check digit will sit to its right.
    return (10 - _luhn_sum(first15, double_first_from_right=True) % 10) % 10


def make_card_number(family_number: int, sequence: int) -> str:
    """Build a full card number from its parts.

    Args:
        family_number: Family number, 1 to 9,999,999.
        sequence: Position in the family, 0 (titular) to 99.

    Returns:
        The 16-digit card number.

    Raises:
        ValueError: If a part is out of range.
    """
    if not 0 < family_number < 10_000_000:
        raise ValueError("family_number must be between 1 and 9999999")
    if not 0 <= sequence < 100:
        raise ValueError("sequence must be between 0 and 99")
    first15 = f"{CARD_PREFIX}{family_number:07d}{sequence:02d}"
    return f"{first15}{card_check_digit(first15)}"


def is_valid_card(card: str | None) -> bool:
    """Tell whether a card number is one of this operator's and its Luhn digit matches.

    Spaces and dots are ignored, so a number read from the virtual card
    (``4175 0500 0000 1004``) validates as well.

    Args:
        card: The card number.

    Returns:
        True when it has 16 digits, starts with ``417505`` and passes Luhn.
    """
    if not card or re.search(r"[^\d\s.\-]", card):
        return False
    digits = normalize_digits(card)
    if len(digits) != CARD_LENGTH or not digits.startswith(CARD_PREFIX):
        return False
    return _luhn_sum(digits, double_first_from_right=False) % 10 == 0


def card_family_number(card: str) -> str:
    """Return the 7-digit family number inside a card number.

    Args:
        card: A 16-digit card number.

    Returns:
        The digits at positions 7 to 13, e.g. ``"0000001"``.
    """
    return normalize_digits(card)[6:13]


def mask_cpf(cpf: str) -> str:
    """Hide the first three digits and the check digits of a CPF.

    Args:
        cpf: The CPF, with or without punctuation.

    Returns:
        The masked CPF, e.g. ``"***.982.247-**"`` for ``"52998224725"``.

    Raises:
        ValueError: If the CPF does not have 11 digits.
    """
    digits = normalize_digits(cpf)
    if len(digits) != CPF_LENGTH:
        raise ValueError("a CPF has 11 digits")
    return f"***.{digits[3:6]}.{digits[6:9]}-**"


def mask_card(card: str) -> str:
    """Hide the middle eight digits of a card number.

    Args:
        card: The 16-digit card number, with or without spaces.

    Returns:
        The masked card in groups of four, e.g. ``"4175 **** **** 1004"``.

    Raises:
        ValueError: If the card does not have 16 digits.
    """
    digits = normalize_digits(card)
    if len(digits) != CARD_LENGTH:
        raise ValueError("a card number has 16 digits")
    return f"{digits[:4]} **** **** {digits[-4:]}"


# A separator people (or their keyboards and apps) put between digit groups: space of any width (NBSP, thin),
# dot, comma, underscore, slash, hyphen and the Unicode dashes.
_SEP = r"[\s.,_/\-\u2010-\u2015\u2212]?"
_CARD_IN_TEXT = re.compile(
    rf"(?<!\d)\d{{4}}{_SEP}\d{{4}}{_SEP}\d{{4}}{_SEP}\d{{4}}(?!\d)|(?<!\d)\d{{6}}{_SEP}\d{{10}}(?!\d)"
)
_CPF_IN_TEXT = re.compile(rf"(?<!\d)\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{2}}(?!\d)")
_FULL_DATE_IN_TEXT = re.compile(
    r"(?<!\d)\d{1,2}\s*[/.\-\u2010-\u2015]\s*\d{1,2}\s*[/.\-\u2010-\u2015]\s*(?:\d{4}|\d{2})(?!\d)"
)
# An authorization's guide has 11 digits like a CPF; written right after the word "guia" (as the bot lists them,
# "*Guia 20260000003*"), unpunctuated, it is the guide, which the agent needs to find the request.
_GUIDE_IN_TEXT = re.compile(r"(?i)(\bguia\*?:?\s+(?:n[º°o.]?\s*)?)(\d{11})(?!\d)")
# A boleto's 47-digit line (5.5 5.6 5.6 1 14), which the bot shows and an agent may read out: a run of its digits
# looked like a CPF (u24: "01002.***.118.510-**" in the console).
_BOLETO_LINE_IN_TEXT = re.compile(
    r"(?<!\d)\d{5}[.\s]?\d{5}\s?\d{5}[.\s]?\d{6}\s?\d{5}[.\s]?\d{6}\s?\d\s?\d{14}(?!\d)"
)
_ALL_DIGITS_8 = re.compile(r"(?<!\d)(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])(?:19|20)\d{2}(?!\d)")


def mask_personal_data(text: str, *, dates: bool = True) -> str:
    r"""Hide CPFs, card numbers and full dates (a birth date is the proof of identity) in free text.

    The one masking function for everything that leaves the process: logs, e-mails, stored transcripts.
    It works on the shape of the text, not on check digits, so a mistyped CPF is hidden too. ``dates=False``
    keeps the dates of a text that cannot hold a birth date (what the bot or an agent wrote: a service date, a
    deadline), where masking them left the agent unable to tell which item was disputed.

    >>> mask_personal_data("cpf 529.982.247-25, cartão 4175 0500 0000 1004, nasci em 12/03/1975")
    'cpf ***.982.247-**, cartão 4175 **** **** 1004, nasci em **/**/****'
    >>> mask_personal_data("529_982_247_25 / 529,982,247,25 / 529\u00a0982\u00a0247\u201325")
    '***.982.247-** / ***.982.247-** / ***.982.247-**'
    >>> mask_personal_data('/informar_identificacao{"cpf":"52998224725","data":"12031975"}')
    '/informar_identificacao{"cpf":"***.982.247-**","data":"**/**/****"}'
    >>> mask_personal_data("cpf 52998224725, item de 05/10/2026, prazo até 15/12/2026", dates=False)
    'cpf ***.982.247-**, item de 05/10/2026, prazo até 15/12/2026'
    >>> mask_personal_data("protocolo 41750520261202000001, R$ 1.234,56")
    'protocolo 41750520261202000001, R$ 1.234,56'
    >>> mask_personal_data("linha: 00190.00009 01002.026118 51026.323819 9 16320000180961, cpf 52998224725")
    'linha: 00190.00009 01002.026118 51026.323819 9 16320000180961, cpf ***.982.247-**'
    >>> mask_personal_data("*Guia 20260000003* – José; guia: 20260000004; guia 529.982.247-25; cpf 52998224725")
    '*Guia 20260000003* – José; guia: 20260000004; guia ***.982.247-**; cpf ***.982.247-**'

    A payment's or a service's date stays readable; a birth date is masked however it is written:

    >>> mask_personal_data("o boleto venceu em 15/11/2026 e eu paguei no dia 20/11/2026, nasci em 12/03/1975")
    'o boleto venceu em 15/11/2026 e eu paguei no dia 20/11/2026, nasci em **/**/****'
    >>> mask_personal_data("paguei o PS dia 05/11/2026 e mandei os recibos dia 10/11/2026")
    'paguei o PS dia 05/11/2026 e mandei os recibos dia 10/11/2026'
    >>> mask_personal_data("Foram R$ 850,00 em 15/10/2026 e R$ 850,00 em 16/10/2026")
    'Foram R$ 850,00 em 15/10/2026 e R$ 850,00 em 16/10/2026'
    >>> mask_personal_data("Relato: nascido em 30/08/1972. Paguei em 15/10/2026", dates=False)
    'Relato: nascido em **/**/****. Paguei em 15/10/2026'
    >>> mask_personal_data("Data de nascimento dele: 30 de agosto de 1972"), mask_personal_data("120375")
    ('Data de nascimento dele: **/**/****', '**/**/****')
    >>> mask_personal_data("12 de março de 1975"), mask_personal_data("a consulta foi em 3 de dezembro de 2026")
    ('**/**/****', 'a consulta foi em 3 de dezembro de 2026')
    """
    kept = {}

    def keep(match: re.Match, group: int = 0) -> str:
        kept[f"\x00{len(kept)}\x00"] = match[group]
        return match[0][: match.start(group) - match.start(0)] + f"\x00{len(kept) - 1}\x00"

    text = _BOLETO_LINE_IN_TEXT.sub(keep, text)
    text = _CARD_IN_TEXT.sub(lambda m: mask_card(normalize_digits(m[0])), text)
    text = _GUIDE_IN_TEXT.sub(lambda m: keep(m, 2), text)
    text = _CPF_IN_TEXT.sub(lambda m: mask_cpf(normalize_digits(m[0])), text)
    if not dates:
        # The bot's and an agent's words keep their dates, except one after birth words: the bot may quote what
        # the person wrote ("nascido em 30/08/1972", u21).
        text = _FULL_DATE_IN_TEXT.sub(lambda m: "**/**/****" if _after_birth_words(text, m.start()) else m[0], text)
    else:
        text = _FULL_DATE_IN_TEXT.sub(lambda m: m[0] if _of_a_service(text, m.start()) else "**/**/****", text)
        text = _ALL_DIGITS_8.sub("**/**/****", text)
        text = _DATE_IN_WORDS.sub(lambda m: "**/**/****" if _may_be_a_birth(text, m) else m[0], text)
        text = _SIX_DIGITS.sub(lambda m: "**/**/****" if _may_be_a_birth(text, m) else m[0], text)
    for marker, value in kept.items():
        text = text.replace(marker, value)
    return text


# u18: every date a beneficiary wrote was masked for the agent ("paguei no dia **/**/****"), while a birth date in
# words ("nascida em 12 de março de 1975") or in six digits ("120375") was shown. A date right after the words of
# a payment, a due date or a care service is that, not a birth date; one after birth words, or a message that is
# nothing but a date (the answer to "data de nascimento?"), is masked in any shape.
_SERVICE_BEFORE = re.compile(
    r"(?:venc\w*|pag\w*|consulta\w*|exame\w*|cirurgia\w*|interna\w*|atendimento\w*|atendid[oa]s?|prazo\w*|"
    r"boleto\w*|fatura\w*|reembols\w*|procedimento\w*|sess(?:ão|ao|ões|oes)|teleconsulta\w*|recibo\w*|"
    r"nota fiscal|notas fiscais|guia\w*|protocolo\w*|liga\w*|aconteceu|realizad[oa]s?|marcad[oa]s?|"
    r"agendad[oa]s?|envi\w*|mand\w*|receb\w*|cobr\w*|debit\w*|deposit\w*|transf\w*|compr\w*|"
    r"R\$\s*[\d.,]+)[^.;!?\n]{0,25}$",
    re.IGNORECASE,
)
_BIRTH_BEFORE = re.compile(r"(?:\bnasc\w*|\banivers\w*|\bdn\b|\bidade\b)[^.;!?\n]{0,30}$", re.IGNORECASE)
_MONTHS_WORDS = (
    "janeiro|fevereiro|mar[cç]o|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro"
)
_DATE_IN_WORDS = re.compile(
    rf"(?<!\w)\d{{1,2}}\s+de\s+(?:{_MONTHS_WORDS})\s+(?:de\s+)?(?:\d{{4}}|\d{{2}})",
    re.IGNORECASE,
)
_SIX_DIGITS = re.compile(r"(?<!\d)(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d{2}(?!\d)")


def _of_a_service(text: str, start: int) -> bool:
    before = text[max(0, start - 40):start]
    return bool(_SERVICE_BEFORE.search(before)) and not _BIRTH_BEFORE.search(before)


def _after_birth_words(text: str, start: int) -> bool:
    return bool(_BIRTH_BEFORE.search(text[max(0, start - 40):start]))


def _may_be_a_birth(text: str, match: re.Match) -> bool:
    rest = (text[: match.start()] + text[match.end():]).strip(" .,!?:;-")
    return not rest or bool(_BIRTH_BEFORE.search(text[max(0, match.start() - 40):match.start()]))


def _mod10(digits: str) -> int:
    total = 0
    weight = 2
    for char in reversed(digits):
        product = int(char) * weight
        total += product // 10 + product % 10
        weight = 1 if weight == 2 else 2
    return (10 - total % 10) % 10


def _mod11_barcode(digits: str) -> int:
    total = 0
    weight = 2
    for char in reversed(digits):
        total += int(char) * weight
        weight = 2 if weight == 9 else weight + 1
    dv = 11 - total % 11
    return 1 if dv in (0, 10, 11) else dv


def due_date_factor(due_date: date) -> int:
    """Return the FEBRABAN due-date factor printed on a bank slip (boleto).

    Args:
        due_date: The due date.

    Returns:
        The 4-digit factor; it wraps back to 1000 after 9999 (first wrap on 2025-02-22).
    """
    days = (due_date - _DUE_FACTOR_BASE).days
    if days < 1000:
        raise ValueError("due date before the factor's range")
    if days <= 9999:
        return days
    return (days - 10000) % 9000 + 1000


def make_digitable_line(bank_code: str, due_date: date, amount: Decimal, free_field: str) -> str:
    """Build the 47-digit digitable line (linha digitável) of a bank slip.

    Args:
        bank_code: The 3-digit bank code.
        due_date: Due date, encoded as the FEBRABAN factor.
        amount: Amount in reais, at most 99,999,999.99.
        free_field: The bank's 25-digit free field (agreement, our number...).

    Returns:
        The 47 digits, without punctuation.

    Raises:
        ValueError: If a part has the wrong size.
    """
    if len(bank_code) != 3 or not bank_code.isdigit():
        raise ValueError("bank_code must have 3 digits")
    if len(free_field) != 25 or not free_field.isdigit():
        raise ValueError("free_field must have 25 digits")
    cents = int((Decimal(amount) * 100).quantize(Decimal("1")))
    if not 0 <= cents < 10**10:
        raise ValueError("amount out of range")
    factor_and_value = f"{due_date_factor(due_date):04d}{cents:010d}"
    head = f"{bank_code}9"
    general_dv = _mod11_barcode(head + factor_and_value + free_field)
    field1 = head + free_field[:5]
    field2 = free_field[5:15]
    field3 = free_field[15:]
    return (
        f"{field1}{_mod10(field1)}{field2}{_mod10(field2)}{field3}{_mod10(field3)}"
        f"{general_dv}{factor_and_value}"
    )


def is_valid_digitable_line(line: str | None) -> bool:
    """Check the size and all four check digits of a bank slip's digitable line.

    Args:
        line: The line, punctuation allowed (``"00190.00009 ..."``).

    Returns:
        True when the 47 digits are consistent.
    """
    digits = normalize_digits(line)
    if len(digits) != DIGITABLE_LINE_LENGTH:
        return False
    fields = ((digits[0:9], digits[9]), (digits[10:20], digits[20]), (digits[21:31], digits[31]))
    if any(_mod10(body) != int(dv) for body, dv in fields):
        return False
    barcode_without_dv = digits[0:4] + digits[33:47] + digits[4:9] + digits[10:20] + digits[21:31]
    return _mod11_barcode(barcode_without_dv) == int(digits[32])
