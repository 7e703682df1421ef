"""``atende outbox ...``: the command-line face of the ticket e-mail outbox (routing/outbox.py).

Printing and exit codes live here, in the shell; the delivery itself (claims, retries, backoff) stays in
:mod:`routing.outbox`.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Sequence, TextIO

from sqlalchemy.exc import SQLAlchemyError

from bot.db.models import OUTBOX_STATUSES
from bot.db.session import make_engine, make_session_factory, session_scope
from bot.settings import Settings, get_settings
from routing.outbox import deliver_pending, list_outbox, requeue, run_outbox_worker


def _open(settings: Settings):
    engine = make_engine(settings)
    return engine, make_session_factory(engine)


def _database_error(exc: SQLAlchemyError) -> int:
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    print(f"erro no banco de dados: {detail}", file=sys.stderr)
    print("o banco está migrado? rode: atende db migrate", file=sys.stderr)
    return 2


def cmd_deliver(settings: Settings | None = None, *, out: TextIO | None = None) -> int:
    """``atende outbox deliver``: one delivery pass; prints the counts.

    Returns:
        0 after the pass (failures stay in the outbox), 2 on a database error.
    """
    settings = settings or get_settings()
    out = out or sys.stdout
    engine, factory = _open(settings)
    try:
        counts = asyncio.run(deliver_pending(session_factory=factory, settings=settings))
    except SQLAlchemyError as exc:
        return _database_error(exc)
    finally:
        engine.dispose()
    print(f"outbox: {counts}", file=out)
    return 0


def cmd_list(
    settings: Settings | None = None,
    *,
    statuses: Sequence[str] | None = None,
    limit: int = 50,
    out: TextIO | None = None,
) -> int:
    """``atende outbox list``: one line per e-mail, newest first.

    Returns:
        0, or 2 on a database error.
    """
    settings = settings or get_settings()
    out = out or sys.stdout
    for status in statuses or ():
        if status not in OUTBOX_STATUSES:
            print(f"situação desconhecida: {status} (use {', '.join(OUTBOX_STATUSES)})", file=sys.stderr)
            return 2
    engine, factory = _open(settings)
    try:
        with session_scope(factory) as session:
            rows = list_outbox(session=session, statuses=statuses, limit=limit)
    except SQLAlchemyError as exc:
        return _database_error(exc)
    finally:
        engine.dispose()
    if not rows:
        print("nenhuma mensagem na fila", file=out)
        return 0
    print("id\tprotocolo\tsituação\ttentativas\tpróxima tentativa / enviada\tpara\tcópia\terro", file=out)
    for row, protocol in rows:
        when = row.sent_at if row.status == "enviado" else row.next_attempt_at
        print(
            "\t".join(
                [
                    str(row.id),
                    protocol,
                    row.status + (" (em envio)" if row.claimed_by else ""),
                    str(row.attempts),
                    f"{when:%Y-%m-%d %H:%M:%S}Z" if when else "-",
                    row.to_address,
                    ", ".join(row.cc_addresses or []) or "-",
                    (row.last_error or "-").replace("\n", " ")[:200],
                ]
            ),
            file=out,
        )
    return 0


def cmd_retry(
    ids: Sequence[int], *, all_failed: bool = False, settings: Settings | None = None, out: TextIO | None = None
) -> int:
    """``atende outbox retry ID... | --todas``: requeue failed e-mails.

    Returns:
        0 when something was requeued, 1 when nothing matched, 2 on a database error.
    """
    settings = settings or get_settings()
    out = out or sys.stdout
    engine, factory = _open(settings)
    try:
        with session_scope(factory) as session:
            count = requeue(session=session, ids=ids, all_failed=all_failed)
    except SQLAlchemyError as exc:
        return _database_error(exc)
    finally:
        engine.dispose()
    print(f"{count} mensagem(ns) de volta à fila", file=out)
    return 0 if count else 1




def cmd_worker(settings: Settings | None = None) -> int:
    """``atende outbox worker``: deliver continuously until Ctrl-C or SIGTERM.

    Returns:
        0.
    """
    import signal

    settings = settings or get_settings()
    engine, factory = _open(settings)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        print(
            f"outbox: entregando a cada {settings.outbox_interval:g}s via {settings.smtp_host}:{settings.smtp_port}",
            flush=True,
        )
        await run_outbox_worker(session_factory=factory, settings=settings, stop=stop)

    try:
        asyncio.run(main())
    finally:
        engine.dispose()
    return 0
