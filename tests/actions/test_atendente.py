"""Talking to a person (actions/atendente.py): withdrawing a request nobody has taken yet."""

from __future__ import annotations

import re

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.atendente import ActionFalarAtendente
from actions.base import session_factory
from actions.chamados import PROTOCOLO_DA_CONVERSA
from actions.identificacao_fluxo import ActionSolicitarIdentificacao
from actions.protocolo import ActionConsultarProtocolo
from bot.db import repository
from bot.db.models import TicketEvent
from bot.db.session import session_scope
from bot.settings import get_settings
from tests.actions.conftest import as_served, make_tracker, texts


@pytest.fixture
def saturday_night(monkeypatch):
    # Out of hours: the request waits for Monday, so there is time to change one's mind.
    monkeypatch.setenv("ATENDE_NOW", "2026-12-05T20:00:00-03:00")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def _request(sender: str) -> str:
    events = await ActionFalarAtendente().run(
        CollectingDispatcher(), make_tracker(text="quero falar com alguém", intent="falar_atendente", sender=sender), {}
    )
    return next(e["value"] for e in events if e.get("name") == PROTOCOLO_DA_CONVERSA)


@pytest.mark.parametrize(("texto", "intent", "acao"), [
    ("quero cancelar esse pedido de atendente, ja resolvi", "falar_atendente", ActionFalarAtendente),
    ("ja resolvi, pode cancelar o protocolo", "consultar_protocolo", ActionSolicitarIdentificacao),
])
async def test_a_request_nobody_took_is_withdrawn(dispatcher, saturday_night, texto, intent, acao):
    # "quero cancelar esse pedido de atendente, ja resolvi" got "já está registrado... Não precisa pedir de novo".
    sender = f"retira-{intent}"
    protocol = await _request(sender)
    tracker = make_tracker({PROTOCOLO_DA_CONVERSA: protocol}, text=texto, intent=intent, sender=sender)
    await as_served(acao(), dispatcher, tracker)
    assert texts(dispatcher)[0].startswith(f"Pronto: cancelei o pedido {protocol}.")
    with session_scope(session_factory()) as session:
        ticket = repository.find_ticket_by_protocol(protocol, session=session)
        assert ticket.status == "encerrado" and ticket.resolution.startswith("Cancelado pelo beneficiário no chat")
        history = session.query(TicketEvent).filter_by(ticket_id=ticket.id, kind="status").one()
        assert history.public and history.agent_id is None and history.new_value == "encerrado"
    # Asking for a person again opens a new request: the withdrawn one is closed.
    again = CollectingDispatcher()
    tracker = make_tracker({PROTOCOLO_DA_CONVERSA: protocol}, text="0", intent="falar_atendente", sender=sender)
    events = await ActionFalarAtendente().run(again, tracker, {})
    assert next(e["value"] for e in events if e.get("name") == PROTOCOLO_DA_CONVERSA) != protocol


async def test_a_request_an_agent_is_working_on_is_not_withdrawn(dispatcher, saturday_night):
    sender = "retira-em-atendimento"
    protocol = await _request(sender)
    with session_scope(session_factory()) as session:
        repository.find_ticket_by_protocol(protocol, session=session).status = "em_atendimento"
    tracker = make_tracker({PROTOCOLO_DA_CONVERSA: protocol}, text="pode cancelar o pedido, ja resolvi",
                           intent="falar_atendente", sender=sender)
    await as_served(ActionFalarAtendente(), dispatcher, tracker)
    assert texts(dispatcher) == [f"Um atendente já está com o pedido {protocol}: escreva aqui mesmo que já resolveu, "
                                 "e ele encerra o atendimento."]
    with session_scope(session_factory()) as session:
        assert repository.find_ticket_by_protocol(protocol, session=session).status == "em_atendimento"


async def test_without_a_request_in_the_conversation_nothing_is_withdrawn(dispatcher):
    tracker = make_tracker({"identificado": False}, text="já resolvi, pode cancelar o protocolo",
                           intent="consultar_protocolo")
    await as_served(ActionConsultarProtocolo(), dispatcher, tracker)
    assert not any("cancelei" in (t or "") for t in texts(dispatcher))


