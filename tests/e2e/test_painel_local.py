"""Without Twilio or Telegram credentials (make run's local mode), an agent's reply reaches `atende simulate`."""

from __future__ import annotations

import re
import socket
from typing import Iterator

import pytest

from bot.channels.simulate import TelegramSimulator, WhatsAppSimulator
from bot.db.session import make_engine, make_session_factory
from bot.settings import Settings
from painel.contas import create_agent
from tests.e2e.conftest import Servers, start_servers, unique
from tests.e2e.test_painel import (  # noqa: F401 - fixture
    RULES,
    SENHA,
    _ana_responde,
    browser_type_launch_args,
)

pytestmark = pytest.mark.servers

CREDENTIALS = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TELEGRAM_BOT_TOKEN", "TWILIO_API_URL", "TELEGRAM_API_URL")


class Local:
    def __init__(self, servers: Servers, url: str) -> None:
        self.base = f"http://127.0.0.1:{servers.rasa_port}"
        self.url = url


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory, monkeypatch_module) -> Iterator[Local]:
    for name in CREDENTIALS:
        monkeypatch_module.delenv(name, raising=False)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    variables = {"ATENDE_WITH_PAINEL": "1", "ATENDE_PAINEL_PORT": str(port)}
    with start_servers(tmp_path_factory.mktemp("painel-local"), variables) as servers:
        factory = make_session_factory(make_engine(Settings(database_url=servers.database_url)))
        with factory() as session:
            known = [key for key, inbox in RULES.inboxes.items() if inbox.in_console]
            create_agent("ana", "Ana", SENHA, ["relacionamento"], session=session, known_inboxes=known)
            session.commit()
        yield Local(servers, f"http://127.0.0.1:{port}")


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_whatsapp_simulator_receives_the_agents_reply(page, local):
    user = WhatsAppSimulator(local.base, Settings(), number=f"+55319{unique(10**7)}")
    status, sid = user.send("0")
    assert status == 200
    protocol = re.search(r"protocolo é (\d{20})", "\n".join(user.answers(sid))).group(1)
    # Paused for a person: the bot stays silent, and the simulator is told so at once (an empty turn).
    status, sid = user.send("alô?")
    assert user.answers(sid, timeout=10) == []
    _ana_responde(page, local, protocol, "Olá! Sou a Ana. Em que posso ajudar?")
    [message] = user.agent_messages(0)
    assert (message["texto"], message["agente"]) == ("Olá! Sou a Ana. Em que posso ajudar?", "Ana")


def test_telegram_simulator_receives_the_agents_reply(page, local):
    user = TelegramSimulator(local.base, Settings(), chat_id=unique(10**8))
    status, update = user.send("0")
    assert status == 200
    protocol = re.search(r"protocolo é (\d{20})", user.answers(update)[-1]["html"]).group(1)
    _ana_responde(page, local, protocol, "Oi, aqui é a Ana.")
    assert [m["texto"] for m in user.agent_messages(0)] == ["Oi, aqui é a Ana."]


def test_terminal_chat_receives_the_agents_reply(page, local):
    from bot.chat import agent_replies, send

    url = f"{local.base}/webhooks/rest/webhook"
    sender = f"terminal-{unique(10**7)}"
    protocol = re.search(r"protocolo é (\d{20})", "\n".join(send(url, sender, "0"))).group(1)
    assert agent_replies(url, sender, 0) == []
    _ana_responde(page, local, protocol, "Olá! Aqui é a Ana, pelo painel.")
    assert [m["texto"] for m in agent_replies(url, sender, 0)] == ["Olá! Aqui é a Ana, pelo painel."]
