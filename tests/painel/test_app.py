"""The console's server under concurrent requests: a slow Rasa must not lock other agents out of the database.

The console runs in this process on a loopback socket, over a migrated SQLite file (the default backend,
whose locks are per connection), with a recording Rasa that takes its time to answer.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest
from sanic import Sanic
from sqlalchemy import select

from bot.db.models import Agent, TicketEvent
from bot.db.session import make_engine, make_session_factory
from bot.settings import Settings
from painel.app import COOKIE, create_app
from painel.contas import open_session
from tests.painel.conftest import CRIADO

RASA_DELAY_S = 2.0


class _SlowRasa(BaseHTTPRequestHandler):
    """Rasa's tracker endpoint, answering after RASA_DELAY_S with one beneficiary message."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        time.sleep(RASA_DELAY_S)
        body = json.dumps({"paused": True, "events": [
            {"event": "user", "text": "Minha fatura veio errada", "timestamp": CRIADO.timestamp()},
        ]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class Console:
    """The console app served from its own event loop thread, as ``atende painel`` serves it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._loop = asyncio.new_event_loop()

    async def _start(self) -> None:
        Sanic.test_mode = True
        app = create_app(self.settings, nome=f"painel_teste_{id(self)}")
        # Sanic 21.12 reads port=0 as "unset": hand it a socket already bound to a free port.
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(20)
        self._server = await app.create_server(sock=self._sock, return_asyncio_server=True, access_log=False)
        await self._server.startup()
        await self._server.start_serving()
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def __enter__(self) -> "Console":
        threading.Thread(target=self._loop.run_forever, daemon=True).start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=20)
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            self._server.close()
            await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _request(url: str, cookie: str, data: dict | None = None) -> tuple[int, str, str]:
    """Status, Location header and body of one request with the agent's cookie; redirects are not followed."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Cookie": f"{COOKIE}={cookie}"})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as answer:
            return answer.status, answer.headers.get("Location", ""), answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", ""), error.read().decode()


@pytest.fixture
def slow_rasa() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowRasa)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_note_is_saved_while_another_page_waits_for_rasa(tmp_path: Path, slow_rasa, novo_agente, novo_chamado,
                                                          db, monkeypatch):
    if db.backend != "sqlite":
        pytest.skip("the per-connection lock is SQLite's; PostgreSQL reads never block a writer")
    monkeypatch.setenv("ATENDE_RASA_TOKEN", "token-de-teste")
    settings = Settings(database_url=db.settings.database_url, rasa_url=slow_rasa)
    agente_id = novo_agente("ana", ["relacionamento"])
    chamado = novo_chamado()
    factory = make_session_factory(make_engine(settings))
    with factory() as session:
        cookie, csrf = open_session(session.get(Agent, agente_id), session=session, hours=1)
        session.commit()

    with Console(settings) as console, ThreadPoolExecutor(2) as pool:
        # The transcript fragment the open ticket page polls: it waits on Rasa for two seconds.
        fragment = pool.submit(_request, f"{console.url}/fragmentos/conversa/{chamado}", cookie)
        time.sleep(RASA_DELAY_S / 4)
        status, location, _ = _request(f"{console.url}/chamados/{chamado}/nota", cookie,
                                       {"csrf": csrf, "texto": "Cliente pediu retorno à tarde"})
        transcript = fragment.result(timeout=30)

    assert (status, urllib.parse.unquote_plus(location)) == (
        302, f"/chamados/{chamado}?aviso=Nota interna registrada (não enviada ao beneficiário)."), location
    assert transcript[0] == 200 and "Minha fatura veio errada" in transcript[2]
    with factory() as session:
        notas = session.scalars(select(TicketEvent.text).where(TicketEvent.kind == "nota")).all()
    assert notas == ["Cliente pediu retorno à tarde"]


def _ana_no_painel(db, rasa_url: str, novo_agente, monkeypatch) -> tuple[Settings, str]:
    """The console's settings and the cookie of Ana, signed in, who works the relationship inbox."""
    monkeypatch.setenv("ATENDE_RASA_TOKEN", "token-de-teste")
    settings = Settings(database_url=db.settings.database_url, rasa_url=rasa_url)
    agente_id = novo_agente("ana", ["relacionamento"])
    with make_session_factory(make_engine(settings))() as session:
        cookie, _ = open_session(session.get(Agent, agente_id), session=session, hours=1)
        session.commit()
    return settings, cookie


def test_a_phone_ticket_shows_the_number_to_call_back_as_it_is_dialled(slow_rasa, novo_agente, novo_chamado, db,
                                                                      monkeypatch):
    # Before: "ligar de volta para +5531988887777", thirteen digits to count aloud on the desk phone.
    settings, cookie = _ana_no_painel(db, slow_rasa, novo_agente, monkeypatch)
    chamado = novo_chamado(channel="ura", conversa="ura:CA123", contexto={"telefone": "+5531988887777"})

    with Console(settings) as console:
        status, _, page = _request(f"{console.url}/chamados/{chamado}", cookie)

    assert status == 200
    assert "ligar de volta para (31) 98888-7777" in page and "+5531988887777" not in page


def test_the_queue_and_the_ticket_name_the_topic_a_zero_came_from(slow_rasa, novo_agente, novo_chamado, db,
                                                                   monkeypatch):
    # u24: a "0" from the boletos was "Pedido de atendente" in the queue, like every other.
    settings, cookie = _ana_no_painel(db, slow_rasa, novo_agente, monkeypatch)
    chamado = novo_chamado(contexto={"assunto": "Boletos e financeiro"})

    with Console(settings) as console:
        _, _, fila = _request(f"{console.url}/", cookie)
        _, _, pagina = _request(f"{console.url}/chamados/{chamado}", cookie)

    assert "<td>Pedido de atendente (Boletos e financeiro)</td>" in fila
    assert "<dd>Pedido de atendente (Boletos e financeiro)</dd>" in pagina
