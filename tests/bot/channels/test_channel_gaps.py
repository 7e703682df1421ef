"""Channel behaviour no other test pinned down (issue 13).

What a user or an operator would notice: the apology when the bot fails (WhatsApp and Telegram, through the
real senders against the recording API), the Telegram commands, WhatsApp button taps, and in the IVR the
re-prompt when nothing is pending, the public URL in every action Twilio is told to call, and speech at the
welcome step.
"""

from __future__ import annotations

import json
import logging
import xml.etree.ElementTree as ElementTree
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from rasa.shared.core.events import BotUttered, UserUttered

from bot.channels.common import APOLOGY
from bot.channels.simulate import read_twiml
from bot.channels.telegram import TelegramInput
from bot.channels.ura import AUTOMATED_HINT, ENTRY, NO_INPUT, NOT_UNDERSTOOD, TRANSFER, UraInput
from bot.channels.whatsapp import WhatsAppInput
from tests.bot.channels import payloads
from tests.bot.channels.fake_api import FakeApi, telegram_answer, twilio_answer
from tests.bot.channels.harness import ChannelServer, RecordingSender, settings, wait_until

WHATSAPP = "/webhooks/whatsapp/webhook"
IVR = "/webhooks/ura/webhook"
USER = 55507777
MENU = "Escolha uma opção:\n1 - Reembolso\n3 - Número de cartão\n0 - Falar com um atendente"
PUBLIC = "https://atende.example.com"


def broken_bot(message):
    raise RuntimeError("servidor de ações fora do ar")


def silent_bot(message):
    # An action failed or timed out: Rasa swallows the error and the turn has no message.
    return []


# --- 1. The apology reaches the user ---------------------------------------------------------------------------


@pytest.mark.parametrize("bot", [broken_bot, silent_bot], ids=["bot raises", "bot says nothing"])
def test_whatsapp_user_gets_the_apology_through_twilio_when_the_bot_fails(bot, caplog):
    with FakeApi(twilio_answer, status=201) as api:
        channel = WhatsAppInput(settings(twilio_account_sid=payloads.ACCOUNT_SID, twilio_api_url=api.url))
        with ChannelServer(channel, answer=bot) as server:
            fields = payloads.whatsapp_text("quero a segunda via do boleto")
            with caplog.at_level(logging.ERROR, logger="bot.channels"):
                status, body = server.post_twilio(WHATSAPP, fields)
                assert status == 200 and body.endswith("<Response/>")
                api.wait_for(lambda calls: any(c.path.endswith("/Messages.json") for c in calls))
    [sent] = api.calls("/Messages.json")
    assert sent.fields == {"To": fields["From"], "From": payloads.WHATSAPP_BUSINESS, "Body": APOLOGY}
    assert [m.text for m in server.received] == ["quero a segunda via do boleto"]
    # The operator finds the failure in the log.
    expected = "o bot falhou em " + fields["MessageSid"] if bot is broken_bot else "pedido de desculpas enviado"
    assert expected in caplog.text


@pytest.mark.parametrize("bot", [broken_bot, silent_bot], ids=["bot raises", "bot says nothing"])
def test_telegram_user_gets_the_apology_through_the_bot_api_when_the_bot_fails(bot):
    with FakeApi(telegram_answer) as api:
        channel = TelegramInput(settings(telegram_bot_token="123456:ABC-teste", telegram_api_url=api.url))
        with ChannelServer(channel, answer=bot) as server:
            assert server.post_telegram(payloads.telegram_text(7001, USER, "meu reembolso"))[0] == 200
            api.wait_for(lambda calls: any(c.path.endswith("/sendMessage") for c in calls))
    [sent] = api.calls("/sendMessage")
    assert sent.fields["text"] == APOLOGY and int(sent.fields["chat_id"]) == USER
    assert [m.text for m in server.received] == ["meu reembolso"]


# --- 2. Telegram commands ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, bot_reads",
    [
        ("/menu", "menu"),
        ("/ajuda", "menu"),
        ("/sair", "sair"),
        ("/MENU", "menu"),  # commands are read case-insensitively
        ("/ajuda@atende_teste_bot", "menu"),  # the form Telegram sends when a command is picked from the list
        ("/sair agora", "sair"),  # words after a command do not change it
        ("/boleto", "boleto"),  # not a command of ours: read as the word, without the slash
    ],
)
def test_telegram_commands_reach_the_bot_as_words(typed, bot_reads):
    sender = RecordingSender()
    with ChannelServer(TelegramInput(settings(), sender=sender), answer=lambda m: [f"eco: {m.text}"]) as server:
        assert server.post_telegram(payloads.telegram_text(7100, USER, typed))[0] == 200
        wait_until(lambda: sender.turns)
    [received] = server.received
    assert received.text == bot_reads and received.sender_id == f"telegram:{USER}"
    [(chat_id, [message], turn)] = sender.turns
    assert (chat_id, message.html, turn) == (USER, f"eco: {bot_reads}", "7100")


