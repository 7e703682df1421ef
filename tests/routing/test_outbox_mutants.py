"""Outbox behaviour the mutation run (issue 13) found unpinned, against real SMTP servers and real databases.

What an operator relies on: the exact log lines of a pass and of the worker loop, the ``last_error`` that tells
which message to look for, the order and limit of a pass, one connection attempt during an outage, a row sent
by one worker only when two run side by side, ``atende outbox retry`` putting back exactly the rows named, the
list and the backlog of /health.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import socket
import threading
from datetime import timedelta, timezone
from email.utils import format_datetime

import pytest

from bot.db.models import OutboxMessage, Ticket
from bot.db.session import make_engine, make_session_factory, session_scope
from bot.settings import Settings
from routing.outbox import (
    INTERRUPTED,
    DeliveryCounts,
    backlog,
    list_outbox,
    requeue,
    run_outbox_worker,
)
from routing.smtp_dev import LOOPBACK, MailSpool
from tests.routing.conftest import NOW, make_decision, make_settings
from tests.routing.outbox_support import deliver as _deliver
from tests.routing.outbox_support import open_reimbursement_ticket as _open
from tests.routing.outbox_support import rows as _rows
from tests.routing.outbox_support import set_columns as _set
from tests.routing.outbox_support import swap_handler as _swap_handler
from tests.routing.outbox_support import until as _until

INBOX = "relacionamento@cemigsaude.org.br"  # make_decision's inbox
REFUSAL = "550 5.1.1 Caixa postal inexistente"






def _messages(caplog, level: int) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "routing.outbox" and r.levelno == level]


# --- One pass: order, limit, log lines ---------------------------------------------------------------------------


async def test_a_pass_sends_the_longest_waiting_first_and_stops_at_its_limit(db, smtp, settings):
    later, first, second = (_open(db.session_factory) for _ in range(3))
    rows = {r.ticket_id: r for r in _rows(db.session_factory)}
    # The lowest id waits least; the other two wait the same, and then the older row (lower id) goes first.
    _set(db.session_factory, rows[later.id].id, next_attempt_at=NOW - timedelta(minutes=1))
    _set(db.session_factory, rows[first.id].id, next_attempt_at=NOW - timedelta(minutes=5))
    _set(db.session_factory, rows[second.id].id, next_attempt_at=NOW - timedelta(minutes=5))

    counts = await _deliver(db.session_factory, settings, limit=2)
    assert counts.to_json() == {"sent": 2, "retried": 0, "failed": 0, "skipped": 0, "released": 0, "interrupted": 0}
    assert [m.message_id for m in smtp.messages] == [rows[first.id].message_id, rows[second.id].message_id]
    assert {r.ticket_id: r.status for r in _rows(db.session_factory)}[later.id] == "pendente"

    assert (await _deliver(db.session_factory, settings, limit=2)).sent == 1
    assert smtp.messages[-1].message_id == rows[later.id].message_id


class _RejectsFirst(MailSpool):
    """Answers 451 (temporary failure) to the end of DATA of the first messages, then accepts."""

    def __init__(self, rejections: int):
        super().__init__()
        self.rejections = rejections

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook
        if self.rejections > 0:
            self.rejections -= 1
            return "451 4.3.0 Falha temporaria, tente mais tarde"
        return await super().handle_DATA(server, session, envelope)


async def test_a_rejected_message_does_not_stop_the_pass_and_each_outcome_is_logged(db, smtp, settings, caplog):
    _swap_handler(smtp, _RejectsFirst(rejections=1))
    _open(db.session_factory)
    _open(db.session_factory)
    with caplog.at_level(logging.INFO, logger="routing.outbox"):
        counts = await _deliver(db.session_factory, settings)
    assert (counts.sent, counts.retried, counts.failed) == (1, 1, 0)
    rejected, sent = _rows(db.session_factory)
    # The 451 closed the "maybe delivered" window: nothing says this row is still in flight.
    assert (rejected.status, rejected.attempts, rejected.sending_at, rejected.claimed_by) == ("pendente", 1, None, None)
    assert rejected.last_error == "SMTPDataError: (451, '4.3.0 Falha temporaria, tente mais tarde')"
    assert rejected.next_attempt_at == NOW + timedelta(seconds=30)
    assert _messages(caplog, logging.WARNING) == [
        f"outbox: mensagem {rejected.id} ({rejected.message_id}) não enviada: {rejected.last_error}"
    ]
    assert _messages(caplog, logging.INFO) == [f"outbox: mensagem {sent.id} enviada para {INBOX} ({sent.message_id})"]
    [mail] = smtp.messages
    assert mail.message_id == sent.message_id
    assert mail.message["Date"] == format_datetime(NOW)  # the time of the pass, not of the ticket


class _RefusesRecipients(MailSpool):
    """Answers ``reply`` to RCPT TO for the addresses in ``refused``; accepts the others."""

    def __init__(self, refused: set[str], reply: str = REFUSAL):
        super().__init__()
        self.refused, self.reply = refused, reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd hook
        if address in self.refused:
            return self.reply
        envelope.rcpt_tos.append(address)
        return "250 OK"


async def test_every_refused_copy_is_recorded_on_the_sent_row(db, smtp, settings):
    gone = ("antigo.setor@cemigsaude.org.br", "outro.setor@cemigsaude.org.br")
    _swap_handler(smtp, _RefusesRecipients(set(gone)))
    _open(db.session_factory, make_decision(cc=gone))
    assert (await _deliver(db.session_factory, settings)).sent == 1
    [row] = _rows(db.session_factory)
    assert row.status == "enviado"
    assert row.last_error == f"destinatários recusados: {gone[0]}: {REFUSAL}; {gone[1]}: {REFUSAL}"


class _RefusesTheSession:
    """A server that answers every connection with 421 and hangs up; counts the connections."""

    def __init__(self):
        self.connections = 0
        self.port = 0
        self.server: asyncio.AbstractServer | None = None

    async def __aenter__(self) -> "_RefusesTheSession":
        self.server = await asyncio.start_server(self._answer, LOOPBACK, 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc) -> None:
        self.server.close()
        await self.server.wait_closed()

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        writer.write(b"421 4.3.2 Servico indisponivel\r\n")
        await writer.drain()
        writer.close()


async def test_a_server_refusing_sessions_is_asked_once_per_pass_and_every_due_row_records_its_answer(
    db, smtp, tmp_path
):
    async with _RefusesTheSession() as server:
        settings = make_settings(db, smtp, tmp_path, smtp_port=server.port)
        for _ in range(3):
            _open(db.session_factory)
        counts = await _deliver(db.session_factory, settings)
        assert server.connections == 1
    assert (counts.sent, counts.retried, counts.failed) == (0, 3, 0)
    rows = _rows(db.session_factory)
    assert {(r.status, r.attempts, r.next_attempt_at) for r in rows} == {("pendente", 1, NOW + timedelta(seconds=30))}
    [error] = {r.last_error for r in rows}
    assert error.startswith(f"servidor SMTP 127.0.0.1:{server.port}: ") and "421" in error


class _SlowToAnswer(MailSpool):
    """Keeps the message but answers after the client's timeout: the client cannot know it was delivered."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook
        reply = await super().handle_DATA(server, session, envelope)
        await asyncio.sleep(1.5)
        return reply


