"""Protocols stay unique when threads and processes open tickets at the same moment (SQLite and PostgreSQL)."""

from __future__ import annotations

import multiprocessing
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.db.models import OutboxMessage, Ticket
from bot.db.repository import create_ticket, next_protocol
from bot.db.session import make_engine, make_session_factory, session_scope
from routing.tickets import open_ticket
from tests.routing._protocol_worker import open_many
from tests.routing.conftest import NOW, make_decision

PREFIX = "41750520261125"


def _check_protocols(db, protocols: list[str], expected: int) -> None:
    assert len(protocols) == expected
    assert len(set(protocols)) == expected, "a protocol was given twice"
    assert all(p.startswith(PREFIX) and len(p) == 20 for p in protocols)
    # The daily sequence has no holes: every conflict moved on to the next free number.
    assert sorted(int(p[len(PREFIX):]) for p in protocols) == list(range(1, expected + 1))
    with session_scope(db.session_factory) as session:
        assert session.execute(select(func.count()).select_from(Ticket)).scalar_one() == expected
        assert session.execute(select(func.count()).select_from(OutboxMessage)).scalar_one() == expected


def test_threads_opening_tickets_at_once_get_distinct_protocols(db):
    threads_count, per_thread = 8, 10
    barrier = threading.Barrier(threads_count)
    protocols: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work() -> None:
        try:
            barrier.wait()
            for _ in range(per_thread):
                with session_scope(db.session_factory) as session:
                    ticket = open_ticket(make_decision(), session=session, channel="rest", category="reembolso",
                                         summary="concorrência", context={}, now=NOW)
                    protocol = ticket.protocol
                with lock:
                    protocols.append(protocol)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    _check_protocols(db, protocols, threads_count * per_thread)


def test_processes_opening_tickets_at_once_get_distinct_protocols(db):
    processes, per_process = 4, 15
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        start = manager.Event()
        with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
            futures = [
                pool.submit(open_many, db.settings.database_url, per_process, NOW.isoformat(), start)
                for _ in range(processes)
            ]
            time.sleep(1.0)  # let every process import and wait at the start line
            start.set()
            protocols = [p for future in futures for p in future.result(timeout=180)]
    _check_protocols(db, protocols, processes * per_process)


def test_a_concurrent_insert_of_the_same_number_is_retried(db, caplog):
    """Another writer holds the next number uncommitted; the ticket opening waits, conflicts and takes the next.

    Ticket openings queue among themselves (a lock), so the other writer here inserts a ticket directly. On
    PostgreSQL the opening's INSERT blocks on the unique index until the other commits, then fails and is
    retried from a savepoint; on SQLite the opening waits for the write lock and sees the other ticket.
    """
    engine = make_engine(db.settings)
    other_factory = make_session_factory(engine)
    result: dict[str, str] = {}

    with session_scope(db.session_factory) as session:
        day = NOW.astimezone(ZoneInfo("America/Sao_Paulo")).date()
        first = create_ticket("rest", "reembolso", "a", session=session, tier="primeira_instancia",
                              inbox="reembolso@example.org", context={}, due_date=day,
                              protocol=next_protocol(day, session=session), now=NOW)
        session.flush()

        def second() -> None:
            with session_scope(other_factory) as other:
                result["protocol"] = open_ticket(make_decision(), session=other, channel="rest",
                                                 category="reembolso", summary="b", context={}, now=NOW).protocol

        thread = threading.Thread(target=second)
        with caplog.at_level("INFO", logger="routing.tickets"):
            thread.start()
            time.sleep(0.7)  # the opening is now waiting on the other writer
            assert "protocol" not in result
            session.commit()
            thread.join(30)
    engine.dispose()
    assert first.protocol == PREFIX + "000001"
    assert result["protocol"] == PREFIX + "000002"
    if db.backend == "postgresql":
        assert "já usado por outro processo" in caplog.text
