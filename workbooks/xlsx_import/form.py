"""The 自评表 on one sheet (for 部门整体, its 指标表): each block — head, funds, goals, indicator
lines, text blocks, signature — located by its labels, never by fixed row numbers, and read into
a `ParsedForm`.

Each block is read by a part of `_FormReader` in a module of its own (`head`, `funds`, `goals`,
`lines`, `closing`, `signature`); here they are put together and `read()` calls them in order."""

from __future__ import annotations

from ..xlsx_checks import CellError
from .closing import _ClosingReader
from .funds import _FundsReader
from .goals import _GoalsReader
from .head import _HeadReader
from .lines import _LinesReader
from .messages import PROJECT_NAME_FROM_TITLE, PROJECT_NAME_MISSING

# `X as X`: imported from here by the package and its other modules.
from .parsed import OtherRow as OtherRow
from .parsed import ParsedForm as ParsedForm
from .parsed import ParsedLine as ParsedLine
from .recognise import _indicator_heading
from .signature import _SignatureReader


class _FormReader(
    _HeadReader, _FundsReader, _GoalsReader, _LinesReader, _ClosingReader, _SignatureReader
):
    """The form on one sheet; `read()` returns it, `errors` lists what is wrong with it."""

    def read(self) -> ParsedForm:
        """The form as read; `errors` lists what the reader noticed (values it could not store,
        which stay in 其他内容, and the like)."""
        sheet, t = self.sheet, self.t
        self.wording: dict[str, str] = {}
        self.level1_weights: dict[str, str] = {}
        self.stated: dict[str, str] = {}
        # A form typed without its indicator grid (head, funds and goals only) has no lines.
        heading_row, columns = _indicator_heading(sheet, t) or (sheet.rows + 1, {})
        first_col = min((c for c, _ in columns.values()), default=1)
        header, labels, top = self.header(heading_row)
        # A form without a project-name label (a 区域 form): its head is what follows the title.
        named = "project_name" in header
        if not named:
            top = self.below_title(heading_row)
        title, year = self.title_and_year(top)
        # A 部门整体 指标表 has neither funds nor goals.
        goal_row = self.goal_row(heading_row) if t.goal_labels else None
        # The funds end at the goals, or at the indicators where the goals come first (四川).
        fund_end = goal_row or heading_row
        if goal_row and not self.fund_heading_before(top, goal_row):
            fund_end = heading_row
        funds, budget_score = {}, None
        if t.fund_rows:
            funds, budget_score = (
                self.paired_funds(top, fund_end)
                if t.fund_layout == "paired"
                else self.grid_funds(top, fund_end)
            )
        planned, actual = self.goals(goal_row, heading_row) if t.goal_labels else ("", "")
        lines, end = self.lines(heading_row, columns, first_col) if columns else ([], heading_row)
        self.total(end)
        other_items = self.other_block(end)
        texts = self.text_blocks(end, first_col)
        footnote = self.footnotes(end)
        signature = self.signature(end)
        # Without head labels the rows above the funds are no head: they go to 其他内容 as typed.
        header_extra = self.header_extra(top, heading_row) if named else []
        project_name = header.pop("project_name", "")
        if not named and title:
            project_name = title[:200]
            message = PROJECT_NAME_FROM_TITLE.format(title=project_name)
            self.errors.append(CellError(sheet.name, self.cells.get("title", ""), message))
        elif not project_name.strip():
            cell = self.cells.get("project_name", "")
            self.errors.append(CellError(sheet.name, cell, PROJECT_NAME_MISSING))
        self.check_year(year)
        self.use_labels()
        return ParsedForm(
            template_code=t.code,
            sheet=sheet.name,
            project_name=project_name,
            title=title,
            year=year,
            header=header,
            header_labels=labels,
            funds=funds,
            budget_score=budget_score,
            goal_planned=planned,
            goal_actual=actual,
            texts=texts,
            lines=tuple(lines),
            signature=signature,
            cells=dict(self.cells),
            wording=dict(self.wording),
            level1_weights=dict(self.level1_weights),
            header_extra=tuple(header_extra),
            stated_figures=dict(self.stated),
            footnote_text=footnote,
            other_items=tuple(other_items),
        )
