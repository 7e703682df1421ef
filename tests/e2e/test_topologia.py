"""Issue 11: two Rasa replicas, one action server, PostgreSQL for plan data and conversations, Redis locks.

Everything is real and on loopback: PostgreSQL from scripts/pg-test.sh, redis-server from scripts/redis-test.sh
(both started by ``make test``), the Rasa servers and the action server from scripts/serve.sh.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, List
from urllib.parse import urlencode

import pytest
from redis import Redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from twilio.request_validator import RequestValidator

from actions.formatting import format_card
from bot.channels.simulate import http_request
from bot.db import seed
from bot.db.migrate import upgrade
from bot.db.seed import seed_demo
from bot.db.session import make_engine, make_session_factory
from bot.settings import PROJECT_ROOT, Settings
from tests.bot.channels import payloads
from tests.bot.channels.fake_api import FakeApi, twilio_answer
from tests.e2e.conftest import _free_port, send_message, wait_gone
from tests.e2e.test_canais import TOKEN, _settled

pytestmark = pytest.mark.servers

POSTGRES = os.environ.get("ATENDE_TEST_POSTGRES_URL", "")
REDIS = os.environ.get("ATENDE_TEST_REDIS_URL", "")


@dataclass
class Topology:
    """Two replicas (their REST URLs and pid files) over one action server, and the recording Twilio."""

    urls: List[str]
    pid_files: List[Path]
    twilio: FakeApi
    restart: Callable[[int], None]


def _serve(env: dict, only_rasa: bool) -> None:
    extra = {"ATENDE_SERVE_ONLY": "rasa"} if only_rasa else {}
    done = subprocess.run(["scripts/serve.sh"], cwd=PROJECT_ROOT, env={**env, **extra}, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def topology(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Topology]:
    if not (POSTGRES and REDIS):
        pytest.skip("ATENDE_TEST_POSTGRES_URL e ATENDE_TEST_REDIS_URL: rode `make test` (inicia PostgreSQL e Redis)")
    name = f"atende_topologia_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = str(make_url(POSTGRES).set(database=name))
    settings = Settings(database_url=url)
    upgrade(settings)
    engine = make_engine(settings)
    seed_demo(session_factory=make_session_factory(engine))
    engine.dispose()

    workdir = tmp_path_factory.mktemp("topologia")
    actions_port, ports = _free_port(), [_free_port(), _free_port()]
    twilio = FakeApi(twilio_answer, status=201).__enter__()
    base = {**os.environ, "DATABASE_URL": url, "REDIS_URL": REDIS, "ATENDE_ACTIONS_PORT": str(actions_port),
            "ATENDE_REST_ENABLED": "1", "TWILIO_ACCOUNT_SID": payloads.ACCOUNT_SID, "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_WHATSAPP_FROM": payloads.WHATSAPP_BUSINESS, "TWILIO_API_URL": twilio.url,
            "ATENDE_VAR_DIR": str(workdir / "var")}
    run_dir = workdir / "var" / "run"
    pid_files = [run_dir / f"actions-{actions_port}.pid"]
    try:
        for index, port in enumerate(ports):
            (workdir / str(index)).mkdir()
            _serve({**base, "ATENDE_RASA_PORT": str(port), "ATENDE_LOG_DIR": str(workdir / str(index))},
                   only_rasa=index > 0)
            pid_files.append(run_dir / f"rasa-{port}.pid")
        def restart(index: int) -> None:
            # The action server started with replica 0 still runs: only the Rasa replica comes back.
            _serve({**base, "ATENDE_RASA_PORT": str(ports[index]), "ATENDE_LOG_DIR": str(workdir / f"{index}b")},
                   only_rasa=True)

        yield Topology([f"http://127.0.0.1:{port}/webhooks/rest/webhook" for port in ports], pid_files[1:], twilio,
                       restart)
    finally:
        twilio.__exit__(None, None, None)
        for pid_file in pid_files:
            if pid_file.exists():
                try:
                    os.kill(int(pid_file.read_text()), signal.SIGTERM)
                except ProcessLookupError:
                    pass
                pid_file.unlink()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _identify_across(topology: Topology, sender: str) -> str:
    a, b = topology.urls
    assert "CPF" in "\n".join(send_message(a, sender, "3"))
    assert "data de nascimento" in "\n".join(send_message(b, sender, seed.DEMO_TITULAR_CPF))
    return "\n".join(send_message(a, sender, "12/03/1975"))


def test_one_conversation_alternating_replicas_keeps_form_and_identification(topology):
    sender = f"topo-{uuid.uuid4().hex[:8]}"
    cards = _identify_across(topology, sender)
    assert "Identificação confirmada" in cards and format_card(seed.DEMO_TITULAR_CARD) in cards
    again = "\n".join(send_message(topology.urls[1], sender, "qual o número da minha carteirinha?"))
    assert format_card(seed.DEMO_TITULAR_CARD) in again and "preciso confirmar quem é você" not in again


def test_twenty_concurrent_conversations_lose_and_repeat_nothing(topology):
    results: dict[str, List[List[str]]] = {}
    errors: List[BaseException] = []

    def talk(number: int) -> None:
        sender = f"topo-conc-{number}-{uuid.uuid4().hex[:6]}"
        try:
            replies = [send_message(topology.urls[(number + turn) % 2], sender, text)
                       for turn, text in enumerate(["oi", "7", "menu"])]
            results[sender] = replies
        except BaseException as error:  # noqa: BLE001 - reported below with the others
            errors.append(error)

    redis = Redis.from_url(REDIS)
    commands_before = redis.info("stats")["total_commands_processed"]
    threads = [threading.Thread(target=talk, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors and len(results) == 20
    # The replicas took their conversation locks in Redis (Rasa's RedisLockStore): a few commands per message.
    assert redis.info("stats")["total_commands_processed"] - commands_before >= 60
    for replies in results.values():
        greeting, plans, menu = ("\n".join(r) for r in replies)
        assert greeting.count("1 - Reembolso") == 1
        assert plans.count("Clássico Apartamento") >= 1 and "1 - Reembolso" not in plans
        assert menu.count("1 - Reembolso") == 1


def _whatsapp_turn(topology: Topology, phone: str, urls: List[str]) -> int:
    """Post one signed delivery (one MessageSid) to each of ``urls`` at once; the sends Twilio got, counted."""
    delivery = payloads.whatsapp_text("oi", phone=phone)
    mine = lambda call: call.fields.get("To") == f"whatsapp:{phone}"  # noqa: E731

    def post(url: str) -> None:
        webhook = url.replace("/rest/", "/whatsapp/")
        signature = RequestValidator(TOKEN).compute_signature(webhook, delivery)
        http_request(webhook, urlencode(delivery).encode(),
                     {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature})

    threads = [threading.Thread(target=post, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return len(_settled(topology.twilio, mine, 0))


def test_the_same_twilio_delivery_at_both_replicas_is_answered_once(topology):
    # Control: one delivery to one replica. Then Twilio's retries: the same MessageSid three times to each, at once.
    once = _whatsapp_turn(topology, f"+55319{uuid.uuid4().int % 10**8:08d}", topology.urls[:1])
    retried = _whatsapp_turn(topology, f"+55319{uuid.uuid4().int % 10**8:08d}", topology.urls * 3)
    assert once >= 1 and retried == once


def test_kill_9_of_one_replica_and_the_other_continues(topology):
    sender = f"topo-kill-{uuid.uuid4().hex[:8]}"
    assert "Identificação confirmada" in _identify_across(topology, sender)
    pid = int(topology.pid_files[0].read_text())
    os.kill(pid, signal.SIGKILL)
    try:
        cards = "\n".join(send_message(topology.urls[1], sender, "3"))
    finally:
        # The module's other tests, in whatever order they run, find both replicas up.
        wait_gone(pid)
        topology.restart(0)
    assert format_card(seed.DEMO_TITULAR_CARD) in cards
