"""Identifier rules with worked examples: CPF, card number (Luhn), masks, bank-slip line."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest

from bot.db import seed
from bot.identifiers import (
    card_check_digit,
    card_family_number,
    cpf_check_digits,
    due_date_factor,
    is_valid_card,
    is_valid_cpf,
    is_valid_digitable_line,
    make_card_number,
    make_digitable_line,
    mask_card,
    mask_cpf,
    normalize_digits,
)


def test_normalize_digits_keeps_only_digits_in_order():
    assert normalize_digits("529.982.247-25") == "52998224725"
    assert normalize_digits(" 4175 0500 0000 1004 ") == "4175050000001004"
    assert normalize_digits("abc") == ""
    assert normalize_digits(None) == ""


def test_cpf_check_digits_worked_example():
    # 5*10 + 2*9 + 9*8 + 9*7 + 8*6 + 2*5 + 2*4 + 4*3 + 7*2 = 295; 2950 mod 11 = 2 -> first digit 2.
    # 5*11 + 2*10 + 9*9 + 9*8 + 8*7 + 2*6 + 2*5 + 4*4 + 7*3 + 2*2 = 347; 3470 mod 11 = 5 -> second digit 5.
    assert cpf_check_digits("529982247") == "25"
    # 1*10 + 1*9 + 1*8 + 4*7 + 4*6 + 4*5 + 7*4 + 7*3 + 7*2 = 162; 1620 mod 11 = 3.
    # 1*11 + 1*10 + 1*9 + 4*8 + 4*7 + 4*6 + 7*5 + 7*4 + 7*3 + 3*2 = 204; 2040 mod 11 = 5.
    assert cpf_check_digits("111444777") == "35"


def test_cpf_check_digit_remainder_ten_becomes_zero():
    # 3*10+9*9+0*8+5*7+3*6+3*5+4*4+4*3+7*2 = 221; 2210 mod 11 = 10 -> 0.
    assert cpf_check_digits("390533447")[0] == "0"
    assert is_valid_cpf(seed.DEMO_DAUGHTER_CPF)


@pytest.mark.parametrize(
    "cpf",
    ["52998224725", "529.982.247-25", "529 982 247 25", "11144477735", "111.444.777-35"],
)
def test_valid_cpfs(cpf):
    assert is_valid_cpf(cpf)


@pytest.mark.parametrize(
    "cpf, why",
    [
        ("52998224726", "second check digit wrong"),
        ("52998224715", "first check digit wrong"),
        ("111.111.111-11", "repeated digits pass the arithmetic but are not CPFs"),
        ("00000000000", "repeated zeros"),
        ("5299822472", "ten digits: validate-docbr would pad it with a zero"),
        ("529982247250", "twelve digits"),
        ("52998224a25", "letter inside"),
        ("", "empty"),
        (None, "missing"),
    ],
)
def test_invalid_cpfs(cpf, why):
    assert not is_valid_cpf(cpf), why


def test_generated_cpfs_are_valid_and_any_single_digit_change_breaks_them():
    rng = random.Random(1)
    taken: set[str] = set()
    for _ in range(200):
        cpf = seed.generate_cpf(rng, taken)
        assert is_valid_cpf(cpf)
        tampered = cpf[:10] + str((int(cpf[10]) + 1) % 10)
        assert not is_valid_cpf(tampered)
    assert len(taken) == 200


def test_card_check_digit_worked_example():
    # Payload 417505 0000001 00, read from the right; every second digit doubled starting with the last:
    # doubled 0,1,0,0,0,0,7,4 -> 0+2+0+0+0+0+(14->5)+8 = 15; kept 0,0,0,0,5,5,1 = 11; 26 -> check 4.
    assert card_check_digit("417505000000100") == 4
    assert make_card_number(1, 0) == "4175050000001004" == seed.DEMO_TITULAR_CARD
    assert make_card_number(1, 1) == seed.DEMO_SPOUSE_CARD
    assert make_card_number(1, 2) == seed.DEMO_DAUGHTER_CARD


def test_card_check_digit_rejects_wrong_length():
    with pytest.raises(ValueError):
        card_check_digit("41750500000010")


@pytest.mark.parametrize("card", ["4175050000001004", "4175 0500 0000 1004", "4175050000001012"])
def test_valid_cards(card):
    assert is_valid_card(card)


def _luhn_valid_with_prefix(prefix: str) -> str:
    first15 = f"{prefix}000000100"
    total = 0
    for index, char in enumerate(reversed(first15)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return first15 + str((10 - total % 10) % 10)


@pytest.mark.parametrize(
    "card, why",
    [
        ("4175050000001005", "check digit off by one"),
        ("4175050000010004", "two digits swapped (Luhn catches adjacent transpositions)"),
        (_luhn_valid_with_prefix("417506"), "Luhn-valid but another operator's prefix"),
        ("417505000000100", "fifteen digits"),
        ("4175O50000001004", "letter O instead of zero"),
        ("", "empty"),
        (None, "missing"),
    ],
)
def test_invalid_cards(card, why):
    assert not is_valid_card(card), why


def test_card_family_number():
    assert card_family_number("4175 0590 0000 1013") == "9000001"


def test_mask_cpf():
    assert mask_cpf("52998224725") == "***.982.247-**"
    assert mask_cpf("529.982.247-25") == "***.982.247-**"
    with pytest.raises(ValueError):
        mask_cpf("5299822472")


def test_mask_card_keeps_first_and_last_four():
    assert mask_card("4175050000001004") == "4175 **** **** 1004"
    assert mask_card("4175 0500 0000 1012") == "4175 **** **** 1012"
    with pytest.raises(ValueError):
        mask_card("417505")


def test_due_date_factor_wraps_after_9999():
    assert due_date_factor(date(2000, 7, 3)) == 1000
    assert due_date_factor(date(2025, 2, 21)) == 9999
    assert due_date_factor(date(2025, 2, 22)) == 1000
    assert due_date_factor(date(2026, 11, 16)) == 1632


@pytest.mark.parametrize(
    "line",
    [
        # Published examples of real slips (Banco do Brasil, Bradesco).
        "00190500954014481606906809350314337370000000100",
        "23793.38128 60007.827136 95000.063305 9 75520000370000",
    ],
)
def test_known_digitable_lines_validate(line):
    assert is_valid_digitable_line(line)


def test_generated_digitable_line_round_trip_and_tampering():
    line = make_digitable_line("001", date(2026, 11, 16), Decimal("1749.61"), "0000001002026110000000000")
    assert len(line) == 47
    assert line.startswith("0019")
    assert line.endswith("16320000174961")  # factor 1632, amount in cents
    assert is_valid_digitable_line(line)
    for position in (3, 15, 25, 40):
        tampered = line[:position] + str((int(line[position]) + 1) % 10) + line[position + 1 :]
        assert not is_valid_digitable_line(tampered), position
    assert not is_valid_digitable_line(line[:-1])
