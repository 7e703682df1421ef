"""How the bot's messages are shown or spoken on each channel: pure functions, no I/O.

The dialogue is the same everywhere; WhatsApp gets numbered text cut at its size limit, Telegram gets HTML with
the menu as buttons, and the phone gets sentences written for the ear.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Tuple

from bot.canais import EMERGENCIA_TELEFONE, TELEFONE_24H
from bot.identifiers import mask_personal_data
from bot.menu import OPCOES

WHATSAPP_LIMIT = 1600
TELEGRAM_LIMIT = 4096

# "1 - Reembolso", "0 - Falar com um atendente", "3 - Todos": a menu option per line.
MENU_LINE = re.compile(r"^\s*(\d{1,2})\s*[-–]\s+(\S.*?)\s*$")
# *bold* as WhatsApp writes it; a masked CPF (***.982.247-**) is not bold.
_BOLD = re.compile(r"(?<![*\w])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![*\w])")
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U00002b00-\U00002bff\U0000fe0f\U0000200d\U000020e3]",
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?:https?://|www\.)[^\s)\]>,;]+(?<![.])", re.IGNORECASE)
# One pass over amounts, dates and runs of digits joined by spaces, dots or hyphens (CPFs, cards, protocols,
# phone numbers): the alternatives are tried in this order at each position, so that a date or an amount next
# to a number is never read as part of one long number.
_AMOUNTS_DATES_NUMBERS = re.compile(
    r"R\$\s?(?P<reais>\d{1,3}(?:\.\d{3})*),(?P<cents>\d{2})"
    r"|(?<!\d)(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})(?!\d)"
    r"|(?<![\w,/])(?P<number>\d+(?:[ .\-]\d+)*)(?![\w/])"
)
_HOUR = re.compile(r"\b(\d{1,2})h(\d{2})?\b")
_MASKED_CPF = re.compile(r"\*{3}\.(\d{3})\.(\d{3})-\*{2}")
_MASKED_CARD = re.compile(r"\d{4} \*{4} \*{4} (\d{4})")
# Numbers that identify someone, in the logs: CPF (11), card (16), protocol (20), with or without punctuation.
_LOG_NUMBER = re.compile(r"(?<!\d)\d(?:[ .\-]?\d){10,19}(?!\d)")
MONTHS = ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro",
          "novembro", "dezembro"]
# Written abbreviations that a voice reads badly.
_SPOKEN_WORDS = [
    (re.compile(r"\b[Aa]rts?\.\s*"), lambda m: "artigos " if m[0][:4].lower() == "arts" else "artigo "),
    (re.compile(r"\bnº\s*"), lambda m: "número "),
    (re.compile(r"\bAv\.\s*"), lambda m: "Avenida "),
    (re.compile(r"\bdd/mm/aaaa\b"), lambda m: "dia, mês e ano, com oito dígitos"),
    (re.compile(r"\b[Ee]x\.:?\s*"), lambda m: "por exemplo, "),
    # "Boleto de Ana | Competência ...": a written separator, a pause when spoken.
    (re.compile(r"\s*\|\s*"), lambda m: ". "),
    (re.compile(r"(?<=[º])-(?=\d)"), lambda m: " a "),
    # "Art. 7º", "§1º", "1ª via": ordinals up to nine are said as words, as a person reads a law.
    (re.compile(r"(?<!\d)([1-9])\s?([ºª])"), lambda m: _ORDINALS[int(m[1]) - 1] + ("a" if m[2] == "ª" else "o")),
    # u17: "189 reais e 90 centavos/mês", "aposentado/assistido", "companheiro(a)", "registro ANS 492.893/22-8".
    (re.compile(r"/m[eê]s\b"), lambda m: " por mês"),
    (re.compile(r"(?<=[^\W\d_])/(?=[^\W\d_])"), lambda m: " ou "),
    (re.compile(r"(?<=\w)\s?\((?:a|o|as|os|s)\)"), lambda m: ""),
    (re.compile(r",?\s*registro ANS [\d./\-]+"), lambda m: ""),
    # u19: "Pode escrever de outra forma?", "Veja as opções abaixo", "envie o número dela" were read to callers.
    (re.compile(r"\bescrever\b"), lambda m: "dizer"),
    (re.compile(r"\b([Ee])nvie(?= (?:o|a|seu|sua) (?:número|CPF|protocolo|data|nome)\b)"),
     lambda m: "Diga" if m[1] == "E" else "diga"),
    (re.compile(r"\b([Vv])eja as opções abaixo\b"), lambda m: ("O" if m[1] == "V" else "o") + "uça as opções"),
    (re.compile(r"\babaixo\b"), lambda m: "a seguir"),
    (re.compile(r"§§\s*"), lambda m: "parágrafos "),
    (re.compile(r"§\s*"), lambda m: "parágrafo "),
]
# A citation, once "Art." is "artigo": "artigo 17, II", "artigo 82 parágrafo quarto, II", "artigo 17, IX e X".
_CITATION = re.compile(r"\b(?:artigos?|parágrafos?|incisos?) [^.;:()]*")
_ROMAN_ITEM = re.compile(r"(?<=, |e )(X{0,2}(?:IX|IV|V?I{0,3}))(?=[\s,]|$)")
# "Competência 11/2026": a month and year.
_MONTH_YEAR = re.compile(r"(?<![\d/])(0?[1-9]|1[0-2])/(\d{4})(?![\d/])")
_ORDINALS = ["primeir", "segund", "terceir", "quart", "quint", "sext", "sétim", "oitav", "non"]


def _roman(numeral: str) -> int:
    values = {"I": 1, "V": 5, "X": 10}
    total = 0
    for index, letter in enumerate(numeral):
        value = values[letter]
        following = values[numeral[index + 1]] if index + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total


KEYPAD_HINT = "Pelo teclado, digite os números e termine com a tecla jogo da velha."


@dataclass(frozen=True)
class TelegramMessage:
    """One Telegram message: HTML text and, for a menu, buttons as (label, callback data) rows."""

    html: str
    buttons: List[Tuple[str, str]] = field(default_factory=list)


def message_texts(messages: Iterable[Dict[str, Any]]) -> List[str]:
    """The text of each bot message, with buttons written as numbered lines and links as text.

    Args:
        messages: What Rasa's collecting output channel gathered (``text``, ``buttons``, ``image``...).

    Returns:
        One non-empty text per message, in order.
    """
    texts = []
    for message in messages:
        parts = [message.get("text") or ""]
        for number, button in enumerate(message.get("buttons") or [], start=1):
            parts.append(f"{number} - {button.get('title', '')}")
        for key in ("image", "attachment"):
            if message.get(key):
                parts.append(str(message[key]))
        text = "\n".join(p for p in parts if p).strip()
        if text:
            texts.append(text)
    return texts


def utf16_length(text: str) -> int:
    """Length as Twilio and Telegram count it (UTF-16 code units: an emoji may count twice)."""
    return len(text.encode("utf-16-le")) // 2


def _split_line(line: str, limit: int) -> List[str]:
    pieces, current = [], ""
    for word in line.split(" "):
        while utf16_length(word) > limit:  # a word longer than the limit: cut it where it must be cut
            head = word[: limit // 2]
            word = word[len(head) :]
            if current:
                pieces.append(current)
                current = ""
            pieces.append(head)
        candidate = f"{current} {word}" if current else word
        if utf16_length(candidate) <= limit:
            current = candidate
        else:
            pieces.append(current)
            current = word
    if current:
        pieces.append(current)
    return pieces


def split_text(text: str, limit: int = WHATSAPP_LIMIT) -> List[str]:
    """Cut a text into pieces of at most ``limit`` characters, at line breaks when possible.

    Args:
        text: The text.
        limit: Maximum length of a piece, counted like :func:`utf16_length`.

    Returns:
        The pieces, in order, none empty; a single line longer than the limit is cut at spaces.
    """
    text = text.strip()
    if utf16_length(text) <= limit:
        return [text] if text else []
    chunks: List[str] = []
    current = ""
    for line in text.split("\n"):
        for piece in [line] if utf16_length(line) <= limit else _split_line(line, limit):
            candidate = f"{current}\n{piece}" if current else piece
            if utf16_length(candidate) <= limit:
                current = candidate
            else:
                chunks.append(current)
                current = piece
    chunks.append(current)
    return [chunk.strip("\n") for chunk in chunks if chunk.strip()]


def render_whatsapp(messages: Iterable[Dict[str, Any]], limit: int = WHATSAPP_LIMIT) -> List[str]:
    """The WhatsApp messages for one bot turn: as few as fit, each within WhatsApp's limit.

    Consecutive bot messages share a WhatsApp message (separated by a blank line) while they fit, so one turn
    costs one send and arrives in order; ``*bold*`` stays, since WhatsApp shows it.
    """
    chunks: List[str] = []
    for text in message_texts(messages):
        for piece in split_text(text, limit):
            if chunks and utf16_length(f"{chunks[-1]}\n\n{piece}") <= limit:
                chunks[-1] = f"{chunks[-1]}\n\n{piece}"
            else:
                chunks.append(piece)
    return chunks


def menu_options(text: str) -> List[Tuple[str, str]]:
    """The numbered options in a text, as (number, label), when there are at least two of them."""
    options = [(m[1], m[2]) for m in map(MENU_LINE.match, text.split("\n")) if m]
    return options if len(options) >= 2 else []


# The main menu's options are valid at any moment, as typing their digit is; any other list's buttons (people,
# "which of these two?", yes or no) answer one question and carry a tag of the message that asked it.
_MENU_OPTIONS = {(opcao.digito, opcao.rotulo) for opcao in OPCOES}


def button_tag(text: str) -> str:
    """A short fingerprint of the message whose buttons answer it (callback data has 64 bytes at most)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def read_button(data: str) -> Tuple[str, str | None]:
    """A button's callback data as (what it answers, tag of the question or None for the main menu).

    >>> read_button("3"), read_button("2:1a2b3c4d")
    (('3', None), ('2', '1a2b3c4d'))
    """
    answer, _, tag = data.partition(":")
    return answer, tag or None


