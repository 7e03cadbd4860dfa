"""The status board: rows per unit × required form, totals, filters, sorting, changes since the
last approval, scores, a fixed number of queries, and its Excel export read back."""

import re
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.cache import caches
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from evaluations.models import Evaluation, IndicatorLine
from seasons import board, sample
from seasons.selectors import board_rows
from tests.conftest import PASSWORD, make_evaluation
from tests.evaluations.test_stored_scores import make_form, page_total

from .helpers import COMPLETE, issue, link, move

TODAY = date(2021, 5, 2)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("seasons.views.today", lambda: TODAY)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


@pytest.fixture
def season(cast):
    """The bureau approved its form and then had it reopened and changed; the health commission
    has not started."""
    issue(cast)
    ev = make_evaluation(cast.preparer, cast.year, lines=COMPLETE)
    move(ev, cast.preparer, "submit")
    move(ev, cast.reviewer, "approve")
    move(ev, cast.reviewer, "reopen", reason="请更正参保人数")
    line = ev.indicator_lines.first()
    line.actual = "130000"
    line.deviation = "口径调整"
    line.save()
    return ev


def test_rows_totals_and_changes_since_the_approval(client, cast, season):
    login(client, cast.reviewer)
    response = client.get(reverse("seasons:board"), {"year": 2020})
    assert response.status_code == 200
    rows = {r.unit_name: r for r in response.context["rows"]}
    assert set(rows) == {"疏勒县医疗保障局", "疏勒县卫生健康委员会"}
    bureau, health = rows["疏勒县医疗保障局"], rows["疏勒县卫生健康委员会"]
    assert (bureau.status, bureau.overdue_days) == ("returned", 2)  # 2 May − 30 April
    assert bureau.changes == 2  # 实际完成值 and 偏差原因 of line 1
    assert bureau.approved_at is not None and bureau.submitted_at is not None
    assert (health.status, health.overdue_days) == ("missing", 2)
    assert response.context["totals"] == {
        "due": 2,
        "handed_in": 0,
        "approved": 0,
        "returned": 1,
        "overdue": 2,
    }
    page = response.content.decode()
    assert reverse("evaluation_history", args=[season.pk]) in page
    assert "已逾期 2 天" in page and "未填报" in page


def test_scores_and_grades_where_the_template_scores(cast):
    issue(cast, templates=["project_2020"], units=[cast.bureau])
    make_evaluation(
        cast.preparer,
        cast.year,
        template="project_2020",
        lines=[("产出指标", "数量指标", "参保人数", "≥100人", "100人")],
    )
    IndicatorLine.objects.update(weight=50)
    (row,) = board_rows(cast.reviewer, year=2020, today=TODAY)
    # 50 for the line met in full (50 × 100/100), nothing for 预算执行率 without amounts.
    assert (row.score, row.grade) == (50, "差")


def test_the_boards_scores_are_those_of_the_form_pages(client, cast):
    issue(cast, templates=["project_2020"], units=[cast.bureau])
    submitted, approved, stale = (
        make_form(cast, name) for name in ("医保经办业务培训", "医保政策宣传", "异地就医结算")
    )
    draft = make_form(cast, "医保信息系统运维")
    draft.indicator_lines.filter(level3="培训人数").update(actual="50人")  # 20 × 50/100 = 10
    for ev in (submitted, approved, stale):
        move(ev, cast.preparer, "submit")
    move(approved, cast.reviewer, "approve")
    # Figures stored before the scoring rules changed are not read: its page scores it today.
    Evaluation.objects.filter(pk=stale.pk).update(
        stored_total=Decimal("50.00"), stored_grade="差", stored_rules="0123456789ab"
    )
    login(client, cast.reviewer)
    pages = {}  # 打印的总分 and 等级 as each form's page shows them
    for ev in (submitted, approved, stale, draft):
        total, grade = page_total(client, ev)
        pages[ev.pk] = (Decimal(total), grade)
    assert list(pages.values()) == [(62, "中"), (62, "中"), (62, "中"), (56, "差")]

    response = client.get(reverse("seasons:board"), {"year": 2020, "sort": "score"})
    rows = response.context["rows"]
    assert {r.evaluation_id: (r.score, r.grade) for r in rows} == pages
    assert rows[0].evaluation_id == draft.pk  # the lowest score first
    response = client.get(reverse("seasons:board_xlsx"), {"year": 2020})
    ws = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    names = {ev.project_name: ev.pk for ev in (submitted, approved, stale, draft)}
    exported = {
        names[r[3].value]: (Decimal(str(r[10].value)), r[11].value) for r in ws.iter_rows(min_row=4)
    }
    assert exported == pages


