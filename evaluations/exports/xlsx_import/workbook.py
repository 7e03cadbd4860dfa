"""The whole workbook: checked (`xlsx_checks`), loaded with formulas as their text, each sheet
recognised, the one form read — for 部门整体 with its 基础数据表 — or every problem refused."""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO

import openpyxl

from ...templates_def import TEMPLATES
from ..xlsx_checks import (
    BROKEN,
    DEFAULT_LIMITS,
    CellError,
    ImportRefused,
    Limits,
    check_file,
    refuse,
)
from .department import _BasicReader, _is_basic_sheet
from .form import ParsedForm, _FormReader
from .messages import (
    BASIC_DATA_MISSING,
    INDICATORS_MISSING,
    MANY_BASIC,
    MANY_FORMS,
    NO_FORM,
    NOT_A_FORM,
)
from .recognise import _recognise
from .sheet import _Sheet


def parse_workbook(
    data: bytes, limits: Limits = DEFAULT_LIMITS, *, year: int | None = None
) -> ParsedForm:
    """The one form in an uploaded workbook, or ImportRefused listing every problem.

    `year` is the year chosen for the import: a sheet that states another year is refused.
    """
    check_file(data, limits)
    try:
        # Formulas as their text, never Excel's cached values: see the package docstring.
        book = openpyxl.load_workbook(BytesIO(data), data_only=False)
    except ImportRefused:
        raise
    except Exception as e:  # noqa: BLE001 - anything openpyxl trips over is a broken file
        refuse(BROKEN.format(detail=type(e).__name__))
    basic_defs = [t.basic_data for t in TEMPLATES.values() if t.basic_data is not None]
    forms, basics, problems = [], [], []
    for ws in book.worksheets:
        sheet = _Sheet(ws, limits)
        if not sheet.values:
            continue
        t, missing = _recognise(sheet)
        if t is not None:
            forms.append((sheet, t))
        elif any(_is_basic_sheet(sheet, basic) for basic in basic_defs):
            basics.append(sheet)
        else:
            problems.append(CellError(sheet.name, "", NOT_A_FORM.format(missing=missing)))
    if not forms:
        if basics:
            refuse(INDICATORS_MISSING)
        raise ImportRefused(problems if len(problems) == 1 else [CellError("", "", NO_FORM)])
    if len(forms) > 1:
        names = "、".join(f"「{s.name}」" for s, _ in forms)
        refuse(MANY_FORMS.format(count=len(forms), names=names))
    sheet, t = forms[0]
    reader = _FormReader(sheet, t, year)
    parsed = reader.read()
    errors = reader.errors
    if t.basic_data is not None:
        # Without its 基础数据表 the 指标表's scores cannot be told apart into the app's
        # suggestions and the unit's claims: refused, not imported with an empty one.
        basics = [s for s in basics if _is_basic_sheet(s, t.basic_data)]
        if len(basics) > 1:
            names = "、".join(f"「{s.name}」" for s in basics)
            errors.append(CellError("", "", MANY_BASIC.format(count=len(basics), names=names)))
        elif not basics:
            errors.append(CellError("", "", BASIC_DATA_MISSING))
        else:
            basic_reader = _BasicReader(basics[0], t, year)
            cells = basic_reader.read_cells(parsed.project_name)
            errors += basic_reader.errors
            parsed = replace(parsed, basic_data=cells, basic_sheet=basics[0].name)
    if errors:
        raise ImportRefused(errors)
    return parsed