def _telegram_html(text: str) -> str:
    return _BOLD.sub(r"<b>\1</b>", html.escape(text, quote=False))


def render_telegram(messages: Iterable[Dict[str, Any]], limit: int = TELEGRAM_LIMIT) -> List[TelegramMessage]:
    """The Telegram messages for one bot turn: menus become buttons, ``*bold*`` becomes bold.

    A message's numbered options leave its text and become one button per row (the number is the data sent
    back, the same answer as typing it); the buttons go with the last piece of a long message. Buttons of any
    list but the main menu also carry :func:`button_tag` of their message, so that a button of a question
    already answered is not read as a menu digit (:func:`read_button`).
    """
    rendered: List[TelegramMessage] = []
    for text in message_texts(messages):
        asked, options = text, menu_options(text)
        if options:
            kept = [line for line in text.split("\n") if not MENU_LINE.match(line)]
            text = "\n".join(kept).strip() or "Escolha uma opção:"
        # Cut before escaping, so that no piece ends inside an HTML entity or tag.
        pieces = split_text(text, limit - 200)
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            tag = "" if set(options) <= _MENU_OPTIONS else f":{button_tag(asked)}"
            buttons = [(f"{number} - {label}", f"{number}{tag}") for number, label in options] if last else []
            rendered.append(TelegramMessage(_telegram_html(piece), buttons))
    return rendered


