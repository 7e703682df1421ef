"""Reliable delivery of ticket e-mails: the outbox table, claimed row by row, retried with backoff.

Issue 4 asks that an SMTP outage lose nothing and that a retry never send the same ticket twice.

* **Nothing lost.** :func:`routing.tickets.open_ticket` writes the e-mail into ``outbox`` in the ticket's own
  transaction. A failed send keeps the row ``pendente`` with ``attempts`` + 1 and ``next_attempt_at`` pushed by
  an exponential backoff (``outbox_backoff_base``·2^(n-1) seconds, at most ``outbox_backoff_max``); only after
  ``outbox_max_attempts`` failures does it become ``falhou``, and it stays in the table, listed by
  ``atende outbox list`` and put back in the queue by ``atende outbox retry``.
* **Never twice.** A worker claims a row with a conditional ``UPDATE ... WHERE id = :id AND status = 'pendente'
  AND claimed_by IS NULL`` (works the same on SQLite and PostgreSQL; one UPDATE wins, the other sees 0 rows),
  sends it, and marks it ``enviado`` in the transaction right after the server's ``250``. The ``Message-ID`` is
  the row's deterministic ``message_id``. Before the message text is transmitted the row gets ``sending_at``;
  if the send then breaks without a reply (connection lost, timeout) or the process dies before marking the
  row, the server may have the message: such a row goes to ``falhou`` with an explanation instead of being
  retried. This at-most-once window is the time between the end of ``DATA`` and the commit of ``enviado``
  (milliseconds); a person resolves it by checking the inbox for the ``Message-ID`` (``docs/tickets.md``).

``deliver_pending`` makes one pass; ``run_outbox_worker`` loops every ``outbox_interval`` seconds; the
``atende outbox deliver|list|retry|worker`` commands wrap them.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Tuple, TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import OutboxMessage, Ticket, utc_now
from bot.db.session import session_scope
from bot.settings import Settings
from routing.mailer import MailSendError, OutgoingMail, SendReport, SmtpMailer

logger = logging.getLogger(__name__)

T = TypeVar("T")

INTERRUPTED = (
    "envio interrompido depois de transmitido o texto da mensagem: ela pode ter sido entregue. Confira na caixa "
    "de destino pelo Message-ID {message_id} antes de reenviar (atende outbox retry {id})."
)


@dataclass
class DeliveryCounts:
    """What one pass did.

    Attributes:
        sent: Messages accepted by the server and marked ``enviado``.
        retried: Failed sends kept ``pendente`` for a later attempt.
        failed: Rows marked ``falhou`` in this pass (attempts exhausted, or maybe delivered).
        skipped: Rows another worker claimed first.
        released: Stale claims of a dead worker that never began sending, given back to the queue.
        interrupted: Stale claims of a dead worker that had begun sending, marked ``falhou``.
    """

    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    released: int = 0
    interrupted: int = 0

    def to_json(self) -> dict[str, int]:
        """Return the counts as a dict."""
        return asdict(self)

    def __str__(self) -> str:
        return (
            f"enviados: {self.sent}, a tentar de novo: {self.retried}, falharam: {self.failed}, "
            f"com outro processo: {self.skipped}, liberados: {self.released}, interrompidos: {self.interrupted}"
        )


@dataclass(frozen=True)
class _Claimed:
    mail: OutgoingMail
    attempts: int


class ClaimLostError(RuntimeError):
    """The row stopped being ours before the message text was sent (it was not sent)."""


def backoff_delay(attempts: int, settings: Settings) -> timedelta:
    """Return the wait before the next try after ``attempts`` failures: base·2^(attempts-1), capped.

    >>> from bot.settings import Settings
    >>> s = Settings(outbox_backoff_base=30, outbox_backoff_max=3600)
    >>> [int(backoff_delay(n, s).total_seconds()) for n in (1, 2, 3, 7, 8, 20)]
    [30, 60, 120, 1920, 3600, 3600]
    """
    exponent = min(max(attempts, 1) - 1, 30)
    return timedelta(seconds=min(settings.outbox_backoff_base * (2**exponent), settings.outbox_backoff_max))


def _worker_id() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


async def _db(factory: sessionmaker, work: Callable[..., T], *args: Any) -> T:
    # Short synchronous units of work, off the event loop so a worker can share a loop with other services.
    def run() -> T:
        with session_scope(factory) as session:
            return work(session, *args)

    return await asyncio.to_thread(run)


def _recover_stale(session: Session, now: datetime, settings: Settings) -> tuple[int, int]:
    stale = now - timedelta(seconds=settings.outbox_claim_timeout)
    base = [
        OutboxMessage.status == "pendente",
        OutboxMessage.claimed_by.is_not(None),
        OutboxMessage.claimed_at < stale,
    ]
    # Writes first: on SQLite the first statement of the transaction takes the write lock.
    released = session.execute(
        update(OutboxMessage)
        .where(*base, OutboxMessage.sending_at.is_(None))
        .values(claimed_by=None, claimed_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    interrupted_rows = session.execute(
        select(OutboxMessage.id, OutboxMessage.message_id).where(*base, OutboxMessage.sending_at.is_not(None))
    ).all()
    for row_id, message_id in interrupted_rows:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id, *base)
            .values(
                status="falhou",
                last_error=INTERRUPTED.format(message_id=message_id, id=row_id),
                claimed_by=None,
                claimed_at=None,
                sending_at=None,
            )
            .execution_options(synchronize_session=False)
        )
        logger.error("outbox: envio interrompido da mensagem %s (%s): marcada como falhou", row_id, message_id)
    return released, len(interrupted_rows)


def _due_ids(session: Session, now: datetime, limit: int) -> list[int]:
    statement = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.status == "pendente",
            OutboxMessage.claimed_by.is_(None),
            OutboxMessage.next_attempt_at <= now,
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    return list(session.execute(statement).scalars())


def _claim(session: Session, row_id: int, worker: str, now: datetime) -> _Claimed | None:
    claimed = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == row_id,
            OutboxMessage.status == "pendente",
            OutboxMessage.claimed_by.is_(None),
            OutboxMessage.next_attempt_at <= now,
        )
        .values(claimed_by=worker, claimed_at=now, sending_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return None
    row, protocol = session.execute(
        select(OutboxMessage, Ticket.protocol)
        .join(Ticket, Ticket.id == OutboxMessage.ticket_id)
        .where(OutboxMessage.id == row_id)
    ).one()
    mail = OutgoingMail(
        message_id=row.message_id,
        to=row.to_address,
        cc=tuple(row.cc_addresses or ()),
        subject=row.subject,
        body=row.body,
        protocol=protocol,
        date=now,
    )
    return _Claimed(mail, row.attempts)


def _mark_sending(session: Session, row_id: int, worker: str, now: datetime) -> None:
    marked = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.claimed_by == worker, OutboxMessage.status == "pendente")
        .values(sending_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if marked != 1:
        raise ClaimLostError(f"a mensagem {row_id} deixou de estar reservada para este processo")


def _mark_sent(session: Session, row_id: int, now: datetime, report: SendReport) -> None:
    refused = "; ".join(f"{address}: {reply}" for address, reply in report.refused.items())
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id)
        .values(
            status="enviado",
            sent_at=now,
            attempts=OutboxMessage.attempts + 1,
            last_error=f"destinatários recusados: {refused}" if refused else None,
            claimed_by=None,
            claimed_at=None,
        )
        .execution_options(synchronize_session=False)
    )


def _record_failure(
    session: Session,
    claimed: _Claimed,
    row_id: int,
    worker: str,
    error: str,
    maybe_delivered: bool,
    now: datetime,
    settings: Settings,
) -> str:
    attempts = claimed.attempts + 1
    values: dict[str, Any] = dict(attempts=attempts, claimed_by=None, claimed_at=None, sending_at=None)
    if maybe_delivered:
        values.update(
            status="falhou", last_error=f"{INTERRUPTED.format(message_id=claimed.mail.message_id, id=row_id)} ({error})"
        )
        outcome = "failed"
    elif attempts >= settings.outbox_max_attempts:
        values.update(status="falhou", last_error=f"{attempts} tentativas sem sucesso; última: {error}")
        outcome = "failed"
    else:
        values.update(last_error=error, next_attempt_at=now + backoff_delay(attempts, settings))
        outcome = "retried"
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.claimed_by == worker)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return outcome


async def deliver_pending(
    *,
    session_factory: sessionmaker,
    settings: Settings,
    now: datetime | None = None,
    limit: int = 100,
    worker: str | None = None,
) -> DeliveryCounts:
    """Make one delivery pass over the outbox.

    Gives back stale claims of dead workers, then, for each due row (``pendente``, ``next_attempt_at <= now``,
    unclaimed; oldest first): claims it, sends it over one reused SMTP connection, and marks it ``enviado``, or
    records the failure with backoff. When the server cannot be reached, the remaining due rows of the pass are
    recorded as failed attempts too, without further connection attempts.

    Args:
        session_factory: Session factory of the database with the outbox.
        settings: SMTP and outbox settings.
        now: Clock of the pass (aware); the real clock by default. Tests pass it to step through the backoff.
        limit: Rows handled at most in this pass.
        worker: Name of the claimer (host:pid:random by default).

    Returns:
        The counts of the pass.
    """
    clock: Callable[[], datetime] = (lambda: now) if now is not None else utc_now
    worker = worker or _worker_id()
    counts = DeliveryCounts()
    counts.released, counts.interrupted = await _db(session_factory, _recover_stale, clock(), settings)
    due = await _db(session_factory, _due_ids, clock(), limit)
    unreachable: str | None = None
    async with SmtpMailer(settings) as mailer:
        for row_id in due:
            claimed = await _db(session_factory, _claim, row_id, worker, clock())
            if claimed is None:
                counts.skipped += 1
                continue
            if unreachable is not None:
                outcome = await _db(
                    session_factory, _record_failure, claimed, row_id, worker, unreachable, False, clock(), settings
                )
                setattr(counts, outcome, getattr(counts, outcome) + 1)
                continue

            async def before_data(row_id: int = row_id) -> None:
                await _db(session_factory, _mark_sending, row_id, worker, clock())

            try:
                report = await mailer.send(claimed.mail, before_data=before_data)
            except ClaimLostError:
                logger.warning("outbox: mensagem %s reservada por outro processo; não enviada", row_id)
                counts.skipped += 1
                continue
            except MailSendError as exc:
                if exc.connecting:
                    unreachable = str(exc)
                outcome = await _db(
                    session_factory,
                    _record_failure,
                    claimed,
                    row_id,
                    worker,
                    str(exc),
                    exc.maybe_delivered,
                    clock(),
                    settings,
                )
                setattr(counts, outcome, getattr(counts, outcome) + 1)
                logger.warning("outbox: mensagem %s (%s) não enviada: %s", row_id, claimed.mail.message_id, exc)
                continue
            await _db(session_factory, _mark_sent, row_id, clock(), report)
            counts.sent += 1
            logger.info("outbox: mensagem %s enviada para %s (%s)", row_id, claimed.mail.to, claimed.mail.message_id)
    return counts


async def run_outbox_worker(
    *,
    session_factory: sessionmaker,
    settings: Settings,
    stop: asyncio.Event | None = None,
    on_pass: Callable[[DeliveryCounts], None] | None = None,
) -> None:
    """Deliver the outbox every ``settings.outbox_interval`` seconds until ``stop`` is set.

    A pass that fails as a whole (database unavailable) is logged and the loop goes on.

    Args:
        session_factory: Session factory of the database with the outbox.
        settings: SMTP and outbox settings.
        stop: Event that ends the loop after the current pass; never set by default.
        on_pass: Called with the counts of every pass (logging, tests).
    """
    stop = stop or asyncio.Event()
    while not stop.is_set():
        try:
            counts = await deliver_pending(session_factory=session_factory, settings=settings)
        except SQLAlchemyError:
            logger.exception("outbox: banco de dados indisponível nesta passagem")
        else:
            if on_pass is not None:
                on_pass(counts)
            if counts.sent or counts.retried or counts.failed or counts.interrupted:
                logger.info("outbox: %s", counts)
        try:
            await asyncio.wait_for(stop.wait(), timeout=settings.outbox_interval)
        except asyncio.TimeoutError:
            pass


def list_outbox(
    *, session: Session, statuses: Sequence[str] | None = None, limit: int = 50
) -> list[tuple[OutboxMessage, str]]:
    """List outbox rows with their ticket's protocol, newest first.

    Args:
        session: Open session.
        statuses: Only these statuses (``pendente``, ``enviado``, ``falhou``), when given.
        limit: Rows at most.

    Returns:
        Pairs (row, protocol).
    """
    statement = select(OutboxMessage, Ticket.protocol).join(Ticket, Ticket.id == OutboxMessage.ticket_id)
    if statuses:
        statement = statement.where(OutboxMessage.status.in_(list(statuses)))
    statement = statement.order_by(OutboxMessage.id.desc()).limit(limit)
    return [(row, protocol) for row, protocol in session.execute(statement).all()]


def requeue(*, session: Session, ids: Sequence[int] = (), all_failed: bool = False, now: datetime | None = None) -> int:
    """Put ``falhou`` rows back in the queue (after a person checked they were not delivered).

    Attempts start again from zero; the previous error stays in ``last_error`` until the next attempt.

    Args:
        session: Open session.
        ids: Row ids to requeue.
        all_failed: Requeue every ``falhou`` row.
        now: When they become due; now by default.

    Returns:
        How many rows were requeued.
    """
    if not ids and not all_failed:
        return 0
    conditions = [OutboxMessage.status == "falhou"]
    if not all_failed:
        conditions.append(OutboxMessage.id.in_(list(ids)))
    return session.execute(
        update(OutboxMessage)
        .where(*conditions)
        .values(
            status="pendente",
            attempts=0,
            next_attempt_at=now or utc_now(),
            claimed_by=None,
            claimed_at=None,
            sending_at=None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount


def backlog(*, session: Session) -> Tuple[int, datetime | None]:
    """E-mails still waiting to be delivered, and when the oldest of them was queued (for /health)."""
    count, oldest = session.execute(
        select(func.count(OutboxMessage.id), func.min(OutboxMessage.created_at)).where(
            OutboxMessage.status == "pendente"
        )
    ).one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=timezone.utc)
    return int(count), oldest
