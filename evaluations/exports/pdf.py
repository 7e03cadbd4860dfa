"""The printed form as PDF: the grid of `layout.py` as HTML (templates/evaluations/print.html),
styled by static/css/print.css, laid out by WeasyPrint.

Writes bytes to any file-like object and knows nothing of requests, so a view, the batch export
and the management command share it.

Merged cells and page breaks: WeasyPrint draws a merged cell that crosses a page break with its
text on the first page only and no rule closing that page, so a reader of page 2 cannot tell
which 一级/二级指标 its lines belong to. The renderer therefore cuts every merged cell at the page
breaks, repeating its text in each piece. Where the breaks fall is first predicted from the font's
advance widths (one layout, breaks forced where predicted); the prediction is checked against the
layout, and when it was wrong the breaks are measured instead (a layout to find them, another with
the cuts).

Speed (benchmarks/render.py): a render is one WeasyPrint layout of a few hundred table cells,
most of it WeasyPrint's own Python. What this module controls is kept cheap: rows carry no `id`
in the predicted layout (an `id` gives each row, and so each of its cells, a computed style of its
own instead of one shared by every row of its kind), the page is read by the standard library's
XML parser (see `_html`) and styled by a user-agent stylesheet of only the rules its elements need
(static/css/print-ua.css), and the cyclic garbage collector is paused during a render and run once
after it (see `_collect_after`).
"""

from __future__ import annotations

import atexit
import gc
import hashlib
import math
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path
from typing import BinaryIO
from xml.etree import ElementTree

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import normalize_newlines

from . import fonts
from .layout import FormData, Grid, grids_of

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
PRINT_CSS = STATIC_DIR / "css" / "print.css"
PRINT_UA_CSS = STATIC_DIR / "css" / "print-ua.css"
PRINT_FONTS_CSS = STATIC_DIR / "css" / "print-fonts.css"  # imported by print.css
TEMPLATE = "evaluations/print.html"
# Part of the cache key of stored PDFs: a change to the print template or stylesheet renders anew.
PRINT_LAYOUT_VERSION = hashlib.sha1(
    PRINT_CSS.read_bytes()
    + PRINT_UA_CSS.read_bytes()
    + PRINT_FONTS_CSS.read_bytes()
    + (Path(__file__).resolve().parents[2] / "templates" / TEMPLATE).read_bytes()
).hexdigest()[:12]
# Measured layouts: a cut can make a row taller and move a break, so allow a few (two suffice in
# practice).
MAX_PASSES = 4

# WeasyPrint shares Pango/fontconfig state through a FontConfiguration; one render at a time.
render_lock = threading.Lock()


@dataclass(frozen=True)
class PrintCell:
    text: str
    colspan: int
    rowspan: int
    css: str
    # A number too wide for its column prints smaller rather than wrapping (pt; 0: as styled).
    size: float = 0

    @property
    def attrs(self) -> SafeString:
        """The attributes of its <td>: one template variable instead of four tags per cell."""
        out = f' class="{escape(self.css)}"'
        if self.colspan > 1:
            out += f' colspan="{self.colspan}"'
        if self.rowspan > 1:
            out += f' rowspan="{self.rowspan}"'
        if self.size:
            out += f' style="font-size: {self.size}pt"'
        return mark_safe(out)

    @property
    def markup(self) -> SafeString:
        """The text escaped, its line breaks as <br/> (print.html must stay well-formed XML)."""
        return mark_safe(escape(normalize_newlines(self.text)).replace("\n", "<br/>"))


@dataclass(frozen=True)
class PrintRow:
    index: int
    section: str
    cells: tuple[PrintCell, ...]
    # A forced page break before this row.
    brk: bool = False


# A row's cells with the column each one starts in.
Placed = list[list[tuple[int, PrintCell]]]


