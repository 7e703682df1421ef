"""The log lines of answering a delivery on WhatsApp and Telegram, to the word (issue 13, mutation survivors).

An operator searches the log for the message id: a delivery answered before a restart, a bot that failed, a
button acknowledgement Telegram refused, an update with nothing to answer.
"""

from __future__ import annotations

import logging
from types import SimpleNamespace

from rasa.shared.core.events import BotUttered, UserUttered

from bot.channels.common import APOLOGY
from bot.channels.telegram import EDITED_ANSWER, TelegramInput
from bot.channels.whatsapp import WhatsAppInput
from tests.bot.channels import payloads
from tests.bot.channels.harness import ChannelServer, RecordingSender, settings, settled

USER = 55503333


def _answered_store(conversation: str, message_id: str):
    """A conversation store where ``conversation`` already holds the delivery ``message_id``."""

    async def retrieve(sender):
        return SimpleNamespace(events=[SimpleNamespace(message_id=message_id)]) if sender == conversation else None

    return SimpleNamespace(retrieve=retrieve)


def _broken(message):
    raise RuntimeError("servidor de ações fora do ar")


def _messages(caplog, logger: str) -> list:
    return [record.getMessage() for record in caplog.records if record.name == logger]


def test_whatsapp_delivery_answered_before_a_restart_is_logged_with_its_id(caplog):
    sender = RecordingSender()
    fields = payloads.whatsapp_text("oi")
    store = _answered_store(f"whatsapp:{payloads.PHONE}", fields["MessageSid"])
    with ChannelServer(WhatsAppInput(settings(), sender=sender), store=store) as server, \
            caplog.at_level(logging.INFO, logger="bot.channels.whatsapp"):
        assert server.post_twilio("/webhooks/whatsapp/webhook", fields)[0] == 200
        settled(server, 0)
    assert sender.turns == []
    assert _messages(caplog, "bot.channels.whatsapp") == [
        f"whatsapp: {fields['MessageSid']} já respondida antes de o servidor reiniciar"
    ]


def test_whatsapp_bot_failure_is_logged_with_the_message_id(caplog):
    sender = RecordingSender()
    fields = payloads.whatsapp_text("oi")
    with ChannelServer(WhatsAppInput(settings(), sender=sender), answer=_broken) as server, \
            caplog.at_level(logging.INFO, logger="bot.channels.whatsapp"):
        assert server.post_twilio("/webhooks/whatsapp/webhook", fields)[0] == 200
        settled(server, 1)
    assert sender.turns == [(fields["From"], payloads.WHATSAPP_BUSINESS, [APOLOGY], fields["MessageSid"])]
    assert _messages(caplog, "bot.channels.whatsapp") == [f"whatsapp: o bot falhou em {fields['MessageSid']}"]


def test_telegram_update_answered_before_a_restart_is_logged_with_its_id(caplog):
    sender = RecordingSender()
    store = _answered_store(f"telegram:{USER}", "7801")
    with ChannelServer(TelegramInput(settings(), sender=sender), store=store) as server, \
            caplog.at_level(logging.INFO, logger="bot.channels.telegram"):
        assert server.post_telegram(payloads.telegram_text(7801, USER, "oi"))[0] == 200
        settled(server, 0)
    assert sender.turns == []
    assert _messages(caplog, "bot.channels.telegram") == [
        "telegram: atualização 7801 já respondida antes de o servidor reiniciar"
    ]


def test_telegram_bot_failure_is_logged_with_the_update_id(caplog):
    sender = RecordingSender()
    with ChannelServer(TelegramInput(settings(), sender=sender), answer=_broken) as server, \
            caplog.at_level(logging.INFO, logger="bot.channels.telegram"):
        assert server.post_telegram(payloads.telegram_text(7802, USER, "oi"))[0] == 200
        settled(server, 1)
    [(chat_id, [message], turn)] = sender.turns
    assert (chat_id, message.html, turn) == (USER, APOLOGY, "7802")
    assert _messages(caplog, "bot.channels.telegram") == ["telegram: o bot falhou na atualização 7802"]


class RefusingAcknowledgements(RecordingSender):
    async def answer_callback(self, query_id: str) -> None:
        raise RuntimeError("Query is too old")


def test_telegram_refused_button_acknowledgement_is_logged_and_the_press_answered(caplog):
    sender = RefusingAcknowledgements()
    with ChannelServer(TelegramInput(settings(), sender=sender)) as server, \
            caplog.at_level(logging.INFO, logger="bot.channels.telegram"):
        assert server.post_telegram(payloads.telegram_button(7803, USER, "3"))[0] == 200
        settled(server, 1)
    [(chat_id, [message], turn)] = sender.turns
    assert (chat_id, message.html, turn) == (USER, "eco: 3", "7803")
    assert _messages(caplog, "bot.channels.telegram") == [
        "telegram: confirmação do botão 7803 recusada: Query is too old"
    ]


def test_telegram_update_with_nothing_to_answer_is_logged_at_debug(caplog):
    sender = RecordingSender()
    with ChannelServer(TelegramInput(settings(), sender=sender)) as server, \
            caplog.at_level(logging.DEBUG, logger="bot.channels.telegram"):
        assert server.post_telegram(payloads.telegram_member_update(7804, USER))[0] == 200
        settled(server, 0)
    assert sender.turns == []
    assert _messages(caplog, "bot.channels.telegram") == ["telegram: atualização 7804 sem nada a responder"]


def test_telegram_fixed_answers_go_to_the_chat_they_answer():
    sender = RecordingSender()
    with ChannelServer(TelegramInput(settings(), sender=sender)) as server:
        assert server.post_telegram(payloads.telegram_edited(7805, USER, "oi"))[0] == 200
        settled(server, 0)
    [(chat_id, [message], turn)] = sender.turns
    assert (chat_id, message.html, turn) == (USER, EDITED_ANSWER, "7805")


def test_telegram_passes_the_update_id_and_the_conversation_store_to_the_bot():
    buttons = [{"title": "Reembolso", "payload": "/reembolso"}, {"title": "Utilização", "payload": "/utilizacao"}]

    async def retrieve(sender):
        if sender != f"telegram:{USER}":
            return None
        return SimpleNamespace(events=[UserUttered("quanto paguei"), BotUttered("Qual?", data={"buttons": buttons})],
                               is_paused=lambda: False)

    sender = RecordingSender()
    store = SimpleNamespace(retrieve=retrieve)
    with ChannelServer(TelegramInput(settings(), sender=sender), store=store) as server:
        assert server.post_telegram(payloads.telegram_text(7806, USER, "2"))[0] == 200
        settled(server, 1)
    [message] = server.received
    assert (message.text, message.message_id, message.sender_id) == ("/utilizacao", "7806", f"telegram:{USER}")
