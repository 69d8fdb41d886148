"""Money is Decimal yuan with two places, everywhere."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


def to_money(value) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    try:
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError):
        raise ValueError(f"not an amount: {value!r}") from None


def format_yuan(value) -> str:
    """12345.6 → '12,345.60 元'."""
    if value is None or value == "":
        return ""
    amount = to_money(value)
    return f"{amount:,.2f} 元"
