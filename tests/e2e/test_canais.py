"""One scenario through the three real webhooks (WhatsApp, phone IVR, Telegram).

The real Rasa and action servers run over the demo data; Twilio's REST API and Telegram's Bot API are recording
fakes on loopback.
"""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ElementTree
from typing import Callable, Dict, Iterator, List, Tuple
from urllib.parse import urlencode, urlsplit

import pytest
from twilio.request_validator import RequestValidator

from actions.formatting import format_card
from bot.channels.simulate import http_request
from bot.channels.telegram import STALE_BUTTON_ANSWER
from bot.db import seed
from tests.bot.channels import payloads
from tests.bot.channels.fake_api import FakeApi, Recorded, telegram_answer, twilio_answer
from tests.e2e.conftest import Servers, start_servers, unique

pytestmark = pytest.mark.servers

TOKEN = "e2e-twilio-auth-token"
SECRET = "e2e-telegram-webhook-secret"
BOT_TOKEN = "987654:E2E-teste"
PUBLIC = "https://atende.example.test"  # what Twilio would call; signatures are computed over it
WORKFLOW = "WW" + "e" * 32
SPOKEN_CARD = "4 1 7 5, 0 5 0 0, 0 0 0 0, 1 0 0 4"


class Env:
    """The running servers and the fakes of the internet services."""

    def __init__(self, servers: Servers, twilio: FakeApi, telegram: FakeApi) -> None:
        self.base = f"http://127.0.0.1:{servers.rasa_port}"
        self.twilio, self.telegram = twilio, telegram

    def post_twilio(self, path: str, fields: Dict[str, str], token: str | None = TOKEN) -> Tuple[int, str]:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if token:
            headers["X-Twilio-Signature"] = RequestValidator(token).compute_signature(PUBLIC + path, fields)
        return http_request(self.base + path, urlencode(fields).encode(), headers)

    def post_telegram(self, update: Dict, secret: str | None = SECRET) -> int:
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        return http_request(self.base + "/webhooks/telegram/webhook", json.dumps(update).encode(), headers)[0]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    with FakeApi(twilio_answer, status=201) as twilio, FakeApi(telegram_answer) as telegram:
        variables = {
            "TWILIO_ACCOUNT_SID": payloads.ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_WHATSAPP_FROM": payloads.WHATSAPP_BUSINESS,
            "TWILIO_API_URL": twilio.url,
            "ATENDE_PUBLIC_URL": PUBLIC,
            "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TELEGRAM_API_URL": telegram.url,
            "ATENDE_IVR_TRANSFER": "enqueue",
            "ATENDE_IVR_TRANSFER_TARGET": WORKFLOW,
        }
        with start_servers(tmp_path_factory.mktemp("canais"), variables) as servers:
            yield Env(servers, twilio, telegram)


def _settled(api: FakeApi, mine: Callable[[Recorded], bool], before: int, timeout: float = 30.0) -> List[Recorded]:
    """The new requests of one turn: wait for the first, then until no more come for a moment."""
    api.wait_for(lambda calls: sum(map(mine, calls)) > before, timeout)
    count, quiet_since = -1, time.monotonic()
    while time.monotonic() - quiet_since < 0.6:
        now = sum(map(mine, api.calls()))
        if now != count:
            count, quiet_since = now, time.monotonic()
        time.sleep(0.05)
    return [call for call in api.calls() if mine(call)][before:]


class WhatsApp:
    """A beneficiary on WhatsApp: what they read after each message."""

    def __init__(self, env: Env) -> None:
        self.env = env
        self.phone = f"+55319{unique(10_000_000)}"

    def mine(self, call: Recorded) -> bool:
        return call.path.endswith("/Messages.json") and call.fields.get("To") == f"whatsapp:{self.phone}"

    def sent_to_me(self) -> int:
        return sum(map(self.mine, self.env.twilio.calls()))

    def post(self, fields: Dict[str, str], token: str | None = TOKEN) -> int:
        return self.env.post_twilio("/webhooks/whatsapp/webhook", fields, token)[0]

    def say(self, text: str) -> str:
        before = self.sent_to_me()
        assert self.post(payloads.whatsapp_text(text, phone=self.phone)) == 200
        calls = _settled(self.env.twilio, self.mine, before)
        assert all(call.fields["From"] == payloads.WHATSAPP_BUSINESS for call in calls)
        assert all(len(call.fields["Body"]) <= 1600 for call in calls)
        return "\n".join(call.fields["Body"] for call in calls)


