"""Helpers shared by the outbox tests: a ticket with its e-mail, rows, a delivery pass at the fixed clock, waiting,
a new SMTP handler."""

from __future__ import annotations

import asyncio
from typing import Callable

from sqlalchemy import select, update

from bot.db.models import OutboxMessage
from bot.db.session import session_scope
from routing.outbox import DeliveryCounts, deliver_pending
from routing.smtp_dev import MailSpool
from routing.tickets import open_ticket
from tests.routing.conftest import NOW, make_decision


def open_reimbursement_ticket(session_factory, decision=None, now=NOW):
    """Open a WhatsApp reimbursement ticket, which queues its e-mail; return the ticket."""
    with session_scope(session_factory) as session:
        return open_ticket(
            decision or make_decision(),
            session=session,
            channel="whatsapp",
            category="reembolso",
            summary="Quero o reembolso da consulta de outubro",
            context={"transcricao": ["Beneficiário: Quero o reembolso da consulta de outubro"]},
            now=now,
        )


def set_columns(session_factory, row_id: int, **values) -> None:
    """Write ``values`` straight into outbox row ``row_id``, as another worker or an operator would."""
    with session_scope(session_factory) as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values))


def rows(session_factory) -> list[OutboxMessage]:
    with session_scope(session_factory) as session:
        return list(session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


async def deliver(session_factory, settings, now=NOW, **kwargs) -> DeliveryCounts:
    return await deliver_pending(session_factory=session_factory, settings=settings, now=now, **kwargs)


async def until(predicate: Callable[[], object], timeout: float = 10.0) -> None:
    """Wait until ``predicate()`` holds (raise after ``timeout`` seconds)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"condição não atingida em {timeout} s")
        await asyncio.sleep(0.02)


def swap_handler(smtp, handler: MailSpool) -> None:
    smtp.stop()
    smtp.spool = handler
    smtp.start()
