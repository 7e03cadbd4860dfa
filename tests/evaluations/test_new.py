"""新建: a preparer starts a form from a blank template or from an earlier year's form."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from evaluations.models import Evaluation, IndicatorLine, Year
from tests.conftest import PASSWORD, make_evaluation


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def new(client, **data):
    return client.post(reverse("evaluation_new"), data)


def test_a_preparer_creates_a_blank_form_of_the_chosen_template(client, cast):
    login(client, cast.preparer)
    response = new(
        client, template="project_2020", year=cast.year.year, project_name="医疗救助补助资金"
    )
    ev = Evaluation.objects.get(project_name="医疗救助补助资金")
    assert response.url == reverse("evaluation_edit", args=[ev.pk])
    assert ev.unit == cast.bureau and ev.status == Evaluation.Status.DRAFT
    assert ev.title == "项目支出绩效自评表"
    assert ev.header["implementing_unit"] == "疏勒县医疗保障局"
    assert list(ev.fund_lines.values_list("label", flat=True)) == [
        "年度资金总额",
        "其中：当年财政拨款",
        "上年结转资金",
        "其他资金",
    ]


def test_starting_from_last_years_form_copies_lines_and_clears_amounts_and_actuals(client, cast):
    last_year = Year.objects.create(year=2019, deadline=date(2020, 4, 30))
    old = make_evaluation(
        cast.preparer,
        last_year,
        project_name="2019年城镇职工医疗保险基金支出项目",
        lines=[("项目完成指标", "数量指标", "享受待遇人数", "≥10万人", "128267")],
        funds={"total": {"budget": "11431.62", "actual": "30405.81"}},
    )
    Evaluation.objects.filter(pk=old.pk).update(
        goal_planned="确保待遇按时足额发放", goal_actual="已完成"
    )
    IndicatorLine.objects.filter(evaluation=old).update(deviation="上解造成", score=Decimal(5))
    login(client, cast.preparer)

    new(
        client,
        template=old.template,
        year=cast.year.year,
        project_name="2020年城镇职工医疗保险基金支出项目",
        copy_from=old.pk,
    )

    ev = Evaluation.objects.get(year=cast.year, project_name__startswith="2020年")
    line = ev.indicator_lines.get()
    assert (line.level1, line.level2, line.level3, line.target) == (
        "项目完成指标",
        "数量指标",
        "享受待遇人数",
        "≥10万人",
    )
    assert (line.actual, line.deviation, line.score) == ("", "", None)
    assert ev.goal_planned == "确保待遇按时足额发放" and ev.goal_actual == ""
    total = ev.fund_lines.get(row_key="total")
    assert (total.budget, total.actual) == (None, None)
    old.refresh_from_db()
    assert old.indicator_lines.get().actual == "128267"  # the old form is untouched


def test_a_second_form_with_the_same_project_name_is_refused_with_a_message(client, cast):
    make_evaluation(cast.preparer, cast.year, project_name="同名项目")
    login(client, cast.preparer)
    response = new(
        client, template="social_insurance_fund", year=cast.year.year, project_name="同名项目"
    )
    assert "已有名为“同名项目”" in response.content.decode()
    assert Evaluation.objects.filter(project_name="同名项目").count() == 1


def test_copying_another_units_form_is_refused(client, cast):
    other = make_evaluation(cast.other_preparer, cast.year, project_name="别人的表")
    login(client, cast.preparer)
    response = new(
        client,
        template=other.template,
        year=cast.year.year,
        project_name="新表",
        copy_from=other.pk,
    )
    assert "只能沿用本单位的自评表。" in response.content.decode()
    assert not Evaluation.objects.filter(project_name="新表").exists()


def test_a_closed_year_cannot_be_chosen(client, cast):
    cast.year.closed = True
    cast.year.save()
    login(client, cast.preparer)
    response = new(client, template="social_insurance_fund", year=cast.year.year, project_name="x")
    assert "2020年度已关闭，不能再新建或修改自评表。" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_a_project_name_is_required(client, cast):
    login(client, cast.preparer)
    response = new(client, template="social_insurance_fund", year=cast.year.year, project_name="  ")
    assert "请填写项目名称。" in response.content.decode()


@pytest.mark.parametrize("who", ["reviewer", "viewer"])
def test_only_preparers_may_create_forms(client, cast, who):
    login(client, getattr(cast, who))
    assert client.get(reverse("evaluation_new")).status_code == 403
    response = new(client, template="social_insurance_fund", year=cast.year.year, project_name="x")
    assert response.status_code == 403
    assert not Evaluation.objects.exists()


def test_a_form_of_any_year_from_2015_is_created_without_an_administrator_step(client, cast):
    assert not Year.objects.filter(year=2017).exists()
    login(client, cast.preparer)
    page = client.get(reverse("evaluation_new")).content.decode()
    assert '<option value="2015">2015年度</option>' in page
    response = new(client, template="project_2020", year=2017, project_name="2017年度项目")
    ev = Evaluation.objects.get(project_name="2017年度项目")
    assert response.status_code == 302 and ev.year.year == 2017
    refused = new(client, template="project_2020", year=2014, project_name="太早")
    assert "请选择 2015 年至下一年度之间的年度。" in refused.content.decode()
    assert not Evaluation.objects.filter(project_name="太早").exists()


def test_a_title_holding_its_year_is_not_given_the_year_twice(client, cast):
    from io import BytesIO

    import openpyxl
    from pypdf import PdfReader

    login(client, cast.preparer)
    new(client, template="project_2020", year=2020, project_name="年度在表名中")
    ev = Evaluation.objects.get(project_name="年度在表名中")
    Evaluation.objects.filter(pk=ev.pk).update(title="项目支出绩效自评表（2020年度）")
    page = client.get(reverse("evaluation_detail", args=[ev.pk])).content.decode()
    assert page.count("2020年度）") == 1
    pdf = client.get(reverse("evaluation_pdf", args=[ev.pk]))
    reader = PdfReader(BytesIO(b"".join(pdf.streaming_content)))
    assert "".join(p.extract_text() for p in reader.pages).count("2020年度") == 1
    book = client.get(reverse("evaluation_xlsx", args=[ev.pk]))
    ws = openpyxl.load_workbook(BytesIO(b"".join(book.streaming_content))).active
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert sum(t.count("2020年度") for t in texts) == 1