class Telegram:
    """A beneficiary in a private Telegram chat: texts and buttons after each message."""

    def __init__(self, env: Env) -> None:
        self.env = env
        self.user = unique(100_000_000)
        self.update = unique(0) * 100_000
        self.buttons: List[Dict] = []

    def mine(self, call: Recorded) -> bool:
        return call.path.endswith("/sendMessage") and int(call.fields.get("chat_id", 0)) == self.user

    def _turn(self, update: Dict) -> str:
        before = sum(map(self.mine, self.env.telegram.calls()))
        assert self.env.post_telegram(update) == 200
        calls = _settled(self.env.telegram, self.mine, before)
        assert all(call.path == f"/bot{BOT_TOKEN}/sendMessage" for call in calls)
        assert all(call.fields["parse_mode"] == "HTML" for call in calls)
        self.buttons = []
        for call in calls:
            markup = call.fields.get("reply_markup")
            if markup:
                markup = json.loads(markup) if isinstance(markup, str) else markup
                self.buttons += [row[0] for row in markup["inline_keyboard"]]
        return "\n".join(call.fields["text"] for call in calls)

    def say(self, text: str) -> str:
        self.update += 1
        return self._turn(payloads.telegram_text(self.update, self.user, text))

    def press(self, data: str) -> str:
        assert data in [button["callback_data"] for button in self.buttons], self.buttons
        self.update += 1
        update = payloads.telegram_button(self.update, self.user, data)
        text = self._turn(update)
        answered = self.env.telegram.calls("/answerCallbackQuery")
        assert update["callback_query"]["id"] in [call.fields["callback_query_id"] for call in answered]
        return text


class Phone:
    """A caller of the IVR: what they hear after each step; the transfer's data when there is one."""

    def __init__(self, env: Env) -> None:
        self.env = env
        self.sid = payloads.twilio_sid("CA")
        self.phone = f"+55319{unique(10_000_000)}"
        self.next = "/webhooks/ura/webhook"
        self.task: Dict | None = None
        self.single_key = False

    def _step(self, fields: Dict[str, str]) -> str:
        status, body = self.env.post_twilio(self.next, fields)
        assert status == 200, body
        root = ElementTree.fromstring(body)
        gather = root.find("Gather")
        if gather is not None:
            assert gather.get("input") == "dtmf speech" and gather.get("language") == "pt-BR"
            action = urlsplit(gather.get("action"))
            assert f"{action.scheme}://{action.netloc}" == PUBLIC  # published: Twilio must call the public URL
            self.next = f"{action.path}?{action.query}"
            self.single_key = gather.get("numDigits") == "1"
        self.hung_up = root.find("Hangup") is not None
        enqueue = root.find("Enqueue")
        if enqueue is not None:
            assert enqueue.get("workflowSid") == WORKFLOW
            self.task = json.loads(enqueue.find("Task").text)
        said = [say.text for say in root.iter("Say")]
        assert all(say.get("language") == "pt-BR" for say in root.iter("Say"))
        return " ".join(said)

    def call(self) -> str:
        return self._step(payloads.voice_call(self.sid, self.phone))

    def keys(self, digits: str) -> str:
        return self._step(payloads.voice_digits(self.sid, digits, self.phone))

    def speak(self, speech: str) -> str:
        return self._step(payloads.voice_speech(self.sid, speech, self.phone))

    def silence(self) -> str:
        return self._step(payloads.voice_silence(self.sid, self.phone))


def _no_english_or_symbols_for_the_ear(spoken: str) -> None:
    assert not any(mark in spoken for mark in ("*", "http", "www", "@", "•", "👋", "\n")), spoken


def test_whatsapp_scenario(env):
    user = WhatsApp(env)
    greeting = user.say("oi")
    assert "atendimento automático" in greeting
    assert "1 - Reembolso" in greeting and "0 - Falar com um atendente" in greeting
    assert "CPF" in user.say("3")
    assert "data de nascimento" in user.say("529.982.247-25")
    cards = user.say("12/03/1975")
    assert "Identificação confirmada" in cards
    for card in (seed.DEMO_TITULAR_CARD, seed.DEMO_SPOUSE_CARD, seed.DEMO_DAUGHTER_CARD):
        assert format_card(card) in cards
    assert "1 - Reembolso" in user.say("menu")
    assert "atendente" in user.say("0").lower()


