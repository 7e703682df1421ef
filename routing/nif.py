"""Portuguese tax number (NIF, "número de identificação fiscal") validation.

The teleconsultation desk asks every client for NAME and NIF before routing
(triage procedure, 004_440bb7f2301d6e8b.txt). A NIF has 9 digits; the last is
a modulo-11 check digit over the first eight, weighted 9 down to 2:

* ``s = 9*d1 + 8*d2 + 7*d3 + 6*d4 + 5*d5 + 4*d6 + 3*d7 + 2*d8``
* ``r = s mod 11``; the check digit is ``0`` when ``r`` is 0 or 1, else ``11 - r``.

Worked example, ``123456789``: ``s = 9 + 16 + 21 + 24 + 25 + 24 + 21 + 16 = 156``,
``156 mod 11 = 2``, check digit ``11 - 2 = 9``: valid. ``123456780`` has the
same first eight digits and a different last one: invalid.

Worked example with ``r < 2``, ``100000010``: ``s = 9*1 + 2*1 = 11``, ``11 mod 11 = 0``,
check digit ``0``: valid.

The first digit (or first two) tells the kind of holder; only these prefixes
are issued by the Portuguese tax authority (AT):

* ``1``, ``2``, ``3``: individuals (``3`` since the ``2`` range ran out);
* ``45``: non-resident individuals;
* ``5``: companies; ``6``: public bodies; ``8``: sole traders (no longer issued);
* ``70``, ``74``, ``75``: estates ("herança indivisa"); ``71``: non-resident companies;
  ``72``: investment funds; ``77``: officially assigned; ``79``: exceptional;
* ``90``, ``91``: condominiums and de facto companies; ``98``: non-residents without
  a permanent establishment; ``99``: civil companies without legal personality.
"""

from __future__ import annotations

import re

FIRST_DIGITS = frozenset("123568")
FIRST_TWO_DIGITS = frozenset({"45", "70", "71", "72", "74", "75", "77", "79", "90", "91", "98", "99"})

# Nine digits, possibly written in groups ("123 456 789", "123.456.789"), not part of a longer number.
_CANDIDATE = re.compile(r"(?<![\d.\-/])\d{3}[ .\-]?\d{3}[ .\-]?\d{3}(?![\d]|[.\-/]\d)")


def check_digit(first8: str) -> int:
    """Return the modulo-11 check digit of the first eight digits of a NIF.

    Args:
        first8: Eight digits.

    Returns:
        The ninth digit a valid NIF must have.

    >>> check_digit("12345678")
    9
    >>> check_digit("10000001")
    0
    """
    if len(first8) != 8 or not first8.isdigit():
        raise ValueError("o NIF tem 8 dígitos antes do dígito de controlo")
    total = sum(int(digit) * weight for digit, weight in zip(first8, range(9, 1, -1), strict=True))
    rest = total % 11
    return 0 if rest < 2 else 11 - rest


def normalise(value: str) -> str:
    """Return the digits of a NIF as typed (``"PT 123 456 789"`` → ``"123456789"``).

    >>> normalise("PT123.456.789")
    '123456789'
    """
    return "".join(ch for ch in value if ch.isdigit())


def is_valid_nif(value: str | None) -> bool:
    """Tell whether ``value`` is a valid Portuguese NIF (9 digits, known prefix, check digit).

    Spaces, dots, dashes and a ``PT`` prefix are ignored.

    Args:
        value: The NIF as the client typed it.

    Returns:
        True if it is a well-formed NIF.

    >>> is_valid_nif("123456789")
    True
    >>> is_valid_nif("123 456 789")
    True
    >>> is_valid_nif("123456780")
    False
    >>> is_valid_nif("401234567")
    False
    >>> is_valid_nif("12345678")
    False
    """
    if not value:
        return False
    if re.search(r"[^\d\s.\-]", re.sub(r"^\s*PT", "", value, flags=re.IGNORECASE)):
        return False
    digits = normalise(value)
    if len(digits) != 9:
        return False
    if digits[0] not in FIRST_DIGITS and digits[:2] not in FIRST_TWO_DIGITS:
        return False
    return int(digits[8]) == check_digit(digits[:8])


def find_nif(text: str) -> str | None:
    """Return the first valid NIF written in a message, as 9 digits, or None.

    Digit runs of other lengths (a CPF, a protocol, a phone number with a
    country code) are never cut to nine digits.

    Args:
        text: The client's message.

    Returns:
        The NIF, digits only, or None.

    >>> find_nif("O meu NIF é 123 456 789, obrigada")
    '123456789'
    >>> find_nif("CPF 529.982.247-25") is None
    True
    """
    for match in _CANDIDATE.finditer(text):
        if is_valid_nif(match.group()):
            return normalise(match.group())
    return None
