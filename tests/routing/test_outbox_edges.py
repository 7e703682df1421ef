"""Outbox behaviour the full mutation run of routing/outbox.py (issue 13) still found unpinned.

Two workers side by side, in the steps that matter: a worker whose claims another worker took over while it was
talking to the server sends none of them, even when the other worker has not finished with them (the rows are
still ``pendente``), and goes on with the rest of its pass; rows another worker sent, or put back on the backoff,
while this one was busy are left alone, without a warning and without this worker's name on them; a worker taken
for dead that records its send while a recovering pass declares it interrupted keeps its row ``enviado``
(PostgreSQL only). One pass handles at most 100 rows, and rows due at the same instant go in queue order.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import timedelta

import pytest
from sqlalchemy import event, update

from bot.db.models import OutboxMessage
from bot.db.session import session_scope
from routing.outbox import DeliveryCounts, requeue
from routing.smtp_dev import MailSpool
from tests.routing.conftest import NOW, free_port, make_settings
from tests.routing.outbox_support import deliver as _deliver
from tests.routing.outbox_support import open_reimbursement_ticket
from tests.routing.outbox_support import rows as _rows
from tests.routing.outbox_support import set_columns as _set
from tests.routing.outbox_support import swap_handler as _swap_handler


def _open(session_factory, count: int = 1) -> None:
    for _ in range(count):
        open_reimbursement_ticket(session_factory)


class _HoldsEachMessage(MailSpool):
    """Holds the first RCPT TO of each of the first ``count`` messages until the test lets it go."""

    def __init__(self, count: int):
        super().__init__()
        self.holding = [threading.Event() for _ in range(count)]
        self.release = [threading.Event() for _ in range(count)]
        self._started = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd hook
        if not envelope.rcpt_tos and self._started < len(self.holding):
            index, self._started = self._started, self._started + 1
            self.holding[index].set()
            await asyncio.to_thread(self.release[index].wait, 20)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def release_all(self) -> None:
        for released in self.release:
            released.set()


async def test_a_worker_sends_none_of_the_rows_another_worker_took_over_and_is_still_sending(db, smtp, tmp_path):
    # For each row, three steps: worker A claims it and is held at RCPT TO; worker B finds A's claim stale, gives
    # it back and claims the row itself; A's server answers while B has not finished (the row is still "pendente").
    settings = make_settings(db, smtp, tmp_path, smtp_timeout=30.0)
    handler = _HoldsEachMessage(2)
    _swap_handler(smtp, handler)
    _open(db.session_factory, 2)
    later = NOW + timedelta(seconds=settings.outbox_claim_timeout + 1)

    slow = asyncio.create_task(_deliver(db.session_factory, settings, worker="lento:1:a"))
    try:
        for index in range(2):
            assert await asyncio.to_thread(handler.holding[index].wait, 10), f"A never reached row {index + 1}"
            row = _rows(db.session_factory)[index]
            assert row.claimed_by == "lento:1:a"
            _set(db.session_factory, row.id, claimed_by="outro:2:b", claimed_at=later)
            handler.release[index].set()
    finally:
        handler.release_all()

    assert await asyncio.wait_for(slow, 20) == DeliveryCounts(skipped=2)
    assert smtp.messages == []  # A never reached DATA: B is the one that sends them
    assert [
        (row.status, row.attempts, row.claimed_by, row.claimed_at, row.sending_at, row.last_error)
        for row in _rows(db.session_factory)
    ] == [("pendente", 0, "outro:2:b", later, None, None)] * 2


async def test_rows_another_worker_sent_or_put_back_meanwhile_are_left_alone(db, smtp, tmp_path, caplog):
    # Worker A is held at RCPT TO of the first row. Meanwhile worker B sends the second row, and its attempt at the
    # third finds the server unreachable, so the third waits for its backoff. Then A goes on with its pass.
    settings = make_settings(db, smtp, tmp_path, smtp_timeout=30.0)
    unreachable = make_settings(db, smtp, tmp_path, smtp_port=free_port())
    handler = _HoldsEachMessage(1)
    _swap_handler(smtp, handler)
    _open(db.session_factory, 3)

    slow = asyncio.create_task(_deliver(db.session_factory, settings, worker="lento:1:a"))
    try:
        assert await asyncio.to_thread(handler.holding[0].wait, 10)
        assert await _deliver(db.session_factory, settings, worker="outro:2:b", limit=1) == DeliveryCounts(sent=1)
        assert await _deliver(db.session_factory, unreachable, worker="outro:2:b") == DeliveryCounts(retried=1)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="routing.outbox"):
            handler.release_all()
            counts = await asyncio.wait_for(slow, 20)
    finally:
        handler.release_all()

    assert counts == DeliveryCounts(sent=1, skipped=2)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    first, second, third = _rows(db.session_factory)
    assert sorted(m.message_id for m in smtp.messages) == sorted([first.message_id, second.message_id])
    # Nothing of A on the rows it did not send: `atende outbox list` would show them "(em envio)".
    assert [(r.status, r.attempts, r.claimed_by) for r in (first, second, third)] == [
        ("enviado", 1, None), ("enviado", 1, None), ("pendente", 1, None)
    ]
    assert third.next_attempt_at == NOW + timedelta(seconds=settings.outbox_backoff_base)


async def test_one_pass_handles_at_most_100_rows(db, smtp, settings):
    _open(db.session_factory, 101)
    assert await _deliver(db.session_factory, settings) == DeliveryCounts(sent=100)
    assert await _deliver(db.session_factory, settings) == DeliveryCounts(sent=1)


async def test_a_send_that_finishes_while_its_claim_is_declared_interrupted_stays_sent(db, smtp, settings):
    if db.backend != "postgresql":
        pytest.skip("on SQLite the recovering pass holds the write lock: nothing can finish in between")
    # A worker taken for dead (claimed and sending for an hour) was only slow: it records the server's 250 between
    # the recovering pass's search for interrupted sends and its UPDATE of that row. The message was delivered;
    # marking it "falhou" would have an operator send it again.
    _open(db.session_factory)
    [row] = _rows(db.session_factory)
    an_hour_ago = NOW - timedelta(hours=1)
    _set(db.session_factory, row.id, claimed_by="lento:1:a", claimed_at=an_hour_ago, sending_at=an_hour_ago)
    finished = []

    def slow_worker_finishes(connection, cursor, statement, parameters, context, executemany):
        if finished or not statement.startswith("UPDATE outbox SET status"):
            return
        if not isinstance(parameters, dict) or parameters.get("status") != "falhou":
            return
        finished.append(True)
        with db.engine.begin() as other:
            other.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id)
                .values(status="enviado", sent_at=NOW, attempts=1, claimed_by=None, claimed_at=None)
            )

    event.listen(db.engine, "before_cursor_execute", slow_worker_finishes)
    try:
        await _deliver(db.session_factory, settings)
    finally:
        event.remove(db.engine, "before_cursor_execute", slow_worker_finishes)
    assert finished
    [row] = _rows(db.session_factory)
    assert (row.status, row.sent_at, row.attempts, row.last_error) == ("enviado", NOW, 1, None)
    assert smtp.messages == []


async def test_rows_due_at_the_same_instant_go_in_the_order_they_were_queued(db, smtp, settings):
    # The first message failed and an operator put it back (`atende outbox retry`) due at the same instant as the
    # second: the pass still takes the first queued first. On PostgreSQL the updates move the first row physically
    # behind the second, so only the explicit tie-break on the id keeps the order.
    _open(db.session_factory, 2)
    first, second = _rows(db.session_factory)
    _set(db.session_factory, first.id, status="falhou", last_error="550 caixa cheia")
    with session_scope(db.session_factory) as session:
        assert requeue(session=session, ids=[first.id], now=NOW) == 1
    assert await _deliver(db.session_factory, settings, limit=1) == DeliveryCounts(sent=1)
    assert [mail.message_id for mail in smtp.messages] == [first.message_id]
