"""The Ombudsman form read as people answer it: free text, not only the option numbers, and never a dead end."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Dict, List, Tuple

import pytest

from actions import base
from actions.chamados import PROTOCOLO_DA_CONVERSA
from actions.ouvidoria import (
    SEM_PROTOCOLO,
    SLOTS,
    ValidateOuvidoriaForm,
)
from actions.ouvidoria_leitura import OUVIDORIA, PRIMEIRA
from actions.ouvidoria_pedidos import PEDIDO_INSTANCIA, PEDIDO_PROTOCOLO, PEDIDO_TIPO
from actions.ouvidoria_perguntas import ActionExplicarOuvidoria
from bot.db.session import session_scope
from routing.decision import Decision
from routing.tickets import open_ticket
from tests.actions.conftest import make_tracker, slot_events, texts

DOMAIN = {"forms": {"ouvidoria_form": {"required_slots": SLOTS}}}
PERGUNTAS = {
    "ouvidoria_protocolo": "Você tem o protocolo do atendimento de primeira instância?",
    "ouvidoria_instancia": "Como prefere seguir?\n1 - Abrir agora um atendimento de primeira instância (recomendado)",
    "ouvidoria_tipo": "Qual é o tipo da sua manifestação?\n1 - Reclamação",
    "ouvidoria_relato": "Descreva em poucas palavras o que aconteceu (datas, nomes e números ajudam).",
}
# Where the person is when each question is asked, without a first-instance protocol.
ANTES = {
    "ouvidoria_protocolo": {},
    "ouvidoria_instancia": {"ouvidoria_protocolo": SEM_PROTOCOLO},
    "ouvidoria_tipo": {"ouvidoria_protocolo": SEM_PROTOCOLO, "ouvidoria_instancia": OUVIDORIA},
    "ouvidoria_relato": {
        "ouvidoria_protocolo": SEM_PROTOCOLO,
        "ouvidoria_instancia": OUVIDORIA,
        "ouvidoria_tipo": "reclamação",
    },
}
MAL_ATENDIDA = "fui mal atendida no presencial, a moça foi grossa"
GROSSA = "a moça da recepção da clínica foi muito grossa comigo ontem"
JA_LIGUEI = "ja liguei 3 vezes no 0800 e ninguem resolve meu reembolso"


def _turno(pergunta: str, resposta: str, reacao: List[str] | None = None) -> List[Dict[str, Any]]:
    """The question asked, the person's answer, and what the bot said back (before asking again)."""
    return [
        {"event": "bot", "text": pergunta},
        {"event": "user", "text": resposta},
        *({"event": "bot", "text": fala} for fala in reacao or []),
    ]


async def _responder(
    dispatcher, slot: str, resposta: str, antes: List[Dict[str, Any]] | None = None, **slots: Any
) -> Tuple[Dict[str, Any], str | None]:
    """Run the form's validation on an answer to ``slot``, as the action server would.

    Returns:
        The form's slots afterwards and the next question (``None`` when the form is complete).
    """
    form = ValidateOuvidoriaForm()
    valores = {**ANTES[slot], **slots, "requested_slot": slot}
    events = [
        *(antes or []),
        {"event": "bot", "text": PERGUNTAS[slot]},
        {"event": "user", "text": resposta},
        {"event": "slot", "name": slot, "value": resposta},
    ]
    tracker = make_tracker({**dict.fromkeys(SLOTS), **valores}, text=resposta, events=events)
    await form.run(dispatcher, tracker, DOMAIN)
    preenchidos = {nome: tracker.get_slot(nome) for nome in SLOTS}
    obrigatorios = await form.required_slots(SLOTS, dispatcher, tracker, DOMAIN)
    return preenchidos, next((nome for nome in obrigatorios if preenchidos[nome] is None), None)


async def test_a_complaint_told_in_free_text_is_the_kind_and_the_report(dispatcher):
    slots, proxima = await _responder(dispatcher, "ouvidoria_tipo", MAL_ATENDIDA)
    assert slots["ouvidoria_tipo"] == "reclamação"
    assert slots["ouvidoria_relato"] == MAL_ATENDIDA
    assert proxima is None  # nothing left to ask: the manifestation is registered next
    assert texts(dispatcher) == []


