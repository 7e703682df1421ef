"""Issue 9, item 6: CPFs, card numbers and birth dates never reach the servers' logs or the ticket e-mail."""

from __future__ import annotations

import json
import re
import uuid
from typing import Iterator

import pytest
from sqlalchemy import select

from bot.db.models import OutboxMessage
from bot.db.session import make_engine, make_session_factory
from bot.settings import Settings
from tests.e2e.conftest import Servers, send_message, start_servers

pytestmark = pytest.mark.servers

CPF = "52998224725"
SPELLINGS = [
    "529.982.247-25", "529_982_247_25", "529,982,247,25", "529\u00a0982\u00a0247\u201325", CPF,
]
CARD = "4175050000001004"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    with start_servers(tmp_path_factory.mktemp("logs")) as running:
        yield running


def _logs(servers: Servers) -> str:
    return "\n".join(path.read_text(errors="replace") for path in servers.workdir.glob("*.log"))


def _leaks(text: str) -> list[str]:
    digits_runs = re.findall(r"\d(?:[\W_]?\d)+", text)
    found = [run for run in digits_runs if re.sub(r"\D", "", run) in (CPF, CARD, "12031975")]
    return found + [date for date in ("12/03/1975", "12-03-1975") if date in text]


def test_slash_commands_and_separators_leave_no_identifier_in_the_logs(servers):
    sender = f"logs-{uuid.uuid4().hex[:8]}"
    messages = [
        f"/{CPF}",
        "/informar_identificacao" + json.dumps({"cpf": CPF, "data": "12/03/1975"}),
        *[f"meu cpf é {spelling}" for spelling in SPELLINGS],
        "12/03/1975",
        f"cartão {CARD[:4]}_{CARD[4:8]}_{CARD[8:12]}_{CARD[12:]}",
    ]
    for text in messages:
        send_message(servers.url, sender, text)
    assert _leaks(_logs(servers)) == []


def test_ticket_email_does_not_quote_the_birth_date(servers):
    sender = f"logs-{uuid.uuid4().hex[:8]}"
    send_message(servers.url, sender, "3")
    send_message(servers.url, sender, "529 982 247 25")
    send_message(servers.url, sender, "12031975")
    answer = "\n".join(send_message(servers.url, sender, "0"))
    protocol = re.search(r"41750\d{15}", answer)
    assert protocol, answer
    engine = make_engine(Settings(database_url=servers.database_url))
    with make_session_factory(engine)() as session:
        bodies = [row.body for row in session.scalars(select(OutboxMessage))]
    engine.dispose()
    mail = "\n".join(bodies)
    assert protocol[0] in mail
    assert "Beneficiário:" in mail  # the transcript is there, masked
    assert _leaks(mail) == []
