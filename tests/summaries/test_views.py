"""The summary page, its downloads and who may see them."""

from __future__ import annotations

from io import BytesIO
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from evaluations.models import Region, Unit
from tests.conftest import make_evaluation, make_user

SVG = "{http://www.w3.org/2000/svg}"


def page(client, user, year, region, **params):
    client.force_login(user)
    return client.get(reverse("summary_region", args=[year.year, region.pk]), params)


def test_reviewer_sees_their_county_with_charts_and_tables(client, cast, region_forms):
    response = page(client, cast.reviewer, cast.year, cast.regions.shule)
    assert response.status_code == 200
    html = response.content.decode()
    assert "2020年度 疏勒县 汇总" in html
    assert "疏勒县医疗保障局" in html and "疏勒县卫生健康委员会" in html
    assert "英吉沙县医疗保障局" not in html and "项目E" not in html
    assert "80.00%" in html  # 执行率 in total: 280 / 350
    assert "85.71" in html  # 群众知晓率 weighted by funds
    # Each chart is an accessible SVG with a title, a description and text labels.
    svgs = [el for el in _svgs(html)]
    assert {s.get("id") for s in svgs} >= {"chart-status", "chart-money", "chart-grades"}
    for svg in svgs:
        assert svg.get("role") == "img"
        assert svg.find(f"{SVG}title").text and svg.find(f"{SVG}desc").text
    money = next(s for s in svgs if s.get("id") == "chart-money")
    labels = [t.text for t in money.iter(f"{SVG}text")]
    assert "86.67%" in labels and "75.00%" in labels and "100%" in labels


def _svgs(html: str):
    start = 0
    while (i := html.find("<svg", start)) >= 0:
        j = html.index("</svg>", i) + len("</svg>")
        yield ElementTree.fromstring(html[i:j])
        start = j


def test_overdue_unit_is_flagged(client, cast, region_forms):
    html = page(client, cast.reviewer, cast.year, cast.regions.shule).content.decode()
    assert "逾期未交 1" in html


def test_viewer_drills_down_from_prefecture_to_county(client, cast, region_forms):
    html = page(client, cast.viewer, cast.year, cast.regions.kashi).content.decode()
    county_url = reverse("summary_region", args=[2020, cast.regions.yingjisha.pk])
    assert county_url in html
    html = client.get(county_url).content.decode()
    assert "英吉沙县医疗保障局" in html and "疏勒县医疗保障局" not in html


def test_other_regions_reviewer_sees_nothing_of_ours(client, cast, region_forms):
    response = page(client, cast.other_reviewer, cast.year, cast.regions.shule)
    assert response.status_code == 404
    # Their own county's page holds only their county.
    html = page(client, cast.other_reviewer, cast.year, cast.regions.yingjisha).content.decode()
    assert "疏勒县医疗保障局" not in html and "项目A" not in html


def test_county_reviewer_cannot_open_the_prefecture_or_a_neighbour(client, cast, region_forms):
    assert page(client, cast.reviewer, cast.year, cast.regions.kashi).status_code == 404
    assert page(client, cast.reviewer, cast.year, cast.regions.yingjisha).status_code == 404


def test_viewer_cannot_go_above_their_region(client, cast, region_forms):
    assert page(client, cast.viewer, cast.year, cast.regions.xj).status_code == 404


def test_preparer_is_refused(client, cast, region_forms):
    response = page(client, cast.preparer, cast.year, cast.regions.shule)
    assert response.status_code == 403
    client.force_login(cast.preparer)
    assert client.get(reverse("summary_home")).status_code == 403
    url = reverse("summary_table_xlsx", args=[2020, cast.regions.shule.pk, "money"])
    assert client.get(url).status_code == 403
    assert "汇总" not in _nav(client.get(reverse("evaluation_list")).content.decode())


def _nav(html: str) -> str:
    return html[html.index("<nav") : html.index("</nav>")]


def test_nav_links_summaries_for_reviewers_and_viewers(client, cast):
    for user in (cast.reviewer, cast.viewer):
        client.force_login(user)
        assert reverse("summary_home") in _nav(
            client.get(reverse("evaluation_list")).content.decode()
        )


def test_anonymous_is_sent_to_login(client, cast):
    response = client.get(reverse("summary_region", args=[2020, cast.regions.shule.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_home_redirects_to_own_region_and_year(client, cast, region_forms):
    client.force_login(cast.viewer)
    response = client.get(reverse("summary_home"))
    assert response["Location"] == reverse("summary_region", args=[2020, cast.regions.kashi.pk])


def test_unknown_year_is_404(client, cast):
    assert (
        page(client, cast.reviewer, type("Y", (), {"year": 1999}), cast.regions.shule).status_code
        == 404
    )


def test_money_table_downloads_as_excel_with_the_page_figures(client, cast, region_forms):
    client.force_login(cast.reviewer)
    url = reverse("summary_table_xlsx", args=[2020, cast.regions.shule.pk, "money"])
    response = client.get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    ws = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert rows[0][:5] == ("单位", "区划", "全年预算数（万元）", "全年执行数（万元）", "执行率")
    by_unit = {r[0]: r for r in rows[1:] if r[0]}
    assert by_unit["疏勒县医疗保障局"][2:4] == (150, 130)
    assert by_unit["合计"][2:5] == (350, 280, 0.8)
    assert ws.cell(row=3, column=1).data_type == "s"
    assert not any(
        isinstance(c.value, str) and c.data_type == "f" for row in ws.iter_rows() for c in row
    )


def test_unit_name_that_looks_like_a_formula_stays_text(client, cast):
    odd = Unit.objects.create(name="=SUM(A1:A9)", region=cast.regions.shule)
    preparer = make_user("odd", odd, "preparer")
    make_evaluation(preparer, cast.year, project_name="X")
    client.force_login(cast.reviewer)
    url = reverse("summary_table_xlsx", args=[2020, cast.regions.shule.pk, "status"])
    ws = load_workbook(BytesIO(b"".join(client.get(url).streaming_content))).active
    cells = [c for row in ws.iter_rows() for c in row if c.value == "=SUM(A1:A9)"]
    assert cells and all(c.data_type == "s" for c in cells)


@pytest.mark.parametrize("table", ["children", "status", "money", "scores", "indicators"])
def test_every_table_downloads(client, cast, region_forms, table):
    client.force_login(cast.viewer)
    url = reverse("summary_table_xlsx", args=[2020, cast.regions.kashi.pk, table])
    response = client.get(url)
    assert response.status_code == 200
    wb = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert wb.active.max_row >= 3


def test_unknown_table_is_404(client, cast):
    client.force_login(cast.reviewer)
    url = reverse("summary_table_xlsx", args=[2020, cast.regions.shule.pk, "secrets"])
    assert client.get(url).status_code == 404


def test_region_outside_any_tree_is_404_for_viewer(client, cast):
    far = Region.objects.create(name="湖南省", level=Region.Level.PROVINCE)
    assert page(client, cast.viewer, cast.year, far).status_code == 404
