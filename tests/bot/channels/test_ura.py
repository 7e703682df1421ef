import json
import os
import uuid
import xml.etree.ElementTree as ElementTree
from types import SimpleNamespace

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from bot.channels import ura
from bot.channels.simulate import read_twiml
from bot.channels.ura import ENTRY, Collected, UraInput, entry_choice, transfer_twiml, whisper_text
from tests.bot.channels import payloads
from tests.bot.channels.harness import ChannelServer, settings

WEBHOOK = "/webhooks/ura/webhook"
MENU = "Escolha uma opção:\n1 - Reembolso\n3 - Número de cartão\n0 - Falar com um atendente"


def fake_tracker(events, **slots):
    latest = next((e for e in reversed(events) if isinstance(e, UserUttered)), UserUttered())
    return SimpleNamespace(events=events, latest_message=latest, current_slot_values=lambda: slots,
                           is_paused=lambda: False)


def bot(message):
    """A stand-in for the dialogue: enough of it to drive the IVR."""
    text = message.text
    if text == "menu":
        return [MENU]
    if text == "3":
        return ["Informe seu CPF (11 dígitos) ou o número da sua carteirinha (16 dígitos)."]
    if text == "0":
        return ["Para falar com um atendente: 0800 030 9009"]
    return [f"Você disse {text}."]


class Call:
    def __init__(self, server, sid=None):
        self.server = server
        self.sid = sid or payloads.twilio_sid("CA")
        self.next = WEBHOOK

    def post(self, fields):
        status, body = self.server.post_twilio(self.next, fields)
        assert status == 200, body
        root = ElementTree.fromstring(body)
        gather = root.find("Gather")
        if gather is not None:
            self.next = gather.get("action")
        return root, read_twiml(body)

    def start(self):
        return self.post(payloads.voice_call(self.sid))

    def keys(self, digits):
        return self.post(payloads.voice_digits(self.sid, digits))

    def speak(self, speech):
        return self.post(payloads.voice_speech(self.sid, speech))

    def silence(self):
        return self.post(payloads.voice_silence(self.sid))


@pytest.fixture
def server():
    with ChannelServer(UraInput(settings()), answer=bot) as running:
        yield running


def test_call_opens_with_the_welcome_and_a_portuguese_gather(server):
    root, spoken = Call(server).start()
    gather = root.find("Gather")
    assert gather.get("input") == "dtmf speech" and gather.get("language") == "pt-BR"
    assert gather.get("finishOnKey") == "#" and gather.get("numDigits") == "1"
    assert gather.get("actionOnEmptyResult") == "true"
    say = gather.find("Say")
    assert say.get("language") == "pt-BR" and say.get("voice") == "Polly.Camila"
    assert spoken.said == [ENTRY]
    assert "digite 1 para o atendimento automático ou 0 para falar com um atendente" in ENTRY.lower()
    assert server.received == []


def test_one_opens_the_automated_menu_for_the_ear(server):
    call = Call(server)
    call.start()
    root, spoken = call.keys("1")
    [message] = server.received
    assert message.text == "menu" and message.sender_id == f"ura:{call.sid}" and message.input_channel == "ura"
    assert "Para reembolso, digite 1." in spoken.said[0] and "Para falar com um atendente, digite 0." in spoken.said[0]
    assert "asterisco" in spoken.said[-1]
    assert spoken.single_key and "etapa=menu" in spoken.gather_action


def test_keypad_numbers_and_speech_reach_the_bot(server):
    call = Call(server)
    call.start()
    call.keys("1")
    _, spoken = call.keys("3")
    assert not spoken.single_key and "jogo da velha" in spoken.said[0]
    _, spoken = call.keys("52998224725#")
    assert server.received[-1].text == "52998224725"
    assert spoken.said == ["Você disse 5 2 9 9, 8 2 2 4, 7 2 5."]
    # u19: the date said in words reaches the bot in digits, as the identification reads it.
    call.speak("doze de março de mil novecentos e setenta e cinco")
    assert server.received[-1].text == "12 de março de 1975"
    call.keys("*")
    assert server.received[-1].text == "menu"


def test_silence_gets_one_reprompt_then_the_transfer(server):
    call = Call(server)
    call.start()
    call.keys("1")
    server.tracker = fake_tracker([UserUttered("menu", intent={"name": "menu"}), BotUttered(MENU)])
    root, spoken = call.silence()
    assert spoken.said[0] == "Não recebi sua resposta." and "Para reembolso, digite 1." in spoken.said[1]
    assert "silencio=1" in spoken.gather_action and spoken.single_key
    root, spoken = call.silence()
    task = json.loads(root.find("Enqueue").find("Task").text)
    assert root.find("Enqueue").get("workflowSid") == "WW" + "a" * 32
    assert task["motivo"] == "sem resposta" and task["chamada"] == call.sid and task["identificado"] is False
    assert "transferir" in spoken.said[-1]


