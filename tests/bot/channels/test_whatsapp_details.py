"""WhatsApp through Twilio in the detail the user and the operator notice (issue 13, mutation survivors).

Answers sent from the number the user wrote to when no sender is configured, a Twilio API URL given with a
trailing slash, and the log line of each answer Twilio accepted.
"""

from __future__ import annotations

import asyncio
import logging
import urllib.request
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from bot.channels.common import EMPTY_TWIML
from bot.channels.whatsapp import (
    LocalSender,
    TwilioSender,
    WhatsAppInput,
    make_twilio_client,
    make_whatsapp_sender,
)
from tests.bot.channels import payloads
from tests.bot.channels.fake_api import FakeApi, twilio_answer
from tests.bot.channels.harness import TOKEN, ChannelServer, RecordingSender, settings, settled

ANSWER_SID = "SM" + "5" * 32


def twilio_answer_with_sid(request):
    return {**twilio_answer(request), "sid": ANSWER_SID}


def test_without_a_configured_sender_the_answer_comes_from_the_number_the_user_wrote_to(caplog):
    with FakeApi(twilio_answer_with_sid, status=201) as api:
        client = make_twilio_client(settings(twilio_account_sid=payloads.ACCOUNT_SID, twilio_api_url=api.url + "/"))
        with caplog.at_level(logging.INFO, logger="bot.channels.whatsapp"):
            asyncio.run(TwilioSender(client).send_turn("whatsapp:+5531988887777", payloads.WHATSAPP_BUSINESS,
                                                       ["Olá!"], "SM1"))
    [sent] = api.calls()
    assert sent.path == f"/2010-04-01/Accounts/{payloads.ACCOUNT_SID}/Messages.json"
    assert sent.fields == {"To": "whatsapp:+5531988887777", "From": payloads.WHATSAPP_BUSINESS, "Body": "Olá!"}
    [record] = [record for record in caplog.records if record.name == "bot.channels.whatsapp"]
    assert record.getMessage() == f"whatsapp: resposta {ANSWER_SID} a SM1 enviada (whatsapp:+5531*****7777)"


def test_a_configured_sender_number_is_used_for_every_answer():
    with FakeApi(twilio_answer_with_sid, status=201) as api:
        sender = make_whatsapp_sender(settings(twilio_account_sid=payloads.ACCOUNT_SID, twilio_api_url=api.url,
                                               twilio_whatsapp_from="+553140049999"))
        asyncio.run(sender.send_turn("whatsapp:+5531988887777", payloads.WHATSAPP_BUSINESS, ["Olá!"], "SM1"))
    [sent] = api.calls()
    assert sent.fields["From"] == "whatsapp:+553140049999"


def test_without_an_account_the_operator_is_told_answers_only_go_to_the_log(caplog):
    with caplog.at_level(logging.WARNING, logger="bot.channels.whatsapp"):
        sender = make_whatsapp_sender(settings(twilio_account_sid=""))
    assert isinstance(sender, LocalSender)
    assert [record.getMessage() for record in caplog.records if record.name == "bot.channels.whatsapp"] == [
        "whatsapp: TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN ausentes; modo local, respostas só no log"
    ]


def test_the_webhook_answers_twilio_with_empty_twiml_served_as_xml():
    fields = payloads.whatsapp_text("oi")
    with ChannelServer(WhatsAppInput(settings(), sender=RecordingSender())) as server:
        url = server.url + "/webhooks/whatsapp/webhook"
        request = urllib.request.Request(url, data=urlencode(fields).encode(), method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(url, fields),
        })
        with urllib.request.urlopen(request, timeout=10) as answer:
            content_type, body = answer.headers["Content-Type"], answer.read().decode()
        settled(server, 1)
    assert content_type.split(";")[0] == "text/xml" and body == EMPTY_TWIML
