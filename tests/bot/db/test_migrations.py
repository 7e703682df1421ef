"""Alembic builds exactly the schema of the models; engines and sessions behave."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from bot.db.migrate import alembic_config, upgrade
from bot.db.models import Beneficiary, Plan, metadata
from bot.db.session import make_engine, make_session_factory, session_scope
from bot.settings import Settings

EXPECTED_TABLES = {
    "plans",
    "plan_age_bands",
    "beneficiaries",
    "reimbursements",
    "authorizations",
    "invoices",
    "utilization_events",
    "tax_statements",
    "tickets",
    "outbox",
    "identification_guards",
    "agents",
    "agent_sessions",
    "ticket_events",
    "ticket_access_log",
}


def _plan(code: str = "TESTE", **overrides) -> Plan:
    values = dict(
        code=code,
        name="Plano de teste",
        ans_registration="000.000/00-0",
        accommodation="apartamento",
        coverage="",
        base_price=Decimal("100.00"),
        active=True,
    )
    values.update(overrides)
    return Plan(**values)


def test_migrations_create_all_tables(db):
    tables = set(inspect(db.engine).get_table_names())
    assert tables == EXPECTED_TABLES | {"alembic_version"}


def test_database_is_at_head_revision(db):
    head = ScriptDirectory.from_config(alembic_config(db.settings)).get_current_head()
    with db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head


def test_migration_matches_models(db):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_downgrade_to_base_and_upgrade_again(db):
    config = alembic_config(db.settings)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade(db.settings)
    assert EXPECTED_TABLES <= set(inspect(db.engine).get_table_names())


def test_upgrade_twice_is_harmless(db):
    upgrade(db.settings)
    assert EXPECTED_TABLES <= set(inspect(db.engine).get_table_names())


def test_check_constraint_rejects_unknown_enum_value(db):
    with pytest.raises(IntegrityError):
        with session_scope(db.session_factory) as session:
            session.add(_plan(accommodation="suite"))


def test_foreign_keys_are_enforced(db):
    # On SQLite this only holds because make_engine turns PRAGMA foreign_keys on.
    with pytest.raises(IntegrityError):
        with session_scope(db.session_factory) as session:
            session.add(
                Beneficiary(
                    card_number="4175050000001004",
                    name="Sem plano",
                    birth_date=date(1980, 1, 1),
                    kind="titular",
                    relationship="titular",
                    plan_id=999_999,
                    adhesion_date=date(2020, 1, 1),
                    status="ativo",
                )
            )


def test_dependant_without_titular_is_rejected(db):
    with session_scope(db.session_factory) as session:
        session.add(_plan())
    with pytest.raises(IntegrityError):
        with session_scope(db.session_factory) as session:
            plan = session.execute(select(Plan)).scalar_one()
            session.add(
                Beneficiary(
                    card_number="4175050000001012",
                    name="Dependente solto",
                    birth_date=date(1980, 1, 1),
                    kind="dependente_direto",
                    relationship="conjuge",
                    plan_id=plan.id,
                    adhesion_date=date(2020, 1, 1),
                    status="ativo",
                )
            )


def test_session_scope_commits_and_rolls_back(db):
    with session_scope(db.session_factory) as session:
        session.add(_plan("COMMITTED"))
    with pytest.raises(RuntimeError):
        with session_scope(db.session_factory) as session:
            session.add(_plan("ROLLED-BACK"))
            session.flush()
            raise RuntimeError("boom")
    with session_scope(db.session_factory) as session:
        codes = session.execute(select(Plan.code)).scalars().all()
    assert codes == ["COMMITTED"]


def test_money_round_trips_as_decimal(db):
    with session_scope(db.session_factory) as session:
        session.add(_plan(base_price=Decimal("1234.56")))
    with session_scope(db.session_factory) as session:
        price = session.execute(select(Plan.base_price)).scalar_one()
    assert price == Decimal("1234.56")
    assert isinstance(price, Decimal)


def test_make_engine_creates_the_sqlite_folder(tmp_path):
    target = tmp_path / "nested" / "var" / "atende.db"
    engine = make_engine(Settings(database_url=f"sqlite:///{target}"))
    try:
        assert target.parent.is_dir()
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_upgrade_on_a_fresh_sqlite_file(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'var' / 'fresh.db'}")
    upgrade(settings)
    engine = make_engine(settings)
    try:
        assert EXPECTED_TABLES <= set(inspect(engine).get_table_names())
        factory = make_session_factory(engine)
        with session_scope(factory) as session:
            assert session.execute(select(Plan)).first() is None
    finally:
        engine.dispose()
