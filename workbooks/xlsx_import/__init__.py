"""Reading a 自评表 back from an uploaded .xlsx workbook.

Two kinds of sheet are read: the app's own export (`xlsx.py`, from the grid of `layout.py`) and
the paper forms retyped into Excel the obvious way (the same labels in the same rows and columns,
perhaps without the title lines, perhaps with spaces inside labels or full-width punctuation).
Both are read the same way: the template is recognised by its labels (`templates_def`), and each
block — head, funds, goals, indicator lines, text blocks, signature — is located by its labels,
never by fixed row numbers. A 部门整体 form is two sheets: the 指标表, read like the others, and
its 基础数据表, whose blocks are found by their column headings and rows by their labels.

Cells are read as Excel shows them: under their number formats (1,350.87, 620.82万元, a date as
2021年3月5日 or 2021/3/5), a formula as the result Excel saved with it. A formula saved without a
result (files written by programs that do not calculate) is its text (“=E9+E12”), never computed:
in a text cell it is that text, in a cell that holds a figure it is noted, naming the cell, and
kept in 其他内容.

The bytes are checked before openpyxl loads them in full (`xlsx_checks`: size, a real xlsx
package, zip bombs, each sheet's extent read in read-only mode and stopping early).

The result is a `ParsedForm`, or `ImportRefused` with every problem found, each naming its sheet
and cell in Chinese. Plain Python: nothing here imports Django.

The modules, each using only those above it:

- `messages`: every message, as constants;
- `numformat`: what Excel shows for a number or a date under its number format;
- `sheet`: a worksheet as text, and labels compared the way people read them;
- `recognise`: which template a sheet is, by its labels and column headings;
- `reader`: what both readers share — problems by cell, figures, title and 年度;
- `department`: 部门整体 — the common indicators, and the 基础数据表;
- `parsed`: what a read form is — `ParsedForm`, `ParsedLine`, the rows of 其他内容;
- `head`, `funds`, `goals`, `lines`, `closing`, `signature`: the blocks of the 自评表, each read
  by a part of the form reader;
- `form`: the 自评表 (or 指标表) on one sheet, read into a `ParsedForm`;
- `workbook`: `parse_workbook`, the whole workbook.
"""

# The names callers and tests import (`X as X`: re-exported on purpose).
from ..xlsx_checks import DEFAULT_LIMITS as DEFAULT_LIMITS
from ..xlsx_checks import CellError as CellError
from ..xlsx_checks import ImportRefused as ImportRefused
from ..xlsx_checks import Limits as Limits
from .form import ParsedForm as ParsedForm
from .form import ParsedLine as ParsedLine
from .messages import *  # noqa: F403 - every message, as tests assert them
from .recognise import COLUMN_ALIASES as COLUMN_ALIASES
from .recognise import SIGNATURE_ALIASES as SIGNATURE_ALIASES
from .sheet import display_text as display_text
from .sheet import norm as norm
from .sheet import ref as ref
from .workbook import parse_workbook as parse_workbook