def _spoken_digits(token: str) -> str:
    digits = re.sub(r"\D", "", token)
    if len(digits) < 8:
        return token
    groups = [g for g in re.split(r"[ .\-]", token) if g]
    # Long unbroken runs are read in fours, as they are printed on a card; so is a long field of a boleto's line
    # ("1 6 3 2 0 0 0 0 1 8 0 9 6 1" in one breath cannot be taken down).
    groups = [g[i : i + 4] for g in groups for i in range(0, len(g), 4)] if len(groups) == 1 else [
        part for g in groups for part in ([g[i : i + 4] for i in range(0, len(g), 4)] if len(g) > 6 else [g])
    ]
    return ", ".join(" ".join(group) for group in groups)


def _spoken_amount_date_number(match: re.Match) -> str:
    if match["reais"]:
        reais, cents = int(match["reais"].replace(".", "")), int(match["cents"])
        spoken = f"{reais} {'real' if reais == 1 else 'reais'}"
        return spoken + (f" e {cents} {'centavo' if cents == 1 else 'centavos'}" if cents else "")
    if match["day"]:
        day, month = int(match["day"]), int(match["month"])
        if not 1 <= month <= 12:
            return match[0]
        return f"{'primeiro' if day == 1 else day} de {MONTHS[month - 1]} de {match['year']}"
    return _spoken_digits(match["number"])


