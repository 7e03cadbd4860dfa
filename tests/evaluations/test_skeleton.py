"""A 项目支出 form's edit page shows the lines as the form prints them: in their 一级/二级 groups,
with one empty line for every 二级 that has none (the nine rows of paper), which are not saved
while left empty."""

import re

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD, make_evaluation
from tests.evaluations.helpers import make_project_form


def page(client, user, ev) -> str:
    assert client.login(username=user.username, password=PASSWORD)
    return client.get(reverse("evaluation_edit", args=[ev.pk])).content.decode()


def row_levels(html: str) -> list[tuple[str, str]]:
    html = html.split('<template id="line-template">')[0]  # not the empty row for 添加
    rows = re.findall(r"<tr[^>]*class=\"line-row.*?</tr>", html, re.S)
    out = []
    for row in rows:
        chosen = re.findall(r'name="lines-\d+-level[12]"(?: value="([^"]*)")?', row)
        out.append(tuple(chosen))
    return out


def test_a_new_project_form_starts_from_the_nine_rows_of_paper(client, cast):
    ev = make_evaluation(cast.preparer, cast.year, template="project_2020", project_name="培训")
    levels = row_levels(page(client, cast.preparer, ev))
    assert levels == [
        ("产出指标", "数量指标"),
        ("产出指标", "质量指标"),
        ("产出指标", "时效指标"),
        ("产出指标", "成本指标"),
        ("效益指标", "经济效益指标"),
        ("效益指标", "社会效益指标"),
        ("效益指标", "生态效益指标"),
        ("效益指标", "可持续影响指标"),
        ("满意度指标", "服务对象满意度指标"),
    ]


def test_lines_show_in_their_group_and_empty_groups_keep_a_row(client, cast):
    ev = make_project_form(
        cast,
        [
            ("满意度指标", "服务对象满意度指标", "学员满意度", "≥90%", "95%", "10", None),
            ("产出指标", "数量指标", "培训人次", "≥300人次", "320人次", "20", None),
            ("产出指标", "质量指标", "考核合格率", "≥95%", "97%", "15", None),
            ("产出指标", "数量指标", "培训班次", "≥6期", "6期", "15", None),
        ],
    )
    html = page(client, cast.preparer, ev)
    levels = row_levels(html)
    assert levels[:4] == [
        ("产出指标", "数量指标"),
        ("产出指标", "数量指标"),
        ("产出指标", "质量指标"),
        ("产出指标", "时效指标"),  # empty
    ]
    assert levels[-1] == ("满意度指标", "服务对象满意度指标")
    names = re.findall(r'name="lines-\d+-level3"[^>]*>([^<]*)</textarea>', html)
    assert [n.strip() for n in names if n.strip()] == [
        "培训人次",
        "培训班次",
        "考核合格率",
        "学员满意度",
    ]


def test_saving_the_page_untouched_saves_no_empty_lines(client, cast):
    from tests.evaluations.helpers import edit_post

    ev = make_evaluation(cast.preparer, cast.year, template="project_2020", project_name="培训")
    html = page(client, cast.preparer, ev)
    data = edit_post(ev, competent_dept="疏勒县医疗保障局")
    data["lines-TOTAL_FORMS"] = str(len(row_levels(html)))
    for i, (l1, l2) in enumerate(row_levels(html)):
        data.update({f"lines-{i}-level1": l1, f"lines-{i}-level2": l2, f"lines-{i}-ORDER": i + 1})
    response = client.post(reverse("evaluation_edit", args=[ev.pk]), data)
    assert response.status_code == 302
    assert not ev.indicator_lines.exists()


@pytest.mark.parametrize("template", ["transfer_payment_2019", "social_insurance_fund"])
def test_templates_without_points_keep_the_entered_order(client, cast, template):
    ev = make_evaluation(
        cast.preparer,
        cast.year,
        template=template,
        lines=[
            ("满意度指标", "满意度指标", "参保人员满意度", "≥90%", "95%"),
            ("项目完成指标", "数量指标", "参保人数", "≥10万人", "12万人"),
        ],
    )
    levels = row_levels(page(client, cast.preparer, ev))
    assert [lv[0] for lv in levels] == ["满意度指标", "项目完成指标"]
