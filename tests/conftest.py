"""Suite-wide setup: a fixed product clock, and local state kept out of the repository.

Every test gets its own ``var/`` (ATENDE_VAR_DIR), so the default SQLite file, PDFs, mail spool and
secrets of one test are never another's, whatever order pytest-randomly runs them in.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

from bot.settings import get_settings
from tests.fixed_clock import FIXED_NOW

# Set at import, before any test module, fixture or child process reads the settings: the servers that
# the e2e fixtures start inherit it through the environment.
os.environ["ATENDE_NOW"] = FIXED_NOW
# What runs outside a test (module fixtures, their servers) gets a var/ of the run, never the repository's;
# a developer's own database and Redis are never the suite's.
os.environ["ATENDE_VAR_DIR"] = tempfile.mkdtemp(prefix="atende-testes-")
for _name in ("DATABASE_URL", "REDIS_URL", "ATENDE_TRACKER_URL"):
    os.environ.pop(_name, None)
get_settings.cache_clear()


@pytest.fixture(autouse=True)
def var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """This test's own var/ (created by whatever writes there first), with the settings read afresh."""
    path = tmp_path / "var"
    monkeypatch.setenv("ATENDE_VAR_DIR", str(path))
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list) -> None:
    """Run the browser tests last.

    Playwright's sync API keeps an event loop running in the main thread from the first test that opens a
    page to the end of the session, so any later test that calls ``asyncio.run`` (the outbox, the async
    actions) would fail with "this event loop is already running".
    """
    browser = [item for item in items if "page" in getattr(item, "fixturenames", ())]
    if browser:
        items[:] = [item for item in items if "page" not in getattr(item, "fixturenames", ())] + browser
