"""``GET /health`` on the Rasa server: can this replica serve conversations? For a load balancer.

Registered in credentials.yml like a channel (it receives no messages). Answers
200 when the database and the action server answer, 503 otherwise; the SMTP
server and the e-mail backlog are reported without failing the check, since a
replica without mail still serves conversations and the outbox keeps the
e-mails until SMTP is back.
"""

from __future__ import annotations

import asyncio
import urllib.request
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Awaitable, Callable, Dict, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from bot.db.session import make_engine, make_session_factory
from bot.settings import Settings, get_settings
from routing.outbox import backlog

TIMEOUT = 2.0


@lru_cache(maxsize=1)
def _sessions() -> sessionmaker:
    return make_session_factory(make_engine(get_settings()))


def check_database(factory: sessionmaker) -> Dict[str, Any]:
    """The plan database answers a query, and how many e-mails wait in the outbox."""
    with factory() as session:
        session.execute(text("SELECT 1"))
        pending, oldest = backlog(session=session)
    age = (datetime.now(timezone.utc) - oldest).total_seconds() if oldest else 0.0
    return {"ok": True, "outbox_pendentes": pending, "outbox_mais_antigo_s": round(max(age, 0.0))}


def check_actions(settings: Settings) -> Dict[str, Any]:
    """The action server answers its health route."""
    url = f"http://127.0.0.1:{settings.actions_port}/health"
    with urllib.request.urlopen(url, timeout=TIMEOUT) as answer:
        return {"ok": answer.status == 200}


async def check_smtp(settings: Settings) -> Dict[str, Any]:
    """The SMTP server accepts a connection and greets."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(settings.smtp_host, settings.smtp_port), TIMEOUT)
    try:
        greeting = await asyncio.wait_for(reader.readline(), TIMEOUT)
    finally:
        writer.close()
    return {"ok": greeting.startswith(b"220")}


async def _guarded(check: Awaitable[Dict[str, Any]]) -> Dict[str, Any]:
    try:
        return await asyncio.wait_for(check, TIMEOUT + 1)
    except Exception as error:  # noqa: BLE001 - a failed check is a result, not a crash
        return {"ok": False, "erro": type(error).__name__}


async def health_report(settings: Settings, factory: sessionmaker) -> Dict[str, Any]:
    """Run every check concurrently and say whether this replica can serve conversations."""
    database, actions, smtp = await asyncio.gather(
        _guarded(asyncio.to_thread(check_database, factory)),
        _guarded(asyncio.to_thread(check_actions, settings)),
        _guarded(check_smtp(settings)),
    )
    ready = database["ok"] and actions["ok"]
    return {"status": "ok" if ready else "falha", "banco": database, "acoes": actions, "smtp": smtp}


class HealthInput(InputChannel):
    """The ``/health`` route, outside /webhooks/."""

    @classmethod
    def name(cls) -> Text:
        """Channel name (never used for messages)."""
        return "health"

    def url_prefix(self) -> Text:
        """An absolute prefix: Rasa joins it to /webhooks/ with urljoin, which keeps /health."""
        return "/health"

    @classmethod
    def from_credentials(cls, credentials: Dict[Text, Any] | None) -> "HealthInput":
        """No credentials: the report holds no personal data."""
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """GET /health."""
        blueprint = Blueprint("health", __name__)

        @blueprint.route("", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            report = await health_report(get_settings(), _sessions())
            return response.json(report, status=200 if report["status"] == "ok" else 503)

        return blueprint
