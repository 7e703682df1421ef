"""What an operator sees of the channels (issue 13, mutation survivors): the exact log lines of a misconfigured IVR,
a failed bot and an unreadable conversation store, TwiML served as XML (Twilio refuses other content types), the
reason of a transfer after a failure, and how much local mode and the IVR keep by default.
"""

from __future__ import annotations

import json
import logging
import urllib.request
import xml.etree.ElementTree as ElementTree
from types import SimpleNamespace
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from bot.channels.common import APOLOGY, LocalOutbox
from bot.channels.ura import FAILURE, TRANSFER, MemoryTransfers, UraInput
from bot.channels.whatsapp import WhatsAppInput
from tests.bot.channels import payloads
from tests.bot.channels.harness import TOKEN, ChannelServer, RecordingSender, settings, settled
from tests.bot.channels.test_ura import Call, fake_tracker
from tests.bot.channels.test_ura_transfer_details import PerCallerStore

PUBLIC = "https://atende.example.com"


def _messages(caplog) -> list:
    """What the channels logged (Sanic's own start-up lines left out)."""
    return [record.getMessage() for record in caplog.records if record.name.startswith("bot.channels")]


def test_a_published_ivr_without_its_token_says_so_once_and_a_configured_one_says_nothing(caplog):
    with caplog.at_level(logging.ERROR, logger="bot.channels.ura"):
        UraInput(settings(twilio_auth_token="", public_url=PUBLIC))
        UraInput(settings(public_url=PUBLIC))
        UraInput(settings(twilio_auth_token=""))
    assert _messages(caplog) == ["ura: ATENDE_PUBLIC_URL definido sem TWILIO_AUTH_TOKEN; toda ligação será recusada"]


def test_twiml_is_served_as_xml():
    with ChannelServer(UraInput(settings())) as server:
        fields = payloads.voice_call(payloads.twilio_sid("CA"))
        url = server.url + "/webhooks/ura/webhook"
        request = urllib.request.Request(url, data=urlencode(fields).encode(), method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(url, fields),
        })
        with urllib.request.urlopen(request, timeout=10) as answer:
            content_type = answer.headers["Content-Type"]
            root = ElementTree.fromstring(answer.read())
    assert content_type.split(";")[0] == "text/xml" and root.find("Gather") is not None


def test_when_the_bot_fails_the_caller_reaches_a_person_with_the_reason_and_the_operator_reads_why(caplog):
    def broken(message):
        raise RuntimeError("servidor de ações fora do ar")

    call_sid = payloads.twilio_sid("CA")
    tracker = fake_tracker([], identificado=True, beneficiario_id="17", beneficiario_nome="Maria")
    with ChannelServer(UraInput(settings()), answer=broken, store=PerCallerStore(f"ura:{call_sid}", tracker)) as server:
        call = Call(server, sid=call_sid)
        call.start()
        with caplog.at_level(logging.INFO, logger="bot.channels.ura"):
            root, spoken = call.keys("1")
    task = json.loads(root.find("Enqueue").find("Task").text)
    assert task["motivo"] == "falha do bot" and task["identificado"] is True and task["beneficiario_id"] == 17
    assert spoken.said == [FAILURE, TRANSFER]
    assert _messages(caplog) == [
        f"ura: o bot falhou na chamada {call_sid}",
        f"ura: chamada {call_sid} transferida (falha do bot, identificado=True)",
    ]


def test_an_unreadable_conversation_store_is_logged_for_each_read_with_the_conversation(caplog):
    async def retrieve(sender):
        raise OSError("disco cheio")

    sender = RecordingSender()
    store = SimpleNamespace(retrieve=retrieve)
    with ChannelServer(WhatsAppInput(settings(), sender=sender), answer=lambda message: [], store=store) as server:
        fields = payloads.whatsapp_text("oi")
        with caplog.at_level(logging.ERROR, logger="bot.channels.common"):
            assert server.post_twilio("/webhooks/whatsapp/webhook", fields)[0] == 200
            settled(server, 1)
    conversation = f"whatsapp:{payloads.PHONE}"
    # Whether it was answered before a restart, then whether it is paused: neither can be read.
    assert _messages(caplog) == [
        f"não foi possível ler a conversa {conversation}",
        f"não foi possível ler a conversa {conversation}",
        f"whatsapp: nenhuma resposta para {conversation}; pedido de desculpas enviado",
    ]
    assert sender.turns == [(fields["From"], payloads.WHATSAPP_BUSINESS, [APOLOGY], fields["MessageSid"])]


def test_local_mode_keeps_the_last_500_turns_and_the_ivr_the_last_1000_transfers():
    outbox, transfers = LocalOutbox(), MemoryTransfers()
    for number in range(1001):
        outbox.record(str(number), "whatsapp:+5531988887777", [str(number)])
        transfers.put(f"CA{number}", number)
    assert outbox.get("500") is None and outbox.get("501") is not None
    assert transfers.get("CA0") is None and transfers.get("CA1") == 1
