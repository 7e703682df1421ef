"""The conversations' SQLite file (bot/tracker_store.py): a turn is saved while someone else reads the file, and a
conversation written by a store that was never closed is there for the next one (a killed Rasa server)."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.settings import get_settings
from bot.tracker_store import AtendeTrackerStore

T0 = 1_796_216_400.0  # 2026-12-02 10:00 in São Paulo: nothing here reads the clock.


@pytest.fixture
def conversations(tmp_path, monkeypatch):
    path = tmp_path / "conversas.db"
    monkeypatch.setenv("ATENDE_TRACKER_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def _turn(text: str, answer: str, when: float):
    return [UserUttered(text, {"name": "saudacao"}, timestamp=when), BotUttered(answer, timestamp=when + 1)]


def _texts(tracker: DialogueStateTracker) -> list[str]:
    return [event.text for event in tracker.events if isinstance(event, (UserUttered, BotUttered))]


def test_a_turn_is_saved_while_another_process_is_reading_the_conversations(conversations):
    store = AtendeTrackerStore(domain=Domain.empty())
    asyncio.run(store.save(DialogueStateTracker.from_events("whatsapp:+5531999990001", _turn("oi", "Olá!", T0))))
    # The retention command or a second server reading in the middle of a turn: with a rollback journal the
    # commit would wait for this reader and give up after Rasa's 5 s, and the turn would be lost.
    reader = sqlite3.connect(conversations, timeout=0.1, isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM events").fetchone() == (2,)

    tracker = asyncio.run(store.retrieve("whatsapp:+5531999990001"))
    for event in _turn("2", "Informe seu CPF.", T0 + 10):
        tracker.update(event)
    asyncio.run(store.save(tracker))
    reader.execute("COMMIT")

    assert reader.execute("SELECT count(*) FROM events").fetchone() == (4,)
    reader.close()


def test_a_conversation_written_by_a_server_that_was_never_closed_is_read_by_the_next(conversations):
    first = AtendeTrackerStore(domain=Domain.empty())
    asyncio.run(first.save(DialogueStateTracker.from_events("telegram:5550001", _turn("oi", "Olá!", T0))))
    # No dispose, no checkpoint: the turn may still be only in the write-ahead log, as after kill -9.

    again = AtendeTrackerStore(domain=Domain.empty())
    assert _texts(asyncio.run(again.retrieve("telegram:5550001"))) == ["oi", "Olá!"]
    assert sqlite3.connect(conversations).execute("PRAGMA journal_mode").fetchone() == ("wal",)
