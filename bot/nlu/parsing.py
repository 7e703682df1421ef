"""Rule-based reading of identifiers and dates in Portuguese messages.

Used by the NLU component (entities) and by the action server (form
validation), so that both read a CPF, a card number or a date the same way.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from bot.menu import DIGITOS

# The menu's digits come from its one table (bot/menu.py).
MENU_DIGITS = DIGITOS

# Paging words get the ``mais`` intent by rule, like menu digits.
PAGING_WORDS = {"mais", "+", "ver mais", "mostrar mais", "mais itens", "proximos", "proximo", "proxima pagina",
                "continuar", "continua", "mais por favor"}

MONTHS = {
    "janeiro": 1, "jan": 1, "fevereiro": 2, "fev": 2, "marco": 3, "mar": 3, "abril": 4, "abr": 4,
    "maio": 5, "mai": 5, "junho": 6, "jun": 6, "julho": 7, "jul": 7, "agosto": 8, "ago": 8,
    "setembro": 9, "set": 9, "outubro": 10, "out": 10, "novembro": 11, "nov": 11,
    "dezembro": 12, "dez": 12,
}

# Digit groups may be split by spaces, dots, dashes or slashes, as people type
# them from a card or a document.
_NUMBER_RUN = re.compile(r"\d(?:[\d]|[ .\-/](?=\d))*\d|\d")
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})\b")
_WRITTEN_DATE = re.compile(
    r"\b(\d{1,2})\s*(?:de\s+)?([a-z]{3,9})\.?\s*(?:de\s+)?(\d{4})\b"
)
_ONLY_SEPARATORS = re.compile(r"^[\s.\-/#*,;:]*$")


def strip_accents(text: str) -> str:
    """Return ``text`` lower-cased and without diacritics."""
    normalized = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in normalized if not unicodedata.combining(ch))


def only_digits(text: str) -> str:
    """Return the digits of ``text`` in order (``"529.982.247-25"`` → ``"52998224725"``)."""
    return "".join(ch for ch in text if ch.isdigit())


def _valid_date(day: int, month: int, year: int) -> date | None:
    if year < 100:
        # Two-digit years in a birth date: 00-29 are this century.
        year += 2000 if year < 30 else 1900
    try:
        return date(year, month, day)
    except ValueError:
        return None


@dataclass(frozen=True)
class Found:
    """An identifier found in a message.

    Attributes:
        entity: ``cpf``, ``numero_cartao``, ``data`` or ``protocolo``.
        value: Normalised value (digits only; ISO date for ``data``).
        start: Offset of the first character in the message.
        end: Offset after the last character.
    """

    entity: str
    value: str
    start: int
    end: int


def find_dates(text: str) -> list[Found]:
    """Find calendar dates written as ``12/03/1980``, ``12-3-80`` or ``12 de março de 1980``."""
    found: list[Found] = []
    folded = strip_accents(text)
    for match in _NUMERIC_DATE.finditer(folded):
        parsed = _valid_date(int(match[1]), int(match[2]), int(match[3]))
        if parsed:
            found.append(Found("data", parsed.isoformat(), match.start(), match.end()))
    for match in _WRITTEN_DATE.finditer(folded):
        month = MONTHS.get(match[2])
        parsed = month and _valid_date(int(match[1]), month, int(match[3]))
        if parsed:
            found.append(Found("data", parsed.isoformat(), match.start(), match.end()))
    return found


def parse_date(text: str) -> date | None:
    """Read one date from a whole answer, including the keypad form ``DDMMAAAA``.

    Args:
        text: What the user typed or keyed in.

    Returns:
        The date, or None when the answer holds no valid date.

    >>> parse_date("12031975")
    datetime.date(1975, 3, 12)
    >>> parse_date("nasci em 12 de março de 1975")
    datetime.date(1975, 3, 12)
    >>> parse_date("31/02/1980") is None
    True
    """
    stripped = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", stripped):
        # ISO dates come from our own slots (an identifier read earlier).
        try:
            return date.fromisoformat(stripped)
        except ValueError:
            return None
    dates = find_dates(text)
    if dates:
        return date.fromisoformat(dates[0].value)
    digits = only_digits(text)
    if len(digits) == 8 and _ONLY_SEPARATORS.match(re.sub(r"\d", "", text)):
        return _valid_date(int(digits[:2]), int(digits[2:4]), int(digits[4:]))
    return None


def _classify_number(digits: str) -> str | None:
    if len(digits) == 11:
        return "cpf"
    if len(digits) == 16:
        return "numero_cartao"
    if len(digits) == 20:
        return "protocolo"
    return None


def find_identifiers(text: str) -> list[Found]:
    """Find CPFs, card numbers, protocol numbers and dates in a message.

    A number is classified by its digit count alone (11 CPF, 16 card, 20
    protocol); checksums are checked later, so that a mistyped CPF can be told
    apart from one that is not registered.
    """
    dates = find_dates(text)
    found = list(dates)
    for match in _NUMBER_RUN.finditer(text):
        if any(d.start <= match.start() < d.end for d in dates):
            continue
        # A date typed right after a number must not be glued onto it.
        end = min([d.start for d in dates if match.start() < d.start < match.end()] or [match.end()])
        digits = only_digits(text[match.start() : end])
        entity = _classify_number(digits)
        if entity is None and len(digits) == 8:
            parsed = parse_date(digits)
            if parsed:
                found.append(Found("data", parsed.isoformat(), match.start(), end))
            continue
        if entity:
            found.append(Found(entity, digits, match.start(), end))
    return sorted(found, key=lambda f: f.start)


def is_only_identifiers(text: str, found: list[Found]) -> bool:
    """True when a message holds identifiers and nothing but separators between them."""
    if not found:
        return False
    rest = text
    for item in sorted(found, key=lambda f: f.start, reverse=True):
        rest = rest[: item.start] + " " + rest[item.end :]
    return bool(_ONLY_SEPARATORS.match(rest))


def menu_digit_intent(text: str) -> str | None:
    """Return the menu intent of a lone menu digit (``" 3 "`` → ``numero_cartao``)."""
    return MENU_DIGITS.get(text.strip().rstrip(".)#").strip())


def paging_intent(text: str) -> str | None:
    """Return ``mais`` for a message that only asks for the next page."""
    return "mais" if strip_accents(text).strip(" .!") in PAGING_WORDS else None
