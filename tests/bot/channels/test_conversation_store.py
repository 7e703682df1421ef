"""What the channels do with the conversation Rasa keeps: the project's own tracker store (Rasa's SQL store on
this test's var/conversas.db), as the channels find it on the Rasa app.

A delivery answered before a restart is not answered again, a conversation an agent took stays silent, an
unreadable database still gets the user an answer, and in local mode `atende simulate` sees what an agent wrote.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from urllib.parse import urlencode

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, ConversationPaused, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.canais import ORIGEM_PAINEL
from bot.channels.common import APOLOGY, DEV_TELEGRAM_WEBHOOK_SECRET
from bot.channels.simulate import TelegramSimulator, TwilioSigner, WhatsAppSimulator, http_request
from bot.channels.telegram import TelegramInput
from bot.channels.whatsapp import WhatsAppInput
from bot.settings import get_settings
from bot.tracker_store import AtendeTrackerStore
from tests.bot.channels import payloads
from tests.bot.channels.harness import ChannelServer, RecordingSender, settings, settled

WHATSAPP = "/webhooks/whatsapp/webhook"
USER = 55508888
WHATSAPP_CONVERSATION = f"whatsapp:{payloads.PHONE}"
TELEGRAM_CONVERSATION = f"telegram:{USER}"
# Fixed instants (epoch seconds) for every event: nothing here reads the clock.
T0 = 1_796_216_400.0  # 2026-12-02 10:00 in São Paulo
GREETING = "Olá! Sou o assistente virtual da Cemig Saúde. Como posso ajudar?"


def silent_bot(message):
    return []


def tracker_store() -> AtendeTrackerStore:
    """The project's tracker store, on this test's var/conversas.db (scripts/serve.sh creates var/ first)."""
    get_settings().var_dir.mkdir(parents=True, exist_ok=True)
    return AtendeTrackerStore(domain=Domain.empty())


def stored(conversation: str, events) -> AtendeTrackerStore:
    """The project's tracker store, holding ``conversation`` with ``events``."""
    store = tracker_store()
    asyncio.run(store.save(DialogueStateTracker.from_events(conversation, events)))
    return store


def agent_reply(text: str, agent: str, when: float) -> Event:
    """An agent's reply as the console writes it into the conversation (painel.entrega.Rasa.escrever_resposta)."""
    return Event.from_parameters(
        {"event": "bot", "text": text, "timestamp": when, "metadata": {"origem": ORIGEM_PAINEL, "agente": agent}}
    )


# --- A delivery answered before a restart ------------------------------------------------------------------------


def test_whatsapp_retry_of_a_message_answered_before_a_restart_is_not_answered_twice():
    fields = payloads.whatsapp_text("segunda via do boleto")
    store = stored(WHATSAPP_CONVERSATION, [
        UserUttered("segunda via do boleto", message_id=fields["MessageSid"], timestamp=T0),
        BotUttered("Informe seu CPF, por favor.", timestamp=T0 + 1),
    ])
    sender = RecordingSender()
    # A fresh channel: its in-memory cache of deliveries is empty, as after a restart.
    with ChannelServer(WhatsAppInput(settings(), sender=sender), store=store) as server:
        assert server.post_twilio(WHATSAPP, fields)[0] == 200
        settled(server, 0)
        assert sender.turns == []
        # The same user's next message is answered as usual.
        following = payloads.whatsapp_text("52998224725")
        assert server.post_twilio(WHATSAPP, following)[0] == 200
        settled(server, 1)
    assert [m.text for m in server.received] == ["52998224725"]
    assert sender.turns == [(fields["From"], payloads.WHATSAPP_BUSINESS, ["eco: 52998224725"], following["MessageSid"])]


def test_telegram_update_answered_before_a_restart_is_not_answered_twice():
    store = stored(TELEGRAM_CONVERSATION, [
        UserUttered("meu reembolso", message_id="7301", timestamp=T0),
        BotUttered("Informe seu CPF, por favor.", timestamp=T0 + 1),
    ])
    sender = RecordingSender()
    with ChannelServer(TelegramInput(settings(), sender=sender), store=store) as server:
        assert server.post_telegram(payloads.telegram_text(7301, USER, "meu reembolso"))[0] == 200
        settled(server, 0)
        assert sender.turns == []
        assert server.post_telegram(payloads.telegram_text(7302, USER, "52998224725"))[0] == 200
        settled(server, 1)
    assert [m.text for m in server.received] == ["52998224725"]
    [(chat_id, [message], turn)] = sender.turns
    assert (chat_id, message.html, turn) == (USER, "eco: 52998224725", "7302")


# --- A conversation waiting for an agent ------------------------------------------------------------------------


