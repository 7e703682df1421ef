"""How each chat channel starts, as its operator reads it (issue 13, mutation survivors): the exact warning of local
mode and of a published server without its secret, and the Redis namespace each channel's deliveries go to.
"""

from __future__ import annotations

import logging

from bot.channels.telegram import LocalSender, TelegramInput, make_bot, make_telegram_sender
from bot.channels.whatsapp import WhatsAppInput
from tests.bot.channels.harness import RecordingSender, settings
from tests.bot.channels.test_shared_state import URL, fake_redis  # noqa: F401 - the fixture, by name

PUBLIC = "https://atende.example.com"


def _messages(caplog, logger: str) -> list:
    return [record.getMessage() for record in caplog.records if record.name == logger]


def test_telegram_without_a_token_warns_that_answers_only_go_to_the_log(caplog):
    with caplog.at_level(logging.WARNING, logger="bot.channels.telegram"):
        sender = make_telegram_sender(settings(telegram_bot_token=""))
    assert isinstance(sender, LocalSender)
    assert _messages(caplog, "bot.channels.telegram") == [
        "telegram: TELEGRAM_BOT_TOKEN ausente; modo local, respostas só no log"
    ]


def test_published_channels_without_their_secret_say_everything_will_be_refused(caplog):
    with caplog.at_level(logging.ERROR):
        WhatsAppInput(settings(twilio_auth_token="", public_url=PUBLIC), sender=RecordingSender())
        TelegramInput(settings(telegram_webhook_secret="", public_url=PUBLIC), sender=RecordingSender())
        # Configured, or not published: nothing to say.
        WhatsAppInput(settings(public_url=PUBLIC), sender=RecordingSender())
        TelegramInput(settings(twilio_auth_token="", telegram_webhook_secret=""), sender=RecordingSender())
    assert _messages(caplog, "bot.channels.whatsapp") == [
        "whatsapp: ATENDE_PUBLIC_URL definido sem TWILIO_AUTH_TOKEN; todo pedido será recusado"
    ]
    assert _messages(caplog, "bot.channels.telegram") == [
        "telegram: ATENDE_PUBLIC_URL definido sem TELEGRAM_WEBHOOK_SECRET; tudo será recusado"
    ]


def test_each_channel_keeps_its_deliveries_under_its_own_name_in_redis(fake_redis):  # noqa: F811
    whatsapp = WhatsAppInput(settings(redis_url=URL), sender=RecordingSender())
    telegram = TelegramInput(settings(redis_url=URL), sender=RecordingSender())
    assert whatsapp.seen.first_time("SM1") and telegram.seen.first_time(7001)
    assert sorted(fake_redis.server(URL).keys) == ["atende:visto:telegram:7001", "atende:visto:whatsapp:SM1"]


def test_the_bot_api_and_its_files_are_reached_at_the_configured_address_even_with_a_trailing_slash():
    bot = make_bot(settings(telegram_bot_token="123:ABC", telegram_api_url="http://127.0.0.1:8081/"))
    assert (bot.base_url, bot.base_file_url) == ("http://127.0.0.1:8081/bot123:ABC",
                                                 "http://127.0.0.1:8081/file/bot123:ABC")
