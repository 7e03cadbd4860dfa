"""The checks an uploaded workbook passes before it is read (see `xlsx_import`).

From the bytes and the zip directory alone: size, a real xlsx package (a zip whose content types
name a spreadsheet workbook, not a renamed .xls, .csv, .docx or .exe), and the declared sizes and
compression ratios of its parts (zip bombs). Then each sheet's extent — the rows and columns its
content takes, merged ranges — from its XML read as a stream and stopped at the first cell too
far, so a sheet of 100,000 rows is refused after a few hundred, before openpyxl opens the
workbook; cells only formatted beyond the limits are dropped, not refused.
Python's zipfile never inflates a part beyond the size the directory declares, so the declared
sizes are a real bound; expat (≥ 2.4.1) refuses entity-expansion XML. Plain Python: nothing
here imports Django.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from io import BytesIO
from xml.etree import ElementTree

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


def check_file(data: bytes, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """Refuse (ImportRefused) bytes that are not a bounded, real xlsx package — read from the zip
    directory only, before anything is decompressed. Returns the workbook to read: `data`, or
    a copy without the formatted empty rows and cells some sheets carry beyond the limits."""
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
        trimmed = check_extent(archive, limits)
        return _with_parts(archive, trimmed) if trimmed else data
    if _XLSM_MAIN in main:
        refuse(MACRO_XLSM)
    for content_type, kind in _OTHER_MAIN.items():
        if content_type in main:
            refuse(OTHER_OFFICE.format(kind=kind))
    refuse(NOT_XLSX)


def _with_parts(archive: zipfile.ZipFile, parts: dict[str, bytes]) -> bytes:
    """The package with `parts` replaced."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in archive.infolist():
            copy.writestr(info, parts.get(info.filename) or archive.read(info))
    return out.getvalue()


_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)")
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_SHARED_STRINGS_MAX = 5 * MB  # a form's shared strings take a few tens of KB


def _cell_position(ref: str) -> tuple[int, int]:
    """(row, column) of a reference like AB12; (0, 0) for anything else."""
    m = _CELL_REF.fullmatch(ref or "")
    if not m:
        return 0, 0
    column = 0
    for ch in m.group(1):
        column = column * 26 + ord(ch) - 64
    return int(m.group(2)), column


def _sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part name) of every worksheet, from workbook.xml and its relationships."""
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, ValueError, OSError) as e:
        refuse(BROKEN.format(detail=type(e).__name__))
    targets = {
        rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_PKG_REL_NS}Relationship")
    }
    parts = []
    for sheet in book.iter(f"{_MAIN_NS}sheet"):
        target = targets.get(sheet.get(f"{_REL_NS}id"), "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if part.startswith("xl/worksheets/"):
            parts.append((sheet.get("name", ""), part))
    return parts


def check_extent(archive: zipfile.ZipFile, limits: Limits) -> dict[str, bytes]:
    """Every sheet's content within max_rows × max_columns and max_merges, read from its XML as a
    stream and stopped at the first cell too far: the declared dimension may be missing or wrong,
    and without one openpyxl would read the whole sheet just to size it. A merged range is
    bounded too: loading a sheet in full, openpyxl makes an object for every cell a merge
    covers, so one range A1:XFD1048576 would stall it.

    Rows and cells that are only formatted (borders or a fill over a whole area, as clerks set
    them) are no content: a sheet carrying them beyond the limits is read without them. Returns
    those sheets' parts, trimmed."""
    try:
        strings = archive.getinfo("xl/sharedStrings.xml")
    except KeyError:
        strings = None
    if strings is not None and strings.file_size > _SHARED_STRINGS_MAX:
        refuse(BROKEN.format(detail="sharedStrings"))
    parts = _sheet_parts(archive)
    if len(parts) > limits.max_sheets:
        refuse(TOO_MANY_SHEETS.format(count=len(parts), limit=limits.max_sheets))
    trimmed = {}
    for name, part in parts:
        try:
            with archive.open(part) as source:
                beyond, extent = _scan_sheet(source, name, limits)
            if beyond:
                trimmed[part] = _trim_sheet(archive.read(part), *extent)
        except KeyError:
            refuse(BROKEN.format(detail=part))
        except (ElementTree.ParseError, zipfile.BadZipFile, ValueError, OSError) as e:
            refuse(BROKEN.format(detail=type(e).__name__), name)
    return trimmed


