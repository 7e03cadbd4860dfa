"""The units' stored figures: a summary read from them shows what the forms beneath show, and
every move through the services keeps them so in the same transaction.

The region is conftest's (疏勒县 and 英吉沙县, hand-worked figures); `from_forms` is the summary
read straight from the forms, as every summary was read before the figures were kept."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from evaluations import services
from evaluations.models import Evaluation, Unit, Year
from summaries.models import FiguresYear, UnitFigures, UnitIndicatorFigures
from summaries.rollup import LineValue, combine, roll_up, roll_up_parts
from summaries.selectors import _summary_from_forms, figures_current, region_summary
from summaries.services import figures_rebuild
from tests.conftest import PASSWORD, make_evaluation
from tests.evaluations.helpers import make_project_form
from tests.seasons.helpers import issue

from .conftest import set_status

S = Evaluation.Status
TODAY = date(2021, 6, 1)  # after the 2021-04-30 deadline
LINES = [
    ("项目完成指标", "数量指标", "参保人数", "≥2000人", "2100"),
    ("项目完成指标", "质量指标", "群众知晓率", "≥90%", "95%"),
]
PROJECT_LINES = [
    ("产出指标", "数量指标", "培训人数", "≥100人", "80人", "20", None, "部分学员延期"),
    ("效益指标", "社会效益指标", "窗口服务水平", "得到提升", "得到提升", "30", "90", ""),
    ("满意度指标", "服务对象满意度指标", "参保群众满意度", "≥90%", "95%", "10", None, ""),
]


def year_of(cast) -> Year:
    # As the summary view reads it: with the mark saying whether its figures are current.
    return Year.objects.select_related("summary_figures").get(pk=cast.year.pk)


def shown(summary) -> dict:
    """Every figure a summary page and its workbooks show, as text (so 3500 and 3500.00 differ)."""

    def row(r):
        m, s = r.money, r.scores
        return (
            r.label,
            r.units,
            tuple(r.counts.items()),
            r.overdue_open,
            r.overdue_late,
            r.overdue_units,
            *map(str, (m.budget, m.actual, m.rate, m.forms, m.missing)),
            *map(str, (s.count, s.average, s.lowest, s.highest, sorted(s.grades.items()))),
        )

    return {
        "units": [row(r) for r in summary.units],
        "children": [row(r) for r in summary.children],
        "total": row(summary.total),
        "indicators": [tuple(map(str, vars(r).values())) for r in summary.indicators],
    }


def assert_figures_as_forms(user, region, cast):
    year = year_of(cast)
    assert figures_current(year)
    for basis in ("handed_in", "approved"):
        for today in (TODAY, date(2021, 4, 1)):
            kept = region_summary(user, region, year, basis=basis, today=today)
            read = _summary_from_forms(user, region, year, basis=basis, today=today)
            assert shown(kept) == shown(read)


def test_rebuilt_figures_give_every_figure_the_forms_give(cast, region_forms):
    assert not figures_current(year_of(cast))  # never built: the summary reads the forms
    figures_rebuild(year=cast.year)
    for user, region in [
        (cast.reviewer, cast.regions.shule),
        (cast.viewer, cast.regions.kashi),
        (cast.viewer, cast.regions.shule),
        (cast.other_reviewer, cast.regions.yingjisha),
    ]:
        assert_figures_as_forms(user, region, cast)
    # A few rows per unit, not one per form or line.
    assert UnitFigures.objects.count() == 5  # 疏勒医保: 3 statuses; 卫健委 1; 英吉沙 1
    summary = region_summary(cast.viewer, cast.regions.kashi, year_of(cast), today=TODAY)
    assert summary.total.scores.average == Decimal("93.04")  # (93.00 + 86.11 + 100.00) / 3


def test_moves_through_the_services_keep_the_figures_current(client, cast):
    issue(cast, units=[cast.bureau], templates=["social_insurance_fund", "project_2020"])
    figures_rebuild(year=cast.year)  # an empty year: kept from its first form on
    ev = make_evaluation(
        cast.preparer, cast.year, lines=LINES, funds={"total": {"budget": "200", "actual": "150"}}
    )
    Evaluation.objects.filter(pk=ev.pk).update(goal_planned="保障参保人员待遇")  # still a draft
    assert UnitFigures.objects.get(unit=cast.bureau, status=S.DRAFT).forms == 1

    services.evaluation_transition(evaluation_id=ev.pk, user=cast.preparer, action="submit")
    handed_in = UnitFigures.objects.get(unit=cast.bureau, status=S.SUBMITTED)
    assert (handed_in.forms, handed_in.budget, handed_in.actual) == (1, 200, 150)
    assert not UnitFigures.objects.filter(unit=cast.bureau, status=S.DRAFT).exists()
    people = UnitIndicatorFigures.objects.get(unit=cast.bureau, key="参保人数")
    assert (people.lines, people.sum_target, people.sum_actual) == (1, 2000, 2100)
    assert_figures_as_forms(cast.reviewer, cast.regions.shule, cast)

    project = make_project_form(cast, PROJECT_LINES)
    services.evaluation_transition(evaluation_id=project.pk, user=cast.preparer, action="submit")
    services.evaluation_transition(evaluation_id=project.pk, user=cast.reviewer, action="approve")
    approved = UnitFigures.objects.get(unit=cast.bureau, status=S.APPROVED)
    assert (approved.scored, approved.score_sum, approved.grades) == (
        1,
        Decimal("62.00"),
        {"中": 1},
    )
    assert_figures_as_forms(cast.reviewer, cast.regions.shule, cast)

    # The page: 2 forms handed in, 300 万元 budget, the score 62.00.
    assert client.login(username=cast.reviewer.username, password=PASSWORD)
    url = reverse("summary_region", args=[2020, cast.regions.shule.pk])
    page = client.get(url).content.decode()
    assert "300.00 万元" in page and "62.00" in page

    services.evaluation_transition(
        evaluation_id=ev.pk, user=cast.reviewer, action="return", reason="请补充说明"
    )
    assert not UnitFigures.objects.filter(unit=cast.bureau, status=S.SUBMITTED).exists()
    assert UnitFigures.objects.get(unit=cast.bureau, status=S.RETURNED).forms == 1
    assert not UnitIndicatorFigures.objects.filter(unit=cast.bureau, key="参保人数").exists()
    assert_figures_as_forms(cast.reviewer, cast.regions.shule, cast)
    page = client.get(url).content.decode()
    assert "300.00 万元" not in page and "100.00 万元" in page  # only the approved form's money

    services.evaluation_transition(
        evaluation_id=project.pk, user=cast.reviewer, action="reopen", reason="金额有误"
    )
    assert_figures_as_forms(cast.viewer, cast.regions.kashi, cast)
    summary = region_summary(cast.reviewer, cast.regions.shule, year_of(cast), today=TODAY)
    assert summary.total.counts[S.RETURNED] == 2 and summary.total.scores.count == 0
    assert summary.total.overdue_open == 2  # both back with the unit after the deadline


def test_a_write_outside_the_services_is_read_from_the_forms_after_a_rebuild(cast, region_forms):
    figures_rebuild(year=cast.year)
    set_status(region_forms.c, S.SUBMITTED)  # a shell edit: the figures do not know
    stale = region_summary(cast.reviewer, cast.regions.shule, year_of(cast), today=TODAY)
    assert stale.total.counts[S.DRAFT] == 1
    out = StringIO()
    call_command("rebuild_summaries", "--year", "2020", stdout=out)
    assert "重建了 3 个单位" in out.getvalue()
    assert_figures_as_forms(cast.reviewer, cast.regions.shule, cast)
    rebuilt = region_summary(cast.reviewer, cast.regions.shule, year_of(cast), today=TODAY)
    assert rebuilt.total.counts[S.DRAFT] == 0


def test_a_changed_deadline_sends_the_summary_back_to_the_forms(cast, region_forms):
    figures_rebuild(year=cast.year)
    # 社保D came on 2021-05-03: late under the first deadline, on time under the new one.
    Year.objects.filter(pk=cast.year.pk).update(deadline=date(2021, 5, 31))
    assert not figures_current(year_of(cast))
    summary = region_summary(cast.reviewer, cast.regions.shule, year_of(cast), today=TODAY)
    assert summary.total.overdue_late == 0
    figures_rebuild(year=cast.year)
    assert_figures_as_forms(cast.reviewer, cast.regions.shule, cast)
    assert FiguresYear.objects.get(year=cast.year).deadline == date(2021, 5, 31)


@pytest.mark.parametrize(
    "lines",
    [
        [
            ("参保人数", "≥10万人", "128267", "100", 1, 1),
            ("参保人数", "≥5万人", "6万人", "50", 2, 2),
        ],
        [
            ("资金到位率", "≥95%", "100%", "300.50", 1, 1),
            ("资金到位率", "≥95%", "90%", "100", 2, 2),
            ("资金到位率", "≥95%", "≥90%", "100", 2, 3),  # a bound: skipped
            ("资金到位率", "95%", "90", None, 3, 4),  # no fund: skipped
            (" 资金到位率 ", "≥95%", "97.25%", "7.5", 3, 5),
        ],
        [("满意度", "≥90分", "95分", "10", 1, 1), ("满意度", "≥90%", "95%", "10", 2, 2)],
    ],
)
def test_parts_of_each_unit_combine_to_the_roll_up_of_all_lines(lines):
    values = [
        LineValue(n, t, a, Decimal(f) if f else None, unit, form)
        for n, t, a, f, unit, form in lines
    ]
    parts = {}
    for unit in {v.unit_id for v in values}:
        for p in roll_up_parts(v for v in values if v.unit_id == unit):
            total = parts.setdefault((p.key, p.measure), p)
            if total is not p:
                total.name = min(total.name, p.name)
                for f in ("sum_target", "sum_actual", "weights", "lines", "forms", "units"):
                    setattr(total, f, getattr(total, f) + getattr(p, f))
                total.skipped += p.skipped
    expected = [tuple(map(str, vars(r).values())) for r in roll_up(values)]
    assert [tuple(map(str, vars(r).values())) for r in combine(parts.values())] == expected


def test_a_large_region_lists_its_units_a_page_at_a_time_with_totals_of_all(
    client, cast, region_forms
):
    Unit.objects.bulk_create(
        Unit(name=f"疏勒县单位{i:03d}", region=cast.regions.shule) for i in range(120)
    )
    figures_rebuild(year=cast.year)
    year = year_of(cast)
    first = region_summary(cast.viewer, cast.regions.kashi, year, today=TODAY)
    second = region_summary(cast.viewer, cast.regions.kashi, year, today=TODAY, page=2)
    every = _summary_from_forms(
        cast.viewer, cast.regions.kashi, year, basis="handed_in", today=TODAY
    )
    assert (first.unit_count, first.pages, len(first.units), len(second.units)) == (123, 2, 100, 23)
    assert [r.label for r in first.units + second.units] == [r.label for r in every.units]
    assert shown(second)["total"] == shown(every)["total"]
    assert shown(second)["children"] == shown(every)["children"]

    assert client.login(username=cast.viewer.username, password=PASSWORD)
    url = reverse("summary_region", args=[2020, cast.regions.kashi.pk])
    page = client.get(url, {"page": "2"}).content.decode()
    assert "共 123 个单位，第 2 / 2 页" in page and "疏勒县单位119" in page
    assert "疏勒县医疗保障局" not in page.split('id="h-status"')[1].split("</section>")[0]


def test_a_year_opened_or_given_a_new_deadline_in_the_admin_is_read_from_figures(
    client, cast, region_forms
):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("root", password=PASSWORD)
    assert client.login(username="root", password=PASSWORD)
    response = client.post(
        "/admin/evaluations/year/add/", {"year": "2021", "deadline": "2022-04-30"}
    )
    assert response.status_code == 302
    assert figures_current(Year.objects.select_related("summary_figures").get(year=2021))

    assert not figures_current(year_of(cast))  # 2020's forms were written in bulk
    response = client.post(
        f"/admin/evaluations/year/{cast.year.pk}/change/",
        {"year": "2020", "deadline": "2021-05-31"},
    )
    assert response.status_code == 302
    assert_figures_as_forms(cast.reviewer, cast.regions.shule, cast)
    summary = region_summary(cast.reviewer, cast.regions.shule, year_of(cast), today=TODAY)
    assert summary.total.overdue_late == 0  # 社保D (2021-05-03) is on time now