def test_stored_scores_spare_the_board_scoring_the_forms_handed_in(client, cast):
    populate(cast, 12)  # the handed-in forms carry their stored scores, as the service writes
    login(client, cast.reviewer)
    url = reverse("seasons:board")

    def lines_read(**filters) -> bool:
        caches["figures"].clear()
        with CaptureQueriesContext(connection) as queries:
            rows = client.get(url, {"year": 2020, **filters}).context["rows"]
        assert any(r.score is not None for r in rows)
        return any("evaluations_indicatorline" in q["sql"] for q in queries.captured_queries)

    assert not lines_read(status="submitted")
    assert not lines_read(status="approved", sort="score")
    assert lines_read(status="draft")  # a draft is scored over its lines


def test_filters_and_sorting(client, cast, season):
    login(client, cast.reviewer)
    url = reverse("seasons:board")
    only = client.get(url, {"year": 2020, "status": "missing"}).context["rows"]
    assert [r.unit_name for r in only] == ["疏勒县卫生健康委员会"]
    assert client.get(url, {"year": 2020, "template": "project_2020"}).context["rows"] == []
    assert len(client.get(url, {"year": 2020, "overdue": "1"}).context["rows"]) == 2
    up = client.get(url, {"year": 2020, "sort": "status"}).context["rows"]
    down = client.get(url, {"year": 2020, "sort": "status", "dir": "desc"}).context["rows"]
    assert [r.status for r in up] == ["missing", "returned"]
    assert [r.status for r in down] == ["returned", "missing"]
    # The totals stay those of the whole region whatever the filter.
    assert client.get(url, {"year": 2020, "status": "missing"}).context["totals"]["due"] == 2


def test_sub_region_filter_and_scope(client, cast, season):
    login(client, cast.viewer)  # 喀什地区: sees 疏勒县 and 英吉沙县
    url = reverse("seasons:board")
    rows = client.get(url, {"year": 2020, "region": cast.regions.shule.pk}).context["rows"]
    assert len(rows) == 2
    assert (
        client.get(url, {"year": 2020, "region": cast.regions.yingjisha.pk}).context["rows"] == []
    )
    # A region outside the user's scope answers 404; a preparer may not see the board at all.
    login(client, cast.reviewer)
    assert client.get(url, {"region": cast.regions.yingjisha.pk}).status_code == 404
    login(client, cast.other_reviewer)
    assert client.get(url, {"year": 2020}).context["rows"] == []
    login(client, cast.preparer)
    assert client.get(url).status_code == 403
    assert client.get(reverse("seasons:board_xlsx")).status_code == 403


def test_the_viewer_sees_the_board_without_bulk_actions(client, cast, season):
    login(client, cast.viewer)
    page = client.get(reverse("seasons:board"), {"year": 2020}).content.decode()
    assert "疏勒县医疗保障局" in page
    assert 'id="select-all"' not in page and 'name="rows"' not in page
    login(client, cast.reviewer)
    page = client.get(reverse("seasons:board"), {"year": 2020}).content.decode()
    assert 'id="select-all"' in page and page.count('name="rows"') == 2
    assert "<script>" not in page and "/static/js/board.js" in page


