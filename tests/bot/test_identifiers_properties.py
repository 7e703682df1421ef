"""Property tests of the CPF and card validators (issue 13).

Valid values are built by generators written here from the public algorithms (Receita Federal's CPF
check digits, Luhn for the card); nothing in :mod:`bot.identifiers` is called to build them, so a bug
there cannot hide behind a generator that shares it.

Single-digit substitutions:

* Luhn catches every one (doubling is a permutation of 0-9 and the other digits count as they are), and a
  change inside the ``417505`` prefix leaves the operator's range: a card never stays valid.
* The CPF does *not* catch every one. Both check digits map a remainder of 0 or 1 (``11 - r`` would be 11
  or 10) to the digit ``0``, so two sums one apart can give the same digit; and the first base digit weighs
  11 in the second check digit, i.e. nothing modulo 11. Working through ``w1*delta = +-1`` and
  ``w2*delta = +-1 (mod 11)`` (``w1 = 10 - i`` and ``w2 = 11 - i`` for base position ``i``) leaves exactly:

  - position 0, ``delta = +-1``, when the first check digit is 0 (the second is untouched);
  - position 5, ``delta`` in ``{+-2, +-9}``, when both check digits are 0;

  e.g. ``304.011.980-06`` and ``404.011.980-06`` are both valid. The test asserts that precise statement, plus
  agreement with the independent reference on every mutant.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.identifiers import is_valid_card, is_valid_cpf

PROPERTY = settings(deadline=None, max_examples=200, derandomize=True, database=None)

CARD_PREFIX = "417505"
digits = st.lists(st.integers(0, 9), min_size=9, max_size=9)


# --- independent references -----------------------------------------------------------------------------------


def ref_cpf_check_digits(base: list[int]) -> list[int]:
    """Receita Federal: weights 10..2 then 11..2; remainder r of the sum by 11 gives 0 if r < 2 else 11 - r."""
    out = list(base)
    for first_weight in (10, 11):
        total = sum(d * w for d, w in zip(out, range(first_weight, 1, -1), strict=True))
        rest = total % 11
        out.append(0 if rest < 2 else 11 - rest)
    return out[9:]


def ref_is_valid_cpf(text: str) -> bool:
    if len(text) != 11 or not text.isdigit() or len(set(text)) == 1:
        return False
    ds = [int(c) for c in text]
    return ds[9:] == ref_cpf_check_digits(ds[:9])


def ref_luhn_ok(text: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(text)):
        value = int(char) * (2 if position % 2 else 1)
        total += value // 10 + value % 10
    return total % 10 == 0


def ref_card_check_digit(first15: str) -> int:
    return next(d for d in range(10) if ref_luhn_ok(first15 + str(d)))


def ref_is_valid_card(text: str) -> bool:
    return len(text) == 16 and text.isdigit() and text.startswith(CARD_PREFIX) and ref_luhn_ok(text)


# A base of one repeated digit can give matching check digits (111.111.111-11), but the rule refuses those.
valid_cpfs = digits.map(lambda base: "".join(map(str, base + ref_cpf_check_digits(base)))).filter(
    lambda cpf: len(set(cpf)) > 1
)


@st.composite
def valid_cards(draw) -> str:
    body = draw(st.text("0123456789", min_size=9, max_size=9))
    first15 = CARD_PREFIX + body
    return first15 + str(ref_card_check_digit(first15))


def substitute(value: str, position: int, offset: int) -> tuple[str, int]:
    """Replace the digit at ``position`` by another digit (``offset`` 1-9 steps up, modulo 10)."""
    new_digit = (int(value[position]) + offset) % 10
    return value[:position] + str(new_digit) + value[position + 1 :], new_digit - int(value[position])


# --- CPF ----------------------------------------------------------------------------------------------------


@PROPERTY
@given(valid_cpfs)
def test_every_generated_cpf_is_accepted_bare_and_punctuated(cpf):
    assert is_valid_cpf(cpf)
    assert is_valid_cpf(f"{cpf[:3]}.{cpf[3:6]}.{cpf[6:9]}-{cpf[9:]}")
    assert is_valid_cpf(f" {cpf[:3]} {cpf[3:6]} {cpf[6:9]} {cpf[9:]} ")


@PROPERTY
@given(st.one_of(st.text("0123456789", min_size=11, max_size=11), valid_cpfs))
@example("52998224725")
@example("11111111111")
@example("00000000000")
def test_cpf_validator_accepts_exactly_the_reference_cpfs(text):
    assert is_valid_cpf(text) == ref_is_valid_cpf(text)


@PROPERTY
@given(st.text("0123456789", min_size=0, max_size=14).filter(lambda t: len(t) != 11))
def test_cpf_with_another_number_of_digits_is_refused(text):
    assert not is_valid_cpf(text)


@PROPERTY
@given(valid_cpfs, st.integers(0, 10), st.integers(1, 9))
@example("30401198006", 0, 1)  # -> 40401198006: position 0, +1, first check digit 0: stays valid
@example("28698692400", 5, 2)  # -> 28698892400: position 5, +2, both check digits 0: stays valid
@example("17524049200", 5, 9)  # -> 17524949200: position 5, +9
def test_single_digit_change_breaks_a_cpf_except_the_known_mod11_collisions(cpf, position, offset):
    mutant, delta = substitute(cpf, position, offset)
    valid = is_valid_cpf(mutant)
    assert valid == ref_is_valid_cpf(mutant)
    if valid:
        # See the module docstring: only these substitutions survive both check digits.
        assert (position, abs(delta)) in {(0, 1), (5, 2), (5, 9)}
        assert cpf[9] == "0"
        assert position == 0 or cpf[10] == "0"
    if position >= 9:
        assert not valid  # a changed check digit never matches the (unchanged) base


# --- card ---------------------------------------------------------------------------------------------------


@PROPERTY
@given(valid_cards())
def test_every_generated_card_is_accepted_bare_and_in_groups(card):
    assert is_valid_card(card)
    assert is_valid_card(" ".join(card[i : i + 4] for i in range(0, 16, 4)))


@PROPERTY
@given(st.one_of(st.text("0123456789", min_size=10, max_size=10).map(lambda body: CARD_PREFIX + body), valid_cards()))
@example("4175050000001004")
def test_card_validator_accepts_exactly_the_reference_cards(card):
    assert is_valid_card(card) == ref_is_valid_card(card)


@PROPERTY
@given(valid_cards(), st.integers(0, 15), st.integers(1, 9))
def test_any_single_digit_change_invalidates_a_card(card, position, offset):
    mutant, _ = substitute(card, position, offset)
    assert not is_valid_card(mutant)


def test_the_cpf_collisions_are_real():
    # Why the CPF property above cannot be "every single-digit change is invalid".
    assert is_valid_cpf("30401198006") and is_valid_cpf("40401198006")
    assert is_valid_cpf("28698692400") and is_valid_cpf("28698892400")
    assert is_valid_cpf("17524049200") and is_valid_cpf("17524949200")