async def test_a_report_already_given_is_not_replaced_by_the_kind_answer(dispatcher):
    slots, proxima = await _responder(dispatcher, "ouvidoria_tipo", MAL_ATENDIDA, ouvidoria_relato="Relato anterior")
    assert (slots["ouvidoria_tipo"], slots["ouvidoria_relato"], proxima) == ("reclamação", "Relato anterior", None)


@pytest.mark.parametrize(
    ("resposta", "tipo"),
    [
        ("quero reclamar", "reclamação"),
        ("um absurdo", "reclamação"),
        ("parabéns", "elogio"),
        ("quero elogiar", "elogio"),
        ("tenho uma sugestão", "sugestão"),
        ("quero denunciar", "denúncia"),
        ("é fraude", "denúncia"),
        ("rever a negativa", "reanálise de procedimento negado"),
    ],
)
async def test_naming_the_kind_in_words_leads_to_the_report_question(dispatcher, resposta, tipo):
    slots, proxima = await _responder(dispatcher, "ouvidoria_tipo", resposta)
    assert (slots["ouvidoria_tipo"], slots["ouvidoria_relato"], proxima) == (tipo, None, "ouvidoria_relato")
    assert texts(dispatcher) == []


@pytest.mark.parametrize(
    ("resposta", "tipo"),
    [
        ("1", "reclamação"),
        ("2", "reanálise de procedimento negado"),
        ("3", "elogio"),
        ("opção 4", "sugestão"),
        ("5", "denúncia"),
        ("quero fazer uma denúncia", "denúncia"),
    ],
)
async def test_the_option_numbers_still_work(dispatcher, resposta, tipo):
    slots, proxima = await _responder(dispatcher, "ouvidoria_tipo", resposta)
    assert (slots["ouvidoria_tipo"], proxima) == (tipo, "ouvidoria_relato")
    assert texts(dispatcher) == []


async def test_a_number_inside_a_sentence_is_not_taken_for_an_option(dispatcher):
    slots, _ = await _responder(dispatcher, "ouvidoria_tipo", "meu pedido está parado há 3 semanas")
    assert slots["ouvidoria_tipo"] is None
    assert texts(dispatcher) == [PEDIDO_TIPO]


async def test_having_already_called_the_first_instance_goes_to_the_ombudsman(dispatcher):
    slots, proxima = await _responder(dispatcher, "ouvidoria_instancia", JA_LIGUEI)
    assert slots["ouvidoria_instancia"] == OUVIDORIA
    assert proxima == "ouvidoria_tipo"
    assert texts(dispatcher) == []


async def test_choosing_the_ombudsman_with_the_case_told_is_not_asked_to_tell_it_again(dispatcher):
    # u26: "o reembolso da consulta de urgencia de novembro, mandei os documentos e ninguem responde" at "Como
    # prefere seguir?" went to the Ombudsman and was then asked "Descreva em poucas palavras o que aconteceu".
    caso = "o reembolso da consulta de urgencia de novembro, mandei os documentos e ninguem responde"
    slots, proxima = await _responder(dispatcher, "ouvidoria_instancia", caso)
    assert slots["ouvidoria_instancia"] == OUVIDORIA and slots["ouvidoria_relato"] == caso
    assert (slots["ouvidoria_tipo"], proxima) == ("reclamação", None)
    assert texts(dispatcher) == []


@pytest.mark.parametrize(
    ("resposta", "instancia", "proxima"),
    [
        ("1", PRIMEIRA, "ouvidoria_relato"),
        ("2", OUVIDORIA, "ouvidoria_tipo"),
        ("quero a ouvidoria mesmo assim", OUVIDORIA, "ouvidoria_tipo"),
        ("ainda não tentei", PRIMEIRA, "ouvidoria_relato"),
    ],
)
async def test_the_tier_answers_still_work(dispatcher, resposta, instancia, proxima):
    slots, seguinte = await _responder(dispatcher, "ouvidoria_instancia", resposta)
    assert (slots["ouvidoria_instancia"], seguinte) == (instancia, proxima)


