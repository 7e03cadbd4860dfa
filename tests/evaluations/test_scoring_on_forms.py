"""Scores and judgements on the pages and in the printed grid: the suggested score beside each
line, claimed scores refused without a reason, both shown to the reviewer, 总分 printed, no score
on templates without points, and what must be completed before submission."""

import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from evaluations import scoring, services
from evaluations.exports.layout import build_grid
from evaluations.models import Evaluation
from evaluations.scoring import evaluation_score, submission_problems
from evaluations.selectors import form_data, with_lines
from tests.conftest import PASSWORD, make_evaluation
from tests.evaluations import helpers
from tests.evaluations.helpers import edit_post

D = Decimal

# (level1, level2, level3, target, actual, weight, qualitative percent)
PROJECT_LINES = [
    # 正向: 20 × 80/100 = 16
    ("产出指标", "数量指标", "培训人数", "≥100人", "80人", "20", None),
    # 定性, 90 % chosen in the 100–80 % band: 30 × 0.9 = 27
    ("效益指标", "社会效益指标", "窗口服务水平", "得到提升", "得到提升", "30", "90"),
    # 正向, above the target: 10 × min(95/90, 1) = 10
    ("满意度指标", "服务对象满意度指标", "参保群众满意度", "≥90%", "95%", "10", None),
]
# 预算执行率 10 × 90/100 = 9; total 9 + 16 + 27 + 10 = 62 → 中 (60–80).


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def text_of(response) -> str:
    """The page's visible text, tags dropped and spaces collapsed."""
    page = re.sub(r"<(script|template)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def make_project_form(cast, lines=PROJECT_LINES, *, budget="100", actual="90"):
    return helpers.make_project_form(cast, lines, budget=budget, actual=actual)


def stored(ev) -> Evaluation:
    return with_lines(Evaluation.objects.all()).get(pk=ev.pk)


def edit_url(ev):
    return reverse("evaluation_edit", args=[ev.pk])


def detail_url(ev):
    return reverse("evaluation_detail", args=[ev.pk])


@pytest.fixture
def project(cast):
    return make_project_form(cast)


def test_project_form_page_shows_the_suggested_score_of_each_line_and_the_total(
    client, cast, project
):
    page = login(client, cast.preparer).get(edit_url(project))
    text = text_of(page)

    # The page also shows an empty row for each unused 二级 (as printed); they score nothing.
    suggested = [line.suggested for line in page.context["score"].lines if line.name]
    assert suggested == [D("16.00"), D("27.00"), D("10.00")]
    assert "建议 16 " in text and "建议 27 " in text and "建议 10 " in text
    assert "建议得分 9 " in text  # 预算执行率: 10 × 90/100
    assert "建议总分 62 （ 中 ）" in text
    # The qualitative line offers the band choice with its 90 % selected; the others do not.
    # three lines + six empty 二级 rows + #line-template
    assert page.content.decode().count('data-role="band"') == 10
    assert re.search(
        r'<div class="band mb-1">\s*<select[^>]*>.*?value="90" selected',
        page.content.decode(),
        re.S,
    )


def test_each_line_shows_its_judgement_and_a_note_where_a_reason_will_be_due(client, cast, project):
    response = login(client, cast.preparer).get(edit_url(project))
    text = text_of(response)
    # Scored 16 of 20: the badge follows the score (部分达成); the words still say why.
    assert "部分达成 实际完成80人，未达到目标≥100人（完成率80.00%），需说明偏差原因。" in text
    assert "达成 实际完成情况“得到提升”与目标“得到提升”一致。" in text
    # Only the 培训人数 line is highlighted with the note shown (the others hold it hidden).
    page = response.content.decode()
    assert page.count('class="line-row needs-reason"') == 1
    assert page.count(f'<p class="reason-note small mb-0">{scoring.REASON_NOTE}') == 1


def test_choosing_a_completion_share_scores_the_qualitative_line(client, cast, project):
    login(client, cast.preparer)
    response = client.post(
        edit_url(project), edit_post(stored(project), **{"lines-1-qualitative_percent": "70"})
    )
    assert response.status_code == 302
    line = project.indicator_lines.get(order=1)
    assert line.qualitative_percent == D(70)
    # 30 × 0.70 = 21, in the 80–60 % band.
    assert evaluation_score(stored(project)).lines[1].suggested == D("21.00")


def test_a_claim_without_a_reason_is_saved_listed_and_refused_at_submission(client, cast, project):
    login(client, cast.preparer)
    data = edit_post(stored(project), goal_actual="全年培训80人", **{"lines-0-score": "18"})
    response = client.post(edit_url(project), data, follow=True)

    text = text_of(response)
    assert "已保存。" in text
    item = (
        "产出指标/数量指标 · 第1行 培训人数：自评得分18分与建议得分16分不同，请填写自评得分理由。"
    )
    assert item in text
    project.refresh_from_db()
    assert project.version == 2 and project.goal_actual == "全年培训80人"
    assert project.indicator_lines.get(order=0).score == D(18)
    project.indicator_lines.filter(order=0).update(deviation="两期培训合并")
    with pytest.raises(services.SubmissionIncomplete) as refused:
        services.evaluation_transition(
            evaluation_id=project.pk, user=cast.preparer, action="submit"
        )
    assert refused.value.problems == [item]


def test_a_claim_with_a_reason_is_stored_and_the_reviewer_sees_both_scores(client, cast, project):
    login(client, cast.preparer)
    reason = "另培训乡镇经办人员20人，计划外完成"
    data = edit_post(stored(project), **{"lines-0-score": "18", "lines-0-score_reason": reason})
    assert client.post(edit_url(project), data).status_code == 302
    line = project.indicator_lines.get(order=0)
    assert (line.score, line.score_reason) == (D(18), reason)

    page = login(client, cast.reviewer).get(detail_url(project))
    text = text_of(page)
    # The judgement table: 分值 20, 建议得分 16, 自评得分 18 and why.
    assert f"20 16 18 {reason}" in text
    # Printed: the claimed 18 replaces the suggestion; 9 + 18 + 27 + 10 = 64 (中).
    assert "建议总分 62 （中） · 打印的总分 64 （中）" in text
    total_row = next(r for r in page.context["grid"].rows if r.section == "total")
    # 满分: the weights the form states (10 + 20 + 30 + 10).
    assert [c.text for c in total_row.cells][:3] == ["总分", "70", "64"]


def test_a_claim_equal_to_the_suggestion_needs_no_reason(client, cast, project):
    login(client, cast.preparer)
    data = edit_post(stored(project), **{"lines-0-score": "16.00"})
    assert client.post(edit_url(project), data).status_code == 302


def test_a_claim_above_the_weight_is_saved_and_listed(client, cast, project):
    login(client, cast.preparer)
    data = edit_post(stored(project), **{"lines-0-score": "25", "lines-0-score_reason": "x"})
    response = client.post(edit_url(project), data, follow=True)
    assert "产出指标/数量指标 · 第1行 培训人数：自评得分25分超过分值20分。" in text_of(response)
    assert project.indicator_lines.get(order=0).score == D(25)


def test_budget_score_is_ten_times_the_execution_rate(client, cast):
    # 10 × 661.11 / 6699 = 0.98688… → 0.99 (seed 004's 医疗服务与保障能力提升补助资金 amounts).
    ev = make_project_form(cast, budget="6699", actual="661.11")
    score = evaluation_score(stored(ev))
    assert score.budget_suggested == D("0.99")
    assert score.budget_rate == D("0.0987")
    text = text_of(login(client, cast.preparer).get(edit_url(ev)))
    assert "建议得分 0.99" in text
    assert "预算执行率=661.11/6699=9.87%，得分=10×执行率=0.99。" in text


def test_a_budget_claim_without_a_reason_is_saved_and_listed(client, cast, project):
    login(client, cast.preparer)
    data = edit_post(stored(project), budget_score="10")
    response = client.post(edit_url(project), data, follow=True)
    assert "预算执行率：自评得分10分与建议得分9分不同，请填写自评得分理由。" in text_of(response)
    assert 'href="#id_budget_score_reason"' in response.content.decode()
    project.refresh_from_db()
    assert project.budget_score == D(10) and project.version == 2

    data = edit_post(stored(project), budget_score="10", budget_score_reason="年底追加资金已拨付")
    assert client.post(edit_url(project), data).status_code == 302
    project.refresh_from_db()
    assert project.budget_score == D(10)
    assert form_data(stored(project)).budget_score == D(10)


def test_a_social_insurance_form_shows_judgements_but_no_score(client, cast):
    ev = make_evaluation(
        cast.preparer,
        cast.year,
        lines=[
            ("项目完成指标", "数量指标", "保障城镇职工基本医疗待遇享受人数", "≥10万人", "128267")
        ],
    )
    login(client, cast.preparer)
    for url in (edit_url(ev), detail_url(ev)):
        response = client.get(url)
        page = response.content.decode()
        assert not response.context["score"].scored
        assert "建议总分" not in page and "建议得分" not in page and "自评得分" not in page
        assert 'class="suggested"' not in page and 'name="budget_score"' not in page
        assert "达成" in text_of(response)
    data = form_data(stored(ev))
    assert data.total_score is None and data.lines[0].score is None


def test_form_data_gives_the_total_for_the_printed_grid(cast, project):
    data = form_data(stored(project))
    assert data.budget_score == D("9.00")
    assert [line.score for line in data.lines] == [D("16.00"), D("27.00"), D("10.00")]
    assert data.total_score == D("62.00")
    total_row = next(r for r in build_grid(data).rows if r.section == "total")
    assert [c.text for c in total_row.cells][:3] == ["总分", "70", "62"]


def test_form_data_needs_no_query_once_the_lines_are_loaded(
    cast, project, django_assert_num_queries
):
    ev = stored(project)
    with django_assert_num_queries(0):
        form_data(ev)


def test_the_judge_endpoint_answers_the_badge_of_a_line_as_typed(client, cast):
    login(client, cast.preparer)
    url = reverse("indicator_judge")
    data = client.get(url, {"target": "≥95%", "actual": "266%", "weight": "10"}).json()
    assert data["status"] == "met" and data["label"] == "达成"
    assert data["overshoot"] and data["needs_reason"]
    assert data["suggested"] == "10" and not data["needs_person"]

    data = client.get(url, {"target": "得到提升", "actual": "得到提升", "weight": "30"}).json()
    assert data["needs_person"] and data["suggested"] is None
    data = client.get(
        url, {"target": "得到提升", "actual": "得到提升", "weight": "30", "percent": "90"}
    ).json()
    assert data["suggested"] == "27"


def test_the_judge_endpoint_requires_login(client):
    response = client.get(reverse("indicator_judge"), {"target": "≥1", "actual": "1"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# -- submission_problems ------------------------------------------------------------------------


def test_a_not_met_line_without_a_reason_is_a_submission_problem(cast, project):
    problems = submission_problems(stored(project))
    assert problems == [
        "产出指标/数量指标 · 第1行 培训人数：实际完成80人，未达到目标≥100人（完成率80.00%），"
        "需说明偏差原因。"
        "请在“偏差原因分析及改进措施”栏填写。"
    ]
    project.indicator_lines.filter(order=0).update(deviation="两期培训因疫情合并为一期")
    assert submission_problems(stored(project)) == []


def test_an_overshoot_needs_a_reason_in_the_forms_deviation_block(cast):
    # Seed 001: ≥95% vs 266% is met but more than half above the target (266/95 = 280%).
    ev = make_evaluation(
        cast.preparer,
        cast.year,
        lines=[
            ("项目完成指标", "数量指标", "城镇职工基本医疗保险基金支出预算完成", "≥95%", "266%")
        ],
    )
    problems = submission_problems(stored(ev))
    assert len(problems) == 1
    assert problems[0].startswith(
        "项目完成指标/数量指标 · 第1行 城镇职工基本医疗保险基金支出预算完成："
    )
    assert "超出一半以上" in problems[0] and "请在“偏差原因”栏填写。" in problems[0]

    Evaluation.objects.filter(pk=ev.pk).update(deviation_reason="上解地区调剂金计入支出")
    assert submission_problems(stored(ev)) == []


def test_a_complete_form_has_no_submission_problems(cast):
    ev = make_evaluation(
        cast.preparer,
        cast.year,
        lines=[
            ("项目完成指标", "数量指标", "保障城镇职工基本医疗待遇享受人数", "≥10万人", "128267"),
            ("满意度指标", "满意度指标", "参保人员满意度", "≥90%", "95%"),
        ],
    )
    assert submission_problems(stored(ev)) == []


def test_missing_head_cells_targets_lines_and_scores_are_named(cast):
    ev = make_project_form(
        cast,
        [
            ("产出指标", "数量指标", "培训人数", "", "80人", "20", None),
            ("效益指标", "社会效益指标", "窗口服务水平", "得到提升", "得到提升", "30", None),
        ],
    )
    ev.header["competent_dept"] = " "
    ev.save(update_fields=["header"])
    assert submission_problems(stored(ev)) == [
        "主管部门：请填写表头“主管部门”。",
        "产出指标/数量指标 · 第1行 培训人数：请填写年度指标值。",
        "效益指标/社会效益指标 · 第1行 窗口服务水平：该行需人工确定得分，"
        "请选择定性指标完成比例，或填写自评得分及理由。",
        # The template's 满意度指标 (10) has no line here.
        "满意度指标分值：各三级指标分值合计0分，与一级指标分值10分不一致。",
    ]

    empty = make_evaluation(cast.preparer, cast.year, project_name="空表")
    assert submission_problems(stored(empty)) == ["绩效指标：请至少填写一行绩效指标。"]


def test_a_stored_claim_without_a_reason_is_a_submission_problem(cast, project):
    project.indicator_lines.filter(order=2).update(score=D(8))
    assert submission_problems(stored(project))[-1] == (
        "满意度指标/服务对象满意度指标 · 第1行 参保群众满意度："
        "自评得分8分与建议得分10分不同，请填写自评得分理由。"
    )
