"""How the channels read what arrives, case by case (issue 13, mutation survivors).

What a WhatsApp message without text carried, what a Telegram update asks for, which numbered button a digit
chooses, and the user's text as the bot gets it. Unit tests of the functions the webhooks call, so each rule is
checked on its own and quickly.
"""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from telegram import Update

from bot.channels.common import as_plain_text, chosen_button, conversation_id
from bot.channels.telegram import EDITED_ANSWER, GROUP_ANSWER, incoming
from bot.channels.whatsapp import received_kind
from tests.bot.channels import payloads

USER = 55504444


# --- WhatsApp: what a message without text carried -----------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, kind",
    [
        ({"Body": "oi"}, None),
        ({"Body": "", "ButtonPayload": "3"}, None),
        ({"Body": "  ", "ButtonPayload": "  ", "MessageType": "image"}, "sua imagem"),
        ({"Body": "", "MessageType": "Video"}, "seu vídeo"),
        ({"Body": "", "MessageType": "audio"}, "seu áudio"),
        ({"Body": "", "MessageType": "document"}, "seu documento"),
        ({"Body": "", "MessageType": "sticker"}, "sua figurinha"),
        ({"Body": "", "MessageType": "location"}, "sua localização"),
        ({"Body": "", "MessageType": "contacts"}, "seu contato"),
        ({"Body": "", "MessageType": "reaction", "Latitude": "-19.92"}, "sua localização"),
        ({"Body": "", "MessageType": "reaction"}, "uma mensagem vazia"),
        ({"Body": "", "NumMedia": "1", "MediaContentType0": "IMAGE/WEBP"}, "sua figurinha"),
        ({"Body": "", "NumMedia": "1", "MediaContentType0": "image/jpeg"}, "sua imagem"),
        ({"Body": "", "NumMedia": "1", "MediaContentType0": "video/mp4"}, "seu vídeo"),
        ({"Body": "", "NumMedia": "2", "MediaContentType0": "application/pdf"}, "seu documento"),
        ({"Body": "", "NumMedia": "1", "MediaContentType0": "text/vcard"}, "seu arquivo"),
        ({"Body": "", "NumMedia": "1"}, "seu arquivo"),
        ({"Body": "", "NumMedia": "um"}, "seu arquivo"),
        ({"Body": "", "NumMedia": " 0 "}, "uma mensagem vazia"),
        ({"Body": "", "NumMedia": "  "}, "uma mensagem vazia"),
        ({"NumMedia": "0"}, "uma mensagem vazia"),
        ({}, "uma mensagem vazia"),
    ],
)
def test_what_a_whatsapp_message_without_text_carried(fields, kind):
    assert received_kind(fields) == kind


# --- Telegram: what an update asks for -------------------------------------------------------------------------------


def _update(data: dict) -> Update:
    return Update.de_json(data, None)


def test_a_button_press_is_read_from_the_chat_of_the_message_it_was_on():
    update = payloads.telegram_button(7701, USER, " 3 ")
    update["callback_query"]["message"]["chat"]["id"] = 777
    assert incoming(_update(update)) == (777, "3", None)


def test_a_button_press_on_a_message_telegram_no_longer_has_is_read_from_the_user():
    update = payloads.telegram_button(7702, USER, "3")
    del update["callback_query"]["message"]
    assert incoming(_update(update)) == (USER, "3", None)


def test_a_button_without_data_is_read_as_nothing_to_say():
    update = payloads.telegram_button(7703, USER, "")
    del update["callback_query"]["data"]
    assert incoming(_update(update)) == (USER, "", None)


def test_edits_groups_and_updates_without_a_message():
    assert incoming(_update(payloads.telegram_edited(7704, USER, "oi"))) == (USER, None, EDITED_ANSWER)
    assert incoming(_update(payloads.telegram_group_text(7705, USER, "oi"))) == (-1001234567890, None, GROUP_ANSWER)
    assert incoming(_update(payloads.telegram_member_update(7706, USER))) == (None, None, None)