# --- 3. WhatsApp buttons -----------------------------------------------------------------------------------------


def whatsapp_button(body: str, button_text: str, payload: str):
    """A tap on a quick-reply button, as Twilio posts it (MessageType button, ButtonText and ButtonPayload)."""
    fields = payloads.whatsapp_text(body)
    fields.update(MessageType="button", ButtonText=button_text, ButtonPayload=payload)
    return fields


@pytest.mark.parametrize(
    "fields, bot_reads",
    [
        (whatsapp_button("Número de cartão", "Número de cartão", "3"), "Número de cartão"),
        (whatsapp_button("", "Número de cartão", "3"), "3"),
        (whatsapp_button("  ", "", " menu "), "menu"),
    ],
    ids=["body with the button's text", "payload only", "blank body, padded payload"],
)
def test_whatsapp_button_taps_are_read_as_the_users_text(fields, bot_reads):
    sender = RecordingSender()
    with ChannelServer(WhatsAppInput(settings(), sender=sender)) as server:
        assert server.post_twilio(WHATSAPP, fields)[0] == 200
        wait_until(lambda: sender.turns)
    [received] = server.received
    assert received.text == bot_reads and received.message_id == fields["MessageSid"]
    # The user gets the bot's answer, not "Recebi uma mensagem vazia...".
    assert sender.turns == [(fields["From"], payloads.WHATSAPP_BUSINESS, [f"eco: {bot_reads}"], fields["MessageSid"])]


# --- 4. IVR ------------------------------------------------------------------------------------------------------


def ivr_bot(message):
    if message.text == "menu":
        return [MENU]
    if message.text == "3":
        return ["Informe seu CPF (11 dígitos) ou o número da sua carteirinha (16 dígitos)."]
    if message.text == "0":
        return ["Para falar com um atendente: 0800 030 9009"]
    return [f"Você disse {message.text}."]


class Call:
    """One phone call: each request goes to the last Gather's action, signed over ``signed_base`` + that action.

    Args:
        server: The channel server.
        signed_base: What Twilio would prefix a path-absolute action with; the public URL when published.
    """

    def __init__(self, server, signed_base=None):
        self.server = server
        self.sid = payloads.twilio_sid("CA")
        self.signed_base = signed_base
        self.next = (signed_base or "") + IVR
        self.actions = []

    def post(self, fields):
        parts = urlsplit(self.next)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        signed = self.next if self.signed_base else None
        status, body = self.server.post_twilio(path, fields, signed_url=signed)
        assert status == 200, body
        root = ElementTree.fromstring(body)
        gather = root.find("Gather")
        if gather is not None:
            self.next = gather.get("action")
            self.actions.append(self.next)
        return root, read_twiml(body)

    def start(self):
        return self.post(payloads.voice_call(self.sid))

    def keys(self, digits):
        return self.post(payloads.voice_digits(self.sid, digits))

    def speak(self, speech):
        return self.post(payloads.voice_speech(self.sid, speech))

    def silence(self):
        return self.post(payloads.voice_silence(self.sid))


def tracker(events):
    latest = next((e for e in reversed(events) if isinstance(e, UserUttered)), UserUttered())
    return SimpleNamespace(events=events, latest_message=latest, current_slot_values=lambda: {},
                           is_paused=lambda: False)


@pytest.mark.parametrize(
    "conversation",
    [
        None,  # no conversation stored
        # The menu was said, then the caller answered; the bot said nothing since.
        [BotUttered(MENU), UserUttered("3", intent={"name": "numero_cartao"})],
    ],
    ids=["no conversation", "caller spoke last"],
)
def test_ivr_silence_with_no_prompt_pending_says_it_did_not_understand(conversation):
    with ChannelServer(UraInput(settings()), answer=ivr_bot) as server:
        call = Call(server)
        call.start()
        call.keys("1")
        server.tracker = tracker(conversation) if conversation is not None else None
        root, spoken = call.silence()
        assert spoken.said == [NO_INPUT, NOT_UNDERSTOOD]
        gather = root.find("Gather")
        # Not a one-key menu: the caller may type a whole number.
        assert gather.get("numDigits") is None
        assert call.next == f"{IVR}?etapa=menu&silencio=1"
        root, spoken = call.silence()  # the second silence in a row: a person takes over
        task = json.loads(root.find("Enqueue").find("Task").text)
        assert task["motivo"] == "sem resposta" and task["chamada"] == call.sid
        assert spoken.said == [TRANSFER]
    assert [m.text for m in server.received] == ["menu"]


