"""Identifier functions at the edges of their ranges, and the messages they give when refusing a value.

The messages name the part that is wrong (``first9``, ``bank_code``...), so a caller can tell which input to fix.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.identifiers import (
    card_check_digit,
    cpf_check_digits,
    due_date_factor,
    is_valid_card,
    is_valid_cpf,
    is_valid_digitable_line,
    make_card_number,
    make_digitable_line,
    mask_card,
    mask_cpf,
)

FREE_FIELD = "0000001002026110000000000"


@pytest.mark.parametrize("first9", ["52998224", "5299822470", "52998224a", "", "529 98224"])
def test_cpf_check_digits_refuses_anything_but_nine_digits(first9):
    with pytest.raises(ValueError, match=r"^first9 must have exactly 9 digits$"):
        cpf_check_digits(first9)


@pytest.mark.parametrize("first15", ["41750500000010", "4175050000001000", "41750500000010x"])
def test_card_check_digit_refuses_anything_but_fifteen_digits(first15):
    with pytest.raises(ValueError, match=r"^first15 must have exactly 15 digits$"):
        card_check_digit(first15)


def test_make_card_number_at_the_top_of_both_ranges():
    # Family 9999999 and sequence 99 are the last parts that fit in 7 and 2 digits.
    assert make_card_number(9_999_999, 99) == "4175059999999995"
    assert is_valid_card("4175059999999995")
    assert make_card_number(1, 99) == "4175050000001996"


@pytest.mark.parametrize("family_number", [0, -1, 10_000_000])
def test_make_card_number_refuses_a_family_number_out_of_range(family_number):
    with pytest.raises(ValueError, match=r"^family_number must be between 1 and 9999999$"):
        make_card_number(family_number, 0)


@pytest.mark.parametrize("sequence", [-1, 100])
def test_make_card_number_refuses_a_sequence_out_of_range(sequence):
    with pytest.raises(ValueError, match=r"^sequence must be between 0 and 99$"):
        make_card_number(1, sequence)


@pytest.mark.parametrize("card", ["4175 0500 0000 1004x", "cartão 4175050000001004", "4175050000001004/"])
def test_a_valid_card_with_other_characters_around_is_refused(card):
    # The 16 digits are right, but a letter or a slash means the text is not just a card number.
    assert not is_valid_card(card)


def test_mask_cpf_refuses_a_cpf_without_eleven_digits():
    with pytest.raises(ValueError, match=r"^a CPF has 11 digits$"):
        mask_cpf("529.982.247-2")


def test_mask_card_refuses_a_card_without_sixteen_digits():
    with pytest.raises(ValueError, match=r"^a card number has 16 digits$"):
        mask_card("4175 0500 0000 100")


def test_due_date_factor_refuses_a_date_before_its_range():
    # 02/07/2000 is day 999 after the base date 07/10/1997: before factor 1000 existed.
    with pytest.raises(ValueError, match=r"^due date before the factor's range$"):
        due_date_factor(date(2000, 7, 2))


def test_due_date_factor_wraps_a_second_time_after_9000_days():
    # Day 18999 after the base is 9999 again; day 19000 (14/10/2049) restarts at 1000.
    assert due_date_factor(date(2049, 10, 13)) == 9999
    assert due_date_factor(date(2049, 10, 14)) == 1000


@pytest.mark.parametrize("bank_code", ["01", "0011", "00a", ""])
def test_make_digitable_line_refuses_a_bad_bank_code(bank_code):
    with pytest.raises(ValueError, match=r"^bank_code must have 3 digits$"):
        make_digitable_line(bank_code, date(2026, 11, 16), Decimal("10.00"), FREE_FIELD)


@pytest.mark.parametrize("free_field", [FREE_FIELD[:-1], FREE_FIELD + "0", FREE_FIELD[:-1] + "x"])
def test_make_digitable_line_refuses_a_bad_free_field(free_field):
    with pytest.raises(ValueError, match=r"^free_field must have 25 digits$"):
        make_digitable_line("001", date(2026, 11, 16), Decimal("10.00"), free_field)


def test_make_digitable_line_with_a_zero_amount():
    line = make_digitable_line("001", date(2026, 11, 16), Decimal("0"), FREE_FIELD)
    assert line == "00190000090100202611800000000000116320000000000"
    assert is_valid_digitable_line(line)


def test_make_digitable_line_with_the_largest_amount():
    # Ten digits of cents: R$ 99.999.999,99 is the most a slip can carry.
    line = make_digitable_line("001", date(2026, 11, 16), Decimal("99999999.99"), FREE_FIELD)
    assert line == "00190000090100202611800000000000316329999999999"
    assert is_valid_digitable_line(line)


@pytest.mark.parametrize("amount", ["100000000.00", "-0.01"])
def test_make_digitable_line_refuses_an_amount_out_of_range(amount):
    with pytest.raises(ValueError, match=r"^amount out of range$"):
        make_digitable_line("001", date(2026, 11, 16), Decimal(amount), FREE_FIELD)


@pytest.mark.parametrize(
    ("free_field", "line", "general_dv"),
    [
        # Weighted sum (weights 2..9 from the right) leaves remainder 0: 11 - 0 = 11, printed as 1.
        ("0000001002026110000000006", "00190000090100202611800000000067116320000174961", "1"),
        # Remainder 1: 11 - 1 = 10, printed as 1 (FEBRABAN: 0, 10 and 11 become 1).
        ("0000001002026110000000001", "00190000090100202611800000000018116320000174961", "1"),
        # Remainder 2: 11 - 2 = 9, printed as is.
        ("0000001002026110000000007", "00190000090100202611800000000075916320000174961", "9"),
    ],
)
def test_general_check_digit_of_the_barcode_never_is_0_10_or_11(free_field, line, general_dv):
    made = make_digitable_line("001", date(2026, 11, 16), Decimal("1749.61"), free_field)
    assert made == line
    assert made[32] == general_dv
    assert is_valid_digitable_line(made)


@pytest.mark.parametrize("cpf", ["529.982.247-25x", "cpf 529.982.247-25", "52998224725/"])
def test_a_valid_cpf_with_other_characters_around_is_refused(cpf):
    assert not is_valid_cpf(cpf)
