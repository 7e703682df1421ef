"""Issue 9, item 9: a Twilio retry of a message answered before a restart is not answered again."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from typing import Iterator

import pytest

from bot.settings import PROJECT_ROOT
from tests.bot.channels import payloads
from tests.bot.channels.fake_api import FakeApi, telegram_answer, twilio_answer
from tests.e2e.conftest import Servers, start_servers, wait_gone
from tests.e2e.test_canais import BOT_TOKEN, PUBLIC, SECRET, TOKEN, Env, Telegram, WhatsApp, _settled

pytestmark = pytest.mark.servers


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    with FakeApi(twilio_answer, status=201) as twilio, FakeApi(telegram_answer) as telegram:
        variables = {
            "TWILIO_ACCOUNT_SID": payloads.ACCOUNT_SID, "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_WHATSAPP_FROM": payloads.WHATSAPP_BUSINESS, "TWILIO_API_URL": twilio.url,
            "ATENDE_PUBLIC_URL": PUBLIC, "TELEGRAM_BOT_TOKEN": BOT_TOKEN, "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TELEGRAM_API_URL": telegram.url,
        }
        with start_servers(tmp_path_factory.mktemp("replay"), variables) as servers:
            environment = Env(servers, twilio, telegram)
            environment.servers = servers  # type: ignore[attr-defined]
            environment.variables = variables  # type: ignore[attr-defined]
            yield environment


def _restart(env: Env) -> None:
    servers: Servers = env.servers  # type: ignore[attr-defined]
    run_dir = servers.run_dir
    for name, port in (("rasa", servers.rasa_port), ("actions", servers.actions_port)):
        pid = int((run_dir / f"{name}-{port}.pid").read_text())
        os.kill(pid, signal.SIGKILL)
        wait_gone(pid)
    variables = {**os.environ, **env.variables,  # type: ignore[attr-defined]
                 "DATABASE_URL": servers.database_url, "ATENDE_RASA_PORT": str(servers.rasa_port),
                 "ATENDE_ACTIONS_PORT": str(servers.actions_port), "ATENDE_REST_ENABLED": "1",
                 "ATENDE_LOG_DIR": str(servers.workdir / "depois"),
                 "ATENDE_VAR_DIR": str(servers.var_dir)}
    started = subprocess.run(["scripts/serve.sh"], cwd=PROJECT_ROOT, env=variables, capture_output=True, text=True)
    assert started.returncode == 0, started.stdout + started.stderr


def test_retries_of_answered_messages_are_not_answered_again_after_a_restart(env):
    maria, ana = WhatsApp(env), Telegram(env)
    delivery = payloads.whatsapp_text("oi", phone=maria.phone)
    before = maria.sent_to_me()
    assert maria.post(delivery) == 200
    answered = len(_settled(env.twilio, maria.mine, before))
    assert answered >= 1
    ana.update += 1
    update = payloads.telegram_text(ana.update, ana.user, "oi")
    assert "atendimento automático" in ana._turn(update)

    _restart(env)

    sent, told = maria.sent_to_me(), sum(map(ana.mine, env.telegram.calls()))
    assert maria.post(delivery) == 200  # Twilio's retry: same MessageSid
    assert env.post_telegram(update) == 200  # Telegram's retry: same update_id
    time.sleep(3)
    assert maria.sent_to_me() == sent and sum(map(ana.mine, env.telegram.calls())) == told
    # A new message is answered as usual.
    assert "Escolha uma opção" in maria.say("menu")