def test_the_excel_export_reopens_with_the_boards_rows(client, cast, season):
    # A project name starting with "=" must stay text, never become a formula.
    Evaluation.objects.filter(pk=season.pk).update(project_name="=SUM(A1:A9)")
    login(client, cast.reviewer)
    response = client.get(reverse("seasons:board_xlsx"), {"year": 2020, "sort": "unit"})
    assert response.status_code == 200
    wb = load_workbook(BytesIO(b"".join(response.streaming_content)))
    ws = wb.active
    assert ws["A1"].value == "2020年度自评填报进度"
    assert [ws.cell(row=2, column=c).value for c in range(1, 11)] == [
        "应报",
        2,
        "已报",
        0,
        "已审",
        0,
        "退回",
        1,
        "逾期",
        2,
    ]
    assert ws["B3"].value == "单位" and ws["E3"].value == "状态"
    data = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert [(r[1], r[3], r[4], r[5], r[6], r[9]) for r in data] == [
        # Three changes since the approval: the project's name besides the line's two cells.
        ("疏勒县医疗保障局", "=SUM(A1:A9)", "已退回", "2021-04-30", 2, 3),
        ("疏勒县卫生健康委员会", None, "未填报", "2021-04-30", 2, None),
    ]
    assert ws["D4"].data_type == "s"


def populate(cast, units):
    """`units` sample units under 疏勒县, their states cycling through seasons.sample.STATES."""
    return sample.populate(
        region=cast.regions.shule,
        reviewer=cast.reviewer,
        year=cast.year,
        units=units,
        deadline=date(2021, 4, 30),
    )


def test_the_board_shows_a_hundred_rows_a_page_with_filters_kept_in_the_page_links(client, cast):
    populate(cast, 150)  # 300 rows; 200 of them overdue (not started, drafts, returned)
    login(client, cast.reviewer)
    url = reverse("seasons:board")
    filters = {"year": "2020", "overdue": "1", "sort": "unit", "dir": "desc"}
    everything = board.sort_rows(
        board.filter_rows(board_rows(cast.reviewer, year=2020, today=TODAY), overdue=True),
        "unit",
        descending=True,
    )
    assert len(everything) == 200

    response = client.get(url, filters)
    page = response.content.decode()
    assert [r.key for r in response.context["rows"]] == [r.key for r in everything[:100]]
    assert page.count('name="rows"') == 100
    assert "共 200 行" in page and "第 1 页 共 2 页" in page
    assert link(page, "上一页") is None
    next_link = link(page, "下一页")
    assert next_link.startswith("?")
    assert QueryDict(next_link[1:]).dict() == {**filters, "page": "2"}

    response = client.get(url + next_link)
    page = response.content.decode()
    assert [r.key for r in response.context["rows"]] == [r.key for r in everything[100:]]
    assert "第 2 页 共 2 页" in page and link(page, "下一页") is None
    assert QueryDict(link(page, "上一页")[1:]).dict() == filters  # page 1 needs no number

    # The Excel export has every row the filters choose, not one page of them.
    response = client.get(reverse("seasons:board_xlsx"), filters)
    ws = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    assert ws.max_row - 3 == 200


def test_the_totals_on_top_count_the_whole_task_on_every_page(client, cast):
    populate(cast, 150)
    login(client, cast.reviewer)
    whole = {"due": 300, "handed_in": 100, "approved": 50, "returned": 100, "overdue": 200}
    for number in ("1", "2", "3"):
        response = client.get(reverse("seasons:board"), {"year": 2020, "page": number})
        assert response.context["page_obj"].number == int(number)
        assert response.context["totals"] == whole
        page = response.content.decode()
        assert '<span data-total="due">300</span>' in page
        assert '<span data-total="overdue">200</span>' in page
        assert "共 300 行" in page and f"第 {number} 页 共 3 页" in page


