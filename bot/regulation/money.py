"""Money helpers shared by the regulation modules.

Amounts are :class:`~decimal.Decimal` rounded half up to cents, the way a boleto shows them; floats are refused
because a binary fraction such as ``0.1`` would carry an error into every charge computed from it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Union

CENT = Decimal("0.01")

MoneyLike = Union[Decimal, int, str]


def to_decimal(value: MoneyLike) -> Decimal:
    """Convert an amount to Decimal without rounding.

    Supports the money rules of the regulation (Arts. 9, 31-46, 72 and 81-84), which all handle amounts in reais.

    Args:
        value: A Decimal, an int or a decimal string such as ``"1000.00"``.

    Returns:
        The value as a Decimal.

    Raises:
        TypeError: If ``value`` is a float (or a bool), which cannot represent cents exactly.
    """
    if isinstance(value, (float, bool)):
        raise TypeError("money must be Decimal, int or str, not float")
    return value if isinstance(value, Decimal) else Decimal(value)


def to_cents(value: MoneyLike) -> Decimal:
    """Round an amount half up to cents.

    Supports the money rules of the regulation (Arts. 9, 31-46, 72 and 81-84); the regulation does not state a
    rounding rule, so the commercial one (half up) is used.

    Args:
        value: A Decimal, an int or a decimal string.

    Returns:
        The amount with exactly two decimal places.
    """
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
