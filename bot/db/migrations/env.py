"""Alembic environment: the database URL comes from :class:`bot.settings.Settings`.

Run from the command line (``alembic upgrade head``) the URL is read from
``DATABASE_URL``. :func:`bot.db.migrate.upgrade` instead hands over an open
connection in ``config.attributes["connection"]`` so tests and the CLI migrate
exactly the database their settings name.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context

from bot.db.models import metadata
from bot.db.session import make_engine
from bot.settings import Settings

config = context.config
target_metadata = metadata


def _settings() -> Settings:
    return config.attributes.get("settings") or Settings()


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        # SQLite cannot ALTER most things; batch mode recreates tables so later revisions stay portable.
        render_as_batch=connection.dialect.name == "sqlite",
    )


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of touching a database."""
    context.configure(
        url=_settings().database_url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on a live connection."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_settings())
    try:
        with engine.connect() as connection:
            _configure(connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


# Only the alembic command line owns logging; programmatic runs keep the caller's configuration.
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
