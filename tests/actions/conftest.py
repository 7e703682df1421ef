"""Fixtures for action tests: a migrated, seeded SQLite database and trackers."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any, Dict, Iterator, List

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

import actions
from actions import base
from actions.base import assinar_identidade
from bot.db.migrate import upgrade
from bot.db.models import IdentificationGuard, OutboxMessage, Ticket, TicketEvent
from bot.db.seed import seed_demo
from bot.db.session import make_engine, make_session_factory
from bot.settings import Settings, get_settings

# The action server imports every module of the package, and each topic registers itself in SERVICOS then; the
# tests see the same registry whichever topic modules they import themselves.
for _modulo in pkgutil.iter_modules(actions.__path__):
    importlib.import_module(f"actions.{_modulo.name}")

DEFAULT_SLOTS: Dict[str, Any] = {
    "identificado": False,
    "beneficiario_id": None,
    "identidade": None,
    "beneficiario_nome": None,
    "beneficiario_candidato": None,
    "tentativas_identificacao": 0,
    "opcao_pendente": None,
    "identificacao_documento": None,
    "identificacao_nascimento": None,
    "requested_slot": None,
    "itens_utilizacao": None,
}


@pytest.fixture(scope="session")
def demo_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'atende.db'}"
    settings = Settings(database_url=url)
    upgrade(settings)
    engine = make_engine(settings)
    seed_demo(session_factory=make_session_factory(engine))
    engine.dispose()
    return url


@pytest.fixture(autouse=True)
def use_demo_database(demo_database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", demo_database_url)
    # Generated files (PDF statements) go to a temporary var/, not the project's.
    monkeypatch.setenv("ATENDE_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    base.session_factory.cache_clear()
    with base.db_session() as session:
        last_ticket = session.scalar(select(func.max(Ticket.id))) or 0
    yield
    # Failed identification guesses outlive conversations by design; not tests. Nor do the tickets a test opened:
    # a ticket left to Maria makes "which protocol?" list hers in whichever test runs next.
    with base.db_session() as session:
        session.execute(delete(IdentificationGuard))
        session.execute(delete(OutboxMessage).where(OutboxMessage.ticket_id > last_ticket))
        session.execute(delete(TicketEvent).where(TicketEvent.ticket_id > last_ticket))
        session.execute(delete(Ticket).where(Ticket.id > last_ticket))
        session.commit()
    get_settings.cache_clear()
    base.session_factory.cache_clear()


@pytest.fixture
def db() -> Iterator[Session]:
    """A session on the demo database, for reading what an answer should show."""
    engine = make_engine(get_settings())
    with make_session_factory(engine)() as session:
        yield session
    engine.dispose()


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def make_tracker(
    slots: Dict[str, Any] | None = None,
    text: str = "",
    intent: str | None = None,
    events: List[Dict[str, Any]] | None = None,
    sender: str = "teste",
) -> Tracker:
    """A tracker as the Rasa server would send it to the action server.

    Slots that say "identified" get the signature the identification form would have set, unless the test
    gives its own ``identidade`` (a forged or copied one).
    """
    merged = {**DEFAULT_SLOTS, **(slots or {})}
    if merged.get("identificado") and merged.get("beneficiario_id") and "identidade" not in (slots or {}):
        merged["identidade"] = assinar_identidade(sender, merged["beneficiario_id"])
    return Tracker(
        sender_id=sender,
        slots=merged,
        latest_message={"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []},
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def identified_tracker(
    beneficiary_id: int, text: str, intent: str, entities: List[Dict[str, Any]] | None = None
) -> Tracker:
    """A tracker of an identified beneficiary whose latest message asked ``intent`` with ``text``."""
    tracker = make_tracker({"identificado": True, "beneficiario_id": str(beneficiary_id)}, text=text, intent=intent)
    tracker.latest_message["entities"] = entities or []
    return tracker


def read_text(dispatcher: CollectingDispatcher) -> str:
    """Everything the user read, one message per line."""
    return "\n".join(t for t in texts(dispatcher) if t)


async def as_served(action: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[str, Any]]:
    """Run ``action`` as the action server does: the checks every message gets (actions.turno) first.

    What the user reads lands in ``dispatcher``; the events are returned.
    """
    from actions.turno import antes_da_acao
    from bot.action_server import Executor

    executor = Executor(antes_da_acao)
    executor.register_action(action)
    result = await executor.run({"next_action": action.name(), "tracker": tracker.current_state(), "domain": {}})
    dispatcher.messages.extend(result["responses"])
    return result["events"]


def texts(dispatcher: CollectingDispatcher) -> List[str]:
    """What the user reads, responses named by template included."""
    return [m.get("text") or m.get("response") for m in dispatcher.messages]


def slot_events(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
