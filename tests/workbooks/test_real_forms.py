"""Real published 项目支出绩效自评表, typed into Excel the way their clerks keep them
(tests/fixtures/real_forms, values in its manifest.json): each goes in through `import_forms`
as typed, every value comes back verbatim in the form's PDF and Excel, and export → import →
export gives the same workbook. Also `import_forms` itself: one line per file, exit status 1 and
nothing created for a file that is no workbook, a remembered year, 其他内容."""

from __future__ import annotations

import json
import re
import subprocess
from io import BytesIO, StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from evaluations.exports.pdf import pdf_bytes
from evaluations.models import Evaluation
from evaluations.selectors import form_data, with_lines
from tests.conftest import PASSWORD
from tests.evaluations.helpers import page_post
from tests.workbooks.variant_books import hunan_measured, transfer_offset, unknown_layout
from workbooks import services
from workbooks import xlsx_import as xi
from workbooks.xlsx import write_xlsx

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "real_forms"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text()) if CORPUS.exists() else {"files": []}
ENTRIES = MANIFEST["files"]


def squash(text) -> str:
    return re.sub(r"\s+", "", str(text))


def shown(cell) -> str:
    """A cell as Excel shows it (the formats the exports use), as the acceptance check reads it."""
    value, fmt = cell.value, cell.number_format or "General"
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        m = re.search(r"0(?:\.(0+))?(%?)", fmt) if fmt != "General" else None
        if m:
            x = value * 100 if m.group(2) else value
            return f"{x:.{len(m.group(1) or '')}f}{m.group(2)}"
        return repr(value)[:-2] if isinstance(value, float) and value.is_integer() else str(value)
    return str(value)


def xlsx_of(ev: Evaluation) -> bytes:
    buffer = BytesIO()
    write_xlsx(form_data(with_lines(Evaluation.objects.filter(pk=ev.pk)).get()), buffer)
    return buffer.getvalue()


def xlsx_text(data: bytes) -> str:
    wb = openpyxl.load_workbook(BytesIO(data))
    return "|".join(shown(c) for ws in wb.worksheets for row in ws.iter_rows() for c in row)


def pdf_text(ev: Evaluation, tmp_path) -> str:
    data = pdf_bytes(form_data(with_lines(Evaluation.objects.filter(pk=ev.pk)).get()))
    path = tmp_path / "form.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def import_file(path: Path, unit: str, *extra: str) -> tuple[str, Evaluation | None]:
    out = StringIO()
    call_command("import_forms", str(path), "--unit", unit, *extra, stdout=out)
    line = out.getvalue().strip()
    m = re.search(r"/evaluations/(\d+)/", line)
    return line, Evaluation.objects.get(pk=m.group(1)) if m else None


def cells(data: bytes) -> dict:
    wb = openpyxl.load_workbook(BytesIO(data))
    return {
        (ws.title, c.coordinate): (c.value, c.number_format if c.value is not None else "")
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
    } | {(ws.title, "merged"): sorted(map(str, ws.merged_cells.ranges)) for ws in wb.worksheets}


@pytest.mark.skipif(not ENTRIES, reason="no corpus of real forms")
@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["file"])
def test_a_real_form_imports_as_typed_and_every_value_comes_back(entry, cast, tmp_path):
    line, ev = import_file(CORPUS / entry["file"], cast.bureau.name)

    assert ev is not None, line
    assert "0 项丢弃" in line
    values = [v for v in entry["values"] if squash(v)]
    in_pdf, in_xlsx = squash(pdf_text(ev, tmp_path)), squash(xlsx_text(xlsx_of(ev)))
    assert [v for v in values if squash(v) not in in_pdf] == []
    assert [v for v in values if squash(v) not in in_xlsx] == []


@pytest.mark.skipif(not ENTRIES, reason="no corpus of real forms")
@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["file"])
def test_export_import_export_of_a_real_form_is_identical(entry, cast):
    _, ev = import_file(CORPUS / entry["file"], cast.bureau.name)
    first = xlsx_of(ev)
    year = ev.year
    ev.delete()  # the copy takes its name

    parsed = xi.parse_workbook(first)
    copy = services.evaluation_import(user=cast.preparer, year=year, parsed=parsed)

    assert cells(xlsx_of(copy)) == cells(first)


@pytest.mark.skipif(not ENTRIES, reason="no corpus of real forms")
@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["file"])
def test_an_imported_real_form_saves_back_unchanged_through_its_edit_page(entry, cast, client):
    _, ev = import_file(CORPUS / entry["file"], cast.bureau.name)
    before = xlsx_of(ev)
    assert client.login(username=cast.preparer.username, password=PASSWORD)

    response = client.post(reverse("evaluation_edit", args=[ev.pk]), page_post(client, ev))

    assert response.status_code == 302, response.content.decode()[:2000]
    ev.refresh_from_db()
    assert ev.version == 2
    assert cells(xlsx_of(ev)) == cells(before)


