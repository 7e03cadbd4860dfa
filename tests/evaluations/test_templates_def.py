"""二级指标 choices under each 一级 label: the template's own, and for older or variant labels
those the taxonomy maps them onto, offered beside what is typed, which is always kept."""

import json
import re

import pytest
from django.urls import reverse

from evaluations.templates_def import PROJECT_2020, SOCIAL_INSURANCE
from tests.conftest import PASSWORD, make_evaluation

OUTPUT = ("数量指标", "质量指标", "时效指标", "成本指标")
BENEFIT = ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")


@pytest.mark.parametrize(
    ("template", "level1", "expected"),
    [
        (PROJECT_2020, "产出指标", OUTPUT),
        # The 社会保险基金 forms' 项目完成指标 holds 产出 and 效益 second levels (seeds 000, 001).
        (PROJECT_2020, "项目完成指标", OUTPUT + BENEFIT),
        (SOCIAL_INSURANCE, "项目完成", OUTPUT + BENEFIT),
        (SOCIAL_INSURANCE, "产出", OUTPUT),
        (SOCIAL_INSURANCE, "满意度", ("满意度指标", "服务对象满意度指标")),
        (PROJECT_2020, "满意度", ("服务对象满意度指标",)),
        (PROJECT_2020, "自定义指标", ()),
    ],
)
def test_level2_choices_follow_the_template_and_the_taxonomy(template, level1, expected):
    assert template.level2_choices(level1) == expected


def test_edit_page_offers_taxonomy_choices_under_an_older_label_and_keeps_the_typed_one(
    client, cast
):
    ev = make_evaluation(
        cast.preparer,
        cast.year,
        lines=[("满意度", "满意度调查", "参保人员满意度", "≥90%", "95%")],
    )
    client.login(username=cast.preparer.username, password=PASSWORD)
    page = client.get(reverse("evaluation_edit", args=[ev.pk])).content.decode()
    level2 = re.search(r'<input type="text" name="lines-0-level2"[^>]*>', page).group(0)
    assert 'value="满意度调查"' in level2
    list_id = re.search(r'list="([^"]+)"', level2).group(1)
    offered = re.search(rf'<datalist id="{list_id}">(.*?)</datalist>', page).group(1)
    assert re.findall(r'value="([^"]+)"', offered) == ["满意度指标", "服务对象满意度指标"]
    lists = json.loads(re.search(r'id="level2-lists"[^>]*>(.*?)</script>', page, re.S).group(1))
    assert lists["满意度"] == list_id
