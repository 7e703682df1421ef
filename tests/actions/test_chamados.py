"""Status by protocol (issue 9, item 7): only to the identified beneficiary who owns it, or the family's titular."""

from __future__ import annotations

from datetime import datetime
from typing import Iterator

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import delete, select

from actions.atendente import ActionFalarAtendente
from actions.chamados import (
    ENQUANTO_ESPERA,
    PROTOCOLO_DA_CONVERSA,
    assumir_protocolos_da_conversa,
    responder_sobre_o_chamado,
)
from actions.formatting import format_date
from actions.identificacao_fluxo import ActionSolicitarIdentificacao
from actions.protocolo import NAO_ENCONTRADO, ActionConsultarProtocolo
from bot.db import repository, seed
from bot.db.models import Agent, OutboxMessage, Reimbursement, Ticket
from bot.db.session import make_engine, make_session_factory, session_scope
from bot.settings import get_settings
from routing.decision import Decision
from routing.tickets import open_ticket
from tests.actions.conftest import make_tracker, texts

DECISION = Decision(inbox="relacionamento@cemigsaude.org.br", cc=(), tier="primeira_instancia", rule="geral",
                    reason="teste", footer=None, tips=(), flags=(), required_fields=(), confidential=False)
UNKNOWN = "41750520261202999999"


def _factory():
    return make_session_factory(make_engine(get_settings()))


def _ids() -> dict:
    with _factory()() as session:
        return {cpf: repository.find_beneficiary_by_cpf(cpf, session=session).id
                for cpf in (seed.DEMO_TITULAR_CPF, seed.DEMO_SPOUSE_CPF, seed.DEMO_DAUGHTER_CPF)}


@pytest.fixture
def protocol_of() -> Iterator[dict]:
    """A ticket per demo person and one nobody owns; all removed afterwards."""
    ids, made = _ids(), {}
    factory = _factory()
    owners = {"maria": ids[seed.DEMO_TITULAR_CPF], "jose": ids[seed.DEMO_SPOUSE_CPF], "ninguem": None}
    with session_scope(factory) as session:
        for name, owner in owners.items():
            ticket = open_ticket(DECISION, session=session, channel="whatsapp", category="falar_atendente",
                                 summary="teste", context={}, beneficiary_id=owner,
                                 now=datetime.fromisoformat("2026-12-02T10:00:00-03:00"))
            made[name] = ticket.protocol
    yield made
    with session_scope(factory) as session:
        tickets = list(session.scalars(select(Ticket.id).where(Ticket.protocol.in_(made.values()))))
        session.execute(delete(OutboxMessage).where(OutboxMessage.ticket_id.in_(tickets)))
        session.execute(delete(Ticket).where(Ticket.id.in_(tickets)))


async def _ask(dispatcher, who: str | None, text: str):
    slots = {"identificado": True, "beneficiario_id": str(_ids()[who])} if who else {}
    tracker = make_tracker(slots, text=text, intent="consultar_protocolo")
    events = await ActionConsultarProtocolo().run(dispatcher, tracker, {})
    return "\n".join(t for t in texts(dispatcher) if t), events


async def test_the_owner_reads_the_status(dispatcher, protocol_of):
    shown, _ = await _ask(dispatcher, seed.DEMO_SPOUSE_CPF, f"protocolo {protocol_of['jose']}")
    assert shown.startswith(f"Protocolo {protocol_of['jose']}: aberto.\nAssunto: Pedido de atendente.")


async def test_the_titular_reads_her_dependants_status(dispatcher, protocol_of):
    shown, _ = await _ask(dispatcher, seed.DEMO_TITULAR_CPF, protocol_of["jose"])
    assert f"Protocolo {protocol_of['jose']}: aberto." in shown


@pytest.mark.parametrize("whose", ["maria", "ninguem"])
async def test_a_dependant_cannot_read_another_persons_or_an_anonymous_ticket(dispatcher, protocol_of, whose):
    shown, _ = await _ask(dispatcher, seed.DEMO_SPOUSE_CPF, protocol_of[whose])
    assert shown == NAO_ENCONTRADO.format(protocolo=protocol_of[whose])


async def test_not_allowed_and_not_found_read_the_same(dispatcher, protocol_of):
    not_allowed, _ = await _ask(dispatcher, seed.DEMO_DAUGHTER_CPF, protocol_of["maria"])
    dispatcher.messages.clear()
    not_found, _ = await _ask(dispatcher, seed.DEMO_DAUGHTER_CPF, UNKNOWN)
    assert not_allowed.replace(protocol_of["maria"], "N") == not_found.replace(UNKNOWN, "N")


