"""The edit page: everything typed is stored verbatim, bad input changes nothing, stale saves
import html
are refused, and only the unit's own preparers may edit."""

import html
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from evaluations import services
from evaluations.models import Evaluation, IndicatorLine
from tests.conftest import PASSWORD, make_evaluation, seed_forms
from tests.evaluations.helpers import edit_post, lines_post, seed_post

LINES = [
    ("项目完成指标", "数量指标", "保障城镇职工基本医疗待遇享受人数", "≥10万人", "128267"),
    ("项目完成指标", "时效指标", "按时报送季报数据", "每季度结束后的, 15日内", "按时报送"),
    ("满意度指标", "满意度指标", "参保人员满意度", "≥90%", "95%"),
]


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def edit_url(ev):
    return reverse("evaluation_edit", args=[ev.pk])


@pytest.fixture
def form(cast):
    return make_evaluation(cast.preparer, cast.year, lines=LINES)


@pytest.mark.parametrize("seed", seed_forms(), ids=lambda s: s["project_name"])
def test_every_seed_form_reentered_through_the_edit_page_reads_back_unchanged(client, cast, seed):
    ev = make_evaluation(cast.preparer, cast.year, template=seed["template"], project_name="草稿")
    login(client, cast.preparer)

    response = client.post(edit_url(ev), seed_post(ev, seed))
    assert response.status_code == 302, response.content.decode()[:2000]

    ev = Evaluation.objects.get(pk=ev.pk)
    assert ev.project_name == seed["project_name"]
    assert ev.title == seed["title"]
    assert ev.goal_planned == seed["goal_planned"]
    assert ev.goal_actual == seed["goal_actual"]
    assert ev.deviation_reason == seed["deviation_reason"]
    t = ev.template_def
    if "budget_unit" in {f.key for f in t.header_fields}:
        assert ev.header["budget_unit"] == seed["budget_unit"]
        assert ev.header_label("budget_unit") == seed["budget_unit_label"]
    if "principal_and_phone" in ev.header:
        assert ev.header["principal_and_phone"] == seed["principal_and_phone"]
    stored = [
        (line.level1, line.level2, line.level3, line.target, line.actual)
        for line in ev.indicator_lines.order_by("order")
    ]
    assert stored == [
        (s["level1"], s["level2"], s["level3"], s["target"], s["actual"])
        for s in seed["indicators"]
    ]
    funds = {f.row_key: f for f in ev.fund_lines.all()}
    from evaluations.demo import FUND_ROW_ALIASES

    for fund in seed["funds"]:
        line = funds[FUND_ROW_ALIASES.get(fund["row"], fund["row"])]
        for key in ("budget", "actual"):
            expected = Decimal(fund[key]) if fund[key] else None
            assert getattr(line, key) == expected

    # And the page shows it again exactly as typed.
    page = client.get(edit_url(ev)).content.decode()
    for s in seed["indicators"]:
        assert html.escape(s["target"], quote=False) in page


def test_saving_raises_the_version_and_records_who_saved(client, cast, form):
    login(client, cast.preparer)
    client.post(edit_url(form), edit_post(form, goal_actual="全部完成"))
    form.refresh_from_db()
    assert form.version == 2
    assert form.goal_actual == "全部完成"
    assert form.updated_by == cast.preparer


def test_invalid_amount_changes_nothing_and_keeps_what_was_typed(client, cast, form):
    login(client, cast.preparer)
    data = edit_post(form, total__budget="12.34567", goal_actual="新写的完成情况")
    response = client.post(edit_url(form), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert "金额最多保留四位小数。" in page
    assert "新写的完成情况" in page  # the rest of what the user typed is still on the page
    assert 'value="12.34567"' in page
    form.refresh_from_db()
    assert form.goal_actual == "" and form.version == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [("-5", "金额不能为负数。"), ("十万", "请输入数字（单位：万元），例如 11431.62。")],
)
def test_amount_must_be_a_non_negative_number(client, cast, form, typed, message):
    login(client, cast.preparer)
    response = client.post(edit_url(form), edit_post(form, total__actual=typed))
    assert message in response.content.decode()
    assert form.fund_lines.get(row_key="total").actual is None


