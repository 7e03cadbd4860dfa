"""The indicator grid: its column headings (and a second heading row under them), then a
`ParsedLine` per row down to 总分, a text block, a footnote or the signature line; 一级/二级
carried down merged or blank cells."""

from __future__ import annotations

import re

from ..xlsx_checks import CellError
from .department import _common_indicator
from .messages import ANOTHER_FORM, TEXT_TOO_LONG
from .parsed import ParsedLine
from .reader import _Reader
from .recognise import _column_key
from .sheet import norm, ref


class _LinesReader(_Reader):
    """The indicator lines; a part of `_FormReader` (`form.py`), whose `read()` sets the
    `wording` and `level1_weights` they fill."""

    def lines(self, heading: int, columns: dict[str, tuple[int, int]], first_col: int):
        sheet, t = self.sheet, self.t
        labels = {c.key: c.label for c in t.indicator_columns}
        columns = dict(columns)
        self.caption(heading, first_col, "indicator_caption", t.indicator_caption)
        for key, (c1, _) in columns.items():
            self.use(heading, c1)
            typed = sheet.text(heading, c1).strip()
            if key in labels and norm(typed) != norm(labels[key]):
                self.wording[f"column.{key}"] = typed
        r = heading + 1
        # A second heading row (指标性质 | 指标值 | 度量单位 under 年度指标值; 一级 | 二级 | 三级
        # under 绩效指标) refines the columns; the lines start below it.
        while r <= sheet.rows:
            sub = {}
            filled = [c for c in range(1, sheet.cols + 1) if sheet.text(r, c)]
            for c in filled:
                key = _column_key(sheet.text(r, c), t)
                if key:
                    sub[c] = key
            if not sub or len(sub) < len(filled):
                break
            for c, key in sub.items():
                columns[key] = (c, sheet.end(r, c))
                self.use(r, c)
                typed = sheet.text(r, c).strip()
                self.wording.pop(f"column.{key}", None)
                if key in labels and norm(typed) != norm(labels[key]):
                    self.wording[f"column.{key}"] = typed
            r += 1
        if "nature" in columns or "measure_unit" in columns:
            # 指标值 is only its own column, not the merged heading above the three.
            c1, _ = columns["target"]
            columns["target"] = (c1, c1)
        labels.setdefault("nature", "指标性质")
        labels.setdefault("measure_unit", "度量单位")
        level_cols = [columns[k] for k in ("level1", "level2") if k in columns]
        # Sheets whose 一级/二级 cells are merged (the export, careful clerks) carry a value down
        # only through a merge; sheets without such merges leave continuation cells blank.
        first_line = r
        merged = any(
            sheet.merged_from_above(row, c)
            for row in range(first_line, sheet.rows + 1)
            for c, _ in level_cols
        )
        previous = {"level1": "", "level2": ""}
        out: list[ParsedLine] = []
        while r <= sheet.rows and not self._stop(r, first_col):
            if self._another_form(r, first_col):
                # Kept whole in 其他内容, with the rest of the sheet.
                self.errors.append(CellError(sheet.name, ref(r, 1), ANOTHER_FORM))
                return out, sheet.rows + 1
            cells = {}
            for key, (c1, c2) in columns.items():
                col, text = sheet.first_filled(r, c1, c2)
                cells[key] = (col, text)
            inherited = False
            for key in ("level1", "level2"):
                if key not in columns:
                    continue
                col, text = cells[key]
                c1 = columns[key][0]
                if text:
                    continue
                if sheet.merged_from_above(r, c1) or (
                    not merged and (key == "level1" or inherited)
                ):
                    cells[key] = (col, previous[key])
                    inherited = inherited or key == "level1"
            if cells.get("level1", (0, ""))[1] != previous["level1"]:
                previous["level2"] = ""
            for key in ("level1", "level2"):
                if key in cells:
                    previous[key] = cells[key][1]
            content = (
                *("level3", "target", "actual", "criteria", "weight", "score", "deviation"),
                *("nature", "measure_unit"),
            )
            if any(cells[k][1] for k in content if k in cells):
                for key in ("level1", "level2"):
                    if key in cells and sheet.text(r, cells[key][0]):
                        self.use(r, cells[key][0])
                out.append(self._line(r, cells, labels))
            else:
                self._placeholder_row(r, cells)
            r += 1
        return out, r

    def _line(self, r: int, cells: dict[str, tuple[int, str]], labels: dict[str, str]):
        t = self.t

        def text(key, limit):
            if key not in cells:
                return ""
            col, value = cells[key]
            if len(value) > limit:
                # Kept whole in 其他内容, not cut.
                self.error(
                    r, col, TEXT_TOO_LONG.format(label=labels[key], limit=limit, count=len(value))
                )
                return ""
            return value

        level1 = text("level1", 100)
        stated = re.search(r"\((\d+(?:\.\d+)?)分\)$", norm(level1))
        bare = re.sub(r"\(\d+(\.\d+)?分\)$", "", norm(level1))
        typed = level1
        for level in t.levels:
            if _SPACES.sub("", typed) in (level.name, _SPACES.sub("", level.label)):
                level1 = level.name
                break
            if bare == norm(level.name):
                # “产出指标(70分)”: the template's level, printed as the form words it (its
                # weight also in level1_weights).
                level1 = level.name
                self.wording.setdefault(f"level1.{level.name}", typed.strip())
                break
        if stated:
            # The form's own 一级 weight (产出指标（70分）), kept as it states it.
            self.level1_weights.setdefault(bare, stated[1])
        line = {
            "level1": level1,
            "level2": text("level2", 100),
            "level3": text("level3", 300),
            "target": text("target", 200),
            "actual": text("actual", 200),
            "deviation": text("deviation", 10_000),
            "criteria": text("criteria", 10_000),
            "nature": text("nature", 20),
            "measure_unit": text("measure_unit", 40),
        }
        for key in (
            "level3",
            "target",
            "actual",
            "deviation",
            "criteria",
            "nature",
            "measure_unit",
        ):
            if key in cells and line[key]:
                self.use(r, cells[key][0])
        # An empty 三级/指标值, a 得分 above its 分值, a placeholder row (……): business rules,
        # listed before 提交 on the draft, never a reason to leave a line out.
        weight = self.points(r, cells["weight"][0]) if "weight" in cells else None
        score = self.points(r, cells["score"][0]) if "score" in cells else None
        rule_key = _common_indicator(t, line["level3"])
        return ParsedLine(**line, weight=weight, score=score, row=r, rule_key=rule_key)

    def _placeholder_row(self, r: int, cells: dict[str, tuple[int, str]]) -> None:
        """A row with a 一级/二级 and no line (the empty 二级 rows a form prints): its labels
        are the template's and printed anyway; any other wording stays in 其他内容."""
        level = None
        if "level1" in cells:
            typed = _SPACES.sub("", cells["level1"][1])
            bare = re.sub(r"\(\d+(\.\d+)?分\)$", "", norm(typed))
            level = next(
                (
                    lv
                    for lv in self.t.levels
                    if typed in (lv.name, _SPACES.sub("", lv.label)) or bare == norm(lv.name)
                ),
                None,
            )
            if level is not None and self.sheet.text(r, cells["level1"][0]):
                self.use(r, cells["level1"][0])
        if level is not None and "level2" in cells:
            col, text = cells["level2"]
            if self.sheet.text(r, col) and _SPACES.sub("", text) in level.level2:
                self.use(r, col)


_SPACES = re.compile(r"\s+")
