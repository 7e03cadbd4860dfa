"""How the drafters write: section numbers, sub-headings, amounts, quoted and typed texts."""

from __future__ import annotations

import re
from decimal import Decimal

from evaluations.exports.figures import format_amount

_SUB = "（{n}）{title}"
_CN_NUMBERS = "一二三四五六七八九十"
# A line of its own: （一） and a short title without sentence punctuation.
SUBHEADING = re.compile(r"^（[一二三四五六七八九十]+）[^\s。；，！？,;!?]{1,30}$")


def cn(n: int) -> str:
    """1 → 一 … 10 → 十 (sections and sub-headings never go further)."""
    return _CN_NUMBERS[n - 1] if 1 <= n <= 10 else str(n)


def sub(n: int, title: str) -> str:
    return _SUB.format(n=cn(n), title=title)


def money(value: Decimal, unit: str) -> str:
    return f"{format_amount(value)}{unit}"


def clean_label(label: str) -> str:
    label = label.strip().removeprefix("其中：").removeprefix("其中:").rstrip("：:").strip()
    # The 社会保险基金 form calls its total row just 合计.
    return "资金合计" if label == "合计" else label


def quote(text: str) -> str:
    return f"“{text.strip()}”"


def as_sentence(text: str) -> str:
    """A typed text as a sentence: trimmed, ending in 。 unless it already ends in punctuation."""
    text = text.strip()
    if text and text[-1] not in "。！？；.!?;":
        text += "。"
    return text


def is_subheading(paragraph: str) -> bool:
    return bool(SUBHEADING.match(paragraph.strip()))


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in (text or "").split("\n") if p.strip()]


STATUS_WORDS = {"met": "已达成", "not_met": "未达成", "needs_review": "完成情况需人工判断"}
