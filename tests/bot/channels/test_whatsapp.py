import asyncio
import base64
import json
from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator

from bot.channels.common import DEV_TWILIO_AUTH_TOKEN
from bot.channels.simulate import TwilioSigner, http_request
from bot.channels.whatsapp import LocalSender, TwilioSender, WhatsAppInput, make_twilio_client, received_kind
from tests.bot.channels import payloads
from tests.bot.channels.fake_api import FakeApi, twilio_answer
from tests.bot.channels.harness import TOKEN, ChannelServer, RecordingSender, settings, wait_until

WEBHOOK = "/webhooks/whatsapp/webhook"


@pytest.fixture
def sender():
    return RecordingSender()


@pytest.fixture
def server(sender):
    with ChannelServer(WhatsAppInput(settings(), sender=sender)) as running:
        yield running


def test_signed_message_reaches_the_bot_and_the_answer_goes_by_rest(server, sender):
    fields = payloads.whatsapp_text("oi")
    status, body = server.post_twilio(WEBHOOK, fields)
    assert status == 200 and body.endswith("<Response/>")
    wait_until(lambda: sender.turns)
    [message] = server.received
    assert message.text == "oi" and message.sender_id == fields["From"] and message.input_channel == "whatsapp"
    assert message.message_id == fields["MessageSid"]
    assert sender.turns == [(fields["From"], payloads.WHATSAPP_BUSINESS, ["eco: oi"], fields["MessageSid"])]


@pytest.mark.parametrize(
    "how",
    ["missing", "forged", "other token", "other url", "changed body"],
)
def test_bad_signature_is_refused_and_nothing_happens(server, sender, how):
    fields = payloads.whatsapp_text("3")
    if how == "missing":
        status, _ = server.post_twilio(WEBHOOK, fields, token=None)
    elif how == "forged":
        headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "Zm9yamFkbw=="}
        status, _ = server.post(WEBHOOK, urlencode(fields).encode(), headers)
    elif how == "other token":
        status, _ = server.post_twilio(WEBHOOK, fields, token="outro-token")
    elif how == "other url":
        status, _ = server.post_twilio(WEBHOOK, fields, signed_url="https://outro.example/webhooks/whatsapp/webhook")
    else:  # signed, then the body changed on the way
        signature = RequestValidator(TOKEN).compute_signature(server.url + WEBHOOK, fields)
        body = urlencode({**fields, "Body": "outra coisa"}).encode()
        status, _ = server.post(WEBHOOK, body, {"Content-Type": "application/x-www-form-urlencoded",
                                                "X-Twilio-Signature": signature})
    assert status == 403
    assert server.received == [] and sender.turns == []
    # A later genuine delivery of the same message is still answered: the forgery left no mark.
    assert server.post_twilio(WEBHOOK, fields)[0] == 200
    wait_until(lambda: sender.turns)


def test_a_retried_message_is_answered_once(server, sender):
    fields = payloads.whatsapp_text("oi")
    for _ in range(3):
        assert server.post_twilio(WEBHOOK, fields)[0] == 200
    wait_until(lambda: sender.turns)
    assert server.post_twilio(WEBHOOK, payloads.whatsapp_text("menu"))[0] == 200
    wait_until(lambda: len(sender.turns) == 2)
    assert [m.text for m in server.received] == ["oi", "menu"]


@pytest.mark.parametrize(
    "fields, kind",
    [
        (payloads.whatsapp_image(), "sua imagem"),
        (payloads.whatsapp_sticker(), "sua figurinha"),
        (payloads.whatsapp_location(), "sua localização"),
    ],
)
def test_messages_without_text_get_a_portuguese_answer(server, sender, fields, kind):
    assert server.post_twilio(WEBHOOK, fields)[0] == 200
    wait_until(lambda: sender.turns)
    [(_, _, [answer], _)] = sender.turns
    assert answer.startswith(f"Recebi {kind}") and "texto" in answer
    assert server.received == []


def test_received_kind():
    assert received_kind(payloads.whatsapp_text("oi")) is None
    assert received_kind({"Body": "", "NumMedia": "1", "MediaContentType0": "application/pdf"}) == "seu documento"
    assert received_kind({"Body": "", "NumMedia": "1", "MediaContentType0": "audio/ogg"}) == "seu áudio"
    assert received_kind({"Body": ""}) == "uma mensagem vazia"


