"""The ticket workflow of the agents' console: plain functions over the database, tested without a browser.

Every change an agent makes is one :class:`~bot.db.models.TicketEvent` (who, when, what), so a ticket's
history is complete; what the beneficiary may read back (replies, status, resolution) is marked public.
The confidential inbox is visible only to clinical agents: to anyone else its tickets do not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Dict, List, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db import repository
from bot.db.models import TICKET_STATUSES, Agent, Beneficiary, Ticket, TicketAccess, TicketEvent, utc_now
from bot.identifiers import is_valid_cpf
from bot.nlu.parsing import find_identifiers
from bot.regulation.calendar import is_business_day
from bot.regulation.deadlines import answer_due
from routing.ruleset import Inbox, RuleSet
from routing.tickets import calendar_region, ticket_kind

# Statuses still in someone's queue.
ABERTOS = ("aberto", "em_atendimento", "aguardando_beneficiario")
# Status changes an agent may make; "encerrado" is final.
TRANSICOES: Dict[str, tuple[str, ...]] = {
    "aberto": ("em_atendimento", "aguardando_beneficiario", "resolvido", "encerrado"),
    "em_atendimento": ("aguardando_beneficiario", "resolvido", "encerrado"),
    "aguardando_beneficiario": ("em_atendimento", "resolvido", "encerrado"),
    "resolvido": ("em_atendimento", "encerrado"),
    "encerrado": (),
}
ROTULOS_STATUS = {
    "aberto": "Aberto",
    "em_atendimento": "Em atendimento",
    "aguardando_beneficiario": "Aguardando beneficiário",
    "resolvido": "Resolvido",
    "encerrado": "Encerrado",
}


class FluxoError(ValueError):
    """An action the ticket's state does not allow (message in Portuguese, shown to the agent)."""


def caixas_do_painel(rules: RuleSet) -> Dict[str, Inbox]:
    """The inboxes worked in the console (``worked_in: painel`` or ``ambos``), by key."""
    return {key: inbox for key, inbox in rules.inboxes.items() if inbox.in_console}


def enderecos_visiveis(agent: Agent, rules: RuleSet) -> set[str]:
    """Addresses (lower case) of the inboxes whose tickets ``agent`` sees; the clinical one only if clinical."""
    caixas = caixas_do_painel(rules)
    return {
        caixas[key].address.lower()
        for key in agent.inboxes
        if key in caixas and (agent.clinical or not caixas[key].confidential)
    }


def situacao_do_prazo(due: date | None, hoje: date) -> str:
    """How much of the business-day answer deadline (RN 623/2024, RN 323/2013) is left.

    >>> situacao_do_prazo(date(2026, 12, 4), date(2026, 12, 2)), situacao_do_prazo(date(2026, 12, 2), date(2026, 12, 2))
    ('no_prazo', 'vence_hoje')
    >>> situacao_do_prazo(date(2026, 12, 1), date(2026, 12, 2)), situacao_do_prazo(None, date(2026, 12, 2))
    ('atrasado', 'sem_prazo')
    """
    if due is None:
        return "sem_prazo"
    if due < hoje:
        return "atrasado"
    return "vence_hoje" if due == hoje else "no_prazo"


def dias_uteis_restantes(due: date | None, hoje: date, tier: str = "primeira_instancia") -> int | None:
    """Business days from ``hoje`` (exclusive) to ``due`` (inclusive); negative when late.

    The tier names the calendar: the teleconsultation desk's days skip Portugal's holidays.

    >>> dias_uteis_restantes(date(2026, 12, 7), date(2026, 12, 4))  # Friday to Monday
    1
    >>> dias_uteis_restantes(date(2026, 12, 1), date(2026, 12, 3))
    -2
    >>> dias_uteis_restantes(date(2026, 12, 9), date(2026, 12, 7), "teleconsulta")  # 8/12 is a holiday there
    1
    """
    if due is None:
        return None
    inicio, fim, sinal = (hoje, due, 1) if due >= hoje else (due, hoje, -1)
    regiao = calendar_region(tier)
    dias = sum(1 for n in range(1, (fim - inicio).days + 1) if is_business_day(inicio + timedelta(days=n), (), regiao))
    return sinal * dias