async def test_a_lost_reply_records_the_retry_command_for_the_row(db, smtp, tmp_path):
    settings = make_settings(db, smtp, tmp_path, smtp_timeout=0.5)
    _swap_handler(smtp, _SlowToAnswer())
    _open(db.session_factory)
    assert (await _deliver(db.session_factory, settings)).failed == 1
    [row] = _rows(db.session_factory)
    assert row.status == "falhou"
    explanation = INTERRUPTED.format(message_id=row.message_id, id=row.id)
    assert f"atende outbox retry {row.id})" in explanation
    assert row.last_error.startswith(f"{explanation} (conexão perdida durante o envio do texto: ")


# --- Dead workers' claims ----------------------------------------------------------------------------------------


async def test_each_interrupted_send_names_its_own_message_and_is_logged(db, smtp, settings, caplog):
    _open(db.session_factory)
    _open(db.session_factory)
    old = NOW - timedelta(minutes=10)
    first, second = _rows(db.session_factory)
    for row in (first, second):
        _set(db.session_factory, row.id, claimed_by="morto:1:a", claimed_at=old, sending_at=old)
    with caplog.at_level(logging.ERROR, logger="routing.outbox"):
        counts = await _deliver(db.session_factory, settings)
    assert (counts.interrupted, counts.released, counts.sent) == (2, 0, 0)
    for row in _rows(db.session_factory):
        assert (row.status, row.claimed_by, row.sending_at) == ("falhou", None, None)
        assert row.last_error == INTERRUPTED.format(message_id=row.message_id, id=row.id)
    assert sorted(_messages(caplog, logging.ERROR)) == sorted(
        f"outbox: envio interrompido da mensagem {r.id} ({r.message_id}): marcada como falhou" for r in (first, second)
    )
    assert smtp.messages == []


