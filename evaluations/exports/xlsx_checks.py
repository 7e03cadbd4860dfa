"""The checks an uploaded workbook passes before it is read (see `xlsx_import`).

From the bytes and the zip directory alone: size, a real xlsx package (a zip whose content types
name a spreadsheet workbook, not a renamed .xls, .csv, .docx or .exe), and the declared sizes and
compression ratios of its parts (zip bombs), and the merged ranges each sheet declares. Then each
sheet's extent, from its declared dimension and then its rows in openpyxl's read-only mode,
stopping early, so a sheet of 100,000 rows is refused after a few hundred. Python's zipfile never
inflates a part beyond the size the directory declares, so the declared sizes are a real bound.
Plain Python: nothing here imports Django.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from io import BytesIO
from xml.etree import ElementTree

import openpyxl

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Bounds on what is read. `max_bytes` comes from settings (XLSX_IMPORT_MAX_BYTES)."""

    max_bytes: int = 5 * MB
    # Sum of the uncompressed sizes the zip directory declares, and the largest ratio of one
    # entry's declared size to its compressed size (entries over 1 MB; real workbooks stay
    # under about 20:1, a file of zeros deflates about 1000:1).
    max_uncompressed: int = 50 * MB
    max_ratio: int = 100
    max_entries: int = 1000
    max_sheets: int = 20
    max_rows: int = 500
    max_columns: int = 30
    max_merges: int = 2000


DEFAULT_LIMITS = Limits()


# -- messages (constants, so tests can assert them) -------------------------------------------

FILE_EMPTY = "文件是空的，请选择要导入的 Excel 文件。"
FILE_TOO_LARGE = "文件大小为 {size}，超过上限 {limit}。请删除多余的工作表或图片后再导入。"
NOT_XLSX = "不是 Excel 工作簿（.xlsx）文件，无法读取。请在 Excel 或 WPS 中“另存为 Excel 工作簿（*.xlsx）”后再导入。"
OLD_XLS = (
    "这是旧版 Excel 97-2003 工作簿（.xls），或是设置了打开密码的文件，无法读取。"
    "请在 Excel 或 WPS 中取消密码并“另存为 Excel 工作簿（*.xlsx）”后再导入。"
)
MACRO_XLSM = "这是含宏的工作簿（.xlsm），不能导入。请“另存为 Excel 工作簿（*.xlsx）”后再导入。"
OTHER_OFFICE = "这是 {kind} 文件，不是 Excel 工作簿（.xlsx）。"
ZIP_BOMB = (
    "文件解压后的大小异常（声明解压后共 {size}，{detail}），可能是恶意构造的文件，已拒绝。"
    "正常的自评表解压后不超过几 MB。"
)
ZIP_TOO_MANY = "文件包含 {count} 个部件，超过上限 {limit}，不像是自评表，已拒绝。"
ZIP_ENCRYPTED = "文件已加密，无法读取。请取消密码后再导入。"
TOO_MANY_MERGES = (
    "工作表有 {count} 处合并单元格，超过上限 {limit}。自评表不会有这么多，请检查是否选错了文件。"
)
MERGE_TOO_LARGE = (
    "合并单元格 {cells} 超出了 {rows} 行 × {columns} 列的范围。"
    "请在 Excel 中取消该合并（或删除多余的行列）后再导入。"
)
BROKEN = "文件已损坏，无法读取（{detail}）。请在 Excel 中打开并重新保存后再导入。"
TOO_MANY_SHEETS = "工作簿有 {count} 张工作表，超过上限 {limit}。请只保留自评表所在的工作表。"
TOO_MANY_ROWS = "工作表有 {rows} 行，超过上限 {limit} 行。自评表不会这么长，请检查是否选错了文件。"
TOO_MANY_COLUMNS = (
    "工作表有 {columns} 列，超过上限 {limit} 列。自评表不会这么宽，请检查是否选错了文件。"
)


@dataclass(frozen=True)
class CellError:
    """One problem: the sheet and cell (both empty for a problem of the whole file)."""

    sheet: str
    cell: str
    message: str

    def __str__(self) -> str:
        where = ""
        if self.sheet:
            where = f"工作表「{self.sheet}」{self.cell}："
        elif self.cell:
            where = f"{self.cell}："
        return where + self.message


