"""Load the plan's operational data from CSV or JSON files, all or nothing.

One file feeds one table, chosen by the file name (``beneficiaries.csv``...).
Rows refer to each other by natural keys (card number, plan code, protocol),
never by database ids. Every row is validated; all problems are collected as
``(file, line, reason)`` with the reason in Portuguese, and if there is any the
whole import is rolled back and :class:`ImportValidationError` is raised.
A row whose natural key already exists updates that record (upsert).

The format of every column is documented in ``docs/import-format.md``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot import clock
from bot.db import models
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
from bot.identifiers import (
    card_family_number,
    is_valid_card,
    is_valid_cpf,
    is_valid_digitable_line,
    normalize_digits,
)
from bot.regulation.pricing import age_on

# Files are applied in this order whatever order they were given in, so references resolve.
TABLE_ORDER = (
    "plans",
    "plan_age_bands",
    "beneficiaries",
    "reimbursements",
    "authorizations",
    "invoices",
    "utilization_events",
    "tax_statements",
)
SUPPORTED_SUFFIXES = (".csv", ".json")


@dataclass(frozen=True)
class ImportIssue:
    """One problem found in an input file.

    Attributes:
        file: The file as given to the importer.
        line: Line of the file where the row (or the problem) starts; 1 is the header.
        reason: What is wrong, in Portuguese.
    """

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


class ImportValidationError(Exception):
    """Raised when any input row is invalid; nothing was imported.

    Attributes:
        errors: Every problem found, in file and line order.
    """

    def __init__(self, errors: Sequence[ImportIssue]):
        self.errors = list(errors)
        super().__init__(f"{len(self.errors)} erro(s) de importação; nada foi importado")


@dataclass
class TableCount:
    """How many rows of a table an import inserted and updated."""

    inserted: int = 0
    updated: int = 0


class _FieldError(ValueError):
    """A value that cannot be parsed; the message is shown to the user."""


class _RowError(Exception):
    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


class _Skip(Exception):
    """The row depends on another row that already failed; its error is enough."""


# --------------------------------------------------------------------------- value parsers


def _text(max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = str(value).strip()
        if len(text) > max_length:
            raise _FieldError(f"texto com mais de {max_length} caracteres")
        return text

    return parse


def _digits(min_length: int, max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = str(value).strip()
        if re.search(r"[^\d.\-/\s]", text):
            raise _FieldError("deve conter apenas números")
        digits = normalize_digits(text)
        if not min_length <= len(digits) <= max_length:
            size = str(min_length) if min_length == max_length else f"{min_length} a {max_length}"
            raise _FieldError(f"deve ter {size} dígitos")
        return digits

    return parse


def _parse_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise _FieldError(f"data inválida {text!r} (use aaaa-mm-dd ou dd/mm/aaaa)")


def _parse_competence(value: Any) -> date:
    text = str(value).strip()
    for pattern in ("%Y-%m", "%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    try:
        return _parse_date(text).replace(day=1)
    except _FieldError:
        raise _FieldError(f"competência inválida {text!r} (use aaaa-mm, mm/aaaa ou uma data)") from None


def _parse_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise _FieldError("valor numérico esperado")
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(str(value))
    else:
        text = str(value).strip().replace("R$", "").replace(" ", "")
        if "," in text and "." in text:
            # Whichever separator comes last is the decimal one: "1.234,56" or "1,234.56".
            thousands, decimal_mark = (".", ",") if text.rfind(",") > text.rfind(".") else (",", ".")
            text = text.replace(thousands, "").replace(decimal_mark, ".")
        elif "," in text:
            if text.count(",") > 1:
                raise _FieldError(f"valor inválido {value!r}")
            text = text.replace(",", ".")
        elif text.count(".") > 1:
            text = text.replace(".", "")
        if not re.fullmatch(r"-?\d+(\.\d+)?", text):
            raise _FieldError(f"valor inválido {value!r} (use 1234,56 ou 1234.56)")
        number = Decimal(text)
    if not number.is_finite():
        raise _FieldError(f"valor inválido {value!r}")
    if number < 0:
        raise _FieldError("valor não pode ser negativo")
    if number != number.quantize(Decimal("0.01")):
        raise _FieldError(f"valor {value!r} com mais de 2 casas decimais")
    if number >= Decimal("10000000000"):
        raise _FieldError("valor grande demais")
    return number.quantize(Decimal("0.01"))


def _parse_price(value: Any) -> Decimal:
    # Plan prices are Money(10, 2) columns: PostgreSQL refuses 100,000,000.00 and more with a bare overflow.
    number = _parse_decimal(value)
    if number >= Decimal("100000000"):
        raise _FieldError("valor grande demais para um preço de plano (máximo 99.999.999,99)")
    return number


def _parse_int(value: Any) -> int:
    if isinstance(value, bool):
        raise _FieldError("número inteiro esperado")
    if isinstance(value, int):
        if value < 0:  # as in a CSV, where "-1" is not a number of this kind
            raise _FieldError(f"número inteiro inválido {value!r} (não pode ser negativo)")
        return value
    text = str(value).strip()
    if not re.fullmatch(r"\d+", text):
        raise _FieldError(f"número inteiro inválido {text!r}")
    return int(text)


_TRUE = {"true", "sim", "s", "1", "yes", "y", "verdadeiro", "t"}
_FALSE = {"false", "nao", "não", "n", "0", "no", "falso", "f"}


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _FieldError(f"valor lógico inválido {text!r} (use sim/não ou true/false)")


def _enum(values: Sequence[str]) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = str(value).strip().lower()
        if text not in values:
            raise _FieldError(f"valor {text!r} não permitido (aceitos: {', '.join(values)})")
        return text

    return parse


def _parse_cpf(value: Any) -> str:
    text = str(value).strip()
    if not is_valid_cpf(text):
        raise _FieldError(f"CPF inválido {text!r} (dígitos verificadores não conferem)")
    return normalize_digits(text)


def _parse_card(value: Any) -> str:
    text = str(value).strip()
    if not is_valid_card(text):
        raise _FieldError(
            f"número de cartão inválido {text!r} (16 dígitos, começa com 417505, dígito de Luhn)"
        )
    return normalize_digits(text)


def _parse_plan_code(value: Any) -> str:
    text = str(value).strip().upper()
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9_-]{0,39}", text):
        raise _FieldError(f"código de plano inválido {text!r} (letras, números, - ou _)")
    return text


def _parse_email(value: Any) -> str:
    text = str(value).strip()
    if len(text) > 200 or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
        raise _FieldError(f"e-mail inválido {text!r}")
    return text.lower()


def _parse_phone(value: Any) -> str:
    digits = normalize_digits(str(value))
    if re.search(r"[^\d\s()+\-.]", str(value)) or not 10 <= len(digits) <= 13:
        raise _FieldError(f"telefone inválido {value!r} (DDD + número)")
    return digits


def _parse_digitable_line(value: Any) -> str:
    if not is_valid_digitable_line(str(value)):
        raise _FieldError("linha digitável inválida (47 dígitos com dígitos verificadores)")
    return normalize_digits(str(value))


# --------------------------------------------------------------------------- table specs


@dataclass(frozen=True)
class _Field:
    name: str
    parse: Callable[[Any], Any]
    required: bool = False
    default: Any = None


@dataclass(frozen=True)
class _TableSpec:
    name: str
    fields: tuple[_Field, ...]
    key: tuple[str, ...]

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


_PROTOCOL = _digits(6, 30)

SPECS: dict[str, _TableSpec] = {
    spec.name: spec
    for spec in (
        _TableSpec(
            "plans",
            (
                _Field("code", _parse_plan_code, required=True),
                _Field("name", _text(120), required=True),
                _Field("ans_registration", _text(20), required=True),
                _Field("accommodation", _enum(models.ACCOMMODATIONS), required=True),
                _Field("coverage", _text(4000), default=""),
                _Field("base_price", _parse_price, required=True),
                _Field("active", _parse_bool, default=True),
            ),
            key=("code",),
        ),
        _TableSpec(
            "plan_age_bands",
            (
                _Field("plan_code", _parse_plan_code, required=True),
                _Field("min_age", _parse_int, required=True),
                _Field("max_age", _parse_int),
                _Field("price", _parse_price, required=True),
            ),
            key=("plan_code", "min_age"),
        ),
        _TableSpec(
            "beneficiaries",
            (
                _Field("card_number", _parse_card, required=True),
                _Field("cpf", _parse_cpf),
                _Field("name", _text(160), required=True),
                _Field("birth_date", _parse_date, required=True),
                _Field("kind", _enum(models.BENEFICIARY_KINDS), required=True),
                _Field("relationship", _enum(models.RELATIONSHIPS), required=True),
                _Field("titular_card_number", _parse_card),
                _Field("guardian_name", _text(160)),
                _Field("guardian_cpf", _parse_cpf),
                _Field("plan_code", _parse_plan_code, required=True),
                _Field("adhesion_date", _parse_date, required=True),
                _Field("status", _enum(models.BENEFICIARY_STATUSES), default="ativo"),
                _Field("email", _parse_email),
                _Field("phone", _parse_phone),
            ),
            key=("card_number",),
        ),
        _TableSpec(
            "reimbursements",
            (
                _Field("protocol", _PROTOCOL, required=True),
                _Field("beneficiary_card_number", _parse_card, required=True),
                _Field("requested_on", _parse_date, required=True),
                _Field("service_date", _parse_date, required=True),
                _Field("service_description", _text(2000), required=True),
                _Field("status", _enum(models.REIMBURSEMENT_STATUSES), required=True),
                _Field("amount_requested", _parse_decimal, required=True),
                _Field("amount_approved", _parse_decimal),
                _Field("documents_complete_on", _parse_date),
                _Field("pending_documents", _text(2000)),
                _Field("paid_on", _parse_date),
                _Field("denial_reason", _text(2000)),
            ),
            key=("protocol",),
        ),
        _TableSpec(
            "authorizations",
            (
                _Field("guide_number", _PROTOCOL, required=True),
                _Field("protocol", _PROTOCOL, required=True),
                _Field("beneficiary_card_number", _parse_card, required=True),
                _Field("procedure_code", _text(20), required=True),
                _Field("procedure_name", _text(200), required=True),
                _Field("requested_on", _parse_date, required=True),
                _Field("decided_on", _parse_date),
                _Field("status", _enum(models.AUTHORIZATION_STATUSES), required=True),
                _Field("denial_reason", _text(2000)),
                _Field("urgency", _parse_bool, default=False),
                _Field("high_complexity", _parse_bool, default=False),
            ),
            key=("guide_number",),
        ),
        _TableSpec(
            "invoices",
            (
                _Field("beneficiary_card_number", _parse_card, required=True),
                _Field("competence", _parse_competence, required=True),
                _Field("due_date", _parse_date, required=True),
                _Field("amount", _parse_decimal, required=True),
                _Field("payroll_deducted", _parse_decimal, default=Decimal("0.00")),
                _Field("status", _enum(models.INVOICE_STATUSES), required=True),
                _Field("paid_on", _parse_date),
                _Field("paid_amount", _parse_decimal),
                _Field("digitable_line", _parse_digitable_line),
            ),
            key=("beneficiary_card_number", "competence"),
        ),
        _TableSpec(
            "utilization_events",
            (
                _Field("beneficiary_card_number", _parse_card, required=True),
                _Field("event_date", _parse_date, required=True),
                _Field("provider", _text(200), required=True),
                _Field("procedure_code", _text(20), required=True),
                _Field("description", _text(300), required=True),
                _Field("category", _enum(models.UTILIZATION_CATEGORIES), required=True),
                _Field("amount_total", _parse_decimal, required=True),
                _Field("copay_amount", _parse_decimal, default=Decimal("0.00")),
                _Field("copay_exempt_reason", _text(2000)),
                _Field("hospitalization_day", _parse_int),
            ),
            key=("beneficiary_card_number", "event_date", "provider", "procedure_code"),
        ),
        _TableSpec(
            "tax_statements",
            (
                _Field("beneficiary_card_number", _parse_card, required=True),
                _Field("year", _parse_int, required=True),
                _Field("contributions_paid", _parse_decimal, required=True),
                _Field("copay_paid", _parse_decimal, required=True),
            ),
            key=("beneficiary_card_number", "year"),
        ),
    )
}


# --------------------------------------------------------------------------- reading files


@dataclass
class _RawRow:
    line: int
    values: dict[str, Any]


@dataclass
class _ParsedFile:
    path: Path
    label: str
    table: str
    rows: list[_RawRow] = field(default_factory=list)


def _line_of_offset(data: bytes | str, offset: int) -> int:
    newline = b"\n" if isinstance(data, bytes) else "\n"
    return data.count(newline, 0, offset) + 1


def _decode(data: bytes, label: str, errors: list[ImportIssue]) -> str | None:
    try:
        # utf-8-sig drops the byte-order mark that spreadsheet programs add.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        errors.append(
            ImportIssue(
                label,
                _line_of_offset(data, exc.start),
                f"arquivo não está em UTF-8 (byte inválido 0x{data[exc.start]:02x})",
            )
        )
        return None


def _read_csv(text: str, spec: _TableSpec, parsed: _ParsedFile, errors: list[ImportIssue]) -> None:
    lines = text.splitlines()
    header_line = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_line is None:
        errors.append(ImportIssue(parsed.label, 1, "arquivo vazio: falta a linha de cabeçalho"))
        return
    first = lines[header_line]
    # A Brazilian spreadsheet exports with ";" because "," is the decimal mark; pick whichever dominates.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(ImportIssue(parsed.label, start, f"CSV malformado: {_csv_reason(exc)}"))
            return
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = [cell.strip().lower() for cell in cells]
            if not _check_header(header, spec, parsed.label, errors):
                return
            continue
        if len(cells) != len(header):
            errors.append(
                ImportIssue(
                    parsed.label,
                    start,
                    f"linha com {len(cells)} colunas, mas o cabeçalho tem {len(header)}",
                )
            )
            continue
        parsed.rows.append(_RawRow(start, dict(zip(header, cells, strict=True))))


def _csv_reason(exc: Exception) -> str:
    """The csv module's (English) error, said in Portuguese where it is one an operator meets."""
    text = str(exc)
    if "field larger than field limit" in text:
        return "campo grande demais; há aspas abertas que não fecham nesta linha?"
    if "new-line character seen in unquoted field" in text:
        return "quebra de linha dentro de um campo sem aspas"
    return f"erro de leitura ({text})"


