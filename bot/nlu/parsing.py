"""Rule-based reading of identifiers and dates in Portuguese messages.

Used by the NLU component (entities) and by the action server (form
validation), so that both read a CPF, a card number or a date the same way.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from bot.menu import DIGITOS
from bot.nlu.spoken_numbers import spoken_numbers

# The menu's digits come from its one table (bot/menu.py).
MENU_DIGITS = DIGITOS

# Paging words get the ``mais`` intent by rule, like menu digits.
PAGING_WORDS = {"mais", "+", "ver mais", "mostrar mais", "mais itens", "proximos", "proximo", "proxima pagina",
                "continuar", "continua", "mais por favor", "manda mais", "mostra mais", "quero ver mais"}

MONTHS = {
    "janeiro": 1, "jan": 1, "fevereiro": 2, "fev": 2, "marco": 3, "mar": 3, "abril": 4, "abr": 4,
    "maio": 5, "mai": 5, "junho": 6, "jun": 6, "julho": 7, "jul": 7, "agosto": 8, "ago": 8,
    "setembro": 9, "set": 9, "outubro": 10, "out": 10, "novembro": 11, "nov": 11,
    "dezembro": 12, "dez": 12,
}

# The months' full names (accents folded), for patterns that must read "em março" as a period.
MONTH_NAMES = "|".join(name for name in MONTHS if len(name) > 3)

# Digit groups may be split by spaces, dots, dashes or slashes, as people type
# them from a card or a document.
_NUMBER_RUN = re.compile(r"\d(?:[\d]|[ .\-/](?=\d))*\d|\d")
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})\b")
# "30 de agosto de 72": a two-digit year only after "de", so "dia 10 de dezembro 15 reais" is no date.
_WRITTEN_DATE = re.compile(
    r"\b(\d{1,2})\s*(?:d[eo]\s+)?([a-z]{3,9})\.?\s*(?:de\s+)?(\d{4}|(?<=de )\d{2})\b"
)
_ONLY_SEPARATORS = re.compile(r"^[\s.\-/#*,;:]*$")
_SPACES_RUN = re.compile(r"\s+")


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


# u22: "primeiro de janeiro de 1980", "1º de janeiro": the first of a month said as an ordinal. Replaced by a "1"
# of the same length, so the offsets still point at what was written.
_FIRST_OF = re.compile(r"\b(?:primeiro|1\s?[ºo°])(?=\s+(?:de\s+)?[a-z]{3,9}\b)", re.IGNORECASE)
# "12 do 3 de 75": the month said by its number, as an older caller says a date.
_DAY_DO_MONTH = re.compile(r"\b(\d{1,2})\s+do\s+(\d{1,2})\s+de\s+(\d{4}|\d{2})\b")


def find_dates(text: str) -> list[Found]:
    """Find calendar dates written as ``12/03/1980``, ``12-3-80``, ``12 de março de 1980`` or ``12 do 3 de 1980``.

    >>> [f.value for f in find_dates("nasci em primeiro de janeiro de 1980")]
    ['1980-01-01']
    >>> [f.value for f in find_dates("12 do março de 75")]  # u23: an older caller's "doze do março"
    ['1975-03-12']
    >>> find_dates("1º de janeiro de 1980")[0].value
    '1980-01-01'
    >>> [f.value for f in find_dates("12 do 3 de 75")], find_dates("o primeiro de todos") == []
    (['1975-03-12'], True)
    >>> [f.value for f in find_dates("eu nasci em 1975, dia 12 de março")]
    ['1975-03-12']
    """
    found: list[Found] = []
    folded = _FIRST_OF.sub(lambda m: "1".ljust(len(m[0])), strip_accents(text))
    for match in _DAY_DO_MONTH.finditer(folded):
        parsed = _valid_date(int(match[1]), int(match[2]), int(match[3]))
        if parsed:
            found.append(Found("data", parsed.isoformat(), match.start(), match.end()))
    for match in _NUMERIC_DATE.finditer(folded):
        parsed = _valid_date(int(match[1]), int(match[2]), int(match[3]))
        if parsed:
            found.append(Found("data", parsed.isoformat(), match.start(), match.end()))
    for match in _WRITTEN_DATE.finditer(folded):
        month = MONTHS.get(match[2])
        parsed = month and _valid_date(int(match[1]), month, int(match[3]))
        if parsed:
            found.append(Found("data", parsed.isoformat(), match.start(), match.end()))
    for match in _YEAR_FIRST.finditer(folded):
        month = MONTHS.get(match[3])
        parsed = month and _valid_date(int(match[2]), month, int(match[1]))
        if parsed and not any(f.start < match.end() and match.start() < f.end for f in found):
            found.append(Found("data", parsed.isoformat(), match.start(), match.end()))
    return found


# u23: "eu nasci em mil novecentos e setenta e cinco, dia doze de março": the year first, as an older caller says it.
_YEAR_FIRST = re.compile(r"\b((?:19|20)\d{2})\W+(?:(?:e|no|foi)\s+)*dia\s+(\d{1,2})\s+d[eo]\s+([a-z]{3,9})\b")


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
    >>> parse_date("30 de agosto de 72"), parse_date("dia 10 de dezembro 15 reais")
    (datetime.date(1972, 8, 30), None)
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


# "pode mandar o boleto no meu whatsapp?", "manda por email": a document sent somewhere (the follow-up shapes and
# the boleto's PDF read it).
SENT_ELSEWHERE = r"\b(?:mand|envi)\w*\b.{0,30}\b(?:whats\w*|zap|e-?mail)\b"
# "e o prazo?", "mas e quando cai o dinheiro?": a message that goes on from the answer before it.
# u26: "ta bom, e os meus?" after being told whose data he may see: an acknowledgement before the "e".
AND_OPENING = re.compile(
    r"^\s*(?:(?:t[aá] bom|t[aá]|ok|certo|entendi|entendo|beleza|blz|sei|sim|hum+|ah+|aham|uhum|obrigad[oa]|valeu)"
    r"[\s,.!]+)?(?:mas\s+)?e\s+(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
# A text message to the phone the caller is on: "manda por SMS", said as Twilio may transcribe it.
SMS = r"\b(?:sms|esse eme esse|s m s|torpedo|mensagem de texto|mensagem no celular)\b"


def with_dictated_identifiers(text: str) -> str:
    """``text`` with its numbers in digits when, said in words, they are a CPF, a card number or a date.

    A WhatsApp voice message transcribed, or an older person typing as they speak, writes the CPF or the birth
    date in words; the identification reads digits (and masking finds them). Any other number said in words
    stays as it was written.

    >>> with_dictated_identifiers("cpf cinco dois nove ponto nove oito dois ponto dois quatro sete traço dois cinco")
    'cpf 529.982.247-25'
    >>> with_dictated_identifiers("nasci dia doze de março de mil novecentos e setenta e cinco")
    'nasci dia 12 de março de 1975'
    >>> with_dictated_identifiers("paguei cento e vinte reais"), with_dictated_identifiers("tenho dois filhos")
    ('paguei cento e vinte reais', 'tenho dois filhos')
    """
    said = spoken_numbers(text)
    if said == text:
        return text
    before = Counter(f.entity for f in find_identifiers(text) if f.entity != "protocolo")
    after = Counter(f.entity for f in find_identifiers(said) if f.entity != "protocolo")
    return said if after - before else text


# -- Relative dates in words ("amanhã", "dia 20", "até sexta") -------------------------------------
#
# Read on the text folded one character at a time (lower case, no accents), with a map back to the
# offsets of the original text, so that entities point at what the user wrote.

_FULL_MONTHS = {name: number for name, number in MONTHS.items() if len(name) > 3}
_MONTH_NAMES = "|".join(sorted(_FULL_MONTHS, key=len, reverse=True))
_WEEKDAYS = {"segunda": 0, "terca": 1, "quarta": 2, "quinta": 3, "sexta": 4, "sabado": 5, "domingo": 6}
# Also ordinals ("segunda via", "quinta parcela"): read as a weekday only with a cue (see _weekday).
_ORDINAL_WEEKDAYS = {"segunda", "quarta", "quinta", "sexta"}
_WEEKDAY_CUE = re.compile(
    r"(?:^|[^a-z0-9])(?:na|nesta|nessa|esta|essa|ate|ate\s+a|so|pra|para|a\s+partir\s+de|"
    r"pagar|pago|pagando|pagaria|pagarei|pagasse)\s+$"
)
# A verb in the past before the weekday ("paguei sábado", "fui na quarta"): the day already gone.
_PAST_CUE = re.compile(
    r"\b(?:paguei|pagou|pagamos|pagaram|fiz|fez|fizemos|foi|fui|fomos|passei|passou|caiu|venceu|tive|teve|"
    r"aconteceu|consultei|internei|internou|liguei|ligou|mandei|enviei|recebi)\b"
)
_ORDINAL_NOUN = re.compile(
    r"\s+(?:via|vias|vez|vezes|parcela|parcelas|opcao|opcoes|serie|ano|dose|etapa|fase|tentativa|pagina|"
    r"mensalidade|fatura|guia|consulta|sessao|linha|mensagem|pessoa|filha|filho|dependente|colocada|lugar)\b"
)
_NEGATION_BEFORE = re.compile(r"(?:^|[^a-z0-9])nao\s*,?\s*$")
_NEGATION_AFTER = re.compile(r"^\s*,?\s*nao\b")

_RELATIVE_DAY = re.compile(
    r"\b(?P<word>depois\s+de\s+amanha|amanha|hoje(?!\s+em\s+dia)|anteontem|antes\s+de\s+ontem|ontem)\b"
)
_RELATIVE_DAY_OFFSETS = {"depois de amanha": 2, "amanha": 1, "hoje": 0, "anteontem": -2, "antes de ontem": -2,
                         "ontem": -1}
# Days of the month in words, as people write them ("dia vinte e cinco", "dia primeiro"); pt-PT spellings too.
_UNITS = {"um": 1, "dois": 2, "tres": 3, "quatro": 4, "cinco": 5, "seis": 6, "sete": 7, "oito": 8, "nove": 9}
_DAY_WORDS = {
    "primeiro": 1, **_UNITS, "dez": 10, "onze": 11, "doze": 12, "treze": 13, "quatorze": 14, "catorze": 14,
    "quinze": 15, "dezesseis": 16, "dezasseis": 16, "dezessete": 17, "dezassete": 17, "dezoito": 18,
    "dezenove": 19, "dezanove": 19, "vinte": 20, "trinta": 30, "trinta e um": 31,
    **{f"vinte e {word}": 20 + value for word, value in _UNITS.items()},
}
_DAY = r"(?:\d{1,2}|" + "|".join(sorted((w.replace(" ", r"\s+") for w in _DAY_WORDS), key=len, reverse=True)) + ")"


def _day_number(written: str) -> int:
    """The day of ``dia 20``, ``dia vinte`` or ``dia vinte e cinco`` (folded text).

    >>> _day_number("20"), _day_number("vinte  e cinco"), _day_number("primeiro")
    (20, 25, 1)
    """
    if written.isdigit():
        return int(written)
    return _DAY_WORDS[re.sub(r"\s+", " ", written)]


_DAY_OF_MONTH = re.compile(
    r"\b(?P<todo>tod[oa]s?\s+(?:os?\s+)?)?dia\s+(?P<day>" + _DAY + r")o?\b(?!\s*[/.\-]\s*\d)"
    r"(?:\s+(?:de\s+)?(?P<month>" + _MONTH_NAMES + r")\b(?P<year>\s*(?:de\s+)?\d)?"
    r"|\s+d[oe]\s+(?P<next>mes\s+que\s+vem|proximo\s+mes)\b"
    r"|\s+d[oe]\s+(?P<last>mes\s+passado)\b"
    r"|\s+(?P<this>deste|desse|d[oe]\s+(?:este|esse))\s+mes\b"
    r"|(?P<every>\s+de\s+(?:cada|todo)\s+mes\b))?"
)
_DAY_AND_MONTH = re.compile(
    r"\b(?P<day>" + _DAY + r")o?\s+de\s+(?P<month>" + _MONTH_NAMES + r")\b(?P<year>\s*(?:de\s+)?\d)?"
)
# "dia 15/01", "28/11": a day and month in digits without the year (with the year it is an identifier's date).
# The month takes two digits, so that "1/2 comprimido" is a fraction.
_DAY_SLASH_MONTH = re.compile(r"(?<![\d/.\-])(?P<day>\d{1,2})\s*/\s*(?P<month>\d{2})(?!\s*[\d/.\-])")
_NEXT_WEEK = re.compile(r"\b(?:semana\s+que\s+vem|proxima\s+semana)\b")
_WEEKDAY = re.compile(
    r"\b(?P<prox>proxim[oa]\s+)?(?P<name>" + "|".join(_WEEKDAYS) + r")(?P<feira>\s*-\s*feira|\s+feira)?\b"
    r"(?P<week>\s+da\s+(?:semana\s+que\s+vem|proxima\s+semana)\b|\s+que\s+vem\b)?"
)
_MONTH_END = re.compile(
    r"\b(?:fim|final)\s+(?:d[oe]|deste|desse)\s+(?P<prox>proximo\s+)?mes\b(?:\s+(?P<when>que\s+vem|passado)\b)?"
)
_OTHER_MONTH = re.compile(r"\b(?:(?P<next>mes\s+que\s+vem|proximo\s+mes)|(?P<last>mes\s+passado))\b")


def _fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` like :func:`strip_accents`, keeping for each folded character its offset in ``text``."""
    folded: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        for piece in strip_accents(char):
            folded.append(piece)
            offsets.append(index)
    return "".join(folded), offsets


