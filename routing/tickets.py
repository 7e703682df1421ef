"""Tickets: protocol at the first contact, answer deadline, and the e-mail to the inbox in the same transaction.

:func:`open_ticket` turns a routing :class:`~routing.decision.Decision` into a ticket:

* **Protocol** (ANS RN 623/2024, protocol given at the first contact; format of RN 395): ``417505`` (the
  operator's ANS registration without its check digit) + the local date ``yyyymmdd`` + a 6-digit daily
  sequence, 20 digits in all (``docs/tickets.md``). Numbers are allocated with
  :func:`bot.db.repository.next_protocol` inside the caller's transaction and the unique constraint of
  ``tickets.protocol`` settles races between processes: on a conflict the insert is undone to a savepoint and
  the next number is tried.
* **Deadline** in business days (national and Minas Gerais holidays, :mod:`bot.regulation.deadlines`): 5 for
  coverage requests, 10 for high-complexity procedures or elective hospitalization, 7 for everything else
  (RN 623/2024), 7 at the Ombudsman (RN 323/2013).
* **Outbox** rows (:class:`bot.db.models.OutboxMessage`): one e-mail to ``decision.inbox`` with
  ``decision.cc`` in copy, written in the same transaction as the ticket, delivered later by
  :mod:`routing.outbox`. For a confidential decision the clinical text (the beneficiary's message, the
  transcript, the data collected) goes only to the confidential inbox; the copies get a body without it.

Nothing here commits: the caller's unit of work (:func:`bot.db.session.session_scope`) does.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.canais import rotulo as canal_rotulo
from bot.canais import telefone_legivel
from bot.db.models import TICKET_TIERS, Beneficiary, OutboxMessage, Ticket, TicketEvent, utc_now
from bot.db.repository import PROTOCOL_PREFIX, create_ticket, find_ticket_by_protocol, next_protocol
from bot.identifiers import mask_card, mask_cpf, mask_personal_data, normalize_digits
from bot.menu import OPCOES
from bot.regulation.calendar import MINAS_GERAIS, PORTUGAL
from bot.regulation.deadlines import ANSWER_BUSINESS_DAYS, TicketKind, answer_due
from bot.settings import get_settings
from routing.decision import Decision
from routing.loader import load_rules

logger = logging.getLogger(__name__)

DEFAULT_TIMEZONE = "America/Sao_Paulo"
# Right-hand side of every Message-ID: names the sender system, not a mail host.
MESSAGE_ID_DOMAIN = "atende.cemigsaude.org.br"
# How many numbers to try when other processes keep taking the next one.
MAX_PROTOCOL_ATTEMPTS = 50
RESTRICTED_NOTICE = "conteúdo clínico restrito à área clínica"

# Kinds the conversation passes to open_ticket, with the deadline they get.
KINDS: dict[str, TicketKind] = {
    "geral": TicketKind.OTHER,
    "cobertura": TicketKind.COVERAGE_REQUEST,
    "alta_complexidade": TicketKind.HIGH_COMPLEXITY_OR_ELECTIVE_HOSPITALIZATION,
    "internacao_eletiva": TicketKind.HIGH_COMPLEXITY_OR_ELECTIVE_HOSPITALIZATION,
    "ouvidoria": TicketKind.OMBUDSMAN,
    **{kind.value: kind for kind in TicketKind},
}

CATEGORY_LABELS: dict[str, str] = {
    **{opcao.intent: opcao.categoria for opcao in OPCOES},
    "tele_clinica": "Teleconsulta: questão clínica",
    "tele_documentos": "Teleconsulta: documentos e retificações",
    "tele_apolice": "Teleconsulta: apólice de seguro",
    "tele_tecnologia": "Teleconsulta: problema tecnológico",
    "tele_cobranca_cancelada": "Teleconsulta: consulta cancelada cobrada",
    "tele_procedimento": "Teleconsulta: dúvida sobre o procedimento",
    "tele_faturas": "Teleconsulta: pedido de fatura",
    "ouvidoria": "Ouvidoria",
    "primeira_instancia": "Atendimento de primeira instância",
    "agendamento_cps": "Agendamento no CPS",
    "pronto_atendimento_online": "Pronto Atendimento Online",
    "informar_identificacao": "Identificação",
    "consultar_protocolo": "Consulta de protocolo",
    "utilizacao_contestacao": "Contestação de item da utilização",
}

TIER_LABELS: dict[str, str] = {
    "primeira_instancia": "primeira instância",
    "ouvidoria": "Ouvidoria (segunda instância)",
    "teleconsulta": "teleconsulta",
}

# Which holidays a tier's deadline skips: the teleconsultation desk answers from Portugal (source 004).
_CALENDAR_OF_TIER = {"teleconsulta": PORTUGAL}
_HOLIDAYS_SKIPPED = {
    MINAS_GERAIS: "feriados nacionais e de Minas Gerais excluídos",
    PORTUGAL: "feriados de Portugal excluídos",
}


def calendar_region(tier: str) -> str:
    """Whose holidays a ticket's business days skip, by its tier.

    >>> calendar_region("teleconsulta"), calendar_region("ouvidoria"), calendar_region("primeira_instancia")
    ('PT', 'MG', 'MG')
    """
    return _CALENDAR_OF_TIER.get(tier, MINAS_GERAIS)


STATUS_LABELS: dict[str, str] = {
    "aberto": "aberto",
    "em_atendimento": "em atendimento",
    "aguardando_beneficiario": "aguardando sua resposta",
    "resolvido": "resolvido",
    "encerrado": "encerrado",
}


# Context keys open_ticket understands (actions/chamados.py builds them), in the order of the e-mail.
_IDENTITY_KEYS = ("beneficiario", "nome", "cpf", "carteirinha", "numero_cartao", "nif", "identificado")
_CLINICAL_KEYS = ("dados_coletados", "collected", "transcricao", "transcript", "text", "texto", "mensagem")
_KNOWN_KEYS = {*_IDENTITY_KEYS, *_CLINICAL_KEYS, "conversa", "canal", "opcoes_pedidas", "menu_option", "assunto"}


class ProtocolAllocationError(RuntimeError):
    """No free protocol number was found after :data:`MAX_PROTOCOL_ATTEMPTS` tries."""


@dataclass(frozen=True)
class TicketStatus:
    """What a beneficiary may learn about a protocol (no personal data).

    Attributes:
        protocol: The 20-digit protocol.
        status: Status in Portuguese (``aberto``, ``em atendimento``, ``encerrado``).
        category: Subject in Portuguese.
        created: When the ticket was opened, in the local time zone.
        due_date: Last day of the answer deadline, if any.
        inbox: Name of the team that handles it.
        tier: Service tier in Portuguese.
        resolution: The agent's resolution, once resolved or closed.
        last_update: The last reply an agent sent, and when (None before any).
    """

    protocol: str
    status: str
    category: str
    created: datetime
    due_date: date | None
    inbox: str
    tier: str
    resolution: str | None = None
    last_update: tuple[datetime, str] | None = None


def related_label(ticket: Ticket) -> str:
    """What a ticket's related protocol is to it, as the e-mail and the console name it.

    >>> from types import SimpleNamespace as T
    >>> related_label(T(tier="ouvidoria", category="ouvidoria")), related_label(T(tier="primeira_instancia",
    ...     category="falar_atendente")), related_label(T(tier="teleconsulta", category="tele_tecnologia"))
    ('primeira instância', 'pedido anterior nesta conversa', 'complemento do pedido')
    """
    if ticket.tier == "ouvidoria":
        return "primeira instância"
    if ticket.category == "falar_atendente":
        return "pedido anterior nesta conversa"
    return "complemento do pedido"


def category_label(category: str) -> str:
    """Return the Portuguese name of a ticket category.

    >>> category_label("tele_documentos"), category_label("algo_novo")
    ('Teleconsulta: documentos e retificações', 'Algo novo')
    """
    return CATEGORY_LABELS.get(category) or category.replace("_", " ").strip().capitalize() or "Atendimento"


def ticket_label(ticket: Any) -> str:
    """A ticket's category as agents read it: a request for a person names the menu topic it came from.

    >>> from types import SimpleNamespace as T
    >>> ticket_label(T(category="falar_atendente", context_json={"assunto": "Boletos e financeiro"}))
    'Pedido de atendente (Boletos e financeiro)'
    >>> ticket_label(T(category="falar_atendente", context_json={})), ticket_label(T(category="ouvidoria", \
context_json={"assunto": "x"}))
    ('Pedido de atendente', 'Ouvidoria')
    """
    label = category_label(ticket.category)
    assunto = (ticket.context_json or {}).get("assunto") if ticket.category == "falar_atendente" else None
    return f"{label} ({assunto})" if assunto else label


def inbox_label(address: str | None) -> str:
    """Return the name of the team behind an inbox address: its ``label`` in the routing rules file.

    >>> inbox_label("areaclinica@saude360.medis.pt"), inbox_label("x@y.pt"), inbox_label(None)
    ('Área clínica', 'x@y.pt', 'não definida')
    """
    try:
        rules = _rules()
    except Exception:  # noqa: BLE001 - a label is never worth failing a ticket; the address says enough
        return address or "não definida"
    return rules.label(address)


@lru_cache(maxsize=4)
def _rules_at(path: str) -> Any:
    return load_rules(path)


def _rules() -> Any:
    return _rules_at(str(get_settings().routing_rules_path))


def ticket_kind(kind: str | TicketKind, tier: str) -> TicketKind:
    """Map the kind given by the conversation to the deadline rule (Ombudsman tier always wins).

    >>> ticket_kind("cobertura", "primeira_instancia").value, ticket_kind("geral", "ouvidoria").value
    ('coverage_request', 'ombudsman')

    Raises:
        ValueError: If the kind is unknown.
    """
    if tier == "ouvidoria":
        return TicketKind.OMBUDSMAN
    key = kind.value if isinstance(kind, TicketKind) else str(kind)
    if key not in KINDS:
        raise ValueError(f"tipo de chamado desconhecido: {kind!r} (use um de {', '.join(sorted(KINDS))})")
    return KINDS[key]


def message_id_for(protocol: str, recipient: str) -> str:
    """Return the deterministic ``Message-ID`` of a ticket's e-mail to one recipient.

    The same ticket and recipient always give the same id, so the id doubles as the idempotency key of the
    outbox (unique column) and lets a mail server or client recognise a repeated message.

    >>> message_id_for("41750520261125000001", "Ouvidoria@cemigsaude.org.br")
    '<41750520261125000001.e833fe26ac7f@atende.cemigsaude.org.br>'
    """
    digest = hashlib.sha256(f"{protocol}|{recipient.strip().lower()}".encode()).hexdigest()[:12]
    return f"<{protocol}.{digest}@{MESSAGE_ID_DOMAIN}>"


def mask_text(value: str) -> str:
    """Mask CPFs, card numbers and full dates inside free text (the e-mail never carries them).

    >>> mask_text("meu cpf é 529.982.247-25 e a carteirinha 4175050000001004")
    'meu cpf é ***.982.247-** e a carteirinha 4175 **** **** 1004'
    """
    return mask_personal_data(value)


def mask_nif(nif: str) -> str:
    """A NIF with only its last three digits, as the e-mail and the console show it.

    >>> mask_nif("123 456 789")
    '******789'
    """
    digits = normalize_digits(nif)
    return f"******{digits[-3:]}" if len(digits) >= 3 else "***"


def _entry(key: str, value: Any) -> str:
    """One labelled datum, masked with its label: "guia: 20260000003" is a guide, a bare 11 digits may be a CPF.

    >>> _entry("guia", "20260000003"), _entry("cpf", "52998224725"), _entry("dados", {"guia": "20260000003"})
    ('guia: 20260000003', 'cpf: ***.982.247-**', 'dados: guia: 20260000003')
    """
    if value is None or isinstance(value, (bool, Mapping, list, tuple)):
        return f"{key}: {_format(value)}"
    return mask_text(f"{key}: {value}")


def _format(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "sim" if value else "não"
    if isinstance(value, Mapping):
        return ", ".join(_entry(k, v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_format(v) for v in value)
    return mask_text(str(value))


def _identity_lines(context: Mapping[str, Any], beneficiary: Beneficiary | None, *, full: bool) -> list[str]:
    collected = {**(context.get("collected") or {}), **(context.get("dados_coletados") or {})}
    merged = {**collected, **{k: context[k] for k in _IDENTITY_KEYS if context.get(k) not in (None, "")}}
    lines = []
    name = beneficiary.name if beneficiary is not None else merged.get("beneficiario") or merged.get("nome")
    if name:
        lines.append(f"Nome: {name}")
    cpf = beneficiary.cpf if beneficiary is not None and beneficiary.cpf else merged.get("cpf")
    if cpf and len(normalize_digits(str(cpf))) == 11:
        lines.append(f"CPF: {mask_cpf(str(cpf))}")
    card = (
        beneficiary.card_number
        if beneficiary is not None
        else (merged.get("carteirinha") or merged.get("numero_cartao"))
    )
    if card and len(normalize_digits(str(card))) == 16:
        lines.append(f"Carteirinha: {mask_card(str(card))}")
    if merged.get("nif"):
        # The teleconsultation desk identifies the client by NIF (procedure 004): in full to the inbox only.
        lines.append(f"NIF: {normalize_digits(str(merged['nif'])) if full else mask_nif(str(merged['nif']))}")
    identified = beneficiary is not None or bool(merged.get("identificado"))
    lines.append(f"Identificado no bot: {'sim' if identified else 'não'}")
    return lines


def _section(title: str, lines: Iterable[str]) -> list[str]:
    lines = [line for line in lines if line]
    return ["", f"== {title}", *lines] if lines else []


def render_body(
    ticket: Ticket,
    decision: Decision,
    context: Mapping[str, Any],
    *,
    beneficiary: Beneficiary | None,
    clinical: bool,
    timezone: str = DEFAULT_TIMEZONE,
) -> str:
    """Write the e-mail body for the agent, in Portuguese.

    Carries what the bot already collected ("coleta antecipada de informações", source 000) so nobody asks the
    beneficiary twice: identity (CPF and card masked), channel, menu options, data collected, transcript
    excerpt, the routing rule and why it matched, flags, tips already given and the deadline. With
    ``clinical=False`` (copies of a confidential ticket) the beneficiary's text, the data collected, the
    transcript and the rule's reason are left out and replaced by a notice.

    Args:
        ticket: The ticket, already with protocol and due date.
        decision: The routing decision.
        context: Context collected by the conversation (keys documented in ``docs/tickets.md``).
        beneficiary: The identified beneficiary, if any.
        clinical: Whether this copy may carry the clinical text.
        timezone: Zone of the dates shown.

    Returns:
        The plain-text body.
    """
    zone = ZoneInfo(timezone)
    created = ticket.created_at.astimezone(zone)
    channel = context.get("canal") or ticket.channel
    head = [
        f"Protocolo: {ticket.protocol}",
        f"Aberto em: {created:%d/%m/%Y %H:%M} ({timezone})",
        f"Assunto: {ticket_label(ticket)} ({ticket.category})",
        f"Instância: {TIER_LABELS.get(ticket.tier, ticket.tier)}",
    ]
    if ticket.due_date:
        kind = ticket_kind((ticket.context_json or {}).get("kind", "geral"), ticket.tier)
        head.append(
            f"Prazo de resposta: até {ticket.due_date:%d/%m/%Y} "
            f"({ANSWER_BUSINESS_DAYS[kind]} dias úteis; {_HOLIDAYS_SKIPPED[calendar_region(ticket.tier)]})"
        )
    head.append(f"Canal: {canal_rotulo(channel)}")
    if context.get("telefone"):
        # A call cannot be answered in writing: the inbox calls back, and reads the number as it dials it.
        head.append(f"Telefone para retorno: {telefone_legivel(context['telefone'])}")
    if context.get("conversa"):
        head.append(f"Conversa: {context['conversa']}")
    if ticket.related_protocol:
        # The Ombudsman follows a first-instance protocol; the teleconsultation desk, an earlier request it adds to;
        # a request for a person, what the same conversation asked before it.
        de_que = related_label(ticket)
        head.append(f"Protocolo relacionado ({de_que}): {ticket.related_protocol}")

    routing = [
        f"Caixa: {decision.inbox} ({inbox_label(decision.inbox)})"
        + (" - confidencial" if decision.confidential else ""),
        f"Cópia: {', '.join(decision.cc)}" if decision.cc else "",
        f"Regra: {decision.rule}",
        f"Motivo: {mask_text(decision.reason)}" if clinical else "",
    ]
    options = context.get("opcoes_pedidas") or context.get("menu_option")
    body = [*head]
    body += _section("Beneficiário", _identity_lines(context, beneficiary, full=clinical))
    body += _section("Encaminhamento", routing)
    body += _section("Atenção", [f"- {flag}" for flag in decision.flags])
    body += _section("Dicas já dadas ao beneficiário", [f"- {tip}" for tip in decision.tips])
    body += _section("Opções do menu", [_format(options)] if options else [])
    if clinical:
        collected = {**(context.get("collected") or {}), **(context.get("dados_coletados") or {})}
        collected_lines = [f"- {_entry(k, v)}" for k, v in collected.items() if v not in (None, "")]
        body += _section("Dados coletados", collected_lines)
        text_lines = [mask_text(ticket.summary)] if ticket.summary else []
        body += _section("Pedido do beneficiário", text_lines)
        transcript = context.get("transcricao") or context.get("transcript") or []
        if isinstance(transcript, str):
            transcript = transcript.splitlines()
        body += _section("Conversa (últimas mensagens)", [mask_text(str(line)) for line in transcript])
        others = {k: v for k, v in context.items() if k not in _KNOWN_KEYS and k != "kind" and v not in (None, "")}
        body += _section("Outros dados", [f"- {_entry(k, v)}" for k, v in others.items()])
    else:
        body += _section(
            "Conteúdo clínico",
            [
                f"{RESTRICTED_NOTICE.capitalize()} ({decision.inbox}): o relato do beneficiário, os dados "
                "coletados e a conversa não vão nesta cópia.",
            ],
        )
    body += [
        "",
        "--",
        "Mensagem automática do Atende (Cemig Saúde). Ao responder ao beneficiário, cite o protocolo.",
    ]
    return "\n".join(body) + "\n"


def subject_for(ticket: Ticket, context: Mapping[str, Any] | None = None) -> str:
    """Return the e-mail subject: ``[<protocol>] <category label>``.

    For the Ombudsman the kind of manifestation (``tipo_manifestacao`` in the context) is appended.
    """
    label = ticket_label(ticket)
    kind = (context or {}).get("tipo_manifestacao")
    if ticket.category == "ouvidoria" and kind:
        label = f"{label}: {kind}"
    return f"[{ticket.protocol}] {label}"


def _outbox_rows(
    ticket: Ticket,
    decision: Decision,
    context: Mapping[str, Any],
    *,
    beneficiary: Beneficiary | None,
    now: datetime,
    timezone: str,
) -> list[OutboxMessage]:
    inbox = decision.inbox.strip()
    cc = [address.strip() for address in decision.cc if address.strip() and address.strip().lower() != inbox.lower()]
    cc = list(dict.fromkeys(cc))
    subject = subject_for(ticket, context)

    def row(to: str, copy: list[str], clinical: bool) -> OutboxMessage:
        return OutboxMessage(
            ticket_id=ticket.id,
            message_id=message_id_for(ticket.protocol, to),
            to_address=to,
            cc_addresses=copy,
            subject=subject,
            body=render_body(ticket, decision, context, beneficiary=beneficiary, clinical=clinical, timezone=timezone),
            clinical_content=clinical,
            status="pendente",
            attempts=0,
            created_at=now,
            # Due at once on the delivery worker's real clock, also when the conversation runs on a fixed clock
            # (ATENDE_NOW) set in the future.
            next_attempt_at=min(now, utc_now()),
        )

    target = _rules().inbox_at(inbox)
    if target is not None and not target.by_email:
        return []  # worked only in the agents' console (worked_in: painel): no e-mail
    if not decision.confidential:
        return [row(inbox, cc, True)]
    # Confidential: only the clinical inbox reads the clinical text; the others get one restricted copy.
    rows = [row(inbox, [], True)]
    if cc:
        rows.append(row(cc[0], cc[1:], False))
    return rows


def queue_addendum(
    ticket: Ticket, addendum: str, *, session: Session, now: datetime | None = None, timezone: str = DEFAULT_TIMEZONE
) -> OutboxMessage | None:
    """Queue an e-mail to the ticket's inbox with what the beneficiary added after it was opened.

    The inbox got the ticket by e-mail (the teleconsultation desk's are worked only that way); what the person
    says next must reach it the same way, under the same protocol. An inbox worked only in the console reads it
    in the ticket's history instead, and gets nothing here. The text is masked like the ticket's own e-mail.

    Returns:
        The queued message, or None when the inbox is not worked by e-mail.
    """
    target = _rules().inbox_at(ticket.inbox)
    if not ticket.inbox or (target is not None and not target.by_email):
        return None
    now = now or utc_now()
    sent_before = session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id)
    ) or 0
    when = now.astimezone(ZoneInfo(timezone)).strftime("%d/%m/%Y %H:%M")
    body = "\n".join([
        f"Complemento do beneficiário ao protocolo {ticket.protocol} ({category_label(ticket.category)}), "
        f"escrito na conversa em {when}:",
        "",
        mask_text(addendum),
        "",
        "Este e-mail só acrescenta ao chamado já enviado com o mesmo protocolo; responda pelo fluxo habitual dele.",
    ])
    message = OutboxMessage(
        ticket_id=ticket.id,
        # Unique per addendum: the ticket's own e-mail keeps the id of (protocol, recipient).
        message_id=message_id_for(f"{ticket.protocol}.{sent_before + 1}", ticket.inbox),
        to_address=ticket.inbox,
        cc_addresses=[],
        subject=f"{subject_for(ticket, ticket.context_json)}: complemento do beneficiário",
        body=body,
        clinical_content=bool(target is not None and target.confidential),
        status="pendente",
        attempts=0,
        created_at=now,
        next_attempt_at=min(now, utc_now()),
    )
    session.add(message)
    session.flush()
    return message


# Key of the PostgreSQL advisory lock that queues ticket openings (the operator's ANS registration).
PROTOCOL_LOCK_KEY = int(PROTOCOL_PREFIX)


def _take_write_lock(session: Session) -> None:
    # Ticket openings queue instead of racing for the same number: with optimistic retries alone, a writer
    # descheduled on a busy machine could lose every race while others commit, and fail the beneficiary.
    # SQLite: a write as the first statement takes the database's write lock, so concurrent writers wait for
    # each other (busy timeout) instead of failing when a reader later tries to upgrade. PostgreSQL: a
    # transaction-level advisory lock, released at commit or rollback. The unique index on tickets.protocol
    # still settles a race with any other writer, through the retries below.
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        session.execute(text("UPDATE tickets SET id = id WHERE 0 = 1"))
    elif dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PROTOCOL_LOCK_KEY})


def _is_protocol_conflict(exc: IntegrityError) -> bool:
    message = str(exc.orig).lower()
    return "protocol" in message and ("unique" in message or "duplicate" in message)


def open_ticket(
    decision: Decision,
    *,
    session: Session,
    channel: str,
    category: str,
    summary: str,
    context: dict,
    beneficiary_id: int | None = None,
    related_protocol: str | None = None,
    kind: str = "geral",
    now: datetime | None = None,
    timezone: str = DEFAULT_TIMEZONE,
) -> Ticket:
    """Open a ticket with its protocol, deadline and e-mail(s) in the caller's transaction.

    Implements the protocol at the first contact (ANS RN 623/2024, format of RN 395), the answer deadlines in
    business days (RN 623/2024: 5 coverage, 10 high complexity or elective hospitalization, 7 other;
    RN 323/2013: 7 at the Ombudsman) and the transactional outbox of issue 4 (the ticket and its e-mail exist
    together or not at all). The protocol is unique across processes: the number comes from
    :func:`~bot.db.repository.next_protocol`, and when another process commits the same number first the
    insert is rolled back to a savepoint and the next number is tried.

    On SQLite call it first in its transaction (as ``actions/chamados.py`` does): it takes the write lock so
    concurrent writers queue instead of failing.

    Args:
        decision: The routing decision (inbox, CC, tier, rule, flags...).
        session: Open session; flushed, not committed.
        channel: a :class:`bot.canais.Canal` value (``whatsapp``, ``telegram``, ``ura``, ``rest``).
        category: Triage category or intent (``tele_documentos``, ``falar_atendente``, ``ouvidoria``...).
        summary: The beneficiary's request for the agent (CPF and card masked in the e-mail).
        context: What the conversation collected: ``beneficiario``, ``dados_coletados``, ``transcricao``,
            ``opcoes_pedidas``, ``conversa``, ``canal`` and any extra keys (``docs/tickets.md``).
        beneficiary_id: The identified beneficiary, when there is one.
        related_protocol: First-instance protocol an Ombudsman ticket follows up.
        kind: ``geral`` | ``cobertura`` | ``alta_complexidade`` | ``internacao_eletiva`` | ``ouvidoria``.
        now: Creation time (aware); now by default.
        timezone: Zone whose calendar date goes into the protocol and the deadline.

    Returns:
        The flushed ticket, with ``protocol`` and ``due_date`` set.

    Raises:
        ValueError: Unknown kind or tier, or a naive ``now``.
        ProtocolAllocationError: No free number after many concurrent conflicts.
    """
    if decision.tier not in TICKET_TIERS:
        raise ValueError(f"instância desconhecida na decisão: {decision.tier!r} (aceitas: {', '.join(TICKET_TIERS)})")
    created_at = now or utc_now()
    if created_at.tzinfo is None:
        raise ValueError("now precisa de fuso horário")
    deadline_kind = ticket_kind(kind, decision.tier)
    local_day = created_at.astimezone(ZoneInfo(timezone)).date()
    due = answer_due(local_day, deadline_kind, region=calendar_region(decision.tier))
    stored_context = {**context, "kind": kind, "decision": decision.to_json()}

    _take_write_lock(session)
    ticket = None
    for attempt in range(1, MAX_PROTOCOL_ATTEMPTS + 1):
        protocol = next_protocol(local_day, session=session)
        try:
            with session.begin_nested():
                ticket = create_ticket(
                    channel,
                    category,
                    summary,
                    session=session,
                    beneficiary_id=beneficiary_id,
                    tier=decision.tier,
                    inbox=decision.inbox,
                    context=stored_context,
                    due_date=due,
                    related_protocol=related_protocol,
                    protocol=protocol,
                    now=created_at,
                )
            break
        except IntegrityError as exc:
            if not _is_protocol_conflict(exc):
                raise
            logger.info("protocolo %s já usado por outro processo; tentativa %d", protocol, attempt)
    else:
        raise ProtocolAllocationError(f"nenhum protocolo livre após {MAX_PROTOCOL_ATTEMPTS} tentativas")

    beneficiary = session.get(Beneficiary, beneficiary_id) if beneficiary_id is not None else None
    session.add_all(_outbox_rows(ticket, decision, context, beneficiary=beneficiary, now=created_at, timezone=timezone))
    session.flush()
    return ticket


def ticket_status(
    protocol: str,
    *,
    session: Session,
    owners: Iterable[int] | None = None,
    timezone: str = DEFAULT_TIMEZONE,
) -> TicketStatus | None:
    """Look up the status of a protocol, for the beneficiary who asks (no personal data in the answer).

    Args:
        protocol: The protocol as typed; non-digits are ignored.
        session: Open session.
        owners: The beneficiaries the asker may see; a ticket of anyone else (or of nobody) is "not found".
            None only for agents and tools, never for a conversation.
        timezone: Zone of ``created``.

    Returns:
        The status, or None when no ticket of those owners has that protocol.
    """
    ticket = find_ticket_by_protocol(protocol, session=session)
    if ticket is None:
        return None
    if owners is not None and ticket.beneficiary_id not in set(owners):
        return None
    # The last reply that reached the beneficiary (notes are internal; failed deliveries never arrived).
    reply = session.scalar(
        select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "resposta", TicketEvent.public.is_(True),
               TicketEvent.delivery_status == "enviada")
        .order_by(TicketEvent.at.desc(), TicketEvent.id.desc())
        .limit(1)
    )
    return TicketStatus(
        protocol=ticket.protocol,
        status=STATUS_LABELS.get(ticket.status, ticket.status),
        category=category_label(ticket.category),
        created=ticket.created_at.astimezone(ZoneInfo(timezone)),
        due_date=ticket.due_date,
        inbox=inbox_label(ticket.inbox),
        tier=TIER_LABELS.get(ticket.tier, ticket.tier),
        resolution=ticket.resolution if ticket.status in ("resolvido", "encerrado") else None,
        last_update=(reply.at.astimezone(ZoneInfo(timezone)), reply.text or "") if reply is not None else None,
    )
