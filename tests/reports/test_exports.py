"""The report as PDF and .docx, read back: headings, the stored figures, fonts, the form appended."""

import re
from io import BytesIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from evaluations.exports import fonts
from evaluations.exports.pdf import pdf_bytes
from evaluations.models import Evaluation
from evaluations.selectors import form_data
from reports.exports.docx import write_docx
from reports.exports.pdf import report_pdf_bytes
from reports.selectors import report_view
from reports.services import report_save
from tests.reports.helpers import fresh

PROJECT = "城乡居民基本医疗保险配套资金"


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    return fresh(Evaluation.objects.get(project_name=PROJECT))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_pdf_embeds_the_bundled_fonts_reads_back_and_appends_the_form(demo):
    data = report_pdf_bytes(demo)
    reader = PdfReader(BytesIO(data))
    form_pages = len(PdfReader(BytesIO(pdf_bytes(form_data(demo)))).pages)
    report_pages = len(reader.pages) - form_pages
    assert report_pages >= 1

    bundled = {*fonts.FAMILIES, *fonts.postscript_names()}
    for page in reader.pages:
        assert page.mediabox.width == pytest.approx(595, abs=1)  # A4 portrait, 210 mm
        assert page.mediabox.height == pytest.approx(842, abs=1)
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            base = str(font["/BaseFont"]).split("+", 1)[-1]
            assert base in bundled, base
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object())

    report_text = squash("".join(p.extract_text() for p in reader.pages[:report_pages]))
    assert "2019年度城乡居民基本医疗保险配套资金绩效自评报告" in report_text
    for heading in ("一、基本情况", "二、绩效目标及完成情况", "三、绩效自评结论（得分与等级）"):
        assert heading in report_text
    assert "全年执行数2209.83万元，执行率100%" in report_text
    assert "附件：项目支出绩效自评表" in report_text

    form_text = squash("".join(p.extract_text() for p in reader.pages[report_pages:]))
    assert "项目支出绩效自评表" in form_text
    assert "区级财政配套资金" in form_text and "偏差原因分析及改进措施" in form_text
    outline = [item.title for item in reader.outline]
    assert outline == [
        "2019年度城乡居民基本医疗保险配套资金绩效自评报告",
        "附件：项目支出绩效自评表",
    ]
    assert reader.get_destination_page_number(reader.outline[1]) == report_pages


def test_docx_reads_back_with_headings_figures_and_the_form_table(demo):
    buffer = BytesIO()
    write_docx(demo, buffer)
    doc = Document(BytesIO(buffer.getvalue()))
    paragraphs = [(p.style.name, p.text) for p in doc.paragraphs]
    assert ("Title", "2019年度城乡居民基本医疗保险配套资金绩效自评报告") in paragraphs
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    assert headings[:3] == [
        "一、基本情况",
        "二、绩效目标及完成情况",
        "三、绩效自评结论（得分与等级）",
    ]
    assert ("Heading 2", "（一）项目概况") in paragraphs
    body = "\n".join(text for _, text in paragraphs)
    assert "全年执行数2209.83万元，执行率100%" in body
    assert body.count("执行率100%") == 1
    assert "附件：项目支出绩效自评表" in body

    table = doc.tables[0]
    cells = [cell.text for row in table.rows for cell in row.cells]
    assert "区级财政配套资金" in cells and "≥2209.83万元" in cells
    assert "2209.83" in cells and "100%" in cells
    # The 项目名称 value spans the width, as on the printed form: one cell, repeated per column.
    first_row = table.rows[0].cells
    assert first_row[1].text == PROJECT and first_row[1]._tc is first_row[-1]._tc


def test_edited_text_is_what_is_printed(demo):
    user = demo.unit.members.get(role="preparer").user
    view = report_view(demo)
    # The demo form is approved; reopen it as a draft to edit its report.
    Evaluation.objects.filter(pk=demo.pk).update(status=Evaluation.Status.DRAFT)
    report_save(
        evaluation_id=demo.pk,
        user=user,
        expected_version=view.version,
        figures_fingerprint=view.figures_fingerprint,
        texts={"improvements": "下一步加强基金监管。\n按季度开展绩效监控。"},
    )
    buffer = BytesIO()
    write_docx(fresh(demo), buffer)
    texts = [p.text for p in Document(BytesIO(buffer.getvalue())).paragraphs]
    assert texts[texts.index("五、改进措施") + 1 : texts.index("五、改进措施") + 3] == [
        "下一步加强基金监管。",
        "按季度开展绩效监控。",
    ]


def test_downloads_are_files_named_after_the_form(client, demo):
    assert client.login(username="bazhou_shenhe", password="jixiao2026")
    pdf = client.get(reverse("report_pdf", args=[demo.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "attachment" in pdf["Content-Disposition"]
    docx = client.get(reverse("report_docx", args=[demo.pk]))
    assert docx.status_code == 200
    assert Document(BytesIO(b"".join(docx.streaming_content))).paragraphs
