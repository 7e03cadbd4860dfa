"""The whole workbook: checked (`xlsx_checks`), loaded with formulas as their cached results, each
sheet recognised, the one form read — for 部门整体 with its 基础数据表 — or, for a layout it does not
know, every cell in 其他内容."""

from __future__ import annotations

import re
from dataclasses import replace

from evaluations.templates_def import TEMPLATES

from ..xlsx_checks import (
    DEFAULT_LIMITS,
    CellError,
    Limits,
    check_file,
)
from .department import _BasicReader, _is_basic_sheet
from .form import OtherRow, ParsedForm, _FormReader
from .messages import (
    BASIC_DATA_MISSING,
    MANY_BASIC,
    MANY_FORMS_KEPT,
    NOT_RECOGNISED,
    YEAR_DIFFERS,
)
from .recognise import HEADER_ALIASES, _recognise
from .sheet import _Sheet, load_sheets, norm, ref

# The template a workbook of an unknown layout is imported as, until the clerk maps it.
DEFAULT_TEMPLATE = "project_2020"


def parse_workbook(
    data: bytes, limits: Limits = DEFAULT_LIMITS, *, year: int | None = None
) -> ParsedForm:
    """The one form in an uploaded workbook. Only a file that cannot be read at all (not a
    workbook, a zip bomb, too large) is refused (ImportRefused, with sheet and cell); anything
    else comes in: what the reader cannot place in a field — a value it cannot store, a row it
    does not know, the cells of another sheet, a whole layout it does not recognise — is kept in
    `other` (the form's 其他内容), and what it noticed is in `notes`.

    `year` is the year chosen for the import; a sheet stating another year says so in `notes`.
    """
    data = check_file(data, limits)
    basic_defs = [t.basic_data for t in TEMPLATES.values() if t.basic_data is not None]
    sheets = [sheet for sheet in load_sheets(data, limits) if sheet.values]
    forms, basics, notes = [], [], []
    for sheet in sheets:
        t, missing = _recognise(sheet)
        if t is not None:
            forms.append((sheet, t))
        elif any(_is_basic_sheet(sheet, basic) for basic in basic_defs):
            basics.append(sheet)
    if not forms:
        return unrecognised(sheets, year)
    if len(forms) > 1:
        names = "、".join(f"「{s.name}」" for s, _ in forms[1:])
        notes.append(CellError("", "", MANY_FORMS_KEPT.format(count=len(forms), names=names)))
    sheet, t = forms[0]
    reader = _FormReader(sheet, t, year)
    try:
        parsed = reader.read()
    except Exception:  # noqa: BLE001 - a layout the reader trips over still comes in whole
        return unrecognised(sheets, year)
    notes += reader.errors
    read_sheets = {sheet.name: reader.used - reader.kept}
    if t.basic_data is not None:
        basics = [s for s in basics if _is_basic_sheet(s, t.basic_data)]
        if len(basics) > 1:
            names = "、".join(f"「{s.name}」" for s in basics)
            notes.append(CellError("", "", MANY_BASIC.format(count=len(basics), names=names)))
        if not basics:
            notes.append(CellError("", "", BASIC_DATA_MISSING))
        else:
            basic_reader = _BasicReader(basics[0], t, year)
            cells = basic_reader.read_cells(parsed.project_name)
            notes += basic_reader.errors
            parsed = replace(parsed, basic_data=cells, basic_sheet=basics[0].name)
            # The 基础数据表 is stored cell by cell: nothing of it goes to 其他内容.
            read_sheets[basics[0].name] = set(basics[0].values)
    other = []
    for s in sheets:
        other += other_rows(s, read_sheets.get(s.name, set()))
    return replace(parsed, other=tuple(other), notes=tuple(notes))


def other_rows(sheet: _Sheet, used: set[tuple[int, int]]) -> list[OtherRow]:
    """The typed cells of a sheet no field took, a row at a time."""
    rows: dict[int, list[tuple[int, str]]] = {}
    for r, c in sorted(sheet.values):
        text = sheet.text(r, c).strip()
        if text and (r, c) not in used and not sheet.merged_from_above(r, c):
            rows.setdefault(r, []).append((c, text))
    return [
        OtherRow(sheet.name, ref(r, cells[0][0]), tuple(text for _, text in cells))
        for r, cells in sorted(rows.items())
    ]


def unrecognised(sheets: list[_Sheet], year: int | None) -> ParsedForm:
    """A layout the reader does not know: a draft with every cell in 其他内容, its title and year
    if they can be told, for the clerk to place with the mapping step of 导入Excel."""
    title, stated = "", None
    for sheet in sheets:
        for r, c in sorted(sheet.values):
            text = sheet.text(r, c).strip()
            if text and "表" in text and len(text) <= 200:
                title = text
                m = re.search(r"(20\d{2})\s*年", norm(text))
                stated = int(m.group(1)) if m else None
                break
        if title:
            break
    project_name = ""
    for sheet in sheets:
        for label in HEADER_ALIASES["project_name"]:
            for r, c in sheet.find(label):
                _, text = sheet.first_filled(r, sheet.end(r, c) + 1, sheet.cols)
                project_name = project_name or text.strip()[:200]
    notes = [CellError("", "", NOT_RECOGNISED)]
    if year is not None and stated is not None and stated != year:
        notes.append(CellError("", "", YEAR_DIFFERS.format(found=stated, chosen=year)))
    other = []
    for sheet in sheets:
        other += other_rows(sheet, set())
    return ParsedForm(
        template_code=DEFAULT_TEMPLATE,
        sheet=sheets[0].name if sheets else "",
        project_name=project_name or (title or "导入的自评表")[:200],
        title=title,
        year=stated,
        other=tuple(other),
        notes=tuple(notes),
        recognised=False,
    )
