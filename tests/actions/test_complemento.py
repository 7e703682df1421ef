"""What a person adds after a ticket was registered reaches that ticket (older open item: details sent later)."""

from __future__ import annotations

from datetime import datetime

import pytest

from actions import base
from actions.chamados import PROTOCOLO_DA_CONVERSA
from actions.complemento import (
    CONTE_O_CASO,
    JA_CONCLUIDO,
    JUNTADO,
    JUNTADO_OUVIDORIA,
    SEM_PEDIDO,
    ActionComplementarChamado,
)
from bot.db.models import OutboxMessage, Ticket, TicketEvent
from bot.db.session import session_scope
from routing.decision import Decision
from routing.loader import load_rules
from routing.tickets import open_ticket
from tests.actions.conftest import make_tracker, texts


def _abrir(caixa: str, tier: str, categoria: str, status: str = "aberto") -> str:
    """Open a ticket to the routing rules' inbox ``caixa`` as the bot does; its protocol."""
    endereco = load_rules().inboxes[caixa].address
    decisao = Decision(inbox=endereco, cc=(), tier=tier, rule="teste", reason="teste", footer=None, tips=(),
                       flags=(), required_fields=(), confidential=False)
    with session_scope(base.session_factory()) as session:
        ticket = open_ticket(decisao, session=session, channel="whatsapp", category=categoria, summary="teste",
                             context={}, beneficiary_id=None, kind="ouvidoria" if tier == "ouvidoria" else "geral",
                             now=datetime.fromisoformat("2026-12-02T10:00:00-03:00"))
        ticket.status = status
        return ticket.protocol


def _juntado(protocolo: str) -> tuple[list[str], list[OutboxMessage]]:
    with session_scope(base.session_factory()) as session:
        ticket = session.query(Ticket).filter_by(protocol=protocolo).one()
        notas = [e.text for e in session.query(TicketEvent).filter_by(ticket_id=ticket.id, kind="nota")]
        emails = session.query(OutboxMessage).filter_by(ticket_id=ticket.id).order_by(OutboxMessage.id).all()
        session.expunge_all()
        return notas, emails


async def _run(dispatcher, protocolo: str | None, texto: str, events=None) -> list:
    tracker = make_tracker({PROTOCOLO_DA_CONVERSA: protocolo}, text=texto, intent="complementar_chamado",
                           events=events)
    return await ActionComplementarChamado().run(dispatcher, tracker, {})


async def test_a_detail_told_after_a_desk_request_reaches_the_desk_by_e_mail(dispatcher):
    # "esqueci de dizer: …" right after the desk's request asked for "nome completo e CPF" all over again.
    protocolo = _abrir("medico_online", "teleconsulta", "tele_tecnologia")
    before = len(_juntado(protocolo)[1])
    await _run(dispatcher, protocolo, "esqueci de dizer: o erro aparece só no telemóvel, no computador funciona")
    assert texts(dispatcher) == [JUNTADO.format(protocolo=protocolo)]
    notas, emails = _juntado(protocolo)
    assert notas == ["Complemento do beneficiário: o erro aparece só no telemóvel, no computador funciona"]
    added = emails[before:]
    assert len(added) == 1 and added[0].to_address == load_rules().inboxes["medico_online"].address
    assert added[0].subject.startswith(f"[{protocolo}]") and added[0].subject.endswith("complemento do beneficiário")
    assert "o erro aparece só no telemóvel, no computador funciona" in added[0].body
    assert added[0].message_id != emails[0].message_id  # the ticket's own e-mail is not replaced


async def test_a_detail_with_a_cpf_joins_the_manifestation_masked(dispatcher):
    protocolo = _abrir("ouvidoria", "ouvidoria", "ouvidoria")
    await _run(dispatcher, protocolo, "ah, esqueci de falar que o CPF da minha mãe é 529.982.247-25")
    assert texts(dispatcher) == [JUNTADO_OUVIDORIA.format(protocolo=protocolo)]
    notas, emails = _juntado(protocolo)
    assert "529.982.247-25" not in notas[0] and "***.982.247-**" in notas[0]
    assert all("529.982.247-25" not in e.body for e in emails) and "***.982.247-**" in emails[-1].body


@pytest.mark.parametrize("texto", ["esqueci de dizer uma coisa", "quero acrescentar"])
async def test_only_the_opening_asks_for_the_words_and_joins_nothing(dispatcher, texto):
    protocolo = _abrir("relacionamento", "primeira_instancia", "financeiro")
    await _run(dispatcher, protocolo, texto)
    assert texts(dispatcher) == [CONTE_O_CASO.format(protocolo=protocolo)]
    assert _juntado(protocolo)[0] == []


async def test_a_closed_ticket_takes_nothing_and_says_how_to_go_on(dispatcher):
    protocolo = _abrir("relacionamento", "primeira_instancia", "financeiro", status="encerrado")
    await _run(dispatcher, protocolo, "esqueci de dizer que o boleto veio com o valor errado")
    assert texts(dispatcher) == [JA_CONCLUIDO.format(protocolo=protocolo)]
    assert _juntado(protocolo)[0] == []


async def test_without_a_ticket_the_topic_reads_it_or_the_person_is_told(dispatcher):
    asked = {"event": "user", "text": "boleto", "parse_data": {"intent": {"name": "financeiro"}, "entities": []}}
    now = {"event": "user", "text": "esqueci de dizer, é o de outubro",
           "parse_data": {"intent": {"name": "complementar_chamado"}, "entities": []}}
    eventos = await _run(dispatcher, None, "esqueci de dizer, é o de outubro", events=[asked, now])
    copia = [e for e in eventos if e.get("event") == "user"]
    assert copia and copia[0]["parse_data"]["intent"]["name"] == "financeiro" and texts(dispatcher) == []
    alone = type(dispatcher)()
    assert await _run(alone, None, "esqueci de dizer, é o de outubro", events=[now]) == []
    assert texts(alone) == [SEM_PEDIDO]