def _month_start(today: date, months: int) -> date:
    """The 1st of the month ``months`` after (or before, when negative) the month of ``today``."""
    index = today.year * 12 + today.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_end(first: date) -> date:
    """The last day of the month that starts on ``first``."""
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _on_day(first: date, day: int) -> date | None:
    """Day ``day`` of the month that starts on ``first``, or None when that month has no such day."""
    try:
        return first.replace(day=day)
    except ValueError:
        return None


def _relative_day(match: re.Match[str], today: date) -> date | None:
    """``hoje``, ``amanhã``, ``depois de amanhã``, ``ontem``, ``anteontem``: a fixed count of days from today.

    ``hoje em dia`` ("nowadays") is not a date.

    >>> [f.value for f in find_relative_dates("pago depois de amanhã ou anteontem?", date(2026, 12, 2))]
    ['2026-12-04', '2026-11-30']
    """
    word = re.sub(r"\s+", " ", match["word"])
    return today + timedelta(days=_RELATIVE_DAY_OFFSETS[word])


def _day_in_month(match: re.Match[str], today: date) -> date | None:
    """``dia 20``: that day of this month, or of the next month that has it when it has passed or is missing.

    Qualified forms pick the month: ``dia 5 do mês que vem``, ``dia 20 do mês passado``, ``dia 1º deste
    mês``, ``dia 20 de janeiro`` (see :func:`_day_and_month`). ``todo dia 15`` and ``dia 5 de cada mês`` are
    rules, not dates; ``dia 20/12`` is left to the numeric reading.

    >>> [f.value for f in find_relative_dates("se eu pagar dia 20 quanto fica", date(2026, 12, 2))]
    ['2026-12-20']
    >>> [f.value for f in find_relative_dates("no dia 1º", date(2026, 12, 2))]
    ['2027-01-01']
    >>> [f.value for f in find_relative_dates("dia 31", date(2026, 11, 2))]
    ['2026-12-31']
    >>> [f.value for f in find_relative_dates("dia 5 do mês que vem", date(2026, 12, 2))]
    ['2027-01-05']
    >>> [f.value for f in find_relative_dates("se eu pagar dia vinte e cinco", date(2026, 12, 2))]
    ['2026-12-25']
    """
    if match["todo"] or match["every"]:
        return None
    if match["month"]:
        return _day_and_month(match, today)
    day = _day_number(match["day"])
    if match["next"]:
        return _on_day(_month_start(today, 1), day)
    if match["last"]:
        return _on_day(_month_start(today, -1), day)
    if match["this"]:
        return _on_day(_month_start(today, 0), day)
    for months in range(13):
        candidate = _on_day(_month_start(today, months), day)
        if candidate and candidate >= today:
            return candidate
    return None