def test_whatsapp_conversation_taken_by_an_agent_gets_no_bot_answer_and_no_apology():
    store = stored(WHATSAPP_CONVERSATION, [
        UserUttered("quero falar com uma pessoa", timestamp=T0),
        BotUttered("Vou chamar um atendente.", timestamp=T0 + 1),
        ConversationPaused(timestamp=T0 + 2),
    ])
    sender = RecordingSender()
    # Rasa does not predict for a paused conversation: the turn has no message.
    with ChannelServer(WhatsAppInput(settings(), sender=sender), answer=silent_bot, store=store) as server:
        fields = payloads.whatsapp_text("ainda estou aguardando")
        assert server.post_twilio(WHATSAPP, fields)[0] == 200
        settled(server, 1)
    # The message reached the conversation, for the agent to read; the beneficiary got nothing from the bot.
    assert [(m.text, m.message_id) for m in server.received] == [("ainda estou aguardando", fields["MessageSid"])]
    assert sender.turns == []


def test_telegram_conversation_taken_by_an_agent_gets_no_bot_answer_and_no_apology():
    store = stored(TELEGRAM_CONVERSATION, [
        UserUttered("atendente", timestamp=T0),
        ConversationPaused(timestamp=T0 + 1),
    ])
    sender = RecordingSender()
    with ChannelServer(TelegramInput(settings(), sender=sender), answer=silent_bot, store=store) as server:
        assert server.post_telegram(payloads.telegram_text(7310, USER, "alô?"))[0] == 200
        settled(server, 1)
    assert [m.text for m in server.received] == ["alô?"]
    assert sender.turns == []


# --- The conversations' database cannot be read ----------------------------------------------------------------


@pytest.fixture
def unreadable_store(var_dir: Path) -> AtendeTrackerStore:
    """The project's tracker store, whose database file was damaged after it started."""
    store = stored("whatsapp:+5531900000009", [UserUttered("oi", timestamp=T0)])
    database = var_dir / "conversas.db"
    assert database.exists()
    database.write_bytes(b"isto nao e um banco SQLite " * 200)
    # The store keeps its connections open (write-ahead log); the next one it opens finds the damage.
    store.engine.dispose()
    return store


def test_with_the_conversations_unreadable_a_digit_still_reaches_the_bot_and_is_answered(unreadable_store, caplog):
    sender = RecordingSender()
    channel = WhatsAppInput(settings(), sender=sender)
    answer = lambda m: [f"Opção {m.text}: número de cartão."]  # noqa: E731
    with ChannelServer(channel, answer=answer, store=unreadable_store) as server:
        fields = payloads.whatsapp_text("3")
        with caplog.at_level(logging.ERROR, logger="bot.channels.common"):
            assert server.post_twilio(WHATSAPP, fields)[0] == 200
            settled(server, 1)
    # Without the conversation the digit keeps its menu meaning.
    assert [m.text for m in server.received] == ["3"]
    assert sender.turns == [(fields["From"], payloads.WHATSAPP_BUSINESS, ["Opção 3: número de cartão."],
                             fields["MessageSid"])]
    assert f"não foi possível ler a conversa {WHATSAPP_CONVERSATION}" in caplog.text


def test_with_the_conversations_unreadable_a_turn_without_answer_gets_the_apology(unreadable_store):
    sender = RecordingSender()
    with ChannelServer(TelegramInput(settings(), sender=sender), answer=silent_bot, store=unreadable_store) as server:
        assert server.post_telegram(payloads.telegram_text(7320, USER, "meu boleto"))[0] == 200
        settled(server, 1)
    # Paused or failed cannot be told apart: the user is apologised to rather than left without an answer.
    [(chat_id, [message], turn)] = sender.turns
    assert (chat_id, message.html, turn) == (USER, APOLOGY, "7320")


def test_served_without_a_tracker_store_a_turn_without_answer_gets_the_apology():
    sender = RecordingSender()
    with ChannelServer(WhatsAppInput(settings(), sender=sender), answer=silent_bot, store=None) as server:
        fields = payloads.whatsapp_text("oi")
        assert server.post_twilio(WHATSAPP, fields)[0] == 200
        settled(server, 1)
    assert sender.turns == [(fields["From"], payloads.WHATSAPP_BUSINESS, [APOLOGY], fields["MessageSid"])]


# --- Local mode: what an agent wrote, for `atende simulate` -------------------------------------------------------


def local_whatsapp() -> WhatsAppInput:
    return WhatsAppInput(settings(twilio_auth_token="", twilio_account_sid=""))


def local_telegram() -> TelegramInput:
    return TelegramInput(settings(telegram_bot_token="", telegram_webhook_secret=""))


