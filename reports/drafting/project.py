"""The drafters of the forms of a project (项目支出, 中央对地方转移支付, 社会保险基金) and their
outlines: the form's own amounts, goals and indicator lines, stated once each."""

from __future__ import annotations

from decimal import Decimal

from evaluations.exports.layout import format_points, format_rate

from .figures import Draft, FundFigure, LineFigure, ReportFigures, SectionDef
from .text import STATUS_WORDS, as_sentence, clean_label, money, quote, sub


def draft_preface(f: ReportFigures) -> Draft:
    text = (
        f"为加强预算绩效管理，提高财政资金使用效益，{f.unit}对{f.year}年度"
        f"{quote(f.project_name)}开展了绩效自评，对照《{f.form_title}》逐项核实资金使用和"
        "绩效目标完成情况，现将自评情况报告如下。"
    )
    return Draft(text, (f.unit, f.year, f.project_name, f.form_title))


def _fund_amounts(f: ReportFigures, fund: FundFigure) -> list[str]:
    parts = []
    for key in ("budget_initial", "budget", "actual"):
        value = getattr(fund, key)
        if key in f.amount_labels and value is not None:
            parts.append(f"{f.amount_labels[key]}{money(value, f.money_unit)}")
    if fund.rate is not None:
        parts.append(f"执行率{format_rate(fund.rate)}")
    return parts


def _same_amounts(a: FundFigure, b: FundFigure) -> bool:
    return (a.budget_initial, a.budget, a.actual) == (b.budget_initial, b.budget, b.actual)


def draft_basic(f: ReportFigures) -> Draft:
    """一、基本情况: the head cells, then the money and 执行率 of every fund row that has any."""
    about = f"{quote(f.project_name)}是{f.unit}{f.year}年度的项目"
    details = [f"{label}为{value.strip()}" for label, value in f.header if value.strip()]
    out = [sub(1, "项目概况"), "，".join([about, *details]) + "。"]

    out.append(sub(2, "资金投入和使用情况"))
    total = next((x for x in f.funds if x.is_total), None)
    subrows = [(x, _fund_amounts(f, x)) for x in f.funds if not x.is_total]
    subrows = [(x, parts) for x, parts in subrows if parts]
    total_parts = _fund_amounts(f, total) if total else []
    if not total_parts and not subrows:
        out.append("项目资金尚未填写。")
    else:
        text = ""
        if total_parts:
            label = clean_label(total.label).removeprefix("年度")
            text = f"{f.year}年度{label}" + "，".join(total_parts) + "。"
        if len(subrows) == 1 and total_parts and _same_amounts(subrows[0][0], total):
            # One source of all the money: naming it says it all, without restating the figures.
            text += f"资金全部为{clean_label(subrows[0][0].label)}。"
        elif subrows:
            pieces = [clean_label(x.label) + "，".join(parts) for x, parts in subrows]
            text += ("其中：" if total_parts else "项目资金：") + "；".join(pieces) + "。"
        out.append(text)
    basis = (
        f.project_name,
        f.unit,
        f.year,
        f.header,
        f.money_unit,
        [(x.label, x.budget_initial, x.budget, x.actual) for x in f.funds],
    )
    return Draft("\n".join(out), basis)


def _line_sentence(f: ReportFigures, line: LineFigure) -> str:
    name = line.level3.strip() or "（未填写三级指标）"
    level2 = f"{line.level2.strip()}" if line.level2.strip() else ""
    text = f"{level2}{quote(name)}，{f.target_label}{line.target.strip() or '未填写'}，"
    text += f"{f.actual_label}{line.actual.strip() or '未填写'}，{STATUS_WORDS[line.status]}"
    if f.scored and line.weight is not None:
        score = format_points(line.score) + "分" if line.score is not None else "待定"
        text += f"（分值{format_points(line.weight)}分，得分{score}）"
    return text


def draft_goals(f: ReportFigures) -> Draft:
    """二、绩效目标及完成情况: the goals as typed, then every indicator line against its target."""
    out = [sub(1, "年度总体目标")]
    planned, actual = f.goal_planned.strip(), f.goal_actual.strip()
    out.append(f"{f.goal_labels[0]}：{as_sentence(planned) if planned else '未填写。'}")
    out.append(f"{f.goal_labels[1]}：{as_sentence(actual) if actual else '未填写。'}")
    out.append(sub(2, "绩效指标完成情况"))
    if not f.lines:
        out.append("尚未填写绩效指标。")
    groups: dict[str, list[LineFigure]] = {}
    for line in f.lines:
        groups.setdefault(line.group or line.level1.strip() or "其他指标", []).append(line)
    for i, (level1, lines) in enumerate(groups.items(), start=1):
        sentences = "；".join(_line_sentence(f, line) for line in lines)
        out.append(f"{i}．{level1}：{sentences}。")
    basis = (
        f.goal_labels,
        planned,
        actual,
        f.target_label,
        f.actual_label,
        f.scored,
        [
            (x.level1, x.level2, x.level3, x.target, x.actual, x.status, x.weight, x.score)
            for x in f.lines
        ],
    )
    return Draft("\n".join(out), basis)


def _counts(f: ReportFigures) -> str:
    n = len(f.lines)
    counts = {s: sum(1 for x in f.lines if x.status == s) for s in STATUS_WORDS}
    text = f"本项目共设三级指标{n}个，其中达成{counts['met']}个"
    if counts["not_met"]:
        text += f"，未达成{counts['not_met']}个"
    if counts["needs_review"]:
        text += f"，需人工判断完成情况{counts['needs_review']}个"
    return text + "。"


