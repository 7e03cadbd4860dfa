"""Decimal rounding and display shared by the judgement and the scoring of a line."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)


def _fmt(d: Decimal) -> str:
    """A number for display: no exponent, no trailing zeros (6.80 → 6.8, 1E+5 → 100000)."""
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _pct(ratio: Decimal) -> str:
    return f"{_round(ratio * _HUNDRED, _CENT)}%"


def _round(value: Decimal, exponent: Decimal) -> Decimal:
    """ROUND_HALF_UP to `exponent`, with enough precision that huge values cannot fail."""
    with localcontext() as ctx:
        ctx.prec = max(28, value.adjusted() + 10) if value.is_finite() else 28
        return value.quantize(exponent, rounding=ROUND_HALF_UP)
