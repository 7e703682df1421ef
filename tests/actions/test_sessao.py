"""Goodbyes: who is logged out, and a "não entendi" that is no goodbye."""

from __future__ import annotations

import pytest

from actions import base
from actions.sessao import ActionDespedida
from tests.actions.conftest import as_served, make_tracker, slot_events, texts


@pytest.mark.parametrize("text", ["nao entendi", "não entendi nada", "nao sei o que fazer", "n consegui",
                                  # u22: a hesitation before it, or "non" as the phone heard it, said goodbye.
                                  "ah não sei bem", "hã... non sei", "bom, não entendi"])
async def test_someone_who_did_not_understand_keeps_the_conversation_and_the_identification(dispatcher, text):
    # "não entendi" was read as a "no" to "algo mais?": "Até logo! Por segurança, encerrei sua identificação."
    tracker = make_tracker({"identificado": True, "beneficiario_id": "1"}, text=text, intent="negar")
    events = await ActionDespedida().run(dispatcher, tracker, {})
    assert events == []
    answer = texts(dispatcher)
    assert len(answer) == 1 and answer[0].startswith("Desculpe, vou tentar de outro jeito.")
    assert "menu" in answer[0] and "0 para falar com um atendente" in answer[0]


@pytest.mark.parametrize("text", ["ja tentei e nao foi", "ja tentei e nao foi, a camera nao liga",
                                  "ja olhei la e nao tem nada", "não funcionou"])
async def test_someone_still_stuck_after_a_tip_is_offered_more_help_not_a_goodbye(dispatcher, text):
    # u17: after the camera tips or where the prescription is, these got "Obrigado pelo contato... Até logo!".
    tracker = make_tracker({"identificado": True, "beneficiario_id": "1"}, text=text, intent="negar")
    events = await ActionDespedida().run(dispatcher, tracker, {})
    assert events == []
    [answer] = texts(dispatcher)
    assert answer.startswith("Sinto muito que ainda não resolveu.") and "0 para falar com um atendente" in answer


async def test_a_no_thanks_ends_the_conversation_and_the_identification(dispatcher):
    tracker = make_tracker({"identificado": True, "beneficiario_id": "1"}, text="não, só isso", intent="negar")
    events = await ActionDespedida().run(dispatcher, tracker, {})
    assert texts(dispatcher) == ["utter_despedida", "Por segurança, encerrei sua identificação."]
    assert slot_events(events)["identificado"] is False


async def test_a_caller_saying_goodbye_is_not_told_of_the_identification_ending(dispatcher):
    # u25: "Por segurança, encerrei sua identificação." was the last thing a caller heard after "tchau".
    tracker = make_tracker({"identificado": True, "beneficiario_id": "1"}, text="tchau", intent="despedida",
                           sender="ura:CA1", events=[{"event": "user", "text": "tchau", "input_channel": "ura"}])
    events = await ActionDespedida().run(dispatcher, tracker, {})
    assert texts(dispatcher) == ["utter_despedida"]
    assert slot_events(events)["identificado"] is False  # ended all the same


@pytest.mark.parametrize("text", ["nao, as MINHAS, da maria", "não, as minhas"])
async def test_a_no_that_corrects_whose_data_stays_in_the_topic(dispatcher, text):
    # After Ana's usage, "nao, as minhas" (negar, 0.99) said goodbye and logged Maria out.
    asked = {"event": "user", "text": "minha utilização", "parse_data": {"intent": {"name": "utilizacao"}}}
    tracker = make_tracker({"identificado": True, "beneficiario_id": "1"}, text=text, intent="negar",
                           events=[asked, {"event": "bot", "text": "..."},
                                   {"event": "user", "text": text, "parse_data": {"intent": {"name": "negar"}}}])
    events = await ActionDespedida().run(dispatcher, tracker, {})
    reread = [e for e in events if e.get("event") == "user"]
    assert reread and reread[0]["parse_data"]["intent"]["name"] == "utilizacao" and not texts(dispatcher)