def test_a_province_variant_keeps_its_wording_weights_columns_and_signatures(cast):
    data, values = hunan_measured()
    parsed = xi.parse_workbook(data, year=2020)

    assert parsed.year == 2021
    assert parsed.notes[0].message == xi.YEAR_DIFFERS.format(found=2021, chosen=2020)
    assert parsed.template_code == "project_2020_measured"
    assert parsed.header_labels["project_name"] == "转移支付（项目）名称"
    assert parsed.header_extra == ({"label": "项目负责人及电话", "value": "王建国 0731-8456123"},)
    assert parsed.wording["goal_planned"] == "年初设定目标"
    assert parsed.wording["goal_actual"] == "年度总体目标完成情况综述"
    assert parsed.level1_weights == {
        "预算执行率": "10",
        "产出指标": "70",
        "效益指标": "20",
        "满意度指标": "10",
    }
    first = parsed.lines[0]
    assert (first.nature, first.target, first.measure_unit) == ("≥", "52000", "人")
    assert first.level2 == "数量指标（指标）"
    assert [line.level3 for line in parsed.lines][1] == "……"
    assert str(parsed.funds["total"].budget) == "1350.874"
    assert parsed.stated_figures == {
        "fund.total.rate": "96.09%",
        "fund.total.score": "9.6",
        "total": "96.6",
        # 满分 100 beside weights of 110 (70/20/10 and 10): printed as the form states it.
        "total_points": "100",
    }
    assert parsed.signature == {
        "preparer": "李红",
        "reviewer": "周强",
        "fill_date": None,
        "preparer_phone": "0734-6281234",
    }
    assert parsed.footnote_text == "注：1.定量指标填写实际完成数。\n2.定性指标按完成比例填写。"
    assert "说明 A1：自评等级　优" in parsed.other_text()


def test_import_forms_prints_one_line_per_file_and_refuses_only_what_cannot_be_read(cast, tmp_path):
    good = tmp_path / "湖南.xlsx"
    good.write_bytes(hunan_measured()[0])
    odd = tmp_path / "其他.xlsx"
    odd.write_bytes(unknown_layout()[0])
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"a,b\n1,2\n")
    out = StringIO()

    with pytest.raises(CommandError) as info:
        call_command(
            "import_forms", str(good), str(broken), str(odd), "--unit", cast.bureau.name, stdout=out
        )

    assert info.value.returncode == 1
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 3
    assert re.match(
        rf"{re.escape(str(good))}: /evaluations/\d+/　已导入 \d+ 项；\d+ 项放在其他内容", lines[0]
    )
    assert lines[1].startswith(f"{broken}: 未导入：")
    assert "0 项丢弃" in lines[2] and xi.NOT_RECOGNISED in lines[2]
    assert Evaluation.objects.count() == 2
    variant = Evaluation.objects.get(project_name="城乡居民基本医疗保险财政补助")
    assert variant.unit == cast.bureau and variant.year.year == 2021
    assert variant.signer_reviewer == "周强" and variant.preparer == "李红"
    unknown = Evaluation.objects.get(project_name="农村饮水安全工程维修养护补助")
    assert unknown.year.year == 2020
    assert any(item["value"] == "38处　完成" for item in unknown.other_content)


def test_import_forms_keeps_a_second_form_of_the_same_name(cast, tmp_path):
    path = tmp_path / "表.xlsx"
    path.write_bytes(hunan_measured()[0])
    import_file(path, cast.bureau.name)
    line, ev = import_file(path, cast.bureau.name)
    assert ev.project_name == "城乡居民基本医疗保险财政补助（导入2）"
    assert "已有同名自评表" in line


def test_import_forms_names_a_unit_it_does_not_know(cast, tmp_path):
    with pytest.raises(CommandError, match="未找到单位：某某局"):
        call_command("import_forms", str(tmp_path / "x.xlsx"), "--unit", "某某局")


def test_a_transfer_form_typed_off_the_corner_with_a_blank_signature_line_reads_whole():
    parsed = xi.parse_workbook(transfer_offset(), year=2022)

    assert parsed.template_code == "transfer_payment_2019"
    assert parsed.title == "中央对地方转移支付项目绩效目标自评表"
    assert (parsed.project_name, parsed.year) == ("农村综合改革转移支付", 2022)
    assert parsed.header["implementing_unit"] == "某县农经站"
    assert parsed.header_labels["implementing_unit"] == "资金使用单位"
    assert str(parsed.funds["local"].budget) == "50.125"
    assert parsed.stated_figures["fund.total.rate"] == "99.82%"
    assert [line.level1 for line in parsed.lines] == [
        "产出指标",
        "产出指标",
        "效益指标",
        "满意度指标",
    ]
    assert parsed.signature == {"preparer": "", "reviewer": "", "fill_date": None}
    assert parsed.notes == ()
    assert [row.texts for row in parsed.other] == [("附件2",)]


def test_import_forms_says_when_the_title_states_another_year_than_year(cast, tmp_path):
    data, _values = hunan_measured()  # its title: 2021年度
    path = tmp_path / "湖南.xlsx"
    path.write_bytes(data)

    line, ev = import_file(path, cast.bureau.name, "--year", "2020")

    assert xi.YEAR_DIFFERS.format(found=2021, chosen=2020) in line
    assert ev.year.year == 2021  # the form's own year, as its title says