def _day_and_month(match: re.Match[str], today: date) -> date | None:
    """``20 de janeiro`` with no year: its next occurrence, today included; with a year, :func:`find_dates` reads it.

    >>> [f.value for f in find_relative_dates("até 20 de janeiro", date(2026, 12, 2))]
    ['2027-01-20']
    >>> [f.value for f in find_relative_dates("dia 2 de dezembro", date(2026, 12, 2))]
    ['2026-12-02']
    >>> find_relative_dates("30 de fevereiro", date(2026, 12, 2))
    []
    """
    if match["year"]:
        return None
    day, month = _day_number(match["day"]), _FULL_MONTHS[match["month"]]
    for year in (today.year, today.year + 1):
        candidate = _valid_date(day, month, year)
        if candidate and candidate >= today:
            return candidate
    return None


def _next_week(match: re.Match[str], today: date) -> date | None:
    """``semana que vem``, ``próxima semana``: Monday of next week.

    >>> [f.value for f in find_relative_dates("pago semana que vem", date(2026, 12, 2))]
    ['2026-12-07']
    """
    return today + timedelta(days=7 - today.weekday())


def _weekday(match: re.Match[str], today: date) -> date | None:
    """A weekday name: its next occurrence on or after today (a Friday's ``sexta`` is that same day).

    ``próxima sexta`` and ``sexta que vem`` skip today; ``sexta da semana que vem`` is the Friday of next week.
    ``segunda``, ``quarta``, ``quinta`` and ``sexta`` are ordinals too ("segunda via", "quinta parcela"):
    without ``-feira``, ``próxima`` or ``que vem`` they need a cue before them (``na``, ``até``, ``pagar``...)
    and never count when a noun such as ``via`` or ``parcela`` follows.

    >>> [f.value for f in find_relative_dates("posso pagar até sexta?", date(2026, 12, 2))]
    ['2026-12-04']
    >>> [f.value for f in find_relative_dates("na quarta-feira", date(2026, 12, 2))]
    ['2026-12-02']
    >>> [f.value for f in find_relative_dates("sexta-feira da semana que vem", date(2026, 12, 2))]
    ['2026-12-11']
    >>> find_relative_dates("quero a segunda via do boleto", date(2026, 12, 2))
    []
    >>> [f.value for f in find_relative_dates("paguei sabado no app do banco", date(2026, 12, 6))]
    ['2026-12-05']
    >>> [f.value for f in find_relative_dates("foi na quarta passada", date(2026, 12, 2))]
    ['2026-11-25']
    >>> [f.value for f in find_relative_dates("venceu dia 10, posso pagar sexta?", date(2026, 12, 2))]
    ['2026-12-10', '2026-12-04']
    """
    target = _WEEKDAYS[match["name"]]
    folded = match.string
    if not match["feira"] and _ORDINAL_NOUN.match(folded, match.end("name")):
        return None
    if match["name"] in _ORDINAL_WEEKDAYS and not (match["feira"] or match["prox"] or match["week"]):
        if not _WEEKDAY_CUE.search(folded, 0, match.start()):
            return None
    week = re.sub(r"\s+", " ", match["week"] or "").strip()
    # The verb of the weekday's own clause: "venceu dia 10, posso pagar sexta?" pays next Friday (u19).
    clause = re.split(r"[,.;!?]|\b(?:mas|e|porem)\b", folded[: match.start()])[-1]
    if _PAST_CUE.search(clause) or re.match(r"\s+passad[oa]\b", folded[match.end():]):
        # "paguei sábado", "no sábado passado": the last one before today.
        return today - timedelta(days=(today.weekday() - target) % 7 or 7)
    if week.startswith("da "):
        return today + timedelta(days=7 - today.weekday() + target)
    days = (target - today.weekday()) % 7
    if days == 0 and (match["prox"] or week):
        days = 7
    return today + timedelta(days=days)