async def test_unidentified_users_are_asked_to_identify_and_the_lookup_waits(dispatcher, protocol_of):
    shown, events = await _ask(dispatcher, None, protocol_of["maria"])
    assert shown == "utter_ask_identificacao_documento" and "aberto" not in shown
    assert {"event": "slot", "name": "opcao_pendente", "value": "consultar_protocolo", "timestamp": None} in events


async def test_missing_number_is_asked_for(dispatcher):
    # Ana has no ticket in any test (Maria's are the usage disputes', in whatever order the suite runs), so she is
    # asked for the number rather than shown her latest protocols.
    shown, _ = await _ask(dispatcher, seed.DEMO_DAUGHTER_CPF, "qual a situação do meu protocolo?")
    assert shown == "Informe o número do protocolo (20 dígitos) para eu consultar a situação."


async def test_reimbursement_protocols_point_to_option_1_for_their_owner_only(dispatcher):
    with _factory()() as session:
        ana = repository.find_beneficiary_by_cpf(seed.DEMO_DAUGHTER_CPF, session=session).id
        protocol = session.scalars(select(Reimbursement.protocol).where(Reimbursement.beneficiary_id == ana)).first()
    shown, _ = await _ask(dispatcher, seed.DEMO_DAUGHTER_CPF, protocol)
    assert shown == "Esse é um protocolo de reembolso: digite 1 para ver a situação."
    dispatcher.messages.clear()
    shown, _ = await _ask(dispatcher, seed.DEMO_SPOUSE_CPF, protocol)
    assert shown == NAO_ENCONTRADO.format(protocolo=protocol)


def _tickets_of(sender: str) -> list:
    with _factory()() as session:
        return [t for t in session.scalars(select(Ticket)) if (t.context_json or {}).get("conversa") == sender]


@pytest.mark.parametrize("moment", ["2026-12-05T20:00:00-03:00", "2026-12-02T10:00:00-03:00"])
async def test_asking_for_a_person_twice_keeps_one_ticket(dispatcher, monkeypatch, moment):
    # "quero falar com alguém" and then "0" on a Saturday night opened two tickets for one wait.
    monkeypatch.setenv("ATENDE_NOW", moment)
    get_settings.cache_clear()
    sender = f"duas-vezes-{moment[:10]}"
    first = await ActionFalarAtendente().run(
        dispatcher, make_tracker(text="quero falar com alguém", intent="falar_atendente", sender=sender), {}
    )
    protocol = next(e["value"] for e in first if e.get("name") == PROTOCOLO_DA_CONVERSA)
    again = CollectingDispatcher()
    tracker = make_tracker({PROTOCOLO_DA_CONVERSA: protocol}, text="0", intent="falar_atendente", sender=sender)
    await ActionFalarAtendente().run(again, tracker, {})
    assert [t.protocol for t in _tickets_of(sender)] == [protocol]
    assert protocol in texts(again)[0]
    if moment.startswith("2026-12-05"):
        assert "já está registrado" in texts(again)[0] and "07/12/2026 às 8h" in texts(again)[0]


async def test_a_new_request_after_the_agent_took_the_first_opens_another(dispatcher, monkeypatch):
    monkeypatch.setenv("ATENDE_NOW", "2026-12-05T20:00:00-03:00")
    get_settings.cache_clear()
    sender = "depois-de-atendido"
    first = await ActionFalarAtendente().run(
        dispatcher, make_tracker(text="0", intent="falar_atendente", sender=sender), {}
    )
    protocol = next(e["value"] for e in first if e.get("name") == PROTOCOLO_DA_CONVERSA)
    with session_scope(_factory()) as session:
        repository.find_ticket_by_protocol(protocol, session=session).status = "resolvido"
    tracker = make_tracker({PROTOCOLO_DA_CONVERSA: protocol}, text="0", intent="falar_atendente", sender=sender)
    await ActionFalarAtendente().run(CollectingDispatcher(), tracker, {})
    assert len(_tickets_of(sender)) == 2


async def test_without_a_number_the_owner_sees_her_latest_protocols(dispatcher, protocol_of):
    # "e a minha reclamação?" asked for a number the person may not have at hand.
    shown, _ = await _ask(dispatcher, seed.DEMO_TITULAR_CPF, "e a minha reclamação?")
    assert shown.startswith("Seus protocolos mais recentes:")
    assert protocol_of["maria"] in shown and "Pedido de atendente, aberto" in shown
    assert protocol_of["jose"] in shown  # the titular sees her family's
    assert protocol_of["ninguem"] not in shown