@dataclass(frozen=True)
class PrintForm:
    """The grid as printed: the rows above the indicator heading (one table), the heading, the
    rows from the indicators on (a second table whose <thead> WeasyPrint repeats on every page),
    and each table's cells placed in their columns."""

    grid: Grid
    top: list[PrintRow]
    heading: PrintRow | None
    body: list[PrintRow]
    placed_top: Placed
    placed_body: Placed
    # Printed with less padding in the rows (print.css `.tight`), see `_tightened`.
    tight: bool = False

    def cut(self, pages: dict[int, int]) -> tuple[Placed, Placed]:
        return (
            _cut_at_pages(self.placed_top, self.top, pages),
            _cut_at_pages(self.placed_body, self.body, pages),
        )


def render_pdf(grid_or_data: Grid | FormData | Sequence[Grid], output: BinaryIO) -> None:
    """Write the form as a PDF to `output` (a binary file-like object).

    A form with more than one table (部门整体: 指标表 and 基础数据表, see layout.build_grids)
    prints each table from a new page, in one file.
    """
    forms = [_print_form(grid) for grid in grids_of(grid_or_data)]
    predicted = [_predict_pages(form) for form in forms]
    for i, (form, pages) in enumerate(zip(forms, predicted, strict=True)):
        if (tightened := _tightened(form, pages)) is not None:
            forms[i], predicted[i] = tightened
    with render_lock, _collect_after():
        # Several tables are laid out one by one and numbered as the pages of one file, from the
        # predicted page counts; a table that took other pages than predicted is numbered again.
        counts = [max(pages.values(), default=0) + 1 for pages in predicted]
        for _ in range(2):
            numbering = _numbering(counts)
            documents = [
                _document(form, pages, numbers)
                for form, pages, numbers in zip(forms, predicted, numbering, strict=True)
            ]
            laid_out = [len(document.pages) for document in documents]
            if len(documents) == 1 or laid_out == counts:  # one table numbers its own pages
                break
            counts = laid_out
        if len(documents) > 1:
            pages = [page for document in documents for page in document.pages]
            documents = [documents[0].copy(pages)]
        documents[0].write_pdf(output)


def _tightened(form: PrintForm, pages: dict[int, int]):
    """The form with tighter rows and its pages, where its last page would otherwise hold nothing
    but the last indicator line (with 总分 and the text rows kept with it) and the signature: a
    near-empty page costs the reader more than slightly closer rows. None where that does not
    save the page."""
    if not form.body or not pages or max(pages.values()) == 0:
        return None
    last = max(pages.values())
    unit = len(form.body) - 1
    while unit > 0 and form.body[unit].section in KEEP_WITH_PREVIOUS:
        unit -= 1
    alone = {row.index for row in form.body[unit:]}
    if any(page == last and index not in alone for index, page in pages.items()):
        return None
    tight = replace(form, tight=True)
    tight_pages = _predict_pages(tight)
    if max(tight_pages.values()) >= last:
        return None
    return tight, tight_pages


def _document(form: PrintForm, predicted: dict[int, int], numbers=None):
    document = _layout(form, predicted, forced=True, numbers=numbers)
    # Breaks are forced where predicted, so the layout can differ from the prediction only by
    # breaking somewhere else too, which adds a page: the page count checks every row's page.
    if len(document.pages) != max(predicted.values(), default=0) + 1:
        document = _measured_layout(form, numbers)
    return document


def _numbering(counts: list[int]) -> list:
    """The page-number stylesheet of each table: none for a single table (print.css counts its
    pages), else its pages numbered on from the tables before it, out of the file's total."""
    if len(counts) < 2:
        return [None] * len(counts)
    firsts = [1 + sum(counts[:i]) for i in range(len(counts))]
    return [_page_numbers(first, sum(counts)) for first in firsts]


