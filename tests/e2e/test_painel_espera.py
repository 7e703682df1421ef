"""A conversation handed to a person that nobody takes in time gets one message with its protocol."""

from __future__ import annotations

import re
import socket
import time
from typing import Iterator

import pytest

from bot.channels.simulate import WhatsAppSimulator
from bot.settings import Settings
from tests.e2e.conftest import start_servers, unique
from tests.e2e.test_painel_local import CREDENTIALS

pytestmark = pytest.mark.servers


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as patch:
        for name in CREDENTIALS:
            patch.delenv(name, raising=False)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        variables = {
            "ATENDE_WITH_PAINEL": "1", "ATENDE_PAINEL_PORT": str(port),
            # No wait allowed, looked at twice a second: the notice goes out on the console's next look.
            "ATENDE_ESPERA_ATENDENTE_MIN": "0", "ATENDE_ESPERA_VERIFICAR_S": "0.5",
        }
        with start_servers(tmp_path_factory.mktemp("painel-espera"), variables) as servers:
            yield servers


def _url(servers) -> str:
    return f"http://127.0.0.1:{servers.rasa_port}"


def _ticket_by_whatsapp(servers):
    """A person on WhatsApp who asked for an attendant: the simulator, the ticket's protocol, the database."""
    from bot.db.session import make_engine, make_session_factory

    user = WhatsAppSimulator(_url(servers), Settings(), number=f"+55319{unique(10**7)}")
    status, sid = user.send("0")
    assert status == 200
    protocol = re.search(r"protocolo é (\d{20})", "\n".join(user.answers(sid))).group(1)
    return user, protocol, make_session_factory(make_engine(Settings(database_url=servers.database_url)))


def test_untaken_conversation_gets_one_notice_with_its_protocol(base):
    user = WhatsAppSimulator(_url(base), Settings(), number=f"+55319{unique(10**7)}")
    status, sid = user.send("0")
    assert status == 200
    protocol = re.search(r"protocolo é (\d{20})", "\n".join(user.answers(sid))).group(1)
    deadline = time.monotonic() + 20
    while not (found := user.agent_messages(0)) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert len(found) == 1, found
    assert protocol in found[0]["texto"] and "fila do atendimento" in found[0]["texto"]
    time.sleep(2)  # four more looks: still one notice
    assert len(user.agent_messages(0)) == 1


def test_a_conversation_the_bot_still_answers_gets_no_notice(base):
    user = WhatsAppSimulator(_url(base), Settings(), number=f"+55319{unique(10**7)}")
    status, sid = user.send("oi")
    assert status == 200 and user.answers(sid)
    time.sleep(2)
    assert user.agent_messages(0) == []


def test_a_ticket_waiting_for_the_beneficiary_is_back_in_progress_when_they_write(base):
    # u15: the ticket stayed "Aguardando beneficiário" after the person answered; nothing in the queue said so.
    from bot.db.models import Ticket, TicketEvent, utc_now

    user, protocol, factory = _ticket_by_whatsapp(base)
    with factory() as session:
        ticket = session.query(Ticket).filter_by(protocol=protocol).one()
        ticket.status = "aguardando_beneficiario"
        session.add(TicketEvent(ticket_id=ticket.id, at=utc_now(), kind="status", old_value="em_atendimento",
                                new_value="aguardando_beneficiario", public=True, attempts=0))
        session.commit()
    time.sleep(1.5)  # looked at three times: nobody wrote yet
    with factory() as session:
        assert session.query(Ticket).filter_by(protocol=protocol).one().status == "aguardando_beneficiario"
    assert user.send("segue o número da guia: 20260000003")[0] == 200
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with factory() as session:
            ticket = session.query(Ticket).filter_by(protocol=protocol).one()
            if ticket.status == "em_atendimento":
                break
        time.sleep(0.3)
    assert ticket.status == "em_atendimento"
    with factory() as session:
        last = session.query(TicketEvent).filter_by(ticket_id=ticket.id).order_by(TicketEvent.id.desc()).first()
        assert last.text == "o beneficiário respondeu na conversa" and last.agent_id is None


def test_a_message_to_the_agent_who_answered_is_marked_in_the_queue(base):
    # u15: the person wrote back to the agent, but the queue showed nothing unless the ticket was waiting.
    from bot.db.models import Ticket, TicketEvent, utc_now

    user, protocol, factory = _ticket_by_whatsapp(base)
    with factory() as session:
        ticket = session.query(Ticket).filter_by(protocol=protocol).one()
        ticket.status = "em_atendimento"
        session.add(TicketEvent(ticket_id=ticket.id, at=utc_now(), kind="pausa_do_bot", attempts=0, public=False))
        session.commit()
        ticket_id = ticket.id
    time.sleep(1.5)  # looked at three times: nothing new yet

    def marks():
        with factory() as session:
            return session.query(TicketEvent).filter_by(ticket_id=ticket_id, kind="mensagem_do_beneficiario").count()

    assert marks() == 0
    assert user.send("segue o número da guia: 20260000003")[0] == 200
    deadline = time.monotonic() + 20
    while not marks() and time.monotonic() < deadline:
        time.sleep(0.3)
    assert marks() == 1
    time.sleep(1.5)  # three more looks: the same message is marked once
    assert marks() == 1
    with factory() as session:
        assert session.get(Ticket, ticket_id).status == "em_atendimento"
