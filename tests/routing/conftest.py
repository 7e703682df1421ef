"""Shared fixtures of the routing tests: migrated databases (SQLite and PostgreSQL) and a real SMTP server.

The database fixtures follow ``tests/bot/db/conftest.py`` (same backends, same ``ATENDE_TEST_POSTGRES_URL``),
but PostgreSQL runs in a database of its own (``<name>_routing`` on the same server), so resetting it never
drops the schema under the data-layer tests running in the same pytest session.

The SMTP server is aiosmtpd on 127.0.0.1 with the spool of ``routing/smtp_dev.py``: tests see what a mail
server received, and can stop it (port closed) and start it again on the same port.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.db.migrate import upgrade
from bot.db.session import make_engine, make_session_factory
from bot.settings import Settings
from routing.decision import Decision
from routing.smtp_dev import MailSpool, start_server
from tests.bot.db.conftest import BACKENDS, POSTGRES_ENV, Database, empty_tables

# Wednesday 25/11/2026, 10:00 in São Paulo (13:00 UTC): a business day inside the attendants' hours.
NOW = datetime(2026, 11, 25, 13, 0, tzinfo=timezone.utc)


def _routing_postgres_url(url: str) -> str:
    """Create (once) and return a sibling database of the data-layer test database."""
    base = make_url(url)
    name = f"{base.database}_routing"
    admin = make_engine(Settings(database_url=str(base)), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    routing_url = base.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(Settings(database_url=routing_url))
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    return routing_url


@pytest.fixture(scope="session", params=BACKENDS)
def routing_database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """One migrated database per backend for the whole session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('routing-sqlite') / 'atende.db'}"
    else:
        url = _routing_postgres_url(os.environ[POSTGRES_ENV])
    settings = Settings(database_url=url)
    upgrade(settings)
    engine = make_engine(settings)
    yield Database(request.param, settings, engine, make_session_factory(engine))
    engine.dispose()


@pytest.fixture
def db(routing_database: Database) -> Database:
    """The backend's database with empty tables."""
    empty_tables(routing_database)
    return routing_database


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class SmtpServer:
    """A real SMTP server on loopback that can be stopped and started again on the same port."""

    port: int
    spool: MailSpool
    controller: object | None = None
    handler: object | None = field(default=None)

    def start(self) -> None:
        """Open the port (idempotent)."""
        if self.controller is None:
            self.controller = start_server(self.handler or self.spool, port=self.port)

    def stop(self) -> None:
        """Close the port: connections are refused until start()."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        """Messages received so far."""
        return self.spool.messages


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[SmtpServer]:
    """A running SMTP server whose messages are also written under ``tmp_path/mail``."""
    server = SmtpServer(port=free_port(), spool=MailSpool(tmp_path / "mail"))
    server.start()
    yield server
    server.stop()


def make_settings(db: Database, smtp: SmtpServer, tmp_path: Path, **overrides) -> Settings:
    """Settings pointing at the test database and SMTP server, with quick timeouts."""
    values = dict(
        database_url=db.settings.database_url,
        var_dir=tmp_path,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_user="",
        smtp_password="",
        smtp_starttls=False,
        smtp_timeout=2.0,
        mail_from="atende@cemigsaude.org.br",
        outbox_interval=0.05,
        outbox_max_attempts=5,
        outbox_backoff_base=30.0,
        outbox_backoff_max=3600.0,
        outbox_claim_timeout=300.0,
    )
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings(db: Database, smtp: SmtpServer, tmp_path: Path) -> Settings:
    """Settings for the test database and the test SMTP server."""
    return make_settings(db, smtp, tmp_path)


def make_decision(**overrides) -> Decision:
    """A routing decision like the engine's, first instance by default."""
    values = dict(
        inbox="relacionamento@cemigsaude.org.br",
        cc=(),
        tier="primeira_instancia",
        rule="plano_primeira_instancia",
        reason="categoria 'reembolso' na regra plano_primeira_instancia",
        footer=None,
        tips=(),
        flags=(),
        required_fields=(),
        confidential=False,
    )
    values.update(overrides)
    return Decision(**values)
