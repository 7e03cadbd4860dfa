"""部分退回: the reviewer sends back some sections and lines, each with a comment; the preparer's
edit page opens only those, the save refuses any other change (a crafted POST changes nothing),
and the history shows exactly what changed."""

import re

import pytest
from django.urls import reverse

from evaluations import services
from evaluations.models import Evaluation, ReopenedPart
from tests.conftest import PASSWORD, make_evaluation
from tests.evaluations.helpers import edit_post

Status = Evaluation.Status
LINES = [
    ("项目完成指标", "数量指标", "保障城镇职工基本医疗待遇享受人数", "≥10万人", "128267"),
    ("满意度指标", "满意度指标", "参保人员满意度", "≥90%", "95%"),
    ("效益指标", "社会效益指标", "基金运行情况", "基金运行平稳", "平稳"),
]


@pytest.fixture
def form(cast):
    ev = make_evaluation(cast.preparer, cast.year, lines=LINES)
    Evaluation.objects.filter(pk=ev.pk).update(goal_planned="保障参保人员待遇\n按时拨付")
    return services.evaluation_transition(evaluation_id=ev.pk, user=cast.preparer, action="submit")


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def line(ev, number):
    return list(ev.indicator_lines.all())[number - 1]


def return_from_page(client, cast, ev, parts: dict, action="return", reason="请按标注修改"):
    """The reviewer ticks `parts` ({value: comment}) on the detail page and sends the form back."""
    login(client, cast.reviewer)
    data = {"reason": reason, "version": ev.version, "part": list(parts)}
    data.update({f"part-comment-{k}": v for k, v in parts.items()})
    url = reverse("evaluation_transition", args=[ev.pk, action])
    response = client.post(url, data, follow=True)
    client.logout()
    ev.refresh_from_db()
    return response


def edit_page(client, ev) -> str:
    response = client.get(reverse("evaluation_edit", args=[ev.pk]))
    assert response.status_code == 200
    return response.content.decode()


def save(client, ev, **changes):
    ev.refresh_from_db()
    return client.post(reverse("evaluation_edit", args=[ev.pk]), edit_post(ev, **changes))


def input_tag(page: str, name: str) -> str:
    match = re.search(rf'<(input|textarea|select)[^>]*name="{re.escape(name)}"[^>]*>', page)
    assert match, name
    return match.group(0)


def snapshot(ev):
    ev.refresh_from_db()
    return (
        ev.version,
        ev.project_name,
        ev.goal_planned,
        ev.goal_actual,
        [
            (x.pk, x.order, x.level3, x.target, x.actual)
            for x in ev.indicator_lines.order_by("order", "pk")
        ],
    )


def test_the_reviewer_marks_a_section_and_a_line_with_comments(client, cast, form):
    second = line(form, 2)
    login(client, cast.reviewer)
    page = client.get(reverse("evaluation_detail", args=[form.pk])).content.decode()
    assert "只退回部分内容（可选）" in page
    assert f'value="line-{second.pk}"' in page and 'value="goals"' in page
    response = return_from_page(
        client, cast, form, {"goals": "实际完成情况太简略", f"line-{second.pk}": "附满意度调查报告"}
    )
    assert "已退回填报单位修改。" in response.content.decode()
    assert form.status == Status.RETURNED
    parts = list(ReopenedPart.objects.values_list("section", "line", "line_label", "comment"))
    assert parts == [
        ("goals", None, "", "实际完成情况太简略"),
        ("", second.pk, "第2行“参保人员满意度”", "附满意度调查报告"),
    ]
    assert ReopenedPart.objects.get(section="goals").transition.action == "return"


def test_the_preparers_edit_page_opens_only_the_marked_parts(client, cast, form):
    second = line(form, 2)
    return_from_page(client, cast, form, {"goals": "", f"line-{second.pk}": "附满意度调查报告"})
    login(client, cast.preparer)
    page = edit_page(client, form)

    assert "已部分退回：只有审核人标出的部分可以修改（“绩效目标”、第2行“参保人员满意度”）" in page
    assert "审核意见：附满意度调查报告" in page
    # The marked line and section can be typed in; the rest is read-only or shown as text.
    assert 'type="hidden"' in input_tag(page, "lines-0-actual")
    assert 'type="hidden"' in input_tag(page, "lines-2-target")
    assert 'type="text"' in input_tag(page, "lines-1-actual")
    assert "readonly" not in input_tag(page, "goal_actual")
    assert "readonly" in input_tag(page, "title")
    assert "readonly" in input_tag(page, "project_name")
    assert "readonly" in input_tag(page, "preparer")
    assert "readonly" in input_tag(page, "total__budget")
    # Lines can be neither added, removed nor moved.
    assert 'id="line-add"' not in page and "line-remove" not in page and "line-up" not in page
    assert page.count("未退回，只读") >= 2


