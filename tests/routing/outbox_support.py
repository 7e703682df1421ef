"""Helpers shared by the outbox tests: rows, a delivery pass at the fixed clock, waiting, a new SMTP handler."""

from __future__ import annotations

import asyncio
from typing import Callable

from sqlalchemy import select

from bot.db.models import OutboxMessage
from bot.db.session import session_scope
from routing.outbox import DeliveryCounts, deliver_pending
from routing.smtp_dev import MailSpool
from tests.routing.conftest import NOW


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
