"""Rule-based reading of identifiers and dates."""

from __future__ import annotations

from datetime import date

import pytest

from bot.nlu.parsing import find_identifiers, is_only_identifiers, menu_digit_intent, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12/03/1975", date(1975, 3, 12)),
        ("12031975", date(1975, 3, 12)),
        ("12-3-75", date(1975, 3, 12)),
        ("nasci em 12 de março de 1975", date(1975, 3, 12)),
        ("5 de dezembro de 2012", date(2012, 12, 5)),
        ("31/02/1980", None),
        ("ontem", None),
        ("1203197", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_finds_cpf_and_date_in_one_sentence():
    found = find_identifiers("meu cpf é 529.982.247-25 e nasci em 12/03/1975")
    assert [(f.entity, f.value) for f in found] == [("cpf", "52998224725"), ("data", "1975-03-12")]


def test_spaced_card_followed_by_date_is_not_glued():
    found = find_identifiers("4175 0500 0000 1002 12/03/1975")
    assert [(f.entity, f.value) for f in found] == [("numero_cartao", "4175050000001002"), ("data", "1975-03-12")]


def test_protocol_has_twenty_digits():
    found = find_identifiers("protocolo 41750520261125000123")
    assert [(f.entity, f.value) for f in found] == [("protocolo", "41750520261125000123")]


def test_only_identifiers():
    text = "529.982.247-25"
    assert is_only_identifiers(text, find_identifiers(text))
    text = "qto paguei de copart nos ultimos 3 meses"
    assert not is_only_identifiers(text, find_identifiers(text))


@pytest.mark.parametrize(("text", "intent"), [("1", "reembolso"), (" 3 ", "numero_cartao"), ("0", "falar_atendente"),
                                              ("7.", "novos_planos"), ("8", None), ("13", None)])
def test_menu_digits(text, intent):
    assert menu_digit_intent(text) == intent