async def test_a_ticket_opened_before_identifying_becomes_the_persons_when_she_identifies(dispatcher):
    # A complaint registered anonymously could never be looked up by its author.
    with session_scope(_factory()) as session:
        ticket = open_ticket(DECISION, session=session, channel="whatsapp", category="ouvidoria", summary="teste",
                             context={"conversa": "anonima-depois-identificada"}, beneficiary_id=None,
                             now=datetime.fromisoformat("2026-12-02T09:00:00-03:00"))
        protocol = ticket.protocol
    maria = _ids()[seed.DEMO_TITULAR_CPF]
    try:
        assumir_protocolos_da_conversa(make_tracker(sender="outra-conversa"), maria)
        shown, _ = await _ask(dispatcher, seed.DEMO_TITULAR_CPF, f"protocolo {protocol}")
        assert shown == NAO_ENCONTRADO.format(protocolo=protocol)
        assumir_protocolos_da_conversa(make_tracker(sender="anonima-depois-identificada"), maria)
        again = CollectingDispatcher()
        shown, _ = await _ask(again, seed.DEMO_TITULAR_CPF, f"protocolo {protocol}")
        assert shown.startswith(f"Protocolo {protocol}: aberto.")
    finally:
        # Maria's tickets are other tests' business ("no number: her latest protocols").
        with session_scope(_factory()) as session:
            ticket_id = session.scalars(select(Ticket.id).where(Ticket.protocol == protocol)).one()
            session.execute(delete(OutboxMessage).where(OutboxMessage.ticket_id == ticket_id))
            session.execute(delete(Ticket).where(Ticket.id == ticket_id))


async def test_when_will_a_person_answer_is_the_attendants_opening_not_a_deadline(dispatcher, monkeypatch):
    # Out of hours: "a partir de 07/12 às 8h" at once, then "o prazo vai até 15/12" when asked: two answers.
    monkeypatch.setenv("ATENDE_NOW", "2026-12-05T20:00:00-03:00")
    get_settings.cache_clear()
    first = await ActionFalarAtendente().run(
        CollectingDispatcher(), make_tracker(text="quero falar com uma pessoa", sender="quando-responde"), {}
    )
    protocol = next(e["value"] for e in first if e.get("name") == PROTOCOLO_DA_CONVERSA)
    tracker = make_tracker({PROTOCOLO_DA_CONVERSA: protocol}, text="quando vão me responder?")
    assert responder_sobre_o_chamado(dispatcher, tracker)
    assert texts(dispatcher)[0] == (
        f"Seu pedido tem o protocolo {protocol}. Um atendente responde a partir de 07/12/2026 às 8h, por esta conversa."
    )


async def test_when_do_you_open_after_asking_for_a_person_is_answered_not_the_protocol_alone(dispatcher, monkeypatch):
    # "e quando abre?" got "O protocolo aberto nesta conversa é ...".
    monkeypatch.setenv("ATENDE_NOW", "2026-12-05T20:00:00-03:00")
    get_settings.cache_clear()
    first = await ActionFalarAtendente().run(
        CollectingDispatcher(), make_tracker(text="quero falar com uma pessoa", sender="quando-abre"), {}
    )
    protocol = next(e["value"] for e in first if e.get("name") == PROTOCOLO_DA_CONVERSA)
    tracker = make_tracker({PROTOCOLO_DA_CONVERSA: protocol}, text="e quando abre?", intent="consultar_protocolo",
                           sender="quando-abre")
    await ActionSolicitarIdentificacao().run(dispatcher, tracker, {})
    assert "Um atendente responde a partir de 07/12/2026 às 8h" in texts(dispatcher)[0]


