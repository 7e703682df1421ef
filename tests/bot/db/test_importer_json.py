"""JSON files as people and programs write them, and where the importer says they break (issue 13).

Compact and pretty-printed lists both import; an empty list imports nothing; a list cut short, a stray
character before it, a second list after it, several unknown fields and a syntax error are each reported with
the file and the line where the operator should look. Tax statements take the first and the last year allowed.
"""

from __future__ import annotations

import json

from bot.db.importer import ImportIssue
from tests.bot.db.conftest import TODAY
from tests.bot.db.test_importer_rejections import (
    BAND,
    SECOND_BAND,
    SECOND_TAX,
    TAX,
    _base,
    _import,
    _rejected,
    _write,
)


def test_compact_and_pretty_printed_lists_both_import(db, tmp_path):
    compact = _write(tmp_path, "plan_age_bands.json", json.dumps([BAND, SECOND_BAND], separators=(",", ":")))
    assert _import(db, [*_base(tmp_path), compact])["plan_age_bands"].inserted == 2
    pretty = _write(tmp_path, "plan_age_bands.json", json.dumps([BAND, SECOND_BAND], indent=4) + "\n\n")
    assert _import(db, [*_base(tmp_path), pretty])["plan_age_bands"].updated == 2


def test_an_empty_list_imports_nothing(db, tmp_path):
    empty = _write(tmp_path, "plan_age_bands.json", " [ \n ] \n")
    assert _import(db, [*_base(tmp_path), empty])["plan_age_bands"].inserted == 0


def test_a_second_list_after_an_empty_one_is_reported_on_its_line(db, tmp_path):
    bands = _write(tmp_path, "plan_age_bands.json", "[]\n\n[]\n")
    assert _rejected(db, [*_base(tmp_path), bands]) == [
        ImportIssue(str(bands), 3, "JSON inválido: conteúdo após o fim da lista")
    ]


def test_a_character_right_after_an_empty_list_is_reported(db, tmp_path):
    bands = _write(tmp_path, "plan_age_bands.json", "[]]")
    assert _rejected(db, [*_base(tmp_path), bands]) == [
        ImportIssue(str(bands), 1, "JSON inválido: conteúdo após o fim da lista")
    ]


def test_a_character_right_after_the_list_is_reported(db, tmp_path):
    bands = _write(tmp_path, "plan_age_bands.json", json.dumps([BAND]) + "]")
    assert _rejected(db, [*_base(tmp_path), bands]) == [
        ImportIssue(str(bands), 1, "JSON inválido: conteúdo após o fim da lista")
    ]


def test_a_stray_character_before_the_list_is_reported(db, tmp_path):
    bands = _write(tmp_path, "plan_age_bands.json", "X" + json.dumps([BAND]))
    assert _rejected(db, [*_base(tmp_path), bands]) == [
        ImportIssue(str(bands), 1, "JSON deve ser uma lista de objetos ([...])")
    ]


def test_a_list_that_only_opens_is_reported(db, tmp_path):
    bands = _write(tmp_path, "plan_age_bands.json", "[")
    assert _rejected(db, [*_base(tmp_path), bands]) == [
        ImportIssue(str(bands), 1, "JSON inválido: Expecting value")
    ]


def test_a_list_cut_after_an_item_is_reported_where_it_ends(db, tmp_path):
    bands = _write(tmp_path, "plan_age_bands.json", "[\n" + json.dumps(BAND) + "\n")
    assert _rejected(db, [*_base(tmp_path), bands]) == [
        ImportIssue(str(bands), 3, "JSON inválido: esperava ',' ou ']'")
    ]


def test_items_without_a_comma_between_them_are_reported_on_the_second(db, tmp_path):
    bands = _write(tmp_path, "plan_age_bands.json", "[\n" + json.dumps(BAND) + "\n" + json.dumps(SECOND_BAND) + "\n]")
    assert _rejected(db, [*_base(tmp_path), bands]) == [
        ImportIssue(str(bands), 3, "JSON inválido: esperava ',' ou ']'")
    ]


def test_a_syntax_error_names_the_file_and_line(db, tmp_path):
    bands = _write(tmp_path, "plan_age_bands.json", '[\n{"plan_code": "CLASSICO-APTO",\n "min_age": }\n]')
    assert _rejected(db, [*_base(tmp_path), bands]) == [
        ImportIssue(str(bands), 3, "JSON inválido: Expecting value")
    ]


def test_every_unknown_field_is_named(db, tmp_path):
    bands = _write(tmp_path, "plan_age_bands.json", json.dumps([{**BAND, "Desconto": "1", "obs": "x"}]))
    assert _rejected(db, [*_base(tmp_path), bands]) == [
        ImportIssue(str(bands), 1, "campos desconhecidos: desconto, obs")
    ]


def test_tax_statements_take_the_year_2000_and_the_current_year(db, tmp_path):
    rows = [{**TAX, "year": "2000"}, {**SECOND_TAX, "year": str(TODAY.year)}]
    taxes = _write(tmp_path, "tax_statements.json", json.dumps(rows))
    assert _import(db, [*_base(tmp_path), taxes])["tax_statements"].inserted == 2