async def test_a_claim_exactly_as_old_as_the_timeout_is_still_its_workers(db, smtp, settings):
    _open(db.session_factory)
    [row] = _rows(db.session_factory)
    _set(db.session_factory, row.id, claimed_by="lento:1:a", claimed_at=NOW)
    at_the_limit = NOW + timedelta(seconds=settings.outbox_claim_timeout)
    assert await _deliver(db.session_factory, settings, now=at_the_limit) == DeliveryCounts()
    assert smtp.messages == []
    past = at_the_limit + timedelta(seconds=1)
    assert (await _deliver(db.session_factory, settings, now=past)) == DeliveryCounts(sent=1, released=1)


# --- Two workers side by side ------------------------------------------------------------------------------------


class _HoldsTheFirstRcpt(MailSpool):
    """Holds the first RCPT TO until ``release`` is set; the others pass."""

    def __init__(self):
        super().__init__()
        self.holding = threading.Event()
        self.release = threading.Event()
        self._first = True

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd hook
        if self._first:
            self._first = False
            self.holding.set()
            await asyncio.to_thread(self.release.wait, 20)
        envelope.rcpt_tos.append(address)
        return "250 OK"


async def test_rows_another_worker_sent_meanwhile_are_counted_as_its_own(db, smtp, tmp_path, monkeypatch, caplog):
    # Worker A (default name) is held at the RCPT TO of the first row; worker B, meanwhile, sends the other two.
    host = "servidor-de-filas-da-cemig-saude-numero-0001.interno"
    monkeypatch.setattr(socket, "gethostname", lambda: host)
    settings = make_settings(db, smtp, tmp_path, smtp_timeout=30.0)
    handler = _HoldsTheFirstRcpt()
    _swap_handler(smtp, handler)
    for _ in range(3):
        _open(db.session_factory)
    first, *others = _rows(db.session_factory)

    slow = asyncio.create_task(_deliver(db.session_factory, settings))
    try:
        assert await asyncio.to_thread(handler.holding.wait, 10)
        claimer = _rows(db.session_factory)[0].claimed_by
        # host:pid:random, cut to fit the column (64 characters).
        assert re.fullmatch(rf"{re.escape(host[:30])}:{os.getpid()}:[0-9a-f]{{12}}", claimer)
        other = await _deliver(db.session_factory, settings, worker="outro:2:b")
        assert (other.sent, other.skipped) == (2, 0)
    finally:
        handler.release.set()
    with caplog.at_level(logging.INFO, logger="routing.outbox"):
        counts = await asyncio.wait_for(slow, 20)

    assert counts == DeliveryCounts(sent=1, skipped=2)
    assert sorted(m.message_id for m in smtp.messages) == sorted(r.message_id for r in (first, *others))
    assert {(r.status, r.attempts) for r in _rows(db.session_factory)} == {("enviado", 1)}
    assert _messages(caplog, logging.INFO) == [f"outbox: mensagem {first.id} enviada para {INBOX} ({first.message_id})"]


