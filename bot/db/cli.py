"""Command functions of ``atende db ...``: migrate, import files, load the demo population.

Each returns a process exit code and prints what a person running it needs:
counts on stdout, problems on stderr as ``arquivo:linha: motivo``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import date
from typing import TextIO

from sqlalchemy.exc import SQLAlchemyError

from bot.db.importer import ImportValidationError, import_files
from bot.db.migrate import upgrade
from bot.db.seed import DEFAULT_SEED, seed_demo
from bot.db.session import make_engine, make_session_factory
from bot.settings import Settings, get_settings


def _database_error(exc: SQLAlchemyError, err: TextIO) -> int:
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    print(f"erro no banco de dados: {detail}", file=err)
    print("o banco está migrado? rode: atende db migrate", file=err)
    return 2


def cmd_migrate(settings: Settings | None = None, *, out: TextIO | None = None) -> int:
    """Apply all pending migrations (``alembic upgrade head``).

    Args:
        settings: Target database; the process settings by default.
        out: Stream for the success message (stdout by default).

    Returns:
        0 on success, 2 on a database error.
    """
    settings = settings or get_settings()
    out = out or sys.stdout
    try:
        upgrade(settings)
    except SQLAlchemyError as exc:
        return _database_error(exc, sys.stderr)
    print("banco de dados atualizado (migrações aplicadas)", file=out)
    return 0


def cmd_import(
    paths: Sequence[str],
    settings: Settings | None = None,
    *,
    today: date | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Import data files; all or nothing.

    Args:
        paths: CSV/JSON files named after their tables.
        settings: Target database; the process settings by default.
        today: Reference date for age rules; today by default.
        out: Stream for the counts (stdout by default).
        err: Stream for the errors (stderr by default).

    Returns:
        0 when everything was imported, 1 when any row was invalid (nothing imported),
        2 on a database error.
    """
    settings = settings or get_settings()
    out = out or sys.stdout
    err = err or sys.stderr
    if not paths:
        print("nenhum arquivo informado", file=err)
        return 1
    engine = make_engine(settings)
    try:
        counts = import_files(
            paths, session_factory=make_session_factory(engine), today=today,
            progress=lambda line: print(line, file=err, flush=True),
        )
    except ImportValidationError as exc:
        for issue in exc.errors:
            print(str(issue), file=err)
        print(f"{len(exc.errors)} erro(s); nada foi importado", file=err)
        return 1
    except SQLAlchemyError as exc:
        return _database_error(exc, err)
    finally:
        engine.dispose()
    for table, count in counts.items():
        print(f"{table}: {count.inserted} incluído(s), {count.updated} atualizado(s)", file=out)
    return 0


def cmd_seed_demo(
    settings: Settings | None = None,
    *,
    families: int = 60,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    out: TextIO | None = None,
) -> int:
    """Replace the database content with the synthetic demo population.

    Args:
        settings: Target database; the process settings by default.
        families: Number of families (the demo family included).
        seed: Random seed.
        today: Reference date; today by default.
        out: Stream for the counts (stdout by default).

    Returns:
        0 on success, 2 on a database error.
    """
    settings = settings or get_settings()
    out = out or sys.stdout
    engine = make_engine(settings)
    try:
        counts = seed_demo(
            session_factory=make_session_factory(engine), families=families, seed=seed, today=today
        )
    except SQLAlchemyError as exc:
        return _database_error(exc, sys.stderr)
    finally:
        engine.dispose()
    for table, count in counts.items():
        print(f"{table}: {count}", file=out)
    return 0