@lru_cache(maxsize=64)
def _page_numbers(first: int, total: int):
    from weasyprint import CSS

    # The footer of print.css, with the file's total and this table's first page.
    return CSS(
        string=f'@page {{ @bottom-center {{ content: "第 " counter(page) " 页 共 {total} 页" }} }}'
        f" @page :first {{ counter-reset: page {first} }}"
    )


@contextmanager
def _collect_after():
    """Pause the cyclic garbage collector during a render and run it once afterwards.

    A render allocates some 45,000 objects (boxes, styles, text layouts) that all live until the
    PDF is written and then die together, in reference cycles. With the collector on, Python
    scans them over and over while they are still alive (dozens of young collections per render,
    and now and then a full collection of the whole process); one young collection once they are
    garbage frees them all and costs less. Renders hold `render_lock`, so they cannot interleave here.
    """
    if not gc.isenabled():  # someone else is managing the collector
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


def pdf_bytes(grid_or_data: Grid | FormData | Sequence[Grid]) -> bytes:
    buffer = BytesIO()
    render_pdf(grid_or_data, buffer)
    return buffer.getvalue()


def _measured_layout(form: PrintForm, numbers=None):
    """Lay out, read where the pages break, cut the merged cells there and lay out again, until
    no merged cell crosses a page."""
    pages: dict[int, int] = {}
    for _ in range(MAX_PASSES):
        document = _layout(form, pages, forced=False, anchors=True, numbers=numbers)
        found = _row_pages(document)
        top, body = form.cut(pages)
        if not _crosses_page(top, form.top, found) and not _crosses_page(body, form.body, found):
            break
        pages = found
    return document


def _layout(
    form: PrintForm,
    pages: dict[int, int],
    *,
    forced: bool,
    anchors: bool = False,
    numbers=None,
):
    """Lay out the form with merged cells cut where `pages` changes, breaks forced there if asked;
    with `anchors`, each row carries its index as an `id` so `_row_pages` can find it; `numbers`,
    a stylesheet numbering the pages within a file of several tables (see `_numbering`)."""
    css, font_config, fetcher = print_resources()
    cut_top, cut_body = form.cut(pages)
    breaks = pages if forced else None
    top, body = form.top, form.body
    # A break between the two tables goes on the indicator table, so its heading moves with it.
    body_brk = bool(breaks and top and body) and pages[body[0].index] != pages[top[-1].index]
    context = {
        "grid": form.grid,
        "widths": _percentages(form.grid.widths),
        "top": _rows_markup(_rows(top, cut_top, breaks), anchors),
        "heading": form.heading and _rows_markup([form.heading], anchors=False),
        "body": _rows_markup(_rows(body, cut_body, breaks), anchors),
        "body_brk": body_brk,
        "tight": form.tight,
    }
    html = render_to_string(TEMPLATE, context)
    stylesheets = [css] if numbers is None else [css, numbers]
    return _html(html, fetcher).render(stylesheets=stylesheets, font_config=font_config)


# -- resources, parsed once per process -----------------------------------------------------------


@cache
def print_resources():
    """The stylesheet with its @font-face rules loaded: parsing it and registering the fonts with
    fontconfig costs more than laying out a one-page form, so it is done once per process."""
    from weasyprint import CSS, URLFetcher
    from weasyprint.text.fonts import FontConfiguration

    # Local files only: a form never needs the network, and a default fetcher builds an SSL
    # context (~25 ms) every time it is created.
    fetcher = URLFetcher(allowed_protocols={"file", "data"})
    font_config = FontConfiguration()
    css = CSS(filename=str(PRINT_CSS), font_config=font_config, url_fetcher=fetcher)
    # Drop them while the interpreter is whole: FontConfiguration.__del__ removes a temporary
    # folder and fails noisily when it runs during interpreter shutdown.
    atexit.register(print_resources.cache_clear)
    return css, font_config, fetcher


