"""A boleto's line by SMS from the phone line (older item: a caller could not take 47 digits down by ear)."""

from __future__ import annotations

import logging

import pytest

from bot.channels.sms import NO_NUMBER, NOT_SENT
from bot.channels.ura import UraInput
from tests.bot.channels import payloads
from tests.bot.channels.fake_api import FakeApi, twilio_answer
from tests.bot.channels.harness import ChannelServer, settings
from tests.bot.channels.test_ura import Call, bot

LINE = "Competência 11/2026, vencimento 16/11/2026, R$ 1.857,47. Linha digitável: 00190.00009 01002.026126"
SAID = "Pronto: mandei por SMS, para o número de onde você liga, a linha digitável do boleto."


def texting_bot(message):
    if message.text == "manda por SMS":
        return [{"sms": LINE, "dito": SAID}, "Posso ajudar em algo mais?"]
    return bot(message)


def _call(server, phone=payloads.PHONE):
    call = Call(server)
    call.start()
    call.keys("1")
    root, spoken = call.post(payloads.voice_speech(call.sid, "manda por SMS", phone))
    return spoken


def test_the_line_goes_by_sms_to_the_callers_number_from_the_number_dialled_and_the_call_says_so():
    with FakeApi(twilio_answer, status=201) as api, ChannelServer(
        UraInput(settings(twilio_account_sid=payloads.ACCOUNT_SID, twilio_api_url=api.url)), answer=texting_bot
    ) as server:
        spoken = _call(server)
    (sent,) = api.calls("/Messages.json")
    assert sent.fields == {"To": payloads.PHONE, "From": payloads.IVR_NUMBER, "Body": LINE}
    assert spoken.said == [SAID, "Posso ajudar em algo mais?"]


def test_a_configured_sender_number_is_used_instead_of_the_dialled_one():
    with FakeApi(twilio_answer, status=201) as api, ChannelServer(
        UraInput(settings(twilio_account_sid=payloads.ACCOUNT_SID, twilio_api_url=api.url,
                          twilio_sms_from="+553140040000")), answer=texting_bot
    ) as server:
        _call(server)
    assert api.calls("/Messages.json")[0].fields["From"] == "+553140040000"


@pytest.mark.parametrize("phone", ["anonymous", "+266696687"])
def test_a_withheld_number_gets_no_sms_and_hears_where_else_the_line_is(phone):
    with FakeApi(twilio_answer, status=201) as api, ChannelServer(
        UraInput(settings(twilio_account_sid=payloads.ACCOUNT_SID, twilio_api_url=api.url)), answer=texting_bot
    ) as server:
        spoken = _call(server, phone)
    assert api.calls("/Messages.json") == [] and spoken.said[0] == NO_NUMBER


def test_twilio_refusing_the_sms_is_said_not_hidden():
    def refuse(request):
        return 400, {"code": 21614, "message": "'To' number is not a valid mobile number", "status": 400}

    with FakeApi(refuse) as api, ChannelServer(
        UraInput(settings(twilio_account_sid=payloads.ACCOUNT_SID, twilio_api_url=api.url)), answer=texting_bot
    ) as server:
        spoken = _call(server)
    assert len(api.calls("/Messages.json")) == 1 and spoken.said[0] == NOT_SENT and SAID not in spoken.said


def test_in_local_mode_the_sms_is_logged_masked_and_the_call_goes_on(caplog):
    caplog.set_level(logging.INFO, logger="bot.channels.sms")
    with ChannelServer(UraInput(settings()), answer=texting_bot) as server:
        spoken = _call(server)
    assert spoken.said[0] == SAID and "Linha digitável" in caplog.text and "88887777" not in caplog.text