# How a ticket's tier reads on its page.
INSTANCIAS = {
    "primeira_instancia": "primeira instância",
    "ouvidoria": "segunda instância (Ouvidoria)",
    "teleconsulta": "balcão da teleconsulta",
}


@dataclass(frozen=True)
class Filtro:
    """What the queue shows: open tickets unless a status is chosen; channel, category, protocol search."""

    status: str = ""
    canal: str = ""
    categoria: str = ""
    protocolo: str = ""


def _visiveis(agent: Agent, rules: RuleSet):
    return func.lower(Ticket.inbox).in_(sorted(enderecos_visiveis(agent, rules)) or [""])


def _busca(texto: str):
    """What the search box matches: a CPF (11 valid digits), a name (letters), else part of a protocol.

    u15: an agent searching the beneficiary's CPF or name found nothing; the search took protocols only.
    """
    digitos = "".join(c for c in texto if c.isdigit())
    if len(digitos) == 11 and is_valid_cpf(digitos):
        return Ticket.beneficiary_id.in_(select(Beneficiary.id).where(Beneficiary.cpf == digitos))
    nome = " ".join(texto.split())
    if not digitos and len(nome) >= 3:
        nomes = select(Beneficiary.id).where(func.lower(Beneficiary.name).contains(nome.lower(), autoescape=True))
        return Ticket.beneficiary_id.in_(nomes)
    return Ticket.protocol.contains(digitos or "-")


def fila(agent: Agent, filtro: Filtro, *, session: Session, rules: RuleSet) -> List[Ticket]:
    """The agent's queue: tickets of the inboxes they see, by deadline then age (oldest first)."""
    query = select(Ticket).where(_visiveis(agent, rules))
    if filtro.protocolo:
        query = query.where(_busca(filtro.protocolo))
    # u18: a search ignored the status chosen beside it. A search alone looks at every status.
    if filtro.status == "todas":
        pass  # u18: there was no way to see every status at once
    elif filtro.status:
        query = query.where(Ticket.status == filtro.status)
    elif not filtro.protocolo:
        query = query.where(Ticket.status.in_(ABERTOS))
    if filtro.canal:
        query = query.where(Ticket.channel == filtro.canal)
    if filtro.categoria:
        query = query.where(Ticket.category == filtro.categoria)
    # Tickets without a deadline go last.
    query = query.order_by(Ticket.due_date.is_(None), Ticket.due_date, Ticket.created_at, Ticket.id)
    return list(session.scalars(query.limit(500)))


def contagem_por_status(agent: Agent, *, session: Session, rules: RuleSet) -> Dict[str, int]:
    """How many visible tickets are in each status (every status present, zero included)."""
    rows = session.execute(
        select(Ticket.status, func.count()).where(_visiveis(agent, rules)).group_by(Ticket.status)
    ).all()
    contagem = {status: 0 for status in TICKET_STATUSES}
    contagem.update({status: total for status, total in rows})
    return contagem


