"""One message through the bot, as every channel passes it (issue 13, mutation survivors).

The length limit to the character, what the bot receives with the message (channel, conversation, message id,
metadata), a digit read as the button it chose, the apology for a turn without answer unless an agent has the
conversation, and the log lines of both.
"""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

from rasa.shared.core.events import BotUttered, UserUttered

from bot.channels.common import APOLOGY, MAX_MESSAGE_CHARS, TOO_LONG, run_bot

SENDER = "whatsapp:+5531988887777"


class Bot:
    """Stands in for Rasa's handler: keeps each message and answers with ``answers`` through its output channel."""

    def __init__(self, *answers: str) -> None:
        self.answers, self.received = answers, []

    async def __call__(self, message) -> None:
        self.received.append(message)
        for text in self.answers:
            await message.output_channel.send_text_message(message.sender_id, text)


def _store(*events, paused: bool = False):
    async def retrieve(sender):
        if sender != SENDER:
            return None
        return SimpleNamespace(events=list(events), is_paused=lambda: paused)

    return SimpleNamespace(retrieve=retrieve)


def _run(bot, text, **kwargs):
    return asyncio.run(run_bot(bot, text, SENDER, "whatsapp", **kwargs))


def test_a_message_of_exactly_the_limit_is_read_and_one_more_character_is_not(caplog):
    bot = Bot("ok")
    assert _run(bot, "a" * MAX_MESSAGE_CHARS) == [{"recipient_id": SENDER, "text": "ok"}]
    with caplog.at_level(logging.INFO, logger="bot.channels.common"):
        assert _run(bot, "a" * (MAX_MESSAGE_CHARS + 1)) == [{"recipient_id": SENDER, "text": TOO_LONG}]
    assert len(bot.received) == 1
    assert [record.getMessage() for record in caplog.records] == [
        f"whatsapp: mensagem de {MAX_MESSAGE_CHARS + 1} caracteres recusada ({SENDER})"
    ]


def test_the_bot_gets_the_message_with_its_channel_conversation_id_and_metadata():
    bot = Bot("  Olá!\n\nComo posso ajudar?  ")
    answers = _run(bot, " /oi ", message_id="SM1", metadata={"chamada": "CA1"})
    [message] = bot.received
    assert (message.text, message.sender_id, message.input_channel) == ("oi", SENDER, "whatsapp")
    assert (message.message_id, message.metadata) == ("SM1", {"chamada": "CA1"})
    # The answer stays whole (Rasa's own collector would cut it at the blank line) and its channel is ours.
    assert answers == [{"recipient_id": SENDER, "text": "Olá!\n\nComo posso ajudar?"}]
    assert message.output_channel.name() == "whatsapp"


def test_a_digit_after_a_question_with_buttons_reaches_the_bot_as_that_button():
    store = _store(UserUttered("quanto paguei"),
                   BotUttered("Qual?", data={"buttons": [{"title": "Utilização", "payload": "/utilizacao"}]}))
    bot = Bot("ok")
    _run(bot, "1", tracker_store=store)
    assert [message.text for message in bot.received] == ["/utilizacao"]


def test_a_turn_without_answer_gets_the_apology_unless_an_agent_has_the_conversation(caplog):
    with caplog.at_level(logging.ERROR, logger="bot.channels.common"):
        assert _run(Bot(), "oi", tracker_store=_store()) == [{"recipient_id": SENDER, "text": APOLOGY}]
        assert _run(Bot(), "oi", tracker_store=_store(paused=True)) == []
    assert [record.getMessage() for record in caplog.records] == [
        f"whatsapp: nenhuma resposta para {SENDER}; pedido de desculpas enviado"
    ]


def test_an_emergency_told_while_an_agent_has_the_conversation_gets_the_emergency_number():
    # u23: "meu marido tá com dor no peito forte e suando frio" while waiting for a person got no answer at all.
    from actions.sinais import SINAIS_DE_EMERGENCIA, SINAIS_DE_EMERGENCIA_PT

    urgent = "moça rápido meu marido tá com dor no peito forte e suando frio, o que eu faço?"
    (answer,) = _run(Bot(), urgent, tracker_store=_store(paused=True))
    assert answer["text"].startswith(SINAIS_DE_EMERGENCIA) and "192" in answer["text"]
    assert _run(Bot(), "e o meu boleto?", tracker_store=_store(paused=True)) == []  # the agent answers the rest
    portugal = asyncio.run(run_bot(Bot(), "estou com falta de ar e a garganta a fechar", "whatsapp:+351912345678",
                                   "whatsapp", tracker_store=SimpleNamespace(retrieve=_paused)))
    assert portugal[0]["text"].startswith(SINAIS_DE_EMERGENCIA_PT)


async def _paused(sender):
    return SimpleNamespace(events=[], is_paused=lambda: True)