def test_a_crafted_post_editing_an_unmarked_line_is_refused_and_changes_nothing(client, cast, form):
    second = line(form, 2)
    return_from_page(client, cast, form, {f"line-{second.pk}": "附调查报告"})
    before = snapshot(form)
    login(client, cast.preparer)
    response = save(client, form, **{"lines-0-actual": "999999", "lines-1-actual": "96%"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "审核人只退回了第2行“参保人员满意度”，其余部分不能修改" in page
    assert "第1行“保障城镇职工基本医疗待遇享受人数”没有退回" in page
    assert "没有保存任何内容" in page
    assert snapshot(form) == before


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"project_name": "改名的项目"}, "“表头”（项目名称）没有退回"),
        ({"title": "另一个表名"}, "“表头”（表名）没有退回"),
        ({"total__actual": "1.00"}, "“资金”（"),
        ({"preparer": "别人"}, "“其他”（"),
        ({"lines-0-level3": "换一个指标"}, "第1行“保障城镇职工基本医疗待遇享受人数”没有退回"),
    ],
)
def test_every_unmarked_part_is_refused_by_name(client, cast, form, change, named):
    return_from_page(client, cast, form, {"goals": "请补充"})
    before = snapshot(form)
    login(client, cast.preparer)
    response = save(client, form, **change)
    assert response.status_code == 409
    assert named in response.content.decode()
    assert snapshot(form) == before


def test_lines_cannot_be_added_removed_or_moved_unless_the_section_is_sent_back(client, cast, form):
    second = line(form, 2)
    return_from_page(client, cast, form, {f"line-{second.pk}": "请核实"})
    before = snapshot(form)
    login(client, cast.preparer)
    crafted = [
        {"lines-0-DELETE": "on"},
        {"lines-0-ORDER": "3", "lines-2-ORDER": "1"},
        {
            "lines-TOTAL_FORMS": "4",
            "lines-3-level3": "新增的指标",
            "lines-3-target": "≥1",
            "lines-3-ORDER": "4",
        },
    ]
    for change in crafted:
        response = save(client, form, **change)
        assert response.status_code == 409
        assert "只有整个“绩效指标”部分被退回时，才能增加、删除指标行或调整顺序" in (
            response.content.decode()
        )
        assert snapshot(form) == before


def test_editing_a_marked_line_works_and_the_resubmission_diff_shows_it(client, cast, form):
    second = line(form, 2)
    return_from_page(client, cast, form, {f"line-{second.pk}": "满意度与调查报告不符"})
    login(client, cast.preparer)
    # What a browser posts back: the untouched textarea of the locked 绩效目标 comes with CRLF.
    response = save(
        client,
        form,
        **{"lines-1-actual": "93.5%", "goal_planned": "保障参保人员待遇\r\n按时拨付"},
    )
    assert response.status_code == 302
    form.refresh_from_db()
    assert line(form, 2).actual == "93.5%"
    assert form.goal_planned == "保障参保人员待遇\n按时拨付"  # the stored text, untouched
    services.evaluation_transition(evaluation_id=form.pk, user=cast.preparer, action="submit")

    login(client, cast.reviewer)
    page = client.get(reverse("evaluation_history", args=[form.pk])).content.decode()
    changes = re.findall(r'<tr><td>([^<]*)</td><td class="diff-old">([^<]*)</td>', page)
    assert changes == [("第2行（参保人员满意度）·实际完成值", "95%")]
    assert "93.5%" in page
    assert "只退回：" in page and "第2行“参保人员满意度”：满意度与调查报告不符" in page


def test_a_return_without_marks_opens_the_whole_form(client, cast, form):
    return_from_page(client, cast, form, {})
    assert not ReopenedPart.objects.exists()
    login(client, cast.preparer)
    page = edit_page(client, form)
    assert "已退回：整张表可以修改。" in page
    assert 'id="line-add"' in page and "line-locked" not in page
    assert "readonly" not in input_tag(page, "project_name")
    response = save(client, form, **{"project_name": "新名称", "lines-0-DELETE": "on"})
    assert response.status_code == 302
    form.refresh_from_db()
    assert form.project_name == "新名称" and form.indicator_lines.count() == 2