@pytest.mark.parametrize(
    ("slot", "pedido"),
    [
        ("ouvidoria_tipo", PEDIDO_TIPO),
        ("ouvidoria_instancia", PEDIDO_INSTANCIA),
        ("ouvidoria_protocolo", PEDIDO_PROTOCOLO),
    ],
)
async def test_the_second_unreadable_answer_in_a_row_shows_the_way_out(dispatcher, slot, pedido):
    slots, proxima = await _responder(dispatcher, slot, "qual o protocolo?")
    assert (slots[slot], proxima) == (None, slot)
    assert texts(dispatcher) == [pedido]  # first time: only what the question needs

    dispatcher.messages.clear()
    antes = _turno(PERGUNTAS[slot], "qual o protocolo?", [pedido])
    slots, proxima = await _responder(dispatcher, slot, "hã?", antes)
    assert (slots[slot], proxima) == (None, slot)  # the form asks the question, with its options, again
    [fala] = texts(dispatcher)
    assert fala.startswith(pedido)
    assert "digite *menu* para sair" in fala
    assert "0 para falar com um atendente" in fala

    dispatcher.messages.clear()
    antes = [*antes, *_turno(PERGUNTAS[slot], "hã?", [fala])]
    await _responder(dispatcher, slot, "sei lá", antes)
    assert "digite *menu* para sair" in texts(dispatcher)[0]  # and from then on


async def test_an_unreadable_answer_after_a_readable_one_is_a_first_miss(dispatcher):
    antes = _turno(PERGUNTAS["ouvidoria_instancia"], "2")
    await _responder(dispatcher, "ouvidoria_tipo", "qual o protocolo?", antes)
    assert texts(dispatcher) == [PEDIDO_TIPO]


# -- a question about the Ombudsman is answered, not taken for a manifestation --------------------------------


@pytest.mark.parametrize("texto", ["qual o prazo da ouvidoria?", "quanto tempo a ouvidoria demora pra responder?"])
async def test_a_question_about_the_ombudsman_gets_the_deadline_and_no_form(dispatcher, texto):
    eventos = await ActionExplicarOuvidoria().run(dispatcher, make_tracker(text=texto, intent="ouvidoria"), {})
    dito = "\n".join(texts(dispatcher))
    assert "7 dias úteis" in dito and "segunda instância" in dito
    # The rule would open the form next: the follow-up action makes the bot listen instead.
    assert {"event": "followup", "name": "action_listen"} in [
        {"event": e["event"], "name": e.get("name")} for e in eventos
    ]


def _abrir(instancia: str, conversa: str | None = None) -> Tuple[str, date]:
    """Open a ticket of ``instancia`` (the Ombudsman or the first instance) on the suite's day: protocol, deadline."""
    decisao = Decision(inbox=f"{instancia}@cemigsaude.org.br", cc=(), tier=instancia, rule="teste", reason="teste",
                       footer=None, tips=(), flags=(), required_fields=(), confidential=False)
    with session_scope(base.session_factory()) as session:
        ticket = open_ticket(decisao, session=session, channel="whatsapp", category=instancia, summary="teste",
                             context={"conversa": conversa} if conversa else {}, beneficiary_id=None,
                             kind="ouvidoria" if instancia == "ouvidoria" else "geral",
                             now=datetime.fromisoformat("2026-12-02T10:00:00-03:00"))
        return ticket.protocol, ticket.due_date


async def test_after_registering_the_question_gets_the_protocol_and_its_deadline(dispatcher):
    # Before: "qual o prazo da ouvidoria?" right after registering started the form again.
    protocolo, prazo = _abrir("ouvidoria")
    tracker = make_tracker({PROTOCOLO_DA_CONVERSA: protocolo}, text="qual o prazo da ouvidoria?", intent="ouvidoria")
    await ActionExplicarOuvidoria().run(dispatcher, tracker, {})
    dito = texts(dispatcher)[0]
    # 7 business days from Wednesday 02/12/2026: Friday 11/12/2026.
    assert prazo == date(2026, 12, 11)
    assert f"protocolo {protocolo}. Prazo de resposta: até 11/12/2026." in dito and "7 dias úteis" in dito


