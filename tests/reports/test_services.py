"""Saving the report: untouched sections follow the figures, edited ones are kept and go stale,
stale ones are resolved; stale pages and other people's saves are refused; submission needs the
required sections."""

from decimal import Decimal

import pytest

from evaluations import services as evaluation_services
from evaluations.models import Evaluation, FundLine
from reports import services
from reports.models import ReportSection
from reports.selectors import report_view
from tests.conftest import make_evaluation
from tests.reports.helpers import fresh, project_form


def save(ev, user, texts, **kwargs):
    view = report_view(fresh(ev))
    return services.report_save(
        evaluation_id=ev.pk,
        user=user,
        expected_version=kwargs.pop("version", view.version),
        figures_fingerprint=kwargs.pop("figures", view.figures_fingerprint),
        texts=texts,
        **kwargs,
    )


def change_actual(ev, amount: str):
    FundLine.objects.filter(evaluation=ev, row_key="total").update(actual=Decimal(amount))


@pytest.fixture
def form(cast):
    return project_form(cast)


def test_changed_figure_regenerates_untouched_and_marks_edited_stale(cast, form):
    before = report_view(form)
    basic = before.section("basic").text + "\n资金使用规范。"
    # The preparer edits 一、基本情况 and saves the rest as drafted.
    save(form, cast.preparer, {s.key: s.text for s in before.sections} | {"basic": basic})
    assert ReportSection.objects.filter(report__evaluation=form).count() == 1  # only the edit

    # 全年执行数 96.40 → 108.45: 108.45 / 120.50 = 0.9 → 执行率90%, 预算执行率得分 10 × 0.9 = 9.
    change_actual(form, "108.45")
    after = report_view(fresh(form))
    conclusion = after.section("conclusion")
    assert not conclusion.edited and not conclusion.stale
    assert "预算执行率得分9分" in conclusion.text  # untouched: drafted again
    edited = after.section("basic")
    assert edited.text == basic  # kept as typed
    assert edited.stale
    assert "全年执行数108.45万元，执行率90%" in edited.draft.text  # the new draft beside it
    # A section that does not quote the amounts is not disturbed.
    assert not after.section("goals").stale


def test_adopting_the_new_draft_clears_the_stale_mark(cast, form):
    view = report_view(form)
    save(form, cast.preparer, {"basic": view.section("basic").text + "补充。"})
    change_actual(form, "108.45")
    save(form, cast.preparer, {}, adopt=frozenset({"basic"}))
    state = report_view(fresh(form)).section("basic")
    assert (state.stale, state.edited) == (False, False)
    assert "执行率90%" in state.text


def test_keeping_own_text_clears_the_stale_mark_and_keeps_the_words(cast, form):
    typed = report_view(form).section("basic").text + "补充。"
    save(form, cast.preparer, {"basic": typed})
    change_actual(form, "108.45")
    view = report_view(fresh(form))
    # Saving other sections leaves a stale one stale …
    save(form, cast.preparer, {s.key: s.text for s in view.sections})
    assert report_view(fresh(form)).section("basic").stale
    # … until the preparer keeps it explicitly.
    save(form, cast.preparer, {"basic": typed}, keep=frozenset({"basic"}))
    state = report_view(fresh(form)).section("basic")
    assert (state.text, state.stale, state.edited) == (typed, False, True)


def test_save_from_a_page_drafted_before_the_figures_changed_is_refused(cast, form):
    old = report_view(form)
    change_actual(form, "108.45")
    with pytest.raises(services.FiguresChanged):
        save(form, cast.preparer, {"basic": "新文字"}, figures=old.figures_fingerprint)
    assert not ReportSection.objects.exists()


def test_save_over_a_newer_version_is_refused_with_who_saved(cast, form):
    save(form, cast.preparer, {"improvements": "加强管理。"})
    with pytest.raises(evaluation_services.EvaluationError) as refused:
        save(form, cast.colleague, {"improvements": "另一种写法。"}, version=0)
    assert "阿依古丽" in refused.value.message
    assert report_view(fresh(form)).section("improvements").text == "加强管理。"


def test_only_the_units_preparer_may_save_and_only_while_editable(cast, form):
    for user in (cast.reviewer, cast.viewer, cast.other_preparer):
        with pytest.raises(evaluation_services.EvaluationError):
            save(form, user, {"improvements": "x"})
    Evaluation.objects.filter(pk=form.pk).update(status=Evaluation.Status.SUBMITTED)
    with pytest.raises(evaluation_services.EvaluationError) as refused:
        save(form, cast.preparer, {"improvements": "x"})
    assert refused.value.message == "该自评表当前状态为“已提交”，不能修改。"
    assert not ReportSection.objects.exists()


def test_text_is_kept_verbatim_apart_from_line_ends(cast, form):
    save(form, cast.preparer, {"improvements": "第一段。  \r\n第二段＝=+1\r\n"})
    assert report_view(fresh(form)).section("improvements").text == "第一段。\n第二段＝=+1"


def test_submission_refused_while_a_required_section_is_empty(cast, form):
    save(form, cast.preparer, {"problems": "   "})
    with pytest.raises(evaluation_services.SubmissionIncomplete) as refused:
        evaluation_services.evaluation_transition(
            evaluation_id=form.pk, user=cast.preparer, action="submit"
        )
    assert "自评报告“四、存在的主要问题”尚未填写，请在自评报告页填写后再提交。" in (
        refused.value.problems
    )
    assert Evaluation.objects.get(pk=form.pk).status == Evaluation.Status.DRAFT


def test_submission_goes_through_once_the_section_is_written_again(cast):
    ev = make_evaluation(
        cast.preparer,
        cast.year,
        lines=[
            ("项目完成指标", "数量指标", "保障城镇职工基本医疗待遇享受人数", "≥10万人", "128267"),
            ("满意度指标", "满意度指标", "参保人员满意度", "≥90%", "95%"),
        ],
    )
    save(ev, cast.preparer, {"basic": ""})
    with pytest.raises(evaluation_services.SubmissionIncomplete) as refused:
        evaluation_services.evaluation_transition(
            evaluation_id=ev.pk, user=cast.preparer, action="submit"
        )
    assert refused.value.problems == [
        "自评报告“一、基本情况”尚未填写，请在自评报告页填写后再提交。"
    ]
    save(ev, cast.preparer, {"basic": "城镇职工医疗保险基金支出。"})
    evaluation_services.evaluation_transition(
        evaluation_id=ev.pk, user=cast.preparer, action="submit"
    )
    assert Evaluation.objects.get(pk=ev.pk).status == Evaluation.Status.SUBMITTED
