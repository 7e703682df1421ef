"""Retention of conversations (LGPD): ``atende conversas expurgar`` deletes what is older than the setting."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine, text

from bot.cli import main
from bot.settings import get_settings
from tests.fixed_clock import FIXED_NOW

NOW = datetime.fromisoformat(FIXED_NOW)


@pytest.fixture
def events(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'conversas.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, timestamp FLOAT)"))
        for sender, age in (("antiga", 200), ("limite", 179), ("nova", 1)):
            connection.execute(text("INSERT INTO events (sender_id, timestamp) VALUES (:s, :t)"),
                               {"s": sender, "t": (NOW - timedelta(days=age)).timestamp()})
    monkeypatch.setenv("ATENDE_TRACKER_URL", url)
    monkeypatch.setenv("ATENDE_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    yield engine
    get_settings.cache_clear()
    engine.dispose()


def _senders(engine) -> list[str]:
    with engine.connect() as connection:
        return sorted(connection.execute(text("SELECT sender_id FROM events")).scalars())


def test_default_retention_is_180_days(events, capsys):
    assert main(["conversas", "expurgar"]) == 0
    assert "1 eventos com mais de 180 dias apagados" in capsys.readouterr().out
    assert _senders(events) == ["limite", "nova"]


def test_retention_given_on_the_command_line(events, monkeypatch, capsys):
    monkeypatch.setenv("ATENDE_CONVERSATION_RETENTION_DAYS", "365")
    get_settings.cache_clear()
    assert main(["conversas", "expurgar", "--dias", "30"]) == 0
    assert _senders(events) == ["nova"]


def test_a_store_not_created_yet_is_not_an_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ATENDE_TRACKER_URL", f"sqlite:///{tmp_path / 'vazio.db'}")
    get_settings.cache_clear()
    assert main(["conversas", "expurgar"]) == 0
    assert "0 eventos" in capsys.readouterr().out
    get_settings.cache_clear()
