"""The signature line under a printed form (填表人, 审核人, 联系电话, the dates): its items in the
template's order, or as the form words it — an imported form keeps the order, the labels and the
way of writing dates of its own line (`Evaluation.wording`: "signature.order", "signature.<key>",
"signature.<key>.style"). Shared by the renderers (`layout`) and by the import, which checks that
the printed line shows what the clerk typed. Plain Python."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

KEYS = ("preparer", "signer_reviewer", "signer_reviewer_date", "preparer_phone", "fill_date")
DATES = ("fill_date", "signer_reviewer_date")
# How a date prints unless the form writes its dates otherwise.
DEFAULT_DATE_STYLE = "{y}年{m}月{d}日"


def styled_date(value: date | None, style: str = "") -> str:
    """A date written in `style`, a pattern of {y}, {m}/{mm} and {d}/{dd}: “{y}/{m}/{d}” →
    2020/4/15, “{y}-{mm}-{dd}” → 2020-04-15; by default 2020年4月15日."""
    if not value:
        return ""
    return (style or DEFAULT_DATE_STYLE).format(
        y=value.year, m=value.month, mm=f"{value.month:02d}", d=value.day, dd=f"{value.day:02d}"
    )


def date_style(text: str, value: date) -> str:
    """The style `styled_date` writes `value` in to give `text` (“2020/4/15” → “{y}/{m}/{d}”),
    or "" where the text is not that date written with its year, month and day."""
    text = text.strip()
    m = re.fullmatch(r"(\D*)(\d{4})(\D+)(\d{1,2})(\D+)(\d{1,2})(\D*)", text)
    if not m or "{" in text or "}" in text:
        return ""
    month = "{mm}" if m[4].startswith("0") else "{m}"
    day = "{dd}" if m[6].startswith("0") else "{d}"
    style = f"{m[1]}{{y}}{m[3]}{month}{m[5]}{day}{m[7]}"
    return style if styled_date(value, style) == text else ""


def signature_pairs(template, wording: dict[str, str], values: dict) -> tuple[tuple[str, str], ...]:
    """The line's (label, text) pairs from `values` (texts, and dates for DATES): 填表人, 联系电话,
    填报日期 and, where the form names one, its 审核人 and date after the 填表人. A form that
    states its own line has its items in its order, labelled as it labels them, each date
    written its way, and any other item filled in since after them."""
    labels = template.signature_labels
    order = wording.get("signature.order", "").split()
    if order:
        keys = [key for key in order if key in KEYS]
        keys += [key for key in KEYS if key not in keys and values.get(key)]
    else:
        keys = ["preparer", "preparer_phone", "fill_date"]
        # The 审核人 the paper form names (not the reviewer who approved it in the app), after
        # the 填表人, with the date beside the name (a blank date prints blank).
        if (
            values.get("signer_reviewer")
            or values.get("signer_reviewer_date")
            or "signature.signer_reviewer" in wording
        ):
            keys[1:1] = ["signer_reviewer", "signer_reviewer_date"]
    pairs = []
    for key in keys:
        value = values.get(key)
        if key in DATES:
            value = styled_date(value, wording.get(f"signature.{key}.style", ""))
        pairs.append((wording.get(f"signature.{key}") or labels[key], value or ""))
    return tuple(pairs)


def signature_text(pairs: Sequence[tuple[str, str]]) -> str:
    """The line as one text, as the Excel export prints it in one cell."""
    return "　　".join(f"{label}：{value}" for label, value in pairs)
