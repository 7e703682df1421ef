"""Real Rasa server and real action server, on free loopback ports, over a seeded database."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import urllib.request
import uuid
from pathlib import Path
from typing import Callable, List

import pytest

from bot.db.migrate import upgrade
from bot.db.seed import seed_demo
from bot.db.session import make_engine, make_session_factory
from bot.settings import PROJECT_ROOT, Settings

MODEL = PROJECT_ROOT / "models" / "atende.tar.gz"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def rasa_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if not MODEL.exists():
        pytest.fail(f"modelo {MODEL} ausente: rode `make model`")
    workdir: Path = tmp_path_factory.mktemp("servers")
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
    }
    started = subprocess.run(["scripts/serve.sh"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    run_dir = PROJECT_ROOT / "var" / "run"
    pid_files = [run_dir / f"rasa-{rasa_port}.pid", run_dir / f"actions-{actions_port}.pid"]
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        yield f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook"
    finally:
        for pid_file in pid_files:
            if pid_file.exists():
                try:
                    os.kill(int(pid_file.read_text()), signal.SIGTERM)
                except ProcessLookupError:
                    pass
                pid_file.unlink()


@pytest.fixture
def conversa(rasa_url: str) -> Callable[[str], List[str]]:
    """A fresh conversation: call it with a message, get the bot's answers."""
    sender = f"teste-{uuid.uuid4().hex[:8]}"

    def send(text: str) -> List[str]:
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(rasa_url, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return [item.get("text", "") for item in json.load(response)]

    return send