def test_whatsapp_identification_by_card_number(env):
    user = WhatsApp(env)
    user.say("perdi minha carteirinha")
    assert "data de nascimento" in user.say(seed.DEMO_SPOUSE_CARD)
    cards = user.say("30081972")
    assert format_card(seed.DEMO_SPOUSE_CARD) in cards and format_card(seed.DEMO_TITULAR_CARD) not in cards


def test_a_cpf_and_a_birth_date_dictated_on_whatsapp_identify(env):
    # dev set K: a voice message transcribed writes the numbers in words, and the bot answered "preciso confirmar
    # quem é você" to the CPF, again and again.
    user = WhatsApp(env)
    assert "CPF" in user.say("3")
    asked = user.say("meu cpf é cinco dois nove ponto nove oito dois ponto dois quatro sete traço dois cinco")
    assert "data de nascimento" in asked, asked
    cards = user.say("nasci dia doze de março de mil novecentos e setenta e cinco")
    assert "Identificação confirmada" in cards and format_card(seed.DEMO_TITULAR_CARD) in cards, cards


def test_whatsapp_media_gets_a_portuguese_answer(env):
    user = WhatsApp(env)
    before = user.sent_to_me()
    assert user.post(payloads.whatsapp_image(user.phone)) == 200
    [answer] = _settled(env.twilio, user.mine, before)
    assert answer.fields["Body"].startswith("Recebi sua imagem")


def test_a_photo_sent_at_the_cpf_question_gets_the_question_again(env):
    # u19: a photo at "informe seu CPF" got "Escreva sua dúvida ou digite menu", and the question was lost.
    user = WhatsApp(env)
    assert "CPF" in user.say("3")
    before = user.sent_to_me()
    assert user.post(payloads.whatsapp_image(user.phone)) == 200
    [answer] = _settled(env.twilio, user.mine, before)
    body = answer.fields["Body"]
    assert body.startswith("Recebi sua imagem") and "Para continuar, responda por escrito:" in body, body
    assert "CPF" in body and "Escreva sua dúvida" not in body
    assert "data de nascimento" in user.say("529.982.247-25")


def test_a_retried_whatsapp_message_is_answered_once(env):
    user = WhatsApp(env)
    fields = payloads.whatsapp_text("oi", phone=user.phone)
    for _ in range(3):  # Twilio retrying the same delivery
        assert user.post(fields) == 200
    first = _settled(env.twilio, user.mine, 0)
    time.sleep(1.0)
    assert user.sent_to_me() == len(first) == 1


def test_forged_whatsapp_requests_change_nothing(env):
    user = WhatsApp(env)
    for text in ("3", seed.DEMO_TITULAR_CPF):
        fields = payloads.whatsapp_text(text, phone=user.phone)
        assert user.post(fields, token=None) == 403
        assert user.post(fields, token="token-adivinhado") == 403
    time.sleep(0.5)
    assert user.sent_to_me() == 0
    # Had the forged "3" and CPF reached the bot, this date would complete an identification.
    assert "Identificação confirmada" not in user.say("12/03/1975")


def test_ivr_scenario(env):
    caller = Phone(env)
    welcome = caller.call()
    assert "digite 1 para o atendimento automático ou 0 para falar com um atendente" in welcome.lower()
    menu = caller.keys("1")
    assert "Para reembolso, digite 1." in menu and "Para número de cartão, digite 3." in menu and caller.single_key
    _no_english_or_symbols_for_the_ear(menu)
    ask = caller.keys("3")
    assert "CPF" in ask and "jogo da velha" in ask and not caller.single_key
    assert "data de nascimento" in caller.keys("52998224725#")
    cards = caller.keys("12031975#")
    assert "Identificação confirmada" in cards and SPOKEN_CARD in cards and "4175 0500" not in cards
    _no_english_or_symbols_for_the_ear(cards)
    transfer = caller.keys("0")
    assert "transferir" in transfer
    assert caller.task["identificado"] is True and caller.task["beneficiario_nome"] == seed.DEMO_TITULAR_NAME
    assert caller.task["opcao"] == "3 - Número de cartão" and caller.task["chamada"] == caller.sid
    assert caller.task["telefone"] == caller.phone and caller.task["canal"] == "ura"


def test_ivr_card_number_by_keypad_and_speech(env):
    caller = Phone(env)
    caller.call()
    caller.keys("1")
    caller.speak("número da carteirinha")
    assert "data de nascimento" in caller.keys(seed.DEMO_SPOUSE_CARD + "#")
    cards = caller.keys("30081972#")
    assert "4 1 7 5, 0 5 0 0, 0 0 0 0, 1 0 1 2" in cards and SPOKEN_CARD not in cards