@pytest.mark.parametrize(("texto", "acao"), [
    ("ok obrigada. ja resolvi, pode cancelar", "actions.conversa.ActionAgradecimento"),  # read as thanks
    ("ah nao precisa mais nao", "actions.sessao.ActionDespedida"),  # read as a "no": it said goodbye
    ("ah deixa pra la, nao quero mais", "actions.conversa.ActionFallback"),  # not understood
    ("quero cancelar o pedido de atendimento", "actions.teleconsulta.ActionPrepararTeleconsulta"),  # the desk's form
])
async def test_a_casual_withdrawal_is_understood_whatever_the_classifier_read(dispatcher, saturday_night, texto,
                                                                             acao):
    import importlib

    modulo, classe = acao.rsplit(".", 1)
    sender = f"retira-{classe}"
    protocol = await _request(sender)
    tracker = make_tracker({PROTOCOLO_DA_CONVERSA: protocol}, text=texto, sender=sender)
    await as_served(getattr(importlib.import_module(modulo), classe)(), dispatcher, tracker)
    assert texts(dispatcher) == [
        f"Pronto: cancelei o pedido {protocol}. Nenhum atendente vai chamar você por ele. Se precisar de novo, é só "
        "digitar 0."
    ]


async def test_thanks_without_a_request_waiting_get_de_nada(dispatcher):
    from actions.conversa import ActionAgradecimento

    await ActionAgradecimento().run(dispatcher, make_tracker(text="obrigada, já resolvi"), {})
    assert texts(dispatcher) == ["utter_de_nada"]


async def test_another_conversations_request_is_never_withdrawn(dispatcher, saturday_night):
    # The protocol slot of one conversation must not let it close another person's request.
    protocol = await _request("retira-dono")
    tracker = make_tracker({PROTOCOLO_DA_CONVERSA: protocol}, text="ja resolvi, pode cancelar o pedido",
                           intent="falar_atendente", sender="retira-outra-conversa")
    await as_served(ActionFalarAtendente(), dispatcher, tracker)
    assert not any("cancelei" in (t or "") for t in texts(dispatcher))
    with session_scope(session_factory()) as session:
        assert repository.find_ticket_by_protocol(protocol, session=session).status == "aberto"


async def test_a_personal_data_request_is_told_a_person_registers_it(dispatcher, saturday_night):
    text = "solicito a eliminação dos meus dados pessoais conforme a LGPD"
    events = await ActionFalarAtendente().run(
        dispatcher, make_tracker(text=text, intent="falar_atendente", sender="lgpd"), {})
    shown = texts(dispatcher)
    assert shown[0].startswith("Pedidos sobre os seus dados pessoais (acesso, correção ou eliminação, pela LGPD)")
    protocol = next(e["value"] for e in events if e.get("name") == PROTOCOLO_DA_CONVERSA)
    assert protocol in shown[1]
    with session_scope(session_factory()) as session:
        assert repository.find_ticket_by_protocol(protocol, session=session).category == "falar_atendente"


@pytest.mark.parametrize("texto", ["cancela o pedido de atendimento", "quero cancelar o atendimento"])
async def test_cancelling_a_request_for_a_person_when_there_is_none_says_so(dispatcher, texto):
    # u11: with no request open, the desk's form took it for a teleconsultation, asked name and CPF and filed one.
    from actions.atendente import NENHUM_PEDIDO
    from actions.teleconsulta import ActionPrepararTeleconsulta

    tracker = make_tracker(text=texto, intent="tele_cobranca_cancelada", sender="retira-nenhum")
    events = await as_served(ActionPrepararTeleconsulta(), dispatcher, tracker)
    assert texts(dispatcher) == [NENHUM_PEDIDO]
    assert events == [{"event": "followup", "name": "action_listen", "timestamp": None}]


async def test_cancelling_a_teleconsultation_is_still_the_desks():
    from actions.atendente import retirar_pedido

    said = CollectingDispatcher()
    assert not retirar_pedido(said, make_tracker(text="quero cancelar o atendimento da teleconsulta de amanhã"),
                              "quero cancelar o atendimento da teleconsulta de amanhã")
    assert not said.messages


