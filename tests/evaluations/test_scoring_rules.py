"""A region's provincial scoring rules on its forms: inherited from the nearest ancestor for the
year, applied to the page, the printed form and the stored 总分, and cited with their source."""

import shutil
from decimal import Decimal

import pytest
from django.urls import reverse

from evaluations import services
from evaluations.models import Evaluation, Year
from evaluations.scoring import evaluation_score
from evaluations.selectors import form_data, form_scores, with_lines
from tests.evaluations.helpers import make_project_form
from tests.evaluations.test_export_pdf import norm, pdf_text
from tests.evaluations.test_scoring_on_forms import login, text_of
from tests.workbooks.import_books import export_bytes
from workbooks import services as import_service
from workbooks import xlsx_import as xi

D = Decimal

MANUAL = {
    "deviation_over_percent": D(30),
    "deviation_penalty": D(2),
    "execution_caps": [[80, 89], [70, 79], [60, 69], [50, 59]],
    "warning_ahead_percent": D(5),
    "warning_unspent_percent": D(20),
}
SOURCE = "自治区项目支出绩效自评操作手册"

# 产出 140 against ≥100: 50, overshoot 40 % → −2 = 48; 效益 30; 满意度 10.
LINES = [
    ("产出指标", "数量指标", "培训人数", "≥100人", "140人", "50", None, "年中增加培训班次"),
    ("效益指标", "社会效益指标", "知晓率", "≥90%", "95%", "30", None),
    ("满意度指标", "服务对象满意度指标", "满意度", "≥90%", "95%", "10", None),
]
# 预算执行率 55 %: 5.50. Sum 5.50 + 48 + 30 + 10 = 93.50; below 60 % → at most 69.


@pytest.fixture
def form(cast):
    return make_project_form(cast, LINES, budget="100", actual="55")


def stored(ev):
    return with_lines(Evaluation.objects.all()).get(pk=ev.pk)


def set_rules(cast, region, year=None, **changes):
    return services.scoring_rules_set(
        user=cast.reviewer,
        region=region,
        year=year or cast.year,
        figures={**MANUAL, **changes},
        source=SOURCE,
    )


def test_without_rules_the_form_scores_as_before(cast, form):
    score = evaluation_score(stored(form))
    assert score.total == D("95.50") and score.rules is None


def test_a_county_form_inherits_the_province_rules(cast, form):
    set_rules(cast, cast.regions.xj)
    score = evaluation_score(stored(form))
    assert [line.suggested for line in score.lines] == [D("48.00"), D("30.00"), D("10.00")]
    assert score.suggested_total == D("69.00") and score.total == D("69.00")
    assert score.grade == "中"
    assert "预算执行率55%，低于60%，总分不得超过69分，总分由93.5分降为69分。" in score.rules_notes


def test_the_nearest_region_wins_and_other_years_are_untouched(cast, form):
    set_rules(cast, cast.regions.xj)
    set_rules(cast, cast.regions.kashi, deviation_penalty=D(5), execution_caps=[])
    score = evaluation_score(stored(form))
    assert score.lines[0].suggested == D("45.00")
    assert score.total == D("90.50")  # 5.50 + 45 + 30 + 10, no cap in 喀什地区

    other_year = Year.objects.create(year=2021)
    set_rules(cast, cast.regions.xj, year=other_year, execution_caps=[[90, 50]])
    assert evaluation_score(stored(form)).total == D("90.50")


def test_the_form_page_shows_the_rules_with_their_source_and_the_warning(client, cast, form):
    set_rules(cast, cast.regions.xj)
    page = login(client, cast.reviewer).get(reverse("evaluation_detail", args=[form.pk]))
    text = text_of(page)
    assert f"评分规则（新疆维吾尔自治区评分规则（{SOURCE}））" in text
    assert "预算执行率低于80%不超过89分" in text
    assert "按规则扣2分" in text
    assert "总分由93.5分降为69分" in text
    assert "红色预警" in text  # lines 88/90 achieved against 55 % spent


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
def test_the_printed_form_cites_the_rules_and_prints_the_capped_total(client, cast, form, tmp_path):
    set_rules(cast, cast.regions.xj)
    response = login(client, cast.preparer).get(reverse("evaluation_pdf", args=[form.pk]))
    text = norm(pdf_text(b"".join(response.streaming_content), tmp_path))
    assert norm(f"新疆维吾尔自治区评分规则（{SOURCE}）") in text
    assert "总分由93.5分降为69分" in text
    assert "第1行扣2分（偏离规则）" in text


def test_an_imported_form_is_read_against_the_rules_of_its_region(cast, form):
    """The export prints 48 where the rules take 2 off the 50: read back under the same rules,
    48 is the suggestion, not a claim, and follows the rules when they change."""
    set_rules(cast, cast.regions.xj)
    data = export_bytes(form)
    form.delete()  # the copy takes its name

    copy = import_service.evaluation_import(
        user=cast.preparer, year=cast.year, parsed=xi.parse_workbook(data)
    )

    assert [line.score for line in copy.indicator_lines.all()] == [None, None, None]
    assert evaluation_score(stored(copy)).lines[0].final == D("48.00")
    set_rules(cast, cast.regions.kashi, deviation_penalty=D(5), execution_caps=[])
    assert evaluation_score(stored(copy)).lines[0].final == D("45.00")