def _spoken_menu_line(match: re.Match) -> str:
    number, label = match[1], match[2].strip()
    # A person's name keeps its capitals; a menu option reads as part of the sentence.
    if not re.match(r"^\w+ [A-ZÀ-Ý]", label):
        label = label[:1].lower() + label[1:]
    return f"Para {label}, digite {number}."


def _url_phrase(match: re.Match) -> str:
    return "o site da Cemig Saúde" if "cemigsaude" in match[0].lower() else "o site indicado pela Cemig Saúde"


def _email_phrase(match: re.Match) -> str:
    return "o e-mail indicado no site da Cemig Saúde"


_DIAL_ZERO = "digite 0 para falar com um atendente da Central"
_CALL_THE_CENTRAL = re.compile(
    r"(?:(?:ligue|ligar|liga) (?:para|pra) a Central de Relacionamento(?: \(24 horas\))?[:,]? )?"
    + re.escape(TELEFONE_24H)
)
_TWICE_ZERO = re.compile(re.escape(_DIAL_ZERO) + r",? ou digite 0 para falar com (?:um|uma pessoa|um atendente)[^.]*")


def render_for_ear(text: str) -> str:
    r"""Rewrite one bot message to be spoken by a Portuguese voice, without SSML.

    No emojis, links or e-mail addresses are read aloud; ``*bold*`` marks go; menu lines become "Para
    reembolso, digite 1."; CPF, card, protocol and phone numbers are read digit by digit in groups (commas make
    the pauses); money, dates and hours are written as words are said; each line becomes a sentence. A request
    to type something adds how to finish on the keypad.

    >>> render_for_ear("Escolha:\n1 - Reembolso\n0 - Falar com um atendente")
    'Escolha. Para reembolso, digite 1. Para falar com um atendente, digite 0.'
    >>> render_for_ear("Seu cartão: 4175 0500 0000 1004 👍")
    'Seu cartão: 4 1 7 5, 0 5 0 0, 0 0 0 0, 1 0 0 4.'
    >>> render_for_ear("Desculpe, não entendi. Pode escrever de outra forma?")
    'Desculpe, não entendi. Pode dizer de outra forma?'
    >>> render_for_ear("Veja as opções abaixo ou digite 0.")
    'Ouça as opções ou digite 0.'
    >>> render_for_ear(f"Se precisar agora, ligue para a Central de Relacionamento: {TELEFONE_24H}, ou digite 0 para "
    ...                "falar com um atendente.")
    'Se precisar agora, digite 0 para falar com um atendente da Central.'
    """
    # u17: a caller on the Central's own line was told to call it, and heard Portugal's emergency number.
    # u22: "ligue para a Central de Relacionamento: digite 0 …, ou digite 0 …" after a lockout: the call to the Central
    # is said as what the caller does on this line, once.
    text = _CALL_THE_CENTRAL.sub(_DIAL_ZERO, text)
    text = _TWICE_ZERO.sub(_DIAL_ZERO, text)
    text = text.replace(EMERGENCIA_TELEFONE, "192, o SAMU")
    text = _MASKED_CPF.sub(lambda m: f"com os dígitos do meio {' '.join(m[1])}, {' '.join(m[2])}", text)
    text = _MASKED_CARD.sub(lambda m: f"terminado em {' '.join(m[1])}", text)
    text = _EMAIL.sub(_email_phrase, text)
    # "no site www.cemigsaude.org.br" is "no site da Cemig Saúde", not "no site o site da Cemig Saúde".
    text = re.sub(r"\b(sites?|portal) " + _URL.pattern, lambda m: m[1] + _url_phrase(m)[len("o site") :], text,
                  flags=re.IGNORECASE)
    text = _URL.sub(_url_phrase, text)
    text = re.sub(r"\b([Dd])igite \*([^*\n]+)\*", lambda m: f"{'D' if m[1] == 'D' else 'd'}iga {m[2]}", text)
    text = re.sub(r"\b([Ee])screva\b", lambda m: "Diga" if m[1] == "E" else "diga", text)
    text = _BOLD.sub(r"\1", text).replace("*", "")
    text = _EMOJI.sub("", text)
    for pattern, spoken in _SPOKEN_WORDS:
        text = pattern.sub(spoken, text)
    text = _CITATION.sub(lambda m: _ROMAN_ITEM.sub(lambda r: f"inciso {_roman(r[1])}" if r[1] else r[0], m[0]), text)
    text = _MONTH_YEAR.sub(lambda m: f"{MONTHS[int(m[1]) - 1]} de {m[2]}", text)
    text = _AMOUNTS_DATES_NUMBERS.sub(_spoken_amount_date_number, text)
    text = _HOUR.sub(lambda m: f"{m[1]} horas" + (f" e {m[2]}" if m[2] and m[2] != "00" else ""), text)
    sentences = []
    for line in text.split("\n"):
        line = MENU_LINE.sub(_spoken_menu_line, line)
        line = re.sub(r"^[\s•·\-–]+", "", line)
        # "I. Solicitação do reembolso": an item numbered as the regulation numbers it, said as a number.
        line = re.sub(r"^(X{0,2}(?:IX|IV|V?I{0,3}))\.\s+", lambda m: f"{_roman(m[1])}. " if m[1] else m[0], line)
        while re.search(r"\([^()]*\)", line):  # innermost first: "(de celular: (31) 3429-5200)"
            line = re.sub(r"\s*\(([^()]*)\)", r", \1,", line)
        line = line.replace("(", ",").replace(")", ",")
        line = re.sub(r"[\"“”]", "", line).replace(">", ",")
        line = re.sub(r"\s*,(\s*,)+", ",", line)
        line = re.sub(r",\s*(?=[;:.])", "", line)
        line = re.sub(r"([:;!?.])\s*,", r"\1", line)
        line = re.sub(r"\s+([,.:;!?])", r"\1", re.sub(r"\s{2,}", " ", line)).strip(" ,")
        if line.endswith(":") and not re.search(r"\d", line):
            line = line[:-1] + "."
        if line and line[-1] not in ".!?:":
            line += "."
        if line:
            sentences.append(re.sub(r",([.!?:])", r"\1", line))
    spoken = " ".join(sentences)
    # Only the questions that expect typed numbers (identification, protocol) get the keypad hint.
    if re.search(r"\b(informe (seu|sua)|digite os \d+ dígitos)\b", spoken, re.IGNORECASE):
        spoken += " " + KEYPAD_HINT
    return spoken


def mask_for_log(text: str) -> str:
    """Prepare a channel's text for a log line: :func:`mask_personal_data`, then phones and protocols shortened.

    >>> mask_for_log("CPF 529.982.247-25, cartão 4175050000001004, whatsapp:+5531988887777")
    'CPF ***.982.247-**, cartão 4175 **** **** 1004, whatsapp:+5531*****7777'
    """

    def hide(match: re.Match) -> str:
        digits = re.sub(r"\D", "", match[0])
        return f"{digits[:4]}{'*' * (len(digits) - 8)}{digits[-4:]}"

    return _LOG_NUMBER.sub(hide, mask_personal_data(text))
