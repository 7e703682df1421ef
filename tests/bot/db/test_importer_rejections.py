"""Every rejection reason of the importer (issue 13): the operator reads the file, the line and why; nothing is written.

Each case builds a small batch in ``tmp_path``: a valid ``plans.csv`` and ``beneficiaries.csv`` (which would
import on their own) plus the file under test, whose first data rows are valid and whose last row (or header, or
syntax) carries exactly one problem. The assertion is the whole list of problems the operator gets, as
``ImportIssue(file, line, reason)``, and that every table is still empty afterwards (all or nothing).

Reasons already covered by ``test_importer.py`` (bad date, bad CPF check digits, bad card, unknown plan, unknown
titular card, minor without a guardian, exempt category with co-payment, duplicate key in one file, CPF already in
the database, undecodable bytes, unknown file name, missing header columns, broken JSON syntax) are not repeated.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.db.importer import ImportIssue, ImportValidationError, import_files
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

MODELS = (Plan, PlanAgeBand, Beneficiary, Reimbursement, Authorization, Invoice, UtilizationEvent, TaxStatement)

CARLOS_CARD = "4175059000001005"
PATRICIA_CARD = "4175059000001013"
HELENA_CARD = "4175059000002003"  # family 2: never in the base batch

# --------------------------------------------------------------------------- valid rows, one dict per row

PLAN = {
    "code": "CLASSICO-APTO",
    "name": "Clássico Apartamento",
    "ans_registration": "492.893/22-8",
    "accommodation": "apartamento",
    "base_price": "189,90",
    "active": "sim",
}
SECOND_PLAN = {
    **PLAN,
    "code": "CLASSICO-ENF",
    "name": "Clássico Enfermaria",
    "ans_registration": "999.001/22-0",
    "accommodation": "enfermaria",
    "base_price": "152,30",
}
BAND = {"plan_code": "CLASSICO-APTO", "min_age": "0", "max_age": "18", "price": "189,90"}
SECOND_BAND = {**BAND, "min_age": "19", "max_age": "23", "price": "220,28"}
CARLOS = {
    "card_number": CARLOS_CARD,
    "cpf": "447.712.782-02",
    "name": "Carlos Eduardo Lima",
    "birth_date": "22/04/1968",
    "kind": "titular",
    "relationship": "titular",
    "titular_card_number": "",
    "guardian_name": "",
    "guardian_cpf": "",
    "plan_code": "CLASSICO-APTO",
    "adhesion_date": "01/03/2019",
    "status": "ativo",
    "email": "carlos.lima@example.com",
    "phone": "(31) 90000-1101",
}
PATRICIA = {
    **CARLOS,
    "card_number": PATRICIA_CARD,
    "cpf": "26197306948",
    "name": "Patrícia Gomes Lima",
    "birth_date": "03/09/1971",
    "kind": "dependente_direto",
    "relationship": "conjuge",
    "titular_card_number": CARLOS_CARD,
    "email": "",
    "phone": "",
}
# Templates for the row under test in beneficiaries.csv: a titular of another family and a minor son.
HELENA = {
    **CARLOS,
    "card_number": HELENA_CARD,
    "cpf": "79893557283",
    "name": "Helena Martins Rocha",
    "birth_date": "1980-11-02",
    "adhesion_date": "2021-06-01",
    "email": "helena.rocha@example.com",
    "phone": "31900001201",
}
PEDRO = {
    **PATRICIA,
    "card_number": "4175059000001021",
    "cpf": "52393849912",
    "name": "Pedro Henrique Lima",
    "birth_date": "17/01/2015",
    "relationship": "filho",
    "guardian_name": "Carlos Eduardo Lima",
    "guardian_cpf": "44771278202",
}
REIMBURSEMENT = {
    "protocol": "41750520261020900001",
    "beneficiary_card_number": CARLOS_CARD,
    "requested_on": "2026-10-20",
    "service_date": "2026-10-18",
    "service_description": "Consulta de urgência em pronto-socorro fora da rede credenciada",
    "status": "em_analise",
    "amount_requested": "380,00",
    "amount_approved": "",
    "documents_complete_on": "",
    "pending_documents": "",
    "paid_on": "",
    "denial_reason": "",
}
SECOND_REIMBURSEMENT = {**REIMBURSEMENT, "protocol": "41750520261020900002"}
AUTHORIZATION = {
    "guide_number": "20269000001",
    "protocol": "41750520260902900101",
    "beneficiary_card_number": CARLOS_CARD,
    "procedure_code": "41101014",
    "procedure_name": "Ressonância magnética de crânio",
    "requested_on": "2026-09-02",
    "decided_on": "2026-09-05",
    "status": "autorizada",
    "denial_reason": "",
    "urgency": "não",
    "high_complexity": "sim",
}
SECOND_AUTHORIZATION = {
    **AUTHORIZATION,
    "guide_number": "20269000002",
    "protocol": "41750520261027900103",
    "procedure_code": "20103093",
    "procedure_name": "Sessões de fisioterapia (pacote de 10)",
    "requested_on": "2026-10-27",
    "decided_on": "",
    "status": "em_analise",
    "high_complexity": "não",
}
INVOICE = {
    "beneficiary_card_number": CARLOS_CARD,
    "competence": "2026-09",
    "due_date": "15/09/2026",
    "amount": "1.795,24",
    "payroll_deducted": "0,00",
    "status": "pago",
    "paid_on": "2026-09-15",
    "paid_amount": "1.795,24",
    "digitable_line": "00199000000100202609200000000000115700000179524",
}
OPEN_DIGITABLE_LINE = "00199000000100202610000000000000716000000185524"
SECOND_INVOICE = {
    **INVOICE,
    "competence": "2026-10",
    "due_date": "15/10/2026",
    "amount": "1.855,24",
    "status": "aberto",
    "paid_on": "",
    "paid_amount": "",
    "digitable_line": OPEN_DIGITABLE_LINE,
}
EVENT = {
    "beneficiary_card_number": CARLOS_CARD,
    "event_date": "2026-09-14",
    "provider": "Clínica Vida Plena",
    "procedure_code": "10101012",
    "description": "Consulta em consultório",
    "category": "consulta",
    "amount_total": "280,00",
    "copay_amount": "60,00",
    "copay_exempt_reason": "",
    "hospitalization_day": "",
}
SECOND_EVENT = {**EVENT, "event_date": "2026-09-20"}
TAX = {"beneficiary_card_number": CARLOS_CARD, "year": "2025", "contributions_paid": "9.632,04", "copay_paid": "142,50"}
SECOND_TAX = {**TAX, "year": "2024"}

# Rows before the one under test, per table; the row under test comes right after them.
LEADING_ROWS = {
    "plans": [PLAN],
    "plan_age_bands": [BAND],
    "beneficiaries": [CARLOS, PATRICIA],
    "reimbursements": [REIMBURSEMENT],
    "authorizations": [AUTHORIZATION],
    "invoices": [INVOICE],
    "utilization_events": [EVENT],
    "tax_statements": [TAX],
}
SECOND_ROW = {
    "plans": SECOND_PLAN,
    "plan_age_bands": SECOND_BAND,
    "reimbursements": SECOND_REIMBURSEMENT,
    "authorizations": SECOND_AUTHORIZATION,
    "invoices": SECOND_INVOICE,
    "utilization_events": SECOND_EVENT,
    "tax_statements": SECOND_TAX,
}


# --------------------------------------------------------------------------- helpers


def _csv(rows: list[dict[str, str]]) -> str:
    header = list(rows[0])
    lines = [";".join(header)] + [";".join(row[name] for name in header) for row in rows]
    return "\n".join(lines) + "\n"


def _write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _batch(folder: Path, table: str, row: dict[str, str] | None) -> tuple[list[Path], Path, int]:
    """The base files plus ``table.csv`` ending with ``row``; returns the paths, that file and the row's line."""
    rows = LEADING_ROWS[table] + ([row] if row is not None else [])
    target = _write(folder, f"{table}.csv", _csv(rows))
    paths = [target]
    for base in ("plans", "beneficiaries"):
        if base != table:
            paths.append(_write(folder, f"{base}.csv", _csv(LEADING_ROWS[base])))
    return paths, target, len(rows) + 1