def abrir(agent: Agent, ticket_id: int, *, session: Session, rules: RuleSet, registrar: bool = True) -> Ticket | None:
    """The ticket if ``agent`` may see it (None otherwise, as if it did not exist); the opening is logged."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is None or (ticket.inbox or "").lower() not in enderecos_visiveis(agent, rules):
        return None
    if registrar:
        session.add(TicketAccess(ticket_id=ticket.id, agent_id=agent.id, at=utc_now()))
    return ticket


def relacionado(agent: Agent, ticket: Ticket, *, session: Session, rules: RuleSet) -> Ticket | None:
    """The first-instance ticket an Ombudsman ticket follows up, to read on its page; the reading is logged.

    u15: the Ombudsman was told to check the first-instance protocol but could neither see it nor open it
    (another inbox). It is shown read-only on the page of the ticket that cites it; a confidential one only to a
    clinical agent, as anywhere else.
    """
    if not ticket.related_protocol:
        return None
    antes = session.scalar(select(Ticket).where(Ticket.protocol == ticket.related_protocol))
    if antes is None or antes.id == ticket.id:
        return None
    confidenciais = {i.address.lower() for i in rules.inboxes.values() if i.confidential}
    if (antes.inbox or "").lower() in confidenciais and not agent.clinical:
        return None
    if not mesma_pessoa(antes, ticket):
        return None  # u21: anyone could cite anyone's protocol and read that person's case (outra_pessoa says so)
    session.add(TicketAccess(ticket_id=antes.id, agent_id=agent.id, at=utc_now()))
    return antes


def mesma_pessoa(antes: Ticket, ticket: Ticket) -> bool:
    """Whether two tickets are the same person's: the same identified beneficiary, or the same conversation."""
    if antes.beneficiary_id is not None and antes.beneficiary_id == ticket.beneficiary_id:
        return True
    conversa = (ticket.context_json or {}).get("conversa")
    return bool(conversa) and (antes.context_json or {}).get("conversa") == conversa


def citado_confidencial(agent: Agent, ticket: Ticket, *, session: Session, rules: RuleSet) -> bool:
    """Whether the protocol a ticket cites exists but is a clinical one this agent may not read.

    u23: the Ombudsman read "(não encontrado no sistema)" for a first-instance ticket an agent had moved to the
    clinical area; it exists, and the page says why it is not shown.
    """
    if not ticket.related_protocol or agent.clinical:
        return False
    antes = session.scalar(select(Ticket).where(Ticket.protocol == ticket.related_protocol))
    confidenciais = {i.address.lower() for i in rules.inboxes.values() if i.confidential}
    return antes is not None and antes.id != ticket.id and (antes.inbox or "").lower() in confidenciais


def citado_de_outra_pessoa(ticket: Ticket, *, session: Session) -> bool:
    """Whether the first-instance protocol an Ombudsman ticket cites exists but is someone else's."""
    if not ticket.related_protocol:
        return False
    antes = session.scalar(select(Ticket).where(Ticket.protocol == ticket.related_protocol))
    return antes is not None and antes.id != ticket.id and not mesma_pessoa(antes, ticket)


def _evento(ticket: Ticket, agent: Agent | None, kind: str, **campos) -> TicketEvent:
    campos.setdefault("public", False)
    campos.setdefault("attempts", 0)
    evento = TicketEvent(ticket_id=ticket.id, agent_id=agent.id if agent else None, at=utc_now(), kind=kind, **campos)
    ticket.updated_at = evento.at
    return evento


def _aberto(ticket: Ticket) -> None:
    if ticket.status == "encerrado":
        raise FluxoError(f"o chamado {ticket.protocol} está encerrado")


def assumir(agent: Agent, ticket: Ticket, *, session: Session, no_lugar: bool = False) -> TicketEvent:
    """Assign the ticket to ``agent``; an open ticket goes to "em atendimento".

    Taking a ticket someone else has needs ``no_lugar`` (the page asks): from a page opened before a colleague
    took it, two agents would both start answering one beneficiary (u15).
    """
    _aberto(ticket)
    if ticket.assigned_agent_id == agent.id:
        raise FluxoError("este chamado já está com você")
    if ticket.assigned_agent_id is not None and not no_lugar:
        colega = session.get(Agent, ticket.assigned_agent_id)
        raise FluxoError(f"este chamado já está com {colega.name}: para assumir no lugar, use o botão da página")
    colega = session.get(Agent, ticket.assigned_agent_id) if ticket.assigned_agent_id else None
    anterior = colega.name if colega else ""
    ticket.assigned_agent_id = agent.id
    evento = _evento(ticket, agent, "atribuicao", old_value=anterior[:120] or None, new_value=agent.name[:120])
    session.add(evento)
    if ticket.status == "aberto":
        session.add(_mudar(ticket, agent, "em_atendimento"))
    return evento


