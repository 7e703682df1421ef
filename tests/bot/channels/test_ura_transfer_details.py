"""What the attendant and the caller get from an IVR transfer, detail by detail (issue 13, mutation survivors).

The transfer data must describe the caller's own conversation (not any other), leave out what is unknown or
unconfirmed, keep the protocol as digits, and be spoken in Portuguese; the operator's log names the call and the
reason; a silence re-asks the bot's last question even when Rasa logged other events after it.
"""

from __future__ import annotations

import json
import logging
import xml.etree.ElementTree as ElementTree

from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from bot.channels.render import render_for_ear
from bot.channels.ura import (
    NO_INPUT,
    TRANSFER,
    Collected,
    UraInput,
    transfer_twiml,
    whisper_text,
)
from tests.bot.channels import payloads
from tests.bot.channels.harness import ChannelServer, settings
from tests.bot.channels.test_ura import MENU, Call, bot, fake_tracker

UNIDENTIFIED = Collected(canal="ura", chamada="CA1", telefone="+5531988887777", identificado=False,
                         beneficiario_id=None, beneficiario_nome=None, opcao=None, protocolo=None,
                         motivo="sem resposta")
IDENTIFIED = Collected(canal="ura", chamada="CA1", telefone="+5531988887777", identificado=True, beneficiario_id=17,
                       beneficiario_nome="Maria Aparecida Souza", opcao="3 - Número de cartão", protocolo=None,
                       motivo="pedido do beneficiário")


class PerCallerStore:
    """A tracker store that knows one caller only: any other conversation id finds nothing."""

    def __init__(self, sender: str, tracker) -> None:
        self.sender, self.tracker = sender, tracker

    async def retrieve(self, sender: str):
        return self.tracker if sender == self.sender else None


def _task(root: ElementTree.Element) -> dict:
    return json.loads(root.find("Enqueue").find("Task").text)


# --- The whisper an attendant hears ---------------------------------------------------------------------------


def test_whisper_of_an_unidentified_caller_with_a_protocol_says_both():
    collected = Collected(**{**UNIDENTIFIED.__dict__, "protocolo": "41750520261125000042"})
    assert whisper_text(collected) == (
        "Chamada da URA. Beneficiário não identificado. Protocolo: 4 1 7 5, 0 5 2 0, 2 6 1 1, 2 5 0 0, 0 0 4 2."
    )


def test_whisper_reads_the_option_label_whole_even_with_a_dash_inside():
    collected = Collected(**{**IDENTIFIED.__dict__, "opcao": "4 - Financeiro - segunda via"})
    assert whisper_text(collected).endswith("Última opção: Financeiro - segunda via.")


def test_whisper_of_an_option_without_a_number_reads_it_as_is():
    collected = Collected(**{**IDENTIFIED.__dict__, "opcao": "Reembolso"})
    assert whisper_text(collected).endswith("Última opção: Reembolso.")


# --- The TwiML of the transfer ----------------------------------------------------------------------------------


def test_transfer_sentences_are_spoken_in_portuguese_with_the_configured_voice():
    twiml = transfer_twiml(settings(ivr_voice="Polly.Thiago"), UNIDENTIFIED, ["Aguarde.", TRANSFER], "/w")
    says = ElementTree.fromstring(str(twiml)).findall("Say")
    assert [(say.text, say.get("language"), say.get("voice")) for say in says] == [
        ("Aguarde.", "pt-BR", "Polly.Thiago"),
        (TRANSFER, "pt-BR", "Polly.Thiago"),
    ]


def test_task_attributes_leave_out_an_unknown_phone_and_keep_accents_readable():
    collected = Collected(**{**IDENTIFIED.__dict__, "telefone": ""})
    twiml = transfer_twiml(settings(), collected, [], "/w")
    text = ElementTree.fromstring(str(twiml)).find("Enqueue").find("Task").text
    assert "telefone" not in json.loads(text)
    # Twilio's console and the attendants' tools show the attributes as sent: no \u escapes for accents.
    assert '"opcao": "3 - Número de cartão"' in text and '"motivo": "pedido do beneficiário"' in text


def test_without_a_target_the_call_waits_in_the_default_queue():
    twiml = transfer_twiml(settings(ivr_transfer_target=""), UNIDENTIFIED, [], "/w")
    assert ElementTree.fromstring(str(twiml)).find("Enqueue").text == "atendimento"


def test_sip_target_with_its_own_parameters_gets_the_headers_appended():
    target = "sip:fila@pbx.example.com?x-origem=ura"
    twiml = transfer_twiml(settings(ivr_transfer="dial", ivr_transfer_target=target), UNIDENTIFIED, [], "/w")
    sip = ElementTree.fromstring(str(twiml)).find("Dial").find("Sip").text
    assert sip.startswith("sip:fila@pbx.example.com?x-origem=ura&X-Atende-Canal=ura&X-Atende-Chamada=CA1&")