async def test_a_desk_client_in_portugal_asking_for_a_person_is_told_how_the_desk_answers(dispatcher):
    # u14: "sou cliente do Médico Online em Portugal. Quero falar com um assistente", then "0", got the plan's
    # attendants, Brazilian hours and a 0800 number that cannot be dialled from Portugal.
    from actions.atendente import PARA_A_MESA

    tracker = make_tracker(text="sou cliente do Médico Online em Portugal. Quero falar com um assistente",
                           intent="falar_atendente", sender="mesa-pessoa")
    events = await ActionFalarAtendente().run(dispatcher, tracker, {})
    assert texts(dispatcher) == [PARA_A_MESA] and events == []
    after = CollectingDispatcher()
    tracker = make_tracker({"tele_protocolo": "41750520261206000004"}, text="0", intent="falar_atendente",
                           sender="mesa-pessoa")
    await ActionFalarAtendente().run(after, tracker, {})
    assert texts(after) == [PARA_A_MESA]


@pytest.mark.parametrize(
    ("slots", "sender", "texto", "eventos"),
    [
        # u18: a Brazilian beneficiary who asked the desk once could never reach a person again ("0", "menu", "0").
        ({"tele_protocolo": "41750520261207000016", "tele_nif": "11144477735"}, "whatsapp:+5531991180016", "0",
         []),
        ({"tele_protocolo": "41750520261207000016", "tele_nif": "123456789"}, "telegram:9180001",
         "não, quero falar com um atendente da Cemig Saúde sobre o meu boleto", []),
        # Told how the desk answers, a client who asks for a person again gets one.
        ({"tele_protocolo": "41750520261207000016", "tele_nif": "123456789"}, "telegram:9180002", "0",
         [{"event": "bot", "text": "PARA_A_MESA"}, {"event": "user", "text": "0"}]),
    ],
)
async def test_a_request_for_a_person_after_the_desk_reaches_a_person(dispatcher, slots, sender, texto, eventos):
    from actions.atendente import PARA_A_MESA

    eventos = [{**e, "text": PARA_A_MESA} if e.get("text") == "PARA_A_MESA" else e for e in eventos]
    tracker = make_tracker(slots, text=texto, intent="falar_atendente", sender=sender, events=eventos)
    await ActionFalarAtendente().run(dispatcher, tracker, {})
    said = " ".join(texts(dispatcher))
    assert PARA_A_MESA not in said and re.search(r"protocolo é \d{20}", said), said


async def test_a_desk_request_is_withdrawn_when_the_client_says_it_was_solved(dispatcher):
    # u17: "entretanto o médico ligou-me, já está resolvido, podem cancelar o pedido" filed a second request.
    from actions.atendente import RETIRADO_DA_MESA
    from actions.teleconsulta import ActionPrepararTeleconsulta

    sender = "mesa-retira"
    with session_scope(session_factory()) as session:
        ticket = repository.create_ticket("telegram", "tele_tecnologia", "a videochamada congelou", session=session,
                                          tier="teleconsulta", context={"conversa": sender})
        protocol = ticket.protocol
    texto = "entretanto o médico ligou-me, já está resolvido, podem cancelar o pedido"
    tracker = make_tracker({PROTOCOLO_DA_CONVERSA: protocol}, text=texto, intent="tele_tecnologia", sender=sender)
    await as_served(ActionPrepararTeleconsulta(), dispatcher, tracker)
    assert texts(dispatcher) == [RETIRADO_DA_MESA.format(protocolo=protocol)]
    with session_scope(session_factory()) as session:
        assert repository.find_ticket_by_protocol(protocol, session=session).status == "encerrado"