def draft_conclusion(f: ReportFigures) -> Draft:
    """三、绩效自评结论: the counts of lines met; on forms with points the 预算执行率 score, the
    score of each 一级指标, the 总分 and the grade (evaluations.scoring)."""
    out = [f"对照《{f.form_title}》逐项自评，{_counts(f)}"]
    basis: list = [f.form_title, [x.status for x in f.lines]]
    not_met = sum(1 for x in f.lines if x.status == "not_met")
    if f.scored:
        parts = []
        if f.budget_weight is not None:
            score = format_points(f.budget_score) + "分" if f.budget_score is not None else "待定"
            parts.append(f"预算执行率得分{score}（分值{format_points(f.budget_weight)}分）")
        for level1, weight in f.level1_weights.items():
            scores = [x.score for x in f.lines if (x.group or x.level1.strip()) == level1]
            if scores and all(s is not None for s in scores):
                got = sum(scores, Decimal(0))
                parts.append(f"{level1}得分{format_points(got)}分（满分{format_points(weight)}分）")
        pending = sum(1 for x in f.lines if x.weight is not None and x.score is None)
        text = "；".join(parts)
        if f.total_score is not None and not pending:
            text += f"。自评总分{format_points(f.total_score)}分"
            if f.total_points is not None:
                text += f"（满分{format_points(f.total_points)}分）"
            text += f"，自评等级为{quote(f.grade)}。"
        else:
            text += f"。尚有{pending}个指标未确定得分，自评总分待定。"
        out.append(text.lstrip("。"))
        basis += [
            f.budget_weight,
            f.budget_score,
            dict(f.level1_weights),
            [(x.level1, x.weight, x.score) for x in f.lines],
            f.total_points,
            f.total_score,
            f.grade,
        ]
    if not f.lines:
        out.append("尚未填写绩效指标，无法得出自评结论。")
    elif not_met:
        out.append("未达成的指标，其原因及改进措施见下文。")
    elif all(x.status == "met" for x in f.lines):
        out.append("总体看，本项目全面完成了年度绩效目标。")
    else:
        out.append("其余指标的完成情况需结合实际情况进一步说明。")
    return Draft("\n".join(out), tuple(basis))


def draft_problems(f: ReportFigures) -> Draft:
    """四、存在的主要问题: every line that missed or far overshot its target, with the deviation
    reason typed on the form (its column, or the form's 偏差原因 block) as the draft."""
    flagged = [x for x in f.lines if x.needs_reason]
    out = []
    for i, line in enumerate(flagged, start=1):
        what = "实际完成值超出年度指标值较多" if line.overshoot else "未达成年度指标值"
        text = f"{i}．{quote(line.level3.strip())}{what}。"
        if f.deviation_place == "line":
            reason = line.deviation.strip()
            text += f"偏差原因：{as_sentence(reason)}" if reason else "偏差原因待补充。"
        out.append(text)
    block = f.deviation_reason.strip()
    if f.deviation_place == "form" and block:
        out.append(f"偏差原因：{as_sentence(block)}")
    elif f.deviation_place == "form" and flagged:
        out.append("偏差原因待补充。")
    if not out:
        out.append("经自评，本项目没有未达成或明显超出年度指标值的绩效指标，未发现需要说明的偏差。")
    basis = (
        f.deviation_place,
        block,
        [(x.level3, x.overshoot, x.deviation) for x in flagged],
    )
    return Draft("\n".join(out), basis)


def draft_improvements(f: ReportFigures) -> Draft:
    flagged = any(x.needs_reason for x in f.lines)
    if flagged:
        text = (
            "针对上述问题，本单位将认真分析偏差原因，加强预算执行监控和项目管理，科学合理设定"
            "绩效目标和指标值，按期完成整改，并将自评结果作为以后年度预算安排和政策调整的重要参考。"
        )
    else:
        text = (
            "本单位将继续加强预算绩效管理，巩固绩效目标完成成果，并将自评结果作为以后年度"
            "预算安排和政策调整的重要参考。"
        )
    return Draft(text, (flagged,))


def draft_remarks(f: ReportFigures) -> Draft:
    return Draft(as_sentence(f.remarks) if f.remarks.strip() else "", (f.remarks.strip(),))


# -- outlines ---------------------------------------------------------------------------------

PREFACE = SectionDef("preface", "", False, draft_preface)
BASIC = SectionDef("basic", "一、基本情况", True, draft_basic)
GOALS = SectionDef("goals", "二、绩效目标及完成情况", True, draft_goals)
PROBLEMS = SectionDef("problems", "四、存在的主要问题", True, draft_problems)
IMPROVEMENTS = SectionDef("improvements", "五、改进措施", False, draft_improvements)

PROJECT_SECTIONS = (
    PREFACE,
    BASIC,
    GOALS,
    SectionDef("conclusion", "三、绩效自评结论（得分与等级）", True, draft_conclusion),
    PROBLEMS,
    IMPROVEMENTS,
)
# Forms without points (中央对地方转移支付 2019, 社会保险基金): the conclusion is the count met.
UNSCORED_SECTIONS = (
    PREFACE,
    BASIC,
    GOALS,
    SectionDef("conclusion", "三、绩效自评结论", True, draft_conclusion),
    PROBLEMS,
    IMPROVEMENTS,
)
TRANSFER_SECTIONS = (
    *UNSCORED_SECTIONS,
    SectionDef("remarks", "六、其他需要说明的事项", False, draft_remarks),
)