async def test_anyone_there_back_with_the_bot_names_who_has_the_request(dispatcher, monkeypatch):
    # u24: after "0", an agent's reply and "menu", "tem alguém aí?" was "Desculpe, não entendi".
    monkeypatch.setenv("ATENDE_NOW", "2026-12-07T10:00:00-03:00")
    get_settings.cache_clear()
    sender = "alguem-ai"
    first = await ActionFalarAtendente().run(
        CollectingDispatcher(), make_tracker(text="0", intent="falar_atendente", sender=sender), {}
    )
    protocol = next(e["value"] for e in first if e.get("name") == PROTOCOLO_DA_CONVERSA)
    tracker = make_tracker({PROTOCOLO_DA_CONVERSA: protocol}, text="tem alguém aí?", intent="nlu_fallback",
                           sender=sender)
    assert responder_sobre_o_chamado(dispatcher, tracker)
    assert texts(dispatcher)[0] == f"Seu pedido tem o protocolo {protocol}. Um atendente responde em instantes, " \
        "por esta conversa."
    with session_scope(_factory()) as session:
        ana = Agent(login="ana-alguem-ai", name="Ana Souza", password_hash="x", inboxes=[])
        session.add(ana)
        session.flush()
        ticket = repository.find_ticket_by_protocol(protocol, session=session)
        ticket.assigned_agent_id, ticket.status = ana.id, "em_atendimento"
    taken = CollectingDispatcher()
    assert responder_sobre_o_chamado(taken, make_tracker({PROTOCOLO_DA_CONVERSA: protocol}, text="cadê o atendente??"))
    assert texts(taken)[0] == (
        f"Seu pedido tem o protocolo {protocol}. Está com Ana Souza, que responde por esta conversa."
    )
    with session_scope(_factory()) as session:
        repository.find_ticket_by_protocol(protocol, session=session).status = "resolvido"
    closed = CollectingDispatcher()
    assert responder_sobre_o_chamado(closed, make_tracker({PROTOCOLO_DA_CONVERSA: protocol}, text="tem alguém aí?"))
    assert texts(closed)[0] == (f"Seu pedido tem o protocolo {protocol}. Ele já está resolvido. Para falar com uma "
                                "pessoa de novo, digite 0.")
    # u25: while it waits, the closing line does not offer "0" again, asked for already.
    assert texts(taken)[1] == ENQUANTO_ESPERA and texts(closed)[1] == "utter_algo_mais"
    # Asking about something else is not asking for a person.
    assert not responder_sobre_o_chamado(
        CollectingDispatcher(), make_tracker({PROTOCOLO_DA_CONVERSA: protocol}, text="alguém usou minha carteirinha?")
    )


def test_when_will_you_answer_in_a_new_conversation_gets_the_persons_open_ticket(dispatcher):
    # A day later, in a new conversation: "quando vão me responder?" was "só consigo ajudar com assuntos do plano".
    maria = _ids()[seed.DEMO_TITULAR_CPF]
    with session_scope(_factory()) as session:
        ticket = open_ticket(DECISION, session=session, channel="whatsapp", category="ouvidoria", summary="teste",
                             context={}, beneficiary_id=maria,
                             now=datetime.fromisoformat("2026-12-02T09:00:00-03:00"))
        protocol, due = ticket.protocol, ticket.due_date
    tracker = make_tracker({"identificado": True, "beneficiario_id": str(maria)}, text="quando vão me responder?",
                           intent="fora_de_escopo", sender="dia-seguinte")
    assert responder_sobre_o_chamado(dispatcher, tracker)
    assert texts(dispatcher)[0] == (
        f"Seu pedido (Ouvidoria) tem o protocolo {protocol}. O prazo de resposta vai até {format_date(due)}."
    )
    # Unidentified, nobody's ticket is told; "qual o prazo?" stays with the topic of the conversation.
    anonymous = make_tracker(text="quando vão me responder?", intent="fora_de_escopo", sender="anonimo")
    assert not responder_sobre_o_chamado(CollectingDispatcher(), anonymous)
    topic = make_tracker({"identificado": True, "beneficiario_id": str(maria)}, text="qual o prazo?",
                         sender="dia-seguinte")
    assert not responder_sobre_o_chamado(CollectingDispatcher(), topic)


def test_needing_the_medicine_today_after_a_desk_request_points_to_the_pa_online(dispatcher):
    # "e quanto tempo demora a resposta? preciso do medicamento hoje" got "só consigo ajudar com assuntos do plano".
    from dataclasses import replace

    with session_scope(_factory()) as session:
        ticket = open_ticket(replace(DECISION, tier="teleconsulta", inbox="documentos@medis.pt"), session=session,
                             channel="whatsapp", category="tele_documentos", summary="a receita não chegou",
                             context={}, beneficiary_id=None, kind="geral",
                             now=datetime.fromisoformat("2026-12-02T10:00:00-03:00"))
        protocol, due = ticket.protocol, ticket.due_date
    texto = "e quanto tempo demora a resposta? preciso do medicamento hoje"
    assert responder_sobre_o_chamado(dispatcher, make_tracker({PROTOCOLO_DA_CONVERSA: protocol}, text=texto))
    said = texts(dispatcher)[0]
    assert protocol in said and format_date(due) in said and "Pronto Atendimento Online atende agora" in said