def _check_header(header: list[str], spec: _TableSpec, label: str, errors: list[ImportIssue]) -> bool:
    problems = []
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        problems.append(f"colunas repetidas: {', '.join(duplicated)}")
    if any(not name for name in header):
        # Spreadsheets often export a trailing separator: the header then ends in an empty column.
        problems.append("coluna sem nome (há um separador sobrando, por exemplo um ';' no fim da linha?)")
    unknown = [name for name in header if name and name not in spec.names]
    if unknown:
        problems.append(f"colunas desconhecidas: {', '.join(unknown)}")
    missing = [name for name in spec.required if name not in header]
    if missing:
        problems.append(f"colunas obrigatórias ausentes: {', '.join(missing)}")
    for problem in problems:
        errors.append(ImportIssue(label, 1, f"cabeçalho inválido: {problem}"))
    return not problems


def _read_json(text: str, spec: _TableSpec, parsed: _ParsedFile, errors: list[ImportIssue]) -> None:
    # Decoding element by element keeps the line where each object starts, for error messages.
    decoder = json.JSONDecoder()
    position = _skip_space(text, 0)
    if position >= len(text) or text[position] != "[":
        errors.append(
            ImportIssue(
                parsed.label, _line_of_offset(text, position), "JSON deve ser uma lista de objetos ([...])"
            )
        )
        return
    position = _skip_space(text, position + 1)
    if position < len(text) and text[position] == "]":
        return _expect_end(text, position + 1, parsed.label, errors)
    while True:
        start_line = _line_of_offset(text, position)
        try:
            item, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            errors.append(ImportIssue(parsed.label, exc.lineno, f"JSON inválido: {exc.msg}"))
            return
        if not isinstance(item, dict):
            errors.append(ImportIssue(parsed.label, start_line, "cada item da lista deve ser um objeto"))
        else:
            values = {str(k).strip().lower(): v for k, v in item.items()}
            unknown = [name for name in values if name not in spec.names]
            if unknown:
                errors.append(
                    ImportIssue(parsed.label, start_line, f"campos desconhecidos: {', '.join(unknown)}")
                )
            else:
                parsed.rows.append(_RawRow(start_line, values))
        position = _skip_space(text, position)
        if position < len(text) and text[position] == ",":
            position = _skip_space(text, position + 1)
            continue
        if position < len(text) and text[position] == "]":
            return _expect_end(text, position + 1, parsed.label, errors)
        errors.append(
            ImportIssue(parsed.label, _line_of_offset(text, position), "JSON inválido: esperava ',' ou ']'")
        )
        return


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _expect_end(text: str, position: int, label: str, errors: list[ImportIssue]) -> None:
    position = _skip_space(text, position)
    if position < len(text):
        errors.append(
            ImportIssue(label, _line_of_offset(text, position), "JSON inválido: conteúdo após o fim da lista")
        )


