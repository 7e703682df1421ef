"""Importer behaviour the other importer tests left unchecked (issue 13, mutation testing of bot/db/importer.py).

A file with a name the importer does not read is told every name it does; rows whose key cannot be read are
each reported for their own fault, never as copies of one another; a line break inside a quoted CSV cell
reaches the database as the file wrote it; a CSV whose lines end in a carriage return alone imports; and a row
the database itself refuses (a rule it has that the import does not check) is reported on its line in the
database's words, like any other problem, with the rows that depend on it not reported a second time.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from bot.db.importer import ImportIssue
from bot.db.models import Plan
from bot.db.session import session_scope
from tests.bot.db.test_importer_rejections import (
    BAND,
    PLAN,
    SECOND_PLAN,
    _csv,
    _import,
    _rejected,
    _write,
)


def test_a_file_with_an_unknown_name_is_told_every_name_the_importer_reads(db, tmp_path):
    clients = _write(tmp_path, "clientes.csv", "a;b\n1;2\n")
    expected = (
        "plans.csv, plan_age_bands.csv, beneficiaries.csv, reimbursements.csv, authorizations.csv, invoices.csv, "
        "utilization_events.csv, tax_statements.csv"
    )
    assert _rejected(db, [clients]) == [
        ImportIssue(str(clients), 1, f"nome de arquivo não reconhecido (esperado: {expected}, ou .json)")
    ]


def test_rows_whose_key_cannot_be_read_are_not_taken_for_copies_of_each_other(db, tmp_path):
    bad_code = "code: código de plano inválido {!r} (letras, números, - ou _)"
    plans = _write(
        tmp_path,
        "plans.csv",
        _csv([PLAN, {**SECOND_PLAN, "code": "PLANO OURO"}, {**SECOND_PLAN, "code": "PLANO PRATA", "name": ""}]),
    )
    assert _rejected(db, [plans]) == [
        ImportIssue(str(plans), 3, bad_code.format("PLANO OURO")),
        ImportIssue(str(plans), 4, bad_code.format("PLANO PRATA") + "; name: campo obrigatório vazio"),
    ]


@pytest.mark.parametrize("line_break", ["\r\n", "\n"], ids=["crlf", "lf"])
def test_a_line_break_inside_a_quoted_cell_is_imported_as_the_file_has_it(db, tmp_path, line_break):
    coverage = f"Consultas e exames{line_break}Internação em apartamento"
    header = "code;name;ans_registration;accommodation;coverage;base_price"
    row = f'{PLAN["code"]};{PLAN["name"]};{PLAN["ans_registration"]};apartamento;"{coverage}";189,90'
    plans = tmp_path / "plans.csv"
    plans.write_bytes(f"{header}\r\n{row}\r\n".encode())
    assert _import(db, [plans])["plans"].inserted == 1
    with session_scope(db.session_factory) as session:
        assert session.execute(select(Plan.coverage)).scalar_one() == coverage


def test_a_csv_with_carriage_returns_alone_as_line_ends_imports(db, tmp_path):
    # "CSV (Macintosh)" of older spreadsheet programs ends each line with a carriage return and no line feed.
    plans = tmp_path / "plans.csv"
    plans.write_bytes(_csv([PLAN, SECOND_PLAN]).replace("\n", "\r").encode())
    assert _import(db, [plans])["plans"].inserted == 2


def test_a_row_the_database_refuses_is_reported_on_its_line_in_the_databases_words(db, tmp_path):
    if db.backend != "sqlite":
        pytest.skip("the refusing rule is a SQLite trigger")
    # A rule of the database the import knows nothing about (a constraint added by hand, or a row another
    # process wrote in the meantime) would raise IntegrityError at the flush of that row.
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TRIGGER refuse_ouro BEFORE INSERT ON plans WHEN NEW.code = 'PLANO-OURO' "
                "BEGIN SELECT RAISE(ABORT, 'plano bloqueado pelo administrador'); END"
            )
        )
    try:
        plans = _write(tmp_path, "plans.csv", _csv([PLAN, {**SECOND_PLAN, "code": "PLANO-OURO"}]))
        bands = _write(tmp_path, "plan_age_bands.csv", _csv([BAND, {**BAND, "plan_code": "PLANO-OURO"}]))
        errors = _rejected(db, [plans, bands])
    finally:
        with db.engine.begin() as connection:
            connection.execute(text("DROP TRIGGER refuse_ouro"))
    # The band of the refused plan waits for it, as for any refused plan, instead of being a second problem.
    assert errors == [
        ImportIssue(str(plans), 3, "rejeitado pelo banco de dados: plano bloqueado pelo administrador"),
    ]
