"""Importer: the shipped examples load; every kind of bad input is reported and nothing is written."""

from __future__ import annotations

import json
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.db import repository as repo
from bot.db import seed
from bot.db.cli import cmd_import, cmd_migrate, cmd_seed_demo
from bot.db.importer import TABLE_ORDER, ImportValidationError, _parse_decimal, import_files
from bot.db.models import (
    Authorization,
    Beneficiary,
    Invoice,
    Plan,
    PlanAgeBand,
    Reimbursement,
    TaxStatement,
    UtilizationEvent,
)
from bot.db.session import session_scope
from tests.bot.db.conftest import TODAY

EXAMPLE_COUNTS = {
    "plans": 2,
    "plan_age_bands": 20,
    "beneficiaries": 5,
    "reimbursements": 3,
    "authorizations": 3,
    "invoices": 4,
    "utilization_events": 4,
    "tax_statements": 5,
}
MODELS = {
    "plans": Plan,
    "plan_age_bands": PlanAgeBand,
    "beneficiaries": Beneficiary,
    "reimbursements": Reimbursement,
    "authorizations": Authorization,
    "invoices": Invoice,
    "utilization_events": UtilizationEvent,
    "tax_statements": TaxStatement,
}
CARLOS_CARD = "4175059000001005"
PATRICIA_CARD = "4175059000001013"
PEDRO_CARD = "4175059000001021"


@pytest.fixture
def examples(tmp_path, import_files_dir) -> Path:
    """A writable copy of data/import, to break on purpose."""
    target = tmp_path / "import"
    shutil.copytree(import_files_dir, target)
    return target


def _rows(db) -> dict[str, int]:
    with session_scope(db.session_factory) as session:
        return {
            name: session.execute(select(func.count()).select_from(m)).scalar_one()
            for name, m in MODELS.items()
        }


def _import(db, paths):
    return import_files([str(p) for p in paths], session_factory=db.session_factory, today=TODAY)


def _errors(db, paths) -> list:
    with pytest.raises(ImportValidationError) as caught:
        _import(db, paths)
    return caught.value.errors