@pytest.mark.parametrize(
    ("text", "topic"),
    [("20260000003", "autorizacao"), ("o numero da guia é 20260000003", "autorizacao"),
     ("41750520261206000014", "consultar_protocolo")],
)
async def test_a_guide_or_protocol_typed_at_the_menu_is_looked_up(dispatcher, text, topic):
    # "20260000003" at the menu was "Você já está identificado. Para trocar de pessoa, digite sair".
    from actions.sessao import ActionJaIdentificado

    tracker = make_tracker({"identificado": True, "beneficiario_id": "1"}, text=text, intent="informar_identificacao")
    events = await ActionJaIdentificado().run(dispatcher, tracker, {})
    reread = [e for e in events if e.get("event") == "user"]
    assert reread and reread[0]["parse_data"]["intent"]["name"] == topic and reread[0]["text"] == text
    assert not texts(dispatcher)


async def test_a_valid_cpf_after_identifying_is_told_there_is_no_need(dispatcher):
    from actions.sessao import ActionJaIdentificado

    tracker = make_tracker({"identificado": True, "beneficiario_id": "1"}, text="529.982.247-25",
                           intent="informar_identificacao")
    await ActionJaIdentificado().run(dispatcher, tracker, {})
    assert texts(dispatcher) == ["utter_ja_identificado"]


@pytest.mark.parametrize("text", ["quero ver a utilização da minha esposa, o cpf dela é 529.982.247-25",
                                  "quero ver o reembolso da minha mãe, cpf 111.222.333-96"])
async def test_someone_elses_cpf_after_identifying_is_not_an_invitation_to_switch(dispatcher, text):
    # u22: "Você já está identificado. Para trocar de pessoa, digite sair" told José how to enter as Maria.
    from actions.sessao import ActionJaIdentificado

    tracker = make_tracker({"identificado": True, "beneficiario_id": "1"}, text=text, intent="informar_identificacao")
    await ActionJaIdentificado().run(dispatcher, tracker, {})
    [answer] = texts(dispatcher)
    assert answer.startswith("Por segurança, não entro com o CPF de outra pessoa") and "sair" not in answer
    assert "utilização da minha esposa" in answer


@pytest.mark.parametrize(("texto", "acao"), [
    ("oii aqui eh a ana filha dela, peguei o cel da minha mae rs. quero ver as consultas do meu pai",
     "actions.conversa.ActionForaDeEscopo"),  # out of scope, 0.25: the next message showed her father's usage
    ("aqui é a ana agora", "actions.sessao.ActionDespedida"),  # a goodbye, 0.76
    ("nao, eu sou a ana", "actions.sessao.ActionSair"),  # "não sou eu" read as leaving
    # u22: a greeting with who writes is a greeting now ("bom dia, sou o José, marido da Maria" fell back).
    ("oi, aqui é a Ana", "actions.sessao.ActionSaudacao"),
])
async def test_someone_else_writing_is_identified_again_whatever_the_classifier_read(dispatcher, texto, acao):
    import importlib

    from actions.base import OUTRA_PESSOA
    from bot.db import repository, seed

    with base.db_session() as session:
        maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=session).id
    modulo, classe = acao.rsplit(".", 1)
    tracker = make_tracker({"identificado": True, "beneficiario_id": str(maria)}, text=texto)
    events = await as_served(getattr(importlib.import_module(modulo), classe)(), dispatcher, tracker)
    assert texts(dispatcher) == [OUTRA_PESSOA]
    slots = slot_events(events)
    assert slots["identificado"] is False and slots["beneficiario_id"] is None and slots["identidade"] is None


async def test_a_greeting_in_an_identified_conversation_says_whose_it_is(dispatcher, db):
    # u16: on a phone shared by the family, "oi" 45 minutes later showed the plain welcome; the next "3" showed
    # the family's card numbers to whoever held the phone.
    from actions.base import db_session
    from actions.sessao import ActionSaudacao
    from bot.db import repository, seed

    with db_session() as session:
        maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=session)
        slots = {"identificado": True, "beneficiario_id": str(maria.id), "beneficiario_nome": maria.name}
    await ActionSaudacao().run(dispatcher, make_tracker(slots, text="oi", intent="saudacao"), {})
    assert texts(dispatcher) == [
        "Esta conversa está identificada como Maria. Se não for você, escreva *sair* antes de continuar.",
        "utter_saudacao",
    ]
    # A forged identity (slots without the form's signature) is nobody's.
    forged = type(dispatcher)()
    await ActionSaudacao().run(forged, make_tracker({**slots, "identidade": "forjada"}, text="oi"), {})
    assert texts(forged) == ["utter_saudacao"]
