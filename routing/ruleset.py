"""The routing rules in memory: inboxes, ordered rules, their conditions and outcomes (issue 4).

:mod:`routing.loader` builds a :class:`RuleSet` from ``routing/rules.yaml`` and
:mod:`routing.engine` evaluates it. Everything here is immutable and does no
I/O; the only outside knowledge is the holiday calendar of
:mod:`bot.regulation.calendar` (national and Minas Gerais holidays).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Mapping, Pattern
from zoneinfo import ZoneInfo

from bot.canais import NOMES
from bot.regulation.calendar import holidays_bh

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado", "domingo")
CHANNELS = frozenset(NOMES)  # bot/canais.py: the phone is "ura", as Rasa names the IVR channel
END_OF_DAY = time(23, 59, 59, 999999)


def strip_marks(text: str) -> str:
    r"""Remove diacritics, keeping case (``"Botão"`` → ``"Botao"``); used on patterns.

    >>> strip_marks(r"\bBotão\b")
    '\\bBotao\\b'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class FoldedText:
    """A message lower-cased and without accents, with a map back to the original characters.

    Patterns run on :attr:`folded`; :meth:`original` returns what the user
    actually wrote for a match, so a reason can quote ``'botão'`` and not ``'botao'``.

    >>> t = FoldedText.of("O BOTÃO não aparece")
    >>> t.folded
    'o botao nao aparece'
    >>> t.original(2, 7)
    'BOTÃO'
    """

    text: str
    folded: str
    origin: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> "FoldedText":
        """Fold ``text`` character by character, remembering where each folded character came from."""
        pieces: list[str] = []
        origin: list[int] = []
        for index, char in enumerate(text):
            folded = strip_marks(char).lower()
            pieces.append(folded)
            origin.extend([index] * len(folded))
        return cls(text=text, folded="".join(pieces), origin=tuple(origin))

    def original(self, start: int, end: int) -> str:
        """Return the original text behind the folded span ``[start, end)``."""
        if start >= end or not self.origin:
            return ""
        return self.text[self.origin[start] : self.origin[end - 1] + 1]


# Where an inbox's tickets are worked (issue 10): by e-mail, in the agents' console, or both.
WORKED_IN = ("email", "painel", "ambos")


@dataclass(frozen=True)
class Inbox:
    """A human inbox that receives routed cases.

    Attributes:
        name: Key used by the rules (``area_clinica``).
        address: E-mail address.
        description: What the inbox handles, for operators and agents.
        label: Short name of the team shown in e-mails and protocol lookups; the description when empty.
        cc: Addresses always copied with this inbox.
        confidential: Clinical inbox: only clinical staff read it.
        hours: Opening hours per weekday (0 = Monday) as ``(start, end)`` pairs in the
            rule set's time zone; ``None`` means always open (an e-mail inbox with no stated hours).
        closed_on_holidays: Closed on national, Minas Gerais and Belo Horizonte holidays.
        worked_in: ``email`` (the inbox gets the ticket e-mail only), ``painel`` (agents work it in the console,
            no e-mail) or ``ambos``.
        line: Line of the inbox in the rules file.
    """

    name: str
    address: str
    description: str
    label: str = ""
    cc: tuple[str, ...] = ()
    confidential: bool = False
    hours: Mapping[int, tuple[tuple[time, time], ...]] | None = None
    closed_on_holidays: bool = False
    worked_in: str = "email"
    line: int = 0

    @property
    def in_console(self) -> bool:
        """Agents work this inbox's tickets in the console."""
        return self.worked_in in ("painel", "ambos")

    @property
    def by_email(self) -> bool:
        """The inbox receives the ticket e-mail."""
        return self.worked_in in ("email", "ambos")

    def is_open(self, moment: datetime, zone: ZoneInfo) -> bool:
        """Tell whether the inbox is within its opening hours at ``moment``.

        Args:
            moment: An aware datetime.
            zone: Time zone of the opening hours.

        Returns:
            True when open (always True for an inbox without hours).
        """
        if self.hours is None:
            return True
        local = moment.astimezone(zone)
        if self.closed_on_holidays and local.date() in holidays_bh(local.year):
            return False
        now = local.time().replace(tzinfo=None)
        intervals = self.hours.get(local.weekday(), ())
        return any(start <= now < end or (end == END_OF_DAY and now >= start) for start, end in intervals)

    def next_opening(self, moment: datetime, zone: ZoneInfo, horizon_days: int = 31) -> datetime | None:
        """The next time the inbox opens after ``moment`` (None if always open or never within the horizon).

        Args:
            moment: An aware datetime.
            zone: Time zone of the opening hours.
            horizon_days: How far ahead to look.
        """
        if self.hours is None:
            return None
        local = moment.astimezone(zone)
        for offset in range(horizon_days + 1):
            day = local.date() + timedelta(days=offset)
            if self.closed_on_holidays and day in holidays_bh(day.year):
                continue
            for start, _ in sorted(self.hours.get(day.weekday(), ())):
                opening = datetime.combine(day, start, zone)
                if opening > local:
                    return opening
        return None