def _end_of_month(match: re.Match[str], today: date) -> date | None:
    """``fim do mês``, ``final do mês``: the last day of this month (of next or last month when qualified).

    >>> [f.value for f in find_relative_dates("até o fim do mês", date(2026, 12, 2))]
    ['2026-12-31']
    >>> [f.value for f in find_relative_dates("no final do mês que vem", date(2026, 12, 2))]
    ['2027-01-31']
    """
    months = -1 if match["when"] == "passado" else 1 if (match["prox"] or match["when"]) else 0
    return _month_end(_month_start(today, months))


def _other_month(match: re.Match[str], today: date) -> date | None:
    """``mês que vem``, ``próximo mês``: the 1st of next month; ``mês passado``: the 1st of last month.

    >>> [f.value for f in find_relative_dates("mês que vem", date(2026, 12, 2))]
    ['2027-01-01']
    >>> [f.value for f in find_relative_dates("mês passado", date(2026, 12, 2))]
    ['2026-11-01']
    """
    return _month_start(today, 1 if match["next"] else -1)


def _day_slash_month(match: re.Match[str], today: date) -> date | None:
    """``15/01`` without a year: the date of that day and month closest to today, before or after.

    A payment day ahead ("e dia 15/01?" in December is next January) and a birth just gone ("nasceu 28/11") are
    both the nearest reading.

    >>> [f.value for f in find_relative_dates("e dia 15/01?", date(2026, 12, 6))]
    ['2027-01-15']
    >>> [f.value for f in find_relative_dates("ela nasceu dia 28/11", date(2026, 12, 6))]
    ['2026-11-28']
    >>> find_relative_dates("tomar 1/2 comprimido", date(2026, 12, 6)), find_relative_dates("32/01", date(2026, 12, 6))
    ([], [])
    """
    day, month = int(match["day"]), int(match["month"])
    options = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            options.append(date(year, month, day))
        except ValueError:
            continue
    if not options:
        return None
    nearest = min(options, key=lambda d: abs((d - today).days))
    # "1/2 comprimido" and other fractions: a date more than half a year away is not what was meant.
    return nearest if abs((nearest - today).days) <= 183 else None


