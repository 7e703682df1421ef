"""The checks every message gets before its action (actions/turno.py), through the action server's executor."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.atendente import ActionFalarAtendente
from actions.base import OUTRA_PESSOA
from actions.chamados import PROTOCOLO_DA_CONVERSA
from actions.novos_planos import ActionConsultarNovosPlanos
from actions.orientacoes import ActionOrientarProntoAtendimento
from actions.teleconsulta import ValidateTeleconsultaForm
from bot.db import repository, seed
from bot.settings import get_settings
from tests.actions.conftest import as_served, make_tracker, slot_events, texts


@pytest.fixture
def maria(db):
    from actions import base

    with base.db_session() as session:
        return str(repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=session).id)


@pytest.mark.parametrize("acao", [ActionConsultarNovosPlanos, ActionOrientarProntoAtendimento])
async def test_someone_else_writing_ends_the_identification_in_actions_that_never_checked(dispatcher, maria, acao):
    # Neither action shows the family's data, so neither checked: the husband who wrote "aqui é o josé agora" was
    # answered and stayed on Maria's identification, and his next message would have shown her data.
    tracker = make_tracker({"identificado": True, "beneficiario_id": maria},
                           text="oi aqui é o josé agora, marido dela. quero saber do pronto atendimento e dos planos")
    events = await as_served(acao(), dispatcher, tracker)
    assert texts(dispatcher) == [OUTRA_PESSOA]
    slots = slot_events(events)
    assert slots["identificado"] is False and slots["beneficiario_id"] is None and slots["identidade"] is None


async def test_the_option_asked_for_is_served_after_the_new_person_identifies(dispatcher, maria):
    from actions.reembolso import ActionConsultarReembolso

    tracker = make_tracker({"identificado": True, "beneficiario_id": maria},
                           text="agora é a ana aqui, quero ver meus reembolsos", intent="reembolso")
    events = await as_served(ActionConsultarReembolso(), dispatcher, tracker)
    assert slot_events(events)["opcao_pendente"] == "reembolso"


async def test_a_form_question_answered_is_not_checked(dispatcher, maria):
    # "Qual é o nome do paciente?" answered with a sentence about who writes is the desk's business, not a logout.
    tracker = make_tracker({"identificado": True, "beneficiario_id": maria, "requested_slot": "tele_nome"},
                           text="aqui é a ana, filha dela")
    events = await as_served(ValidateTeleconsultaForm(), dispatcher, tracker)
    assert OUTRA_PESSOA not in texts(dispatcher)
    assert "identificado" not in slot_events(events)


async def test_a_second_action_for_the_same_message_is_not_checked_again(dispatcher, maria):
    # After the identification form finished, the option asked for runs as the message's second action.
    tracker = make_tracker({"identificado": True, "beneficiario_id": maria}, text="aqui é a maria agora",
                           events=[{"event": "user", "text": "aqui é a maria agora"},
                                   {"event": "action", "name": "identificacao_form"}])
    await as_served(ActionConsultarNovosPlanos(), dispatcher, tracker)
    assert OUTRA_PESSOA not in texts(dispatcher)


async def test_withdrawing_a_request_works_whatever_action_the_message_reached(dispatcher, monkeypatch):
    monkeypatch.setenv("ATENDE_NOW", "2026-12-05T20:00:00-03:00")  # Saturday night: the request waits
    get_settings.cache_clear()
    try:
        sender = "turno-retira"
        events = await ActionFalarAtendente().run(
            CollectingDispatcher(), make_tracker(text="quero falar com alguém", intent="falar_atendente",
                                                 sender=sender), {})
        protocol = next(e["value"] for e in events if e.get("name") == PROTOCOLO_DA_CONVERSA)
        tracker = make_tracker({PROTOCOLO_DA_CONVERSA: protocol}, text="ah já resolvi, pode cancelar o pedido",
                               sender=sender)
        events = await as_served(ActionConsultarNovosPlanos(), dispatcher, tracker)
    finally:
        get_settings.cache_clear()
    assert texts(dispatcher)[0].startswith(f"Pronto: cancelei o pedido {protocol}.")
    assert events == [{"event": "followup", "name": "action_listen", "timestamp": None}]


@pytest.mark.parametrize("answer", ["1", "o 2"])
async def test_a_number_answering_which_item_is_that_item_not_the_menu_option(dispatcher, maria, answer):
    # u11: "Qual item você não reconhece? Responda com um número de 1 a 2." then "1" showed the reimbursements
    # (menu option 1), and "o 2" the usage statement.
    from actions.reembolso import ActionConsultarReembolso
    from actions.utilizacao import QUAL_ITEM

    events = [{"event": "user", "text": "vou contestar um item"},
              {"event": "bot", "text": f"{QUAL_ITEM} Responda com um número de 1 a 2."},
              {"event": "user", "text": answer}]
    tracker = make_tracker({"identificado": True, "beneficiario_id": maria}, text=answer, intent="reembolso",
                           events=events)
    result = await as_served(ActionConsultarReembolso(), dispatcher, tracker)
    reread = [e for e in result if e.get("event") == "user"]
    assert reread and reread[0]["parse_data"]["intent"]["name"] == "contestar_utilizacao"
    assert reread[0]["text"] == answer and not texts(dispatcher)


async def test_where_to_send_a_document_for_this_conversations_request_whatever_was_read(dispatcher):
    # u11: after the reanalysis was registered, "como eu mando o relatorio do medico pra essa reanalise?" showed a
    # reimbursement's protocol.
    from actions.reembolso import ActionConsultarReembolso

    tracker = make_tracker({PROTOCOLO_DA_CONVERSA: "41750520261206000001"}, intent="reembolso",
                           text="como eu mando o relatorio do medico pra essa reanalise?")
    events = await as_served(ActionConsultarReembolso(), dispatcher, tracker)
    said = texts(dispatcher)
    assert said == ["O documento vai para o pedido 41750520261206000001: Documentos, como recibos de reembolso, são "
                    "enviados pelo aplicativo ou pelo Portal Cemig Saúde. Cite o número do protocolo. Por aqui eu "
                    "recebo só texto."]
    assert events == [{"event": "followup", "name": "action_listen", "timestamp": None}]


async def test_someone_else_answering_whose_data_is_logged_out_before_any_data(dispatcher, maria):
    # u13: at "De quem você quer ver a utilização?", "oi aqui é o jose agora, marido dela" was taken as the answer
    # and the next message showed Maria's usage to him.
    from actions.navegacao import ValidateEscolhaPessoaForm

    tracker = make_tracker({"identificado": True, "beneficiario_id": maria, "requested_slot": "pessoa_escolhida",
                            "opcao_pendente": "utilizacao"}, text="oi aqui é o jose agora, marido dela")
    events = await as_served(ValidateEscolhaPessoaForm(), dispatcher, tracker)
    assert texts(dispatcher) == [OUTRA_PESSOA]
    slots = slot_events(events)
    assert slots["identificado"] is False and slots["beneficiario_id"] is None and slots["requested_slot"] is None
    assert not [e for e in events if e.get("event") == "followup"]
    # Maria naming a person of the family is her answer, not someone else writing.
    said = CollectingDispatcher()
    tracker = make_tracker({"identificado": True, "beneficiario_id": maria, "requested_slot": "pessoa_escolhida",
                            "opcao_pendente": "utilizacao"}, text="a da Ana")
    events = await as_served(ValidateEscolhaPessoaForm(), said, tracker)
    assert OUTRA_PESSOA not in texts(said) and "identificado" not in slot_events(events)


@pytest.mark.parametrize(("text", "number"), [
    ("espera, estou a ficar sem ar depois de tomar o antibiótico, tenho a língua inchada", "112"),
    ("estou com dor no peito agora", "192 (SAMU; em Portugal, 112)"),
])
async def test_an_emergency_told_at_the_desks_question_is_answered_first(dispatcher, text, number):
    # u14: at "Qual é o seu nome completo?", "não consigo respirar" got "Escreva o nome completo".
    from actions.teleconsulta import ValidateTeleconsultaForm

    tracker = make_tracker({"requested_slot": "tele_nome", "tele_categoria": "tele_clinica"}, text=text)
    events = await as_served(ValidateTeleconsultaForm(), dispatcher, tracker)
    said = texts(dispatcher)
    assert len(said) == 1 and said[0].startswith("⚠️") and f"ligue {number}".lower() in said[0].lower()
    assert events == []


async def test_a_document_for_a_desk_request_is_not_sent_to_the_plans_app(dispatcher):
    # The plan's app and portal are not the teleconsultation desk's channels: its request takes the message.
    from actions.teleconsulta import ActionPrepararTeleconsulta

    protocol = "41750520261206000004"
    tracker = make_tracker({PROTOCOLO_DA_CONVERSA: protocol, "tele_protocolo": protocol},
                           intent="tele_faturas", text="como envio a fatura-recibo para esse pedido?")
    await as_served(ActionPrepararTeleconsulta(), dispatcher, tracker)
    assert not any("aplicativo ou pelo Portal Cemig Saúde" in (t or "") for t in texts(dispatcher))