def liberar(agent: Agent, ticket: Ticket, *, session: Session) -> TicketEvent:
    """Release the ticket back to its inbox's queue."""
    if ticket.assigned_agent_id is None:
        raise FluxoError("este chamado não está com ninguém")
    # By id: the relationship is stale when the ticket was taken in this same session.
    evento = _evento(ticket, agent, "liberacao", old_value=session.get(Agent, ticket.assigned_agent_id).name[:120])
    ticket.assigned_agent_id = None
    session.add(evento)
    _de_volta_a_fila(ticket, agent, session=session)
    return evento


def _de_volta_a_fila(ticket: Ticket, agent: Agent, *, session: Session) -> None:
    # u15: released or transferred, the ticket read "em atendimento, com ninguém" and counted under no queue's
    # "aberto": nobody works it until someone takes it.
    if ticket.status == "em_atendimento":
        session.add(_mudar(ticket, agent, "aberto"))


def anotar(agent: Agent, ticket: Ticket, texto: str, *, session: Session) -> TicketEvent:
    """An internal note: kept in the history, never sent to the beneficiary."""
    texto = _texto(texto, "a nota")
    evento = _evento(ticket, agent, "nota", text=texto, public=False)
    session.add(evento)
    return evento


def _texto(texto: str, oque: str, limite: int = 4000) -> str:
    texto = (texto or "").strip()
    if not texto:
        raise FluxoError(f"escreva {oque} antes de enviar")
    if len(texto) > limite:
        raise FluxoError(f"{oque} tem {len(texto)} caracteres; o limite é {limite}")
    return texto


def registrar_resposta(agent: Agent, ticket: Ticket, texto: str, *, session: Session) -> TicketEvent:
    """Record a reply to the beneficiary, pending delivery (painel/entrega.py sends it and marks the outcome).

    WhatsApp's own limit is 1,600 characters per message, so longer replies are refused here.
    """
    _aberto(ticket)
    if ticket.assigned_agent_id not in (None, agent.id):
        # u18: a colleague's page answered the beneficiary of a ticket Bruna had taken; he got two people at once.
        colega = session.get(Agent, ticket.assigned_agent_id)
        raise FluxoError(
            f"Este chamado está com {colega.name}: para responder, assuma no lugar dele(a) com o botão da página."
        )
    texto = _texto(texto, "a resposta", limite=1600)
    evento = _evento(ticket, agent, "resposta", text=texto, public=True, delivery_status="pendente")
    session.add(evento)
    if ticket.assigned_agent_id is None:
        ticket.assigned_agent_id = agent.id
    # u21: a reply on a resolved ticket paused the bot while the ticket stayed out of every open queue: what the
    # person wrote next reached nobody. Answering reopens it.
    if ticket.status in ("aberto", "resolvido"):
        session.add(_mudar(ticket, agent, "em_atendimento"))
    return evento


def marcar_entrega(evento: TicketEvent, erro: str | None) -> None:
    """Record the outcome of one delivery attempt of a reply."""
    evento.attempts += 1
    evento.delivery_status = "falhou" if erro else "enviada"
    evento.delivery_error = erro[:2000] if erro else None


def destino_da_transferencia(rules: RuleSet, chave: str) -> tuple[Inbox, str]:
    """The inbox called ``chave`` and the tier its tickets belong to, as the routing rules send them.

    Raises:
        FluxoError: No such inbox, an inbox worked only by e-mail, or no rule routes to it (no tier known).
    """
    inbox = rules.inboxes.get(chave)
    if inbox is None:
        raise FluxoError(f"caixa de destino desconhecida: {chave!r}")
    if not inbox.in_console:
        # Nobody would see it: an e-mail-only inbox receives tickets from the bot's routing, not from here.
        raise FluxoError(f"a caixa {inbox.label or chave} não é atendida no painel (só por e-mail)")
    for rule in rules.rules:
        if rule.outcome.inbox == chave or rules.address(rule.outcome.inbox) == inbox.address:
            return inbox, rule.outcome.tier
    raise FluxoError(f"nenhuma regra de encaminhamento usa a caixa {chave!r}")


