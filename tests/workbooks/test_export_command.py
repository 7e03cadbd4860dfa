"""manage.py export_forms: one PDF and/or workbook per form of a year, region and status."""

from __future__ import annotations

from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from demo.loaders import load_demo
from evaluations.models import Evaluation
from tests.conftest import SEED_FORMS, close_fixture_connection
from workbooks.management.commands.export_forms import file_stem


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo forms, loaded once for the module (load_demo hashes passwords) and rolled back
    after it; each test runs in a savepoint inside."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            load_demo(SEED_FORMS)
        except BaseException:
            atomic.__exit__(None, None, None)
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
    close_fixture_connection(django_db_blocker)


def export(*args) -> str:
    out = StringIO()
    call_command("export_forms", *args, stdout=out)
    return out.getvalue()


def test_writes_one_pdf_and_one_workbook_per_form_of_the_year(demo, db, tmp_path):
    out_dir = tmp_path / "new" / "dir"
    summary = export("--year", "2020", "--format", "pdf,xlsx", "--out", str(out_dir))
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "2020_疏勒县医疗保障局_2020年城乡居民基本医疗保险支出项目.pdf",
        "2020_疏勒县医疗保障局_2020年城乡居民基本医疗保险支出项目.xlsx",
        "2020_疏勒县医疗保障局_2020年城镇职工医疗保险基金支出项目.pdf",
        "2020_疏勒县医疗保障局_2020年城镇职工医疗保险基金支出项目.xlsx",
    ]
    assert all(p.read_bytes()[:5] == b"%PDF-" for p in out_dir.glob("*.pdf"))
    for path in out_dir.glob("*.xlsx"):
        assert "2020年" in openpyxl.load_workbook(path).active["B4"].value
    assert "已导出2020年度自评表 2 张（PDF 2 个，Excel 2 个）" in summary
    assert len(summary.strip().splitlines()) == 1


def test_format_chooses_what_is_written(demo, db, tmp_path):
    export("--year", "2019", "--format", "xlsx", "--out", str(tmp_path))
    names = [p.name for p in tmp_path.iterdir()]
    assert (
        len(names) == Evaluation.objects.filter(year__year=2019).count() == 6
    )  # with the 部门整体 demo form
    assert all(name.endswith(".xlsx") for name in names)


def test_region_takes_the_region_and_everything_below_it(demo, db, tmp_path):
    summary = export(
        "--year", "2019", "--region", "四川省", "--format", "xlsx", "--out", str(tmp_path)
    )
    assert [p.name for p in tmp_path.iterdir()] == [
        "2019_巴中市巴州区医疗保障局_城乡居民基本医疗保险配套资金.xlsx"
    ]
    assert "四川省及下级区划" in summary

    xj = tmp_path / "xj"
    export("--year", "2019", "--region", "新疆维吾尔自治区", "--format", "xlsx", "--out", str(xj))
    assert len(list(xj.iterdir())) == 4  # 自治区本级: three 转移支付 forms and one 社保基金 form

    county = tmp_path / "county"
    export("--year", "2020", "--region", "疏勒县", "--format", "xlsx", "--out", str(county))
    assert len(list(county.iterdir())) == 2


def test_status_filters_the_forms(demo, db, tmp_path):
    ev = Evaluation.objects.get(project_name="医疗救助业务经费")
    ev.status = Evaluation.Status.APPROVED
    ev.save(update_fields=["status"])
    export("--year", "2019", "--status", "approved", "--format", "xlsx", "--out", str(tmp_path))
    names = {p.name for p in tmp_path.iterdir()}
    approved = Evaluation.objects.filter(year__year=2019, status=Evaluation.Status.APPROVED)
    assert len(names) == approved.count()
    assert "2019_自治区医疗保障局_医疗救助业务经费.xlsx" in names
    assert "2019_自治区医疗保障局_医疗服务与保障能力提升补助资金.xlsx" not in names  # a draft


def test_nothing_to_export_says_so(demo, db, tmp_path):
    summary = export("--year", "2026", "--format", "pdf", "--out", str(tmp_path))
    assert "没有符合条件的自评表" in summary
    assert list(tmp_path.iterdir()) == []


def test_unknown_region_or_format_is_refused(demo, db, tmp_path):
    with pytest.raises(CommandError, match="未找到区划：火星"):
        export("--year", "2019", "--region", "火星", "--out", str(tmp_path))
    with pytest.raises(CommandError, match="不支持的格式：docx"):
        export("--year", "2019", "--format", "pdf,docx", "--out", str(tmp_path))


def test_file_names_are_safe_and_unique(demo, db, tmp_path):
    ev = Evaluation.objects.get(project_name="医疗救助业务经费")
    ev.project_name = 'a/b\\c:d*e?f"g<h>i|j\n k. '
    ev.save(update_fields=["project_name"])
    stem = file_stem(ev)
    assert stem == "2019_自治区医疗保障局_a-b-c-d-e-f-g-h-i-j- k"
    twin = Evaluation.objects.get(pk=ev.pk)
    twin.pk = None
    twin.template = "social_insurance_fund"
    twin.save()
    export(
        "--year", "2019", "--region", "新疆维吾尔自治区", "--format", "xlsx", "--out", str(tmp_path)
    )
    names = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(stem))
    assert names == [f"{stem}.xlsx", f"{stem}_{max(ev.pk, twin.pk)}.xlsx"]
