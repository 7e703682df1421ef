"""Local mode and messages without text, to the word (issue 13, mutation survivors).

What a developer reads in the log of a channel without credentials (recipient and text, identifiers masked),
what the simulator is told the answer went to, the exact answer to a Telegram message of a kind the bot does not
name, the hint about where documents go, and an agent's reply written without the agent's name.
"""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

import pytest
from rasa.shared.core.events import Event

from bot.canais import ORIGEM_PAINEL
from bot.channels.common import DEV_TELEGRAM_WEBHOOK_SECRET, DEV_TWILIO_AUTH_TOKEN, agent_messages, no_text_answer
from bot.channels.telegram import TelegramInput
from bot.channels.whatsapp import WhatsAppInput
from tests.bot.channels import payloads
from tests.bot.channels.harness import ChannelServer, settings, wait_until

CPF_ANSWER = "Encontrei o cadastro do CPF 529.982.247-25."
USER = 55506666


def test_whatsapp_local_mode_logs_who_the_answer_was_for_and_records_it(caplog):
    channel = WhatsAppInput(settings(twilio_auth_token="", twilio_account_sid=""))
    fields = payloads.whatsapp_text("meu cadastro")
    with ChannelServer(channel, answer=lambda message: [CPF_ANSWER]) as server, \
            caplog.at_level(logging.INFO, logger="bot.channels.whatsapp"):
        assert server.post_twilio("/webhooks/whatsapp/webhook", fields, token=DEV_TWILIO_AUTH_TOKEN)[0] == 200
        wait_until(lambda: channel.outbox.get(fields["MessageSid"]))
    assert channel.outbox.get(fields["MessageSid"]) == {"para": fields["From"], "mensagens": [CPF_ANSWER]}
    assert "whatsapp (modo local) para whatsapp:+5531*****7777: Encontrei o cadastro do CPF ***.982.247-**." in [
        record.getMessage() for record in caplog.records
    ]


def test_telegram_local_mode_logs_the_chat_and_the_masked_text(caplog):
    channel = TelegramInput(settings(telegram_webhook_secret="", telegram_bot_token=""))
    with ChannelServer(channel, answer=lambda message: [CPF_ANSWER]) as server, \
            caplog.at_level(logging.INFO, logger="bot.channels.telegram"):
        update = payloads.telegram_text(7601, USER, "meu cadastro")
        assert server.post_telegram(update, secret=DEV_TELEGRAM_WEBHOOK_SECRET)[0] == 200
        wait_until(lambda: channel.outbox.get("7601"))
    assert channel.outbox.get("7601") == {"para": str(USER), "mensagens": [{"html": CPF_ANSWER, "botoes": []}]}
    assert f"telegram (modo local) para {USER}: Encontrei o cadastro do CPF ***.982.247-**." in [
        record.getMessage() for record in caplog.records
    ]


def test_a_telegram_message_of_a_kind_the_bot_does_not_name_gets_the_generic_answer():
    channel = TelegramInput(settings(telegram_webhook_secret="", telegram_bot_token=""))
    update = payloads.telegram_text(7602, USER, "")
    del update["message"]["text"]
    update["message"]["dice"] = {"emoji": "🎲", "value": 4}
    with ChannelServer(channel) as server:
        assert server.post_telegram(update, secret=DEV_TELEGRAM_WEBHOOK_SECRET)[0] == 200
        wait_until(lambda: channel.outbox.get("7602"))
    [answer] = channel.outbox.get("7602")["mensagens"]
    assert answer["html"] == (
        "Recebi uma mensagem sem texto, mas por aqui só consigo ler mensagens de texto. "
        "Escreva sua dúvida ou toque em /menu para ver as opções."
    )
    assert server.received == []


@pytest.mark.parametrize("kind", ["seu documento", "seu arquivo"])
def test_a_document_or_file_gets_told_where_receipts_go(kind):
    assert no_text_answer(kind, "digite *menu*") == (
        f"Recebi {kind}, mas por aqui só consigo ler mensagens de texto. Escreva sua dúvida ou digite *menu* para "
        "ver as opções. Documentos, como recibos de reembolso, são enviados pelo aplicativo ou pelo Portal Cemig "
        "Saúde."
    )


def test_an_agent_reply_without_the_agents_name_is_shown_with_an_empty_one():
    reply = Event.from_parameters(
        {"event": "bot", "text": "Já verifiquei, está tudo certo.", "timestamp": 100.0,
         "metadata": {"origem": ORIGEM_PAINEL}}
    )

    async def retrieve(conversation):
        return SimpleNamespace(events=[reply]) if conversation == "whatsapp:+5531988887777" else None

    store = SimpleNamespace(retrieve=retrieve)
    found = asyncio.run(agent_messages(store, "whatsapp:+5531988887777", 0.0))
    assert found == [{"texto": "Já verifiquei, está tudo certo.", "quando": 100.0, "agente": ""}]