def transferir(
    agent: Agent, ticket: Ticket, chave: str, motivo: str, *, session: Session, rules: RuleSet,
    hoje: date | None = None,
) -> TicketEvent:
    """Move the ticket to another inbox (or to the Ombudsman tier) with a reason; it leaves the agent's hands.

    Reaching the Ombudsman, the ticket gets the Ombudsman's own deadline, 7 business days from ``hoje`` (RN
    323/2013; u18: it kept the first instance's).
    """
    _aberto(ticket)
    motivo = _texto(motivo, "o motivo da transferência", limite=1000)
    inbox, tier = destino_da_transferencia(rules, chave)
    if inbox.address.lower() == (ticket.inbox or "").lower():
        raise FluxoError("o chamado já está nessa caixa")
    atual = next((i for i in rules.inboxes.values() if i.address.lower() == (ticket.inbox or "").lower()), None)
    if atual is not None and atual.confidential and not inbox.confidential:
        # u18: one click put a clinical exchange (a diagnosis, an allergy) in front of the first line.
        raise FluxoError(
            "Um chamado clínico é confidencial e só vai para outra caixa clínica. Se o beneficiário tem outro "
            "assunto, peça que ele escreva menu e depois 0 na conversa (abre um chamado novo) ou registre uma nota."
        )
    evento = _evento(ticket, agent, "transferencia", text=motivo, old_value=(ticket.inbox or "")[:120],
                     new_value=inbox.address[:120])
    if tier == "ouvidoria" and ticket.tier != "ouvidoria":
        dia = hoje or utc_now().astimezone(rules.timezone).date()
        ticket.due_date = answer_due(dia, ticket_kind("geral", "ouvidoria"))
    ticket.inbox, ticket.tier, ticket.assigned_agent_id = inbox.address, tier, None
    session.add(evento)
    _de_volta_a_fila(ticket, agent, session=session)
    return evento


def aviso_de_transferencia(ticket: Ticket, rules: RuleSet) -> str:
    """What the beneficiary reads when an agent has just transferred their ticket (``ticket`` already moved).

    u18: a transfer to the Ombudsman was silent; an older item: so was one to the clinical area, and the person
    kept writing to someone who no longer had the request.
    """
    if ticket.tier == "ouvidoria":
        return (f"Seu pedido de protocolo {ticket.protocol} foi encaminhado à Ouvidoria da Cemig Saúde (segunda "
                f"instância). A resposta vem por esta conversa até {ticket.due_date:%d/%m/%Y}.")
    inbox = next((i for i in rules.inboxes.values() if i.address.lower() == (ticket.inbox or "").lower()), None)
    equipe = inbox.label if inbox is not None and inbox.label else "outra equipe"
    sigilo = " Só profissionais de saúde leem o que você escrever sobre ele." if inbox and inbox.confidential else ""
    return (f"Seu pedido de protocolo {ticket.protocol} passou para outra equipe ({equipe}), que continua o "
            f"atendimento por esta conversa.{sigilo}")


def _mudar(ticket: Ticket, agent: Agent | None, novo: str, texto: str | None = None) -> TicketEvent:
    evento = _evento(ticket, agent, "status", old_value=ticket.status, new_value=novo, text=texto, public=True)
    ticket.status = novo
    return evento


