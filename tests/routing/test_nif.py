"""Portuguese NIF: 9 digits, issued prefixes, modulo-11 check digit (routing/nif.py)."""

from __future__ import annotations

import doctest

import pytest

from routing import nif
from routing.nif import check_digit, find_nif, is_valid_nif


def test_docstring_examples():
    result = doctest.testmod(nif)
    assert result.failed == 0
    assert result.attempted > 0


def test_worked_example_from_the_module():
    # 9*1 + 8*2 + 7*3 + 6*4 + 5*5 + 4*6 + 3*7 + 2*8 = 156; 156 mod 11 = 2; 11 - 2 = 9
    assert check_digit("12345678") == 9
    assert is_valid_nif("123456789")


def test_remainder_zero_or_one_gives_check_digit_zero():
    assert check_digit("10000001") == 0  # sum 11, remainder 0
    assert check_digit("10000010") == 0  # sum 9 + 3 = 12, remainder 1
    assert is_valid_nif("100000100")


@pytest.mark.parametrize(
    "value",
    [
        "245837167",  # individual (2)
        "141672110",  # individual (1)
        "387523162",  # individual (3)
        "501964843",  # company (5)
        "600084779",  # public body (6)
        "PT 245 837 167",
        "245.837.167",
        "245-837-167",
    ],
)
def test_valid(value):
    assert is_valid_nif(value)


@pytest.mark.parametrize(
    "value, why",
    [
        ("245837160", "wrong check digit"),
        ("123456780", "wrong check digit"),
        ("401234567", "4 alone is not an issued prefix (45 is)"),
        ("000000000", "0 is not an issued prefix"),
        ("12345678", "8 digits"),
        ("1234567890", "10 digits"),
        ("52998224725", "a CPF, 11 digits"),
        ("1234a56789", "a letter among nine valid digits (123456789 is valid)"),
        ("12345678O", "the letter O for a zero"),
        ("", "empty"),
        (None, "missing"),
    ],
)
def test_invalid(value, why):
    assert not is_valid_nif(value), why


# prefix + 123456 + the mod-11 check digit, worked out by hand (e.g. 45123456: 36+40+7+12+15+16+15+12 = 153,
# 153 mod 11 = 10, check digit 1). Written out so the test does not build its cases with the function under test.
ISSUED = ["451234561", "701234563", "711234566", "721234569", "741234564", "751234567", "771234562", "791234568",
          "901234567", "911234560", "981234569", "991234561"]
NOT_ISSUED = ["401234568", "731234561", "761234560", "781234565", "921234562", "971234566"]


def test_two_digit_prefixes():
    for number in ISSUED:
        assert is_valid_nif(number), number
    for number in NOT_ISSUED:
        assert not is_valid_nif(number), number  # right check digit, prefix never issued


def test_check_digit_of_the_worked_examples():
    assert [check_digit(number[:8]) for number in ISSUED] == [int(number[8]) for number in ISSUED]


def test_find_nif_in_a_message():
    assert find_nif("Bom dia, sou a Rita Gomes, NIF 245 837 167, preciso da fatura") == "245837167"
    assert find_nif("nif:245837167.") == "245837167"
    assert find_nif("o NIF 245837160 e depois o certo 141672110") == "141672110"


def test_find_nif_does_not_cut_longer_numbers():
    assert find_nif("CPF 529.982.247-25") is None
    assert find_nif("protocolo 41750520261120000012") is None
    assert find_nif("cartão 4175 0517 2900 8406") is None
    assert find_nif("liguei para o 218 458 888") is None  # the Médis phone line: not a valid NIF
    assert find_nif("sem número nenhum") is None


@pytest.mark.parametrize("first8", ["1234567", "123456789", "1234567a", "", "1234 567"])
def test_check_digit_refuses_anything_but_eight_digits(first8):
    with pytest.raises(ValueError, match=r"^o NIF tem 8 dígitos antes do dígito de controlo$"):
        check_digit(first8)


@pytest.mark.parametrize("value", ["pt245837167", "Pt 245 837 167", " PT245837167"])
def test_the_pt_prefix_in_any_case(value):
    assert is_valid_nif(value)
