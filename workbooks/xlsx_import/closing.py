"""What follows the indicator lines, signature aside: 总分 as stated, the text blocks, the 其他内容
block of the app's own export and the form's own 注; and the labels every form prints anyway,
which are no 其他内容."""

from __future__ import annotations

import re
from decimal import Decimal

from evaluations.exports.layout import OTHER_CAPTION, format_points, full_points
from evaluations.levels import level1_key

from .reader import _Reader
from .sheet import norm


class _ClosingReader(_Reader):
    """The blocks after the lines; a part of `_FormReader` (`form.py`), whose `read()` sets the
    `stated` figures they fill."""

    def text_blocks(self, start: int, first_col: int) -> dict[str, str]:
        texts = {}
        for block in self.t.text_blocks:
            for r, c in self.sheet.find(block.label, range(start, self.sheet.rows + 1)):
                if c > first_col:
                    continue
                col, value = self.sheet.first_filled(r, self.sheet.end(r, c) + 1, self.sheet.cols)
                texts[block.key] = self.text(r, col, block.label, 10_000) if value else ""
                break
        return texts

    def total(self, r: int) -> None:
        """总分 as the form states it: the figure under 得分 (or the last one of the row)."""
        sheet = self.sheet
        if r > sheet.rows or not any(norm(sheet.text(r, c)) == "总分" for c in range(1, 4)):
            return
        figures = [
            c for c in range(1, sheet.cols + 1) if re.fullmatch(r"[\d.]+%?", norm(sheet.text(r, c)))
        ]
        if figures:
            self.stated["total"] = sheet.text(r, figures[-1])
            self.use(r, figures[-1])
        points = full_points(self.t, self._counted_weights())
        for c in figures[:-1]:
            if points is not None and norm(sheet.text(r, c)) == format_points(points):
                self.use(r, c)  # the 满分 the app prints for these weights
            elif c == figures[-2]:
                # Another 满分 under 分值 (100 beside 70/20/10 and 10): kept as the form states it.
                self.stated["total_points"] = sheet.text(r, c)
                self.use(r, c)

    def _counted_weights(self) -> dict[str, Decimal]:
        """The weights the imported form will count with, as `selectors.stated_level1_weights`
        gives them once stored (its stated 一级 weights keyed as `services` keys them)."""
        if not self.level1_weights:
            return {}
        stated = {}
        for name, text in self.level1_weights.items():
            try:
                stated[level1_key(self.t, name)] = Decimal(str(text))
            except ArithmeticError:
                continue
        return self.t.stated_weights(stated)

    def footnotes(self, start: int) -> str:
        """The form's own 注: the row starting “注” and the numbered rows after it."""
        sheet, lines = self.sheet, []
        for r in range(start, sheet.rows + 1):
            filled = [(c, sheet.text(r, c)) for c in range(1, sheet.cols + 1) if sheet.text(r, c)]
            if not filled or (r, filled[0][0]) in self.used:
                if lines:
                    break
                continue
            c, text = filled[0]
            if not lines and not re.match(r"注(:|\d|：)", norm(text)):
                continue
            if lines and not re.match(r"[\d(（一二三四五六七八九十]", norm(text)):
                break
            if len(filled) > 1 or len(text) > 2000:
                break
            lines.append(text.strip())
            self.use(r, c)
        return "\n".join(lines)

    def other_block(self, start: int) -> list[dict]:
        """The 其他内容 block of the app's own export: a caption merged down, a label and a value
        cell per row."""
        sheet = self.sheet
        for r in range(start, sheet.rows + 1):
            if norm(sheet.text(r, 1)) != norm(OTHER_CAPTION):
                continue
            self.use(r, 1)
            bounds = sheet.merge.get((r, 1))
            last = bounds[2] if bounds else r
            items = []
            for row in range(r, last + 1):
                label_col = sheet.end(r, 1) + 1
                value_col = sheet.end(row, label_col) + 1
                label, value = sheet.text(row, label_col), sheet.text(row, value_col)
                for c in (label_col, value_col):
                    if sheet.text(row, c):
                        self.use(row, c)
                items.append({"label": label, "value": value})
            return items
        return []

    def use_labels(self) -> None:
        """Labels the form prints anyway (captions, 单位：万元, 总分, footnotes) are no 其他内容."""
        known = _known_labels(self.t)
        for (r, c), _ in self.sheet.values.items():
            if (r, c) not in self.used and norm(self.sheet.text(r, c)) in known:
                self.use(r, c)


def _known_labels(t) -> set[str]:
    labels = {
        t.title,
        t.fund_caption,
        t.goal_caption,
        t.indicator_caption,
        *(row.label for row in t.fund_rows),
        *(c.label for c in t.fund_columns),
        *t.goal_labels,
        *(c.label for c in t.indicator_columns),
        *(b.label for b in t.text_blocks),
        *t.footnotes,
        *(level.name for level in t.levels),
        "总分",
        "合计",
        "单位:万元",
        "金额单位:万元",
        "单位:万元、%",
        "绩效指标",
        "年度总体目标",
        "项目资金(万元)",
        "项目资金",
        "年度绩效指标",
    }
    return {norm(label) for label in labels if label}