def _base(folder: Path) -> list[Path]:
    """The valid plans.csv and beneficiaries.csv that every batch carries."""
    return [
        _write(folder, "plans.csv", _csv(LEADING_ROWS["plans"])),
        _write(folder, "beneficiaries.csv", _csv(LEADING_ROWS["beneficiaries"])),
    ]


def _counts(db) -> dict[str, int]:
    with session_scope(db.session_factory) as session:
        return {
            model.__tablename__: session.execute(select(func.count()).select_from(model)).scalar_one()
            for model in MODELS
        }


def _import(db, paths: list[Path]):
    return import_files([str(p) for p in paths], session_factory=db.session_factory, today=TODAY)


def _rejected(db, paths: list[Path]) -> list[ImportIssue]:
    """Import, expect a rejection, check that no table received anything, return the problems."""
    with pytest.raises(ImportValidationError) as caught:
        _import(db, paths)
    assert str(caught.value) == f"{len(caught.value.errors)} erro(s) de importação; nada foi importado"
    assert set(_counts(db).values()) == {0}
    return caught.value.errors


def _with(template: dict[str, str], **changes: Any) -> dict[str, str]:
    unknown = set(changes) - set(template)
    assert not unknown, f"not a column of the template: {unknown}"
    return {**template, **changes}


