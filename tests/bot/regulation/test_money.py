from decimal import Decimal

import pytest

from bot.regulation.money import to_cents, to_decimal


def test_to_cents_rounds_half_up():
    assert to_cents(Decimal("5.005")) == Decimal("5.01")  # banker's rounding would give 5.00
    assert to_cents("0.025") == Decimal("0.03")
    assert to_cents("0.0249") == Decimal("0.02")
    assert to_cents(7) == Decimal("7.00")
    assert str(to_cents("1000")) == "1000.00"


def test_floats_are_refused():
    with pytest.raises(TypeError, match=r"^money must be Decimal, int or str, not float$"):
        to_decimal(0.1)
    with pytest.raises(TypeError, match=r"^money must be Decimal, int or str, not float$"):
        to_cents(True)
