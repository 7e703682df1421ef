"""The WhatsApp and Telegram webhooks at their edges: oversized requests and messages, health checks, setup from
the environment, a published server without its secret, the local-mode pages, media Twilio describes the old way,
a button without data, a failed delivery, replicas sharing Redis, and a response's per-channel variant.
"""

from __future__ import annotations

import json
import logging
import os
import uuid

import pytest
from rasa.core.actions.action import ActionBotResponse
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.common import BODY_TOO_LARGE, DEV_TELEGRAM_WEBHOOK_SECRET, MAX_MESSAGE_CHARS, TOO_LONG
from bot.channels.simulate import http_request
from bot.channels.telegram import TelegramInput
from bot.channels.whatsapp import WhatsAppInput
from bot.settings import get_settings
from tests.bot.channels import payloads
from tests.bot.channels.fake_api import FakeApi, telegram_answer, twilio_answer
from tests.bot.channels.harness import SECRET, TOKEN, ChannelServer, RecordingSender, settings, settled, wait_until

WHATSAPP = "/webhooks/whatsapp/webhook"
TELEGRAM = "/webhooks/telegram/webhook"
USER = 55509999
PUBLIC = "https://atende.example.com"


# --- Size limits ----------------------------------------------------------------------------------------------


def test_whatsapp_request_over_64_kib_is_refused_with_413_and_not_answered():
    sender = RecordingSender()
    with ChannelServer(WhatsAppInput(settings(), sender=sender)) as server:
        fields = payloads.whatsapp_text("a" * (64 * 1024))  # signed correctly, but too big
        status, body = server.post_twilio(WHATSAPP, fields)
        assert (status, body) == (413, BODY_TOO_LARGE)
        # Nothing was remembered either: a normal message is answered.
        assert server.post_twilio(WHATSAPP, payloads.whatsapp_text("oi"))[0] == 200
        settled(server, 1)
    assert [m.text for m in server.received] == ["oi"]


def test_telegram_request_over_64_kib_is_refused_with_413_and_not_answered():
    sender = RecordingSender()
    with ChannelServer(TelegramInput(settings(), sender=sender)) as server:
        update = payloads.telegram_text(7401, USER, "b" * (64 * 1024))
        assert server.post_telegram(update) == (413, BODY_TOO_LARGE)
        assert server.post_telegram(payloads.telegram_text(7402, USER, "oi"))[0] == 200
        settled(server, 1)
    assert [m.text for m in server.received] == ["oi"]
    assert [turn for _, _, turn in sender.turns] == ["7402"]


def test_whatsapp_message_over_4096_characters_is_answered_without_reaching_the_bot():
    sender = RecordingSender()
    with ChannelServer(WhatsAppInput(settings(), sender=sender)) as server:
        too_long = payloads.whatsapp_text("x" * (MAX_MESSAGE_CHARS + 1))
        at_limit = payloads.whatsapp_text("y" * MAX_MESSAGE_CHARS)
        assert server.post_twilio(WHATSAPP, too_long)[0] == 200
        settled(server, 0)
        assert server.post_twilio(WHATSAPP, at_limit)[0] == 200
        settled(server, 1)
    assert sender.turns[0] == (too_long["From"], payloads.WHATSAPP_BUSINESS, [TOO_LONG], too_long["MessageSid"])
    # 4096 characters, WhatsApp's own limit, are still read.
    assert [m.text for m in server.received] == ["y" * MAX_MESSAGE_CHARS]
    assert sender.turns[1][3] == at_limit["MessageSid"]


# --- Health, setup, a published server without its secret ---------------------------------------------------------


@pytest.mark.parametrize(
    "channel, mode",
    [
        (lambda: WhatsAppInput(settings(twilio_auth_token="")), "local"),
        (lambda: WhatsAppInput(settings(twilio_account_sid=payloads.ACCOUNT_SID)), "twilio"),
        (lambda: TelegramInput(settings(telegram_bot_token="")), "local"),
        (lambda: TelegramInput(settings(telegram_bot_token="123456:ABC-teste")), "telegram"),
    ],
    ids=["whatsapp local", "whatsapp twilio", "telegram local", "telegram bot api"],
)
def test_health_check_says_where_answers_go(channel, mode):
    channel = channel()
    with ChannelServer(channel) as server:
        status, body = http_request(f"{server.url}/webhooks/{channel.name()}/", None, {})
    assert status == 200 and json.loads(body) == {"status": "ok", "modo": mode}


