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