# --------------------------------------------------------------------------- the batches are valid without the fault


@pytest.mark.parametrize("table", list(SECOND_ROW))
def test_the_batch_without_the_fault_imports(db, tmp_path, table):
    # Guards every case below: the only thing wrong in a rejected batch is what the case changed.
    paths, _, _ = _batch(tmp_path, table, SECOND_ROW[table])
    counts = _import(db, paths)
    assert counts[table].inserted == len(LEADING_ROWS[table]) + 1


def test_the_beneficiary_templates_import(db, tmp_path):
    paths = [
        _write(tmp_path, "plans.csv", _csv([PLAN])),
        _write(tmp_path, "beneficiaries.csv", _csv([CARLOS, PATRICIA, HELENA, PEDRO])),
    ]
    assert _import(db, paths)["beneficiaries"].inserted == 4


# --------------------------------------------------------------------------- values that cannot be read

FIELD_CASES = [
    pytest.param("plans", {"name": ""}, "name: campo obrigatório vazio", id="required-empty"),
    pytest.param("plans", {"name": "P" * 121}, "name: texto com mais de 120 caracteres", id="text-too-long"),
    pytest.param(
        "plans",
        {"code": "PLANO OURO"},
        "code: código de plano inválido 'PLANO OURO' (letras, números, - ou _)",
        id="plan-code",
    ),
    pytest.param(
        "plans",
        {"accommodation": "suíte"},
        "accommodation: valor 'suíte' não permitido (aceitos: apartamento, enfermaria)",
        id="enum",
    ),
    pytest.param(
        "plans", {"active": "talvez"}, "active: valor lógico inválido 'talvez' (use sim/não ou true/false)", id="bool"
    ),
    pytest.param(
        "plans",
        {"base_price": "cento e cinquenta"},
        "base_price: valor inválido 'cento e cinquenta' (use 1234,56 ou 1234.56)",
        id="amount-not-a-number",
    ),
    pytest.param("plans", {"base_price": "1,2,3"}, "base_price: valor inválido '1,2,3'", id="amount-two-commas"),
    pytest.param(
        "plans",
        {"base_price": "152,305"},
        "base_price: valor '152,305' com mais de 2 casas decimais",
        id="amount-cents",
    ),
    pytest.param("plans", {"base_price": "-152,30"}, "base_price: valor não pode ser negativo", id="amount-negative"),
    pytest.param(
        "plans", {"base_price": "10.000.000.000,00"}, "base_price: valor grande demais", id="amount-too-large"
    ),
    pytest.param(
        "plan_age_bands", {"min_age": "19 anos"}, "min_age: número inteiro inválido '19 anos'", id="integer"
    ),
    pytest.param(
        "reimbursements", {"protocol": "PROT-2026-0002"}, "protocol: deve conter apenas números", id="digits-only"
    ),
    pytest.param("reimbursements", {"protocol": "12345"}, "protocol: deve ter 6 a 30 dígitos", id="digit-count"),
    pytest.param(
        "invoices",
        {"competence": "outubro/2026"},
        "competence: competência inválida 'outubro/2026' (use aaaa-mm, mm/aaaa ou uma data)",
        id="competence",
    ),
    pytest.param(
        "invoices",
        {"digitable_line": OPEN_DIGITABLE_LINE[:-1] + "5"},
        "digitable_line: linha digitável inválida (47 dígitos com dígitos verificadores)",
        id="digitable-line",
    ),
]