_RELATIVE_RULES = (
    (_RELATIVE_DAY, _relative_day),
    (_DAY_SLASH_MONTH, _day_slash_month),
    (_DAY_OF_MONTH, _day_in_month),
    (_DAY_AND_MONTH, _day_and_month),
    (_NEXT_WEEK, _next_week),
    (_WEEKDAY, _weekday),
    (_MONTH_END, _end_of_month),
    (_OTHER_MONTH, _other_month),
)


def find_relative_dates(text: str, today: date) -> list[Found]:
    """Find dates written in words relative to ``today`` ("amanhã", "dia 20", "até sexta", "fim do mês").

    Reading is case- and accent-insensitive and whole-word only ("hojeeee" and "amanhecer" are not dates, nor is
    a bare number). Where phrases overlap, the one that starts first wins, then the longer ("depois de amanhã"
    over "amanhã", "dia 5 do mês que vem" over "mês que vem"). A phrase next to a "não" ("hoje não", "não
    amanhã") is skipped: the user is ruling that day out. Anything :func:`find_identifiers` reads (an explicit
    date such as ``20/12/2026``, a CPF) wins over a phrase that overlaps it.

    Args:
        text: The user's message.
        today: Today in the operator's time zone (``bot.clock.today()``); this function reads no clock.

    Returns:
        ``data`` items with ISO values, in the order they appear in ``text``.

    >>> [(f.value, f.start, f.end) for f in find_relative_dates("Amanhã eu pago", date(2026, 12, 2))]
    [('2026-12-03', 0, 6)]
    >>> find_relative_dates("hoje não, só dia 20/12/2026", date(2026, 12, 2))
    []
    """
    folded, offsets = _fold_with_offsets(text)
    if not folded:
        return []
    explicit = [(f.start, f.end) for f in find_identifiers(text)]
    candidates: list[tuple[int, int, date]] = []
    for pattern, resolve in _RELATIVE_RULES:
        for match in pattern.finditer(folded):
            if _NEGATION_BEFORE.search(folded, 0, match.start()) or _NEGATION_AFTER.match(folded[match.end():]):
                continue
            day = resolve(match, today)
            if day is None:
                continue
            start = offsets[match.start()]
            # Up to the next folded character, so that a trailing combining accent stays inside.
            end = offsets[match.end()] if match.end() < len(offsets) else len(text)
            end = max(end, offsets[match.end() - 1] + 1)
            if any(start < e and s < end for s, e in explicit):
                continue
            candidates.append((start, end, day))
    found: list[Found] = []
    for start, end, day in sorted(candidates, key=lambda c: (c[0], c[0] - c[1])):
        if found and start < found[-1].end:
            continue
        found.append(Found("data", day.isoformat(), start, end))
    return _one_day_per_phrase(text, found)


