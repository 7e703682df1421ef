"""Run in a separate process by test_tickets_concurrency: open tickets as fast as possible."""

from __future__ import annotations

from datetime import datetime

from bot.db.session import make_engine, make_session_factory, session_scope
from bot.settings import Settings
from routing.decision import Decision


def open_many(database_url: str, count: int, now_iso: str, start_event=None) -> list[str]:
    """Open ``count`` tickets, one transaction each, and return their protocols."""
    from routing.tickets import open_ticket

    decision = Decision(
        inbox="relacionamento@cemigsaude.org.br",
        cc=(),
        tier="primeira_instancia",
        rule="geral",
        reason="teste de concorrência",
        footer=None,
        tips=(),
        flags=(),
        required_fields=(),
        confidential=False,
    )
    engine = make_engine(Settings(database_url=database_url))
    factory = make_session_factory(engine)
    now = datetime.fromisoformat(now_iso)
    protocols = []
    try:
        if start_event is not None:
            start_event.wait(30)
        for _ in range(count):
            with session_scope(factory) as session:
                ticket = open_ticket(
                    decision, session=session, channel="rest", category="reembolso", summary="concorrência",
                    context={}, now=now,
                )
                protocols.append(ticket.protocol)
    finally:
        engine.dispose()
    return protocols