def _scan_sheet(source, name: str, limits: Limits) -> tuple[bool, tuple[int, int]]:
    """Refuse a sheet whose content or merges go beyond the limits. Returns whether it has
    formatted empty rows or cells beyond them, and the last row and column of its content."""
    rows_limit, cols_limit = limits.max_rows, limits.max_columns
    declared_rows = declared_cols = 0
    row_number, merges, beyond, rows_parent = 0, 0, False, None
    last_row = last_col = 0
    for event, element in ElementTree.iterparse(source, events=("start", "end")):
        tag = element.tag.rsplit("}", 1)[-1]
        if event == "start":
            if tag == "sheetData":
                rows_parent = element
            elif tag == "dimension":
                last = (element.get("ref") or "").split(":")[-1]
                declared_rows, declared_cols = _cell_position(last)
            elif tag == "row":
                row_number = int(element.get("r") or row_number + 1)
                beyond = beyond or row_number > rows_limit
            elif tag == "mergeCell":
                merges += 1
                if merges > limits.max_merges:
                    refuse(TOO_MANY_MERGES.format(count=merges, limit=limits.max_merges), name)
                last = (element.get("ref") or "").split(":")[-1]
                rows, cols = _cell_position(last)
                if rows > rows_limit or cols > cols_limit:
                    refuse(
                        MERGE_TOO_LARGE.format(
                            cells=element.get("ref"), rows=rows_limit, columns=cols_limit
                        ),
                        name,
                    )
            continue
        if tag == "c":
            if any(child.tag.rsplit("}", 1)[-1] in ("v", "is", "f") for child in element):
                rows, cols = _cell_position(element.get("r") or "")
                rows = max(rows, row_number)
                if rows > rows_limit:
                    shown = declared_rows if declared_rows > rows_limit else f"超过 {rows_limit}"
                    refuse(TOO_MANY_ROWS.format(rows=shown, limit=rows_limit), name)
                if cols > cols_limit:
                    shown = declared_cols if declared_cols > cols_limit else f"超过 {cols_limit}"
                    refuse(TOO_MANY_COLUMNS.format(columns=shown, limit=cols_limit), name)
                last_row, last_col = max(last_row, rows), max(last_col, cols)
            elif not beyond:
                beyond = _cell_position(element.get("r") or "")[1] > cols_limit
        elif tag == "row" and rows_parent is not None:
            rows_parent.clear()  # the rows read so far: memory stays flat however long the sheet
    return beyond, (last_row, last_col)


_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?(?:/>|>.*?</(?:\w+:)?row>)", re.DOTALL)
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_CELL = re.compile(rb"<(?:\w+:)?c\b[^>]*?(?:/>|>.*?</(?:\w+:)?c>)", re.DOTALL)
_CELL_COLUMN = re.compile(rb'\br="([A-Z]{1,3})\d+"')
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*/>")


def _trim_sheet(xml: bytes, last_row: int, last_col: int) -> bytes:
    """The sheet without its formatted empty rows and cells past its content (`_scan_sheet` has
    found none there), and without its declared dimension, which openpyxl then computes."""

    def cell(match):
        column = _CELL_COLUMN.search(match.group(0))
        if column and _cell_position(column.group(1).decode() + "1")[1] > last_col:
            return b""
        return match.group(0)

    def row(match):
        number = _ROW_NUMBER.search(match.group(0)[: match.group(0).find(b">") + 1])
        if number and int(number.group(1)) > last_row:
            return b""
        return _CELL.sub(cell, match.group(0))

    return _DIMENSION.sub(b"", _ROW.sub(row, xml))
