"""The status board as a workbook: `write_board_xlsx(rows, totals, output)` writes to any file-like
object and knows nothing of requests. Every text is written as text, never as a formula."""

from __future__ import annotations

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from workbooks.xlsx import set_text

from .board import Row

COLUMNS = (
    ("区划", 12),
    ("单位", 28),
    ("表样", 30),
    ("项目名称", 30),
    ("状态", 8),
    ("截止日期", 12),
    ("逾期天数", 9),
    ("提交时间", 17),
    ("审核时间", 17),
    ("审核后变更（处）", 10),
    ("得分", 8),
    ("等级", 6),
)
TOTAL_LABELS = (
    ("due", "应报"),
    ("handed_in", "已报"),
    ("approved", "已审"),
    ("returned", "退回"),
    ("overdue", "逾期"),
)


def _text(cell, value: str) -> None:
    # The one text writer of every workbook: a name starting with "=" stays text, with the quote
    # prefix Excel shows, and characters a workbook cannot hold are dropped.
    set_text(cell, value)


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def write_board_xlsx(rows: list[Row], totals: dict[str, int], output, *, title: str) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "填报进度"
    _text(ws.cell(row=1, column=1), title)
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    for i, (key, label) in enumerate(TOTAL_LABELS):
        _text(ws.cell(row=2, column=1 + 2 * i), label)
        ws.cell(row=2, column=2 + 2 * i, value=totals[key])
    for col, (label, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=3, column=col)
        _text(cell, label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
        ws.column_dimensions[cell.column_letter].width = width
    for r, row in enumerate(rows, start=4):
        texts = (
            row.region_name,
            row.unit_name,
            row.template_name,
            row.project_name,
            row.status_label,
            row.deadline.isoformat(),
        )
        for col, value in enumerate(texts, start=1):
            _text(ws.cell(row=r, column=col), value)
        ws.cell(row=r, column=7, value=row.overdue_days or None)
        _text(ws.cell(row=r, column=8), _when(row.submitted_at))
        _text(ws.cell(row=r, column=9), _when(row.approved_at))
        ws.cell(row=r, column=10, value=row.changes)
        ws.cell(row=r, column=11, value=row.score if row.has_points else "—")
        _text(ws.cell(row=r, column=12), row.grade)
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.save(output)
