"""The importer's messages to the word, where the other importer tests only look for a fragment (issue 13).

An operator fixes a file from these lines alone: the line of a byte that is not UTF-8 and which byte it is, a
CSV the csv module cannot read, a reference to a plan that exists nowhere, a date in an unknown format, and the
``arquivo:linha: motivo`` lines the caller prints.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.db.importer import ImportIssue, iter_issue_lines
from bot.db.models import Plan, PlanAgeBand
from bot.db.session import session_scope
from tests.bot.db.test_importer_rejections import (
    BAND,
    HELENA,
    LEADING_ROWS,
    PATRICIA_CARD,
    PLAN,
    REIMBURSEMENT,
    SECOND_BAND,
    SECOND_PLAN,
    SECOND_TAX,
    TAX,
    _base,
    _batch,
    _csv,
    _import,
    _rejected,
    _with,
    _write,
)


def test_a_byte_that_is_not_utf8_is_named_with_its_line(db, tmp_path):
    rows = _csv([*LEADING_ROWS["tax_statements"], *LEADING_ROWS["tax_statements"]]).encode("utf-8").splitlines()
    # Line 3 was saved as Latin-1 by a spreadsheet: "ç" is the single byte 0xe7.
    data = b"\n".join([rows[0], rows[1], rows[2].replace(b"2025", "2025 ç".encode("latin-1"))]) + b"\n"
    taxes = _write(tmp_path, "tax_statements.csv", data)
    errors = _rejected(db, [*_base(tmp_path), taxes])
    assert errors == [ImportIssue(str(taxes), 3, "arquivo não está em UTF-8 (byte inválido 0xe7)")]


def test_a_csv_the_reader_refuses_is_reported_on_its_line_with_the_readers_words(db, tmp_path):
    lines = _csv([*LEADING_ROWS["tax_statements"]]).splitlines()
    taxes = _write(tmp_path, "tax_statements.csv", "\n".join([lines[0], lines[1], "2025;\x00;1;2"]) + "\n")
    errors = _rejected(db, [*_base(tmp_path), taxes])
    assert errors == [ImportIssue(str(taxes), 3, "CSV malformado: erro de leitura (line contains NUL)")]


def test_an_age_band_of_a_plan_that_exists_nowhere(db, tmp_path):
    paths, target, line = _batch(tmp_path, "plan_age_bands", _with(SECOND_BAND, plan_code="plano-ouro"))
    reason = "plan_code: plano 'PLANO-OURO' não existe no banco nem no arquivo plans"
    assert _rejected(db, paths) == [ImportIssue(str(target), line, reason)]


def test_a_date_in_an_unknown_format_says_which_formats_are_read(db, tmp_path):
    paths, target, line = _batch(tmp_path, "beneficiaries", _with(HELENA, birth_date="02-11-1980"))
    reason = "birth_date: data inválida '02-11-1980' (use aaaa-mm-dd ou dd/mm/aaaa)"
    assert _rejected(db, paths) == [ImportIssue(str(target), line, reason)]


def test_issue_lines_are_file_line_and_reason():
    issues = [ImportIssue("dados/plans.csv", 3, "name: campo obrigatório vazio"),
              ImportIssue("dados/invoices.json", 12, "JSON inválido: esperava ',' ou ']'")]
    assert list(iter_issue_lines(issues)) == [
        "dados/plans.csv:3: name: campo obrigatório vazio",
        "dados/invoices.json:12: JSON inválido: esperava ',' ou ']'",
    ]


def test_references_into_a_file_that_could_not_be_read_whole_are_not_reported_again(db, tmp_path):
    # beneficiaries.csv breaks on line 3: Patrícia may well be in the part that was lost, so her
    # reimbursement waits for that file to be fixed instead of being reported as a second problem.
    lines = _csv(LEADING_ROWS["beneficiaries"]).splitlines()
    people = _write(tmp_path, "beneficiaries.csv", "\n".join([lines[0], lines[1], "\x00" + lines[2]]) + "\n")
    plans = _write(tmp_path, "plans.csv", _csv(LEADING_ROWS["plans"]))
    refund = _write(tmp_path, "reimbursements.csv", _csv([{**REIMBURSEMENT, "beneficiary_card_number": PATRICIA_CARD}]))
    errors = _rejected(db, [plans, people, refund])
    assert errors == [ImportIssue(str(people), 3, "CSV malformado: erro de leitura (line contains NUL)")]


def test_references_into_a_plans_file_that_could_not_be_read_whole_are_not_reported_again(db, tmp_path):
    lines = _csv([PLAN, SECOND_PLAN]).splitlines()
    plans = _write(tmp_path, "plans.csv", "\n".join([lines[0], lines[1], "\x00" + lines[2]]) + "\n")
    bands = _write(tmp_path, "plan_age_bands.csv", _csv([{**BAND, "plan_code": SECOND_PLAN["code"]}]))
    errors = _rejected(db, [plans, bands])
    assert errors == [ImportIssue(str(plans), 3, "CSV malformado: erro de leitura (line contains NUL)")]


def test_every_repeated_and_unknown_column_is_named(db, tmp_path):
    header = "beneficiary_card_number;year;year;contributions_paid;copay_paid;copay_paid;desconto;obs"
    taxes = _write(tmp_path, "tax_statements.csv", header + "\n")
    errors = _rejected(db, [*_base(tmp_path), taxes])
    assert errors == [
        ImportIssue(str(taxes), 1, "cabeçalho inválido: colunas repetidas: copay_paid, year"),
        ImportIssue(str(taxes), 1, "cabeçalho inválido: colunas desconhecidas: desconto, obs"),
    ]


def test_rows_after_one_with_too_many_cells_are_still_checked(db, tmp_path):
    text = _csv([TAX]) + ";".join(SECOND_TAX.values()) + ";\n" + ";".join({**SECOND_TAX, "year": "1999"}.values())
    taxes = _write(tmp_path, "tax_statements.csv", text + "\n")
    errors = _rejected(db, [*_base(tmp_path), taxes])
    assert errors == [
        ImportIssue(str(taxes), 3, "linha com 5 colunas, mas o cabeçalho tem 4"),
        ImportIssue(str(taxes), 4, "year: ano fora do intervalo 2000-2026"),
    ]


def test_every_problem_of_a_row_is_given_in_one_line(db, tmp_path):
    paths, target, line = _batch(tmp_path, "plans", {**SECOND_PLAN, "name": "", "base_price": "caro"})
    reason = "name: campo obrigatório vazio; base_price: valor inválido 'caro' (use 1234,56 ou 1234.56)"
    assert _rejected(db, paths) == [ImportIssue(str(target), line, reason)]


def test_every_rule_a_row_breaks_is_given_in_one_line(db, tmp_path):
    row = {**REIMBURSEMENT, "protocol": "41750520261020900002", "service_date": "2026-10-25", "status": "negado"}
    paths, target, line = _batch(tmp_path, "reimbursements", row)
    reason = ("service_date: atendimento posterior à data do pedido; "
              "denial_reason: obrigatório quando o status é negado")
    assert _rejected(db, paths) == [ImportIssue(str(target), line, reason)]


def test_a_repeated_invoice_names_both_key_columns_and_the_first_line(db, tmp_path):
    paths, target, line = _batch(tmp_path, "invoices", {**LEADING_ROWS["invoices"][0], "amount": "x"})
    reason = ("amount: valor inválido 'x' (use 1234,56 ou 1234.56); "
              "registro duplicado: mesma chave (beneficiary_card_number, competence) da linha 2")
    assert _rejected(db, paths) == [ImportIssue(str(target), line, reason)]


def test_an_age_band_may_refer_to_a_plan_only_the_database_has(db, tmp_path):
    plans = _write(tmp_path, "plans.csv", _csv([PLAN, SECOND_PLAN]))
    assert _import(db, [plans])["plans"].inserted == 2
    bands = _write(tmp_path, "plan_age_bands.csv", _csv([{**BAND, "plan_code": SECOND_PLAN["code"]}]))
    assert _import(db, [bands])["plan_age_bands"].inserted == 1
    with session_scope(db.session_factory) as session:
        band = session.execute(select(PlanAgeBand)).scalar_one()
        assert session.get(Plan, band.plan_id).code == SECOND_PLAN["code"]


def test_a_band_of_a_refused_plan_waits_for_that_plan_instead_of_being_reported(db, tmp_path):
    plans = _write(tmp_path, "plans.csv", _csv([PLAN, {**SECOND_PLAN, "base_price": "caro"}]))
    bands = _write(tmp_path, "plan_age_bands.csv", _csv([{**BAND, "plan_code": SECOND_PLAN["code"]}]))
    errors = _rejected(db, [plans, bands])
    assert errors == [ImportIssue(str(plans), 3, "base_price: valor inválido 'caro' (use 1234,56 ou 1234.56)")]
