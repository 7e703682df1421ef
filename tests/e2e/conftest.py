"""Real Rasa server and real action server, on free loopback ports, over a seeded database."""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterator, List

import pytest

from bot.channels.common import conversation_id
from bot.db.migrate import upgrade
from bot.db.seed import seed_demo
from bot.db.session import make_engine, make_session_factory
from bot.settings import PROJECT_ROOT, Settings

MODEL = PROJECT_ROOT / "models" / "atende.tar.gz"
_SEQUENCE = itertools.count(1)


def unique(start: int) -> int:
    """``start`` plus a number no other call of this run got: each test user has a conversation of its own.

    Not random: pytest-randomly reseeds ``random`` to the same value before every test, so two tests of one
    module would draw the same phone number and share a conversation on the module's servers.
    """
    return start + next(_SEQUENCE)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_gone(pid: int, timeout: float = 10.0) -> None:
    """Wait until a killed server's process is gone, so its port can be bound again."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)


def send_message(url: str, sender: str, text: str) -> List[str]:
    """POST one message to the REST webhook and return the bot's texts."""
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return [item.get("text", "") for item in json.load(response)]


@dataclass
class Servers:
    """A running pair of servers and how to reach them."""

    url: str
    rasa_port: int
    actions_port: int
    database_url: str
    workdir: Path
    env: Dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def var_dir(self) -> Path:
        """The servers' own var/ (ATENDE_VAR_DIR): secrets and PID files, never the repository's."""
        return self.workdir / "var"

    @property
    def run_dir(self) -> Path:
        return self.var_dir / "run"

    def restart_actions(self) -> None:
        """Start the action server again after a test killed it, so later tests of the module find it up."""
        pid_file = self.run_dir / f"actions-{self.actions_port}.pid"
        wait_gone(int(pid_file.read_text()))
        env = {**self.env, "ATENDE_SERVE_ONLY": "actions", "ATENDE_LOG_DIR": str(self.workdir / "acoes-de-novo")}
        started = subprocess.run(["scripts/serve.sh"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
        assert started.returncode == 0, started.stdout + started.stderr

    @property
    def rasa_token(self) -> str:
        """The Rasa API token serve.sh generated for these servers (agents hand conversations back with it)."""
        return (self.run_dir / "rasa-token").read_text().strip()

    def other_conversation(self, text: str) -> List[str]:
        """One message from a different user, e.g. to check a protocol."""
        return send_message(self.url, f"outro-{uuid.uuid4().hex[:8]}", text)


@contextmanager
def start_servers(workdir: Path, extra_env: Dict[str, str] | None = None) -> Iterator[Servers]:
    """Seed a database in ``workdir`` and run scripts/serve.sh against it until the block ends."""
    if not MODEL.exists():
        pytest.fail(f"modelo {MODEL} ausente: rode `make model`")
    url = f"sqlite:///{workdir / 'atende.db'}"
    settings = Settings(database_url=url)
    upgrade(settings)
    engine = make_engine(settings)
    seed_demo(session_factory=make_session_factory(engine))
    engine.dispose()

    rasa_port, actions_port = _free_port(), _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "ATENDE_RASA_PORT": str(rasa_port),
        "ATENDE_ACTIONS_PORT": str(actions_port),
        "ATENDE_LOG_DIR": str(workdir),
        "ATENDE_VAR_DIR": str(workdir / "var"),
        # The REST channel is off unless enabled; the tests talk to the bot through it, from loopback.
        "ATENDE_REST_ENABLED": "1",
        **(extra_env or {}),
    }
    started = subprocess.run(["scripts/serve.sh"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    run_dir = workdir / "var" / "run"
    pid_files = [run_dir / f"rasa-{rasa_port}.pid", run_dir / f"actions-{actions_port}.pid"]
    if env.get("ATENDE_WITH_PAINEL") == "1":
        pid_files.append(run_dir / f"painel-{env['ATENDE_PAINEL_PORT']}.pid")
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        yield Servers(f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook", rasa_port, actions_port, url, workdir,
                      env)
    finally:
        for pid_file in pid_files:
            if pid_file.exists():
                try:
                    os.kill(int(pid_file.read_text()), signal.SIGTERM)
                except ProcessLookupError:
                    pass
                pid_file.unlink()


@pytest.fixture(scope="session")
def rasa_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with start_servers(tmp_path_factory.mktemp("servers")) as servers:
        yield servers.url


@pytest.fixture(scope="module")
def servers_at(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """Servers whose clock is fixed at ``request.param`` (ISO 8601), for opening hours."""
    with start_servers(tmp_path_factory.mktemp("servers_at"), {"ATENDE_NOW": request.param}) as servers:
        yield servers


def _conversation(url: str) -> Callable[[str], List[str]]:
    sender = f"teste-{uuid.uuid4().hex[:8]}"

    def send(text: str) -> List[str]:
        return send_message(url, sender, text)

    send.sender = sender  # type: ignore[attr-defined]
    # Rasa's id of the conversation: the REST channel keeps its senders in the "rest:" namespace.
    send.conversation = conversation_id("rest", sender)  # type: ignore[attr-defined]
    return send


@pytest.fixture
def conversa(rasa_url: str) -> Callable[[str], List[str]]:
    """A fresh conversation: call it with a message, get the bot's answers."""
    return _conversation(rasa_url)


@pytest.fixture
def conversa_at(servers_at: Servers) -> Callable[[str], List[str]]:
    """A fresh conversation with the fixed-clock servers."""
    return _conversation(servers_at.url)