class ImportRefused(Exception):
    """The file cannot be imported; `errors` lists every problem found."""

    def __init__(self, errors: list[CellError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = list(errors)


def refuse(message: str, sheet: str = "", cell: str = ""):
    raise ImportRefused([CellError(sheet, cell, message)])


# -- the file -----------------------------------------------------------------------------------

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CONTENT_TYPES = "[Content_Types].xml"
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_OTHER_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "Word",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "PowerPoint",
}
_RATIO_FROM = MB  # small entries (styles, shared strings of a few KB) may compress very well


def _size(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB / 10 else f"{max(n // 1024, 1)} KB"


def size_error(size: int, limit: int) -> CellError:
    """The refusal of a file over the size limit (also used before the upload is read)."""
    return CellError("", "", FILE_TOO_LARGE.format(size=_size(size), limit=_size(limit)))


def check_file(data: bytes, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse (ImportRefused) bytes that are not a bounded, real xlsx package — read from the zip
    directory only, before anything is decompressed."""
    if not data:
        refuse(FILE_EMPTY)
    if len(data) > limits.max_bytes:
        raise ImportRefused([size_error(len(data), limits.max_bytes)])
    if data.startswith(_OLE):
        refuse(OLD_XLS)
    if not data.startswith(b"PK\x03\x04"):
        refuse(NOT_XLSX)
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        refuse(NOT_XLSX)
    if len(infos) > limits.max_entries:
        refuse(ZIP_TOO_MANY.format(count=len(infos), limit=limits.max_entries))
    total = sum(info.file_size for info in infos)
    if total > limits.max_uncompressed:
        detail = f"上限为 {_size(limits.max_uncompressed)}"
        refuse(ZIP_BOMB.format(size=_size(total), detail=detail))
    for info in infos:
        if info.file_size > _RATIO_FROM and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            ratio = info.file_size // max(info.compress_size, 1)
            detail = f"其中“{info.filename}”压缩比约 {ratio}:1"
            refuse(ZIP_BOMB.format(size=_size(total), detail=detail))
        if info.flag_bits & 0x1:
            refuse(ZIP_ENCRYPTED)
    try:
        types = archive.getinfo(_CONTENT_TYPES)
    except KeyError:
        refuse(NOT_XLSX)
    if types.file_size > MB:
        refuse(NOT_XLSX)
    try:
        root = ElementTree.fromstring(archive.read(types))
    except (ElementTree.ParseError, zipfile.BadZipFile, ValueError, OSError) as e:
        refuse(BROKEN.format(detail=type(e).__name__))
    main = {
        el.get("ContentType", "")
        for el in root.iter(f"{_CT_NS}Override")
        if el.get("ContentType", "").endswith(".main+xml")
    }
    if _XLSX_MAIN in main:
        _check_merges(archive, limits)
        return
    if _XLSM_MAIN in main:
        refuse(MACRO_XLSM)
    for content_type, kind in _OTHER_MAIN.items():
        if content_type in main:
            refuse(OTHER_OFFICE.format(kind=kind))
    refuse(NOT_XLSX)


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _check_merges(archive: zipfile.ZipFile, limits: Limits) -> None:
    """openpyxl makes a cell object for every cell of every merged range when it loads a sheet in
    full, so one range A1:XFD1048576 (or a million small ones) would stall it: the merged ranges
    are counted and bounded from the sheets' XML first."""
    for info in archive.infolist():
        if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            continue
        merges = _MERGE.findall(archive.read(info))
        if len(merges) > limits.max_merges:
            refuse(TOO_MANY_MERGES.format(count=len(merges), limit=limits.max_merges))
        for col1, row1, col2, row2 in merges:
            last_row, last_col = int(row2 or row1), _column_number(col2 or col1)
            if last_row > limits.max_rows or last_col > limits.max_columns:
                cells = (
                    f"{col1.decode()}{row1.decode()}:{(col2 or col1).decode()}{int(row2 or row1)}"
                )
                refuse(
                    MERGE_TOO_LARGE.format(
                        cells=cells, rows=limits.max_rows, columns=limits.max_columns
                    )
                )


def check_extent(data: bytes, limits: Limits) -> None:
    """Every sheet within max_rows × max_columns: the declared dimension first, then the rows
    themselves in read-only mode (the dimension may be missing or wrong), stopping early."""
    book = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=True)
    try:
        if len(book.sheetnames) > limits.max_sheets:
            refuse(TOO_MANY_SHEETS.format(count=len(book.sheetnames), limit=limits.max_sheets))
        for ws in book.worksheets:
            if not hasattr(ws, "iter_rows"):
                continue  # a chart sheet
            declared_rows, declared_cols = ws.max_row or 0, ws.max_column or 0
            if declared_rows > limits.max_rows:
                refuse(TOO_MANY_ROWS.format(rows=declared_rows, limit=limits.max_rows), ws.title)
            if declared_cols > limits.max_columns:
                refuse(
                    TOO_MANY_COLUMNS.format(columns=declared_cols, limit=limits.max_columns),
                    ws.title,
                )
            rows = ws.iter_rows(max_col=limits.max_columns + 1, values_only=True)
            for number, row in enumerate(rows, start=1):
                filled = [v for v in row if v is not None and v != ""]
                if number > limits.max_rows and (filled or number > 2 * limits.max_rows):
                    refuse(
                        TOO_MANY_ROWS.format(rows=f"超过 {number - 1}", limit=limits.max_rows),
                        ws.title,
                    )
                if len(row) > limits.max_columns and row[limits.max_columns] not in (None, ""):
                    refuse(
                        TOO_MANY_COLUMNS.format(
                            columns=f"超过 {limits.max_columns}", limit=limits.max_columns
                        ),
                        ws.title,
                    )
    finally:
        book.close()