def _replace_line(path: Path, number: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[number - 1], f"{old!r} not on line {number} of {path.name}"
    lines[number - 1] = lines[number - 1].replace(old, new)
    path.write_text("".join(lines), encoding="utf-8")


def test_example_files_cover_every_table(import_files_dir):
    assert sorted(p.stem for p in import_files_dir.glob("*.csv")) == sorted(TABLE_ORDER)


def test_happy_path_imports_examples_in_any_order(db, import_files_dir):
    # Reverse alphabetical order puts tax_statements before beneficiaries: the importer reorders.
    paths = sorted(import_files_dir.glob("*.csv"), reverse=True)
    counts = _import(db, paths)
    assert {name: c.inserted for name, c in counts.items()} == EXAMPLE_COUNTS
    assert all(c.updated == 0 for c in counts.values())
    assert _rows(db) == EXAMPLE_COUNTS
    with session_scope(db.session_factory) as session:
        carlos = repo.find_beneficiary_by_card(CARLOS_CARD, session=session)
        family = repo.list_family(carlos.id, session=session)
        patricia_reimbursement = repo.list_reimbursements([family[1].id], session=session)[0]
        invoices = repo.list_invoices([carlos.id], session=session)
        tereza = repo.find_beneficiary_by_card("4175059000002011", session=session)
        tereza_invoices = repo.list_invoices([tereza.id], session=session)
    assert [m.card_number for m in family] == [CARLOS_CARD, PATRICIA_CARD, PEDRO_CARD]
    assert carlos.cpf == "44771278202"  # typed as 447.712.782-02
    assert carlos.birth_date == date(1968, 4, 22)  # typed as 22/04/1968
    assert carlos.phone == "31900001101"  # typed as (31) 90000-1101
    assert family[2].guardian_name == "Carlos Eduardo Lima"
    assert patricia_reimbursement.amount_requested == Decimal("1450.00")  # typed as 1.450,00
    assert patricia_reimbursement.amount_approved == Decimal("1210.35")
    assert [i.competence for i in invoices] == [date(2026, 10, 1), date(2026, 9, 1)]  # typed as 2026-10
    assert invoices[0].status == "aberto" and invoices[0].due_date == date(2026, 10, 15)
    assert tereza.kind == "dependente_especial" and len(tereza_invoices) == 1


def test_second_import_updates_instead_of_duplicating(db, examples):
    _import(db, examples.glob("*.csv"))
    _replace_line(examples / "beneficiaries.csv", 2, "Carlos Eduardo Lima", "Carlos Eduardo de Lima")
    counts = _import(db, examples.glob("*.csv"))
    assert {name: c.updated for name, c in counts.items()} == EXAMPLE_COUNTS
    assert all(c.inserted == 0 for c in counts.values())
    assert _rows(db) == EXAMPLE_COUNTS
    with session_scope(db.session_factory) as session:
        assert repo.find_beneficiary_by_card(CARLOS_CARD, session=session).name == "Carlos Eduardo de Lima"


def test_bad_cpf_checksum_is_reported_with_file_and_line_and_nothing_is_imported(db, examples):
    _replace_line(examples / "beneficiaries.csv", 3, "26197306948", "26197306949")
    errors = _errors(db, examples.glob("*.csv"))
    assert [(Path(e.file).name, e.line) for e in errors] == [("beneficiaries.csv", 3)]
    assert "CPF inválido" in errors[0].reason and "26197306949" in errors[0].reason
    assert str(errors[0]).endswith(f"beneficiaries.csv:3: {errors[0].reason}")
    # Plans and bands were valid, but the import is all or nothing.
    assert set(_rows(db).values()) == {0}


def test_unknown_plan_reference(db, examples):
    _replace_line(examples / "beneficiaries.csv", 5, "CLASSICO-ENF", "PLANO-OURO")
    errors = _errors(db, examples.glob("*.csv"))
    assert [(Path(e.file).name, e.line) for e in errors] == [("beneficiaries.csv", 5)]
    assert "plano 'PLANO-OURO' não existe" in errors[0].reason
    assert set(_rows(db).values()) == {0}


def test_bad_dates(db, examples):
    _replace_line(examples / "reimbursements.csv", 2, "2026-10-20", "2026-13-45")
    _replace_line(examples / "authorizations.csv", 4, "2026-10-27", "27/10/26")
    errors = _errors(db, examples.glob("*.csv"))
    found = {(Path(e.file).name, e.line): e.reason for e in errors}
    assert set(found) == {("reimbursements.csv", 2), ("authorizations.csv", 4)}
    assert "requested_on: data inválida '2026-13-45'" in found[("reimbursements.csv", 2)]
    assert "requested_on: data inválida '27/10/26'" in found[("authorizations.csv", 4)]


def test_broken_json_reports_the_line(db, tmp_path):
    path = tmp_path / "plans.json"
    path.write_text(
        '[\n  {"code": "A", "name": "Plano A", "ans_registration": "1", "accommodation": "apartamento",\n'
        '   "base_price": 10}\n  {"code": "B"}\n]\n',
        encoding="utf-8",
    )
    errors = _errors(db, [path])
    assert [(e.line, e.reason) for e in errors] == [(4, "JSON inválido: esperava ',' ou ']'")]


def test_json_syntax_error_inside_an_object(db, tmp_path):
    path = tmp_path / "plans.json"
    path.write_text('[\n  {"code": "A",\n   "name": }\n]\n', encoding="utf-8")
    errors = _errors(db, [path])
    assert len(errors) == 1 and errors[0].line == 3 and errors[0].reason.startswith("JSON inválido")


def test_json_happy_path_with_native_types(db, tmp_path):
    plans = [
        {
            "code": "json-1",
            "name": "Plano JSON",
            "ans_registration": "000.000/00-1",
            "accommodation": "Enfermaria",
            "base_price": 99.9,
            "active": False,
        }
    ]
    bands = [{"plan_code": "JSON-1", "min_age": 0, "max_age": 18, "price": "99,90"}]
    (tmp_path / "plans.json").write_text(json.dumps(plans), encoding="utf-8")
    (tmp_path / "plan_age_bands.json").write_text(json.dumps(bands), encoding="utf-8")
    counts = _import(db, [tmp_path / "plan_age_bands.json", tmp_path / "plans.json"])
    assert counts["plans"].inserted == 1 and counts["plan_age_bands"].inserted == 1
    with session_scope(db.session_factory) as session:
        plan = repo.find_plan_by_code("JSON-1", session=session)
        assert plan.base_price == Decimal("99.90")
        assert plan.accommodation == "enfermaria" and plan.active is False
        assert [(b.min_age, b.max_age, b.price) for b in plan.age_bands] == [(0, 18, Decimal("99.90"))]


def test_duplicate_key_in_the_same_file(db, examples):
    path = examples / "authorizations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines + [lines[1]]), encoding="utf-8")
    errors = _errors(db, examples.glob("*.csv"))
    assert [(Path(e.file).name, e.line) for e in errors] == [("authorizations.csv", 5)]
    assert "registro duplicado" in errors[0].reason and "linha 2" in errors[0].reason


def test_duplicate_cpf_against_the_database(db, examples):
    seed.seed_demo(session_factory=db.session_factory, families=3, today=TODAY)
    _replace_line(examples / "beneficiaries.csv", 3, "26197306948", seed.DEMO_SPOUSE_CPF)
    errors = _errors(db, examples.glob("*.csv"))
    assert [(Path(e.file).name, e.line) for e in errors] == [("beneficiaries.csv", 3)]
    assert f"CPF já cadastrado para o cartão {seed.DEMO_SPOUSE_CARD}" in errors[0].reason


def test_bad_card_luhn(db, examples):
    _replace_line(examples / "beneficiaries.csv", 2, "4175059000001005;", "4175059000001006;")
    errors = _errors(db, examples.glob("*.csv"))
    found = {(Path(e.file).name, e.line): e.reason for e in errors}
    assert "card_number: número de cartão inválido '4175059000001006'" in found[("beneficiaries.csv", 2)]
    # The dependants still point at 4175059000001005, which is now nowhere to be found.
    assert "cartão 4175059000001005 não existe" in found[("beneficiaries.csv", 3)]


def test_rows_depending_on_a_rejected_row_are_not_reported_again(db, examples):
    _replace_line(examples / "beneficiaries.csv", 2, "447.712.782-02", "447.712.782-03")
    errors = _errors(db, examples.glob("*.csv"))
    # Only the titular's bad CPF: his dependants, reimbursement, invoices... wait for that fix.
    assert [(Path(e.file).name, e.line) for e in errors] == [("beneficiaries.csv", 2)]


def test_undecodable_bytes(db, examples):
    path = examples / "plans.csv"
    path.write_bytes(
        path.read_bytes().replace("Clássico Enfermaria".encode(), "Cl\xe1ssico".encode("latin-1"))
    )
    errors = _errors(db, examples.glob("*.csv"))
    assert [(Path(e.file).name, e.line) for e in errors] == [("plans.csv", 3)]
    assert "UTF-8" in errors[0].reason


def test_unknown_file_name_and_missing_header_column(db, tmp_path, examples):
    (tmp_path / "clientes.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    (examples / "tax_statements.csv").write_text("beneficiary_card_number;year\n", encoding="utf-8")
    errors = _errors(db, [tmp_path / "clientes.csv", examples / "tax_statements.csv"])
    found = {(Path(e.file).name, e.line): e.reason for e in errors}
    assert "nome de arquivo não reconhecido" in found[("clientes.csv", 1)]
    assert "colunas obrigatórias ausentes: contributions_paid, copay_paid" in found[("tax_statements.csv", 1)]


def test_row_rules_are_checked(db, examples):
    # Exempt category with co-payment (Art. 82 §4º) and a minor without a guardian (Art. 17 X).
    _replace_line(examples / "utilization_events.csv", 3, "120,00;0,00", "120,00;36,00")
    _replace_line(examples / "beneficiaries.csv", 4, "Carlos Eduardo Lima;44771278202", ";")
    errors = _errors(db, examples.glob("*.csv"))
    found = {(Path(e.file).name, e.line): e.reason for e in errors}
    assert "isenta de coparticipação" in found[("utilization_events.csv", 3)]
    assert "guardian_name: obrigatório para menor de 18 anos" in found[("beneficiaries.csv", 4)]


def test_dependant_may_come_before_its_titular_and_may_reference_the_database(db, examples):
    seed.seed_demo(session_factory=db.session_factory, families=2, today=TODAY)
    path = examples / "beneficiaries.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([lines[0], lines[3], lines[2], lines[1]]), encoding="utf-8")
    (examples / "reimbursements.csv").write_text(
        "protocol;beneficiary_card_number;requested_on;service_date;service_description;status;"
        "amount_requested\n"
        f"41750520261101999999;{seed.DEMO_DAUGHTER_CARD};01/11/2026;30/10/2026;Urgência;em_analise;250\n",
        encoding="utf-8",
    )
    counts = _import(
        db, [examples / "plans.csv", examples / "plan_age_bands.csv", path, examples / "reimbursements.csv"]
    )
    assert counts["beneficiaries"].inserted == 3
    assert counts["reimbursements"].inserted == 1
    with session_scope(db.session_factory) as session:
        request = repo.find_reimbursement_by_protocol("41750520261101999999", session=session)
        assert request.beneficiary.name == seed.DEMO_DAUGHTER_NAME


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1.234,56", Decimal("1234.56")),
        ("1234.56", Decimal("1234.56")),
        ("1234,5", Decimal("1234.50")),
        ("1,234.56", Decimal("1234.56")),
        ("R$ 2.000,00", Decimal("2000.00")),
        ("1.234.567", Decimal("1234567.00")),
        ("0", Decimal("0.00")),
        (12, Decimal("12.00")),
    ],
)
def test_decimal_formats(text, expected):
    assert _parse_decimal(text) == expected