@pytest.mark.parametrize("table, changes, reason", FIELD_CASES)
def test_unreadable_value(db, tmp_path, table, changes, reason):
    paths, target, line = _batch(tmp_path, table, _with(SECOND_ROW[table], **changes))
    assert _rejected(db, paths) == [ImportIssue(str(target), line, reason)]


@pytest.mark.parametrize(
    "changes, reason",
    [
        pytest.param({"email": "helena.rocha@example"}, "email: e-mail inválido 'helena.rocha@example'", id="email"),
        pytest.param({"phone": "9000-1201"}, "phone: telefone inválido '9000-1201' (DDD + número)", id="phone"),
    ],
)
def test_unreadable_contact(db, tmp_path, changes, reason):
    paths, target, line = _batch(tmp_path, "beneficiaries", _with(HELENA, **changes))
    assert _rejected(db, paths) == [ImportIssue(str(target), line, reason)]


@pytest.mark.parametrize(
    "table, changes, reason",
    [
        pytest.param("plans", {"base_price": True}, "base_price: valor numérico esperado", id="amount-boolean"),
        pytest.param("plans", {"base_price": float("nan")}, "base_price: valor inválido nan", id="amount-nan"),
        pytest.param("plan_age_bands", {"min_age": True}, "min_age: número inteiro esperado", id="integer-boolean"),
        pytest.param("plans", {"name": None}, "name: campo obrigatório vazio", id="required-null"),
    ],
)
def test_unreadable_native_json_value(db, tmp_path, table, changes, reason):
    rows = [*LEADING_ROWS[table], {**SECOND_ROW[table], **changes}]
    # One object per line, so the object under test starts on line 3 (the "[" is line 1).
    text = "[\n" + ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n]\n"
    target = _write(tmp_path, f"{table}.json", text)
    paths = [target] + [p for p in _base(tmp_path) if p.stem != table]
    assert _rejected(db, paths) == [ImportIssue(str(target), 3, reason)]


# --------------------------------------------------------------------------- rules of a row