def test_a_long_answer_is_split_for_whatsapp(sender):
    lines = [f"Boleto {i}: R$ 100,00 em aberto, vencimento 10/05/2026" for i in range(80)]
    with ChannelServer(WhatsAppInput(settings(), sender=sender), answer=lambda m: ["\n".join(lines)]) as server:
        server.post_twilio(WEBHOOK, payloads.whatsapp_text("4"))
        wait_until(lambda: sender.turns)
    chunks = sender.turns[0][2]
    assert len(chunks) > 1 and all(len(chunk) <= 1600 for chunk in chunks)
    assert "\n".join(chunks).split("\n") == lines


def test_status_callbacks_are_ignored(server, sender):
    fields = {"AccountSid": payloads.ACCOUNT_SID, "MessageSid": "SM" + "1" * 32, "MessageStatus": "delivered",
              "SmsStatus": "delivered", "To": "whatsapp:" + payloads.PHONE, "From": payloads.WHATSAPP_BUSINESS}
    assert server.post_twilio(WEBHOOK, fields)[0] == 200
    assert server.received == [] and sender.turns == []


def test_public_url_is_what_gets_signed(sender):
    channel = WhatsAppInput(settings(public_url="https://atende.example.com/"), sender=sender)
    with ChannelServer(channel) as server:
        fields = payloads.whatsapp_text("oi")
        assert server.post_twilio(WEBHOOK, fields)[0] == 403  # signed over the loopback URL
        public = "https://atende.example.com" + WEBHOOK
        assert server.post_twilio(WEBHOOK, fields, signed_url=public)[0] == 200
        wait_until(lambda: sender.turns)


def test_published_without_a_token_refuses_everything(sender):
    channel = WhatsAppInput(settings(twilio_auth_token="", public_url="https://atende.example.com"), sender=sender)
    with ChannelServer(channel) as server:
        public = "https://atende.example.com" + WEBHOOK
        assert server.post_twilio(WEBHOOK, payloads.whatsapp_text("oi"), token=DEV_TWILIO_AUTH_TOKEN,
                                  signed_url=public)[0] == 403
    assert server.received == []


def test_local_mode_logs_masked_and_keeps_the_outbox_for_the_simulator(caplog):
    channel = WhatsAppInput(settings(twilio_auth_token="", twilio_account_sid=""))
    assert isinstance(channel.sender, LocalSender)
    with ChannelServer(channel, answer=lambda m: ["Seu CPF 529.982.247-25 e cartão 4175050000001004"]) as server:
        fields = payloads.whatsapp_text("3")
        with caplog.at_level("INFO", logger="bot.channels.whatsapp"):
            assert server.post_twilio(WEBHOOK, fields, token=DEV_TWILIO_AUTH_TOKEN)[0] == 200
            wait_until(lambda: channel.outbox.get(fields["MessageSid"]))
        url = f"{server.url}/webhooks/whatsapp/local/respostas?sid={fields['MessageSid']}"
        assert http_request(url, None, {})[0] == 403  # unsigned
        status, body = TwilioSigner(channel.settings).request(url)
        assert status == 200 and json.loads(body)["mensagens"] == ["Seu CPF 529.982.247-25 e cartão 4175050000001004"]
    assert "529.982.247-25" not in caplog.text and "4175050000001004" not in caplog.text
    assert "***.982.247-**" in caplog.text


def test_rest_sender_calls_twilio_messages_api_off_the_event_loop():
    with FakeApi(twilio_answer, status=201) as api:
        client = make_twilio_client(settings(twilio_account_sid=payloads.ACCOUNT_SID, twilio_api_url=api.url))
        sender = TwilioSender(client, "+553140040000")
        asyncio.run(sender.send_turn("whatsapp:+5531988887777", "", ["primeira", "segunda"], "SM1"))
    first, second = api.calls("/Messages.json")
    assert first.path == f"/2010-04-01/Accounts/{payloads.ACCOUNT_SID}/Messages.json"
    assert first.fields == {"To": "whatsapp:+5531988887777", "From": "whatsapp:+553140040000", "Body": "primeira"}
    assert second.fields["Body"] == "segunda"
    expected = base64.b64encode(f"{payloads.ACCOUNT_SID}:{TOKEN}".encode()).decode()
    assert first.headers["Authorization"] == f"Basic {expected}"
