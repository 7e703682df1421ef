"""Numbers said in words, as a caller's speech arrives from the phone line ("cinco dois nove…", "opção três").

u19: an older caller who said the menu option ("quatro", "opção três"), the CPF digit by digit or the birth date
("doze de março de mil novecentos e setenta e cinco") was not understood, and two failures sent them to the queue.
Speech recognition often writes numbers in words; the bot reads digits. Only what is clearly a number becomes
digits: a run of two or more number words ("vinte e cinco", "mil novecentos e setenta e cinco"), a day before
"de <month>", or an utterance that is nothing but one number ("quatro", "opção três"). A lone "um" in "quero falar
com um atendente" stays a word.
"""

from __future__ import annotations

import re
import unicodedata

_UNITS = {
    "zero": 0, "um": 1, "uma": 1, "dois": 2, "duas": 2, "tres": 3, "quatro": 4, "cinco": 5, "seis": 6, "meia": 6,
    "sete": 7, "oito": 8, "nove": 9,
}
_TEENS = {
    "dez": 10, "onze": 11, "doze": 12, "treze": 13, "catorze": 14, "quatorze": 14, "quinze": 15, "dezesseis": 16,
    "dezasseis": 16, "dezessete": 17, "dezassete": 17, "dezoito": 18, "dezenove": 19, "dezanove": 19,
}
_TENS = {
    "vinte": 20, "trinta": 30, "quarenta": 40, "cinquenta": 50, "sessenta": 60, "setenta": 70, "oitenta": 80,
    "noventa": 90,
}
_HUNDREDS = {
    "cem": 100, "cento": 100, "duzentos": 200, "duzentas": 200, "trezentos": 300, "trezentas": 300,
    "quatrocentos": 400, "quinhentos": 500, "seiscentos": 600, "setecentos": 700, "oitocentos": 800,
    "novecentos": 900,
}
_VALUES = {**_UNITS, **_TEENS, **_TENS, **_HUNDREDS, "mil": 1000}
_MONTHS = (
    "janeiro|fevereiro|marco|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro"
)
# Words around a number said alone that do not change it: "é… o quatro", "opção três", "a tecla nove".
_FILLERS = frozenset("e eh ah ahn ai hum hmm o a opcao numero tecla digito quero escolho eu por favor".split())
_WORD = re.compile(r"[^\W\d_]+|\d+|[^\w\s]", re.UNICODE)


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn").lower()


def _cardinal(words: list[str]) -> int:
    """The value of one number said as a cardinal ("mil novecentos e setenta e cinco" → 1975)."""
    total = current = 0
    for word in words:
        if word == "mil":
            total += (current or 1) * 1000
            current = 0
        else:
            current += _VALUES[word]
    return total + current


def _digits(words: list[str]) -> str:
    """A run of number words as digits.

    Said one by one ("cinco dois nove") they are a string of digits; in groups of cardinals ("vinte e cinco") each
    group is its number.
    """
    groups: list[list[str]] = [[]]
    for word in words:
        if word == "e":
            groups[-1].append(word)
            continue
        previous = [w for w in groups[-1] if w != "e"]
        # A cardinal goes on after "e" or from a bigger order to a smaller one ("trinta e um", "cento e dez",
        # "mil novecentos"); a unit after a unit starts another digit.
        maior = bool(previous) and _VALUES[previous[-1]] >= 20 and _VALUES[previous[-1]] > _VALUES[word]
        joins = bool(previous) and (groups[-1][-1] == "e" or "mil" in (word, previous[-1]) or maior)
        if previous and not joins:
            groups.append([])
        groups[-1].append(word)
    return "".join(str(_cardinal([w for w in group if w != "e"])) for group in groups if group)


def spoken_numbers(text: str) -> str:
    """``text`` with the numbers said in words written in digits, where they are clearly numbers.

    >>> spoken_numbers("cinco dois nove nove oito dois dois quatro sete dois cinco")
    '52998224725'
    >>> spoken_numbers("doze de março de mil novecentos e setenta e cinco")
    '12 de março de 1975'
    >>> spoken_numbers("quatro"), spoken_numbers("opção três"), spoken_numbers("é… o três")
    ('4', 'opção 3', 'é… o 3')
    >>> spoken_numbers("quero falar com um atendente"), spoken_numbers("tenho dois filhos")
    ('quero falar com um atendente', 'tenho dois filhos')
    >>> spoken_numbers("trinta de agosto de setenta e dois"), spoken_numbers("dois mil e dez")
    ('30 de agosto de 72', '2010')
    >>> spoken_numbers("paguei cento e vinte reais"), spoken_numbers("e aí, quero a opção sete por favor")
    ('paguei 120 reais', 'e aí, quero a opção 7 por favor')
    >>> spoken_numbers("cinco dois nove ponto nove oito dois ponto dois quatro sete traço dois cinco")
    '529.982.247-25'
    >>> spoken_numbers("doze do três de setenta e cinco"), spoken_numbers("o do meio")
    ('12 do 3 de 75', 'o do meio')
    >>> spoken_numbers("doze do março de setenta e cinco")
    '12 do março de 75'
    """
    tokens = [(m.start(), m.end(), _fold(m[0])) for m in _WORD.finditer(text)]
    words = [t[2] for t in tokens]
    is_number = [w in _VALUES for w in words]
    # "e" joins two number words ("trinta e um"), nothing else.
    for i, word in enumerate(words):
        if word == "e" and 0 < i < len(words) - 1 and is_number[i - 1] and words[i + 1] in _VALUES:
            is_number[i] = True
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        if is_number[i] and words[i] != "e":
            j = i
            while j + 1 < len(words) and is_number[j + 1]:
                j += 1
            runs.append((i, j))
            i = j + 1
        else:
            i += 1
    alone = [w for w, number in zip(words, is_number, strict=True) if not number and w not in _FILLERS
             and re.match(r"\w", w)]
    out, last = [], 0
    for first, end in runs:
        run = words[first:end + 1]
        # "doze de março", and "doze do março" as an older caller may say it (u23).
        before_month = end + 2 < len(words) and words[end + 1] in ("de", "do") and re.fullmatch(_MONTHS, words[end + 2])
        after_month = first >= 2 and words[first - 1] == "de" and re.fullmatch(_MONTHS, words[first - 2])
        # "doze do três de setenta e cinco": a day and a month said by their numbers, joined by "do".
        before_do = end + 2 < len(words) and words[end + 1] == "do" and is_number[end + 2]
        after_do = first >= 2 and words[first - 1] == "do" and is_number[first - 2]
        dated = before_month or after_month or before_do or after_do
        if len([w for w in run if w != "e"]) >= 2 or dated or not alone:
            out.append(text[last:tokens[first][0]])
            out.append(_digits(run))
            last = tokens[end][1]
    out.append(text[last:])
    # The punctuation of a CPF or a date, said: "…dois quatro sete traço dois cinco", "doze barra três".
    return _SAID_SEPARATOR.sub(lambda m: _SEPARATORS[_fold(m[1])], "".join(out))


_SEPARATORS = {"ponto": ".", "traco": "-", "hifen": "-", "barra": "/"}
_SAID_SEPARATOR = re.compile(r"(?<=\d)\s+(ponto|tra[cç]o|h[ií]fen|barra)\s+(?=\d)", re.IGNORECASE)
