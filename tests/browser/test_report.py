"""A preparer opens the report of a form from its page, edits one section, saves, and downloads
the report as PDF and as Word file."""

from io import BytesIO

import pytest
from docx import Document
from pypdf import PdfReader

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, make_evaluation

pytestmark = pytest.mark.browser

LINES = [
    ("项目完成指标", "数量指标", "保障城镇职工基本医疗待遇享受人数", "≥10万人", "128267"),
    ("满意度指标", "满意度指标", "城镇职工医疗保险待遇享受人员满意度", "≥90%", "95%"),
]


def test_preparer_edits_a_section_saves_and_downloads_pdf_and_docx(page, cast):
    ev = make_evaluation(
        cast.preparer,
        cast.year,
        lines=LINES,
        funds={"total": {"budget": "11431.62", "actual": "30405.81"}},
    )
    log_in(page, cast.preparer.username, PASSWORD)
    page.goto(f"/evaluations/{ev.pk}/")
    page.get_by_role("link", name="自评报告", exact=True).first.click()
    page.wait_for_url(f"**/evaluations/{ev.pk}/report/")

    # Drafted from the stored figures: 30405.81 / 11431.62 = 265.98%.
    basic = page.get_by_role("textbox", name="一、基本情况")
    assert "执行数30405.81万元，执行率265.98%" in basic.input_value()

    section = page.get_by_role("textbox", name="五、改进措施")
    section.fill("一是加强基金预算编制；\n二是按季度开展绩效运行监控。")
    page.get_by_role("button", name="保存报告").click()
    page.wait_for_url(f"**/evaluations/{ev.pk}/report/")
    assert page.get_by_text("自评报告已保存。").is_visible()
    page.reload()
    assert page.get_by_role("textbox", name="五、改进措施").input_value() == (
        "一是加强基金预算编制；\n二是按季度开展绩效运行监控。"
    )

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="下载报告（PDF）").click()
    pdf = PdfReader(pdf_download.value.path())
    text = "".join(p.extract_text() for p in pdf.pages).replace("\n", "")
    assert "二是按季度开展绩效运行监控。" in text
    assert "社会保险基金支出绩效自评表" in text  # the form, appended as 附件
    assert pdf_download.value.suggested_filename.endswith("_自评报告.pdf")

    with page.expect_download() as docx_download:
        page.get_by_role("link", name="下载报告（Word）").click()
    with open(docx_download.value.path(), "rb") as fh:
        doc = Document(BytesIO(fh.read()))
    texts = [p.text for p in doc.paragraphs]
    assert "一是加强基金预算编制；" in texts and "五、改进措施" in texts