@pytest.mark.parametrize(
    "texto, ja_dito",
    [("quero registrar uma reclamação na ouvidoria", {"ouvidoria_tipo": "reclamação"}), ("ouvidoria", {}),
     ("fui mal atendida", {"ouvidoria_tipo": "reclamação"}),
     # The kind and the case told at once are not asked again ("reclamação ne, ja disse").
     (GROSSA, {"ouvidoria_tipo": "reclamação", "ouvidoria_relato": GROSSA}),
     # Only the kind and an outburst: the case is asked; it was registered at the protocol, with nothing told.
     ("quero fazer uma reclamação na ouvidoria, ninguem resolve nada!!!", {"ouvidoria_tipo": "reclamação"})],
)
async def test_a_manifestation_gets_the_tiers_and_the_form(dispatcher, texto, ja_dito):
    eventos = await ActionExplicarOuvidoria().run(dispatcher, make_tracker(text=texto, intent="ouvidoria"), {})
    assert texts(dispatcher) == ["utter_ouvidoria"] and slot_events(eventos) == ja_dito


async def test_a_compliment_goes_to_the_ombudsman_without_asking_a_first_instance_protocol(dispatcher):
    # "ue precisa de protocolo pra elogiar?": the question was asked, then the kind, then the case, all told.
    texto = "queria fazer um elogio pra dra fernanda do cps, ela foi muito atenciosa com minha mãe"
    eventos = await ActionExplicarOuvidoria().run(dispatcher, make_tracker(text=texto, intent="ouvidoria"), {})
    assert texts(dispatcher) == ["A Ouvidoria registra o seu elogio diretamente."]
    assert slot_events(eventos) == {"ouvidoria_protocolo": SEM_PROTOCOLO, "ouvidoria_instancia": OUVIDORIA,
                                    "ouvidoria_tipo": "elogio", "ouvidoria_relato": texto}


def test_already_said_at_the_report_question_takes_the_complaint_that_opened_the_form(dispatcher):
    from actions.ouvidoria import SEM_RELATO_AINDA

    form = ValidateOuvidoriaForm()
    abertura = {"event": "user", "text": GROSSA, "parse_data": {"intent": {"name": "ouvidoria"}}}
    slots = {**ANTES["ouvidoria_relato"], "requested_slot": "ouvidoria_relato"}
    tracker = make_tracker(slots, text="JA FALEI", events=[abertura, {"event": "bot", "text": "..."}])
    assert form.validate_ouvidoria_relato("JA FALEI", dispatcher, tracker, {}) == {"ouvidoria_relato": GROSSA}
    # Opened by a bare "ouvidoria", there is no case to take: asked again, and "JA FALEI" is never the complaint.
    vazio = {"event": "user", "text": "ouvidoria", "parse_data": {"intent": {"name": "ouvidoria"}}}
    tracker = make_tracker(slots, text="JA FALEI", events=[vazio])
    assert form.validate_ouvidoria_relato("JA FALEI", dispatcher, tracker, {}) == {"ouvidoria_relato": None}
    assert texts(dispatcher) == [SEM_RELATO_AINDA]


@pytest.mark.parametrize(
    "texto",
    ["fiz uma reclamacao na ouvidoria hj cedo, protocolo 41750520261206000003, ja tem resposta?",
     "e a minha reclamacao da ouvidoria?",
     # Was the start of a new complaint too, asking the first-instance protocol at every answer.
     "qual meu protocolo? abri uma reclamacao na ouvidoria hoje cedo"],
)
async def test_a_question_about_an_earlier_manifestation_is_a_protocol_lookup(dispatcher, texto):
    # Before: "Você tem o protocolo do atendimento de primeira instância?", the start of a second complaint.
    eventos = await ActionExplicarOuvidoria().run(dispatcher, make_tracker(text=texto, intent="ouvidoria"), {})
    relido = [e for e in eventos if e.get("event") == "user"]
    assert relido and relido[0]["parse_data"]["intent"]["name"] == "consultar_protocolo"
    assert relido[0]["text"] == texto and not texts(dispatcher)


