"""Drafting: the stored figures in, the paragraphs out — checked by hand, each figure once."""

import re
from decimal import Decimal

from django.core.management import call_command

from evaluations.models import Evaluation
from reports.drafting import (
    Draft,
    SectionDef,
    Stored,
    is_subheading,
    section_state,
    sections_for,
)
from reports.selectors import report_view
from tests.conftest import make_evaluation
from tests.reports.helpers import fresh, project_form

# 执行率 = 全年执行数 / 全年预算数: 96.40 / 120.50 = 0.8 → 80%; 90.00 / 110.00 = 0.81818 → 81.82%;
# 6.40 / 10.50 = 0.60952 → 60.95%.
BASIC = (
    "（一）项目概况\n"
    "“城乡居民医保补助资金”是疏勒县医疗保障局2020年度的项目，主管部门为疏勒县医疗保障局，"
    "实施单位为疏勒县医疗保障局。\n"
    "（二）资金投入和使用情况\n"
    "2020年度资金总额年初预算数130.00万元，全年预算数120.50万元，全年执行数96.40万元，"
    "执行率80%。其中：当年财政拨款年初预算数109.00万元，全年预算数110.00万元，"
    "全年执行数90.00万元，执行率81.82%；上年结转资金全年预算数10.50万元，全年执行数6.40万元，"
    "执行率60.95%。"
)
# 预算执行率 10 × 80% = 8; 参保人数 30 × min(360800/355990, 1) = 30; 审核拨付 claimed 0;
# 基金运行 claimed 24; 满意度 10 × min(95/90, 1) = 10. 总分 8 + 30 + 0 + 24 + 10 = 72 → 中 (60–80).
CONCLUSION = (
    "对照《项目支出绩效自评表》逐项自评，本项目共设三级指标4个，其中达成3个，未达成1个。\n"
    "预算执行率得分8分（分值10分）；产出指标得分30分（满分50分）；效益指标得分24分（满分30分）；"
    "满意度指标得分10分（满分10分）。自评总分72分（满分100分），自评等级为“中”。\n"
    "未达成的指标，其原因及改进措施见下文。"
)


def whole(view) -> str:
    return "\n".join(s.text for s in view.sections)


def test_project_report_states_the_stored_amounts_and_rates(cast):
    view = report_view(project_form(cast))
    assert view.section("basic").text == BASIC
    assert view.section("conclusion").text == CONCLUSION
    assert view.section("problems").text == (
        "1．“审核拨付”未达成年度指标值。偏差原因：系统招标延期，明年一季度完成。"
    )
    goals = view.section("goals").text
    assert "时效指标“审核拨付”，年度指标值90日内完成审核拨付，实际完成值正在招标，未达成" in goals
    assert "（分值30分，得分24分）" in goals


def test_each_figure_is_stated_once_in_the_whole_report(cast):
    text = whole(report_view(project_form(cast)))
    for figure in (
        "130.00万元",
        "120.50万元",
        "96.40万元",
        "执行率80%",
        "执行率81.82%",
        "10.50万元",
        "6.40万元",
        "执行率60.95%",
        "预算执行率得分8分",
        "自评总分72分",
        "“中”",
        "≥355990人",
        "360800人",
        "（分值20分，得分0分）",
    ):
        # Not part of a longer number (6.40 inside 96.40).
        assert len(re.findall(rf"(?<![\d.]){re.escape(figure)}", text)) == 1, figure


def test_demo_project_form_report_quotes_its_amounts_and_rate_as_stored(db):
    call_command("load_demo", verbosity=0)
    ev = fresh(Evaluation.objects.get(project_name="城乡居民基本医疗保险配套资金"))
    view = report_view(ev)
    total = ev.fund_lines.get(row_key="total")
    assert total.actual == Decimal("2209.83")
    # 2209.83 / 2209.83 = 100 %; the one source holds all of it, so it is named, not restated.
    assert (
        "2019年度资金总额年初预算数2209.83万元，全年预算数2209.83万元，全年执行数2209.83万元，"
        "执行率100%。资金全部为当年财政拨款。"
    ) in view.section("basic").text
    assert whole(view).count("执行率100%") == 1
    assert "区级财政配套资金”，年度指标值≥2209.83万元，实际完成值2209.83万元，已达成" in (
        view.section("goals").text
    )


def test_unscored_form_concludes_with_the_count_met_and_no_points(cast):
    ev = fresh(
        make_evaluation(
            cast.preparer,
            cast.year,
            lines=[
                ("项目完成指标", "数量指标", "享受待遇人数", "≥10万人", "128267"),
                ("满意度指标", "满意度指标", "满意度", "≥90%", "80%"),
            ],
            funds={"total": {"budget": "11431.62", "actual": "30405.81"}},
        )
    )
    view = report_view(ev)
    assert [s.definition.title for s in view.sections][1:4] == [
        "一、基本情况",
        "二、绩效目标及完成情况",
        "三、绩效自评结论",
    ]
    # 30405.81 / 11431.62 = 2.65981… → 265.98% (remittances upward count as spending).
    assert "2020年度资金合计预算数11431.62万元，执行数30405.81万元，执行率265.98%。" in (
        view.section("basic").text
    )
    conclusion = view.section("conclusion").text
    assert conclusion.startswith(
        "对照《社会保险基金支出绩效自评表》逐项自评，本项目共设三级指标2个"
    )
    assert "其中达成1个，未达成1个" in conclusion
    assert "分" not in conclusion.replace("部分", "")
    # The form's one 偏差原因 block is empty: the draft says so.
    assert view.section("problems").text == "1．“满意度”未达成年度指标值。\n偏差原因待补充。"


def test_sections_are_data_per_template_kind():
    assert [s.key for s in sections_for("project_2020")] == [
        "preface",
        "basic",
        "goals",
        "conclusion",
        "problems",
        "improvements",
    ]
    assert [s.title for s in sections_for("transfer_payment_2019")][-1] == "六、其他需要说明的事项"
    required = {s.key for s in sections_for("project_2020") if s.required}
    assert required == {"basic", "goals", "conclusion", "problems"}
    # A kind not yet listed (部门整体) falls back to the project outline until its drafters exist.
    assert sections_for("department_wide") == sections_for("project_2020")


def test_untouched_follows_the_draft_and_edited_goes_stale_when_its_figures_change():
    definition = SectionDef("basic", "一、基本情况", True, lambda f: Draft(""))
    old, new = Draft("执行率80%。", ("80",)), Draft("执行率90%。", ("90",))
    untouched = Stored(old.text, old.text, old.fingerprint)
    edited = Stored("执行率80%，较上年提高。", old.text, old.fingerprint)

    assert section_state(definition, new, None).text == new.text
    assert section_state(definition, new, untouched).text == new.text
    state = section_state(definition, new, edited)
    assert (state.text, state.edited, state.stale) == (edited.text, True, True)
    assert section_state(definition, old, edited).stale is False


def test_subheadings_are_recognised_by_their_numbering():
    assert is_subheading("（一）项目概况")
    assert not is_subheading("（一）项目概况。本项目……")
    assert not is_subheading("一、基本情况")