async def test_a_worker_whose_claim_was_taken_over_logs_it(db, smtp, tmp_path, caplog):
    settings = make_settings(db, smtp, tmp_path, smtp_timeout=30.0)
    handler = _HoldsTheFirstRcpt()
    _swap_handler(smtp, handler)
    _open(db.session_factory)
    [row] = _rows(db.session_factory)

    with caplog.at_level(logging.WARNING, logger="routing.outbox"):
        slow = asyncio.create_task(_deliver(db.session_factory, settings, worker="lento:1:a"))
        try:
            assert await asyncio.to_thread(handler.holding.wait, 10)
            later = NOW + timedelta(seconds=settings.outbox_claim_timeout + 1)
            assert (await _deliver(db.session_factory, settings, now=later, worker="outro:2:b")).sent == 1
        finally:
            handler.release.set()
        assert await asyncio.wait_for(slow, 20) == DeliveryCounts(skipped=1)
    assert _messages(caplog, logging.WARNING) == [
        f"outbox: mensagem {row.id} reservada por outro processo; não enviada"
    ]
    assert len(smtp.messages) == 1


# --- The worker loop ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "server_up, max_attempts, summary",
    [
        (True, 5, "enviados: 1, a tentar de novo: 0, falharam: 0"),
        (False, 5, "enviados: 0, a tentar de novo: 1, falharam: 0"),
        (False, 1, "enviados: 0, a tentar de novo: 0, falharam: 1"),
    ],
    ids=["sent", "retried", "failed"],
)
async def test_the_worker_logs_a_summary_of_each_pass_that_did_something(
    db, smtp, tmp_path, caplog, server_up, max_attempts, summary
):
    settings = make_settings(db, smtp, tmp_path, outbox_max_attempts=max_attempts)
    if not server_up:
        smtp.stop()
    _open(db.session_factory)  # due at once on the worker's real clock
    expected = f"outbox: {summary}, com outro processo: 0, liberados: 0, interrompidos: 0"
    stop = asyncio.Event()
    with caplog.at_level(logging.INFO, logger="routing.outbox"):
        # No on_pass: the loop runs as `atende outbox worker` runs it.
        worker = asyncio.create_task(
            run_outbox_worker(session_factory=db.session_factory, settings=settings, stop=stop)
        )
        try:
            await _until(lambda: expected in _messages(caplog, logging.INFO), timeout=5)
            await asyncio.sleep(5 * settings.outbox_interval)  # more passes, with nothing to do
        finally:
            stop.set()
        await asyncio.wait_for(worker, 5)
    # Passes with nothing to do stay quiet.
    assert [m for m in _messages(caplog, logging.INFO) if not m.startswith("outbox: mensagem ")] == [expected]


async def test_the_worker_logs_an_unreachable_database_on_every_pass_and_goes_on(smtp, tmp_path, caplog):
    url = f"sqlite:///{tmp_path / 'pasta-que-nao-existe' / 'atende.db'}"
    settings = Settings(
        database_url=url, var_dir=tmp_path, smtp_host=LOOPBACK, smtp_port=smtp.port, smtp_user="", smtp_password="",
        smtp_starttls=False, smtp_timeout=2.0, mail_from="atende@cemigsaude.org.br", outbox_interval=0.05,
    )
    engine = make_engine(settings)
    stop = asyncio.Event()
    try:
        with caplog.at_level(logging.ERROR, logger="routing.outbox"):
            worker = asyncio.create_task(
                run_outbox_worker(session_factory=make_session_factory(engine), settings=settings, stop=stop)
            )
            try:
                await _until(lambda: len(_messages(caplog, logging.ERROR)) >= 2, timeout=5)
            finally:
                stop.set()
            await asyncio.wait_for(worker, 5)
    finally:
        engine.dispose()
    assert set(_messages(caplog, logging.ERROR)) == {"outbox: banco de dados indisponível nesta passagem"}
    assert smtp.messages == []


# --- atende outbox retry / list, and the backlog of /health ------------------------------------------------------