async def test_the_ombudsmans_phone_is_the_central_since_it_has_none_of_its_own(dispatcher):
    eventos = await ActionExplicarOuvidoria().run(
        dispatcher, make_tracker(text="qual o telefone da ouvidoria?", intent="ouvidoria"), {}
    )
    assert "0800 030 9009" in texts(dispatcher)[0] and "quero registrar na ouvidoria" in texts(dispatcher)[0]
    assert any(e.get("event") == "followup" for e in eventos)


def test_asking_the_progress_while_the_form_asks_for_a_protocol_ends_the_form(dispatcher):
    # "quero saber o andamento do protocolo ..." was taken for the first-instance protocol of a new complaint.
    tracker = make_tracker({"requested_slot": "ouvidoria_protocolo"},
                           text="quero saber o andamento do protocolo 41750520261206000001", intent="ouvidoria")
    slots = ValidateOuvidoriaForm().validate_ouvidoria_protocolo(
        "quero saber o andamento do protocolo 41750520261206000001", dispatcher, tracker, {}
    )
    assert slots == {"ouvidoria_protocolo": None, "requested_slot": None}
    assert "preciso confirmar quem é você" in texts(dispatcher)[0]


@pytest.mark.parametrize("slot", list(PERGUNTAS))
async def test_a_bare_greeting_at_any_question_starts_over_with_the_welcome(dispatcher, slot):
    # u16: Telegram's /start (sent to the bot as "oi") in the middle of the form got the same question again.
    from actions.ouvidoria import ActionRegistrarOuvidoria
    from bot.db.models import Ticket

    slots, proxima = await _responder(dispatcher, slot, "oi")
    assert proxima is None and slots["ouvidoria_relato"] == "desistiu"
    with base.db_session() as session:
        antes = session.query(Ticket).count()
    said = type(dispatcher)()
    events = await ActionRegistrarOuvidoria().run(said, make_tracker(slots, text="oi", intent="saudacao"), {})
    assert texts(said) == []
    relida = [e for e in events if e.get("event") == "user"]
    assert relida and relida[-1]["parse_data"]["intent"]["name"] == "saudacao"
    with base.db_session() as session:
        assert session.query(Ticket).count() == antes


@pytest.mark.parametrize("slot", list(PERGUNTAS))
@pytest.mark.parametrize("resposta", ["cancelar", "desisto"])
async def test_giving_up_at_any_question_registers_nothing(dispatcher, slot, resposta):
    # "cancelar" at "Descreva em poucas palavras..." was registered as the complaint itself.
    from actions.ouvidoria import ActionRegistrarOuvidoria
    from bot.db.models import Ticket

    slots, proxima = await _responder(dispatcher, slot, resposta)
    assert proxima is None and slots["ouvidoria_relato"] == "desistiu"
    with base.db_session() as session:
        antes = session.query(Ticket).count()
    said = type(dispatcher)()
    await ActionRegistrarOuvidoria().run(said, make_tracker(slots, text=resposta), {})
    assert texts(said) == [
        "Tudo bem, não registrei nada. Digite *menu* para ver as opções ou 0 para falar com um atendente."
    ]
    with base.db_session() as session:
        assert session.query(Ticket).count() == antes


async def test_not_understanding_the_report_question_gets_an_example_not_a_complaint(dispatcher):
    slots, proxima = await _responder(dispatcher, "ouvidoria_relato", "nao entendi")
    assert proxima == "ouvidoria_relato" and slots["ouvidoria_relato"] is None
    assert texts(dispatcher)[0].startswith("Conte com suas palavras o que aconteceu")


async def test_nao_tenho_at_the_protocol_question_is_no_protocol_not_giving_up(dispatcher):
    slots, proxima = await _responder(dispatcher, "ouvidoria_protocolo", "nao tenho")
    assert slots["ouvidoria_protocolo"] == SEM_PROTOCOLO and proxima == "ouvidoria_instancia"


