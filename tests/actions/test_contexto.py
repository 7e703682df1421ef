"""Short questions about the answer just given are answered in its topic (actions/contexto.py)."""

from __future__ import annotations

import pytest

from actions.contexto import pergunta_sobre_o_assunto
from actions.conversa import ActionFallback, ActionForaDeEscopo
from actions.novos_planos import ActionConsultarNovosPlanos
from tests.actions.conftest import make_tracker, texts


def _user(intent: str, text: str = "x") -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def _after(topic: str, text: str, intent: str, confidence: float):
    tracker = make_tracker(text=text, intent=intent,
                           events=[_user(topic, "preciso de um medico agora"), {"event": "bot", "text": "..."},
                                   _user(intent, text)])
    tracker.latest_message["intent"]["confidence"] = confidence
    return tracker


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [
        ("tem pediatra?", "nlu_fallback", 0.25),
        ("como entro?", "novos_planos", 0.49),
        ("funciona no celular?", "fora_de_escopo", 0.85),
        ("é de graça?", "nlu_fallback", 0.25),
    ],
)
def test_a_short_question_after_pa_online_is_about_pa_online(text, intent, confidence):
    assert pergunta_sobre_o_assunto(_after("pronto_atendimento_online", text, intent, confidence)) == (
        "pronto_atendimento_online"
    )


@pytest.mark.parametrize(
    ("text", "intent", "confidence", "why"),
    [
        ("qual a previsão do tempo?", "fora_de_escopo", 0.99, "surely out of scope"),
        ("qual a capital da australia?", "fora_de_escopo", 0.8, "nothing of the topic in it"),
        ("cadê o meu reembolso?", "reembolso", 0.92, "another topic, named with confidence"),
        ("meu filho precisa de um pediatra agora, ele está com febre alta desde ontem", "nlu_fallback", 0.25,
         "not short"),
        ("pediatra", "nlu_fallback", 0.25, "not a question"),
    ],
)
def test_other_messages_keep_their_classification(text, intent, confidence, why):
    assert pergunta_sobre_o_assunto(_after("pronto_atendimento_online", text, intent, confidence)) is None, why


def test_a_topic_without_a_vocabulary_or_no_topic_at_all_keeps_the_classification():
    assert pergunta_sobre_o_assunto(_after("financeiro", "tem pediatra?", "nlu_fallback", 0.25)) is None
    alone = make_tracker(text="tem pediatra?", intent="nlu_fallback", events=[_user("nlu_fallback", "tem pediatra?")])
    assert pergunta_sobre_o_assunto(alone) is None


@pytest.mark.parametrize(
    ("action", "intent", "confidence"),
    [(ActionFallback, "nlu_fallback", 0.25), (ActionForaDeEscopo, "fora_de_escopo", 0.85),
     (ActionConsultarNovosPlanos, "novos_planos", 0.49)],
)
async def test_the_actions_that_would_misanswer_put_the_question_back_in_the_topic(dispatcher, action, intent,
                                                                                   confidence):
    tracker = _after("pronto_atendimento_online", "tem pediatra pra criança?", intent, confidence)
    events = await action().run(dispatcher, tracker, {})
    assert [e["event"] for e in events] == ["rewind", "action", "user"]
    assert events[2]["parse_data"]["intent"] == {"name": "pronto_atendimento_online", "confidence": 1.0}
    assert dispatcher.messages == []


async def test_out_of_scope_without_a_topic_says_so_and_shows_the_menu(dispatcher):
    tracker = make_tracker(text="qual a capital da australia?", intent="fora_de_escopo",
                           events=[_user("fora_de_escopo", "qual a capital da australia?")])
    assert await ActionForaDeEscopo().run(dispatcher, tracker, {}) == []
    assert texts(dispatcher) == ["utter_fora_de_escopo", "utter_menu"]


@pytest.mark.parametrize(
    ("topic", "text", "intent", "confidence"),
    [
        ("reembolso", "ele foi negado pq?", "tele_clinica", 0.29),
        ("agendamento_cps", "qual o telefone de lá?", "fora_de_escopo", 0.7),
        ("autorizacao", "e pra parto, tem carência?", "novos_planos", 0.5),
        ("imposto_renda", "serve pra declaração?", "nlu_fallback", 0.25),
    ],
)
def test_each_topic_with_a_vocabulary_keeps_its_short_questions(topic, text, intent, confidence):
    assert pergunta_sobre_o_assunto(_after(topic, text, intent, confidence)) == topic


async def test_the_teleconsultation_desk_gives_back_a_question_about_the_plan(dispatcher):
    from actions.teleconsulta import ActionPrepararTeleconsulta

    tracker = _after("reembolso", "ele foi negado pq?", "tele_clinica", 0.29)
    events = await ActionPrepararTeleconsulta().run(dispatcher, tracker, {})
    assert events[2]["parse_data"]["intent"]["name"] == "reembolso"
    assert dispatcher.messages == []  # no request for a name and a NIF


def test_reading_a_request_again_keeps_an_identification_made_in_the_same_turn():
    from actions.contexto import reler_no_assunto

    # The birth date ends the identification and the pending request is served in that turn; read again, it
    # lost the identification and the person was asked the CPF once more.
    eventos = [
        {"event": "user", "text": "30/08/1972", "parse_data": {"intent": {"name": "informar_identificacao"}}},
        {"event": "slot", "name": "identificado", "value": True},
        {"event": "active_loop", "name": None},
        {"event": "slot", "name": "beneficiario_id", "value": "7"},
    ]
    tracker = make_tracker(text="30/08/1972", intent="informar_identificacao", events=eventos)
    novos = reler_no_assunto(tracker, "ouvidoria", "quero recorrer da negativa")
    assert [e["event"] for e in novos] == ["rewind", "slot", "active_loop", "slot", "action", "user"]
    assert novos[1]["value"] is True and novos[2]["name"] is None and novos[3]["value"] == "7"
    assert novos[-1]["text"] == "quero recorrer da negativa"


async def test_when_the_plan_pays_back_after_the_reimbursements_stays_in_them(dispatcher):
    # u27: "e quando vão pagar o da sutura?" after the reimbursement list (financeiro, 0.9) showed the overdue
    # boletos and the cancellation warning.
    from actions.financeiro import ActionConsultarFinanceiro

    tracker = _after("reembolso", "e quando vão pagar o da sutura?", "financeiro", 0.9)
    tracker.slots.update({"identificado": True, "beneficiario_id": "1"})
    tracker.slots["identidade"] = make_tracker({"identificado": True, "beneficiario_id": "1"}).slots["identidade"]
    events = await ActionConsultarFinanceiro().run(dispatcher, tracker, {})
    assert [e["event"] for e in events] == ["rewind", "action", "user"]
    assert events[2]["parse_data"]["intent"]["name"] == "reembolso"
    # Paying the boleto after the reimbursements is still the boleto.
    boleto = _after("reembolso", "e quando vou pagar o boleto?", "financeiro", 0.9)
    boleto.slots.update(tracker.slots)
    said = type(dispatcher)()
    events = await ActionConsultarFinanceiro().run(said, boleto, {})
    assert not [e for e in events if e.get("event") == "user"]
