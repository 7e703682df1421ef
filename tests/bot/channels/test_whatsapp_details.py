"""WhatsApp through Twilio in the detail the user and the operator notice (issue 13, mutation survivors).

Answers sent from the number the user wrote to when no sender is configured, a Twilio API URL given with a
trailing slash, and the log line of each answer Twilio accepted.
"""

from __future__ import annotations

import asyncio
import logging

from bot.channels.whatsapp import TwilioSender, make_twilio_client
from tests.bot.channels import payloads
from tests.bot.channels.fake_api import FakeApi, twilio_answer
from tests.bot.channels.harness import settings

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