ROW_CASES = [
    pytest.param(
        "plan_age_bands", SECOND_BAND, {"max_age": "17"}, "max_age: idade máxima menor que a idade mínima",
        id="band-max-below-min",
    ),
    # beneficiaries
    pytest.param(
        "beneficiaries", HELENA,
        {"birth_date": "2027-01-10", "adhesion_date": "2027-02-01", "guardian_name": "Carlos Eduardo Lima"},
        "birth_date: data de nascimento no futuro", id="born-in-the-future",
    ),
    pytest.param(
        "beneficiaries", HELENA, {"adhesion_date": "1979-01-01"}, "adhesion_date: adesão anterior ao nascimento",
        id="adhesion-before-birth",
    ),
    pytest.param(
        "beneficiaries", HELENA, {"relationship": "conjuge"},
        "relationship: 'titular' é o parentesco exclusivo do beneficiário titular", id="titular-not-titular-kinship",
    ),
    pytest.param(
        "beneficiaries", PEDRO, {"relationship": "titular"},
        "relationship: 'titular' é o parentesco exclusivo do beneficiário titular", id="dependant-titular-kinship",
    ),
    pytest.param(
        "beneficiaries", HELENA, {"titular_card_number": CARLOS_CARD},
        "titular_card_number: deve ficar vazio para o titular", id="titular-with-titular-card",
    ),
    pytest.param(
        "beneficiaries", PEDRO, {"titular_card_number": ""}, "titular_card_number: obrigatório para dependentes",
        id="dependant-without-titular",
    ),
    pytest.param(
        "beneficiaries", HELENA, {"cpf": ""},
        "cpf: obrigatório para o titular e o dependente especial (responsáveis financeiros)", id="titular-without-cpf",
    ),
    pytest.param(
        "beneficiaries", PEDRO, {"birth_date": "17/01/1995"},
        "relationship: filho(a) ou enteado(a) com 24 anos ou mais não é dependente direto", id="son-aged-24-or-more",
    ),
    pytest.param(
        "beneficiaries", PEDRO, {"relationship": "menor_sob_guarda", "birth_date": "17/01/2005"},
        "relationship: menor sob guarda com 18 anos ou mais não é dependente direto", id="ward-aged-18-or-more",
    ),
    pytest.param(
        "beneficiaries", HELENA, {"guardian_cpf": "44771278202"},
        "guardian_name: informe o nome do responsável junto com o CPF", id="guardian-cpf-without-name",
    ),
    pytest.param(
        "beneficiaries", HELENA, {"cpf": "447.712.782-02"},
        f"cpf: CPF já cadastrado para o cartão {CARLOS_CARD}", id="cpf-twice-in-the-batch",
    ),
    pytest.param(
        "beneficiaries", PEDRO, {"card_number": HELENA_CARD},
        "card_number: número de família diferente do cartão do titular", id="card-of-another-family",
    ),
    pytest.param(
        "beneficiaries", PEDRO, {"titular_card_number": PATRICIA_CARD},
        "titular_card_number: o cartão indicado não é de um titular", id="titular-card-of-a-dependant",
    ),
    # reimbursements
    pytest.param(
        "reimbursements", SECOND_REIMBURSEMENT, {"service_date": "2026-10-25"},
        "service_date: atendimento posterior à data do pedido", id="service-after-request",
    ),
    pytest.param(
        "reimbursements", SECOND_REIMBURSEMENT, {"documents_complete_on": "2026-10-19"},
        "documents_complete_on: anterior à data do pedido", id="documents-before-request",
    ),
    pytest.param(
        "reimbursements", SECOND_REIMBURSEMENT,
        {"status": "pago", "amount_approved": "300,00", "paid_on": "2026-10-01"},
        "paid_on: pagamento anterior à data do pedido", id="paid-before-request",
    ),
    pytest.param(
        "reimbursements", SECOND_REIMBURSEMENT, {"status": "aprovado", "amount_approved": "400,00"},
        "amount_approved: maior que o valor solicitado", id="approved-above-requested",
    ),
    pytest.param(
        "reimbursements", SECOND_REIMBURSEMENT, {"status": "pendente_documentos"},
        "pending_documents: obrigatório quando o status é pendente_documentos", id="pending-without-documents",
    ),
    pytest.param(
        "reimbursements", SECOND_REIMBURSEMENT, {"status": "aprovado"},
        "amount_approved: obrigatório quando o status é aprovado", id="approved-without-amount",
    ),
    pytest.param(
        "reimbursements", SECOND_REIMBURSEMENT, {"status": "pago", "amount_approved": "300,00"},
        "paid_on: obrigatório quando o status é pago", id="paid-without-date",
    ),
    pytest.param(
        "reimbursements", SECOND_REIMBURSEMENT,
        {"status": "aprovado", "amount_approved": "300,00", "paid_on": "2026-10-28"},
        "paid_on: só pode ser preenchido quando o status é pago", id="payment-date-when-not-paid",
    ),
    pytest.param(
        "reimbursements", SECOND_REIMBURSEMENT, {"status": "negado"},
        "denial_reason: obrigatório quando o status é negado", id="reimbursement-denied-without-reason",
    ),
    # authorizations
    pytest.param(
        "authorizations", SECOND_AUTHORIZATION, {"status": "autorizada", "decided_on": "2026-10-20"},
        "decided_on: decisão anterior à solicitação", id="decided-before-request",
    ),
    pytest.param(
        "authorizations", SECOND_AUTHORIZATION, {"status": "autorizada"},
        "decided_on: obrigatório quando o status é autorizada", id="authorized-without-decision-date",
    ),
    pytest.param(
        "authorizations", SECOND_AUTHORIZATION, {"decided_on": "2026-10-28"},
        "decided_on: deve ficar vazio enquanto em_analise", id="decision-date-while-in-analysis",
    ),
    pytest.param(
        "authorizations", SECOND_AUTHORIZATION, {"status": "negada", "decided_on": "2026-10-28"},
        "denial_reason: obrigatório quando o status é negada", id="authorization-denied-without-reason",
    ),
    # invoices
    pytest.param(
        "invoices", SECOND_INVOICE, {"payroll_deducted": "2.000,00"},
        "payroll_deducted: desconto em folha maior que o valor da fatura", id="payroll-above-amount",
    ),
    pytest.param(
        "invoices", SECOND_INVOICE, {"due_date": "30/09/2026"}, "due_date: vencimento anterior à competência",
        id="due-before-competence",
    ),
    pytest.param(
        "invoices", SECOND_INVOICE, {"status": "pago"}, "paid_on/paid_amount: obrigatórios quando o status é pago",
        id="paid-invoice-without-payment",
    ),
    pytest.param(
        "invoices", SECOND_INVOICE, {"paid_on": "2026-10-15"},
        "paid_on/paid_amount: só podem ser preenchidos quando o status é pago", id="payment-on-open-invoice",
    ),
    pytest.param(
        "invoices", SECOND_INVOICE, {"digitable_line": ""},
        "digitable_line: obrigatória para fatura em aberto com valor a pagar por boleto", id="open-without-boleto",
    ),
    pytest.param(
        "invoices", SECOND_INVOICE, {"beneficiary_card_number": PATRICIA_CARD},
        "beneficiary_card_number: fatura só do titular ou de dependente especial", id="invoice-of-direct-dependant",
    ),
    # utilization events
    pytest.param(
        "utilization_events", SECOND_EVENT, {"copay_amount": "300,00"},
        "copay_amount: coparticipação maior que o valor total", id="copay-above-total",
    ),
    pytest.param(
        "utilization_events", SECOND_EVENT, {"hospitalization_day": "3"},
        "hospitalization_day: só se aplica a internações", id="hospital-day-outside-hospitalisation",
    ),
    pytest.param(
        "utilization_events", SECOND_EVENT, {"category": "internacao", "hospitalization_day": "0"},
        "hospitalization_day: deve ser 1 ou mais", id="hospital-day-zero",
    ),
    pytest.param(
        "utilization_events", SECOND_EVENT, {"category": "internacao_psiquiatrica"},
        "hospitalization_day: obrigatório para internação psiquiátrica", id="psychiatric-without-day",
    ),
    pytest.param(
        "utilization_events", SECOND_EVENT, {"category": "internacao_psiquiatrica", "hospitalization_day": "30"},
        "copay_amount: internação psiquiátrica só tem coparticipação a partir do 31º dia",
        id="psychiatric-copay-before-day-31",
    ),
    pytest.param(
        "utilization_events", SECOND_EVENT, {"event_date": "2026-11-26"}, "event_date: data no futuro",
        id="event-in-the-future",
    ),
    # tax statements
    pytest.param(
        "tax_statements", SECOND_TAX, {"year": "2027"}, "year: ano fora do intervalo 2000-2026", id="year-after-today",
    ),
    pytest.param(
        "tax_statements", SECOND_TAX, {"year": "1999"}, "year: ano fora do intervalo 2000-2026", id="year-before-2000",
    ),
    pytest.param(
        "tax_statements", SECOND_TAX, {"beneficiary_card_number": HELENA_CARD},
        f"beneficiary_card_number: beneficiário com cartão {HELENA_CARD} não existe no banco nem no arquivo",
        id="unknown-beneficiary",
    ),
]