async def test_asking_about_the_ans_is_answered_not_a_new_manifestation(dispatcher):
    from actions.ouvidoria_leitura import RECLAMAR_NA_ANS

    # "e se a ouvidoria nao resolver posso reclamar na ANS?" right after registering started the form again.
    texto = "e se a ouvidoria nao resolver posso reclamar na ANS?"
    eventos = await ActionExplicarOuvidoria().run(dispatcher, make_tracker(text=texto, intent="ouvidoria"), {})
    assert texts(dispatcher) == [RECLAMAR_NA_ANS, "utter_algo_mais"]
    assert [e["name"] for e in eventos] == ["action_listen"]


async def test_a_protocol_in_the_opening_message_is_not_asked_again(dispatcher):
    # "ja quero levar pra ouvidoria agora com esse protocolo ..." got "Você tem o protocolo...?", twice.
    texto = "ja quero levar pra ouvidoria agora com esse protocolo 41750520261206000015"
    eventos = await ActionExplicarOuvidoria().run(dispatcher, make_tracker(text=texto, intent="ouvidoria"), {})
    assert slot_events(eventos)["ouvidoria_protocolo"] == "41750520261206000015"


def test_a_protocol_typed_as_the_report_is_a_lookup_not_a_manifestation(dispatcher):
    # "protocolo 41750520261206000019" at "o que aconteceu?" was registered as a second compliment.
    slots = {**ANTES["ouvidoria_relato"], "requested_slot": "ouvidoria_relato"}
    texto = "protocolo 41750520261206000019"
    result = ValidateOuvidoriaForm().validate_ouvidoria_relato(texto, dispatcher, make_tracker(slots, text=texto), {})
    from actions.pedido import DESISTIU

    assert result == {nome: DESISTIU for nome in SLOTS}  # nothing is registered
    assert texts(dispatcher)  # the lookup answered (identify first, here)


async def test_the_confirmation_quotes_the_report_registered(dispatcher):
    # The person reads what the Ombudsman received, so a report taken from the wrong message is seen at once.
    from actions.ouvidoria import ActionRegistrarOuvidoria

    slots = {"ouvidoria_protocolo": SEM_PROTOCOLO, "ouvidoria_instancia": OUVIDORIA, "ouvidoria_tipo": "reclamação",
             "ouvidoria_relato": GROSSA}
    await ActionRegistrarOuvidoria().run(dispatcher, make_tracker(slots, text=GROSSA), {})
    assert f"foi registrada na Ouvidoria, com o relato: “{GROSSA}”" in texts(dispatcher)[0]


def test_a_first_instance_protocol_still_within_its_deadline_is_told_so(dispatcher):
    # The Ombudsman took a first-instance protocol opened that same day as "not solved", without a word.
    protocolo, prazo = _abrir("primeira_instancia", conversa="no-prazo")
    assert prazo >= date(2026, 12, 2)
    tracker = make_tracker({"requested_slot": "ouvidoria_protocolo"}, text=protocolo, sender="no-prazo")
    slots = ValidateOuvidoriaForm().validate_ouvidoria_protocolo(protocolo, dispatcher, tracker, {})
    assert slots == {"ouvidoria_protocolo": protocolo}
    assert texts(dispatcher) == [
        f"O atendimento {protocolo} ainda está no prazo: a resposta vem até {prazo:%d/%m/%Y}. Posso registrar na "
        "Ouvidoria mesmo assim; se preferir esperar essa resposta, escreva *cancelar*."
    ]
    # Someone else's protocol, typed in another conversation without identifying, says nothing of its state.
    other = type(dispatcher)()
    tracker = make_tracker({"requested_slot": "ouvidoria_protocolo"}, text=protocolo, sender="outra-pessoa")
    ValidateOuvidoriaForm().validate_ouvidoria_protocolo(protocolo, other, tracker, {})
    assert texts(other) == []