async def test_a_caller_at_night_is_transferred_to_the_central_not_told_the_chats_hours(dispatcher, monkeypatch):
    # u18: the phone ticket showed the agent "Nosso atendimento com pessoas funciona de segunda a sexta…" and
    # "Fora do horário do chat: responder no próximo dia útil", which the caller, transferred, never heard.
    from bot.db.models import Ticket

    monkeypatch.setenv("ATENDE_NOW", "2026-12-05T23:00:00-03:00")  # a Saturday night
    get_settings.cache_clear()
    tracker = make_tracker(text="0", intent="falar_atendente", sender="ura:CA0123",
                           events=[{"event": "user", "text": "0", "input_channel": "ura"}])
    await ActionFalarAtendente().run(dispatcher, tracker, {})
    said = " ".join(texts(dispatcher))
    assert said.startswith("Vou transferir você para um atendente.") and "segunda a sexta" not in said
    protocolo = re.search(r"protocolo é (\d{20})", said)[1]
    with session_scope(session_factory()) as session:
        ticket = session.query(Ticket).filter_by(protocol=protocolo).one()
        decisao = ticket.context_json["decision"]
        assert decisao["rule"] == "atendente_por_telefone" and not decisao.get("tips")
        assert "Ligação transferida para a fila da Central" in decisao["flags"][0]


async def test_a_request_for_a_person_after_the_desks_request_names_it_for_the_agent(dispatcher, saturday_night):
    # Older item: "0" after a desk request opened a ticket that did not say the conversation had one already.
    from bot.db.models import OutboxMessage, Ticket

    sender = "mesa-depois-zero"
    with session_scope(session_factory()) as session:
        desk = repository.create_ticket("whatsapp", "tele_tecnologia", "a videochamada congelou", session=session,
                                        tier="teleconsulta", context={"conversa": sender})
        desk_protocol = desk.protocol
    tracker = make_tracker({PROTOCOLO_DA_CONVERSA: desk_protocol, "tele_nif": "11144477735"}, text="0",
                           intent="falar_atendente", sender=sender)
    events = await ActionFalarAtendente().run(dispatcher, tracker, {})
    new_protocol = next(e["value"] for e in events if e.get("name") == PROTOCOLO_DA_CONVERSA)
    with session_scope(session_factory()) as session:
        ticket = session.query(Ticket).filter_by(protocol=new_protocol).one()
        mail = "\n".join(m.body for m in session.query(OutboxMessage).filter_by(ticket_id=ticket.id))
        assert ticket.category == "falar_atendente" and ticket.related_protocol == desk_protocol
    assert new_protocol != desk_protocol
    assert f"Protocolo relacionado (pedido anterior nesta conversa): {desk_protocol}" in mail


async def test_a_zero_inside_a_topic_names_the_topic_in_the_queue_and_the_mail(dispatcher, saturday_night):
    # u24: "4", a boleto shown, then "0": the queue and the e-mail said only "Pedido de atendente".
    from bot.db.models import OutboxMessage, Ticket
    from routing.tickets import ticket_label

    sender = "zero-no-financeiro"
    events = [{"event": "user", "text": "4", "parse_data": {"intent": {"name": "financeiro"}}},
              {"event": "bot", "text": "Seus boletos: …"},
              {"event": "user", "text": "0", "parse_data": {"intent": {"name": "falar_atendente"}}}]
    tracker = make_tracker(text="0", intent="falar_atendente", sender=sender, events=events)
    result = await ActionFalarAtendente().run(dispatcher, tracker, {})
    protocol = next(e["value"] for e in result if e.get("name") == PROTOCOLO_DA_CONVERSA)
    with session_scope(session_factory()) as session:
        ticket = session.query(Ticket).filter_by(protocol=protocol).one()
        mail = session.query(OutboxMessage).filter_by(ticket_id=ticket.id).first()
        assert ticket.category == "falar_atendente"  # still a request for a person: withdrawable, answered live
        assert ticket_label(ticket) == "Pedido de atendente (Boletos e financeiro)"
        assert mail.subject == f"[{protocol}] Pedido de atendente (Boletos e financeiro)"


async def test_alguem_alone_is_told_the_assistant_is_there_without_opening_a_request(dispatcher):
    # u27: "bom dia", "??", then "alguém?" (falar_atendente, 0.72) opened a request for a person nobody had made.
    from actions.chamados import ESTOU_AQUI

    events = await ActionFalarAtendente().run(dispatcher, make_tracker(text="alguém?", intent="falar_atendente"), {})
    assert texts(dispatcher) == [ESTOU_AQUI]
    assert not [e for e in events if e.get("name") == PROTOCOLO_DA_CONVERSA]
