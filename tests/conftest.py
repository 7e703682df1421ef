"""Suite-wide setup: the product's clock is fixed for every test and every server a test starts."""

from __future__ import annotations

import os

from bot.settings import get_settings
from tests.fixed_clock import FIXED_NOW

# Set at import, before any test module, fixture or child process reads the settings: the servers that
# the e2e fixtures start inherit it through the environment.
os.environ["ATENDE_NOW"] = FIXED_NOW
get_settings.cache_clear()