def test_silence_at_the_welcome_repeats_it(server):
    call = Call(server)
    call.start()
    _, spoken = call.silence()
    assert spoken.said == ["Não recebi sua resposta.", ENTRY]


def test_a_wrong_key_at_the_welcome_twice_reaches_a_person(server):
    call = Call(server)
    call.start()
    _, spoken = call.keys("8")
    assert spoken.said == ["Opção inválida.", ENTRY]
    root, _ = call.keys("8")
    assert root.find("Enqueue") is not None and server.received == []


def test_zero_at_the_welcome_transfers_with_what_is_known(server):
    call = Call(server)
    call.start()
    root, spoken = call.keys("0")
    assert server.received[-1].text == "0"  # the conversation records the request
    task = json.loads(root.find("Enqueue").find("Task").text)
    assert task == {"canal": "ura", "chamada": call.sid, "telefone": payloads.PHONE, "identificado": False,
                    "motivo": "pedido do beneficiário"}
    assert root.find("Gather") is None


def test_zero_after_identification_carries_the_person_the_option_and_the_protocol():
    def answer(message):
        return ["Seu protocolo de atendimento é 41750520261125000042."] if message.text == "0" else bot(message)

    with ChannelServer(UraInput(settings()), answer=answer) as server:
        call = Call(server)
        call.start()
        call.keys("1")
        server.tracker = fake_tracker(
            [UserUttered("3", intent={"name": "numero_cartao"}), UserUttered("0", intent={"name": "falar_atendente"}),
             ActionExecuted("action_falar_atendente")],
            identificado=True, beneficiario_id="17", beneficiario_nome="Maria Aparecida Souza",
        )
        root, spoken = call.keys("0")
    task = json.loads(root.find("Enqueue").find("Task").text)
    assert task["identificado"] is True and task["beneficiario_id"] == 17
    assert task["beneficiario_nome"] == "Maria Aparecida Souza" and task["opcao"] == "3 - Número de cartão"
    assert task["protocolo"] == "41750520261125000042"
    assert spoken.said[0] == "Anote o seu protocolo: 4 1 7 5, 0 5 2 0, 2 6 1 1, 2 5 0 0, 0 0 4 2."
    # u17: read once, just before the queue, the caller had no pen ready: it is said twice.
    assert spoken.said[1] == "Repetindo: 4 1 7 5, 0 5 2 0, 2 6 1 1, 2 5 0 0, 0 0 4 2."


def test_asking_for_a_person_by_voice_transfers(server):
    call = Call(server)
    call.start()
    call.keys("1")
    server.tracker = fake_tracker([UserUttered("quero um atendente", intent={"name": "falar_atendente"}),
                                   ActionExecuted("action_falar_atendente")])
    root, _ = call.speak("quero falar com um atendente")
    assert root.find("Enqueue") is not None


def test_the_bot_failing_still_reaches_a_person():
    def broken(message):
        raise RuntimeError("servidor de ações fora do ar")

    with ChannelServer(UraInput(settings()), answer=broken) as server:
        call = Call(server)
        call.start()
        root, spoken = call.keys("1")
    assert root.find("Enqueue") is not None and "problema" in spoken.said[0]


@pytest.mark.parametrize("token, signed_url", [(None, None), ("outro", None), ("token-de-teste-twilio", "http://x/y")])
def test_unsigned_or_forged_calls_are_refused(server, token, signed_url):
    status, _ = server.post_twilio(WEBHOOK, payloads.voice_call("CA" + "f" * 32), token=token, signed_url=signed_url)
    assert status == 403
    status, _ = server.post_twilio(WEBHOOK + "?etapa=menu&silencio=0",
                                   payloads.voice_digits("CA" + "f" * 32, "0"), token=token, signed_url=signed_url)
    assert status == 403 and server.received == []


def test_status_callback_of_an_ended_call_does_nothing(server):
    fields = payloads.voice_call("CA" + "e" * 32, CallStatus="completed", CallDuration="42")
    status, body = server.post_twilio(WEBHOOK + "?etapa=menu&silencio=0", fields)
    assert status == 200 and "<Gather" not in body and server.received == []


