"""The two values exchanged by the routing engine and the ticket machinery (issue 4).

A :class:`RoutingRequest` describes what the beneficiary asked and what has
been collected so far; the engine answers with a :class:`Decision`: the inbox
that receives the case, who is copied, the service tier and what the bot must
still do (tips to offer first, fields to collect, a footer for the reply).
Both are immutable and hold no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping


@dataclass(frozen=True)
class RoutingRequest:
    """One message to route.

    Attributes:
        category: The NLU intent or triage category, e.g. ``"tele_documentos"``,
            ``"falar_atendente"``, ``"ouvidoria"``.
        text: The user's message, as written.
        channel: a :class:`bot.canais.Canal` value (``whatsapp``, ``telegram``, ``ura``, ``rest``).
        collected: Data already gathered in the conversation (``nome``, ``nif``,
            ``cpf``, ``protocolo``...).
        now: Aware datetime used by time conditions; ``None`` means "now in
            America/Sao_Paulo".
    """

    category: str
    text: str
    channel: str = "whatsapp"
    collected: Mapping[str, Any] = field(default_factory=dict)
    now: datetime | None = None


@dataclass(frozen=True)
class Decision:
    """Where a request goes and what the bot does before sending it.

    Attributes:
        inbox: E-mail address of the inbox that receives the case.
        cc: Addresses copied on the e-mail.
        tier: Service tier: ``"primeira_instancia"``, ``"ouvidoria"``, ``"teleconsulta"``...
        rule: Name of the rule that matched (first match wins).
        reason: Why the rule matched, in Portuguese, for the agent and the logs.
        footer: Fixed text appended to the final reply to the beneficiary, if any.
        tips: Tips to offer the beneficiary before routing.
        flags: Notes for the agent who handles the case.
        required_fields: Fields still to be collected before routing (those the
            rule requires and the request has not supplied).
        confidential: Whether the case carries clinical data (restricted inbox).
    """

    inbox: str
    cc: tuple[str, ...]
    tier: str
    rule: str
    reason: str
    footer: str | None
    tips: tuple[str, ...]
    flags: tuple[str, ...]
    required_fields: tuple[str, ...]
    confidential: bool

    def to_json(self) -> dict:
        """Return a JSON-serialisable dict of the decision.

        Returns:
            Keys ``inbox``, ``cc`` (list), ``tier``, ``rule``, ``reason``, ``footer``,
            ``tips`` (list), ``flags`` (list), ``required_fields`` (list), ``confidential``.
        """
        return {
            "inbox": self.inbox,
            "cc": list(self.cc),
            "tier": self.tier,
            "rule": self.rule,
            "reason": self.reason,
            "footer": self.footer,
            "tips": list(self.tips),
            "flags": list(self.flags),
            "required_fields": list(self.required_fields),
            "confidential": self.confidential,
        }