def test_sending_back_the_indicator_section_allows_adding_lines(client, cast, form):
    return_from_page(client, cast, form, {"lines": "请增加一个效益指标"})
    login(client, cast.preparer)
    page = edit_page(client, form)
    assert 'id="line-add"' in page and "line-locked" not in page
    response = save(
        client,
        form,
        **{
            "lines-TOTAL_FORMS": "4",
            "lines-3-level1": "效益指标",
            "lines-3-level3": "医保待遇按时足额发放",
            "lines-3-target": "按时足额",
            "lines-3-ORDER": "4",
        },
    )
    assert response.status_code == 302
    assert form.indicator_lines.count() == 4
    response = save(client, form, project_name="不许改")
    assert response.status_code == 409 and "“表头”（项目名称）没有退回" in response.content.decode()


def test_reopening_an_approved_form_can_name_its_lines(client, cast, form):
    services.evaluation_transition(evaluation_id=form.pk, user=cast.reviewer, action="approve")
    form.refresh_from_db()
    third = line(form, 3)
    response = return_from_page(
        client, cast, form, {f"line-{third.pk}": "定性指标请写明依据"}, action="reopen"
    )
    assert "已重新打开，退回填报单位修改。" in response.content.decode()
    assert form.status == Status.RETURNED
    assert ReopenedPart.objects.get().transition.action == "reopen"
    login(client, cast.preparer)
    page = edit_page(client, form)
    assert 'type="text"' in input_tag(page, "lines-2-actual")
    assert 'type="hidden"' in input_tag(page, "lines-0-actual")
    assert save(client, form, **{"lines-2-actual": "基金收支平衡，略有结余"}).status_code == 302
    assert save(client, form, **{"lines-1-actual": "99%"}).status_code == 409
    assert line(form, 3).actual == "基金收支平衡，略有结余" and line(form, 2).actual == "95%"


def test_a_withdrawn_resubmission_keeps_the_parts_of_the_return(client, cast, form):
    """Withdrawing after a partial return does not open the whole form: the scope lasts until the
    reviewer's next 退回 or 重新打开."""
    second = line(form, 2)
    return_from_page(client, cast, form, {f"line-{second.pk}": "请核实"})
    services.evaluation_transition(evaluation_id=form.pk, user=cast.preparer, action="submit")
    services.evaluation_transition(evaluation_id=form.pk, user=cast.preparer, action="withdraw")
    login(client, cast.preparer)
    assert save(client, form, project_name="换名").status_code == 409


def test_a_comment_without_its_tick_is_refused_and_nothing_moves(client, cast, form):
    login(client, cast.reviewer)
    url = reverse("evaluation_transition", args=[form.pk, "return"])
    data = {"reason": "请修改", "version": form.version, "part-comment-goals": "太简略"}
    response = client.post(url, data, follow=True)
    assert "有修改意见没有勾选对应的部分" in response.content.decode()
    form.refresh_from_db()
    assert form.status == Status.SUBMITTED and not ReopenedPart.objects.exists()


@pytest.mark.parametrize(
    ("action", "parts", "message"),
    [
        ("return", [services.PartInput(section="everything")], services.UNKNOWN_PART),
        ("return", [services.PartInput(line_id=987654)], services.LINE_GONE),
        ("approve", [services.PartInput(section="goals")], services.PARTS_ONLY_ON_RETURN),
    ],
)
def test_bad_parts_refuse_the_whole_move(cast, form, action, parts, message):
    with pytest.raises(services.EvaluationError, match=message):
        services.evaluation_transition(
            evaluation_id=form.pk, user=cast.reviewer, action=action, reason="x", parts=parts
        )
    form.refresh_from_db()
    assert form.status == Status.SUBMITTED and not ReopenedPart.objects.exists()


def test_a_line_of_another_form_cannot_be_marked(cast, form):
    other = make_evaluation(cast.preparer, cast.year, project_name="另一张表", lines=LINES[:1])
    foreign = other.indicator_lines.get()
    with pytest.raises(services.EvaluationError, match=services.LINE_GONE):
        services.evaluation_transition(
            evaluation_id=form.pk,
            user=cast.reviewer,
            action="return",
            reason="x",
            parts=[services.PartInput(line_id=foreign.pk)],
        )


def test_a_reviewer_of_another_region_cannot_return_with_parts(client, cast, form):
    login(client, cast.other_reviewer)
    url = reverse("evaluation_transition", args=[form.pk, "return"])
    response = client.post(url, {"reason": "x", "part": ["goals"]})
    assert response.status_code == 404
    login(client, cast.viewer)
    assert client.post(url, {"reason": "x", "part": ["goals"]}).status_code == 403
    form.refresh_from_db()
    assert form.status == Status.SUBMITTED and not ReopenedPart.objects.exists()