def test_amounts_accept_thousands_separators_and_full_width_digits(client, cast, form):
    login(client, cast.preparer)
    client.post(
        edit_url(form), edit_post(form, total__budget="11,431.62", total__actual="３０４０５．８１")
    )
    total = form.fund_lines.get(row_key="total")
    assert total.budget == Decimal("11431.62")
    assert total.actual == Decimal("30405.81")


def test_a_line_without_level3_or_target_is_saved_and_listed_before_submission(client, cast, form):
    login(client, cast.preparer)
    data = edit_post(form)
    data["lines-1-level3"] = ""
    data["lines-2-target"] = "  "
    response = client.post(edit_url(form), data, follow=True)
    page = html.unescape(response.content.decode())
    assert response.status_code == 200 and "已保存。" in page
    assert form.indicator_lines.get(order=1).level3 == ""
    assert "提交前需处理（2 项）" in page
    assert "项目完成指标/时效指标 · 第1行：请填写三级指标。" in page
    assert "满意度指标/满意度指标 · 第1行 参保人员满意度：请填写预期指标值。" in page
    line = form.indicator_lines.get(order=2)
    assert f'href="#line-{line.pk}"' in page and f'id="line-{line.pk}"' in page


def test_an_empty_required_head_cell_is_saved_and_listed(client, cast, form):
    login(client, cast.preparer)
    response = client.post(edit_url(form), edit_post(form, project_name=""), follow=True)
    page = html.unescape(response.content.decode())
    assert "请填写表头“项目名称”。" in page and 'href="#id_project_name"' in page
    form.refresh_from_db()
    assert form.project_name == ""
    with pytest.raises(services.SubmissionIncomplete) as refused:
        services.evaluation_transition(evaluation_id=form.pk, user=cast.preparer, action="submit")
    assert "项目名称：请填写表头“项目名称”。" in refused.value.problems


def test_lines_are_added_removed_and_reordered(client, cast, form):
    login(client, cast.preparer)
    ids = list(form.indicator_lines.order_by("order").values_list("pk", flat=True))
    data = edit_post(form)
    # Move the last line first, delete the middle one, add a new one at the end.
    data.update(
        lines_post(
            [
                {
                    "id": ids[0],
                    "level1": "项目完成指标",
                    "level2": "数量指标",
                    "level3": LINES[0][2],
                    "target": "≥10万人",
                    "actual": "128267",
                    "ORDER": 2,
                },
                {
                    "id": ids[1],
                    "level1": "项目完成指标",
                    "level2": "时效指标",
                    "level3": LINES[1][2],
                    "target": LINES[1][3],
                    "ORDER": 3,
                    "DELETE": True,
                },
                {
                    "id": ids[2],
                    "level1": "满意度指标",
                    "level2": "满意度指标",
                    "level3": LINES[2][2],
                    "target": "≥90%",
                    "actual": "95%",
                    "ORDER": 1,
                },
                {
                    "level1": "项目完成指标",
                    "level2": "成本指标",
                    "level3": "城镇职工单位缴费费率",
                    "target": "≥6.8%",
                    "actual": "6.80%",
                    "ORDER": 4,
                },
                {"level1": "", "level2": "", "level3": "", "target": "", "ORDER": 5},  # left empty
            ]
        )
    )
    assert client.post(edit_url(form), data).status_code == 302
    lines = list(form.indicator_lines.order_by("order"))
    assert [line.level3 for line in lines] == [LINES[2][2], LINES[0][2], "城镇职工单位缴费费率"]
    assert [line.pk for line in lines[:2]] == [ids[2], ids[0]]  # kept lines keep their identity
    assert not IndicatorLine.objects.filter(pk=ids[1]).exists()


def test_a_line_id_of_another_form_is_never_touched(client, cast, form):
    other = make_evaluation(cast.other_preparer, cast.year, lines=LINES[:1])
    foreign = other.indicator_lines.get()
    login(client, cast.preparer)
    data = edit_post(form)
    data["lines-0-id"] = str(foreign.pk)
    client.post(edit_url(form), data)
    foreign.refresh_from_db()
    assert foreign.evaluation_id == other.pk
    assert foreign.level3 == LINES[0][2]