def mudar_status(agent: Agent, ticket: Ticket, novo: str, *, session: Session, resolucao: str = "") -> TicketEvent:
    """Move the ticket along aberto → em atendimento → aguardando beneficiário → resolvido → encerrado.

    Resolving or closing needs the resolution text the beneficiary will read.
    """
    if novo not in TRANSICOES.get(ticket.status, ()):
        raise FluxoError(
            f"não é possível passar de '{ROTULOS_STATUS.get(ticket.status, ticket.status)}' "
            f"para '{ROTULOS_STATUS.get(novo, novo)}'"
        )
    texto = None
    if novo in ("resolvido", "encerrado"):
        texto = (resolucao or "").strip() or (ticket.resolution or "")
        texto = _texto(texto, "a resolução", limite=2000)
        ticket.resolution = texto
    evento = _mudar(ticket, agent, novo, texto)
    session.add(evento)
    return evento


def pausar_conversa(agent: Agent, ticket: Ticket, *, session: Session) -> TicketEvent:
    """Record that the bot went silent in the conversation because ``agent`` answered in it."""
    evento = _evento(ticket, agent, "pausa_do_bot")
    session.add(evento)
    return evento


def identificar_pela_conversa(agent: Agent, ticket: Ticket, textos: Sequence[str], *, session: Session) -> TicketEvent:
    """Give the ticket the beneficiary whose CPF (or card) and birth date the person wrote in the conversation.

    u24: someone not identified before asking for a person wrote "meu cpf é …" and "nasci em …" to the agent, who
    read both masked and could do nothing with them. The console checks them against the registry without showing
    them; the history records who checked and whose record it is.

    Args:
        agent: Who checks.
        ticket: A ticket without a beneficiary.
        textos: What the person wrote in the conversation, oldest first.
        session: Open session; the caller commits.

    Raises:
        FluxoError: The ticket has a beneficiary, or the conversation lacks a document or a date, or they do not
            match one beneficiary's record.
    """
    if ticket.beneficiary_id is not None:
        raise FluxoError("o chamado já tem o beneficiário identificado")
    documentos = [f for texto in textos for f in find_identifiers(texto) if f.entity in ("cpf", "numero_cartao")]
    datas = {f.value for texto in textos for f in find_identifiers(texto) if f.entity == "data"}
    if not documentos or not datas:
        raise FluxoError(
            "a conversa não tem um CPF (ou o número da carteirinha) e uma data de nascimento escritos pelo "
            "beneficiário: peça os dois a ele e tente de novo"
        )
    # The latest document first: a CPF corrected in a second message is the one meant.
    for documento in reversed(documentos):
        busca = repository.find_beneficiary_by_cpf if documento.entity == "cpf" else repository.find_beneficiary_by_card
        pessoa = busca(documento.value, session=session)
        if pessoa is not None and pessoa.birth_date.isoformat() in datas:
            ticket.beneficiary_id = pessoa.id
            evento = _evento(ticket, agent, "nota", text=(
                f"Identificação conferida no painel: o documento e a data de nascimento escritos na conversa são os do "
                f"cadastro de {pessoa.name}."
            ))
            session.add(evento)
            return evento
    raise FluxoError("o documento e a data de nascimento escritos na conversa não conferem com nenhum cadastro")


def pausa_registrada(ticket: Ticket, *, session: Session) -> bool:
    """Whether the history already records that the bot went silent in the ticket's conversation for an agent."""
    return session.scalar(
        select(func.count()).select_from(TicketEvent)
        .where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "pausa_do_bot")
    ) > 0


def devolver_ao_bot(agent: Agent, ticket: Ticket, *, session: Session) -> TicketEvent:
    """Record that the conversation goes back to the bot (the console then resumes it in Rasa)."""
    evento = _evento(ticket, agent, "devolucao_ao_bot")
    session.add(evento)
    return evento