def test_ivr_a_menu_option_pressed_at_the_welcome_goes_straight_to_it(env):
    # u22: "5" (the WhatsApp menu's authorizations) at the welcome was "Opção inválida", and the next key a transfer.
    caller = Phone(env)
    caller.call()
    heard = caller.keys("4")
    assert "Opção inválida" not in heard and "CPF" in heard, heard
    assert "data de nascimento" in caller.keys(seed.DEMO_TITULAR_CPF + "#")
    assert "Identificação confirmada" in caller.keys("12031975#")


def test_ivr_silence_reprompts_once_then_transfers(env):
    caller = Phone(env)
    caller.call()
    caller.keys("1")
    again = caller.silence()
    assert again.startswith("Não recebi sua resposta.") and "Para reembolso, digite 1." in again
    assert "transferir" in caller.silence()
    assert caller.task["motivo"] == "sem resposta" and caller.task["identificado"] is False


def test_ivr_caller_hears_again_on_asking_and_a_goodbye_or_a_quiet_end_hangs_up(env):
    # u16: "repete por favor" and "fala mais devagar" got "não entendi" or a logout; "tchau, obrigada" and the
    # silence after "algo mais?" sent a caller who was done to a person.
    caller = Phone(env)
    caller.call()
    menu = caller.keys("1")
    assert "diga repetir" in menu
    again = caller.speak("repete por favor")
    assert "Para reembolso, digite 1." in again and not caller.hung_up and caller.task is None
    assert "Para reembolso, digite 1." in caller.speak("fala mais devagar")
    bye = caller.speak("tchau, obrigada")
    assert caller.hung_up and caller.task is None and "transferir" not in bye

    done = Phone(env)
    done.call()
    done.keys("1")
    answer = done.speak("qual o horário de atendimento?")
    assert "Posso ajudar em algo mais?" in answer
    assert done.silence().startswith("Não recebi sua resposta.") and not done.hung_up
    assert "Até logo" in done.silence() and done.hung_up and done.task is None


def test_ivr_a_no_thanks_after_anything_else_ends_the_call(env):
    # u17: "não obrigada" got the goodbye, the line stayed open, and the silence after it reached a person.
    caller = Phone(env)
    caller.call()
    caller.keys("1")
    assert "Posso ajudar em algo mais?" in caller.speak("qual o horário de atendimento?")
    bye = caller.speak("não, obrigada")
    assert "Até logo" in bye and caller.hung_up and caller.task is None


def test_ivr_a_long_answer_is_heard_in_parts(env):
    # u16: the reimbursement how-to, read aloud, ran for minutes in one breath, Roman numerals spelt out.
    from bot.channels.ura import CONTINUE_HINT

    caller = Phone(env)
    caller.call()
    caller.keys("1")
    parts = [caller.speak("como faço para pedir reembolso?")]
    assert parts[0].endswith(CONTINUE_HINT) and "Como pedir reembolso" in parts[0]
    while parts[-1].endswith(CONTINUE_HINT) and len(parts) < 10:
        # u20: "nove" said, not pressed, was "não entendi" and the rest of the answer was lost.
        step = len(parts) % 3
        parts.append({1: lambda: caller.keys("9"), 2: lambda: caller.speak("nove")}.get(
            step, lambda: caller.speak("continuar"))())
    assert 3 <= len(parts) < 10 and "Diga menu para ver as opções." in parts[-1]  # a key, "nove", "continuar"
    # u19: a 9 once too often got "não entendi, pode escrever de outra forma?".
    after = caller.keys("9")
    assert after.startswith("Essa resposta já terminou.") and "não entendi" not in after.lower(), after
    heard = " ".join(parts)
    assert "1. Solicitação do reembolso" in heard and " I. " not in heard and "site o site" not in heard
    assert not caller.hung_up and caller.task is None


def test_a_complaint_about_an_attendant_reaches_the_ombudsman_on_whatsapp_and_on_the_phone(env):
    # u17: "o atendente nunca me ligou de volta" was read as a request for a person: a callback ticket in the
    # first instance on WhatsApp, a transfer on the phone; nothing reached the Ombudsman.
    user = WhatsApp(env)
    user.say("ouvidoria")
    user.say("não tenho")
    user.say("2")
    user.say("1")
    registered = user.say("o atendente nunca me ligou de volta e meu problema continua")
    assert "Ouvidoria responde em até 7 dias úteis" in registered and "Registrei seu pedido" not in registered

    caller = Phone(env)
    caller.call()
    caller.keys("1")
    caller.speak("quero fazer uma reclamação na ouvidoria")
    caller.speak("não tenho")
    caller.keys("2")
    caller.keys("1")
    heard = caller.speak("fui mal atendida pela atendente da central ontem, ela desligou na minha cara")
    assert "Ouvidoria responde em até 7 dias úteis" in heard and caller.task is None and not caller.hung_up
    assert "transferir" in caller.keys("0") and caller.task is not None


