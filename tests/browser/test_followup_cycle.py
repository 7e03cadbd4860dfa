"""The year's cycle after approval, in a browser: finance draws a sample and re-scores a form,
issues 整改, the unit answers with evidence, finance accepts, produces the 结果应用建议表, and the
unit downloads its 公开 package; every workbook and PDF is read back."""

from io import BytesIO

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from followup.models import RectificationItem, Review
from tests.browser.conftest import log_in
from tests.browser.test_review_story import log_out
from tests.conftest import PASSWORD
from tests.evaluations.helpers import make_project_form
from tests.evaluations.test_attachments import pdf_bytes
from tests.followup.conftest import LINES, approve

pytestmark = pytest.mark.browser


def fetch(page, link_name):
    href = page.get_by_role("link", name=link_name, exact=True).first.get_attribute("href")
    response = page.context.request.get(href)
    assert response.ok, response.status
    return response.body()


def pdf_text(data: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(BytesIO(data)).pages).replace(" ", "")


def test_sample_rescore_rectify_apply_and_publish(page, cast, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    approve(cast, make_project_form(cast, LINES, name="医保经办业务培训"))

    # Finance draws a random sample with a seed it chooses.
    log_in(page, cast.reviewer.username, PASSWORD)
    page.goto("/followup/")
    page.get_by_label("抽取方式").select_option(label="随机抽取")
    page.get_by_label("抽取数量（分层：每单位）").fill("1")
    page.get_by_label("随机种子（留空自动生成）").fill("2021-kashi")
    page.get_by_role("button", name="抽取").click()
    assert page.get_by_text("已抽取1张自评表。").is_visible()
    assert page.get_by_text("2021-kashi").is_visible()

    # … and re-scores it line by line beside the self-score.
    page.get_by_role("link", name="医保经办业务培训").click()
    page.get_by_label("预算执行率复核得分").fill("9")
    page.get_by_label("第1行复核得分").fill("12")
    page.get_by_label("第1行差异理由").fill("签到表只有60人")
    page.get_by_label("第2行复核得分").fill("27")
    page.get_by_label("第3行复核得分").fill("10")
    page.get_by_label("复核结论").fill("培训人数偏高，其余属实。")
    page.get_by_role("button", name="完成复核").click()
    assert page.get_by_text("复核已完成。").is_visible()
    assert Review.objects.get().review_total == 58

    # From the 复核, finance issues a 整改 item with a deadline.
    page.get_by_label("整改要求1").fill("补充培训签到表并说明人数差异")
    page.get_by_label("期限1").fill("2021-09-30")
    page.get_by_role("button", name="下达整改").click()
    assert page.get_by_text("整改要求已下达。").is_visible()
    log_out(page)

    # The unit answers with text and evidence.
    log_in(page, cast.preparer.username, PASSWORD)
    page.goto("/followup/")
    page.get_by_role("link", name="医保经办业务培训").click()
    page.get_by_label("整改情况").fill("已补充签到表，实到60人，另40人线上参训。")
    evidence = tmp_path / "签到表.pdf"
    evidence.write_bytes(pdf_bytes())
    page.get_by_label("证明材料").set_input_files(str(evidence))
    page.get_by_role("button", name="提交整改情况").click()
    assert page.get_by_text("整改情况已提交。").is_visible()
    assert page.get_by_role("link", name="签到表.pdf").is_visible()
    log_out(page)

    # Finance accepts the answer and produces the 结果应用建议表.
    log_in(page, cast.reviewer.username, PASSWORD)
    page.goto("/followup/")
    page.get_by_role("link", name="医保经办业务培训").click()
    page.get_by_role("button", name="验收").click()
    assert RectificationItem.objects.get().status == RectificationItem.Status.ACCEPTED
    page.get_by_role("link", name="结果应用").click()
    page.get_by_role("button", name="查看").click()
    workbook = load_workbook(BytesIO(fetch(page, "Excel"))).active
    row = next(r for r in workbook.iter_rows(min_row=3, values_only=True) if r[2])
    assert row[2:6] == ("医保经办业务培训", 100, 58, "差")
    assert "复核得分58分" in row[7]
    assert "绩效评价结果应用建议表" in pdf_text(fetch(page, "PDF"))
    log_out(page)

    # The unit downloads its 公开 package, phone numbers left out.
    log_in(page, cast.preparer.username, PASSWORD)
    page.goto("/followup/disclosure/")
    page.get_by_label("不公开个人电话号码").check()
    page.get_by_role("button", name="生成").click()
    text = pdf_text(fetch(page, "PDF"))
    assert "自评结果公开汇总表" in text and "医保经办业务培训" in text
    assert "13912345678" not in text
    book = load_workbook(BytesIO(fetch(page, "Excel")))
    assert book.sheetnames[0] == "自评结果公开汇总表"
    assert book.worksheets[0]["B3"].value == "医保经办业务培训"