@pytest.mark.parametrize("table, template, changes, reason", ROW_CASES)
def test_row_rule(db, tmp_path, table, template, changes, reason):
    paths, target, line = _batch(tmp_path, table, _with(template, **changes))
    assert _rejected(db, paths) == [ImportIssue(str(target), line, reason)]


def test_same_key_in_two_files_names_the_first_one(db, tmp_path):
    paths = _base(tmp_path)
    again = _write(tmp_path, "plans.json", json.dumps([PLAN], ensure_ascii=False))
    errors = _rejected(db, [*paths, again])
    reason = f"registro duplicado: mesma chave (code) da {tmp_path / 'plans.csv'}, linha 2"
    assert errors == [ImportIssue(str(again), 1, reason)]


def test_negative_integer_in_json(db, tmp_path):
    # A JSON number is refused like the CSV text "-1" (below), in Portuguese, before the database sees it.
    text = '[\n  {"plan_code": "CLASSICO-APTO", "min_age": -1, "price": 10}\n]'
    bands = _write(tmp_path, "plan_age_bands.json", text)
    errors = _rejected(db, [*_base(tmp_path), bands])
    assert errors == [ImportIssue(str(bands), 2, "min_age: número inteiro inválido -1 (não pode ser negativo)")]


def test_plan_price_beyond_its_column_is_refused_on_its_line(db, tmp_path):
    # Plan prices are Money(10, 2): PostgreSQL would refuse 100,000,000.00 with a bare numeric overflow.
    paths, target, line = _batch(tmp_path, "plans", {**PLAN, "code": "CARO", "base_price": "100000000"})
    reason = "base_price: valor grande demais para um preço de plano (máximo 99.999.999,99)"
    assert _rejected(db, paths) == [ImportIssue(str(target), line, reason)]


