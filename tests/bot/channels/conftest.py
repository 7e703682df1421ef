"""Fixtures of the channel tests that need the plan's database: tickets and agents of the console's tests."""

from tests.bot.db.conftest import database  # noqa: F401 - fixture
from tests.painel.conftest import db, novo_agente, novo_chamado  # noqa: F401 - fixtures
