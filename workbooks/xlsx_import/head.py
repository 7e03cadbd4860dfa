"""The head of the form (项目名称, 主管部门, 实施单位 …): each label's value, found by its labels
above the indicator grid, and the head cells the template lacks (项目负责人及电话 …)."""

from __future__ import annotations

import re

from evaluations.templates_def import (
    HEAD_EXTRA_LABEL_MAX,
    HEAD_EXTRA_ROWS_MAX,
    HEAD_EXTRA_VALUE_MAX,
)

from .messages import TEXT_TOO_LONG
from .reader import _Reader
from .recognise import header_labels
from .sheet import norm, ref


class _HeadReader(_Reader):
    """The head block; a part of `_FormReader` (`form.py`)."""

    def header(self, before: int):
        """Each head label's value: the first filled cell right of it, up to the next label, or
        the rest of its own cell (“项目名称：某某项目”)."""
        sheet, t = self.sheet, self.t
        rows = range(1, before)
        found: dict[str, tuple[int, int, str]] = {}
        in_cell: dict[str, str] = {}
        for f in t.header_fields:
            labels = header_labels(t, f.key)
            for label in labels:
                hits = sheet.find(label, rows)
                if hits:
                    r, c = hits[0]
                    if f.key not in found or (r, c) < found[f.key][:2]:
                        found[f.key] = (r, c, label)
            for label in labels if f.key not in found else ():
                hits = sheet.find_with_value(label, rows)
                if hits:
                    found[f.key] = hits[0][:2] + (label,)
                    in_cell[f.key] = hits[0][2]
                    break
        label_cells = {(r, c) for r, c, _ in found.values()}
        self.used |= label_cells
        header, labels = {}, {}
        for f in t.header_fields:
            if f.key not in found:
                continue
            r, c, label = found[f.key]
            if f.key in in_cell:
                # Read, and kept as typed in 其他内容 too: the form prints label and value apart.
                self.kept.add((r, c))
                value = in_cell[f.key]
                self.cells[f.key] = ref(r, c)
                header[f.key] = value if len(value) <= f.max_length else ""
                if not header[f.key]:
                    limit, count = f.max_length, len(value)
                    self.error(r, c, TEXT_TOO_LONG.format(label=f.label, limit=limit, count=count))
                typed = sheet.text(r, c).strip()
                typed = re.split(r"[:：]", typed, maxsplit=1)[0].strip()
                if f.label_choices or norm(typed) != norm(f.label):
                    labels[f.key] = typed if norm(typed) != norm(f.label) else f.label
                continue
            value, value_col = "", sheet.end(r, c) + 1
            for col in range(sheet.end(r, c) + 1, sheet.cols + 1):
                if (r, col) in label_cells:
                    break
                if sheet.text(r, col):
                    value, value_col = sheet.text(r, col), col
                    break
            self.cells[f.key] = ref(r, value_col)
            header[f.key] = self.text(r, value_col, f.label, f.max_length) if value else ""
            typed = sheet.text(r, c).strip().rstrip(":：").strip()
            if f.label_choices or norm(typed) != norm(f.label):
                labels[f.key] = typed if norm(typed) != norm(f.label) else f.label
        top = min((r for r, _, _ in found.values()), default=before)
        return header, labels, top

    def header_extra(self, top: int, heading: int) -> list[dict]:
        """Head cells the template lacks (项目负责人及电话 …): in the head rows — from the first
        head label to the first row of the funds or goals — a label and the value right of it.
        What the edit page could not keep as a head row (a longer label or value, rows beyond
        its limit) is left to 其他内容."""
        sheet = self.sheet
        head_rows = []
        for r in range(top, heading):
            cells = [c for c in range(1, sheet.cols + 1) if sheet.text(r, c)]
            used = [c for c in cells if (r, c) in self.used]
            if used and not any(
                k in self.cells and self.cells[k][1:] == str(r) for k in self.cells
            ):
                break
            head_rows.append(r)
        extra = []
        for r in head_rows:
            cells = [
                c for c in range(1, sheet.cols + 1) if sheet.text(r, c) and (r, c) not in self.used
            ]
            while cells and len(extra) < HEAD_EXTRA_ROWS_MAX:
                c = cells.pop(0)
                label = sheet.text(r, c).strip()
                name = label.rstrip(":：").strip()
                if len(name) > HEAD_EXTRA_LABEL_MAX or re.fullmatch(r"[\d.,%\s]+", label):
                    continue
                value = sheet.text(r, cells[0]).strip() if cells else ""
                if len(value) > HEAD_EXTRA_VALUE_MAX:
                    cells.pop(0)
                    continue
                if cells:
                    self.use(r, cells.pop(0))
                extra.append({"label": name, "value": value})
                self.use(r, c)
        return extra