def _html(html: str, fetcher):
    """The document for WeasyPrint.

    print.html writes well-formed XML, so the standard library's C parser reads it (well under a
    millisecond) instead of WeasyPrint's HTML5 parser (pure Python, ~20 ms for a 30-line form).
    Text the XML parser refuses (a control character pasted into a form) takes the HTML5 parser.
    """
    print_html, parsed_html = _html_classes()
    try:
        root = ElementTree.fromstring(html)
    except ElementTree.ParseError:
        return print_html(string=html, base_url=str(STATIC_DIR), url_fetcher=fetcher)
    return parsed_html(root, str(STATIC_DIR), fetcher)


@cache
def _html_classes():
    import cssselect2
    from weasyprint import CSS, HTML
    from weasyprint.urls import ensure_url

    user_agent = [CSS(filename=str(PRINT_UA_CSS))]

    class PrintHTML(HTML):
        """weasyprint.HTML styled by static/css/print-ua.css instead of WeasyPrint's HTML5
        user-agent stylesheet: the same rules for the elements a form has, without the hundreds
        every element would otherwise be matched against."""

        def _ua_stylesheets(self, forms=False):
            return user_agent

    class ParsedHTML(PrintHTML):
        """PrintHTML from a tree already parsed: sets what HTML.__init__ sets once it has parsed
        its source (WeasyPrint 70; test_export_pdf compares the two ways)."""

        def __init__(self, root, base_url: str, url_fetcher):
            self.base_url = ensure_url(base_url)
            self.url_fetcher = url_fetcher
            self.media_type = "print"
            self.wrapper_element = cssselect2.ElementWrapper.from_html_root(
                root, content_language=None
            )
            self.etree_element = self.wrapper_element.etree_element

    return PrintHTML, ParsedHTML


def _percentages(widths: tuple[int, ...]) -> list[str]:
    total = sum(widths)
    return [f"{100 * w / total:.4f}" for w in widths]


# -- from grid rows to printed rows ---------------------------------------------------------------


def _print_form(grid: Grid) -> PrintForm:
    """Split the grid at the indicator heading and place the cells.

    The heading row's first cell is the 绩效指标 caption spanning the heading and every line. A
    rowspan cannot reach from <thead> into <tbody>, so the heading keeps an empty part with no
    rule below it and the caption's text goes to a cell spanning the lines; print.css joins them.
    """
    cells_of = [
        [PrintCell(c.text, c.colspan, c.rowspan, f"k-{c.kind}") for c in row.cells]
        for row in grid.rows
    ]
    at = grid.row_index("indicators_head")
    if at is None:
        at = len(grid.rows)
    top = [PrintRow(i, grid.rows[i].section, tuple(cells_of[i])) for i in range(at)]
    heading, body = None, []
    if at < len(grid.rows):
        head_cells, body_cells = cells_of[at], cells_of[at + 1 :]
        caption = grid.rows[at].cells[0]
        if caption.kind == "caption" and caption.rowspan > 1 and body_cells:
            head_cells[0] = PrintCell("", caption.colspan, 1, "k-caption caption-head")
            body_cells[0].insert(
                0,
                PrintCell(
                    caption.text, caption.colspan, caption.rowspan - 1, "k-caption caption-cont"
                ),
            )
        heading = PrintRow(at, grid.rows[at].section, tuple(head_cells))
        body = [
            PrintRow(at + 1 + i, grid.rows[at + 1 + i].section, tuple(cells))
            for i, cells in enumerate(body_cells)
        ]
    col_pt = _column_points(grid)
    return PrintForm(
        grid,
        top,
        heading,
        body,
        _fit_numbers(_place(top), col_pt),
        _fit_numbers(_place(body), col_pt),
    )


def _place(rows: list[PrintRow]) -> Placed:
    """Each cell with the column it starts in, skipping columns held by rowspans from above."""
    held: dict[int, set[int]] = defaultdict(set)
    placed: Placed = []
    for r, row in enumerate(rows):
        col, out = 0, []
        for cell in row.cells:
            while col in held[r]:
                col += 1
            out.append((col, cell))
            for below in range(r + 1, r + cell.rowspan):
                held[below].update(range(col, col + cell.colspan))
            col += cell.colspan
        placed.append(out)
    return placed