# Between two phrases that name one day ("sexta, dia 18", "amanhã (dia 8)", "semana que vem, no dia 14").
_SAME_DAY_GLUE = re.compile(r"^[\s,;:(\-–]*(?:ou seja|isto e|isso e|que e|no|na|o|a|em)?[\s,;:(\-–]*$")


def _one_day_per_phrase(text: str, found: list[Found]) -> list[Found]:
    """Keep one date where two phrases side by side describe the same day: the one with the day's number.

    u19: "se eu pagar na sexta dia 18 tem juros?" computed the fee for the next Friday (the 11th), not the 18th.

    >>> hoje = date(2026, 12, 7)
    >>> [f.value for f in find_relative_dates("se eu pagar na sexta dia 18 tem juros?", hoje)]
    ['2026-12-18']
    >>> [f.value for f in find_relative_dates("e na sexta que vem, dia 18?", hoje)]
    ['2026-12-18']
    >>> [f.value for f in find_relative_dates("amanhã ou dia 20", hoje)]
    ['2026-12-08', '2026-12-20']
    """
    kept: list[Found] = []
    for item in found:
        if kept and _SAME_DAY_GLUE.match(strip_accents(text[kept[-1].end:item.start]).lower()):
            previous = kept[-1]
            if re.search(r"\d", text[previous.start:previous.end]) and not re.search(r"\d", text[item.start:item.end]):
                continue
            kept[-1] = item
            continue
        kept.append(item)
    return kept


