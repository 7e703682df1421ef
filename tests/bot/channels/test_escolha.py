"""A digit answering the bot's numbered buttons chooses that button (bot/channels/common.chosen_button)."""

from __future__ import annotations

from types import SimpleNamespace

from rasa.shared.core.events import BotUttered, UserUttered

from bot.channels.common import chosen_button

BUTTONS = [
    {"title": "Utilização", "payload": "/utilizacao"},
    {"title": "Contestar", "payload": "/contestar_utilizacao"},
]


def _store(*events):
    async def retrieve(sender):
        return SimpleNamespace(events=list(events))

    return SimpleNamespace(retrieve=retrieve)


async def test_a_digit_after_a_question_with_buttons_is_that_button():
    store = _store(UserUttered("quanto paguei disso"), BotUttered("Qual?", data={"buttons": BUTTONS}),
                   BotUttered("Se não for nenhum dos dois, escreva com outras palavras."))
    assert await chosen_button(store, "s", "2") == "/contestar_utilizacao"
    assert await chosen_button(store, "s", " 1 ") == "/utilizacao"
    assert await chosen_button(store, "s", "3") is None  # no third choice: the NLU reads it (menu option 3)
    assert await chosen_button(store, "s", "a primeira") is None
    # Typed the way the question shows the choices.
    assert await chosen_button(store, "s", "opção 2") == "/contestar_utilizacao"
    assert await chosen_button(store, "s", "1️⃣") == "/utilizacao"


async def test_a_web_chat_sending_an_offered_payload_chooses_that_button():
    # A web chat on the REST channel sends the payload of the button tapped: "/tele_documentos" was read as the
    # text "tele_documentos" and not understood.
    store = _store(UserUttered("a receita do médico online não chegou"), BotUttered("Qual?", data={"buttons": BUTTONS}))
    assert await chosen_button(store, "s", "/contestar_utilizacao") == "/contestar_utilizacao"
    # A payload the bot did not offer stays text: nobody picks an intent, or sets an entity, by typing it.
    assert await chosen_button(store, "s", "/falar_atendente") is None
    assert await chosen_button(store, "s", '/utilizacao{"cpf": "52998224725"}') is None


async def test_buttons_of_an_earlier_turn_do_not_count():
    store = _store(BotUttered("Qual?", data={"buttons": BUTTONS}), UserUttered("2"), BotUttered("Menu..."))
    assert await chosen_button(store, "s", "1") is None
    assert await chosen_button(None, "s", "1") is None
