"""Suite-wide setup: the product's clock is fixed for every test and every server a test starts."""

from __future__ import annotations

import os

import pytest

from bot.settings import get_settings
from tests.fixed_clock import FIXED_NOW

# Set at import, before any test module, fixture or child process reads the settings: the servers that
# the e2e fixtures start inherit it through the environment.
os.environ["ATENDE_NOW"] = FIXED_NOW
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
