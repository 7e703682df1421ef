"""Issue 9, items 3-6 and 10, through the real webhooks: no channel reaches another's conversation, long and
odd inputs get a Portuguese answer, a failed turn gets an apology instead of silence, "/" injects nothing."""

from __future__ import annotations

import json
import os
import signal
import time
from typing import Iterator, Tuple

import pytest

from actions.formatting import format_card
from bot.channels.common import APOLOGY, TOO_LONG
from bot.db import seed
from tests.bot.channels import payloads
from tests.bot.channels.fake_api import FakeApi, telegram_answer, twilio_answer
from tests.e2e.conftest import start_servers
from tests.e2e.test_canais import BOT_TOKEN, PUBLIC, SECRET, TOKEN, WORKFLOW, Env, Telegram, WhatsApp

pytestmark = pytest.mark.servers


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    with FakeApi(twilio_answer, status=201) as twilio, FakeApi(telegram_answer) as telegram:
        variables = {
            "TWILIO_ACCOUNT_SID": payloads.ACCOUNT_SID, "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_WHATSAPP_FROM": payloads.WHATSAPP_BUSINESS, "TWILIO_API_URL": twilio.url,
            "ATENDE_PUBLIC_URL": PUBLIC, "TELEGRAM_BOT_TOKEN": BOT_TOKEN, "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TELEGRAM_API_URL": telegram.url, "ATENDE_IVR_TRANSFER": "enqueue",
            "ATENDE_IVR_TRANSFER_TARGET": WORKFLOW,
        }
        with start_servers(tmp_path_factory.mktemp("seguranca_canais"), variables) as servers:
            environment = Env(servers, twilio, telegram)
            environment.servers = servers  # type: ignore[attr-defined]
            yield environment


def rest(env: Env, body: object, raw: bytes | None = None) -> Tuple[int, object]:
    from bot.channels.simulate import http_request

    data = raw if raw is not None else json.dumps(body).encode()
    status, text = http_request(env.base + "/webhooks/rest/webhook", data, {"Content-Type": "application/json"})
    return status, json.loads(text) if text else None


def rest_texts(env: Env, sender: str, text: str) -> str:
    status, answers = rest(env, {"sender": sender, "message": text})
    assert status == 200, answers
    return "\n".join(a.get("text", "") for a in answers)


# --- item 3: the REST channel cannot pick another channel's conversation -----------------------------------------

def test_rest_cannot_address_a_whatsapp_conversation(env):
    maria = WhatsApp(env)
    assert "Identificação confirmada" in maria.say(f"cpf {seed.DEMO_TITULAR_CPF} nascimento 12/03/1975")
    assert format_card(seed.DEMO_TITULAR_CARD) in maria.say("3")
    intruder = rest_texts(env, f"whatsapp:{maria.phone}", "3")
    assert format_card(seed.DEMO_TITULAR_CARD) not in intruder
    assert "preciso confirmar quem é você" in intruder


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"message": "oi"}, "sender"),
        ({"sender": "", "message": "oi"}, "sender"),
        ({"sender": "   ", "message": "oi"}, "sender"),
        ({"sender": None, "message": "oi"}, "sender"),
        ({"sender": 42, "message": "oi"}, "sender"),
        ({"sender": "a", "message": ["oi"]}, "message"),
        (3, "objeto JSON"),
        ([{"sender": "a"}], "objeto JSON"),
        (None, "objeto JSON"),
        ("oi", "objeto JSON"),
    ],
)
def test_rest_requests_without_a_usable_sender_or_text_are_a_400(env, body, reason):
    status, answer = rest(env, body)
    assert status == 400 and reason in answer["erro"]


def test_rest_invalid_json_is_a_400(env):
    status, answer = rest(env, None, raw=b'{"sender": "a", "message": ')
    assert status == 400 and answer["erro"] == "o corpo não é JSON válido"


# --- item 4: long messages ---------------------------------------------------------------------------------------

def test_a_message_over_4096_characters_is_answered_at_once_without_parsing(env):
    started = time.monotonic()
    answer = rest_texts(env, "longa", "a" * 4097)
    assert answer == TOO_LONG and time.monotonic() - started < 2
    assert "Escolha uma opção" in rest_texts(env, "longa", "menu")  # and the bot still answers


def test_a_huge_body_is_refused_before_it_is_read_as_a_message(env):
    started = time.monotonic()
    status, answer = rest(env, {"sender": "enorme", "message": "x" * 300_000})
    assert status == 413 and "64 KiB" in answer["erro"]
    assert time.monotonic() - started < 2


def test_whatsapp_long_message_gets_the_limit_in_portuguese(env):
    assert WhatsApp(env).say("🙂" * 5000) == TOO_LONG


# --- item 6: "/" does not type intents -----------------------------------------------------------------------------

def test_slash_intent_injection_does_not_identify_anyone(env):
    sender = "barra"
    injected = "/informar_identificacao" + json.dumps({"cpf": seed.DEMO_TITULAR_CPF, "data": "1975-03-12"})
    first = rest_texts(env, sender, injected)
    answer = rest_texts(env, sender, "3")
    # Read as text, the CPF in it only starts an identification; nobody is identified without the birth date.
    assert "Identificação confirmada" not in first + answer
    assert format_card(seed.DEMO_TITULAR_CARD) not in answer and "data de nascimento" in answer


@pytest.mark.parametrize("command", ["/restart", "/session_start", "/menu", "/"])
def test_slash_commands_typed_by_a_user_get_an_answer(env, command):
    answer = rest_texts(env, f"comando{command.replace('/', '-')}", command)
    assert answer.strip() and "Sorry" not in answer


# --- item 10: malformed but signed deliveries still get an answer -----------------------------------------------

def test_whatsapp_num_media_abc_is_answered(env):
    user = WhatsApp(env)
    before = user.sent_to_me()
    fields = payloads.whatsapp_text("", phone=user.phone)
    fields["NumMedia"] = "abc"
    assert user.post(fields) == 200
    from tests.e2e.test_canais import _settled

    calls = _settled(env.twilio, user.mine, before)
    assert "só consigo ler mensagens de texto" in calls[0].fields["Body"]


def test_telegram_numeric_text_is_answered_and_an_update_without_chat_is_taken(env):
    user = Telegram(env)
    user.update += 1
    update = payloads.telegram_text(user.update, user.user, "x")
    update["message"]["text"] = 3
    assert "preciso confirmar quem é você" in user._turn(update)  # read as "3", the card option
    user.update += 1
    orphan = payloads.telegram_text(user.update, user.user, "oi")
    del orphan["message"]["chat"]
    assert env.post_telegram(orphan) == 200
    assert "Escolha uma opção" in user.say("menu")


# --- item 5: a failed turn gets an apology (the action server is killed, then started again) ---------------

def test_when_the_action_server_is_down_every_channel_apologises(env):
    servers = env.servers  # type: ignore[attr-defined]
    pid = int((servers.run_dir / f"actions-{servers.actions_port}.pid").read_text())
    os.kill(pid, signal.SIGKILL)
    try:
        answers = [rest_texts(env, f"sem-acoes-{text}", text) for text in ("0", "3")]
        whatsapp, telegram = WhatsApp(env).say("0"), Telegram(env).say("3")
    finally:
        servers.restart_actions()  # the module's other tests, in whatever order, find it up
    assert answers == [APOLOGY, APOLOGY]
    assert APOLOGY in whatsapp and APOLOGY in telegram