@dataclass(frozen=True)
class Keyword:
    """A keyword pattern as written in the file and compiled on folded text."""

    source: str
    regex: Pattern[str]


@dataclass(frozen=True)
class Conditions:
    """What a request must satisfy for a rule to apply; every given condition must hold.

    Attributes:
        category: The request's category is one of these.
        channel: The request came by one of these channels.
        text_matches: The text matches at least one pattern (accent- and case-insensitive).
        text_not_matches: The text matches none of these patterns.
        collected_present: These fields were collected (and are valid: a NIF with its check digit).
        collected_absent: These fields were not collected.
        within_hours: Name of an inbox that must be open at the request's time.
        outside_hours: Name of an inbox that must be closed at the request's time.
    """

    category: frozenset[str] | None = None
    channel: frozenset[str] | None = None
    text_matches: tuple[Keyword, ...] = ()
    text_not_matches: tuple[Keyword, ...] = ()
    collected_present: tuple[str, ...] = ()
    collected_absent: tuple[str, ...] = ()
    within_hours: str | None = None
    outside_hours: str | None = None

    @property
    def empty(self) -> bool:
        """True for the catch-all rule (no condition at all)."""
        return self == Conditions()


@dataclass(frozen=True)
class Outcome:
    """What a rule decides.

    Attributes:
        inbox: Name of the inbox that receives the case.
        tier: Service tier (``teleconsulta``, ``primeira_instancia``, ``ouvidoria``).
        cc: Inbox names or addresses copied, besides the inbox's own CC.
        footer: Fixed text the final reply to the client must end with.
        tips: Tips to offer before routing.
        flags: Notes for the agent.
        required_fields: Fields to collect before routing.
    """

    inbox: str
    tier: str
    cc: tuple[str, ...] = ()
    footer: str | None = None
    tips: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    required_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """One ordered rule: the first whose conditions hold decides."""

    name: str
    conditions: Conditions
    outcome: Outcome
    description: str = ""
    line: int = 0


@dataclass(frozen=True)
class RuleSet:
    """Inboxes and ordered rules, validated; the last rule has no conditions.

    Attributes:
        inboxes: Inboxes by name.
        rules: Rules in evaluation order.
        timezone: Time zone of opening hours and of requests without a time.
        source: Where the rules came from (file path), for messages.
    """

    inboxes: Mapping[str, Inbox]
    rules: tuple[Rule, ...]
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("America/Sao_Paulo"))
    source: str = ""

    def rule(self, name: str) -> Rule:
        """Return the rule called ``name`` (KeyError if there is none)."""
        for rule in self.rules:
            if rule.name == name:
                return rule
        raise KeyError(name)

    def label(self, address: str | None) -> str:
        """How an inbox is named to a person: its label (else description) in the rules file; unknown: the address."""
        if not address:
            return "não definida"
        wanted = address.strip().lower()
        for inbox in self.inboxes.values():
            if inbox.address.lower() == wanted:
                return inbox.label or " ".join(inbox.description.split())
        return address

    def inbox_at(self, address: str | None) -> Inbox | None:
        """The inbox whose address is ``address`` (case-insensitive), or None."""
        wanted = (address or "").strip().lower()
        return next((inbox for inbox in self.inboxes.values() if inbox.address.lower() == wanted), None)

    def address(self, name_or_address: str) -> str:
        """Resolve an inbox name to its address; an address is returned as is."""
        if "@" in name_or_address:
            return name_or_address
        return self.inboxes[name_or_address].address


def compile_pattern(source: str) -> Keyword:
    """Compile a keyword pattern for folded text (accents removed from the pattern too).

    Raises:
        re.error: When the pattern is not a valid regular expression.
    """
    return Keyword(source=source, regex=re.compile(strip_marks(source), re.IGNORECASE))
