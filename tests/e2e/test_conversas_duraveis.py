"""Issue 11: conversations live in Rasa's SQL tracker store and survive ``kill -9`` of the servers."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, text

from actions.formatting import format_card
from bot.db import seed
from bot.settings import PROJECT_ROOT, Settings
from bot.tracker_store import purge_conversations, tracker_url
from tests.e2e.conftest import Servers, send_message, start_servers, wait_gone

pytestmark = pytest.mark.servers


def _kill_and_restart(servers: Servers) -> None:
    """kill -9 both servers, as a crash would, and start them again on the same ports and files."""
    run_dir = servers.run_dir
    for name, port in (("rasa", servers.rasa_port), ("actions", servers.actions_port)):
        pid = int((run_dir / f"{name}-{port}.pid").read_text())
        os.kill(pid, signal.SIGKILL)
        wait_gone(pid)
    env = {
        **os.environ,
        "DATABASE_URL": servers.database_url,
        "ATENDE_RASA_PORT": str(servers.rasa_port),
        "ATENDE_ACTIONS_PORT": str(servers.actions_port),
        "ATENDE_LOG_DIR": str(servers.workdir / "depois"),
        "ATENDE_VAR_DIR": str(servers.var_dir),
        "ATENDE_REST_ENABLED": "1",
    }
    started = subprocess.run(["scripts/serve.sh"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    assert started.returncode == 0, started.stdout + started.stderr


def test_identification_and_pause_survive_kill_9(tmp_path):
    identified, paused = f"duravel-{uuid.uuid4().hex[:8]}", f"pausada-{uuid.uuid4().hex[:8]}"
    with start_servers(tmp_path) as servers:
        send_message(servers.url, identified, f"cpf {seed.DEMO_TITULAR_CPF} nascimento 12/03/1975")
        handed_over = "\n".join(send_message(servers.url, paused, "0"))
        assert "Vou transferir você para um atendente" in handed_over
        assert (tmp_path / "conversas.db").exists()

        _kill_and_restart(servers)

        cards = "\n".join(send_message(servers.url, identified, "3"))
        assert format_card(seed.DEMO_TITULAR_CARD) in cards
        assert "preciso confirmar quem é você" not in cards  # no second identification
        # Still waiting for a person: the bot stays silent for a message to the agent (no menu, no second protocol),
        # and "alguém aí?" is told the same protocol and the queue, which only a paused conversation gets.
        protocol = re.search(r"protocolo é (\d{20})", handed_over)[1]
        assert send_message(servers.url, paused, "segue o número da guia 20260000003") == []
        [waiting] = send_message(servers.url, paused, "alguém aí?")
        assert waiting.startswith(f"Seu pedido {protocol} está na fila de Atendimento"), waiting


def test_retention_deletes_only_conversations_older_than_the_setting(tmp_path):
    database = f"sqlite:///{tmp_path / 'atende.db'}"
    with start_servers(tmp_path) as servers:
        send_message(servers.url, f"retencao-{uuid.uuid4().hex[:8]}", "oi")
    settings = Settings(database_url=database, tracker_url="", conversation_retention_days=180)
    assert tracker_url(settings) == f"sqlite:///{tmp_path / 'conversas.db'}"
    engine = create_engine(tracker_url(settings))
    with engine.connect() as connection:
        last = datetime.fromtimestamp(connection.execute(text("SELECT max(timestamp) FROM events")).scalar(),
                                      timezone.utc)
    engine.dispose()
    # Kept for 180 days after its last message, gone after that.
    assert purge_conversations(settings, now=last + timedelta(days=179)) == 0
    assert purge_conversations(settings, now=last + timedelta(days=181)) > 0
    assert purge_conversations(settings, now=last + timedelta(days=181)) == 0


def test_a_long_conversation_keeps_its_identification_in_short_sessions(tmp_path):
    from bot.speedups import MAX_SESSION_EVENTS

    sender = f"longa-{uuid.uuid4().hex[:8]}"
    with start_servers(tmp_path) as servers:
        send_message(servers.url, sender, f"cpf {seed.DEMO_TITULAR_CPF} nascimento 12/03/1975")
        for turn in range(40):
            send_message(servers.url, sender, ["3", "menu"][turn % 2])
        send_message(servers.url, sender, "2")
        listed = "\n".join(send_message(servers.url, sender, "todos"))
        assert "Digite *mais*" in listed
        more = "\n".join(send_message(servers.url, sender, "mais"))
        assert more and more.splitlines()[0] not in listed  # the next page, not the first again
        cards = "\n".join(send_message(servers.url, sender, "3"))
        assert format_card(seed.DEMO_TITULAR_CARD) in cards and "preciso confirmar quem é você" not in cards
    engine = create_engine(f"sqlite:///{tmp_path / 'conversas.db'}")
    with engine.connect() as connection:
        kinds = list(connection.execute(
            text("SELECT type_name FROM events WHERE sender_id = :s ORDER BY id"), {"s": f"rest:{sender}"}).scalars())
    engine.dispose()
    last_session = len(kinds) - 1 - kinds[::-1].index("session_started")
    assert kinds.count("session_started") >= 3
    assert len(kinds) - last_session < MAX_SESSION_EVENTS + 40
