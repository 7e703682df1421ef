"""The action server (bot/action_server.py) as Rasa reaches it: a real process on loopback."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Iterator

import pytest

from bot.settings import PROJECT_ROOT

TOKEN = "segredo-de-teste"
KEY = "chave-de-teste"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def database_down(tmp_path) -> Iterator[int]:
    """An action server whose PostgreSQL does not answer (nothing listens on its port)."""
    port = _free_port()
    env = {**os.environ, "ATENDE_ACTIONS_PORT": str(port), "ATENDE_ACTIONS_TOKEN": TOKEN,
           "ATENDE_IDENTITY_KEY": KEY, "DATABASE_URL": f"postgresql+psycopg2://atende@127.0.0.1:{_free_port()}/x"}
    log = open(tmp_path / "actions.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "bot.action_server"], cwd=PROJECT_ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except OSError:
                assert process.poll() is None, (tmp_path / "actions.log").read_text()
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(30)
        log.close()


def _call(port: int, sender: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/webhook", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", "X-Atende-Token": TOKEN})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_database_down_gives_an_apology_and_a_person(database_down, tmp_path):
    sender = "whatsapp:+5531999990000"
    signature = hmac.new(KEY.encode(), f"{sender}\x007".encode(), hashlib.sha256).hexdigest()
    slots = {"identificado": True, "beneficiario_id": "7", "identidade": signature}
    status, body = _call(database_down, sender, {
        "next_action": "action_numero_cartao", "sender_id": sender, "version": "3.6.21", "domain": {},
        "tracker": {"sender_id": sender, "slots": slots, "latest_message": {"text": "3"}, "events": [],
                    "paused": False, "followup_action": None, "active_loop": {}, "latest_action_name": None},
    })
    assert status == 200
    assert [r["text"] for r in body["responses"]] == [
        "Desculpe, não consegui consultar os dados do plano agora. Tente de novo em alguns minutos, digite 0 para "
        "falar com um atendente ou ligue para a Central de Relacionamento: 0800 030 9009 (24 horas; de celular, "
        "(31) 3429-5200)."
    ]
    assert "banco de dados indisponível ao executar action_numero_cartao" in (tmp_path / "actions.log").read_text()


@pytest.mark.parametrize("body", [b"null", b"[1, 2]", b"3", b"{nao json"])
def test_a_body_that_is_not_an_action_call_is_a_400(database_down, body):
    request = urllib.request.Request(f"http://127.0.0.1:{database_down}/webhook", data=body,
                                     headers={"Content-Type": "application/json", "X-Atende-Token": TOKEN})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 400


def test_no_token_configured_refuses_to_start():
    env = {k: v for k, v in os.environ.items() if k != "ATENDE_ACTIONS_TOKEN"}
    done = subprocess.run([sys.executable, "-m", "bot.action_server"], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "ATENDE_ACTIONS_TOKEN não definido" in done.stderr