def _cut_at_pages(placed: Placed, rows: list[PrintRow], pages: dict[int, int]) -> Placed:
    """Cut every merged cell where its rows change page, repeating its text in each piece."""
    page = [pages.get(row.index, 0) for row in rows]
    out: Placed = [[] for _ in placed]
    for r, cells in enumerate(placed):
        for col, cell in cells:
            start = r
            for k in range(r + 1, r + cell.rowspan):
                if page[k] != page[k - 1]:
                    out[start].append((col, replace(cell, rowspan=k - start)))
                    start = k
            rest = cell if start == r else replace(cell, rowspan=r + cell.rowspan - start)
            out[start].append((col, rest))
    for cells in out:
        cells.sort(key=lambda item: item[0])
    return out


def _crosses_page(placed: Placed, rows: list[PrintRow], pages: dict[int, int]) -> bool:
    for r, cells in enumerate(placed):
        for _, cell in cells:
            last = r + cell.rowspan - 1
            if cell.rowspan > 1 and pages.get(rows[r].index) != pages.get(rows[last].index):
                return True
    return False


def _rows(rows: list[PrintRow], placed: Placed, forced: dict[int, int] | None) -> list[PrintRow]:
    out = []
    for i, (row, cells) in enumerate(zip(rows, placed, strict=True)):
        brk = bool(forced and i and forced.get(row.index) != forced.get(rows[i - 1].index))
        out.append(replace(row, cells=tuple(cell for _, cell in cells), brk=brk))
    return out


def _rows_markup(rows: list[PrintRow], anchors: bool) -> SafeString:
    """The <tr> elements of `rows`: written here rather than by a template loop, which takes
    longer than the rest of the page for a few hundred cells. With `anchors`, each row carries
    its index as an `id` (see `_row_pages`)."""
    out = []
    for row in rows:
        css = f"sec-{row.section} brk" if row.brk else f"sec-{row.section}"
        anchor = f' id="r{row.index}"' if anchors else ""
        cells = "".join(f"<td{cell.attrs}>{cell.markup}</td>" for cell in row.cells)
        out.append(f'<tr class="{escape(css)}"{anchor}>{cells}</tr>')
    return mark_safe("".join(out))


def _row_pages(document) -> dict[int, int]:
    """The page each printed row starts on, from the row anchors (`id="r<index>"`)."""
    pages: dict[int, int] = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith("r") and anchor[1:].isdigit():
                pages.setdefault(int(anchor[1:]), number)
    return pages


# -- predicting page breaks -----------------------------------------------------------------------
# These figures mirror print.css. Should the two drift apart, predictions fail more often and
# rendering takes more layouts, but the output stays right: every prediction is checked.

PT_PER_MM = 72 / 25.4
PAGE_HEIGHT = (297 - 16 - 16) * PT_PER_MM
PAGE_WIDTH = (210 - 14 - 14) * PT_PER_MM
FONT_SIZE = 10.5
HEAD_SIZE = 9.0  # column headings, so 一级指标 fits a narrow column on one line
MIN_NUMBER_SIZE = 7.0
LINE_HEIGHT = 1.3
LINE = FONT_SIZE * LINE_HEIGHT
PAD_X = 2 * 3 + 0.5  # cell padding left and right, and its two edges of 0.25pt
HEAD_PAD_X = 2 * 2 + 0.5
FRAME = 0.25  # the table's frame, on each side of it
PAD_Y = 2 * 1.5 + 0.5
PAD_Y_LONG = 2 * 3 + 0.5  # text in goals and text rows
# The same in a tightened form (print.css `.tight`, see `_tightened`).
PAD_Y_TIGHT = 2 * 0.5 + 0.5
PAD_Y_LONG_TIGHT = 2 * 1.5 + 0.5
TITLE_BLOCK = 16 * LINE_HEIGHT + 2 + LINE + 2
NOTE_SIZE, NOTE_LINE_HEIGHT, NOTE_INDENT, NOTES_GAP = 9.0, 1.4, 18.0, 3.0
SIGN_GAP, APPROVAL_GAP = 6.0, 2.0
# Rows print.css keeps on the page of the row before them.
KEEP_WITH_PREVIOUS = ("total", "text")
# Rounding room: the estimate matches WeasyPrint's row heights to a fraction of a point.
SLACK = 1.0

