"""Charts as server-rendered SVG: no script, readable by screen readers, printable.

Each chart carries a <title> and a <desc> (referenced by aria-labelledby), writes every value as
text beside its bar, and never relies on colour alone (segments are named in a legend and in
each bar's tooltip). Pure Python: returns markup strings, escaped here; the page marks them safe.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

LABEL_WIDTH = 190  # room for a unit's name on the left
BAR_WIDTH = 400  # the longest bar
VALUE_WIDTH = 90  # room for the value's text on the right
ROW_HEIGHT = 24
BAR_HEIGHT = 16
TOP = 8
LEGEND_HEIGHT = 24
LABEL_CHARS = 14  # longer labels are shortened, the full text kept in a tooltip

WIDTH = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int | None
    text: str  # the value as people read it (87.50%, 3 张); "—" where there is none


@dataclass(frozen=True)
class Series:
    label: str
    colour: str


@dataclass(frozen=True)
class Stack:
    label: str
    values: tuple[int, ...]


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _open(chart_id: str, title: str, desc: str, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>',
    ]


def _label(y: float, label: str) -> str:
    return (
        f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{_num(y)}" text-anchor="end" '
        f'dominant-baseline="middle">{escape(_short(label))}</text>'
    )


def bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    bars: Sequence[Bar],
    scale_max: Decimal | int | None = None,
    reference: Decimal | int | None = None,
    reference_text: str = "",
    colour: str = "#0d6efd",
) -> str:
    """Horizontal bars, one per row, each value written beside its bar.

    Bars are scaled to `scale_max` (default: the largest value; a value above it is drawn full
    length); `reference` draws a dashed line at that value (100 % for 执行率).
    """
    values = [b.value for b in bars if b.value is not None]
    top = max([*values, reference or 0, 0])
    scale = Decimal(scale_max if scale_max is not None else top) or Decimal(1)
    height = TOP * 2 + ROW_HEIGHT * max(len(bars), 1) + (LEGEND_HEIGHT if reference else 0)
    parts = _open(chart_id, title, desc, height)
    for i, bar in enumerate(bars):
        y = TOP + i * ROW_HEIGHT
        mid = y + ROW_HEIGHT / 2
        parts.append(f"<g><title>{escape(bar.label)}：{escape(bar.text)}</title>")
        parts.append(_label(mid, bar.label))
        length = 0.0
        if bar.value is not None and bar.value > 0:
            length = float(min(Decimal(bar.value) / scale, Decimal(1))) * BAR_WIDTH
            parts.append(
                f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{_num(mid - BAR_HEIGHT / 2)}" '
                f'width="{_num(length)}" height="{BAR_HEIGHT}" fill="{colour}"/>'
            )
        parts.append(
            f'<text class="chart-value" x="{_num(LABEL_WIDTH + length + 4)}" y="{_num(mid)}" '
            f'dominant-baseline="middle">{escape(bar.text)}</text></g>'
        )
    if reference:
        x = LABEL_WIDTH + float(min(Decimal(reference) / scale, Decimal(1))) * BAR_WIDTH
        bottom = TOP + ROW_HEIGHT * max(len(bars), 1)
        parts.append(
            f'<line class="chart-reference" x1="{_num(x)}" y1="{TOP}" x2="{_num(x)}" '
            f'y2="{bottom}" stroke="#dc3545" stroke-dasharray="4 3"/>'
            f'<text class="chart-note" x="{_num(x)}" y="{bottom + 16}" '
            f'text-anchor="middle">{escape(reference_text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def stacked_chart(
    *, chart_id: str, title: str, desc: str, series: Sequence[Series], stacks: Sequence[Stack]
) -> str:
    """Horizontal stacked bars (a row's parts side by side), scaled to the largest row total,
    with a legend naming each part and every part's count written inside it where it fits."""
    top = max([sum(s.values) for s in stacks] + [1])
    height = LEGEND_HEIGHT + TOP * 2 + ROW_HEIGHT * max(len(stacks), 1)
    parts = _open(chart_id, title, desc, height)
    x = LABEL_WIDTH
    for s in series:
        parts.append(
            f'<rect x="{x}" y="4" width="12" height="12" fill="{s.colour}"/>'
            f'<text class="chart-legend" x="{x + 16}" y="10" dominant-baseline="middle">'
            f"{escape(s.label)}</text>"
        )
        x += 16 + 14 * len(s.label) + 16
    for i, stack in enumerate(stacks):
        y = LEGEND_HEIGHT + TOP + i * ROW_HEIGHT
        mid = y + ROW_HEIGHT / 2
        described = "，".join(
            f"{s.label}{n}" for s, n in zip(series, stack.values, strict=True) if n
        )
        parts.append(f"<g><title>{escape(stack.label)}：{escape(described or '无')}</title>")
        parts.append(_label(mid, stack.label))
        x = float(LABEL_WIDTH)
        for s, n in zip(series, stack.values, strict=True):
            if not n:
                continue
            width = n / top * BAR_WIDTH
            parts.append(
                f'<rect class="chart-bar" x="{_num(x)}" y="{_num(mid - BAR_HEIGHT / 2)}" '
                f'width="{_num(width)}" height="{BAR_HEIGHT}" fill="{s.colour}"/>'
            )
            if width >= 8 * len(str(n)) + 4:
                parts.append(
                    f'<text class="chart-inbar" x="{_num(x + width / 2)}" y="{_num(mid)}" '
                    f'text-anchor="middle" dominant-baseline="middle" fill="#fff">{n}</text>'
                )
            x += width
        total = sum(stack.values)
        parts.append(
            f'<text class="chart-value" x="{_num(x + 4)}" y="{_num(mid)}" '
            f'dominant-baseline="middle">{total}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
