"""Property tests of the Portuguese NIF validator (issue 13).

Valid NIFs are built here from the public rule (an AT prefix, then the modulo-11 check digit over the first
eight digits weighted 9 down to 2); :func:`routing.nif.check_digit` is never used to build them.

Single-digit substitutions: the scheme does *not* catch all of them. The check digit is ``0`` both when the
remainder ``r`` is 0 and when it is 1 (``11 - 1 = 10`` is not a digit), and changing digit ``i`` by ``delta``
moves ``r`` by ``w * delta (mod 11)`` with ``w = 9 - i``. Every weight 2..9 has some ``delta`` in -9..9 with
``w * delta = +-1 (mod 11)``, so a NIF whose check digit is 0 can stay valid after one change in any of its
first eight digits (``100000010`` -> ``100000070``: ``r`` goes from 0 to 1, the check digit stays 0). The test
asserts the precise statement: a mutant is valid exactly when the independent reference says so, and that
only happens with a changed base digit, an original check digit 0 and ``w * delta = +-1 (mod 11)``.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from routing.nif import find_nif, is_valid_nif

PROPERTY = settings(deadline=None, max_examples=200, derandomize=True, database=None)

# Prefixes the Portuguese tax authority (AT) issues.
ONE_DIGIT_PREFIXES = ("1", "2", "3", "5", "6", "8")
TWO_DIGIT_PREFIXES = ("45", "70", "71", "72", "74", "75", "77", "79", "90", "91", "98", "99")


def ref_check_digit(first8: str) -> int:
    rest = sum(int(d) * w for d, w in zip(first8, range(9, 1, -1), strict=True)) % 11
    return 0 if rest < 2 else 11 - rest


def ref_prefix_ok(text: str) -> bool:
    return text[:1] in ONE_DIGIT_PREFIXES or text[:2] in TWO_DIGIT_PREFIXES


def ref_is_valid_nif(text: str) -> bool:
    return len(text) == 9 and text.isdigit() and ref_prefix_ok(text) and int(text[8]) == ref_check_digit(text[:8])


@st.composite
def valid_nifs(draw) -> str:
    prefix = draw(st.sampled_from(ONE_DIGIT_PREFIXES + TWO_DIGIT_PREFIXES))
    first8 = prefix + draw(st.text("0123456789", min_size=8 - len(prefix), max_size=8 - len(prefix)))
    return first8 + str(ref_check_digit(first8))


@PROPERTY
@given(valid_nifs())
def test_every_generated_nif_is_accepted_in_the_usual_spellings(nif):
    assert is_valid_nif(nif)
    assert is_valid_nif(f"{nif[:3]} {nif[3:6]} {nif[6:]}")
    assert is_valid_nif(f"PT{nif[:3]}.{nif[3:6]}.{nif[6:]}")
    assert find_nif(f"O meu NIF é {nif[:3]} {nif[3:6]} {nif[6:]}, obrigada") == nif


@PROPERTY
@given(st.one_of(st.text("0123456789", min_size=9, max_size=9), valid_nifs()))
@example("123456789")
@example("401234567")  # right check digit, prefix 4 alone is not issued
def test_nif_validator_accepts_exactly_the_reference_nifs(text):
    assert is_valid_nif(text) == ref_is_valid_nif(text)


@PROPERTY
@given(valid_nifs(), st.integers(0, 8), st.integers(1, 9))
@example("100000010", 7, 6)  # -> 100000070: r 0 -> 1 (2 * 6 = 12), check digit stays 0
def test_single_digit_change_breaks_a_nif_except_the_r0_r1_collision(nif, position, offset):
    new_digit = (int(nif[position]) + offset) % 10
    delta = new_digit - int(nif[position])
    mutant = nif[:position] + str(new_digit) + nif[position + 1 :]
    valid = is_valid_nif(mutant)
    assert valid == ref_is_valid_nif(mutant)
    if valid:
        # See the module docstring: the only survivors.
        assert position < 8
        assert nif[8] == "0"
        assert ((9 - position) * delta) % 11 in (1, 10)


def test_the_r0_r1_collision_is_real():
    # Why the property above cannot be "every single-digit change is invalid".
    assert is_valid_nif("100000010") and is_valid_nif("100000070")