def test_a_line_overshooting_by_the_set_share_needs_a_reason(cast):
    ev = make_project_form(cast, [LINES[0][:7], *LINES[1:]], budget="100", actual="55")
    ev.preparer = "阿依古丽"
    ev.save()
    from evaluations.scoring import submission_problems

    before = [p for p in submission_problems(stored(ev)) if "培训人数" in p]
    assert before == []  # 40 % is under the 10号 half
    set_rules(cast, cast.regions.xj)
    after = [p for p in submission_problems(stored(ev)) if "培训人数" in p]
    assert after and "偏离30%" in after[0]


def test_new_rules_rescore_handed_in_forms_and_the_summaries(cast, form):
    services.evaluation_transition(evaluation_id=form.pk, user=cast.preparer, action="submit")
    form.refresh_from_db()
    assert form.stored_total == D("95.50")
    assert form_scores([form])[form.pk] == (D("95.50"), "优")

    set_rules(cast, cast.regions.xj)
    form.refresh_from_db()
    assert form.stored_total == D("69.00") and form.stored_grade == "中"
    assert form_scores([form])[form.pk] == (D("69.00"), "中")


def test_form_data_needs_no_query_for_the_rules(cast, form, django_assert_num_queries):
    set_rules(cast, cast.regions.xj)
    ev = stored(form)
    with django_assert_num_queries(0):
        data = form_data(ev)
    assert data.total_score == D("69.00")


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
def test_an_approved_form_prints_its_new_total_after_the_rules_change(
    client, cast, form, tmp_path, django_capture_on_commit_callbacks
):
    services.evaluation_transition(evaluation_id=form.pk, user=cast.preparer, action="submit")
    services.evaluation_transition(evaluation_id=form.pk, user=cast.reviewer, action="approve")
    url = reverse("evaluation_pdf", args=[form.pk])
    login(client, cast.preparer)
    before = norm(pdf_text(b"".join(client.get(url).streaming_content), tmp_path))
    assert "评分规则" not in before
    # The stored PDF (evaluations.printed) is discarded once the new rules are committed.
    with django_capture_on_commit_callbacks(execute=True):
        set_rules(cast, cast.regions.xj)
    after = norm(pdf_text(b"".join(client.get(url).streaming_content), tmp_path))
    assert "总分由93.5分降为69分" in after


def test_the_warning_is_stored_and_shown_on_the_board_and_the_summary(client, cast, form):
    from tests.seasons.helpers import issue

    issue(cast, templates=("project_2020",))
    set_rules(cast, cast.regions.xj)
    services.evaluation_transition(evaluation_id=form.pk, user=cast.preparer, action="submit")
    form.refresh_from_db()
    assert form.stored_warning == "red"  # lines 88/90 achieved, 55 % spent

    login(client, cast.reviewer)
    board = client.get(reverse("seasons:board"), {"year": 2020})
    row = next(r for r in board.context["rows"] if r.evaluation_id == form.pk)
    assert row.warning == "red" and "红色预警" in text_of(board)

    summary = client.get(reverse("summary_region", args=[2020, cast.regions.shule.pk]))
    assert summary.context["summary"].total.scores.warnings["red"] == 1
    assert "红色预警" in text_of(summary)

    # The rules relaxed: the stored warning follows.
    set_rules(cast, cast.regions.xj, warning_ahead_percent=D(50))
    form.refresh_from_db()
    assert form.stored_warning == "yellow"  # 45 % unspent > 20 %


def test_the_administrator_sets_rules_through_the_service(client, cast, form, admin_user):
    services.evaluation_transition(evaluation_id=form.pk, user=cast.preparer, action="submit")
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:evaluations_scoringruleset_add"),
        {
            "region": cast.regions.xj.pk,
            "year": cast.year.pk,
            "deviation_over_percent": "30",
            "deviation_penalty": "2",
            "execution_caps": "[[80, 89], [70, 79], [60, 69], [50, 59]]",
            "warning_ahead_percent": "",
            "warning_unspent_percent": "",
            "source": SOURCE,
        },
    )
    assert response.status_code == 302
    form.refresh_from_db()
    assert form.stored_total == D("69.00")


def test_the_edit_page_suggests_and_checks_claims_under_the_rules(client, cast, form):
    from tests.evaluations.helpers import edit_post

    set_rules(cast, cast.regions.xj)
    login(client, cast.preparer)
    url = reverse("evaluation_edit", args=[form.pk])
    page = client.get(url)
    assert page.context["score"].lines[0].suggested == D("48.00")
    # Claiming the suggestion under the rules needs no reason.
    data = edit_post(stored(form), **{"lines-0-score": "48"})
    assert client.post(url, data).status_code == 302
    assert stored(form).indicator_lines.order_by("order").first().score == D("48.00")