@pytest.mark.parametrize(
    "text, bot_reads",
    [
        ("  segunda via  ", "segunda via"),
        ("/start", "oi"),
        ("/Menu@atende_teste_bot agora", "menu"),
        ("/ajuda", "menu"),
        ("/sair", "sair"),
        ("/reembolso 123", "reembolso 123"),
        ("a/b", "a/b"),
        ("/Xerox do boleto", "Xerox do boleto"),
    ],
)
def test_what_a_telegram_text_asks_the_bot(text, bot_reads):
    assert incoming(_update(payloads.telegram_text(7707, USER, text))) == (USER, bot_reads, None)


def test_a_number_from_a_broken_client_is_read_as_its_text():
    message = SimpleNamespace(chat=SimpleNamespace(id=USER, type="private"), text=42)
    update = SimpleNamespace(callback_query=None, edited_message=None, message=message)
    assert incoming(update) == (USER, "42", None)


# --- Which numbered button a digit chooses ----------------------------------------------------------------------------


def _store(*events):
    async def retrieve(sender):
        return SimpleNamespace(events=list(events)) if sender == "whatsapp:+5531988887777" else None

    return SimpleNamespace(retrieve=retrieve)


TEN_BUTTONS = [{"title": f"Opção {n}", "payload": f"/opcao_{n}"} for n in range(1, 11)]


def _choose(store, text, sender="whatsapp:+5531988887777"):
    return asyncio.run(chosen_button(store, sender, text))


def test_a_two_digit_answer_chooses_the_tenth_button_but_three_digits_never_choose():
    store = _store(UserUttered("ajuda"), BotUttered("Qual?", data={"buttons": TEN_BUTTONS}))
    assert _choose(store, "10") == "/opcao_10"
    assert _choose(store, "1") == "/opcao_1"
    assert _choose(store, "010") is None
    assert _choose(store, "0") is None and _choose(store, "11") is None and _choose(store, "") is None


def test_events_between_the_question_and_the_answer_do_not_hide_the_buttons():
    store = _store(UserUttered("ajuda"), BotUttered("Qual?", data={"buttons": TEN_BUTTONS}),
                   SlotSet("tema", None), ActionExecuted("action_listen"))
    assert _choose(store, "2") == "/opcao_2"


def test_a_button_whose_payload_is_not_an_intent_leaves_the_digit_to_the_nlu():
    buttons = [{"title": "Site", "payload": "https://cemigsaude.org.br"}, {"title": "Sem nada"}]
    store = _store(BotUttered("Qual?", data={"buttons": buttons}))
    assert _choose(store, "1") is None and _choose(store, "2") is None


def test_only_the_conversation_of_the_sender_counts():
    store = _store(BotUttered("Qual?", data={"buttons": TEN_BUTTONS}))
    assert _choose(store, "1", sender="whatsapp:+5531900000000") is None


def test_an_unreadable_conversation_leaves_the_digit_to_the_nlu_and_is_logged(caplog):
    async def retrieve(sender):
        raise OSError("disco cheio")

    with caplog.at_level(logging.ERROR, logger="bot.channels.common"):
        assert _choose(SimpleNamespace(retrieve=retrieve), "1") is None
    assert [record.getMessage() for record in caplog.records] == [
        "não foi possível ler a conversa whatsapp:+5531988887777"
    ]


# --- The user's text as the bot gets it -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, bot_reads",
    [("/restart", "restart"), ("//menu", "menu"), ("/Xerox", "Xerox"), ("/ menu ", "menu"), ("oi\x00", "oi"),
     ("\x00/oi", "oi")],
)
def test_a_leading_slash_or_a_null_never_reaches_the_bot(typed, bot_reads):
    assert as_plain_text(typed) == bot_reads


def test_conversation_ids_stay_in_their_channel():
    assert conversation_id("telegram", "55504444") == "telegram:55504444"
    assert conversation_id("telegram", "telegram:55504444") == "telegram:55504444"
    assert conversation_id("telegram", "telegram55504444") == "telegram:telegram55504444"
