"""exports/pdf.py (and the fonts and checks it relies on): the printed form as PDF, read back."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from dataclasses import replace
from datetime import date
from decimal import Decimal
from io import BytesIO
from xml.etree import ElementTree

import pytest
from django.db import transaction
from pypdf import PdfReader

from demo.loaders import load_demo
from evaluations import checks
from evaluations.exports import fonts, pdf
from evaluations.exports.layout import FormData, FundValues, LineData, build_grid
from evaluations.exports.pdf import pdf_bytes, render_pdf
from evaluations.models import Evaluation, Region, Unit, Year
from evaluations.selectors import form_data, with_lines
from evaluations.templates_def import PROJECT_2020, TRANSFER_2019
from tests.conftest import SEED_FORMS, close_fixture_connection, seed_forms

needs_pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")


def norm(text: str) -> str:
    """As the acceptance check reads PDFs: every whitespace removed."""
    return re.sub(r"\s+", "", text or "")


def pdf_text(data: bytes, tmp_path, mode: str = "-raw", page: int | None = None) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(data)
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(
        ["pdftotext", mode, *pages, str(path), "-"], capture_output=True, text=True, check=True
    )
    return out.stdout


def embedded_fonts(data: bytes) -> set[str]:
    """The fonts a PDF's pages use, by name without the subset tag, each checked to be embedded."""
    names = set()
    for page in PdfReader(BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]
            names.add(str(font["/BaseFont"]).split("+", 1)[-1])
    return names


def seed_values(seed: dict) -> Counter:
    """Every printed value of a seed form, as often as the form has it (as check_export.py)."""
    values = [
        norm(line.get(key))
        for line in seed["indicators"]
        for key in ("level3", "target", "actual")
        if norm(line.get(key))
    ]
    values += [
        norm(f.get(k)) for f in seed["funds"] for k in ("budget", "actual") if norm(f.get(k))
    ]
    return Counter(values)


def form(template=TRANSFER_2019, lines=(), **overrides) -> FormData:
    values = {
        "template": template,
        "title": template.title,
        "year": 2019,
        "header": {"project_name": "医疗救助业务经费", "implementing_unit": "自治区医疗保障局"},
        "header_labels": {},
        "funds": {},
        "goal_planned": "保障医疗救助业务正常开展。",
        "goal_actual": "全年医疗救助业务正常开展。",
        "lines": tuple(LineData(*line) for line in lines),
        "preparer": "王建国",
        "fill_date": date(2020, 4, 15),
        "is_draft": True,
    }
    return FormData(**{**values, **overrides})


def long_form(n: int, level1="产出指标", level2="数量指标") -> FormData:
    lines = [(level1, level2, f"保障待遇享受人数第{i}项", "≥6253人", "9595人") for i in range(n)]
    return form(lines=lines)


