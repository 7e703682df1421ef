"""Run the Alembic migrations from Python (CLI, tests, container start-up)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from bot.db.session import make_engine
from bot.settings import PROJECT_ROOT, Settings

ALEMBIC_INI = PROJECT_ROOT / "alembic.ini"
MIGRATIONS_DIR = PROJECT_ROOT / "bot" / "db" / "migrations"


def alembic_config(settings: Settings) -> Config:
    """Build the Alembic configuration for a given database.

    Args:
        settings: Settings whose ``database_url`` is the target.

    Returns:
        A config usable with :mod:`alembic.command`, independent of the current directory.
    """
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["settings"] = settings
    config.attributes["configure_logging"] = False
    return config


def upgrade(settings: Settings, revision: str = "head") -> None:
    """Bring the database named by ``settings`` up to ``revision`` (``alembic upgrade head``).

    Args:
        settings: Settings whose ``database_url`` is migrated.
        revision: Target revision; the latest by default.
    """
    config = alembic_config(settings)
    engine = make_engine(settings)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()
