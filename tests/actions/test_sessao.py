"""Goodbyes: who is logged out, and a "não entendi" that is no goodbye."""

from __future__ import annotations

import pytest

from actions.sessao import ActionDespedida
from tests.actions.conftest import make_tracker, slot_events, texts


@pytest.mark.parametrize("text", ["nao entendi", "não entendi nada", "nao sei o que fazer", "n consegui"])
async def test_someone_who_did_not_understand_keeps_the_conversation_and_the_identification(dispatcher, text):
    # "não entendi" was read as a "no" to "algo mais?": "Até logo! Por segurança, encerrei sua identificação."
    tracker = make_tracker({"identificado": True, "beneficiario_id": "1"}, text=text, intent="negar")
    events = await ActionDespedida().run(dispatcher, tracker, {})
    assert events == []
    answer = texts(dispatcher)
    assert len(answer) == 1 and answer[0].startswith("Desculpe, vou tentar de outro jeito.")
    assert "menu" in answer[0] and "0 para falar com um atendente" in answer[0]


async def test_a_no_thanks_ends_the_conversation_and_the_identification(dispatcher):
    tracker = make_tracker({"identificado": True, "beneficiario_id": "1"}, text="não, só isso", intent="negar")
    events = await ActionDespedida().run(dispatcher, tracker, {})
    assert texts(dispatcher) == ["utter_despedida", "Por segurança, encerrei sua identificação."]
    assert slot_events(events)["identificado"] is False