def test_ivr_every_action_twilio_calls_back_uses_the_public_url():
    channel = UraInput(settings(public_url=PUBLIC + "/", ivr_transfer="dial", ivr_transfer_target="+553133334444"))
    with ChannelServer(channel, answer=ivr_bot) as server:
        # Twilio signs the URL it calls: the loopback address is refused once published.
        assert server.post_twilio(IVR, payloads.voice_call("CA" + "d" * 32))[0] == 403

        first = Call(server, signed_base=PUBLIC)
        first.start()  # welcome
        first.keys("8")  # wrong key at the welcome
        first.keys("1")  # the automated menu
        first.silence()  # silence in the menu
        first.keys("3")  # an answer from the bot
        root, _ = first.keys("0")  # to a person: dialled, with a whisper URL
        second = Call(server, signed_base=PUBLIC)
        second.start()
        second.silence()  # silence at the welcome

        whisper = root.find("Dial").find("Number").get("url")
        assert whisper == f"{PUBLIC}/webhooks/ura/sussurro?chamada={first.sid}"
        parts = urlsplit(whisper)
        status, body = server.post_twilio(f"{parts.path}?{parts.query}", {"CallSid": "CA2", "ParentCallSid": first.sid},
                                          signed_url=whisper)
    assert first.actions == [
        f"{PUBLIC}{IVR}?etapa=entrada&silencio=0",
        f"{PUBLIC}{IVR}?etapa=entrada&silencio=1",
        f"{PUBLIC}{IVR}?etapa=menu&silencio=0",
        f"{PUBLIC}{IVR}?etapa=menu&silencio=1",
        f"{PUBLIC}{IVR}?etapa=menu&silencio=0",
    ]
    assert second.actions == [f"{PUBLIC}{IVR}?etapa=entrada&silencio=0", f"{PUBLIC}{IVR}?etapa=entrada&silencio=1"]
    assert status == 200 and "Beneficiário não identificado" in body
    assert [m.text for m in server.received] == ["menu", "3", "0"]


@pytest.mark.parametrize(
    "speech", ["atendente", "Quero falar com uma pessoa.", "zero", "quero falar com um atendente"]
)
def test_ivr_asking_for_a_person_by_voice_at_the_welcome_transfers(speech):
    with ChannelServer(UraInput(settings()), answer=ivr_bot) as server:
        call = Call(server)
        call.start()
        root, spoken = call.speak(speech)
    assert [m.text for m in server.received] == ["0"]  # the conversation records the request
    assert root.find("Gather") is None
    task = json.loads(root.find("Enqueue").find("Task").text)
    assert task == {"canal": "ura", "chamada": call.sid, "telefone": payloads.PHONE, "identificado": False,
                    "motivo": "pedido do beneficiário"}
    assert spoken.said == [TRANSFER]


@pytest.mark.parametrize("speech", ["um", "Um.", "1", "automático", "Atendimento automático"])
def test_ivr_saying_one_at_the_welcome_opens_the_automated_menu(speech):
    with ChannelServer(UraInput(settings()), answer=ivr_bot) as server:
        call = Call(server)
        call.start()
        root, spoken = call.speak(speech)
    assert [m.text for m in server.received] == ["menu"]
    assert root.find("Enqueue") is None
    assert "Para reembolso, digite 1." in spoken.said[0] and "Para falar com um atendente, digite 0." in spoken.said[0]
    assert spoken.said[-1] == AUTOMATED_HINT
    assert spoken.single_key and call.next == f"{IVR}?etapa=menu&silencio=0"


def test_ivr_other_speech_at_the_welcome_goes_to_the_bot_as_said():
    with ChannelServer(UraInput(settings()), answer=ivr_bot) as server:
        call = Call(server)
        _, spoken = call.start()
        assert spoken.said == [ENTRY]
        root, spoken = call.speak("segunda via do boleto")
    assert [m.text for m in server.received] == ["segunda via do boleto"]
    assert root.find("Enqueue") is None
    assert spoken.said == ["Você disse segunda via do boleto.", AUTOMATED_HINT]
    assert call.next == f"{IVR}?etapa=menu&silencio=0"
