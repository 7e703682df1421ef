"""Outbox delivery through a real SMTP server (aiosmtpd on loopback): once, with retries, never twice."""

from __future__ import annotations

import asyncio
import io
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.db.models import OutboxMessage
from bot.db.session import make_engine, make_session_factory, session_scope
from bot.outbox_cli import cmd_deliver, cmd_list, cmd_retry
from routing.outbox import (
    DeliveryCounts,
    backoff_delay,
    deliver_pending,
    requeue,
    run_outbox_worker,
)
from routing.smtp_dev import MailSpool
from routing.tickets import RESTRICTED_NOTICE, open_ticket
from tests.routing.conftest import NOW, make_decision, make_settings

CLINICAL = "O médico prescreveu um anti-inflamatório e tive uma reação alérgica"


def _open(db, decision=None, *, summary="Quero o reembolso da consulta de outubro", category="reembolso", now=NOW):
    with session_scope(db.session_factory) as session:
        return open_ticket(
            decision or make_decision(),
            session=session,
            channel="whatsapp",
            category=category,
            summary=summary,
            context={"transcricao": [f"Beneficiário: {summary}"]},
            now=now,
        )


def _rows(db) -> list[OutboxMessage]:
    with session_scope(db.session_factory) as session:
        return list(session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


async def _deliver(db, settings, now=NOW, **kwargs) -> DeliveryCounts:
    return await deliver_pending(session_factory=db.session_factory, settings=settings, now=now, **kwargs)


async def test_delivered_exactly_once_to_inbox_and_cc(db, smtp, settings):
    decision = make_decision(
        inbox="rute.joao.externo@ageas.pt",
        cc=("clinicadigital@saude360.medis.pt",),
        tier="teleconsulta",
        rule="teleconsulta_faturas",
        flags=("Indicar se a fatura pedida é de Médico Online (MO) ou do Marketplace.",),
    )
    ticket = _open(db, decision, summary="Preciso da fatura da consulta de 3 de outubro", category="tele_faturas")
    counts = await _deliver(db, settings)
    assert (counts.sent, counts.retried, counts.failed) == (1, 0, 0)

    [mail] = smtp.messages
    assert mail.mail_from == "atende@cemigsaude.org.br"
    assert mail.rcpt_tos == ("rute.joao.externo@ageas.pt", "clinicadigital@saude360.medis.pt")
    assert mail.message["To"] == "rute.joao.externo@ageas.pt"
    assert mail.message["Cc"] == "clinicadigital@saude360.medis.pt"
    assert mail.subject == f"[{ticket.protocol}] Teleconsulta: pedido de fatura"
    assert mail.message["X-Atende-Protocolo"] == ticket.protocol
    assert mail.message["Auto-Submitted"] == "auto-generated"
    [row] = _rows(db)
    assert mail.message_id == row.message_id
    body = mail.body
    assert f"Protocolo: {ticket.protocol}" in body
    assert "Preciso da fatura da consulta de 3 de outubro" in body
    assert "Regra: teleconsulta_faturas" in body
    assert "- Indicar se a fatura pedida é de Médico Online (MO) ou do Marketplace." in body
    assert (row.status, row.attempts, row.sent_at, row.last_error, row.claimed_by) == ("enviado", 1, NOW, None, None)
    # The .eml a person can open, with the envelope on top.
    eml = mail.path.read_bytes()
    assert eml.startswith(b"X-Envelope-From: <atende@cemigsaude.org.br>")

    # Later passes find nothing to send.
    again = await _deliver(db, settings, now=NOW + timedelta(hours=2))
    assert again == DeliveryCounts()
    assert len(smtp.messages) == 1


async def test_smtp_down_retries_with_backoff_then_delivers_exactly_once(db, smtp, settings):
    ticket = _open(db)
    smtp.stop()  # port closed: connection refused

    first = await _deliver(db, settings, now=NOW)
    assert (first.sent, first.retried, first.failed) == (0, 1, 0)
    [row] = _rows(db)
    assert (row.status, row.attempts, row.next_attempt_at) == ("pendente", 1, NOW + timedelta(seconds=30))
    assert "servidor SMTP" in row.last_error

    # Not due yet: nothing is tried.
    assert await _deliver(db, settings, now=NOW + timedelta(seconds=29)) == DeliveryCounts()
    assert _rows(db)[0].attempts == 1

    t2 = NOW + timedelta(seconds=30)
    second = await _deliver(db, settings, now=t2)
    assert second.retried == 1
    [row] = _rows(db)
    assert (row.attempts, row.next_attempt_at) == (2, t2 + timedelta(seconds=60))

    t3 = t2 + timedelta(seconds=60)
    assert (await _deliver(db, settings, now=t3)).retried == 1
    [row] = _rows(db)
    assert (row.status, row.attempts, row.next_attempt_at) == ("pendente", 3, t3 + timedelta(seconds=120))
    assert smtp.messages == []

    smtp.start()  # the server is back
    t4 = t3 + timedelta(seconds=120)
    back = await _deliver(db, settings, now=t4)
    assert (back.sent, back.retried, back.failed) == (1, 0, 0)
    for later in (t4, t4 + timedelta(minutes=5), t4 + timedelta(days=1)):
        assert (await _deliver(db, settings, now=later)).sent == 0
    [mail] = smtp.messages
    assert mail.subject.startswith(f"[{ticket.protocol}]")
    [row] = _rows(db)
    assert (row.status, row.attempts, row.sent_at, row.last_error) == ("enviado", 4, t4, None)


async def test_outage_backs_off_every_due_message_with_one_connection_attempt(db, smtp, settings):
    for _ in range(3):
        _open(db)
    smtp.stop()
    counts = await _deliver(db, settings)
    assert counts.retried == 3
    assert {(r.attempts, r.next_attempt_at) for r in _rows(db)} == {(1, NOW + timedelta(seconds=30))}
    smtp.start()
    assert (await _deliver(db, settings, now=NOW + timedelta(seconds=30))).sent == 3
    assert len({m.message_id for m in smtp.messages}) == len(smtp.messages) == 3


class _RejectsFirst(MailSpool):
    """Answers 451 (temporary failure) to the first messages, then accepts."""

    def __init__(self, rejections: int):
        super().__init__()
        self.rejections = rejections

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.rejections > 0:
            self.rejections -= 1
            return "451 4.3.0 Falha temporaria, tente mais tarde"
        return await super().handle_DATA(server, session, envelope)


async def test_temporary_rejection_is_retried_and_delivered_once(db, smtp, settings):
    smtp.stop()
    smtp.spool = _RejectsFirst(rejections=1)
    smtp.start()
    _open(db)
    counts = await _deliver(db, settings)
    assert counts.retried == 1
    [row] = _rows(db)
    assert "451" in row.last_error and row.status == "pendente"
    assert (await _deliver(db, settings, now=NOW + timedelta(seconds=30))).sent == 1
    assert len(smtp.messages) == 1


async def test_exhausted_attempts_mark_failed_and_keep_the_row(db, smtp, tmp_path):
    settings = make_settings(db, smtp, tmp_path, outbox_max_attempts=3)
    _open(db)
    smtp.stop()
    now = NOW
    outcomes = []
    for _ in range(3):
        counts = await _deliver(db, settings, now=now)
        outcomes.append((counts.retried, counts.failed))
        now = _rows(db)[0].next_attempt_at
    assert outcomes == [(1, 0), (1, 0), (0, 1)]
    [row] = _rows(db)
    assert (row.status, row.attempts) == ("falhou", 3)
    assert row.last_error.startswith("3 tentativas sem sucesso")
    # Still listed for a person, and never picked up again by itself.
    out = io.StringIO()
    assert cmd_list(settings, statuses=["falhou"], out=out) == 0
    assert "falhou" in out.getvalue() and row.message_id not in out.getvalue()
    smtp.start()
    assert (await _deliver(db, settings, now=now + timedelta(days=1))).sent == 0
    # Put back in the queue by a person: delivered once.
    with session_scope(db.session_factory) as session:
        assert requeue(session=session, ids=[row.id], now=now) == 1
    assert (await _deliver(db, settings, now=now)).sent == 1
    assert len(smtp.messages) == 1


class _SlowToAnswer(MailSpool):
    """Keeps the message but answers after the client's timeout: the client cannot know it was delivered."""

    def __init__(self, delay: float):
        super().__init__()
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        reply = await super().handle_DATA(server, session, envelope)
        await asyncio.sleep(self.delay)
        return reply


async def test_lost_reply_after_the_text_is_not_resent(db, smtp, tmp_path):
    settings = make_settings(db, smtp, tmp_path, smtp_timeout=0.5)
    smtp.stop()
    smtp.spool = _SlowToAnswer(delay=1.5)
    smtp.start()
    _open(db)
    counts = await _deliver(db, settings)
    assert (counts.sent, counts.retried, counts.failed) == (0, 0, 1)
    [row] = _rows(db)
    assert row.status == "falhou"
    assert "pode ter sido entregue" in row.last_error and row.message_id in row.last_error
    # The server did get it; no automatic retry sends it a second time.
    for later in (NOW + timedelta(minutes=1), NOW + timedelta(hours=3)):
        assert (await _deliver(db, settings, now=later)).sent == 0
    assert len(smtp.messages) == 1


async def test_stale_claims_of_a_dead_worker(db, smtp, settings):
    never_started, maybe_sent = _open(db), _open(db)
    old = NOW - timedelta(minutes=10)
    with session_scope(db.session_factory) as session:
        rows = {r.ticket_id: r for r in session.execute(select(OutboxMessage)).scalars()}
        rows[never_started.id].claimed_by = "morto:1:a"
        rows[never_started.id].claimed_at = old
        rows[maybe_sent.id].claimed_by = "morto:1:a"
        rows[maybe_sent.id].claimed_at = old
        rows[maybe_sent.id].sending_at = old
    counts = await _deliver(db, settings)
    assert (counts.released, counts.interrupted, counts.sent) == (1, 1, 1)
    by_ticket = {r.ticket_id: r for r in _rows(db)}
    assert by_ticket[never_started.id].status == "enviado"
    assert by_ticket[maybe_sent.id].status == "falhou"
    assert "pode ter sido entregue" in by_ticket[maybe_sent.id].last_error
    assert [m.subject.split("]")[0][1:] for m in smtp.messages] == [never_started.protocol]


async def test_fresh_claim_of_another_worker_is_left_alone(db, smtp, settings):
    _open(db)
    with session_scope(db.session_factory) as session:
        session.execute(update(OutboxMessage).values(claimed_by="outro:2:b", claimed_at=NOW - timedelta(seconds=5)))
    assert await _deliver(db, settings) == DeliveryCounts()
    assert smtp.messages == []


async def test_two_concurrent_passes_in_one_loop_never_send_a_row_twice(db, smtp, settings):
    for _ in range(25):
        _open(db)
    first, second = await asyncio.gather(_deliver(db, settings), _deliver(db, settings))
    assert first.sent + second.sent == 25
    ids = [m.message_id for m in smtp.messages]
    assert len(ids) == len(set(ids)) == 25
    assert {r.status for r in _rows(db)} == {"enviado"}


def test_concurrent_workers_in_threads_never_send_a_row_twice(db, smtp, settings):
    for _ in range(30):
        _open(db)
    barrier = threading.Barrier(3)
    results: list[DeliveryCounts] = []
    errors: list[BaseException] = []

    def worker() -> None:
        # Each worker has its own engine, as separate processes would.
        engine = make_engine(db.settings)
        try:
            factory = make_session_factory(engine)
            barrier.wait()
            results.append(asyncio.run(deliver_pending(session_factory=factory, settings=settings, now=NOW)))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sum(r.sent for r in results) == 30
    ids = [m.message_id for m in smtp.messages]
    assert len(ids) == len(set(ids)) == 30
    assert {(r.status, r.attempts) for r in _rows(db)} == {("enviado", 1)}


async def test_confidential_ticket_sends_no_clinical_text_to_other_recipients(db, smtp, settings):
    decision = make_decision(
        inbox="areaclinica@saude360.medis.pt",
        cc=("clinicadigital@saude360.medis.pt",),
        tier="teleconsulta",
        rule="teleconsulta_clinica",
        reason="categoria tele_clinica",
        confidential=True,
    )
    ticket = _open(db, decision, summary=CLINICAL, category="tele_clinica")
    assert (await _deliver(db, settings)).sent == 2
    by_rcpt = {m.rcpt_tos: m for m in smtp.messages}
    assert set(by_rcpt) == {("areaclinica@saude360.medis.pt",), ("clinicadigital@saude360.medis.pt",)}
    clinical = by_rcpt[("areaclinica@saude360.medis.pt",)]
    other = by_rcpt[("clinicadigital@saude360.medis.pt",)]
    assert CLINICAL in clinical.body
    assert "anti-inflamatório" not in other.body and "alérgica" not in other.body
    assert "anti-inflamatório" not in other.path.read_bytes().decode("utf-8", "replace")
    assert RESTRICTED_NOTICE.capitalize() in other.body
    assert other.message["Cc"] is None and clinical.message["Cc"] is None
    assert other.subject == clinical.subject == f"[{ticket.protocol}] Teleconsulta: questão clínica"


async def test_worker_loop_delivers_tickets_opened_while_it_runs(db, smtp, settings):
    stop = asyncio.Event()
    passes: list[DeliveryCounts] = []
    task = asyncio.create_task(
        run_outbox_worker(session_factory=db.session_factory, settings=settings, stop=stop, on_pass=passes.append)
    )
    await asyncio.sleep(0.1)
    _open(db)  # due at once on the worker's real clock
    for _ in range(100):
        if smtp.messages:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, 5)
    assert len(smtp.messages) == 1
    assert sum(p.sent for p in passes) == 1