def protocolos_confidenciais(agent: Agent, ticket: Ticket, *, session: Session, rules: RuleSet) -> List[str]:
    """The protocols of the confidential tickets of ``ticket``'s conversation that ``agent`` may not read.

    A clinical agent reads everything. Anyone else reads a conversation in which the same person also asked the
    clinical area something (u18: "tenho depressão e não queria que aparecesse", then "0", was read by the first
    line on the second ticket) without that request and the clinical area's exchange (painel/entrega.py).
    """
    conversa = (ticket.context_json or {}).get("conversa", "")
    confidenciais = {i.address.lower() for i in rules.inboxes.values() if i.confidential}
    if agent.clinical or not conversa or not confidenciais:
        return []
    clinicos = session.scalars(select(Ticket).where(func.lower(Ticket.inbox).in_(sorted(confidenciais))))
    return [t.protocol for t in clinicos if (t.context_json or {}).get("conversa") == conversa]


def quem_respondeu(ticket: Ticket, *, session: Session) -> str | None:
    """The name of the last agent whose reply reached the beneficiary on this ticket, if any did."""
    respostas = [e for e in historico(ticket, session=session) if e.kind == "resposta" and e.agent_id is not None
                 and e.delivery_status == "enviada"]
    agente = session.get(Agent, respostas[-1].agent_id) if respostas else None
    return agente.name if agente else None


def historico(ticket: Ticket, *, session: Session) -> Sequence[TicketEvent]:
    """The ticket's history, oldest first."""
    query = select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.at, TicketEvent.id)
    return list(session.scalars(query))


def ultima_atualizacao_publica(ticket: Ticket, *, session: Session) -> TicketEvent | None:
    """The last thing the beneficiary may read about the ticket (a delivered reply or a status change)."""
    return session.scalar(
        select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket.id, TicketEvent.public.is_(True))
        .order_by(TicketEvent.at.desc(), TicketEvent.id.desc())
        .limit(1)
    )


def acessos(*, session: Session, limite: int = 500) -> List[TicketAccess]:
    """The access log, newest first (admins only; the caller checks)."""
    query = select(TicketAccess).order_by(TicketAccess.at.desc(), TicketAccess.id.desc()).limit(limite)
    return list(session.scalars(query))


def esperando_o_beneficiario(*, session: Session) -> List[tuple[Ticket, datetime]]:
    """Tickets waiting for the beneficiary, each with the moment it started waiting (its last status change)."""
    # One query: the console's watch runs this every few seconds.
    desde = (
        select(TicketEvent.ticket_id, func.max(TicketEvent.at).label("at"))
        .where(TicketEvent.kind == "status", TicketEvent.new_value == "aguardando_beneficiario")
        .group_by(TicketEvent.ticket_id)
        .subquery()
    )
    linhas = session.execute(
        select(Ticket, desde.c.at).outerjoin(desde, desde.c.ticket_id == Ticket.id)
        .where(Ticket.status == "aguardando_beneficiario")
    ).all()
    return [(ticket, at or ticket.updated_at or ticket.created_at) for ticket, at in linhas]


def beneficiario_respondeu(ticket: Ticket, *, session: Session) -> TicketEvent:
    """The beneficiary wrote after the agent asked: the ticket is back "em atendimento" for whoever has it.

    u15: a ticket stayed "Aguardando beneficiário" after the document asked for came, and nothing in the queue
    said the person had answered.
    """
    evento = _mudar(ticket, None, "em_atendimento", "o beneficiário respondeu na conversa")
    session.add(evento)
    return evento


def _ultimo(kinds: tuple[str, ...]):
    """Per ticket, the moment of its latest event of these kinds (a subquery to join)."""
    return (
        select(TicketEvent.ticket_id, func.max(TicketEvent.at).label("at"))
        .where(TicketEvent.kind.in_(kinds))
        .group_by(TicketEvent.ticket_id)
        .subquery()
    )


def _aberto_por_ultimo():
    """Per ticket, the last time anyone opened its page (a subquery to join)."""
    ultimo = func.max(TicketAccess.at).label("at")
    return select(TicketAccess.ticket_id, ultimo).group_by(TicketAccess.ticket_id).subquery()


