"""Fallback: one request to rephrase, then the menu and the offer of a person."""

from __future__ import annotations

from actions.conversa import ActionFallback
from tests.actions.conftest import make_tracker, texts


def _user(intent: str) -> dict:
    return {"event": "user", "text": "x", "parse_data": {"intent": {"name": intent}}}


async def test_first_misunderstanding_asks_to_rephrase(dispatcher):
    events = [_user("saudacao"), {"event": "bot", "text": "Olá"}, _user("nlu_fallback")]
    await ActionFallback().run(dispatcher, make_tracker(events=events), {})
    assert texts(dispatcher) == ["utter_ask_rephrase"]


async def test_second_misunderstanding_shows_menu_and_person(dispatcher):
    events = [_user("nlu_fallback"), {"event": "bot", "text": "?"}, _user("nlu_fallback")]
    await ActionFallback().run(dispatcher, make_tracker(events=events), {})
    shown = texts(dispatcher)
    assert "atendente" in shown[0]
    assert shown[1] == "utter_menu"


async def test_a_close_call_offers_both_topics_as_numbered_choices(dispatcher):
    from actions.conversa import ActionEsclarecer

    tracker = make_tracker(text="a consulta online travou e preciso de um médico agora", intent="esclarecer")
    tracker.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.25},
        {"name": "pronto_atendimento_online", "confidence": 0.49},
        {"name": "afirmar", "confidence": 0.48},  # never offered: an answer, not a topic
        {"name": "tele_tecnologia", "confidence": 0.47},
    ]
    await ActionEsclarecer().run(dispatcher, tracker, {})
    [question, hint] = dispatcher.messages
    assert [(b["title"], b["payload"]) for b in question["buttons"]] == [
        ("Pronto Atendimento Online (médico por vídeo, 24 h)", "/pronto_atendimento_online"),
        ("Teleconsulta: problema técnico na plataforma", "/tele_tecnologia"),
    ]
    assert "nenhum dos dois" in hint["text"]