def test_backoff_is_exponential_and_capped(settings):
    delays = [backoff_delay(n, settings).total_seconds() for n in range(1, 10)]
    assert delays == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_outbox_commands(db, smtp, settings):
    ticket = _open(db)
    out = io.StringIO()
    assert cmd_list(settings, out=out) == 0
    assert ticket.protocol in out.getvalue() and "pendente" in out.getvalue()
    out = io.StringIO()
    assert cmd_deliver(settings, out=out) == 0
    assert "enviados: 1" in out.getvalue()
    assert len(smtp.messages) == 1
    out = io.StringIO()
    assert cmd_list(settings, statuses=["enviado"], out=out) == 0
    assert "enviado" in out.getvalue()
    assert cmd_retry([999], settings=settings, out=io.StringIO()) == 1
    assert cmd_list(settings, statuses=["perdido"], out=io.StringIO()) == 2


@pytest.mark.parametrize("flag", ["1", "sim", "true"])
def test_starttls_setting_reads_yes_words(monkeypatch, flag):
    from bot.settings import Settings

    monkeypatch.setenv("ATENDE_SMTP_STARTTLS", flag)
    assert Settings().smtp_starttls is True
    monkeypatch.setenv("ATENDE_SMTP_STARTTLS", "")
    assert Settings().smtp_starttls is False