# Line breaking, simplified from UAX #14: no break before closing punctuation, none after opening
# punctuation, breaks around CJK characters and after spaces, none inside runs of Latin letters
# and digits.
_NO_BREAK_BEFORE = set("，。、；：！？）》」』】〕…—%％·,.;:!?)]}/-")
_NO_BREAK_AFTER = set("（《「『【〔“‘([")


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _may_break(a: str, b: str) -> bool:
    if b in _NO_BREAK_BEFORE or a in _NO_BREAK_AFTER:
        return False
    return a == " " or _wide(a) or _wide(b)


def _text_width(text: str, advances: dict[int, float]) -> float:
    return sum(advances.get(ord(ch)) or (1.0 if _wide(ch) else 0.55) for ch in text)


def _pieces(paragraph: str):
    """The unbreakable pieces of a paragraph, each with the space that may follow it."""
    start = 0
    for i in range(len(paragraph) - 1):
        if _may_break(paragraph[i], paragraph[i + 1]):
            yield paragraph[start : i + 1]
            start = i + 1
    yield paragraph[start:]


@lru_cache(maxsize=8192)
def _line_count(text: str, width: float, size: float, bold: bool) -> int:
    """Lines `text` at `size` points takes in a cell whose content box is `width` points wide.

    Kept for the next call: a prediction asks again for every cell on each pass, and forms of a
    template share most of their texts and widths."""
    if not text:
        return 0
    advances = fonts.advances("Bold" if bold else "Regular")
    room = max(width / size, 0.5)  # in em
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        x = 0.0
        for piece in _pieces(paragraph):
            w = _text_width(piece, advances)
            fit = _text_width(piece.rstrip(" "), advances)  # a space at a line's end hangs
            if x > 0 and x + fit > room:
                lines, x = lines + 1, 0.0
            if x == 0 and fit > room:  # overflow-wrap: anywhere breaks it where it must
                extra = math.ceil(fit / room) - 1
                lines += extra
                x = fit - extra * room + (w - fit)
            else:
                x += w
    return lines


def _row_heights(
    rows: list[PrintRow], placed: Placed, col_pt: list[float], tight: bool = False
) -> list[float]:
    pad_y, pad_y_long = (PAD_Y_TIGHT, PAD_Y_LONG_TIGHT) if tight else (PAD_Y, PAD_Y_LONG)
    heights = [0.0] * len(rows)
    spanning = []
    for r, cells in enumerate(placed):
        long_text = rows[r].section in ("goals", "text")
        for col, cell in cells:
            head = "k-head" in cell.css
            size = HEAD_SIZE if head else cell.size or FONT_SIZE
            width = sum(col_pt[col : col + cell.colspan]) - (HEAD_PAD_X if head else PAD_X)
            if "k-number" in cell.css:
                lines = 1 if cell.text else 0  # never wraps (see _fit_numbers)
            else:
                lines = _line_count(cell.text, width, size, bold=head)
            pad = pad_y_long if long_text and "k-text" in cell.css else pad_y
            need = lines * size * LINE_HEIGHT + pad
            if cell.rowspan == 1:
                heights[r] = max(heights[r], need)
            else:
                spanning.append((r, cell.rowspan, need))
    # A merged cell taller than its rows stretches the last of them.
    for r, n, need in spanning:
        short = need - sum(heights[r : r + n])
        if short > 0:
            heights[r + n - 1] += short
    return heights


