"""Where Rasa keeps conversations: its own SQL tracker store, configured from :class:`bot.settings.Settings`.

Conversations outlive the Rasa process (a restart or ``kill -9`` keeps every
identification and every conversation paused for an agent) and several Rasa
replicas can share them. Rasa creates and owns its ``events`` table
(``SQLTrackerStore`` runs ``create_all`` when it starts); Alembic, which owns
the plan's tables, never touches it.

Where: ``ATENDE_TRACKER_URL`` when set; otherwise, with a PostgreSQL
``DATABASE_URL``, the same database; otherwise ``conversas.db`` beside the
SQLite file of the plan (``var/conversas.db`` for ``make run``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, delete, event, inspect
from sqlalchemy import table as sql_table
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

from bot.settings import Settings, get_settings

EVENTS_TABLE = "events"


def _sqlite_file(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")


def tracker_url(settings: Settings) -> str:
    """The SQLAlchemy URL of the conversations' database.

    >>> tracker_url(Settings(database_url="sqlite:////srv/atende/var/atende.db", tracker_url=""))
    'sqlite:////srv/atende/var/conversas.db'
    >>> tracker_url(Settings(database_url="postgresql+psycopg2://atende@db/atende", tracker_url=""))
    'postgresql+psycopg2://atende@db/atende'
    >>> tracker_url(Settings(database_url="sqlite:///x.db", tracker_url="postgresql://r@h/conversas"))
    'postgresql://r@h/conversas'
    """
    if settings.tracker_url:
        return settings.tracker_url
    url = make_url(settings.database_url)
    if _sqlite_file(url):
        return f"sqlite:///{Path(url.database).with_name('conversas.db')}"
    return settings.database_url


def _rasa_sql_store() -> type:
    # Imported on first use: the CLI's retention command must not load Rasa just to delete rows.
    from rasa.core.tracker_store import SQLTrackerStore

    return SQLTrackerStore


def _write_ahead_log(engine: Engine) -> Engine:
    """A pooled engine on the same SQLite file, in write-ahead-log mode with one sync per checkpoint.

    Rasa's store opens a new connection per read or write and commits in rollback-journal mode: every turn
    paid several fsyncs while the event loop waited, and 20 concurrent users got 39 messages a second
    instead of 48 (docs/benchmarks.md). In WAL mode with ``synchronous=NORMAL`` a committed turn survives
    the process being killed (``kill -9``); only a power cut can lose the last turns before a checkpoint.
    Reused connections keep the log open: SQLite checkpoints and deletes it whenever the last connection
    closes, which costs more than the journal did.
    """
    pooled = create_engine(engine.url, poolclass=QueuePool, connect_args={"check_same_thread": False})

    @event.listens_for(pooled, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    engine.dispose()
    return pooled


class AtendeTrackerStore:
    """Factory Rasa calls for ``tracker_store: type: bot.tracker_store.AtendeTrackerStore`` (endpoints.yml).

    Rasa instantiates the configured class with ``host``, ``domain`` and
    ``event_broker``; this returns Rasa's own SQL store pointed at
    :func:`tracker_url`, so no behaviour of Rasa's store is re-implemented; on a SQLite file only its
    engine changes (:func:`_write_ahead_log`).
    """

    def __new__(cls, domain: Any = None, event_broker: Any = None, **_: Any) -> Any:  # noqa: D102
        url = tracker_url(get_settings())
        store = _rasa_sql_store()(domain=domain, host=url, event_broker=event_broker)
        if _sqlite_file(store.engine.url):
            store.engine = _write_ahead_log(store.engine)
            store.sessionmaker = sessionmaker(bind=store.engine)
        return store


def purge_conversations(settings: Settings, now: datetime, days: int | None = None) -> int:
    """Delete conversation events older than the retention period (LGPD: keep no longer than needed).

    Args:
        settings: Where the conversations are; ``conversation_retention_days`` unless ``days`` is given.
        now: The reference time (the product clock for the command, a fixed one in tests).
        days: Retention in days.

    Returns:
        How many events were deleted (0 when the store has not been created yet).
    """
    keep = settings.conversation_retention_days if days is None else days
    cutoff = (now - timedelta(days=keep)).timestamp()
    engine = create_engine(tracker_url(settings))
    try:
        if not inspect(engine).has_table(EVENTS_TABLE):
            return 0
        from sqlalchemy import column

        events = sql_table(EVENTS_TABLE, column("timestamp"))
        with engine.begin() as connection:
            return connection.execute(delete(events).where(events.c.timestamp < cutoff)).rowcount or 0
    finally:
        engine.dispose()
