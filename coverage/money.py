"""Money is ``Decimal`` with two places, rounded half-up; never float."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value) -> Decimal:
    """Quantize ``value`` (Decimal, int or numeric string) to cents, half-up."""
    if isinstance(value, float):
        raise TypeError("money() refuses floats: pass a Decimal or a string")
    try:
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError) as error:
        raise ValueError(f"not an amount: {value!r}") from error


def fmt(value: Decimal) -> str:
    """The canonical string of an amount: two places, no exponent."""
    return f"{money(value):.2f}"