def test_trailing_separator_in_the_header_is_named(db, tmp_path):
    rows = _csv(LEADING_ROWS["tax_statements"]).splitlines()
    taxes = _write(tmp_path, "tax_statements.csv", "\n".join([rows[0] + ";", *rows[1:]]) + "\n")
    errors = _rejected(db, [*_base(tmp_path), taxes])
    reason = "cabeçalho inválido: coluna sem nome (há um separador sobrando, por exemplo um ';' no fim da linha?)"
    assert errors == [ImportIssue(str(taxes), 1, reason)]


def test_negative_integer_in_csv(db, tmp_path):
    paths, target, line = _batch(tmp_path, "plan_age_bands", _with(SECOND_BAND, min_age="-1"))
    assert _rejected(db, paths) == [ImportIssue(str(target), line, "min_age: número inteiro inválido '-1'")]


# --------------------------------------------------------------------------- files that cannot be read


def test_missing_file(db, tmp_path):
    missing = tmp_path / "reimbursements.csv"
    errors = _rejected(db, [*_base(tmp_path), missing])
    reason = f"não foi possível ler o arquivo: {os.strerror(errno.ENOENT)}"
    assert errors == [ImportIssue(str(missing), 1, reason)]


@pytest.mark.parametrize("content", ["", "\n  \n\n"], ids=["no-bytes", "blank-lines"])
def test_empty_csv(db, tmp_path, content):
    empty = _write(tmp_path, "reimbursements.csv", content)
    errors = _rejected(db, [*_base(tmp_path), empty])
    assert errors == [ImportIssue(str(empty), 1, "arquivo vazio: falta a linha de cabeçalho")]


def test_unclosed_quote_swallowing_the_rest_of_the_file(db, tmp_path):
    # Line 3 opens a quote that never closes: the csv module reads on until its field size limit.
    rows = _csv([REIMBURSEMENT, SECOND_REIMBURSEMENT]).splitlines()
    tail = "\n".join(f"4175052026102090{n:04d};{CARLOS_CARD};2026-10-20" for n in range(3, 8000))
    broken = _write(tmp_path, "reimbursements.csv", "\n".join([rows[0], rows[1], '"' + rows[2], tail]) + "\n")
    errors = _rejected(db, [*_base(tmp_path), broken])
    reason = "CSV malformado: campo grande demais; há aspas abertas que não fecham nesta linha?"
    assert errors == [ImportIssue(str(broken), 3, reason)]