@pytest.fixture(scope="module")
def seed_pdfs(django_db_setup, django_db_blocker):
    """{project name: (PDF bytes, grid)} of every demo form, rendered once for the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo(SEED_FORMS)
        out = {}
        # The 部门整体 demo form (three pages and a 基础数据表) is read back in test_department.py.
        for ev in with_lines(Evaluation.objects.exclude(template="department_wide_yueyang")):
            grid = build_grid(form_data(ev))
            out[ev.project_name] = (pdf_bytes(grid), grid)
        transaction.set_rollback(True)
    close_fixture_connection(django_db_blocker)
    return out


def small_evaluation(status: str) -> Evaluation:
    region = Region.objects.create(name="疏勒县", level=Region.Level.COUNTY)
    unit = Unit.objects.create(name="疏勒县医疗保障局", region=region)
    year = Year.objects.create(year=2020)
    ev = Evaluation.objects.create(
        unit=unit,
        year=year,
        template="social_insurance_fund",
        title="社会保险基金支出绩效自评表",
        project_name="城镇职工医疗保险基金支出",
        status=status,
    )
    ev.indicator_lines.create(
        level1="项目完成指标",
        level2="数量指标",
        level3="参保人数",
        target="≥6253人",
        actual="9595人",
    )
    return with_lines(Evaluation.objects.filter(pk=ev.pk)).get()


# -- seed forms ---------------------------------------------------------------------------------


@needs_pdftotext
@pytest.mark.parametrize("seed", seed_forms(), ids=lambda s: s["project_name"])
def test_every_seed_value_can_be_found_in_the_pdf_text(seed, seed_pdfs, tmp_path):
    data, _ = seed_pdfs[seed["project_name"]]
    texts = [norm(pdf_text(data, tmp_path, mode)) for mode in ("-raw", "-layout")]
    missing = {
        value: wanted
        for value, wanted in seed_values(seed).items()
        if max(text.count(value) for text in texts) < wanted
    }
    assert missing == {}
    assert norm(seed["project_name"]) in texts[0]


def test_seed_pdfs_embed_the_common_bundled_face_and_no_other(seed_pdfs):
    # Every character of the seed forms is in FormSerif: they never need FormSerifExt, whose
    # larger font would make each render slower.
    if fonts.missing_font_files():
        pytest.fail(f"bundled fonts missing: {fonts.missing_font_files()}")
    common = {"FormSerif", "FormSerif-Bold"}  # as WeasyPrint names the regular and bold faces
    for name, (data, _) in seed_pdfs.items():
        assert embedded_fonts(data) <= common, name


def test_seed_forms_need_no_fallback_font(seed_pdfs):
    for name, (_, grid) in seed_pdfs.items():
        texts = [grid.title, grid.year_line, grid.unit_line, grid.watermark, *grid.footnotes]
        texts += [c.text for row in grid.rows for c in row.cells]
        texts += [f"{label}：{value}" for label, value in grid.signature + grid.approval]
        texts.append("第 1 页 共 2 页")
        assert fonts.missing_glyphs("".join(texts)) == set(), name


def test_seed_pdfs_are_a4_portrait_of_one_or_two_pages(seed_pdfs):
    for name, (data, _) in seed_pdfs.items():
        reader = PdfReader(BytesIO(data))
        assert 1 <= len(reader.pages) <= 2, name
        width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
        assert (round(float(width)), round(float(height))) == (595, 842), name


@needs_pdftotext
def test_pdf_prints_title_year_unit_and_page_numbers(seed_pdfs, tmp_path):
    data, grid = seed_pdfs["医疗救助业务经费"]
    text = norm(pdf_text(data, tmp_path))
    assert "项目支出绩效自评表" in text
    assert "（2019年度）" in text
    assert "单位：万元" in text
    pages = len(PdfReader(BytesIO(data)).pages)
    assert f"第1页共{pages}页" in text
    assert norm(grid.footnotes[0]) in text


# -- draft mark ---------------------------------------------------------------------------------


@needs_pdftotext
def test_draft_pdf_is_marked_as_draft(db, tmp_path):
    data = pdf_bytes(form_data(small_evaluation(Evaluation.Status.DRAFT)))
    assert "草稿" in norm(pdf_text(data, tmp_path))


@needs_pdftotext
def test_approved_pdf_has_no_draft_mark(db, tmp_path):
    data = pdf_bytes(form_data(small_evaluation(Evaluation.Status.APPROVED)))
    text = norm(pdf_text(data, tmp_path))
    assert "草稿" not in text
    assert "参保人数" in text


@needs_pdftotext
def test_approved_pdf_prints_reviewer_and_approval_date(tmp_path):
    data = pdf_bytes(form(is_draft=False, reviewer="张审核", approved_on=date(2020, 5, 6)))
    text = norm(pdf_text(data, tmp_path))
    assert "审核人：张审核" in text and "审核日期：2020年5月6日" in text


# -- pages --------------------------------------------------------------------------------------


@needs_pdftotext
def test_sixty_line_form_repeats_the_indicator_heading_on_every_page(tmp_path):
    data = pdf_bytes(long_form(60))
    pages = len(PdfReader(BytesIO(data)).pages)
    assert pages >= 2
    for page in range(2, pages + 1):
        assert "三级指标" in norm(pdf_text(data, tmp_path, page=page)), page


@needs_pdftotext
def test_merged_level_cells_are_repeated_on_each_page_they_continue_on(tmp_path):
    data = pdf_bytes(long_form(60, level1="产出指标", level2="质量指标"))
    pages = len(PdfReader(BytesIO(data)).pages)
    assert pages >= 2  # otherwise there is no page to continue on
    for page in range(1, pages + 1):
        text = norm(pdf_text(data, tmp_path, page=page))
        assert "产出指标" in text and "质量指标" in text, page
        assert "绩效指标" in text, page


@needs_pdftotext
def test_every_line_of_a_long_form_is_printed_once(tmp_path):
    data = pdf_bytes(long_form(60))
    text = norm(pdf_text(data, tmp_path))
    for i in range(60):
        assert text.count(f"保障待遇享受人数第{i}项") == 1, i


@needs_pdftotext
def test_a_wrong_page_prediction_is_caught_and_measured_instead(monkeypatch, tmp_path):
    layouts = []
    real_layout = pdf._layout
    monkeypatch.setattr(pdf, "_predict_pages", lambda *args: {})  # "everything on page 1"
    monkeypatch.setattr(pdf, "_layout", lambda *a, **k: layouts.append(a) or real_layout(*a, **k))
    data = pdf_bytes(long_form(60, level2="质量指标"))
    assert len(layouts) >= 3  # the failed prediction, then measuring, then the cut layout
    pages = len(PdfReader(BytesIO(data)).pages)
    assert pages >= 2
    for page in range(2, pages + 1):
        assert "质量指标" in norm(pdf_text(data, tmp_path, page=page)), page


def test_a_single_table_measured_after_a_wrong_prediction_is_not_laid_out_again(monkeypatch):
    """Its page count differs from the prediction, but a single table numbers its own pages:
    nothing to renumber, so the predicted layout is tried once."""
    forced = []
    real_layout = pdf._layout
    monkeypatch.setattr(pdf, "_predict_pages", lambda *args: {})
    monkeypatch.setattr(
        pdf, "_layout", lambda *a, **k: forced.append(k["forced"]) or real_layout(*a, **k)
    )
    pdf_bytes(long_form(60))
    assert forced.count(True) == 1


def test_a_right_page_prediction_takes_one_layout(monkeypatch):
    layouts = []
    real_layout = pdf._layout
    monkeypatch.setattr(pdf, "_layout", lambda *a, **k: layouts.append(a) or real_layout(*a, **k))
    pdf_bytes(long_form(40))
    assert len(layouts) == 1


@needs_pdftotext
def test_signature_is_never_alone_on_a_page(tmp_path):
    # Over this range the last line ends at every height near the bottom of page 1.
    for n in range(18, 24):
        data = pdf_bytes(long_form(n))
        last_page = len(PdfReader(BytesIO(data)).pages)
        text = norm(pdf_text(data, tmp_path, page=last_page))
        assert "填表人" in text and "保障待遇享受人数" in text, n


# -- API ----------------------------------------------------------------------------------------


def test_render_pdf_takes_form_data_or_a_grid_and_writes_to_a_file_object(tmp_path):
    data = form(lines=[("产出指标", "数量指标", "参保人数", "≥1人", "2人")])
    with open(tmp_path / "a.pdf", "wb") as fh:
        render_pdf(data, fh)
    from_grid = BytesIO()
    render_pdf(build_grid(data), from_grid)
    assert (tmp_path / "a.pdf").read_bytes()[:5] == b"%PDF-"
    assert from_grid.getvalue()[:5] == b"%PDF-"


@needs_pdftotext
def test_typed_text_is_printed_verbatim_not_as_markup(tmp_path):
    data = pdf_bytes(
        form(lines=[("产出指标", "数量指标", "<b>粗体</b> & 1<2", "=1+1", "@SUM(A1)")])
    )
    text = norm(pdf_text(data, tmp_path))
    assert "<b>粗体</b>&1<2" in text and "=1+1" in text and "@SUM(A1)" in text


def test_the_quick_reading_of_the_print_html_gives_the_same_pdf_as_an_html5_parser(monkeypatch):
    data = form(
        lines=[("产出指标", "数量指标", "参保人数\n（含异地）", "<b>≥1</b> & 'x'", "2人\r\n3人")]
    )
    parsed = []
    real_fromstring = ElementTree.fromstring

    def fromstring(text):
        root = real_fromstring(text)
        parsed.append(root)
        return root

    monkeypatch.setattr(pdf.ElementTree, "fromstring", fromstring)
    quick = pdf_bytes(data)
    assert parsed  # the XML parser read the page, no fallback

    def refuse(text):
        raise ElementTree.ParseError("refused")

    monkeypatch.setattr(pdf.ElementTree, "fromstring", refuse)
    assert pdf_bytes(data) == quick


@pytest.mark.parametrize(
    "data",
    [
        long_form(45, level2="质量指标"),
        form(
            template=PROJECT_2020,
            lines=[("产出指标", "数量指标", "参保人数\n（含异地）", "≥355990人", "360800人")],
            is_draft=False,
            reviewer="张审核",
            approved_on=date(2021, 4, 2),
        ),
    ],
    ids=["draft-three-pages", "approved-with-line-break"],
)
def test_the_print_user_agent_stylesheet_prints_what_weasyprints_own_prints(data, monkeypatch):
    """static/css/print-ua.css must leave every page as WeasyPrint's HTML5 stylesheet lays it
    out: page margins and footer, title, bookmark, tables, line breaks in a cell."""
    from weasyprint import HTML

    quick = pdf_bytes(data)
    print_html, _ = pdf._html_classes()
    monkeypatch.setattr(print_html, "_ua_stylesheets", HTML._ua_stylesheets)
    assert pdf_bytes(data) == quick


@needs_pdftotext
def test_a_control_character_typed_into_a_value_still_prints_the_form(tmp_path):
    data = pdf_bytes(form(lines=[("产出指标", "数量指标", "参保\x0b人数", "≥6253人", "9595人")]))
    text = norm(pdf_text(data, tmp_path))
    assert "参保" in text and "人数" in text and "9595人" in text


@needs_pdftotext
def test_a_wide_rate_prints_on_one_line(tmp_path):
    from evaluations.exports.layout import FundValues

    funds = {
        "total": FundValues("年度资金总额", Decimal("6699"), Decimal("6699"), Decimal("661.11"))
    }
    data = pdf_bytes(form(template=PROJECT_2020, funds=funds))
    assert "9.87%" in pdf_text(data, tmp_path, mode="-layout")


# -- fonts and system checks --------------------------------------------------------------------


def text_by_font(data: bytes) -> dict[str, str]:
    """The text pypdf reads from a PDF, by the name of the font it is drawn with."""
    out: dict[str, str] = {}

    def visit(text, cm, tm, font_dict, font_size):
        if font_dict and text.strip():
            name = str(font_dict["/BaseFont"]).split("+", 1)[-1]
            out[name] = out.get(name, "") + text

    for page in PdfReader(BytesIO(data)).pages:
        page.extract_text(visitor_text=visit)
    return out


@needs_pdftotext
def test_rare_gbk_characters_print_from_the_second_bundled_face(tmp_path):
    # 喆 and 堃 are in GBK, not GB2312: FormSerifExt draws them, FormSerif the rest of the line.
    lines = [("产出指标", "数量指标", "喆堃社区义诊人次", "≥500人次", "620人次")]
    header = {"project_name": "堃喆社区卫生服务经费", "implementing_unit": "疏勒县医疗保障局"}
    data = pdf_bytes(form(lines=lines, header=header))
    assert embedded_fonts(data) >= {"FormSerif", "FormSerifExt"}
    by_font = text_by_font(data)
    assert {"喆", "堃"} <= set(by_font["FormSerifExt"])
    assert not {"喆", "堃"} & set(by_font["FormSerif"])
    text = norm(pdf_text(data, tmp_path))
    assert "喆堃社区义诊人次" in text
    assert "堃喆社区卫生服务经费" in text


def test_missing_glyphs_names_characters_the_bundled_font_lacks():
    assert fonts.missing_glyphs("项目支出绩效自评表 ≥99%\n") == set()
    assert fonts.missing_glyphs("王喆 李堃 陈玥") == set()  # outside GB2312, in FormSerifExt
    assert fonts.missing_glyphs("参保人数\U0001f600") == {"\U0001f600"}


def test_missing_glyphs_treats_everything_as_missing_without_the_font(monkeypatch, tmp_path):
    monkeypatch.setattr(fonts, "FONT_DIR", tmp_path)
    assert fonts.missing_glyphs("参保 人数") == {"参", "保", "人", "数"}


def test_font_check_warns_when_bundled_fonts_are_missing(monkeypatch, tmp_path):
    assert checks.check_bundled_fonts() == []
    monkeypatch.setattr(fonts, "FONT_DIR", tmp_path)
    [warning] = checks.check_bundled_fonts()
    assert warning.id == "evaluations.W001"
    for name in (
        "FormSerif-Regular",
        "FormSerif-Bold",
        "FormSerifExt-Regular",
        "FormSerifExt-Bold",
    ):
        assert name in warning.msg


def test_font_check_warns_when_only_the_rare_character_face_is_missing(tmp_path, monkeypatch):
    for path in fonts.FONT_DIR.glob("FormSerif-*.otf"):
        (tmp_path / path.name).symlink_to(path)
    monkeypatch.setattr(fonts, "FONT_DIR", tmp_path)
    [warning] = checks.check_bundled_fonts()
    assert "FormSerifExt-Regular, FormSerifExt-Bold" in warning.msg
    assert "FormSerif-Regular" not in warning.msg


def test_subsetter_check_warns_without_harfbuzz_subset(monkeypatch):
    assert checks.check_pdf_subsetter() == []  # libharfbuzz-subset0 is installed here
    monkeypatch.setattr(fonts, "harfbuzz_subset_available", lambda: False)
    [warning] = checks.check_pdf_subsetter()
    assert warning.id == "evaluations.W002"
    assert "apt-get install libharfbuzz-subset0" in warning.hint


def test_cut_pieces_of_a_merged_cell_share_its_text():
    rows = [
        pdf.PrintRow(0, "indicators", (pdf.PrintCell("产出指标", 1, 3, "k-label"),)),
        pdf.PrintRow(1, "indicators", ()),
        pdf.PrintRow(2, "indicators", ()),
    ]
    cut = pdf._cut_at_pages(pdf._place(rows), rows, {0: 0, 1: 0, 2: 1})
    assert [[(c.text, c.rowspan) for _, c in cells] for cells in cut] == [
        [("产出指标", 2)],
        [],
        [("产出指标", 1)],
    ]
    assert replace(cut[2][0][1], rowspan=3) == replace(cut[0][0][1], rowspan=3) == rows[0].cells[0]


def pdf_words(data: bytes, tmp_path) -> list[tuple[str, float, float]]:
    """Every word pdftotext finds, with its top and its height (the printed size, in pt)."""
    html = pdf_text(data, tmp_path, mode="-bbox")
    words = re.findall(
        r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', html
    )
    return [(text, float(y0), float(y1) - float(y0)) for y0, y1, text in words]


@needs_pdftotext
def test_execution_rate_column_fits_its_heading_and_value_at_full_size(tmp_path):
    """The 执行率 column is as wide as its heading and its longest figure: the heading on one
    line, the rate printed at the size of the amounts beside it, not shrunk."""
    funds = {
        row.key: FundValues(row.label, Decimal("1200"), Decimal("1200"), Decimal("1153.0912"))
        for row in PROJECT_2020.fund_rows
    }
    data = pdf_bytes(form(template=PROJECT_2020, funds=funds, budget_score=Decimal("9.61")))
    words = pdf_words(data, tmp_path)
    assert "执行率" in [text for text, _, _ in words]  # not 执行 / 率 on two lines
    amount = next(h for text, _, h in words if text == "1153.0912")
    rates = [h for text, _, h in words if text == "96.09%"]
    assert rates and all(abs(h - amount) < 0.2 for h in rates)


@needs_pdftotext
def test_last_line_and_signature_do_not_stand_alone_on_a_second_page(tmp_path):
    """A form one line too long for its page prints its rows slightly closer and stays on one
    page, rather than putting its last line and the signature alone on page 2; a form longer
    than that still takes the pages it needs."""
    data = pdf_bytes(long_form(22))
    assert len(PdfReader(BytesIO(data)).pages) == 1
    text = norm(pdf_text(data, tmp_path))
    assert "保障待遇享受人数第21项" in text and "填表人：王建国" in text
    assert len(PdfReader(BytesIO(pdf_bytes(long_form(30)))).pages) == 2