@pytest.mark.parametrize("text", ["1.234", "12,345,6", "-5", "abc", "1e3", "1,2.3,4"])
def test_decimal_rejects(text):
    with pytest.raises(ValueError):
        _parse_decimal(text)


def test_cli_import_prints_errors_and_returns_1(db, examples, capsys):
    _replace_line(examples / "beneficiaries.csv", 3, "26197306948", "26197306949")
    code = cmd_import([str(p) for p in sorted(examples.glob("*.csv"))], db.settings, today=TODAY)
    captured = capsys.readouterr()
    assert code == 1
    # Progress lines come first on stderr ("lendo ...", "...: conferindo e gravando N linha(s)"), then the errors.
    first = next(line for line in captured.err.splitlines() if ":3:" in line)
    assert first.startswith(f"{examples / 'beneficiaries.csv'}:3: cpf: CPF inválido")
    assert "nada foi importado" in captured.err
    assert captured.out == ""


def test_cli_import_success_prints_counts(db, import_files_dir, capsys):
    code = cmd_import([str(p) for p in sorted(import_files_dir.glob("*.csv"))], db.settings, today=TODAY)
    captured = capsys.readouterr()
    out = captured.out.splitlines()
    assert code == 0
    assert out[0] == "plans: 2 incluído(s), 0 atualizado(s)"
    progress = captured.err.splitlines()
    assert f"lendo {import_files_dir / 'plans.csv'}" in progress
    assert f"{import_files_dir / 'beneficiaries.csv'}: conferindo e gravando 5 linha(s)" in progress
    assert "beneficiaries: 5 incluído(s), 0 atualizado(s)" in out


def test_cli_migrate_and_seed_demo(db, capsys):
    assert cmd_migrate(db.settings) == 0
    assert cmd_seed_demo(db.settings, families=3, today=TODAY) == 0
    out = capsys.readouterr().out
    assert "beneficiaries:" in out
    with session_scope(db.session_factory) as session:
        assert repo.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=session) is not None