def test_repeated_column(db, tmp_path):
    text = _csv([PLAN]).replace("active\n", "name\n", 1).replace(";sim\n", ";Outro nome\n", 1)
    plans = _write(tmp_path, "plans.csv", text)
    errors = _rejected(db, [plans, _write(tmp_path, "beneficiaries.csv", _csv(LEADING_ROWS["beneficiaries"]))])
    assert errors == [ImportIssue(str(plans), 1, "cabeçalho inválido: colunas repetidas: name")]


def test_unknown_column(db, tmp_path):
    rows = [{**row, "desconto": "0"} for row in LEADING_ROWS["tax_statements"]]
    taxes = _write(tmp_path, "tax_statements.csv", _csv(rows))
    errors = _rejected(db, [*_base(tmp_path), taxes])
    assert errors == [ImportIssue(str(taxes), 1, "cabeçalho inválido: colunas desconhecidas: desconto")]


def test_row_with_more_cells_than_the_header(db, tmp_path):
    # A stray ";" at the end of line 3 only; line 2 and the blank line 4 are fine.
    text = _csv([TAX]) + ";".join(SECOND_TAX.values()) + ";\n\n"
    taxes = _write(tmp_path, "tax_statements.csv", text)
    errors = _rejected(db, [*_base(tmp_path), taxes])
    assert errors == [ImportIssue(str(taxes), 3, "linha com 5 colunas, mas o cabeçalho tem 4")]


def test_line_numbers_are_physical_lines(db, tmp_path):
    # A quoted multi-line cell and blank lines push the bad row down to line 7.
    text = (
        "\n"
        "code;name;ans_registration;accommodation;coverage;base_price\n"
        'CLASSICO-APTO;Clássico Apartamento;492.893/22-8;apartamento;"Ambulatorial;\nhospitalar";189,90\n'
        "\n"
        "\n"
        "CLASSICO-ENF;Clássico Enfermaria;999.001/22-0;enfermaria;;-1\n"
    )
    plans = _write(tmp_path, "plans.csv", text)
    errors = _rejected(db, [plans, _write(tmp_path, "beneficiaries.csv", _csv(LEADING_ROWS["beneficiaries"]))])
    assert errors == [ImportIssue(str(plans), 7, "base_price: valor não pode ser negativo")]


@pytest.mark.parametrize(
    "text, line",
    [
        pytest.param('\n\n{"code": "CLASSICO-ENF"}\n', 3, id="object"),
        pytest.param("", 1, id="empty"),
    ],
)
def test_json_that_is_not_a_list(db, tmp_path, text, line):
    bands = _write(tmp_path, "plan_age_bands.json", text)
    errors = _rejected(db, [*_base(tmp_path), bands])
    assert errors == [ImportIssue(str(bands), line, "JSON deve ser uma lista de objetos ([...])")]


def test_json_item_that_is_not_an_object(db, tmp_path):
    text = "[\n" + json.dumps(BAND) + ',\n  "CLASSICO-APTO;19;23;220,28"\n]\n'
    bands = _write(tmp_path, "plan_age_bands.json", text)
    errors = _rejected(db, [*_base(tmp_path), bands])
    assert errors == [ImportIssue(str(bands), 3, "cada item da lista deve ser um objeto")]


def test_json_unknown_field(db, tmp_path):
    text = "[\n" + json.dumps(BAND) + ",\n" + json.dumps({**SECOND_BAND, "Preco_Antigo": "200"}) + "\n]\n"
    bands = _write(tmp_path, "plan_age_bands.json", text)
    errors = _rejected(db, [*_base(tmp_path), bands])
    assert errors == [ImportIssue(str(bands), 3, "campos desconhecidos: preco_antigo")]


def test_json_content_after_the_list(db, tmp_path):
    text = "[\n" + json.dumps(BAND) + "\n]\n" + json.dumps([SECOND_BAND]) + "\n"
    bands = _write(tmp_path, "plan_age_bands.json", text)
    errors = _rejected(db, [*_base(tmp_path), bands])
    assert errors == [ImportIssue(str(bands), 4, "JSON inválido: conteúdo após o fim da lista")]
