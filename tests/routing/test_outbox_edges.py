"""Outbox behaviour the full mutation run of routing/outbox.py (issue 13) still found unpinned.

Two workers side by side, in the steps that matter: a worker whose claims another worker took over while it was
talking to the server sends none of them, even when the other worker has not finished with them (the rows are
still ``pendente``), and goes on with the rest of its pass; rows another worker sent, or put back on the backoff,
while this one was busy are left alone, without a warning and without this worker's name on them. And one pass
handles at most 100 rows.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import timedelta

from bot.db.session import session_scope
from routing.outbox import DeliveryCounts
from routing.smtp_dev import MailSpool
from routing.tickets import open_ticket
from tests.routing.conftest import NOW, free_port, make_decision, make_settings
from tests.routing.outbox_support import deliver as _deliver
from tests.routing.outbox_support import rows as _rows
from tests.routing.outbox_support import swap_handler as _swap_handler
from tests.routing.test_outbox_mutants import _set


def _open(session_factory, count: int = 1) -> None:
    with session_scope(session_factory) as session:
        for _ in range(count):
            open_ticket(
                make_decision(),
                session=session,
                channel="whatsapp",
                category="reembolso",
                summary="Quero o reembolso da consulta de outubro",
                context={"transcricao": ["Beneficiário: Quero o reembolso da consulta de outubro"]},
                now=NOW,
            )


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
        for event in self.release:
            event.set()


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
