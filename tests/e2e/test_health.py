"""Issue 9: GET /health tells a load balancer whether this replica can serve conversations."""

from __future__ import annotations

import json
import os
import signal
import socket
import urllib.error
import urllib.request
from typing import Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink

from tests.e2e.conftest import Servers, send_message, start_servers

pytestmark = pytest.mark.servers


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def smtp() -> Iterator[int]:
    port = _free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port
    controller.stop()


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory, smtp: int) -> Iterator[Servers]:
    with start_servers(tmp_path_factory.mktemp("health"), {"ATENDE_SMTP_PORT": str(smtp)}) as running:
        yield running


def _health(servers: Servers) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{servers.rasa_port}/health", timeout=15) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_healthy_replica_reports_every_part(servers):
    status, report = _health(servers)
    assert status == 200, report
    assert report["status"] == "ok"
    assert report["banco"]["ok"] and report["acoes"]["ok"] and report["smtp"]["ok"]
    assert report["banco"]["outbox_pendentes"] == 0
    # A ticket's e-mail waits in the outbox (no worker runs here): the backlog shows it.
    send_message(servers.url, "saude-chamado", "0")
    status, report = _health(servers)
    assert status == 200 and report["banco"]["outbox_pendentes"] >= 1


def test_action_server_down_makes_the_replica_unhealthy(servers):
    pid = int((servers.run_dir / f"actions-{servers.actions_port}.pid").read_text())
    os.kill(pid, signal.SIGKILL)
    try:
        status, report = _health(servers)
    finally:
        servers.restart_actions()
    assert status == 503
    assert report["status"] == "falha" and report["acoes"]["ok"] is False
    assert report["banco"]["ok"] is True