def test_an_ombudsman_protocol_is_not_taken_as_the_first_instance(dispatcher):
    # u22: a caller said another caller's Ombudsman protocol, and a re-analysis was registered on it with no person.
    protocolo, _ = _abrir("ouvidoria", conversa="de-outra-pessoa")
    tracker = make_tracker({"requested_slot": "ouvidoria_protocolo"}, text=protocolo, sender="quem-liga")
    slots = ValidateOuvidoriaForm().validate_ouvidoria_protocolo(protocolo, dispatcher, tracker, {})
    assert slots == {"ouvidoria_protocolo": None}
    [said] = texts(dispatcher)
    assert said.startswith(f"O protocolo {protocolo} já é de uma manifestação na Ouvidoria")
    assert "primeira instância" in said and "não tenho" in said


def test_the_case_told_with_a_protocol_still_in_its_deadline_is_asked_again_so_cancelling_is_possible(dispatcher):
    # u16: the protocol and the case in one message got "escreva cancelar se preferir esperar" and were registered
    # in the same answer; "cancelar" next found nothing to cancel.
    protocolo, _ = _abrir("primeira_instancia", conversa="no-prazo-2")
    text = f"quero acrescentar uma informação na minha reanálise, protocolo {protocolo}: o médico mandou o laudo"
    tracker = make_tracker({"requested_slot": "ouvidoria_protocolo"}, text=text, sender="no-prazo-2")
    assert ValidateOuvidoriaForm().validate_ouvidoria_relato(text, dispatcher, tracker, {}) == {
        "ouvidoria_relato": None
    }
    # Asked for on its own, the case is taken: the person chose to go on.
    case = "o médico mandou o laudo e nada"
    asked = make_tracker({"requested_slot": "ouvidoria_relato"}, text=case, sender="no-prazo-2")
    assert ValidateOuvidoriaForm().validate_ouvidoria_relato(case, dispatcher, asked, {}) == {"ouvidoria_relato": case}


async def test_what_is_added_after_registering_goes_with_the_manifestation(dispatcher):
    # "mas eu nem falei qual é a reclamação" restarted the Ombudsman's explanation, and the case told next became a
    # second manifestation (or the reimbursements' guidance).
    from bot.db.models import Ticket, TicketEvent

    protocolo, _ = _abrir("ouvidoria")
    asked = make_tracker({PROTOCOLO_DA_CONVERSA: protocolo}, text="mas eu nem falei qual é a reclamação",
                         intent="ouvidoria")
    eventos = await ActionExplicarOuvidoria().run(dispatcher, asked, {})
    assert texts(dispatcher)[0].startswith("Pode contar numa mensagem só o que aconteceu")
    assert {"event": "followup", "name": "action_listen"} in [{"event": e["event"], "name": e.get("name")}
                                                            for e in eventos]
    caso = "acrescentar: o reembolso da consulta de urgência de novembro está parado e pedem de novo os documentos"
    said = type(dispatcher)()
    await ActionExplicarOuvidoria().run(said, make_tracker({PROTOCOLO_DA_CONVERSA: protocolo}, text=caso,
                                                           intent="ouvidoria"), {})
    assert texts(said)[0] == f"Juntei isto à sua manifestação {protocolo}: a Ouvidoria recebe junto, sem abrir outra."
    with session_scope(base.session_factory()) as session:
        ticket_id = session.query(Ticket).filter_by(protocol=protocolo).one().id
        nota = session.query(TicketEvent).filter_by(ticket_id=ticket_id, kind="nota").one()
        assert "reembolso da consulta de urgência de novembro" in nota.text and nota.agent_id is None
        assert session.query(Ticket).filter_by(tier="ouvidoria").filter(Ticket.protocol > protocolo).count() == 0


async def test_a_cpf_typed_as_the_report_is_not_registered(dispatcher):
    # "529.982.247-25" at "what happened?" was registered: "com o relato: '529.982.247-25'".
    slots, proxima = await _responder(dispatcher, "ouvidoria_relato", "529.982.247-25")
    assert proxima == "ouvidoria_relato" and slots["ouvidoria_relato"] is None
    assert texts(dispatcher)[0].startswith("Aqui não precisa do CPF")