def test_a_stroke_on_the_phone_and_a_fall_on_whatsapp_hear_the_emergency_number_first(env):
    # u19: after the menu, "a boca torta e não consegue mexer o braço" was asked "PA Online or a platform problem?";
    # on WhatsApp an old man's fall was "Se a chamada caiu… reabra o navegador".
    caller = Phone(env)
    caller.call()
    caller.keys("1")
    heard = caller.speak("meu marido tá com a boca torta e não consegue mexer o braço")
    assert heard.startswith("Boca torta, fala enrolada") and "192, o SAMU agora" in heard, heard
    assert "qual destes" not in heard.lower()
    written = WhatsApp(env).say("meu pai de 82 anos caiu e bateu a cabeca, agora ta muito sonolento e vomitou")
    assert written.startswith("⚠️ Depois de uma queda") and "192" in written.splitlines()[0], written
    assert "navegador" not in written


def test_ivr_numbers_said_in_words_are_understood(env):
    # u19: "quatro" at the menu got "só consigo ajudar com assuntos do seu plano"; a CPF said digit by digit and
    # "doze de março de mil novecentos e setenta e cinco" were not understood.
    caller = Phone(env)
    caller.call()
    caller.keys("1")
    asked = caller.speak("quatro")
    assert "CPF" in asked and "só consigo ajudar" not in asked, asked
    assert "data de nascimento" in caller.speak("cinco dois nove nove oito dois dois quatro sete dois cinco")
    heard = caller.speak("doze de março de mil novecentos e setenta e cinco")
    assert "Identificação confirmada" in heard, heard
    assert "oleto" in caller.keys("9")  # the boletos the caller chose with "quatro"


def test_ivr_a_caller_gets_the_boletos_line_by_sms_on_the_phone_they_call_from(env):
    # Older item: a caller who could not take the 47 digits down by ear had no way to get them on the phone line.
    caller = Phone(env)
    caller.call()
    caller.keys("1")
    caller.keys("4")
    caller.speak("cinco dois nove nove oito dois dois quatro sete dois cinco")
    heard = [caller.speak("doze de março de mil novecentos e setenta e cinco")]
    while "diga SMS" not in heard[-1] and len(heard) < 8:
        heard.append(caller.keys("9"))
    assert "Para receber a linha digitável por SMS no celular de onde você liga, diga SMS." in heard[-1]
    before = len(env.twilio.calls("/Messages.json"))
    said = caller.speak("SMS")
    assert said.startswith("Pronto: mandei por SMS, para o número de onde você liga, a linha digitável"), said
    texts = [c for c in env.twilio.calls("/Messages.json")[before:] if c.fields.get("To") == caller.phone]
    assert len(texts) == 1 and texts[0].fields["From"] == payloads.IVR_NUMBER
    assert texts[0].fields["Body"].startswith("Cemig Saúde - 2ª via") and "Linha digitável: " in texts[0].fields["Body"]
    assert seed.DEMO_TITULAR_CPF not in texts[0].fields["Body"]


@pytest.mark.parametrize("said", [
    "doze do três de setenta e cinco",  # u21, u22
    "doze do março de setenta e cinco",  # u23
    "eu nasci em mil novecentos e setenta e cinco, dia doze de março",  # u23: the year first
])
def test_ivr_a_date_said_as_older_callers_say_it_identifies(env, said):
    # They got "Não entendi a data… por exemplo 25 de dezembro de 1980".
    caller = Phone(env)
    caller.call()
    caller.keys("1")
    caller.keys("3")
    assert "data de nascimento" in caller.speak("cinco dois nove nove oito dois dois quatro sete dois cinco")
    heard = caller.speak(said)
    assert "Identificação confirmada" in heard, heard


