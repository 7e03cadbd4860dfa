"""Typing a real form's indicator table in as the paper words it: 指标性质 and 度量单位 on the
templates that print them, 一级/二级 typed as the form words them and counted as what they mean,
and a form of 500 lines in one save."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from audit.models import AuditEvent
from evaluations import services
from evaluations.exports.layout import build_grid
from evaluations.forms import MAX_LINES
from evaluations.models import Evaluation
from evaluations.scoring import evaluation_score
from evaluations.selectors import form_data, submit_checks, with_lines
from reports.drafting.project import draft_conclusion
from reports.selectors import report_figures
from tests.conftest import PASSWORD, make_evaluation
from tests.evaluations.helpers import edit_post, lines_post, make_project_form, page_post

MEASURED = [("产出指标", "数量指标", "培训人次", "100", "120")]


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def edit_url(ev):
    return reverse("evaluation_edit", args=[ev.pk])


def page_of(response) -> str:
    return html.unescape(response.content.decode())


def loaded(ev) -> Evaluation:
    return with_lines(Evaluation.objects.filter(pk=ev.pk)).get()


def pdf_text(client, ev) -> str:
    response = client.get(reverse("evaluation_pdf", args=[ev.pk]))
    reader = PdfReader(BytesIO(b"".join(response.streaming_content)))
    return re.sub(r"\s", "", "".join(page.extract_text() for page in reader.pages))


def sheet_rows(client, ev) -> list[list[str]]:
    response = client.get(reverse("evaluation_xlsx", args=[ev.pk]))
    sheet = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content))).active
    return [["" if c.value is None else str(c.value) for c in row] for row in sheet.iter_rows()]


# -- 指标性质 and 度量单位 -----------------------------------------------------------------------


def test_nature_and_unit_are_typed_saved_shown_again_and_printed(client, cast):
    ev = make_evaluation(cast.preparer, cast.year, template="project_2020_measured", lines=MEASURED)
    login(client, cast.preparer)
    page = page_of(client.get(edit_url(ev)))
    assert ">指标性质</th>" in page and ">度量单位</th>" in page

    data = edit_post(ev, **{"lines-0-nature": "≥", "lines-0-measure_unit": "人次"})
    response = client.post(edit_url(ev), data, follow=True)
    page = page_of(response)
    assert "已保存。" in page
    line = ev.indicator_lines.get()
    assert (line.nature, line.target, line.measure_unit) == ("≥", "100", "人次")
    assert 'name="lines-0-nature" value="≥"' in page
    assert 'name="lines-0-measure_unit" value="人次"' in page

    # Printed as three cells, as the form has them: ≥ | 100 | 人次.
    assert "培训人次≥100人次120" in pdf_text(client, ev)
    row = next(r for r in sheet_rows(client, ev) if "培训人次" in r)
    cells = [c for c in row if c]
    assert cells[cells.index("培训人次") + 1 :][:4] == ["≥", "100", "人次", "120"]


def test_a_line_is_judged_by_its_nature_value_and_unit_together(client, cast):
    ev = make_evaluation(
        cast.preparer,
        cast.year,
        template="project_2020_measured",
        lines=[("产出指标", "时效指标", "平均办结时间", "5", "3")],
    )
    login(client, cast.preparer)
    page = page_of(client.get(edit_url(ev)))
    assert "未达成" in page and "需说明偏差原因" in page  # 5 alone reads as "at least 5"

    data = edit_post(ev, **{"lines-0-nature": "≤", "lines-0-measure_unit": "天"})
    page = page_of(client.post(edit_url(ev), data, follow=True))
    assert "符合目标≤5日" in page and "需说明偏差原因" not in page
    response = client.get(
        reverse("indicator_judge"), {"nature": "≤", "target": "5", "unit": "天", "actual": "3"}
    )
    assert response.json()["status"] == "met"


def test_a_template_without_those_columns_does_not_offer_them(client, cast):
    ev = make_evaluation(cast.preparer, cast.year, template="project_2020", lines=MEASURED)
    login(client, cast.preparer)
    page = page_of(client.get(edit_url(ev)))
    assert "指标性质" not in page and "度量单位" not in page
    assert re.search(r'<input type="hidden" name="lines-0-nature"', page)
    assert not re.search(r'<input type="text" name="lines-0-(nature|measure_unit)"', page)


def test_a_save_keeps_what_an_import_stored_in_columns_the_template_does_not_print(client, cast):
    ev = make_evaluation(cast.preparer, cast.year, template="project_2020", lines=MEASURED)
    ev.indicator_lines.update(nature="≥", measure_unit="人次")
    login(client, cast.preparer)
    data = page_post(client, ev, goal_actual="完成")  # what the page holds, as a browser posts
    assert client.post(edit_url(ev), data).status_code == 302
    line = ev.indicator_lines.get()
    assert (line.nature, line.measure_unit) == ("≥", "人次")


def test_a_changed_unit_shows_in_the_history_of_changes(client, cast):
    ev = make_evaluation(cast.preparer, cast.year, template="project_2020_measured", lines=MEASURED)
    login(client, cast.preparer)
    client.post(edit_url(ev), edit_post(ev, **{"lines-0-measure_unit": "人"}))
    client.post(edit_url(ev), edit_post(ev, **{"lines-0-measure_unit": "人次"}))
    changes = [
        c["where"] for r in AuditEvent.objects.filter(action="save") for c in r.detail["changes"]
    ]
    assert "第1行（培训人次）·度量单位" in changes


# -- 一级 and 二级 as the form words them ------------------------------------------------------

CANONICAL = [
    ("产出指标", "数量指标", "培训人数", "≥100人", "120人", "50", None),
    ("效益指标", "社会效益指标", "群众知晓率", "≥90%", "81%", "30", None),
    ("满意度指标", "服务对象满意度指标", "参训人员满意度", "≥90%", "96%", "10", None),
]
WORDED = [
    ("产出指标（指标）", "数量指标(20分)", *CANONICAL[0][2:]),
    ("效益指标 ", "社会效益指标（指标）", *CANONICAL[1][2:]),
    ("满意度指标（10分）", "服务对象满意度", *CANONICAL[2][2:]),
]


@pytest.fixture
def pair(cast):
    """The same form twice: its 一级/二级 as the template names them, and as a province words
    them. Both state the weights 50/30/10 (keyed by what they mean, as stored forms are)."""
    canonical = make_project_form(cast, CANONICAL, name="培训（标准名称）")
    worded = make_project_form(cast, WORDED, name="培训（表上原文）")
    worded.level1_weights = canonical.level1_weights
    worded.save(update_fields=["level1_weights"])
    return loaded(canonical), loaded(worded)


def test_the_edit_page_offers_the_names_and_keeps_the_wording(client, cast, pair):
    _, worded = pair
    login(client, cast.preparer)
    page = page_of(client.get(edit_url(worded)))
    level1 = re.search(
        r'<input type="text" name="lines-(\d+)-level1" value="产出指标（指标）"', page
    )
    assert (
        level1 and 'list="level1-names"' in page[level1.start() : page.index(">", level1.start())]
    )
    assert '<datalist id="level1-names"><option value="产出指标"></option>' in page
    # The 二级 of the worded 一级 offers the 二级 of 产出指标.
    tag = re.search(
        r'<input type="text" name="lines-\d+-level2" value="数量指标\(20分\)"[^>]*>', page
    )
    list_id = re.search(r'list="([^"]+)"', tag.group(0)).group(1)
    offered = re.search(rf'<datalist id="{list_id}">(.*?)</datalist>', page).group(1)
    assert re.findall(r'value="([^"]+)"', offered) == [
        "数量指标",
        "质量指标",
        "时效指标",
        "成本指标",
    ]
    # No empty 数量指标 row beside the line worded 数量指标(20分): it fills that place.
    assert 'value="数量指标"' not in page.replace('<option value="数量指标">', "")


def test_a_worded_level2_typed_on_the_page_is_stored_and_printed_as_typed(client, cast, pair):
    canonical, _ = pair
    login(client, cast.preparer)
    data = edit_post(
        canonical, **{"lines-0-level1": "产出指标（指标）", "lines-0-level2": "数量指标 "}
    )
    assert client.post(edit_url(canonical), data).status_code == 302
    line = canonical.indicator_lines.get(level3="培训人数")
    assert (line.level1, line.level2) == ("产出指标（指标）", "数量指标 ")
    text = pdf_text(client, canonical)
    assert "产出指标（指标）数量指标培训人数" in text
    assert "产出指标（50分）" not in text


def test_a_worded_form_scores_like_the_canonical_one(pair):
    canonical, worded = pair
    a, b = evaluation_score(canonical), evaluation_score(worded)
    assert [line.suggested for line in b.lines] == [line.suggested for line in a.lines]
    assert b.suggested_total == a.suggested_total == Decimal("96.00")
    # Each weight counts under its 一级: no "分值合计 … 不一致" for the worded form either.
    assert not [c for c in submit_checks(worded) if "不一致" in c.message]
    assert [c.problem for c in submit_checks(worded)] == [
        c.problem for c in submit_checks(canonical)
    ]


def test_a_worded_form_prints_in_the_template_order_without_empty_rows_for_its_lines(pair):
    canonical, worded = pair

    def level2_cells(ev):
        grid = build_grid(form_data(ev))
        rows = [row for row in grid.rows if row.section == "indicators"]
        return len(rows), [c.text for row in rows for c in row.cells if c.kind == "label"]

    count, labels = level2_cells(worded)
    assert count == level2_cells(canonical)[0]
    assert "数量指标(20分)" in labels and "数量指标" not in labels
    assert labels.index("数量指标(20分)") < labels.index("质量指标")
    assert "服务对象满意度" in labels and "服务对象满意度指标" not in labels


def test_a_worded_form_rolls_up_by_what_its_levels_mean(pair):
    canonical, worded = pair
    texts = [draft_conclusion(report_figures(ev)).text for ev in (canonical, worded)]
    assert "产出指标得分50分（满分50分）" in texts[0]
    assert "效益指标得分27分（满分30分）" in texts[1]
    assert texts[0] == texts[1]


def test_an_unknown_level2_saves_and_is_listed_before_submission(client, cast, pair):
    canonical, _ = pair
    login(client, cast.preparer)
    data = edit_post(canonical, **{"lines-0-level2": "项目产出情况"})
    response = client.post(edit_url(canonical), data, follow=True)
    page = page_of(response)
    assert "已保存。" in page
    assert "二级指标“项目产出情况”对应不到标准的二级指标" in page
    with pytest.raises(services.SubmissionIncomplete):
        services.evaluation_transition(
            evaluation_id=canonical.pk,
            user=cast.preparer,
            action="submit",
            expected_version=Evaluation.objects.get(pk=canonical.pk).version,
        )


# -- a form of 500 lines -----------------------------------------------------------------------


def test_a_form_of_500_measured_lines_saves(client, cast):
    ev = make_evaluation(cast.preparer, cast.year, template="project_2020_measured")
    lines = [
        {
            "level1": "产出指标",
            "level2": "数量指标（指标）",
            "level3": f"第{i}项指标",
            "nature": "≥",
            "target": "100",
            "measure_unit": "人",
            "actual": "120",
            "weight": "0.1",
            "ORDER": i + 1,
        }
        for i in range(MAX_LINES)
    ]
    data = {k: v for k, v in edit_post(ev).items() if not k.startswith("lines-")}
    data.update(lines_post(lines))
    login(client, cast.preparer)
    assert client.post(edit_url(ev), data).status_code == 302
    assert ev.indicator_lines.count() == MAX_LINES
    assert ev.indicator_lines.filter(nature="≥", measure_unit="人").count() == MAX_LINES