def _column_points(grid: Grid) -> list[float]:
    total = sum(grid.widths)
    return [(PAGE_WIDTH - 2 * FRAME) * w / total for w in grid.widths]


def _fit_numbers(placed: Placed, col_pt: list[float]) -> Placed:
    """Give a number wider than its column a smaller size: split over two lines, 91.03% would
    read as two numbers."""
    advances = fonts.advances("Regular")
    out: Placed = []
    for cells in placed:
        row = []
        for col, cell in cells:
            if "k-number" in cell.css and cell.text:
                room = sum(col_pt[col : col + cell.colspan]) - PAD_X
                width = _text_width(cell.text, advances) * FONT_SIZE
                if width > room:
                    size = max(MIN_NUMBER_SIZE, math.floor(2 * FONT_SIZE * room / width) / 2)
                    cell = replace(cell, size=size)
            row.append((col, cell))
        out.append(row)
    return out


def _predict_pages(form: PrintForm) -> dict[int, int]:
    """The page each row should start on, estimated from text widths (see the module docstring).

    Cutting a merged cell can make a row taller (its text now has fewer rows to fill), so the
    estimate is repeated with the cuts it implies until the pages stop changing.
    """
    pages: dict[int, int] = {}
    for _ in range(MAX_PASSES):
        found = _paginate(form, *form.cut(pages))
        if found == pages:
            break
        pages = found
    return pages


def _paginate(form: PrintForm, placed_top: Placed, placed_body: Placed) -> dict[int, int]:
    grid, top, heading, body = form.grid, form.top, form.heading, form.body
    col_pt = _column_points(grid)
    room = PAGE_HEIGHT - SLACK - 2 * FRAME  # the table is framed above and below on each page
    pages: dict[int, int] = {}
    page, y = 0, TITLE_BLOCK + (LINE + 2 if grid.unit_line else 0)
    for row, h in zip(top, _row_heights(top, placed_top, col_pt, form.tight), strict=True):
        if y + h > room and y > 0:
            page, y = page + 1, 0.0
        pages[row.index] = page
        y += h
    if heading is None:
        return pages
    head_h = _row_heights([heading], _place([heading]), col_pt, form.tight)[0]
    body_h = _row_heights(body, placed_body, col_pt, form.tight)
    # What print.css keeps on one page: an indicator line with the total and text rows after it,
    # and the last of these with the notes and signature.
    units: list[list[int]] = []
    for i, row in enumerate(body):
        if units and row.section in KEEP_WITH_PREVIOUS:
            units[-1].append(i)
        else:
            units.append([i])
    end = _end_height(grid)
    for n, unit in enumerate(units):
        h = sum(body_h[i] for i in unit)
        need = h + (end if n == len(units) - 1 else 0)
        if n == 0:
            if y + head_h + need > room and y > 0:
                page, y = page + 1, 0.0  # the whole indicator table starts on the next page
            y += head_h
        elif y + need > room and y > head_h:
            page, y = page + 1, head_h  # the heading repeats at the top of the page
        for i in unit:
            pages[body[i].index] = page
        y += h
    return pages


def _end_height(grid: Grid) -> float:
    """Height of the notes, signature and approval lines under the grid."""
    height = SIGN_GAP + LINE
    if grid.approval:
        height += APPROVAL_GAP + LINE
    if grid.footnotes or grid.notes:
        height += NOTES_GAP
        for i, note in enumerate((*grid.footnotes, *grid.notes)):
            width = PAGE_WIDTH - (NOTE_INDENT if i else 0)
            height += _line_count(note, width, NOTE_SIZE, bold=False) * NOTE_SIZE * NOTE_LINE_HEIGHT
    return height
