"""Each kind of value the importer reads, at its limits, with the exact reason an operator gets (issue 13).

The row-level tests (``test_importer_rejections.py``) show one bad value per rule through a whole import; these
check the readers themselves, fast, on both sides of every limit: the longest text accepted, the digit counts, the
largest amounts, every spelling of yes and no, phone and e-mail shapes, plan codes and competences.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.db.importer import (
    _digits,
    _enum,
    _FieldError,
    _parse_bool,
    _parse_card,
    _parse_competence,
    _parse_cpf,
    _parse_date,
    _parse_decimal,
    _parse_email,
    _parse_int,
    _parse_phone,
    _parse_plan_code,
    _parse_price,
    _text,
)


def _reason(parse, value) -> str:
    with pytest.raises(_FieldError) as caught:
        parse(value)
    return str(caught.value)


def test_text_up_to_its_limit_is_kept_trimmed():
    assert _text(5)("  abcde  ") == "abcde"
    assert _reason(_text(5), "abcdef") == "texto com mais de 5 caracteres"


def test_protocol_digits_accept_separators_and_count_digits_only():
    protocol = _digits(6, 30)
    assert protocol(" 4175.0520/2026-10 20 ") == "41750520202610" + "20"
    assert protocol("123456") == "123456" and protocol("1" * 30) == "1" * 30
    assert _reason(protocol, "12345") == "deve ter 6 a 30 dígitos"
    assert _reason(protocol, "1" * 31) == "deve ter 6 a 30 dígitos"
    assert _reason(protocol, "12345a") == "deve conter apenas números"
    assert _reason(_digits(11, 11), "123") == "deve ter 11 dígitos"


@pytest.mark.parametrize("text, expected", [("2026-02-28", date(2026, 2, 28)), (" 28/02/2026 ", date(2026, 2, 28)),
                                            (date(2026, 1, 5), date(2026, 1, 5))])
def test_dates_in_either_format(text, expected):
    assert _parse_date(text) == expected


def test_an_impossible_date_is_named():
    assert _reason(_parse_date, "29/02/2026") == "data inválida '29/02/2026' (use aaaa-mm-dd ou dd/mm/aaaa)"


@pytest.mark.parametrize("text", ["2026-10", "10/2026", "2026-10-15", "15/10/2026"])
def test_a_competence_is_the_first_day_of_its_month(text):
    assert _parse_competence(text) == date(2026, 10, 1)


def test_an_unreadable_competence_is_named():
    assert _reason(_parse_competence, "13/2026") == (
        "competência inválida '13/2026' (use aaaa-mm, mm/aaaa ou uma data)"
    )


def test_amounts_at_their_limits():
    assert _parse_decimal("9999999999,99") == Decimal("9999999999.99")
    assert _reason(_parse_decimal, "10000000000") == "valor grande demais"
    assert _parse_decimal(Decimal("0.5")) == Decimal("0.50") and _parse_decimal(12.5) == Decimal("12.50")
    assert _parse_decimal(" R$ 0,01 ") == Decimal("0.01")
    assert _reason(_parse_decimal, -1) == "valor não pode ser negativo"
    assert _reason(_parse_decimal, "1,2,3") == "valor inválido '1,2,3'"
    assert _reason(_parse_decimal, "12,345") == "valor '12,345' com mais de 2 casas decimais"
    assert _reason(_parse_decimal, 0.001) == "valor 0.001 com mais de 2 casas decimais"
    assert _reason(_parse_decimal, Decimal("Infinity")) == "valor inválido Decimal('Infinity')"
    assert _reason(_parse_decimal, False) == "valor numérico esperado"
    # Whichever separator comes last is the decimal mark: here the dot, so the comma is a thousands separator.
    assert _reason(_parse_decimal, "1.234,56.78") == "valor inválido '1.234,56.78' (use 1234,56 ou 1234.56)"


def test_plan_prices_stop_below_one_hundred_million():
    assert _parse_price("99.999.999,99") == Decimal("99999999.99")
    assert _reason(_parse_price, "100.000.000,00") == (
        "valor grande demais para um preço de plano (máximo 99.999.999,99)"
    )


def test_whole_numbers():
    assert _parse_int(" 42 ") == 42 and _parse_int(0) == 0
    assert _reason(_parse_int, "4.2") == "número inteiro inválido '4.2'"
    assert _reason(_parse_int, -3) == "número inteiro inválido -3 (não pode ser negativo)"
    assert _reason(_parse_int, False) == "número inteiro esperado"


@pytest.mark.parametrize("text", ["true", "SIM", " s ", "1", "yes", "y", "Verdadeiro", "t", True])
def test_every_spelling_of_yes(text):
    assert _parse_bool(text) is True


@pytest.mark.parametrize("text", ["false", "Não", "nao", "N", "0", "no", "falso", "f", False])
def test_every_spelling_of_no(text):
    assert _parse_bool(text) is False


def test_a_yes_or_no_that_is_neither():
    assert _reason(_parse_bool, " Talvez ") == "valor lógico inválido 'talvez' (use sim/não ou true/false)"


def test_allowed_values_are_read_without_case_and_listed_when_wrong():
    status = _enum(("aberto", "pago"))
    assert status(" PAGO ") == "pago"
    assert _reason(status, "Vencido") == "valor 'vencido' não permitido (aceitos: aberto, pago)"


def test_identifiers_are_stored_as_digits():
    assert _parse_cpf(" 447.712.782-02 ") == "44771278202"
    assert _reason(_parse_cpf, "447.712.782-03") == "CPF inválido '447.712.782-03' (dígitos verificadores não conferem)"
    assert _parse_card("4175 0590 0000 1005") == "4175059000001005"
    assert _reason(_parse_card, "4175059000001006") == (
        "número de cartão inválido '4175059000001006' (16 dígitos, começa com 417505, dígito de Luhn)"
    )


def test_plan_codes_are_upper_case_and_up_to_forty_characters():
    assert _parse_plan_code(" classico_apto-2 ") == "CLASSICO_APTO-2"
    assert _parse_plan_code("A" * 40) == "A" * 40
    assert _reason(_parse_plan_code, "A" * 41) == f"código de plano inválido '{'A' * 41}' (letras, números, - ou _)"
    assert _reason(_parse_plan_code, "-PLANO") == "código de plano inválido '-PLANO' (letras, números, - ou _)"


def test_e_mails_are_lower_case_and_up_to_two_hundred_characters():
    assert _parse_email(" Maria.Souza@Example.COM ") == "maria.souza@example.com"
    longest = "a" * 188 + "@example.com"
    assert len(longest) == 200 and _parse_email(longest) == longest
    assert _reason(_parse_email, "a" + longest) == f"e-mail inválido {'a' + longest!r}"
    assert _reason(_parse_email, "maria souza@example.com") == "e-mail inválido 'maria souza@example.com'"


@pytest.mark.parametrize("text, digits", [("(31) 3333-4444", "3133334444"), ("+55 (31) 9 0000-1201", "5531900001201"),
                                          ("31.90000.1201", "31900001201")])
def test_phones_with_area_code_are_stored_as_digits(text, digits):
    assert _parse_phone(text) == digits


@pytest.mark.parametrize("text", ["3133-4444", "+55 (31) 9 0000-12011", "31 9000O-1201"])
def test_phones_too_short_too_long_or_with_letters(text):
    assert _reason(_parse_phone, text) == f"telefone inválido {text!r} (DDD + número)"