async def test_a_network_question_that_reached_the_ombudsman_gets_the_network(dispatcher):
    # u13: "onde tem cardiologista credenciado em contagem?" got the Ombudsman's tiers and "Você tem o protocolo?",
    # and the next requests answered that question.
    from actions.cobertura import REDE_CREDENCIADA
    from actions.ouvidoria_perguntas import ActionExplicarOuvidoria

    tracker = make_tracker(text="onde tem cardiologista credenciado em contagem?", intent="ouvidoria")
    events = await ActionExplicarOuvidoria().run(dispatcher, tracker, {})
    assert texts(dispatcher)[0] == REDE_CREDENCIADA
    assert events == [{"event": "followup", "name": "action_listen", "timestamp": None}]


@pytest.mark.parametrize(
    "texto",
    ["o atendente nunca me ligou de volta e meu problema continua",
     "fui mal atendida pela atendente da central ontem, ela desligou na minha cara"],
)
async def test_a_case_about_an_attendant_is_the_manifestation_not_a_request_for_one(dispatcher, texto):
    # u17: read as falar_atendente, the complaint left the form and became a callback in the first instance.
    from actions.ouvidoria_perguntas import ActionAtendenteNaOuvidoria

    tracker = make_tracker({"requested_slot": "ouvidoria_relato"}, text=texto, intent="falar_atendente")
    events = await ActionAtendenteNaOuvidoria().run(dispatcher, tracker, {})
    [relida] = [e for e in events if e.get("event") == "user"]
    assert relida["text"] == texto and relida["parse_data"]["intent"]["name"] == "ouvidoria"
    assert not any(e.get("name") == "action_falar_atendente" for e in events)


@pytest.mark.parametrize("texto", ["0", "atendente", "quero falar com uma pessoa"])
async def test_a_request_for_a_person_during_the_form_still_leaves_it(dispatcher, texto):
    from actions.ouvidoria_perguntas import ActionAtendenteNaOuvidoria

    tracker = make_tracker({"requested_slot": "ouvidoria_tipo"}, text=texto, intent="falar_atendente")
    events = await ActionAtendenteNaOuvidoria().run(dispatcher, tracker, {})
    assert {"event": "active_loop", "name": None, "timestamp": None} in events
    assert events[-1]["name"] == "action_falar_atendente"


@pytest.mark.parametrize("texto", ["por que negaram??", "meu exame foi negado, como assim?"])
async def test_why_a_guide_was_denied_is_the_authorizations_answer_not_the_ombudsmans(dispatcher, texto):
    # u20: "por que negaram??" right after the denied guide opened the Ombudsman's form and its protocol question.
    from actions.ouvidoria_perguntas import ActionExplicarOuvidoria

    events = [{"event": "user", "text": "minhas autorizações", "parse_data": {"intent": {"name": "autorizacao"}}},
              {"event": "bot", "text": "Guia 20260000003 ... Situação: Negada"},
              {"event": "user", "text": texto, "parse_data": {"intent": {"name": "ouvidoria"}}}]
    tracker = make_tracker(text=texto, intent="ouvidoria", events=events)
    result = await ActionExplicarOuvidoria().run(dispatcher, tracker, {})
    relida = [e for e in result if e.get("event") == "user"]
    assert relida and relida[0]["parse_data"]["intent"]["name"] == "autorizacao" and texts(dispatcher) == []


@pytest.mark.parametrize("resposta, parece", [("529.982.247-25", "um CPF"), ("12/03/1975", "uma data")])
async def test_a_cpf_or_date_typed_for_the_protocol_is_named_and_the_protocol_asked_again(dispatcher, resposta,
                                                                                          parece):
    # Before: "Informe o protocolo de 20 dígitos…" again, as if nothing had been said.
    slots, proxima = await _responder(dispatcher, "ouvidoria_protocolo", resposta)
    assert proxima == "ouvidoria_protocolo" and slots["ouvidoria_protocolo"] is None
    assert texts(dispatcher)[0].startswith(f"Isso parece {parece}, não um protocolo.")
    # A second such answer in a row also says how to leave.
    said = type(dispatcher)()
    antes = [{"event": "user", "text": resposta}, {"event": "bot", "text": texts(dispatcher)[0]}]
    await _responder(said, "ouvidoria_protocolo", resposta, antes=antes)
    assert "digite *menu* para sair" in texts(said)[0]
