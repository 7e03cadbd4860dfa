"""部分退回: every field of a line the reviewer did not send back is refused by name when a crafted
POST changes it — not only 三级指标 and 实际完成值 but 一级/二级, 指标值, 分值, 得分, 得分理由, 偏差原因
and 定性档次 — and nothing is saved."""

import pytest
from django.urls import reverse

from evaluations import services
from tests.conftest import PASSWORD
from tests.evaluations.helpers import edit_post, make_project_form

LINES = [
    # level1, level2, level3, target, actual, weight, percent, deviation
    ("产出指标", "数量指标", "参保人数", "≥10万人", "9万人", "30", "", "外出务工人员增加"),
    ("产出指标", "质量指标", "审核准确率", "≥95%", "98%", "20", ""),
    ("满意度指标", "服务对象满意度指标", "服务质量", "好", "较好", "10", "80"),
    # The template's 效益指标 carries 30 points: a form is only handed in with them filled.
    ("效益指标", "社会效益指标", "政策知晓率", "≥90%", "95%", "30", ""),
]

CHANGES = {
    "level1": "效益指标",
    "level2": "时效指标",
    "level3": "另一个指标",
    "target": "≥20万人",
    "actual": "21万人",
    "weight": "25",
    "score": "5",
    "score_reason": "已说明理由",
    "deviation": "改写的偏差原因",
    "qualitative_percent": "90",
}


@pytest.fixture
def returned(cast):
    ev = make_project_form(cast, LINES)
    lines = list(ev.indicator_lines.order_by("order"))
    lines[0].score, lines[0].score_reason = 20, "受外出务工影响"
    lines[0].save()
    services.evaluation_transition(evaluation_id=ev.pk, user=cast.preparer, action="submit")
    services.evaluation_transition(
        evaluation_id=ev.pk,
        user=cast.reviewer,
        action="return",
        reason="请修改第2行",
        parts=[services.PartInput(line_id=lines[1].pk, comment="请附依据")],
    )
    ev.refresh_from_db()
    return ev


def stored(ev):
    ev.refresh_from_db()
    return ev.version, [
        tuple(getattr(line, name) for name in ("pk", *CHANGES))
        for line in ev.indicator_lines.order_by("order")
    ]


@pytest.mark.parametrize(("row", "line_name"), [(0, "第1行“参保人数”"), (2, "第3行“服务质量”")])
@pytest.mark.parametrize("field", sorted(CHANGES))
def test_a_change_to_any_field_of_a_locked_line_is_refused_by_name(
    client, cast, returned, field, row, line_name
):
    before = stored(returned)
    assert client.login(username="preparer", password=PASSWORD)
    data = edit_post(returned, **{f"lines-{row}-{field}": CHANGES[field]})
    response = client.post(reverse("evaluation_edit", args=[returned.pk]), data)
    page = response.content.decode()
    assert response.status_code == 409, page[:500]
    assert f"{line_name}没有退回" in page
    assert "没有保存任何内容" in page
    assert stored(returned) == before


def test_the_line_sent_back_saves_every_field(client, cast, returned):
    assert client.login(username="preparer", password=PASSWORD)
    data = edit_post(returned, **{"lines-1-actual": "99%", "lines-1-deviation": "口径调整"})
    response = client.post(reverse("evaluation_edit", args=[returned.pk]), data)
    assert response.status_code == 302
    second = returned.indicator_lines.get(order=1)
    assert (second.actual, second.deviation) == ("99%", "口径调整")
