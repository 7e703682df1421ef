"""Issue 9, item 1: the action server answers only the Rasa server, on loopback, and trusts no forged identity."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any, Dict, Iterator, Tuple

import pytest

from actions.formatting import format_card
from bot.db import repository, seed
from bot.db.session import make_engine, make_session_factory
from bot.settings import Settings
from tests.e2e.conftest import Servers, send_message, start_servers

pytestmark = pytest.mark.servers


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    with start_servers(tmp_path_factory.mktemp("acoes")) as running:
        yield running


def _token(servers: Servers) -> str:
    return (servers.run_dir / "actions-token").read_text().strip()


def _post(servers: Servers, body: Any, token: str | None) -> Tuple[int, Dict[str, Any]]:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["X-Atende-Token"] = token
    request = urllib.request.Request(
        f"http://127.0.0.1:{servers.actions_port}/webhook", data=json.dumps(body).encode(), headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _forged_call(servers: Servers, sender: str, identidade: str | None) -> Dict[str, Any]:
    engine = make_engine(Settings(database_url=servers.database_url))
    with make_session_factory(engine)() as session:
        maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=session)
        maria_id = maria.id
    engine.dispose()
    slots = {"identificado": True, "beneficiario_id": str(maria_id), "beneficiario_nome": "Maria",
             "identidade": identidade}
    return {
        "next_action": "action_numero_cartao",
        "sender_id": sender,
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": sender, "slots": slots, "latest_message": {"text": "3", "intent": {"name": "numero_cartao"}},
            "events": [], "paused": False, "followup_action": None, "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


def _listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as in /proc/net/tcp*) with a socket listening on ``port``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            next(lines)
            for line in lines:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.rsplit(":", 1)
                if state == "0A" and int(hex_port, 16) == port:
                    found.add(address)
    return found


def test_action_server_listens_on_loopback_only(servers):
    assert _listening_addresses(servers.actions_port) == {"0100007F"}  # 127.0.0.1, nothing else


@pytest.mark.parametrize("token", [None, "", "errado"])
def test_requests_without_the_secret_are_refused(servers, token):
    status, body = _post(servers, _forged_call(servers, "intruso", None), token)
    assert status == 403
    assert "4175" not in json.dumps(body)


def test_action_list_needs_the_secret_but_health_does_not(servers):
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"http://127.0.0.1:{servers.actions_port}/actions", timeout=10)
    assert refused.value.code == 403
    with urllib.request.urlopen(f"http://127.0.0.1:{servers.actions_port}/health", timeout=10) as response:
        assert response.status == 200


@pytest.mark.parametrize("identidade", [None, "0" * 64])
def test_forged_tracker_with_the_secret_gets_no_card(servers, identidade):
    status, body = _post(servers, _forged_call(servers, "intruso", identidade), _token(servers))
    assert status == 200
    shown = json.dumps(body, ensure_ascii=False)
    for card in (seed.DEMO_TITULAR_CARD, seed.DEMO_SPOUSE_CARD, seed.DEMO_DAUGHTER_CARD):
        assert format_card(card) not in shown and card not in shown


def test_a_real_identification_still_shows_the_cards(servers):
    sender = "seguranca-acoes"
    send_message(servers.url, sender, f"cpf {seed.DEMO_TITULAR_CPF} nascimento 12/03/1975")
    shown = "\n".join(send_message(servers.url, sender, "3"))
    assert format_card(seed.DEMO_TITULAR_CARD) in shown


def test_an_error_does_not_echo_the_tracker(servers):
    call = _forged_call(servers, "intruso", None)
    call["tracker"] = "cpf 52998224725"  # not a tracker: the executor fails on it
    status, body = _post(servers, call, _token(servers))
    assert status >= 400
    assert "52998224725" not in json.dumps(body)