def conversation_with_agent():
    return [
        UserUttered("quero falar com uma pessoa", timestamp=T0),
        BotUttered("Vou chamar um atendente.", timestamp=T0 + 1),
        ConversationPaused(timestamp=T0 + 2),
        agent_reply("Bom dia, aqui é a Ana. Em que posso ajudar?", "ana", T0 + 60),
        UserUttered("meu reembolso não caiu", timestamp=T0 + 90),
        agent_reply("", "ana", T0 + 100),  # an empty reply is nothing to show
        agent_reply("Seu reembolso foi pago ontem.", "bruno", T0 + 120),
    ]


def test_whatsapp_simulator_shows_what_an_agent_wrote_after_a_given_moment():
    channel = local_whatsapp()
    simulator_number = "+5531900000001"
    store = stored(f"whatsapp:{simulator_number}", conversation_with_agent())
    with ChannelServer(channel, store=store) as server:
        user = WhatsAppSimulator(server.url, channel.settings, number=simulator_number)
        everything = user.agent_messages(0)
        later = user.agent_messages(T0 + 60)
        # u15: on opening, what came since the person last wrote (a reply sent while the simulator was closed).
        unread = user.agent_messages(-1)
        # A moment that is not a number counts from the beginning.
        query = urlencode({"para": simulator_number, "depois": "ontem"})
        status, body = TwilioSigner(channel.settings).request(f"{server.url}/webhooks/whatsapp/local/atendente?{query}")
        # Unsigned, nobody reads the conversation.
        unsigned = http_request(f"{server.url}/webhooks/whatsapp/local/atendente?{query}", None, {})[0]
    assert everything == [
        {"texto": "Bom dia, aqui é a Ana. Em que posso ajudar?", "quando": T0 + 60, "agente": "ana"},
        {"texto": "Seu reembolso foi pago ontem.", "quando": T0 + 120, "agente": "bruno"},
    ]
    assert later == [{"texto": "Seu reembolso foi pago ontem.", "quando": T0 + 120, "agente": "bruno"}]
    assert unread == later
    assert status == 200 and json.loads(body) == everything
    assert unsigned == 403


def test_telegram_simulator_shows_what_an_agent_wrote_and_only_with_the_secret():
    channel = local_telegram()
    user_chat = 700000001
    store = stored(f"telegram:{user_chat}", conversation_with_agent())
    with ChannelServer(channel, store=store) as server:
        user = TelegramSimulator(server.url, channel.settings, chat_id=user_chat)
        assert user.secret == DEV_TELEGRAM_WEBHOOK_SECRET
        later = user.agent_messages(T0 + 100)
        url = f"{server.url}/webhooks/telegram/local/atendente?chat={user_chat}&depois=0"
        wrong = http_request(url, None, {"X-Telegram-Bot-Api-Secret-Token": "outro"})[0]
    assert later == [{"texto": "Seu reembolso foi pago ontem.", "quando": T0 + 120, "agente": "bruno"}]
    assert wrong == 403


@pytest.mark.parametrize("with_store", [True, False], ids=["no conversation yet", "no tracker store"])
def test_simulator_sees_no_agent_messages_where_there_is_no_conversation(with_store):
    whatsapp, telegram = local_whatsapp(), local_telegram()
    store = tracker_store() if with_store else None
    with ChannelServer(whatsapp, store=store) as server:
        from_whatsapp = WhatsAppSimulator(server.url, whatsapp.settings).agent_messages(0)
        status, body = TwilioSigner(whatsapp.settings).request(
            f"{server.url}/webhooks/whatsapp/local/atendente?para=%2B5531900000001")
    with ChannelServer(telegram, store=store) as server:
        from_telegram = TelegramSimulator(server.url, telegram.settings).agent_messages(0)
    assert (status, json.loads(body)) == (200, [])
    assert from_whatsapp == [] and from_telegram == []


def test_agent_messages_are_not_served_when_answers_go_to_twilio_or_telegram():
    whatsapp = WhatsAppInput(settings(twilio_account_sid=payloads.ACCOUNT_SID))
    telegram = TelegramInput(settings(telegram_bot_token="123456:ABC-teste"))
    with ChannelServer(whatsapp) as server:
        signed = TwilioSigner(whatsapp.settings).request(
            f"{server.url}/webhooks/whatsapp/local/atendente?para=%2B5531900000001")
    with ChannelServer(telegram) as server:
        with_secret = http_request(f"{server.url}/webhooks/telegram/local/atendente?chat=1", None,
                                   {"X-Telegram-Bot-Api-Secret-Token": telegram.secret})
    assert signed == (404, "indisponível")
    assert with_secret == (404, "indisponível")