def test_a_save_over_a_newer_version_is_refused_and_names_who_saved(client, cast, form):
    stale = edit_post(form, goal_actual="我的版本")
    login(client, cast.colleague)
    client.post(edit_url(form), edit_post(form, goal_actual="同事的版本"))

    login(client, cast.preparer)
    response = client.post(edit_url(form), stale)

    assert response.status_code == 409
    page = response.content.decode()
    assert "王建国" in page and "保存未成功" in page
    assert "我的版本" in page  # what the user typed is still on the page
    form.refresh_from_db()
    assert form.goal_actual == "同事的版本"
    assert form.version == 2


@pytest.mark.parametrize("status", [Evaluation.Status.SUBMITTED, Evaluation.Status.APPROVED])
def test_a_form_out_of_draft_cannot_be_changed_by_a_crafted_post(client, cast, form, status):
    Evaluation.objects.filter(pk=form.pk).update(status=status)
    form.refresh_from_db()
    login(client, cast.preparer)
    response = client.post(edit_url(form), edit_post(form, goal_actual="偷偷修改"))
    # Refused with the reason; what was typed comes back on the page, nothing is stored.
    assert response.status_code == 409
    page = response.content.decode()
    assert services.NOT_EDITABLE.format(status=form.get_status_display()) in page
    assert "偷偷修改" in page
    form.refresh_from_db()
    assert form.goal_actual == ""


def test_service_refuses_an_approved_form(cast, form):
    Evaluation.objects.filter(pk=form.pk).update(status=Evaluation.Status.APPROVED)
    with pytest.raises(services.EvaluationError, match="已审核"):
        services.evaluation_save(
            evaluation_id=form.pk,
            user=cast.preparer,
            expected_version=1,
            fields={"goal_actual": "x"},
            funds={},
            lines=[],
        )
    assert form.indicator_lines.count() == 3


def test_a_closed_year_is_read_only(client, cast, form):
    cast.year.closed = True
    cast.year.save()
    login(client, cast.preparer)
    response = client.post(edit_url(form), edit_post(form, goal_actual="x"), follow=True)
    assert "2020年度已关闭" in response.content.decode()
    form.refresh_from_db()
    assert form.goal_actual == ""


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("other_preparer", 404),
        ("far_preparer", 404),
        ("other_reviewer", 404),
        ("reviewer", 403),
        ("viewer", 403),
    ],
)
def test_only_the_units_preparers_may_open_the_edit_page(client, cast, form, who, status):
    login(client, getattr(cast, who))
    assert client.get(edit_url(form)).status_code == status
    assert client.post(edit_url(form), edit_post(form, goal_actual="x")).status_code == status
    form.refresh_from_db()
    assert form.goal_actual == ""


def test_anonymous_users_are_sent_to_login(client, form):
    response = client.get(edit_url(form))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_edit_page_runs_a_fixed_number_of_queries(client, cast, django_assert_max_num_queries):
    login(client, cast.preparer)
    small = make_evaluation(cast.preparer, cast.year, project_name="五行", lines=LINES[:1] * 5)
    big = make_evaluation(cast.preparer, cast.year, project_name="三十行", lines=LINES[:1] * 30)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # A first page view fills per-process caches (the season's task lookup, the session); the
    # count that matters is the steady one.
    assert client.get(edit_url(small)).status_code == 200
    with CaptureQueriesContext(connection) as few:
        assert client.get(edit_url(small)).status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert client.get(edit_url(big)).status_code == 200
    assert len(many) == len(few)
    # Form, lines, funds, 基础数据, attachments, the latest return's parts, the task deadline…
    with django_assert_max_num_queries(14):
        client.get(edit_url(big))


def test_preparer_name_defaults_from_the_account(cast):
    ev = make_evaluation(cast.preparer, cast.year, project_name="新表")
    assert ev.preparer == "阿依古丽"
    assert get_user_model().objects.get(username="preparer").membership.unit == ev.unit