@pytest.mark.parametrize(("asked", "shown"), [("99", 3), ("abc", 1), ("", 1)])
def test_a_page_number_out_of_range_or_not_a_number_shows_the_last_or_first_page(
    client, cast, asked, shown
):
    populate(cast, 150)
    login(client, cast.reviewer)
    response = client.get(reverse("seasons:board"), {"year": 2020, "page": asked})
    assert response.status_code == 200
    assert response.context["page_obj"].number == shown
    assert f"第 {shown} 页 共 3 页" in response.content.decode()


@pytest.mark.parametrize("units", [6, 60])
def test_the_board_takes_a_fixed_number_of_queries(
    client, cast, units, django_assert_max_num_queries
):
    populate(cast, units)  # 12 rows on one page; 120 rows on two
    login(client, cast.reviewer)
    url = reverse("seasons:board")
    # 17, and two for 应报 / 已报 / 逾期 counted as the summaries count them (task_progress).
    with django_assert_max_num_queries(19):
        first = client.get(url, {"year": 2020})
    pages = first.context["page_obj"].paginator.num_pages
    assert pages == (units * 2 + 99) // 100
    with django_assert_max_num_queries(19):
        last = client.get(url, {"year": 2020, "page": pages})
    rows = first.context["rows"] + (last.context["rows"] if pages > 1 else [])
    assert len(rows) == units * 2
    totals = last.context["totals"]
    assert totals["due"] == units * 2
    # STATES cycle over six kinds of unit: 1 in 6 not started, 2 in 6 approved at some point.
    assert totals["approved"] == 2 * (units // 6)
    assert sum(r.changes == 1 for r in rows) == 2 * (units // 6)  # the reopened ones
    with django_assert_max_num_queries(19):
        client.get(reverse("seasons:board_xlsx"), {"year": 2020})
    caches["figures"].clear()  # sorted by score: every row's figures worked out, none cached
    with django_assert_max_num_queries(19):
        by_score = client.get(url, {"year": 2020, "sort": "score", "dir": "desc"})
    assert by_score.context["rows"][0].score is not None


def test_a_saved_change_shows_at_once_despite_the_cached_figures(cast):
    from evaluations import services as evaluation_services

    issue(cast, templates=["project_2020"], units=[cast.bureau])
    ev = make_evaluation(
        cast.preparer,
        cast.year,
        template="project_2020",
        lines=[("产出指标", "数量指标", "参保人数", "≥100人", "100人")],
    )
    IndicatorLine.objects.update(weight=50)
    (row,) = board_rows(cast.reviewer, year=2020, today=TODAY)
    assert row.score == 50
    line = ev.indicator_lines.get()
    evaluation_services.evaluation_save(
        evaluation_id=ev.pk,
        user=cast.preparer,
        expected_version=ev.version,
        fields={},
        funds={},
        lines=[
            evaluation_services.LineInput(
                id=line.pk,
                level1=line.level1,
                level2=line.level2,
                level3=line.level3,
                target=line.target,
                actual="50人",
                weight=line.weight,
            )
        ],
    )
    (row,) = board_rows(cast.reviewer, year=2020, today=TODAY)
    assert row.score == 25  # 50 × 50/100


def test_score_reads_a_dash_for_templates_without_points(client, cast, season):
    """The 2019 转移支付 form has no 分值 or 得分: its 得分 on the board and in the board's Excel
    reads "—", not a blank that looks like a score still missing."""
    login(client, cast.reviewer)
    page = client.get(reverse("seasons:board"), {"year": 2020}).content.decode()
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*疏勒县医疗保障局(?:(?!</tr>).)*</tr>", page, re.S)
    last_cell = re.findall(r"<td[^>]*>(.*?)</td>", row[0], re.S)[-1]
    assert re.sub(r"<[^>]+>", "", last_cell).strip() == "—"
    response = client.get(reverse("seasons:board_xlsx"), {"year": 2020})
    ws = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    scores = [ws.cell(row=r, column=11).value for r in range(4, ws.max_row + 1)]
    assert scores and all(value == "—" for value in scores)