def is_only_identifiers(text: str, found: list[Found]) -> bool:
    """True when a message holds identifiers and nothing but separators between them."""
    if not found:
        return False
    rest = text
    for item in sorted(found, key=lambda f: f.start, reverse=True):
        rest = rest[: item.start] + " " + rest[item.end :]
    return bool(_ONLY_SEPARATORS.match(rest))


# A number long enough to be a mistyped CPF, card or registration number; a year or "2 meses" is not.
_LONG_NUMBER = re.compile(r"\d(?:[ .\-/]?\d){4,}")
_IDENTITY_WORDS = re.compile(r"\b(?:cpf|nasci\w*|inscricao|matricula|nif)\b")


def may_identify(text: str, found: list[Found]) -> bool:
    """Whether a message could be someone giving their identification.

    Every training example of the identification intent holds an identifier; people also type card numbers of
    the wrong length or give the birth date in words, so a long number or the word for what is given counts too.

    >>> may_identify("o número da minha carteira é 900145672003", []), may_identify("nasci em março de 1975", [])
    (True, True)
    >>> may_identify("q consultas minha filha usou em 2024", []), may_identify("pedi faz 2 meses e nada", [])
    (False, False)
    """
    return bool(found) or bool(_LONG_NUMBER.search(text)) or bool(_IDENTITY_WORDS.search(strip_accents(text)))


# "opção 3", "quero a opcao 3", "op. 3 por favor": a choice typed as the menu shows it, not only the bare digit.
_TYPED_CHOICE = re.compile(
    r"(?:(?:quero|escolho|vou de|vou na|seria)\s+)?(?:(?:a|o)\s+)?(?:(?:opcao|opc|op|item|numero|n[o.])\.?\s*)?"
    r"(?P<digits>\d{1,2})\s*[.)#]?(?:\s+(?:por favor|pfv|pf|pls|obrigad[oa]|obg))?"
)


