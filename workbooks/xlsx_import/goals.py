"""The 年度总体目标 block: the 预期 and 实际 goal headings (年初设定目标, 全年实际完成情况 …)
and the texts under or beside them."""

from __future__ import annotations

from ..xlsx_checks import CellError
from .messages import GOALS_NOT_FOUND
from .reader import _Reader
from .recognise import GOAL_ALIASES
from .sheet import norm


class _GoalsReader(_Reader):
    """The goals block; a part of `_FormReader` (`form.py`), whose `read()` sets the `wording`
    it fills."""

    def _goal_labels(self, which: int) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.t.goal_labels[which], *GOAL_ALIASES[which])))

    def goal_row(self, before: int) -> int | None:
        """The row of the 预期 goal heading (年初设定目标, 预期目标 …) above the indicators."""
        for label in self._goal_labels(0):
            hits = self.sheet.find(label, range(1, before))
            if hits:
                return hits[0][0]
        return None

    def goals(self, row: int | None, before: int) -> tuple[str, str]:
        """Both goals: headings side by side with their texts in the row below (the official
        layout), or each heading with its text to its right (goal rows one above the other)."""
        sheet = self.sheet
        if row is None:
            labels = "”“".join(self.t.goal_labels)
            self.errors.append(CellError(sheet.name, "", GOALS_NOT_FOUND.format(labels=labels)))
            return "", ""
        found = []
        for which in (0, 1):
            hits = []
            for label in self._goal_labels(which):
                hits += [h for h in sheet.find(label, range(row, before)) if h not in found]
            if which == 1 and found[0] is not None:
                # The 实际 heading beside the 预期 one, not a caption left of both (年度目标完成情况
                # over 预期目标 | 目标实际完成情况, 安居 and 区域 forms).
                beside = [h for h in hits if h[0] == found[0][0] and h[1] > found[0][1]]
                hits = beside or hits
            if not hits:
                found.append(None)
                continue
            found.append(hits[0])
            self.use(*hits[0])
            key = ("goal_planned", "goal_actual")[which]
            typed = sheet.text(*hits[0]).strip()
            if norm(typed) != norm(self.t.goal_labels[which]):
                self.wording[key] = typed
        (p_row, p_col), actual_at = found[0], found[1]
        self.caption(p_row, p_col, "goal_caption", self.t.goal_caption)
        limit = 10_000
        if actual_at and actual_at[0] == p_row and actual_at[1] > p_col:
            # Side by side: the texts in the row(s) below, each under its heading; goals typed one
            # to a row (目标1 … 目标4) are read down to the next block, one line each.
            a_col = actual_at[1]
            planned, actual = [], []
            for r in range(p_row + 1, before):
                c, text = sheet.first_filled(r, p_col, a_col - 1)
                c2, text2 = sheet.first_filled(r, a_col, sheet.cols)
                if (planned or actual) and not self._goal_row_continues(r, c, text, a_col):
                    break
                if text and not self._is_goal_heading(text):
                    planned.append(self.text(r, c, self.t.goal_labels[0], limit))
                if text2 and not self._is_goal_heading(text2):
                    actual.append(self.text(r, c2, self.t.goal_labels[1], limit))
            return "\n".join(filter(None, planned)), "\n".join(filter(None, actual))

        def right_of(at, which):
            if at is None:
                return ""
            r, c = at
            col, text = sheet.first_filled(r, sheet.end(r, c) + 1, sheet.cols)
            if not text or self._is_goal_heading(text):
                return ""  # a heading is never the goal itself
            return self.text(r, col, self.t.goal_labels[which], limit)

        return right_of(found[0], 0), right_of(actual_at, 1)

    def _is_goal_heading(self, text: str) -> bool:
        return any(
            norm(text) == norm(label) for label in (*self._goal_labels(0), *self._goal_labels(1))
        )

    def _goal_row_continues(self, r: int, c: int, text: str, a_col: int) -> bool:
        """Is row r one more goal line under the headings: a 预期 text ending before the 实际
        column, and nothing that starts another block (a caption across the sheet, a label)."""
        sheet = self.sheet
        if not text:
            return False
        if sheet.end(r, c) >= a_col or self._is_goal_heading(text):
            return False
        # A label left of the texts (a new row caption, 说明 …) starts something else.
        return not any(
            sheet.text(r, col) and not sheet.merged_from_above(r, col) for col in range(1, c)
        )