def test_entry_choice():
    assert entry_choice("1", "") == "menu" and entry_choice("0", "") == "0" and entry_choice("9", "") is None
    assert entry_choice("5", "") == "5" and entry_choice("8", "") is None  # a menu option straight away (u22)
    assert entry_choice("", "quero falar com um atendente") == "0"
    assert entry_choice("", "automático") == "menu"
    assert entry_choice("", "segunda via do boleto") == "segunda via do boleto"


COLLECTED = Collected(canal="ura", chamada="CA1", telefone="+5531988887777", identificado=True, beneficiario_id=17,
                      beneficiario_nome="Maria Aparecida Souza", opcao="3 - Número de cartão", protocolo=None,
                      motivo="pedido do beneficiário")


def test_dial_to_sip_carries_headers():
    twiml = str(transfer_twiml(settings(ivr_transfer="dial", ivr_transfer_target="sip:fila@pbx.example.com"),
                               COLLECTED, ["Aguarde."], "/w"))
    sip = ElementTree.fromstring(twiml).find("Dial").find("Sip").text
    assert sip.startswith("sip:fila@pbx.example.com?") and "X-Atende-Identificado=true" in sip
    assert "X-Atende-Chamada=CA1" in sip and "X-Atende-Beneficiario-Id=17" in sip


def test_dial_to_a_client_carries_parameters():
    twiml = str(transfer_twiml(settings(ivr_transfer="dial", ivr_transfer_target="client:atendentes"),
                               COLLECTED, [], "/w"))
    client = ElementTree.fromstring(twiml).find("Dial").find("Client")
    assert client.find("Identity").text == "atendentes"
    params = {p.get("name"): p.get("value") for p in client.findall("Parameter")}
    assert params["opcao"] == "3 - Número de cartão" and params["identificado"] == "true"


def test_dial_to_a_number_whispers_the_summary(server):
    twiml = str(transfer_twiml(settings(ivr_transfer="dial", ivr_transfer_target="+553133334444"),
                               COLLECTED, [], "/webhooks/ura/sussurro?chamada=CA1"))
    number = ElementTree.fromstring(twiml).find("Dial").find("Number")
    assert number.text == "+553133334444" and number.get("url") == "/webhooks/ura/sussurro?chamada=CA1"
    assert whisper_text(COLLECTED) == (
        "Chamada da URA. Beneficiário identificado: Maria Aparecida Souza. Última opção: Número de cartão."
    )


def test_whisper_endpoint_is_signed_and_speaks_the_summary():
    channel = UraInput(settings(ivr_transfer="dial", ivr_transfer_target="+553133334444"))
    with ChannelServer(channel, answer=bot) as server:
        call = Call(server)
        call.start()
        root, _ = call.keys("0")
        whisper = root.find("Dial").find("Number").get("url")
        assert server.post_twilio(whisper, {"CallSid": "CA2"}, token=None)[0] == 403
        status, body = server.post_twilio(whisper, {"CallSid": "CA2", "ParentCallSid": call.sid})
    assert status == 200 and "Beneficiário não identificado" in body


def test_enqueue_to_a_named_queue():
    twiml = str(transfer_twiml(settings(ivr_transfer_target="atendimento"), COLLECTED, [], "/w"))
    assert ElementTree.fromstring(twiml).find("Enqueue").text == "atendimento"


def _collected(call: str) -> Collected:
    return Collected(canal="ura", chamada=call, telefone="+5531999990000", identificado=True, beneficiario_id=7,
                         beneficiario_nome="Maria", opcao="financeiro", protocolo=None, motivo="pediu atendente")


def test_in_process_transfers_keep_the_most_recent_calls():
    store = ura.MemoryTransfers(limit=2)
    for call in ("CA1", "CA2", "CA3"):
        store.put(call, _collected(call))
    assert store.get("CA1") is None and store.get("CA3").chamada == "CA3"


@pytest.mark.skipif(not os.environ.get("ATENDE_TEST_REDIS_URL"), reason="ATENDE_TEST_REDIS_URL unset (make test does)")
def test_a_transfer_made_on_one_replica_is_whispered_by_another():
    url = os.environ["ATENDE_TEST_REDIS_URL"]
    one, other = UraInput(settings(redis_url=url)), UraInput(settings(redis_url=url))
    call = f"CA{uuid.uuid4().hex}"
    one.transfers.put(call, _collected(call))
    assert other.transfers.get(call) == _collected(call)
    assert other.transfers.get("CA-desconhecida") is None
