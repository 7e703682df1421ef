"""Engine and session factories: nothing is created at import time.

Callers build one engine per process from a :class:`~bot.settings.Settings`
and pass the session factory down; tests build their own against a throwaway
database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings


def _sqlite_file(url) -> Path | None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # pysqlite opens transactions lazily and breaks SAVEPOINT; take over BEGIN ourselves
        # (SQLAlchemy's documented recipe) so nested transactions work in the importer.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # SQLite ignores foreign keys unless asked, per connection.
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN")


def make_engine(settings: Settings, **engine_kwargs: Any) -> Engine:
    """Build a 2.0-style engine for ``settings.database_url``.

    For a SQLite file the parent folder (``var/`` by default) is created, and
    foreign keys are switched on for every connection.

    Args:
        settings: The runtime settings.
        **engine_kwargs: Extra arguments for :func:`sqlalchemy.create_engine`.

    Returns:
        A new engine; the caller owns it and should ``dispose()`` it.
    """
    url = make_url(settings.database_url)
    is_sqlite = url.get_backend_name() == "sqlite"
    if is_sqlite:
        path = _sqlite_file(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
    else:
        # Long-lived bot processes outlive idle connections closed by the server.
        engine_kwargs.setdefault("pool_pre_ping", True)
    engine = create_engine(url, future=True, **engine_kwargs)
    if is_sqlite:
        _configure_sqlite(engine)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker:
    """Build the session factory used everywhere.

    Objects stay usable after commit (``expire_on_commit=False``) because
    actions read them after the unit of work is over to format answers.

    Args:
        engine: The engine from :func:`make_engine`.

    Returns:
        A ``sessionmaker`` producing 2.0-style sessions.
    """
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker) -> Iterator[Session]:
    """Run a unit of work: commit if the block succeeds, roll back if it raises.

    Args:
        factory: A session factory from :func:`make_session_factory`.

    Yields:
        The open session.
    """
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