def typed_choice(text: str) -> str | None:
    """The number of a choice typed alone or as "opção N", or None.

    >>> typed_choice(" 3 "), typed_choice("Opção 0"), typed_choice("quero a opção 7!"), typed_choice("op. 2 por favor")
    ('3', '0', '7', '2')
    >>> typed_choice("4\ufe0f\u20e3")
    '4'
    >>> typed_choice("12"), typed_choice("paguei 3 boletos"), typed_choice("opção de plano 2"), typed_choice("2024")
    ('12', None, None, None)
    >>> typed_choice("opcao quatro"), typed_choice("o três"), typed_choice("quero falar com um atendente")
    ('4', '3', None)
    """
    # A keycap emoji ("3️⃣") is the digit, its variation selector and the enclosing keycap.
    folded = strip_accents(text.replace("\ufe0f", "").replace("\u20e3", "")).lower().strip().strip("!?").strip()
    # u19: "opcao quatro", "o três": the option said in words, as a voice message or an older person writes it.
    match = _TYPED_CHOICE.fullmatch(folded) or _TYPED_CHOICE.fullmatch(spoken_numbers(folded))
    return match["digits"] if match else None


def menu_digit_intent(text: str) -> str | None:
    """Return the menu intent of a menu digit typed alone or as "opção N" (``" 3 "`` → ``numero_cartao``)."""
    return MENU_DIGITS.get(typed_choice(text) or "")


# "e os demais?", "os próximos", "e as seguintes": the rest of the list being shown, said as a follow-up.
_PAGING_REST = re.compile(
    r"^(?:mas\s+)?(?:e\s+)?(?:os|as)\s+(?:demais|proximos|proximas|restantes|seguintes)(?:\s+por\s+favor)?$"
)


# "recomeçar do zero", "vamos começar de novo", "voltar pro início": the menu. The digit 0 is "talk to an agent", so
# the classifier read "do zero" as asking for one; only a message that is nothing but the restart is one.
_RESTART = re.compile(
    r"(?:(?:eu\s+)?(?:quero|queria|vamos|vou|pode|posso|preciso|bora|melhor)\s+)?"
    r"(?:(?:recomecar|reiniciar|resetar|comecar|voltar|volta|ir)(?:\s+(?:tudo|a conversa|o atendimento))?\s*"
    r"(?:de novo|do zero|do comeco|do inicio|desde o (?:inicio|comeco)|(?:ao|pro|para o|pra o|pro) (?:inicio|comeco))?"
    r"|(?:do zero|do comeco|desde o (?:inicio|comeco)))"
    r"(?:\s+(?:tudo|a conversa|o atendimento))?(?:\s+(?:por favor|pfv|pf|pls))?"
)
_RESTART_VERBS = re.compile(
    r"^(?:.*\s)?(?:recomecar|reiniciar|resetar)\b|\b(?:de novo|do zero|do comeco|do inicio|inicio|comeco)$"
)


def restart_intent(text: str) -> str | None:
    """Return ``menu`` for a message that only asks to start over.

    >>> restart_intent("recomeçar do zero"), restart_intent("quero recomeçar do zero!"), restart_intent("do zero")
    ('menu', 'menu', 'menu')
    >>> restart_intent("vamos começar de novo"), restart_intent("voltar pro inicio")
    ('menu', 'menu')
    >>> restart_intent("reiniciar a conversa"), restart_intent("Recomeçar tudo por favor")
    ('menu', 'menu')

    A restart of something else, or a word alone that is no restart, is left to the classifier:

    >>> restart_intent("começar o tratamento do zero"), restart_intent("voltar"), restart_intent("começar")
    (None, None, None)
    >>> restart_intent("zero"), restart_intent("quero voltar a pagar"), restart_intent("recomeçar a fisioterapia")
    (None, None, None)
    """
    folded = _SPACES_RUN.sub(" ", strip_accents(text).lower().strip(" .!?,")).strip()
    if not _RESTART.fullmatch(folded) or not _RESTART_VERBS.search(folded.removesuffix(" por favor")):
        return None
    return "menu"


def paging_intent(text: str) -> str | None:
    """Return ``mais`` for a message that only asks for the next page."""
    folded = strip_accents(text).lower().strip(" .!?")
    return "mais" if folded in PAGING_WORDS or _PAGING_REST.match(folded) else None