def test_channels_built_by_rasa_take_their_secrets_from_the_environment(monkeypatch):
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "token-do-ambiente")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "segredo-do-ambiente")
    for name in ("TWILIO_ACCOUNT_SID", "TELEGRAM_BOT_TOKEN", "ATENDE_PUBLIC_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    # credentials.yml names the channels and holds no secret; whatever it holds is not used.
    whatsapp = WhatsAppInput.from_credentials({"auth_token": TOKEN})
    telegram = TelegramInput.from_credentials({"webhook_secret": SECRET})
    with ChannelServer(whatsapp) as server:
        assert server.post_twilio(WHATSAPP, payloads.whatsapp_text("oi"), token=TOKEN)[0] == 403
        fields = payloads.whatsapp_text("oi")
        assert server.post_twilio(WHATSAPP, fields, token="token-do-ambiente")[0] == 200
        wait_until(lambda: whatsapp.outbox.get(fields["MessageSid"]))
    with ChannelServer(telegram) as server:
        assert server.post_telegram(payloads.telegram_text(7411, USER, "oi"), secret=SECRET)[0] == 403
        assert server.post_telegram(payloads.telegram_text(7412, USER, "oi"), secret="segredo-do-ambiente")[0] == 200
        wait_until(lambda: telegram.outbox.get("7412"))
    assert whatsapp.outbox.get(fields["MessageSid"])["mensagens"] == ["eco: oi"]
    assert telegram.outbox.get("7411") is None
    assert telegram.outbox.get("7412")["mensagens"] == [{"html": "eco: oi", "botoes": []}]


def test_published_telegram_webhook_without_its_secret_refuses_everything(caplog):
    sender = RecordingSender()
    with caplog.at_level(logging.ERROR, logger="bot.channels.telegram"):
        channel = TelegramInput(settings(telegram_webhook_secret="", public_url=PUBLIC), sender=sender)
    assert "sem TELEGRAM_WEBHOOK_SECRET; tudo será recusado" in caplog.text
    with ChannelServer(channel) as server:
        # Neither the public development default nor an empty header gets in.
        development = server.post_telegram(payloads.telegram_text(7421, USER, "oi"), secret=DEV_TELEGRAM_WEBHOOK_SECRET)
        assert development[0] == 403
        assert server.post_telegram(payloads.telegram_text(7422, USER, "oi"), secret="")[0] == 403
        assert server.post_telegram(payloads.telegram_text(7423, USER, "oi"), secret=None)[0] == 403
    assert server.received == [] and sender.turns == []


# --- Telegram's local-mode answers page and buttons -----------------------------------------------------------------


def test_telegram_answers_page_needs_local_mode_and_the_secret():
    local = TelegramInput(settings(telegram_bot_token=""))
    with ChannelServer(local) as server:
        assert server.post_telegram(payloads.telegram_text(7431, USER, "oi"))[0] == 200
        wait_until(lambda: local.outbox.get("7431"))
        url = f"{server.url}/webhooks/telegram/local/respostas?update=7431"
        without = http_request(url, None, {})
        wrong = http_request(url, None, {"X-Telegram-Bot-Api-Secret-Token": "outro"})
        right = http_request(url, None, {"X-Telegram-Bot-Api-Secret-Token": SECRET})
    assert without == (403, "indisponível") and wrong == (403, "indisponível")
    assert right[0] == 200
    assert json.loads(right[1]) == {"para": str(USER), "mensagens": [{"html": "eco: oi", "botoes": []}]}
    with FakeApi(telegram_answer) as api:
        bot_api = TelegramInput(settings(telegram_bot_token="123456:ABC-teste", telegram_api_url=api.url))
        with ChannelServer(bot_api) as server:
            url = f"{server.url}/webhooks/telegram/local/respostas?update=7431"
            assert http_request(url, None, {"X-Telegram-Bot-Api-Secret-Token": SECRET}) == (404, "indisponível")


def test_telegram_button_without_data_stops_the_spinner_and_sends_nothing():
    with FakeApi(telegram_answer) as api:
        channel = TelegramInput(settings(telegram_bot_token="123456:ABC-teste", telegram_api_url=api.url))
        with ChannelServer(channel) as server:
            empty = payloads.telegram_button(7441, USER, "")
            assert server.post_telegram(empty)[0] == 200
            api.wait_for(lambda calls: any(c.path.endswith("/answerCallbackQuery") for c in calls))
            settled(server, 0)
            # A button with data, pressed next, is answered.
            assert server.post_telegram(payloads.telegram_button(7442, USER, "3"))[0] == 200
            api.wait_for(lambda calls: any(c.path.endswith("/sendMessage") for c in calls))
    answered = [c.fields["callback_query_id"] for c in api.calls("/answerCallbackQuery")]
    assert answered == [empty["callback_query"]["id"], str(4382000000000000000 + 7442)]
    [sent] = api.calls("/sendMessage")
    assert sent.fields["text"] == "eco: 3"
    assert [m.text for m in server.received] == ["3"]


# --- WhatsApp media as Twilio described it before MessageType -------------------------------------------------


def without_message_type(fields):
    del fields["MessageType"]
    return fields


NOT_TEXT = "mas por aqui só consigo ler mensagens de texto. Escreva sua dúvida ou digite *menu* para ver as opções."


@pytest.mark.parametrize(
    "fields, answer",
    [
        (without_message_type(payloads.whatsapp_location()), f"Recebi sua localização, {NOT_TEXT}"),
        (without_message_type(payloads.whatsapp_sticker()), f"Recebi sua figurinha, {NOT_TEXT}"),
        (without_message_type(payloads.whatsapp_image()),
         f"Recebi sua imagem, {NOT_TEXT} Documentos, como recibos de reembolso, são enviados pelo aplicativo ou pelo "
         "Portal Cemig Saúde."),
    ],
    ids=["location", "sticker (image/webp)", "photo"],
)
def test_whatsapp_media_without_message_type_gets_the_portuguese_answer_for_what_it_is(fields, answer):
    sender = RecordingSender()
    with ChannelServer(WhatsAppInput(settings(), sender=sender)) as server:
        assert server.post_twilio(WHATSAPP, fields)[0] == 200
        settled(server, 0)
    assert sender.turns == [(fields["From"], payloads.WHATSAPP_BUSINESS, [answer], fields["MessageSid"])]


# --- A delivery that fails --------------------------------------------------------------------------------------


class TwilioDownOnce:
    """Twilio's API fails the first message creation, then works."""

    def __init__(self) -> None:
        self.failed = False

    def __call__(self, request):
        if not self.failed:
            self.failed = True
            return 500, {"code": 20500, "message": "Internal Server Error", "status": 500}
        return twilio_answer(request)


def test_a_failed_whatsapp_delivery_is_logged_and_the_next_message_is_answered(caplog):
    with FakeApi(TwilioDownOnce(), status=201) as api:
        channel = WhatsAppInput(settings(twilio_account_sid=payloads.ACCOUNT_SID, twilio_api_url=api.url))
        with ChannelServer(channel) as server:
            first, second = payloads.whatsapp_text("oi"), payloads.whatsapp_text("menu")
            with caplog.at_level(logging.ERROR, logger="bot.channels.common"):
                assert server.post_twilio(WHATSAPP, first)[0] == 200
                settled(server, 1)
            assert server.post_twilio(WHATSAPP, second)[0] == 200
            api.wait_for(lambda calls: len(calls) == 2)
    assert [c.fields["Body"] for c in api.calls("/Messages.json")] == ["eco: oi", "eco: menu"]
    # The operator finds which message went unanswered.
    assert f"falha ao responder whatsapp {first['MessageSid']}" in caplog.text


def _late_press(request):
    """The Bot API refusing a button's acknowledgement, as it does when the press is answered too late."""
    if request.path.endswith("/answerCallbackQuery"):
        return 400, {"ok": False, "error_code": 400,
                     "description": "Bad Request: query is too old and response timeout expired or query ID is invalid"}
    return telegram_answer(request)


def test_a_button_press_whose_acknowledgement_telegram_refuses_is_still_answered(caplog):
    with FakeApi(_late_press) as api:
        channel = TelegramInput(settings(telegram_bot_token="123456:ABC-teste", telegram_api_url=api.url))
        with ChannelServer(channel) as server, caplog.at_level(logging.WARNING):
            assert server.post_telegram(payloads.telegram_button(7451, USER, "3"))[0] == 200
            api.wait_for(lambda calls: any(c.path.endswith("/sendMessage") for c in calls))
            settled(server, 1)
    [sent] = api.calls("/sendMessage")
    assert (int(sent.fields["chat_id"]), sent.fields["text"]) == (USER, "eco: 3")
    assert "confirmação do botão 7451 recusada" in caplog.text


def test_with_redis_down_a_whatsapp_message_is_answered_not_refused(caplog):
    # Nothing listens on port 1: every Redis call fails at once. Twilio would not send the message again
    # after a 500, so the message is answered (a retry might then be answered twice, which loses nothing).
    sender = RecordingSender()
    fields = payloads.whatsapp_text("oi", sid="SM" + uuid.uuid4().hex)
    with ChannelServer(WhatsAppInput(settings(redis_url="redis://127.0.0.1:1/0"), sender=sender)) as server, \
            caplog.at_level(logging.ERROR):
        assert server.post_twilio(WHATSAPP, fields)[0] == 200
        settled(server, 1)
    assert sender.turns == [(fields["From"], payloads.WHATSAPP_BUSINESS, ["eco: oi"], fields["MessageSid"])]
    assert "redis inacessível" in caplog.text


# --- Replicas sharing Redis -----------------------------------------------------------------------------------


@pytest.mark.skipif(not os.environ.get("ATENDE_TEST_REDIS_URL"), reason="ATENDE_TEST_REDIS_URL unset (make test does)")
def test_a_twilio_retry_posted_to_another_replica_is_not_answered_again():
    url = os.environ["ATENDE_TEST_REDIS_URL"]
    one, other = RecordingSender(), RecordingSender()
    fields = payloads.whatsapp_text("oi", sid="SM" + uuid.uuid4().hex)
    with ChannelServer(WhatsAppInput(settings(redis_url=url), sender=one)) as first, \
            ChannelServer(WhatsAppInput(settings(redis_url=url), sender=other)) as second:
        assert first.post_twilio(WHATSAPP, fields)[0] == 200
        settled(first, 1)
        assert second.post_twilio(WHATSAPP, fields)[0] == 200  # Twilio's retry, routed to the other replica
        settled(second, 0)
        # The other replica answers messages of its own.
        own = payloads.whatsapp_text("menu", sid="SM" + uuid.uuid4().hex)
        assert second.post_twilio(WHATSAPP, own)[0] == 200
        settled(second, 1)
    assert one.turns == [(fields["From"], payloads.WHATSAPP_BUSINESS, ["eco: oi"], fields["MessageSid"])]
    assert other.turns == [(own["From"], payloads.WHATSAPP_BUSINESS, ["eco: menu"], own["MessageSid"])]


# --- A response's variant per channel -----------------------------------------------------------------------------


RESPONSES = """
version: "3.1"
responses:
  utter_recibo:
  - channel: whatsapp
    text: "Envie a foto do recibo pelo aplicativo Cemig Saúde, em *Reembolso*."
  - channel: telegram
    text: "Envie a foto do recibo pelo aplicativo Cemig Saúde, em Reembolso (botão abaixo)."
  - text: "Envie o recibo pelo aplicativo Cemig Saúde."
"""


class RasaResponses(ChannelServer):
    """The bot utters ``utter_recibo`` as Rasa does: its NLG picks the variant for the output channel's name."""

    async def on_new_message(self, message):
        self.received.append(message)
        domain = Domain.from_yaml(RESPONSES)
        tracker = DialogueStateTracker(message.sender_id, domain.slots)
        nlg = TemplatedNaturalLanguageGenerator(domain.responses)
        for event in await ActionBotResponse("utter_recibo").run(message.output_channel, nlg, tracker, domain):
            await message.output_channel.send_response(message.sender_id, event.message())


def test_each_channel_gets_its_own_variant_of_a_response():
    whatsapp_sender, telegram_sender = RecordingSender(), RecordingSender()
    with RasaResponses(WhatsAppInput(settings(), sender=whatsapp_sender)) as server:
        assert server.post_twilio(WHATSAPP, payloads.whatsapp_text("como mando o recibo?"))[0] == 200
        settled(server, 1)
    with RasaResponses(TelegramInput(settings(), sender=telegram_sender)) as server:
        assert server.post_telegram(payloads.telegram_text(7461, USER, "como mando o recibo?"))[0] == 200
        settled(server, 1)
    [(_, _, whatsapp_chunks, _)] = whatsapp_sender.turns
    [(_, [telegram_message], _)] = telegram_sender.turns
    assert whatsapp_chunks == ["Envie a foto do recibo pelo aplicativo Cemig Saúde, em *Reembolso*."]
    assert telegram_message.html == "Envie a foto do recibo pelo aplicativo Cemig Saúde, em Reembolso (botão abaixo)."
