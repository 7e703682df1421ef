"""Fixtures for the data layer: every test runs on SQLite and, when available, PostgreSQL.

The PostgreSQL URL comes from ``ATENDE_TEST_POSTGRES_URL`` (``make test`` sets it
from ``scripts/pg-test.sh url``); without it the PostgreSQL cases are skipped.
Each backend is migrated once per session with Alembic; every test then starts
from empty tables.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.db.migrate import upgrade
from bot.db.models import metadata
from bot.db.session import make_engine, make_session_factory
from bot.settings import PROJECT_ROOT, Settings

POSTGRES_ENV = "ATENDE_TEST_POSTGRES_URL"
# A fixed "today" keeps ages, open invoices and 12-month windows identical on every run.
TODAY = date(2026, 11, 25)
IMPORT_DIR = PROJECT_ROOT / "data" / "import"


@dataclass(frozen=True)
class Database:
    """A migrated test database."""

    backend: str
    settings: Settings
    engine: Engine
    session_factory: sessionmaker


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=pytest.mark.skipif(
            not os.environ.get(POSTGRES_ENV),
            reason=f"{POSTGRES_ENV} is unset: run `scripts/pg-test.sh start` and export "
            f"{POSTGRES_ENV}=$(scripts/pg-test.sh url) to test PostgreSQL (make test does)",
        ),
    ),
]


def _reset_postgres_schema(url: str) -> None:
    engine = make_engine(Settings(database_url=url))
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """One migrated database per backend for the whole session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'var' / 'atende.db'}"
    else:
        url = os.environ[POSTGRES_ENV]
        # The test database is disposable: start every session from an empty schema.
        _reset_postgres_schema(url)
    settings = Settings(database_url=url)
    upgrade(settings)
    engine = make_engine(settings)
    yield Database(request.param, settings, engine, make_session_factory(engine))
    engine.dispose()


def empty_tables(db: Database) -> None:
    """Delete every row of every application table."""
    tables = [table.name for table in metadata.sorted_tables]
    with db.engine.begin() as connection:
        if db.backend == "postgresql":
            connection.execute(text(f"TRUNCATE TABLE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            return
        for name in reversed(tables):
            if name == "beneficiaries":
                # Dependants first: they reference their titular in the same table.
                connection.execute(text("DELETE FROM beneficiaries WHERE titular_id IS NOT NULL"))
            connection.execute(text(f"DELETE FROM {name}"))


@pytest.fixture
def db(database: Database) -> Database:
    """The backend's database with empty tables."""
    empty_tables(database)
    return database


@pytest.fixture
def import_files_dir() -> Path:
    """Folder with the example import files shipped in the repository."""
    return IMPORT_DIR