@pytest.mark.parametrize(
    ("message", "first"),
    [
        # u20: each of these got the video clinic's steps, the teleconsultation form or "não entendi".
        ("minha mãe caiu nas escadas e não consegue levantar", "⚠️ Depois de uma queda"),
        ("meu bebê tá com febre e umas manchas roxas", "⚠️ Ligue 192"),
        ("meu marido ta com uma dor forte no peito", "⚠️ Ligue 192"),
        ("acho que meu pai ta infartando", "⚠️ Ligue 192"),
        ("minha mãe ta desacordada", "⚠️ Ligue 192"),
    ],
)
def test_an_emergency_told_in_a_relatives_words_starts_with_the_number(env, message, first):
    written = WhatsApp(env).say(message)
    assert written.startswith(first) and "192" in written.splitlines()[0], written
    assert "Qual é o seu nome completo?" not in written and "não entendi" not in written.lower()


def test_forged_calls_change_nothing(env):
    caller = Phone(env)
    fields = payloads.voice_call(caller.sid, caller.phone)
    assert env.post_twilio("/webhooks/ura/webhook", fields, token=None)[0] == 403
    assert env.post_twilio("/webhooks/ura/webhook", fields, token="token-adivinhado")[0] == 403
    caller.call()
    caller.keys("1")
    for keys in ("3", seed.DEMO_TITULAR_CPF):
        forged = payloads.voice_digits(caller.sid, keys, caller.phone)
        assert env.post_twilio(caller.next, forged, token="token-adivinhado")[0] == 403
    assert "Identificação confirmada" not in caller.keys("12031975#")


def test_telegram_scenario(env):
    user = Telegram(env)
    greeting = user.say("/start")
    assert "atendimento automático" in greeting
    labels = [button["text"] for button in user.buttons]
    assert labels[0] == "1 - Reembolso" and "0 - Falar com um atendente" in labels
    assert "CPF" in user.press("3")
    assert "data de nascimento" in user.say("529.982.247-25")
    cards = user.say("12/03/1975")
    assert "Identificação confirmada" in cards and format_card(seed.DEMO_TITULAR_CARD) in cards
    assert "<b>menu</b>" in cards  # WhatsApp's *bold* shown as bold
    user.say("menu")
    assert "atendente" in user.press("0").lower()


def test_telegram_start_in_the_middle_of_a_form_starts_over(env):
    # u16: /start at the Ombudsman's protocol question got the same question again.
    user = Telegram(env)
    assert "protocolo" in user.say("quero fazer uma reclamação na ouvidoria")
    again = user.say("/start")
    assert "atendimento automático" in again and "protocolo" not in again
    assert "1 - Reembolso" in [button["text"] for button in user.buttons]
    assert "CPF" in user.press("3")


def test_telegram_a_button_of_a_question_already_answered_is_not_a_menu_digit(env):
    # u16: "2" pressed on an old list of people was read as the menu's option 2 (utilização).
    user = Telegram(env)
    user.say("/start")
    user.press("1")
    user.say("529.982.247-25")
    assert "De quem" in user.say("12/03/1975")
    pessoas = {button["text"]: button["callback_data"] for button in user.buttons}
    assert len(pessoas) >= 2 and all(":" in data for data in pessoas.values())
    segunda = list(pessoas.values())[1]
    assert "reembolso" in user.press(segunda).lower()
    user.update += 1
    old = user._turn(payloads.telegram_button(user.update, user.user, segunda))
    assert old == STALE_BUTTON_ANSWER


def test_telegram_edits_and_photos_are_answered_without_the_bot(env):
    user = Telegram(env)
    user.update += 1
    assert "editou" in user._turn(payloads.telegram_edited(user.update, user.user, "3"))
    user.update += 1
    assert user._turn(payloads.telegram_photo(user.update, user.user)).startswith("Recebi sua foto")


def test_telegram_without_the_secret_changes_nothing(env):
    user = Telegram(env)
    for text in ("3", seed.DEMO_TITULAR_CPF):
        user.update += 1
        update = payloads.telegram_text(user.update, user.user, text)
        assert env.post_telegram(update, secret=None) == 403
        assert env.post_telegram(update, secret="segredo-adivinhado") == 403
    time.sleep(0.5)
    assert not any(map(user.mine, env.telegram.calls()))
    assert "Identificação confirmada" not in user.say("12/03/1975")


def test_health_endpoints_say_the_channels_are_live(env):
    for channel in ("whatsapp", "ura", "telegram"):
        status, body = http_request(f"{env.base}/webhooks/{channel}/", None, {})
        assert status == 200 and json.loads(body)["status"] == "ok"
    # With real credentials there is no local outbox to read.
    assert http_request(f"{env.base}/webhooks/whatsapp/local/respostas?sid=SM1", None, {})[0] == 404