def com_o_atendente(*, session: Session) -> List[tuple[Ticket, datetime]]:
    """Open tickets whose conversation an agent has taken (the bot is silent there), taken or back in a queue.

    Each comes with the moment from which a message of the beneficiary is news: the agent's last reply, the last
    time anyone opened the ticket, or the last mark of a message, whichever is latest.
    """
    pausas = _ultimo(("pausa_do_bot",))
    devolvidas = _ultimo(("devolucao_ao_bot",))
    vistos = _ultimo(("resposta", "mensagem_do_beneficiario"))
    abertos = _aberto_por_ultimo()
    linhas = session.execute(
        select(Ticket, pausas.c.at, devolvidas.c.at, vistos.c.at, abertos.c.at)
        .join(pausas, pausas.c.ticket_id == Ticket.id)
        .outerjoin(devolvidas, devolvidas.c.ticket_id == Ticket.id)
        .outerjoin(vistos, vistos.c.ticket_id == Ticket.id)
        .outerjoin(abertos, abertos.c.ticket_id == Ticket.id)
        # u21: transferred (to the Ombudsman, say) the ticket is "aberto" again, the conversation still paused for
        # it: what the person wrote there reached nobody's queue.
        .where(Ticket.status.in_(("aberto", "em_atendimento")))
    ).all()
    return [
        (ticket, max(m for m in (pausa, visto, aberto) if m is not None))
        for ticket, pausa, devolvida, visto, aberto in linhas
        if devolvida is None or pausa > devolvida
    ]


def beneficiario_escreveu(ticket: Ticket, quando: datetime, *, session: Session) -> TicketEvent:
    """Mark that the beneficiary wrote (at ``quando``) in a conversation an agent has, until the ticket is opened.

    u15: a person's answer to an agent reached the conversation, but nothing in the queue said there was
    something to read, unless the ticket was waiting for them. The mark bears the message's time, not the
    watch's, so that opening the ticket in between counts as having seen it.
    """
    evento = _evento(ticket, None, "mensagem_do_beneficiario", text="o beneficiário escreveu na conversa")
    evento.at = quando
    session.add(evento)
    return evento


def com_mensagem_nova(tickets: Sequence[Ticket], *, session: Session) -> set[int]:
    """Which of ``tickets`` have a message of the beneficiary nobody has opened the ticket to read since."""
    ids = [t.id for t in tickets]
    if not ids:
        return set()
    marcas = _ultimo(("mensagem_do_beneficiario",))
    abertos = _aberto_por_ultimo()
    respostas = _ultimo(("resposta",))
    linhas = session.execute(
        select(marcas.c.ticket_id, marcas.c.at, abertos.c.at, respostas.c.at)
        .outerjoin(abertos, abertos.c.ticket_id == marcas.c.ticket_id)
        .outerjoin(respostas, respostas.c.ticket_id == marcas.c.ticket_id)
        .where(marcas.c.ticket_id.in_(ids))
    ).all()
    return {
        ticket_id
        for ticket_id, marca, aberto, resposta in linhas
        if all(depois is None or marca > depois for depois in (aberto, resposta))
    }


def aguardando_atendente(*, session: Session, desde: datetime) -> List[Ticket]:
    """Open tickets nobody took, created before ``desde`` and not yet told to wait (the wait notice)."""
    avisados = select(TicketEvent.ticket_id).where(TicketEvent.kind == "aviso_espera")
    # Released back to the queue after an agent worked it: the person was attended, not left waiting.
    atendidos = select(TicketEvent.ticket_id).where(TicketEvent.agent_id.is_not(None))
    return list(
        session.scalars(
            select(Ticket).where(
                Ticket.status == "aberto",
                Ticket.assigned_agent_id.is_(None),
                Ticket.created_at <= desde,
                Ticket.id.not_in(avisados),
                Ticket.id.not_in(atendidos),
            )
        )
    )
