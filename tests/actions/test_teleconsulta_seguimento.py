"""What a desk client writes after a request (actions/teleconsulta_seguimento.py), served as the action server does."""

from __future__ import annotations

from sqlalchemy import select

from actions import base
from actions.conversa import ActionFallback
from actions.teleconsulta import ActionEncaminharTeleconsulta, ActionPrepararTeleconsulta
from bot.db import repository
from bot.db.models import TicketEvent
from tests.actions.conftest import as_served, make_tracker, texts

PEDIDO = "a receita da minha teleconsulta de ontem não chegou ao meu email"


async def _pedido(dispatcher, nif: str) -> tuple[str, dict]:
    slots = {"tele_categoria": "tele_documentos", "tele_nome": "Rui Costa", "tele_nif": nif, "tele_texto": PEDIDO}
    events = await ActionEncaminharTeleconsulta().run(type(dispatcher)(), make_tracker(slots, text="Rui Costa"), {})
    protocol = next(e["value"] for e in events if e.get("name") == "tele_protocolo")
    return protocol, {"tele_protocolo": protocol, "tele_nome": "Rui Costa", "tele_nif": nif}


def _conversa(text: str, intent: str) -> list[dict]:
    return [{"event": "user", "text": PEDIDO, "parse_data": {"intent": {"name": "tele_documentos"}}},
            {"event": "bot", "text": "Qual é o seu nome completo?"},
            {"event": "user", "text": "Rui Costa", "parse_data": {"intent": {"name": "informar_nome"}}},
            {"event": "bot", "text": "O seu pedido foi encaminhado..."},
            {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}]


def _notas(protocol: str) -> list[str]:
    with base.db_session() as session:
        ticket = repository.find_ticket_by_protocol(protocol, session=session)
        return [e.text for e in session.execute(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                                          TicketEvent.kind == "nota")).scalars()]


async def test_it_is_urgent_joins_the_request_just_made_instead_of_the_plans_urgency_text(dispatcher, db):
    # Tester: "é urgente, preciso da receita hoje" after a desk request got the plan's emergency and 0800 text,
    # and the desk never knew it was urgent.
    protocol, slots = await _pedido(dispatcher, "123456789")
    text = "é urgente, preciso da receita hoje"
    tracker = make_tracker(slots, text=text, intent="nlu_fallback", events=_conversa(text, "nlu_fallback"))
    await as_served(ActionFallback(), dispatcher, tracker)
    said = texts(dispatcher)
    assert said[0].startswith(f"Acrescentei a sua mensagem ao pedido {protocol}: a equipa responsável")
    assert "urgente" in said[0] and "SNS 24 (808 24 24 24)" in said[0] and "0800" not in said[0]
    assert _notas(protocol) == [f"Complemento do cliente (diz que é urgente): {text}"]


async def test_a_forgotten_detail_joins_the_request_and_a_client_in_brazil_reads_equipe(dispatcher, db):
    # Tester: "esqueci de dizer: a consulta foi com a Dra. Marta às 15h" got the CPS's scheduling.
    protocol, slots = await _pedido(dispatcher, "52998224725")
    text = "esqueci de dizer: a consulta foi com a Dra. Marta às 15h, cpf 529.982.247-25"
    tracker = make_tracker(slots, text=text, intent="agendamento_cps", events=_conversa(text, "agendamento_cps"))
    await as_served(ActionPrepararTeleconsulta(), dispatcher, tracker)
    assert texts(dispatcher) == [f"Acrescentei a sua mensagem ao pedido {protocol}: a equipe responsável vê-a "
                                 "junto com ele."]
    assert _notas(protocol) == ["Complemento do cliente: esqueci de dizer: a consulta foi com a Dra. Marta às 15h, "
                                "cpf ***.982.247-**"]


async def test_a_question_or_an_emergency_after_the_request_is_not_filed_as_more_of_it(dispatcher, db):
    protocol, slots = await _pedido(dispatcher, "123456789")
    for text in ("é urgente, quanto tempo demora?", "é urgente, ele está com falta de ar"):
        tracker = make_tracker(slots, text=text, intent="nlu_fallback", events=_conversa(text, "nlu_fallback"))
        said = type(dispatcher)()
        await as_served(ActionFallback(), said, tracker)
        assert not any((t or "").startswith("Acrescentei") for t in texts(said))
    assert _notas(protocol) == []


async def test_a_request_already_closed_is_not_added_to(dispatcher, db):
    protocol, slots = await _pedido(dispatcher, "123456789")
    with base.db_session() as session:
        ticket = repository.find_ticket_by_protocol(protocol, session=session)
        repository.withdraw_ticket(ticket, "resolvido", session=session)
        session.commit()
    text = "mais uma coisa, o médico era o dr. Paulo"
    tracker = make_tracker(slots, text=text, intent="nlu_fallback", events=_conversa(text, "nlu_fallback"))
    await as_served(ActionFallback(), dispatcher, tracker)
    assert not any((t or "").startswith("Acrescentei") for t in texts(dispatcher))


async def test_a_complaint_of_another_kind_after_the_request_is_a_request_of_its_own(dispatcher, db):
    # Review: "o médico foi grosseiro" after a request for a prescription matched the follow-up words and would
    # have gone into the documents team's history instead of the confidential clinical inbox.
    protocol, slots = await _pedido(dispatcher, "123456789")
    text = "mais uma coisa: o médico foi muito grosseiro comigo na consulta"
    tracker = make_tracker(slots, text=text, intent="tele_clinica", events=_conversa(text, "tele_clinica"))
    await as_served(ActionPrepararTeleconsulta(), dispatcher, tracker)
    assert not any((t or "").startswith("Acrescentei") for t in texts(dispatcher))
    assert _notas(protocol) == []
