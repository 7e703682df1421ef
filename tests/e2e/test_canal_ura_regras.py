"""Issue 8 §2: one name per channel. A rule restricted to the phone (`channel: [ura]`) matches a real call."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from typing import Iterator
from urllib.parse import urlencode

import pytest
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from bot.channels.simulate import http_request
from bot.db.models import OutboxMessage, Ticket
from bot.db.session import make_engine, make_session_factory
from bot.settings import PROJECT_ROOT, Settings
from tests.bot.channels import payloads
from tests.e2e.conftest import Servers, send_message, start_servers

pytestmark = pytest.mark.servers

TOKEN = "e2e-ura-regras"
PHONE_RULE = """  - name: atendente_pelo_telefone
    description: Pedido de atendente feito numa ligação (teste de canal).
    conditions:
      category: [falar_atendente]
      channel: [ura]
    outcome:
      inbox: ouvidoria
      tier: ouvidoria

"""


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    workdir = tmp_path_factory.mktemp("ura_regras")
    shipped = (PROJECT_ROOT / "routing" / "rules.yaml").read_text(encoding="utf-8")
    rules = workdir / "rules.yaml"
    rules.write_text(shipped.replace("\nrules:\n", "\nrules:\n" + PHONE_RULE, 1), encoding="utf-8")
    with start_servers(workdir, {"ATENDE_ROUTING_RULES": str(rules), "TWILIO_AUTH_TOKEN": TOKEN}) as running:
        yield running


def _tickets(servers: Servers) -> list[tuple[str, str, str]]:
    engine = make_engine(Settings(database_url=servers.database_url))
    with make_session_factory(engine)() as session:
        rows = session.execute(select(Ticket.channel, Ticket.inbox, OutboxMessage.body).join(OutboxMessage.ticket))
        found = [tuple(row) for row in rows]
    engine.dispose()
    return found


def test_a_phone_rule_matches_a_call_through_the_ivr_webhook(servers):
    call = payloads.twilio_sid("CA")
    fields = payloads.voice_digits(call, "0", "+5531988887777")
    url = f"http://127.0.0.1:{servers.rasa_port}/webhooks/ura/webhook?etapa=entrada&silencio=0"
    signature = RequestValidator(TOKEN).compute_signature(url, fields)
    status, body = http_request(url, urlencode(fields).encode(),
                                {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature})
    assert status == 200, body
    assert ElementTree.fromstring(body).find("Enqueue") is not None
    # The module's chat test may have opened its own ticket first: this call opened exactly one by phone.
    [(channel, inbox, mail)] = [row for row in _tickets(servers) if row[0] == "ura"]
    assert inbox == "ouvidoria@cemigsaude.org.br"
    assert "Regra: atendente_pelo_telefone" in mail and "Canal: telefone (URA)" in mail
    # u21: the e-mail had no number to call the caller back on.
    assert "Telefone para retorno: (31) 98888-7777" in mail
    # u15: the console showed the call's id as the number to call back; the caller's number travels with the call.
    engine = make_engine(Settings(database_url=servers.database_url))
    with make_session_factory(engine)() as session:
        [context] = session.scalars(select(Ticket.context_json).where(Ticket.channel == "ura")).all()
    engine.dispose()
    assert context["telefone"] == "+5531988887777" and context["conversa"] == f"ura:{call}"


def test_the_same_request_in_a_chat_does_not_match_it(servers):
    send_message(servers.url, "chat-ura-regras", "0")
    chat = [row for row in _tickets(servers) if row[0] != "ura"]
    assert chat and all("Regra: atendente_pelo_telefone" not in mail for _, _, mail in chat)
    assert all("Canal: chat (REST)" in mail for _, _, mail in chat)
