"""The report as PDF: the narrative laid out by WeasyPrint (templates/reports/print.html,
static/css/report_print.css — the same bundled FormSerif faces as the forms), then the form's own
PDF (evaluations.exports.pdf) appended page by page as 附件, with bookmarks for both parts."""

from __future__ import annotations

import atexit
from functools import cache
from io import BytesIO
from typing import BinaryIO

from django.template.loader import render_to_string
from pypdf import PdfReader, PdfWriter

from evaluations.exports.pdf import STATIC_DIR, pdf_bytes, print_resources, render_lock
from evaluations.selectors import form_data

from ..selectors import report_view
from .document import ReportDocument, build_document

REPORT_CSS = STATIC_DIR / "css" / "report_print.css"
TEMPLATE = "reports/print.html"


@cache
def _stylesheet(font_config, fetcher):
    """The report's stylesheet, parsed once per process with the form renderer's fonts and
    fetcher: its faces are the forms' own (print-fonts.css), which WeasyPrint then registers
    only once."""
    from weasyprint import CSS

    css = CSS(filename=str(REPORT_CSS), font_config=font_config, url_fetcher=fetcher)
    atexit.register(_stylesheet.cache_clear)  # before the form renderer drops font_config
    return css


def narrative_pdf(document: ReportDocument) -> bytes:
    """The report's own pages."""
    from weasyprint import HTML

    html = render_to_string(TEMPLATE, {"doc": document})
    _, font_config, fetcher = print_resources()
    css = _stylesheet(font_config, fetcher)
    # The form renderer's lock: one WeasyPrint render at a time in a process, form or report
    # (Pango, cairo and fontconfig are not thread-safe).
    with render_lock:
        return HTML(string=html, base_url=str(STATIC_DIR), url_fetcher=fetcher).write_pdf(
            stylesheets=[css], font_config=font_config
        )


def write_report_pdf(document: ReportDocument, form_pdf: bytes, output: BinaryIO) -> None:
    """The report followed by the form's pages (附件), as one PDF written to `output`."""
    writer = PdfWriter()
    report = PdfReader(BytesIO(narrative_pdf(document)))
    form = PdfReader(BytesIO(form_pdf))
    for page in report.pages:
        writer.add_page(page)
    first_form_page = len(writer.pages)
    for page in form.pages:
        writer.add_page(page)
    writer.add_outline_item(title=document.title, page_number=0)
    for title in document.attachments:
        writer.add_outline_item(title=f"附件：{title}", page_number=first_form_page)
    writer.add_metadata({"/Title": document.title, "/Author": document.unit})
    writer.write(output)


def report_pdf_bytes(evaluation) -> bytes:
    """The whole report of a form (lines prefetched: `evaluations.selectors.with_lines`)."""
    view = report_view(evaluation)
    form = pdf_bytes(form_data(evaluation))
    buffer = BytesIO()
    write_report_pdf(build_document(view), form, buffer)
    return buffer.getvalue()
