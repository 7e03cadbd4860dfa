"""导入Excel, a layout the import does not recognise: the page shows the workbook's rows, the
clerk says where the project name, the funds and the indicator lines are, and the mapping is
remembered for the unit — the next file of the same shape goes straight in, on the page and
through import_forms."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from evaluations.models import Evaluation, ImportMapping
from tests.conftest import PASSWORD
from tests.workbooks.import_books import XLSX_TYPE
from tests.workbooks.variant_books import listed_layout

URL = reverse("evaluation_import")
MAP_URL = reverse("evaluation_import_map")
MAPPING = {
    "sheet": 0,
    "project_name": "B2",
    "fund_first": 5,
    "fund_last": 5,
    "fund_label": "A",
    "fund_budget": "B",
    "fund_actual": "C",
    "line_first": 8,
    "line_level3": "A",
    "line_target": "B",
    "line_actual": "C",
    "line_weight": "D",
    "line_score": "E",
}


def upload(client, year, data: bytes, **kwargs):
    file = SimpleUploadedFile("县里的表.xlsx", data, content_type=XLSX_TYPE)
    return client.post(URL, {"year": year.pk, "file": file}, **kwargs)


def test_an_unknown_layout_shows_its_rows_and_is_read_by_the_clerks_mapping(client, cast):
    client.login(username=cast.preparer.username, password=PASSWORD)

    response = upload(client, cast.year, listed_layout(), follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == MAP_URL
    assert "没有认出这个文件的版式" in html
    assert "<td>农村饮水安全工程维修养护补助</td>" in html
    assert not Evaluation.objects.exists()

    response = client.post(MAP_URL, MAPPING, follow=True)

    ev = Evaluation.objects.get()
    assert response.redirect_chain[-1][0] == reverse("evaluation_edit", args=[ev.pk])
    assert "项放在其他内容；0 项丢弃。" in response.content.decode()
    assert ev.project_name == "农村饮水安全工程维修养护补助"
    total = ev.fund_lines.get(row_key="total")
    assert (total.budget, total.actual) == (Decimal("120"), Decimal("118.5"))
    lines = list(ev.indicator_lines.order_by("order"))
    assert [(x.level3, x.target, x.actual, x.weight) for x in lines] == [
        ("维修工程处数", "38处", "38处", Decimal(50)),
        ("受益人口", "2.3万人", "2.3万人", Decimal(50)),
    ]
    assert {"source": "绩效!A11", "label": "", "value": "评价等级：良"} in ev.other_content
    assert ImportMapping.objects.filter(unit=cast.bureau).count() == 1


def test_the_next_file_of_the_same_shape_goes_straight_in(client, cast, tmp_path):
    client.login(username=cast.preparer.username, password=PASSWORD)
    upload(client, cast.year, listed_layout())
    client.post(MAP_URL, MAPPING)

    response = upload(client, cast.year, listed_layout("农村公路养护补助", "1.1万人"))

    ev = Evaluation.objects.get(project_name="农村公路养护补助")
    assert response.url == reverse("evaluation_edit", args=[ev.pk])
    assert ev.indicator_lines.get(level3="受益人口").target == "1.1万人"

    path = tmp_path / "第三个.xlsx"
    path.write_bytes(listed_layout("山塘整治补助"))
    out = StringIO()
    call_command("import_forms", str(path), "--unit", cast.bureau.name, stdout=out)
    third = Evaluation.objects.get(project_name="山塘整治补助")
    assert third.indicator_lines.count() == 2
    assert f"/evaluations/{third.pk}/" in out.getvalue()


def test_keeping_everything_in_other_content_imports_without_a_mapping(client, cast):
    client.login(username=cast.preparer.username, password=PASSWORD)
    upload(client, cast.year, listed_layout())

    client.post(MAP_URL, {"sheet": 0, "keep_all": "1"})

    ev = Evaluation.objects.get()
    assert any(
        item["value"].startswith("农村饮水安全工程维修养护补助") for item in ev.other_content
    )
    assert not ImportMapping.objects.exists()


def test_a_mapping_naming_a_cell_wrongly_says_so_and_imports_nothing(client, cast):
    client.login(username=cast.preparer.username, password=PASSWORD)
    upload(client, cast.year, listed_layout())

    response = client.post(MAP_URL, {**MAPPING, "project_name": "第二行"})

    assert response.status_code == 400
    assert "单元格“第二行”的写法不对，应如 B3。" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_a_mapping_is_remembered_for_its_unit_only(client, cast):
    client.login(username=cast.preparer.username, password=PASSWORD)
    upload(client, cast.year, listed_layout())
    client.post(MAP_URL, MAPPING)
    client.logout()

    client.login(username=cast.far_preparer.username, password=PASSWORD)  # 英吉沙县医疗保障局
    response = upload(client, cast.year, listed_layout("农村公路养护补助"))

    assert response.url == MAP_URL  # asked to map it: another unit's mapping is not theirs
    assert not Evaluation.objects.filter(project_name="农村公路养护补助").exists()