async def _two_failed_and_one_sent(db, smtp, tmp_path) -> tuple[OutboxMessage, OutboxMessage, OutboxMessage]:
    settings = make_settings(db, smtp, tmp_path, outbox_max_attempts=1)
    _open(db.session_factory)
    assert (await _deliver(db.session_factory, settings)).sent == 1
    _open(db.session_factory)
    _open(db.session_factory)
    smtp.stop()
    assert (await _deliver(db.session_factory, settings)).failed == 2
    smtp.start()
    sent, failed_a, failed_b = _rows(db.session_factory)
    assert (sent.status, failed_a.status, failed_b.status) == ("enviado", "falhou", "falhou")
    return sent, failed_a, failed_b


async def test_retry_puts_back_only_the_rows_named_with_attempts_from_zero(db, smtp, tmp_path):
    settings = make_settings(db, smtp, tmp_path, outbox_max_attempts=2)
    sent, failed_a, failed_b = await _two_failed_and_one_sent(db, smtp, tmp_path)
    when = NOW + timedelta(hours=1)
    with session_scope(db.session_factory) as session:
        assert requeue(session=session) == 0  # nothing named
        assert requeue(session=session, ids=[failed_a.id, sent.id], now=when) == 1
    by_id = {r.id: r for r in _rows(db.session_factory)}
    assert (by_id[failed_a.id].status, by_id[failed_a.id].attempts, by_id[failed_a.id].next_attempt_at) == (
        "pendente", 0, when
    )
    assert by_id[failed_b.id].status == "falhou" and by_id[sent.id].status == "enviado"

    assert await _deliver(db.session_factory, settings, now=when - timedelta(seconds=1)) == DeliveryCounts()
    assert (await _deliver(db.session_factory, settings, now=when)).sent == 1
    assert _rows(db.session_factory)[1].attempts == 1
    assert len(smtp.messages) == 2


async def test_retry_of_all_failed_leaves_sent_and_pending_rows_alone(db, smtp, tmp_path):
    sent, failed_a, failed_b = await _two_failed_and_one_sent(db, smtp, tmp_path)
    _open(db.session_factory)
    when = NOW + timedelta(hours=1)
    with session_scope(db.session_factory) as session:
        assert requeue(session=session, all_failed=True, now=when) == 2
    by_id = {r.id: r for r in _rows(db.session_factory)}
    assert {(by_id[i].status, by_id[i].attempts, by_id[i].next_attempt_at) for i in (failed_a.id, failed_b.id)} == {
        ("pendente", 0, when)
    }
    assert (by_id[sent.id].status, by_id[sent.id].attempts) == ("enviado", 1)


async def test_the_list_is_newest_first_filtered_and_limited(db, smtp, tmp_path):
    sent, failed_a, failed_b = await _two_failed_and_one_sent(db, smtp, tmp_path)
    with session_scope(db.session_factory) as session:
        everything = [(row.id, protocol) for row, protocol in list_outbox(session=session)]
        failed = [row.id for row, _ in list_outbox(session=session, statuses=["falhou"], limit=1)]
        protocols = {row.ticket_id: protocol for row, protocol in list_outbox(session=session, statuses=["enviado"])}
    assert [row_id for row_id, _ in everything] == [failed_b.id, failed_a.id, sent.id]
    assert failed == [failed_b.id]
    with session_scope(db.session_factory) as session:
        assert protocols == {sent.ticket_id: session.get(Ticket, sent.ticket_id).protocol}


async def test_backlog_counts_pending_rows_and_gives_the_oldest_in_utc(db, smtp, settings):
    with session_scope(db.session_factory) as session:
        assert backlog(session=session) == (0, None)
    for hours in (3, 2, 1):
        _open(db.session_factory, now=NOW - timedelta(hours=hours))
    # The oldest is delivered; the other two wait.
    assert (await _deliver(db.session_factory, settings, limit=1)).sent == 1
    with session_scope(db.session_factory) as session:
        count, oldest = backlog(session=session)
    assert (count, oldest) == (2, NOW - timedelta(hours=2))
    assert oldest.utcoffset() == timedelta(0) and oldest.tzinfo == timezone.utc