def _read_file(path: Path, errors: list[ImportIssue]) -> _ParsedFile | None:
    label = str(path)
    table = path.stem.lower()
    suffix = path.suffix.lower()
    if table not in SPECS or suffix not in SUPPORTED_SUFFIXES:
        expected = ", ".join(f"{name}.csv" for name in TABLE_ORDER)
        errors.append(
            ImportIssue(label, 1, f"nome de arquivo não reconhecido (esperado: {expected}, ou .json)")
        )
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        errors.append(ImportIssue(label, 1, f"não foi possível ler o arquivo: {exc.strerror or exc}"))
        return None
    text = _decode(data, label, errors)
    if text is None:
        return None
    parsed = _ParsedFile(path, label, table)
    reader = _read_csv if suffix == ".csv" else _read_json
    reader(text, SPECS[table], parsed, errors)
    return parsed


# --------------------------------------------------------------------------- applying rows


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _parse_row(spec: _TableSpec, raw: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    values: dict[str, Any] = {}
    reasons: list[str] = []
    for fld in spec.fields:
        raw_value = raw.get(fld.name)
        if _is_blank(raw_value):
            if fld.required:
                reasons.append(f"{fld.name}: campo obrigatório vazio")
            values[fld.name] = fld.default
            continue
        try:
            values[fld.name] = fld.parse(raw_value)
        except _FieldError as exc:
            reasons.append(f"{fld.name}: {exc}")
            values[fld.name] = None
    return values, reasons


class _Importer:
    def __init__(self, session: Session, today: date, broken_tables: set[str]):
        self.session = session
        self.today = today
        # Tables with a file that could not be read whole: a missing reference may just be in the lost part.
        self.broken_tables = broken_tables
        self.counts: dict[str, TableCount] = {}
        # Natural keys seen in this import: where first seen, and whether that row failed.
        self.seen: dict[tuple[str, tuple], tuple[str, int]] = {}
        self.failed: set[tuple[str, tuple]] = set()
        self.plans: dict[str, Plan] = {}
        self.beneficiaries: dict[str, Beneficiary] = {}
        self.cpf_owner: dict[str, str] = {}

    # -- lookups ---------------------------------------------------------------------------

    def plan(self, code: str) -> Plan:
        plan = self.plans.get(code)
        if plan is None:
            plan = self.session.execute(select(Plan).where(Plan.code == code)).scalar_one_or_none()
        if plan is None:
            if ("plans", (code,)) in self.failed or "plans" in self.broken_tables:
                raise _Skip()
            raise _RowError([f"plan_code: plano {code!r} não existe no banco nem no arquivo plans"])
        self.plans[code] = plan
        return plan

    def beneficiary(self, card: str, column: str) -> Beneficiary:
        person = self.beneficiaries.get(card)
        if person is None:
            person = self.session.execute(
                select(Beneficiary).where(Beneficiary.card_number == card)
            ).scalar_one_or_none()
        if person is None:
            if ("beneficiaries", (card,)) in self.failed or "beneficiaries" in self.broken_tables:
                raise _Skip()
            raise _RowError([f"{column}: beneficiário com cartão {card} não existe no banco nem no arquivo"])
        self.beneficiaries[card] = person
        return person

    def existing(self, model, **criteria):
        statement = select(model).filter_by(**criteria)
        return self.session.execute(statement).scalar_one_or_none()

    # -- driver ------------------------------------------------------------------------------

    def run(
        self, parsed_files: list[_ParsedFile], errors: list[ImportIssue], progress: Callable[[str], None]
    ) -> None:
        ordered = sorted(parsed_files, key=lambda p: TABLE_ORDER.index(p.table))
        for parsed in ordered:
            progress(f"{parsed.label}: conferindo e gravando {len(parsed.rows)} linha(s)")
            spec = SPECS[parsed.table]
            self.counts.setdefault(spec.name, TableCount())
            rows = parsed.rows
            if spec.name == "beneficiaries":
                # Titulars go first so a dependant may precede its titular in the file.
                rows = sorted(rows, key=lambda r: str(r.values.get("kind", "")).strip().lower() != "titular")
            for raw in rows:
                self.apply(spec, parsed.label, raw, errors)

    def apply(self, spec: _TableSpec, label: str, raw: _RawRow, errors: list[ImportIssue]) -> None:
        values, reasons = _parse_row(spec, raw.values)
        key_values = tuple(values.get(name) for name in spec.key)
        key = (spec.name, key_values) if all(v is not None for v in key_values) else None
        if key is not None:
            if key in self.seen:
                first_label, first_line = self.seen[key]
                where = (
                    f"linha {first_line}" if first_label == label else f"{first_label}, linha {first_line}"
                )
                reasons.append(f"registro duplicado: mesma chave ({', '.join(spec.key)}) da {where}")
                errors.append(ImportIssue(label, raw.line, "; ".join(reasons)))
                return
            self.seen[key] = (label, raw.line)
        if reasons:
            errors.append(ImportIssue(label, raw.line, "; ".join(reasons)))
            if key is not None:
                self.failed.add(key)
            return
        handler = getattr(self, f"_apply_{spec.name}")
        try:
            with self.session.begin_nested():
                inserted = handler(values)
                self.session.flush()
        except _Skip:
            if key is not None:
                self.failed.add(key)
            return
        except _RowError as exc:
            errors.append(ImportIssue(label, raw.line, "; ".join(exc.reasons)))
            if key is not None:
                self.failed.add(key)
            return
        except IntegrityError as exc:
            # Validation should have caught it; report the database's own words rather than crash.
            detail = str(exc.orig).strip().splitlines()[0]
            errors.append(ImportIssue(label, raw.line, f"rejeitado pelo banco de dados: {detail}"))
            if key is not None:
                self.failed.add(key)
            return
        count = self.counts[spec.name]
        if inserted:
            count.inserted += 1
        else:
            count.updated += 1

    def _upsert(self, model, existing, attributes: dict[str, Any]) -> bool:
        if existing is None:
            self.session.add(model(**attributes))
            return True
        for name, value in attributes.items():
            setattr(existing, name, value)
        return False

    # -- one handler per table: cross-field rules, references, upsert -----------------------

    def _apply_plans(self, v: dict[str, Any]) -> bool:
        attributes = {k: v[k] for k in SPECS["plans"].names}
        existing = self.existing(Plan, code=v["code"])
        inserted = self._upsert(Plan, existing, attributes)
        self.session.flush()
        self.plans[v["code"]] = existing or self.existing(Plan, code=v["code"])
        return inserted

    def _apply_plan_age_bands(self, v: dict[str, Any]) -> bool:
        if v["max_age"] is not None and v["max_age"] < v["min_age"]:
            raise _RowError(["max_age: idade máxima menor que a idade mínima"])
        plan = self.plan(v["plan_code"])
        existing = self.existing(PlanAgeBand, plan_id=plan.id, min_age=v["min_age"])
        attributes = {
            "plan_id": plan.id,
            "min_age": v["min_age"],
            "max_age": v["max_age"],
            "price": v["price"],
        }
        return self._upsert(PlanAgeBand, existing, attributes)

    def _apply_beneficiaries(self, v: dict[str, Any]) -> bool:
        reasons: list[str] = []
        kind = v["kind"]
        if v["birth_date"] > self.today:
            reasons.append("birth_date: data de nascimento no futuro")
            age = 0  # the row is rejected anyway; the age rules below must not fail on it
        else:
            age = age_on(v["birth_date"], self.today)
        if v["adhesion_date"] < v["birth_date"]:
            reasons.append("adhesion_date: adesão anterior ao nascimento")
        if (kind == "titular") != (v["relationship"] == "titular"):
            reasons.append("relationship: 'titular' é o parentesco exclusivo do beneficiário titular")
        if kind == "titular" and v["titular_card_number"]:
            reasons.append("titular_card_number: deve ficar vazio para o titular")
        if kind != "titular" and not v["titular_card_number"]:
            reasons.append("titular_card_number: obrigatório para dependentes")
        if kind in ("titular", "dependente_especial") and not v["cpf"]:
            reasons.append(
                "cpf: obrigatório para o titular e o dependente especial (responsáveis financeiros)"
            )
        if kind == "dependente_direto" and v["status"] == "ativo":
            # Art. 22: children and stepchildren up to 23 years, 11 months and 29 days; wards up to 18.
            if v["relationship"] in ("filho", "filha", "enteado", "enteada") and age >= 24:
                reasons.append(
                    "relationship: filho(a) ou enteado(a) com 24 anos ou mais não é dependente direto"
                )
            if v["relationship"] == "menor_sob_guarda" and age >= 18:
                reasons.append("relationship: menor sob guarda com 18 anos ou mais não é dependente direto")
        if age < 18 and not v["guardian_name"]:
            reasons.append("guardian_name: obrigatório para menor de 18 anos (representante legal)")
        if v["guardian_cpf"] and not v["guardian_name"]:
            reasons.append("guardian_name: informe o nome do responsável junto com o CPF")
        card = v["card_number"]
        if v["cpf"]:
            owner = self.cpf_owner.get(v["cpf"])
            if owner is None:
                other = self.existing(Beneficiary, cpf=v["cpf"])
                owner = other.card_number if other is not None else None
            if owner is not None and owner != card:
                reasons.append(f"cpf: CPF já cadastrado para o cartão {owner}")
        titular = None
        depends_on_failed_row = False
        if kind != "titular" and v["titular_card_number"]:
            if card_family_number(v["titular_card_number"]) != card_family_number(card):
                reasons.append("card_number: número de família diferente do cartão do titular")
            try:
                titular = self.beneficiary(v["titular_card_number"], "titular_card_number")
            except _RowError as exc:
                reasons.extend(exc.reasons)
            except _Skip:
                depends_on_failed_row = True
            else:
                if titular.kind != "titular":
                    reasons.append("titular_card_number: o cartão indicado não é de um titular")
        plan = None
        try:
            plan = self.plan(v["plan_code"])
        except _RowError as exc:
            reasons.extend(exc.reasons)
        except _Skip:
            depends_on_failed_row = True
        if reasons:
            raise _RowError(reasons)
        if depends_on_failed_row:
            raise _Skip()
        attributes = {
            "card_number": card,
            "cpf": v["cpf"],
            "name": v["name"],
            "birth_date": v["birth_date"],
            "kind": kind,
            "relationship": v["relationship"],
            "titular_id": titular.id if titular is not None else None,
            "guardian_name": v["guardian_name"],
            "guardian_cpf": v["guardian_cpf"],
            "plan_id": plan.id,
            "adhesion_date": v["adhesion_date"],
            "status": v["status"],
            "email": v["email"],
            "phone": v["phone"],
        }
        existing = self.existing(Beneficiary, card_number=card)
        inserted = self._upsert(Beneficiary, existing, attributes)
        self.session.flush()
        self.beneficiaries[card] = existing or self.existing(Beneficiary, card_number=card)
        if v["cpf"]:
            self.cpf_owner[v["cpf"]] = card
        return inserted

    def _apply_reimbursements(self, v: dict[str, Any]) -> bool:
        reasons: list[str] = []
        status = v["status"]
        if v["service_date"] > v["requested_on"]:
            reasons.append("service_date: atendimento posterior à data do pedido")
        if v["documents_complete_on"] and v["documents_complete_on"] < v["requested_on"]:
            reasons.append("documents_complete_on: anterior à data do pedido")
        if v["paid_on"] and v["paid_on"] < v["requested_on"]:
            reasons.append("paid_on: pagamento anterior à data do pedido")
        if v["amount_approved"] is not None and v["amount_approved"] > v["amount_requested"]:
            reasons.append("amount_approved: maior que o valor solicitado")
        if status == "pendente_documentos" and not v["pending_documents"]:
            reasons.append("pending_documents: obrigatório quando o status é pendente_documentos")
        if status in ("aprovado", "pago") and v["amount_approved"] is None:
            reasons.append(f"amount_approved: obrigatório quando o status é {status}")
        if status == "pago" and not v["paid_on"]:
            reasons.append("paid_on: obrigatório quando o status é pago")
        if status != "pago" and v["paid_on"]:
            reasons.append("paid_on: só pode ser preenchido quando o status é pago")
        if status == "negado" and not v["denial_reason"]:
            reasons.append("denial_reason: obrigatório quando o status é negado")
        person = self._person(v, reasons)
        attributes = {k: v[k] for k in SPECS["reimbursements"].names if k != "beneficiary_card_number"}
        attributes["beneficiary_id"] = person.id
        return self._upsert(Reimbursement, self.existing(Reimbursement, protocol=v["protocol"]), attributes)

    def _apply_authorizations(self, v: dict[str, Any]) -> bool:
        reasons: list[str] = []
        status = v["status"]
        if v["decided_on"] and v["decided_on"] < v["requested_on"]:
            reasons.append("decided_on: decisão anterior à solicitação")
        if status in ("autorizada", "negada") and not v["decided_on"]:
            reasons.append(f"decided_on: obrigatório quando o status é {status}")
        if status == "em_analise" and v["decided_on"]:
            reasons.append("decided_on: deve ficar vazio enquanto em_analise")
        if status == "negada" and not v["denial_reason"]:
            reasons.append("denial_reason: obrigatório quando o status é negada")
        person = self._person(v, reasons)
        attributes = {k: v[k] for k in SPECS["authorizations"].names if k != "beneficiary_card_number"}
        attributes["beneficiary_id"] = person.id
        existing = self.existing(Authorization, guide_number=v["guide_number"])
        return self._upsert(Authorization, existing, attributes)

    def _apply_invoices(self, v: dict[str, Any]) -> bool:
        reasons: list[str] = []
        status = v["status"]
        if v["payroll_deducted"] > v["amount"]:
            reasons.append("payroll_deducted: desconto em folha maior que o valor da fatura")
        if v["due_date"] < v["competence"]:
            reasons.append("due_date: vencimento anterior à competência")
        if status == "pago" and (v["paid_on"] is None or v["paid_amount"] is None):
            reasons.append("paid_on/paid_amount: obrigatórios quando o status é pago")
        if status != "pago" and (v["paid_on"] is not None or v["paid_amount"] is not None):
            reasons.append("paid_on/paid_amount: só podem ser preenchidos quando o status é pago")
        if status == "aberto" and v["amount"] > v["payroll_deducted"] and not v["digitable_line"]:
            reasons.append("digitable_line: obrigatória para fatura em aberto com valor a pagar por boleto")
        person = self._person(v, reasons)
        if person.kind == "dependente_direto":
            raise _RowError(["beneficiary_card_number: fatura só do titular ou de dependente especial"])
        attributes = {k: v[k] for k in SPECS["invoices"].names if k != "beneficiary_card_number"}
        attributes["beneficiary_id"] = person.id
        existing = self.existing(Invoice, beneficiary_id=person.id, competence=v["competence"])
        return self._upsert(Invoice, existing, attributes)

    def _apply_utilization_events(self, v: dict[str, Any]) -> bool:
        reasons: list[str] = []
        category = v["category"]
        if v["copay_amount"] > v["amount_total"]:
            reasons.append("copay_amount: coparticipação maior que o valor total")
        if category in models.COPAY_EXEMPT_CATEGORIES and v["copay_amount"] > 0:
            reasons.append(f"copay_amount: a categoria {category} é isenta de coparticipação (Art. 82, §4º)")
        day = v["hospitalization_day"]
        if day is not None and category not in ("internacao", "internacao_psiquiatrica"):
            reasons.append("hospitalization_day: só se aplica a internações")
        if day is not None and day < 1:
            reasons.append("hospitalization_day: deve ser 1 ou mais")
        if category == "internacao_psiquiatrica":
            if day is None:
                reasons.append("hospitalization_day: obrigatório para internação psiquiátrica")
            elif day <= 30 and v["copay_amount"] > 0:
                reasons.append(
                    "copay_amount: internação psiquiátrica só tem coparticipação a partir do 31º dia"
                )
        if v["event_date"] > self.today:
            reasons.append("event_date: data no futuro")
        person = self._person(v, reasons)
        attributes = {k: v[k] for k in SPECS["utilization_events"].names if k != "beneficiary_card_number"}
        attributes["beneficiary_id"] = person.id
        existing = self.existing(
            UtilizationEvent,
            beneficiary_id=person.id,
            event_date=v["event_date"],
            provider=v["provider"],
            procedure_code=v["procedure_code"],
        )
        return self._upsert(UtilizationEvent, existing, attributes)

    def _apply_tax_statements(self, v: dict[str, Any]) -> bool:
        reasons: list[str] = []
        if not 2000 <= v["year"] <= self.today.year:
            reasons.append(f"year: ano fora do intervalo 2000-{self.today.year}")
        person = self._person(v, reasons)
        attributes = {
            "beneficiary_id": person.id,
            "year": v["year"],
            "contributions_paid": v["contributions_paid"],
            "copay_paid": v["copay_paid"],
        }
        existing = self.existing(TaxStatement, beneficiary_id=person.id, year=v["year"])
        return self._upsert(TaxStatement, existing, attributes)

    def _person(self, v: dict[str, Any], reasons: list[str]) -> Beneficiary:
        """Resolve the row's beneficiary and raise every reason collected so far."""
        try:
            person = self.beneficiary(v["beneficiary_card_number"], "beneficiary_card_number")
        except _RowError as exc:
            raise _RowError(reasons + exc.reasons) from None
        except _Skip:
            if reasons:
                raise _RowError(reasons) from None
            raise
        if reasons:
            raise _RowError(reasons)
        return person


def import_files(
    paths: Iterable[str | Path],
    *,
    session_factory: sessionmaker,
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, TableCount]:
    """Validate and load data files into the database in a single transaction.

    Args:
        paths: CSV or JSON files named after their table (``plans.csv``,
            ``beneficiaries.json``...); order does not matter.
        session_factory: Factory from :func:`bot.db.session.make_session_factory`.
        today: Reference date for age rules (minors need a guardian); today by default.
        progress: Called with a line in Portuguese as each file is read and each table written (a large
            import takes a while); nothing by default.

    Returns:
        Rows inserted and updated per table name, for the tables present in the input.

    Raises:
        ImportValidationError: Any file or row is invalid; nothing was written.
    """
    today = today or clock.today()
    errors: list[ImportIssue] = []
    parsed_files: list[_ParsedFile] = []
    broken_tables: set[str] = set()
    progress = progress or (lambda _: None)
    for path in paths:
        before = len(errors)
        progress(f"lendo {path}")
        parsed = _read_file(Path(path), errors)
        if parsed is not None:
            parsed_files.append(parsed)
        if len(errors) > before:
            broken_tables.add(Path(path).stem.lower())
    session = session_factory()
    try:
        with session.begin():
            importer = _Importer(session, today, broken_tables)
            importer.run(parsed_files, errors, progress)
            if errors:
                # Raising inside begin() rolls everything back: all or nothing.
                raise ImportValidationError(_sorted(errors))
    finally:
        session.close()
    return {name: importer.counts[name] for name in TABLE_ORDER if name in importer.counts}


def _sorted(errors: list[ImportIssue]) -> list[ImportIssue]:
    return sorted(errors, key=lambda e: (e.file, e.line))


def iter_issue_lines(errors: Iterable[ImportIssue]) -> Iterator[str]:
    """Format issues as ``arquivo:linha: motivo`` lines.

    Args:
        errors: Issues from :class:`ImportValidationError`.

    Yields:
        One line per issue.
    """
    for issue in errors:
        yield str(issue)
