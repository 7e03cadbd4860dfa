"""How a figure prints on the form, the same in every renderer: amounts and points as the clerk
typed them, computed figures (执行率, a suggested 得分, 总分) rounded the one way, and the Excel
number format that shows a number as the text shows it. Plain Python."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .signature_line import styled_date

# The most decimals an amount keeps (models.AMOUNT); a computed figure is rounded to them.
_AMOUNT_QUANTUM = Decimal("0.0001")
# The most decimals a 分值 or 得分 keeps (models.POINTS).
POINT_DECIMALS = 2


def typed_decimals(value: Decimal, most: int) -> int:
    """The decimals a Decimal carries as typed (Decimal("4000") → 0, Decimal("89.970") → 3), at
    most `most`."""
    exponent = value.as_tuple().exponent
    return min(max(-exponent, 0), most) if isinstance(exponent, int) else 0


def format_amount(value: Decimal | None) -> str:
    """万元 with two decimals and no thousands separator, the way a 自评报告 states money."""
    if value is None:
        return ""
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}"


def format_typed_amount(value: Decimal | None) -> str:
    """万元 on the form, as typed, no thousands separator: the decimals the Decimal carries (4000 → "4000",
    89.974 → "89.974", 12.50 → "12.50"), at most four. Stored amounts come back with the decimals
    they were typed with (models.FundLine.places)."""
    if value is None:
        return ""
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int) or exponent < -4:
        value = value.quantize(_AMOUNT_QUANTUM, rounding=ROUND_HALF_UP)
    elif exponent > 0:
        value = value.quantize(Decimal(1))
    return f"{value:f}"


def format_points(value: Decimal | None, places: int | None = None) -> str:
    """分值 or 得分 as printed. A figure the clerk typed prints with the decimals typed (`places`:
    15.0, 9.50, 10); a computed one (`places` None: a suggested 得分, a 总分) with at most two
    decimals and no trailing zeros (8.5, 10, 0.99)."""
    if value is None:
        return ""
    if places is not None:
        quantum = Decimal(1).scaleb(-min(places, POINT_DECIMALS))
        return f"{value.quantize(quantum, rounding=ROUND_HALF_UP):f}"
    text = f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_typed_points(value: Decimal | None) -> str:
    """Points with the decimals the Decimal carries, as read from what was typed (a 一级 weight
    the form states as “10.0”, a 得分 read from a cell showing 9.50), at most two."""
    if value is None:
        return ""
    return format_points(value, typed_decimals(value, POINT_DECIMALS))


def format_rate(rate: Decimal | None) -> str:
    """A ratio as a percentage with at most two decimals: 0.0987 → 9.87%, 1 → 100%."""
    if rate is None:
        return ""
    return f"{format_points(rate * 100)}%"


def number_format_of(text: str) -> str:
    """The Excel number format that shows a number as `text` shows it: "4000" → "0", "89.974" →
    "0.000", "99.1%" → "0.0%". The PDF prints `text`; Excel stores the real number with this
    format, so the two print the same figure (9 and 9, never 9 and 9.00)."""
    percent = text.endswith("%")
    digits = text.rstrip("%")
    decimals = len(digits.partition(".")[2])
    fmt = "0." + "0" * decimals if decimals else "0"
    return fmt + "%" if percent else fmt


def format_date(value: date | None) -> str:
    return styled_date(value)


def rate_of(budget: Decimal | None, actual: Decimal | None) -> Decimal | None:
    if budget is None or actual is None or budget == 0:
        return None
    return actual / budget