def test_client_target_keeps_everything_after_the_first_colon_as_the_identity():
    twiml = transfer_twiml(settings(ivr_transfer="dial", ivr_transfer_target="client:fila:noite"), UNIDENTIFIED,
                           [], "/w")
    client = ElementTree.fromstring(str(twiml)).find("Dial").find("Client")
    assert client.find("Identity").text == "fila:noite"


# --- A transfer through the webhook --------------------------------------------------------------------------------


def test_two_silences_after_identification_transfer_with_the_callers_own_data(caplog):
    call_sid = payloads.twilio_sid("CA")
    tracker = fake_tracker([UserUttered("3", intent={"name": "numero_cartao"}), BotUttered(MENU)],
                           identificado=True, beneficiario_id="17", beneficiario_nome="Maria Aparecida Souza")
    channel = UraInput(settings())
    with ChannelServer(channel, answer=bot, store=PerCallerStore(f"ura:{call_sid}", tracker)) as server:
        call = Call(server, sid=call_sid)
        call.start()
        call.keys("1")
        _, reprompt = call.silence()
        with caplog.at_level(logging.INFO, logger="bot.channels.ura"):
            root, spoken = call.silence()
    assert reprompt.said == [NO_INPUT, render_for_ear(MENU)]
    assert _task(root) == {"canal": "ura", "chamada": call_sid, "telefone": payloads.PHONE, "identificado": True,
                           "beneficiario_id": 17, "beneficiario_nome": "Maria Aparecida Souza",
                           "opcao": "3 - Número de cartão", "motivo": "sem resposta"}
    assert spoken.said == [TRANSFER]
    assert f"ura: chamada {call_sid} transferida (sem resposta, identificado=True)" in [
        record.getMessage() for record in caplog.records
    ]


def test_a_name_the_caller_has_not_confirmed_is_not_passed_to_the_attendant():
    handed = [UserUttered("0", intent={"name": "falar_atendente"}), ActionExecuted("action_falar_atendente")]
    tracker = fake_tracker(handed, identificado=False,
                           beneficiario_nome="Maria Aparecida Souza")
    with ChannelServer(UraInput(settings()), answer=bot, tracker=tracker) as server:
        call = Call(server)
        call.start()
        root, _ = call.keys("0")
    assert "beneficiario_nome" not in _task(root) and _task(root)["identificado"] is False


def test_a_caller_without_a_number_is_transferred_without_one():
    with ChannelServer(UraInput(settings()), answer=bot) as server:
        call = Call(server)
        call.start()
        fields = payloads.voice_digits(call.sid, "0")
        del fields["From"]
        status, body = server.post_twilio(call.next, fields)
    assert status == 200
    assert "telefone" not in _task(ElementTree.fromstring(body))


def test_a_protocol_written_with_separators_reaches_the_attendant_as_digits(caplog):
    def answer(message):
        return ["Anote: protocolo 4175.0520.2611.2500.0042."] if message.text == "0" else bot(message)

    with ChannelServer(UraInput(settings()), answer=answer) as server:
        call = Call(server)
        call.start()
        call.keys("1")
        with caplog.at_level(logging.INFO, logger="bot.channels.ura"):
            root, spoken = call.keys("0")
    assert _task(root)["protocolo"] == "41750520261125000042"
    assert spoken.said[0] == "Anote o seu protocolo: 4 1 7 5, 0 5 2 0, 2 6 1 1, 2 5 0 0, 0 0 4 2."
    assert f"ura: chamada {call.sid} transferida (pedido do beneficiário, identificado=False)" in [
        record.getMessage() for record in caplog.records
    ]


# --- The re-prompt after a silence -------------------------------------------------------------------------------


def test_silence_repeats_the_bots_last_question_even_with_other_events_after_it():
    call_sid = payloads.twilio_sid("CA")
    question = "Informe seu CPF (11 dígitos) ou o número da sua carteirinha (16 dígitos)."
    tracker = fake_tracker([
        UserUttered("3", intent={"name": "numero_cartao"}),
        BotUttered("Certo, vamos ver o número do seu cartão."),
        BotUttered(question),
        ActionExecuted("action_listen"),
    ])
    with ChannelServer(UraInput(settings()), answer=bot, store=PerCallerStore(f"ura:{call_sid}", tracker)) as server:
        call = Call(server, sid=call_sid)
        call.start()
        call.keys("1")
        _, spoken = call.silence()
    assert spoken.said == [NO_INPUT, render_for_ear(question)]
