"""The 自评报告 drafted from a form's stored figures: figures in, Chinese paragraphs out.

Plain Python (no Django). A report is a list of sections per template kind, each a
`SectionDef(key, title, required, draft)`; `draft(figures)` returns the section's text and the
figures it was drafted from (`Draft.basis`), whose fingerprint tells later whether the section
must be drafted again. A new kind of form (部门整体支出) is a new tuple in `SECTIONS` with drafters
reading `ReportFigures.extra`; nothing else changes.

Figures are formatted by the same functions as the printed forms (`evaluations.exports.layout`),
and each stored figure is stated once in the whole report: the amounts and 执行率 in 一、基本情况,
each indicator's target, actual, points and score in 二, the totals, 预算执行率 score and grade in 三.
Seed 002 shows why: a report written by hand quoted 基本支出 as 400.78 in one paragraph and 290.61
in another. Texts a person typed on the form (goals, targets, deviation reasons) are quoted as typed.

Outline: seed 002's report (一 基本情况 … 存在的主要问题 / 有关建议) and the official content list of a
绩效评价报告 (基本概况; 目标实现程度; 存在问题及原因; 评价结论及建议 — 财预〔2011〕285号 报告范本).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from evaluations.exports.layout import format_amount, format_points, format_rate, rate_of

# -- the figures a report is drafted from ------------------------------------------------------


@dataclass(frozen=True)
class FundFigure:
    key: str
    label: str
    is_total: bool = False
    budget_initial: Decimal | None = None
    budget: Decimal | None = None
    actual: Decimal | None = None

    @property
    def rate(self) -> Decimal | None:
        return rate_of(self.budget, self.actual)


@dataclass(frozen=True)
class LineFigure:
    """One indicator line as stored, with its judgement (indicators.judgement) and final score."""

    level1: str
    level2: str
    level3: str
    target: str
    actual: str
    status: str  # met / not_met / needs_review
    needs_reason: bool = False
    overshoot: bool = False
    weight: Decimal | None = None
    score: Decimal | None = None
    deviation: str = ""


@dataclass(frozen=True)
class ReportFigures:
    template_code: str
    form_title: str
    year: int
    unit: str
    project_name: str
    # (label, value) of the head cells after the project name, as printed.
    header: tuple[tuple[str, str], ...] = ()
    money_unit: str = "万元"
    # Labels of the template's amount columns: {"budget_initial": "年初预算数", …}.
    amount_labels: Mapping[str, str] = field(default_factory=dict)
    funds: tuple[FundFigure, ...] = ()
    goal_labels: tuple[str, str] = ("预期目标", "实际完成情况")
    goal_planned: str = ""
    goal_actual: str = ""
    target_label: str = "年度指标值"
    actual_label: str = "实际完成值"
    lines: tuple[LineFigure, ...] = ()
    # Where 偏差原因 are written: "line" (a column), "form" (one block), "" (nowhere).
    deviation_place: str = "line"
    deviation_reason: str = ""
    remarks: str = ""
    scored: bool = False
    level1_weights: Mapping[str, Decimal] = field(default_factory=dict)
    budget_weight: Decimal | None = None
    budget_score: Decimal | None = None
    total_points: Decimal | None = None
    total_score: Decimal | None = None
    grade: str = ""
    # Figures beyond the form's own, for kinds that need them (部门整体: 基础数据表).
    extra: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Draft:
    text: str
    basis: tuple = ()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.basis)


def fingerprint(basis) -> str:
    """A stable digest of the figures a draft was made from (Decimals by their exact text)."""
    payload = json.dumps(basis, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class SectionDef:
    key: str
    title: str  # as printed ("一、基本情况"); "" for the opening paragraph, printed without one
    required: bool
    draft: Callable[[ReportFigures], Draft]

    @property
    def label(self) -> str:
        return self.title or "开头语"


# -- formatting ---------------------------------------------------------------------------------

_SUB = "（{n}）{title}"
_CN_NUMBERS = "一二三四五六七八九十"
# A line of its own: （一） and a short title without sentence punctuation.
SUBHEADING = re.compile(r"^（[一二三四五六七八九十]+）[^\s。；，！？,;!?]{1,30}$")


def cn(n: int) -> str:
    """1 → 一 … 10 → 十 (sections and sub-headings never go further)."""
    return _CN_NUMBERS[n - 1] if 1 <= n <= 10 else str(n)


def sub(n: int, title: str) -> str:
    return _SUB.format(n=cn(n), title=title)


def _money(value: Decimal, unit: str) -> str:
    return f"{format_amount(value)}{unit}"


def _clean_label(label: str) -> str:
    label = label.strip().removeprefix("其中：").removeprefix("其中:").rstrip("：:").strip()
    # The 社会保险基金 form calls its total row just 合计.
    return "资金合计" if label == "合计" else label


def _quote(text: str) -> str:
    return f"“{text.strip()}”"


def _sentence(text: str) -> str:
    """A typed text as a sentence: trimmed, ending in 。 unless it already ends in punctuation."""
    text = text.strip()
    if text and text[-1] not in "。！？；.!?;":
        text += "。"
    return text


def is_subheading(paragraph: str) -> bool:
    return bool(SUBHEADING.match(paragraph.strip()))


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in (text or "").split("\n") if p.strip()]


STATUS_WORDS = {"met": "已达成", "not_met": "未达成", "needs_review": "完成情况需人工判断"}


# -- the drafters ------------------------------------------------------------------------------


def draft_preface(f: ReportFigures) -> Draft:
    text = (
        f"为加强预算绩效管理，提高财政资金使用效益，{f.unit}对{f.year}年度"
        f"{_quote(f.project_name)}开展了绩效自评，对照《{f.form_title}》逐项核实资金使用和"
        "绩效目标完成情况，现将自评情况报告如下。"
    )
    return Draft(text, (f.unit, f.year, f.project_name, f.form_title))


def _fund_amounts(f: ReportFigures, fund: FundFigure) -> list[str]:
    parts = []
    for key in ("budget_initial", "budget", "actual"):
        value = getattr(fund, key)
        if key in f.amount_labels and value is not None:
            parts.append(f"{f.amount_labels[key]}{_money(value, f.money_unit)}")
    if fund.rate is not None:
        parts.append(f"执行率{format_rate(fund.rate)}")
    return parts


def _same_amounts(a: FundFigure, b: FundFigure) -> bool:
    return (a.budget_initial, a.budget, a.actual) == (b.budget_initial, b.budget, b.actual)


def draft_basic(f: ReportFigures) -> Draft:
    """一、基本情况: the head cells, then the money and 执行率 of every fund row that has any."""
    about = f"{_quote(f.project_name)}是{f.unit}{f.year}年度的项目"
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
            label = _clean_label(total.label).removeprefix("年度")
            text = f"{f.year}年度{label}" + "，".join(total_parts) + "。"
        if len(subrows) == 1 and total_parts and _same_amounts(subrows[0][0], total):
            # One source of all the money: naming it says it all, without restating the figures.
            text += f"资金全部为{_clean_label(subrows[0][0].label)}。"
        elif subrows:
            pieces = [_clean_label(x.label) + "，".join(parts) for x, parts in subrows]
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
    text = f"{level2}{_quote(name)}，{f.target_label}{line.target.strip() or '未填写'}，"
    text += f"{f.actual_label}{line.actual.strip() or '未填写'}，{STATUS_WORDS[line.status]}"
    if f.scored and line.weight is not None:
        score = format_points(line.score) + "分" if line.score is not None else "待定"
        text += f"（分值{format_points(line.weight)}分，得分{score}）"
    return text


def draft_goals(f: ReportFigures) -> Draft:
    """二、绩效目标及完成情况: the goals as typed, then every indicator line against its target."""
    out = [sub(1, "年度总体目标")]
    planned, actual = f.goal_planned.strip(), f.goal_actual.strip()
    out.append(f"{f.goal_labels[0]}：{_sentence(planned) if planned else '未填写。'}")
    out.append(f"{f.goal_labels[1]}：{_sentence(actual) if actual else '未填写。'}")
    out.append(sub(2, "绩效指标完成情况"))
    if not f.lines:
        out.append("尚未填写绩效指标。")
    groups: dict[str, list[LineFigure]] = {}
    for line in f.lines:
        groups.setdefault(line.level1.strip() or "其他指标", []).append(line)
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
            scores = [x.score for x in f.lines if x.level1.strip() == level1]
            if scores and all(s is not None for s in scores):
                got = sum(scores, Decimal(0))
                parts.append(f"{level1}得分{format_points(got)}分（满分{format_points(weight)}分）")
        pending = sum(1 for x in f.lines if x.weight is not None and x.score is None)
        text = "；".join(parts)
        if f.total_score is not None and not pending:
            text += f"。自评总分{format_points(f.total_score)}分"
            if f.total_points is not None:
                text += f"（满分{format_points(f.total_points)}分）"
            text += f"，自评等级为{_quote(f.grade)}。"
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
        text = f"{i}．{_quote(line.level3.strip())}{what}。"
        if f.deviation_place == "line":
            reason = line.deviation.strip()
            text += f"偏差原因：{_sentence(reason)}" if reason else "偏差原因待补充。"
        out.append(text)
    block = f.deviation_reason.strip()
    if f.deviation_place == "form" and block:
        out.append(f"偏差原因：{_sentence(block)}")
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
    return Draft(_sentence(f.remarks) if f.remarks.strip() else "", (f.remarks.strip(),))


# -- 部门整体支出: drafted from evaluations.selectors.department_figures (ReportFigures.extra) ------

DEPARTMENT_CODE = "department_wide_yueyang"
# 经费控制情况 rows stated with the rows under them (the rest of the block stands alone).
_SPENDING_PARTS = {
    "project": ("project_business", "project_operation"),
    "public": ("public_office", "public_utilities", "public_meetings"),
}
_SANGONG_KEYS = ("sangong", "car", "car_purchase", "car_running", "abroad", "reception")
_SANGONG_ITEMS = ("car", "abroad", "reception")


def _extra(f: ReportFigures, key: str) -> dict:
    value = f.extra.get(key)
    return value if isinstance(value, dict) else {}


def _percent(value: Decimal) -> str:
    """A rate held as percent (138.46 means 138.46 %), printed as the 基础数据表 prints it."""
    return f"{format_points(value)}%"


def _wan(value: Decimal) -> str:
    return "零" if value == 0 else _money(value, "万元")


def _row_label(label: str) -> str:
    return re.sub(r"^\d+[、.．]", "", _clean_label(label))


def _row_amounts(label: str, row: Mapping) -> str:
    """`label` with its 预算 and 决算 (and 前年决算), each amount once even when they agree."""
    budget, actual, previous = row.get("budget"), row.get("actual"), row.get("previous_actual")
    parts = []
    if previous is not None:
        parts.append(f"前年决算{_wan(previous)}")
    if budget is not None and budget == actual:
        parts.append(f"预算和决算均为{_wan(budget)}")
    else:
        if budget is not None:
            parts.append(f"预算{_wan(budget)}")
        if actual is not None:
            parts.append(f"决算{_wan(actual)}")
    return label + "，".join(parts) if parts else ""


def draft_department_preface(f: ReportFigures) -> Draft:
    unit = str(f.extra.get("unit") or f.unit)
    year = f.extra.get("year") or f.year
    text = (
        f"为加强预算绩效管理，提高财政资金使用效益，{unit}对{year}年度部门整体支出开展了"
        f"绩效自评，对照《{f.form_title}》和部门整体支出绩效评价基础数据表逐项核实预算执行和"
        "绩效目标完成情况，现将自评情况报告如下。"
    )
    return Draft(text, (unit, year, f.form_title))


def draft_department_basic(f: ReportFigures) -> Draft:
    """一、部门（单位）基本情况: 编制数, 实际在职人数 and their 控制率, from the 基础数据表."""
    staff = _extra(f, "staff")
    unit = str(f.extra.get("unit") or f.unit)
    year = f.extra.get("year") or f.year
    quota, actual, rate = staff.get("quota"), staff.get("actual"), staff.get("control_rate")
    parts = []
    if quota is not None:
        parts.append(f"{unit}核定编制{format_points(quota)}人")
    if actual is not None:
        parts.append(f"{year}年末实际在职{format_points(actual)}人")
    if rate is not None:
        parts.append(f"财政供养人员控制率{_percent(rate)}")
    text = "，".join(parts) + "。" if parts else "基础数据表的编制数和实际在职人数尚未填写。"
    return Draft("\n".join([sub(1, "人员情况"), text]), (unit, year, quota, actual, rate))


def _budget_text(f: ReportFigures, budget: Mapping) -> str:
    amounts = [
        ("carryover", "上年结转"),
        ("initial", "年初预算"),
        ("addition", "本年追加（调整）预算"),
        ("spent", "全年支出"),
        ("balance", "年末结转结余"),
    ]
    parts = []
    for key, label in amounts:
        value = budget.get(key)
        if value is None:
            continue
        if value == 0 and key == "addition":
            parts.append("本年未追加（调整）预算")
        elif value == 0 and key == "balance":
            parts.append("年末无结转结余")
        else:
            parts.append(f"{label}{_wan(value)}")
    rates = [
        (label, budget.get(key))
        for key, label in (
            ("completion_rate", "预算完成率"),
            ("adjustment_rate", "预算调整率"),
            ("carryover_rate", "结转结余率"),
        )
    ]
    rates = [f"{label}{_percent(value)}" for label, value in rates if value is not None]
    if not parts:
        return "基础数据表的预算执行情况尚未填写。"
    text = f"{f.extra.get('year') or f.year}年度" + "，".join(parts)
    return text + ("；" + "，".join(rates) if rates else "") + "。"


def _sangong_text(sangong: Mapping) -> str:
    budget, actual = sangong.get("budget"), sangong.get("actual")
    previous, change = sangong.get("previous_actual"), sangong.get("change")
    change_rate, control_rate = sangong.get("change_rate"), sangong.get("control_rate")
    if budget is None and actual is None:
        return "基础数据表的“三公经费”尚未填写。"
    parts = []
    if budget is not None:
        parts.append(f"“三公经费”预算（控制数）{_wan(budget)}")
    if actual is not None:
        parts.append(f"决算{_wan(actual)}")
    if change is not None:
        if change == 0:
            text = f"与上年（决算{_wan(previous)}）持平"
        else:
            word, rate_word = ("减少", "下降") if change < 0 else ("增加", "增长")
            text = f"比上年（决算{_wan(previous)}）{word}{_wan(abs(change))}"
            if change_rate is not None:
                text += f"，{rate_word}{_percent(abs(change_rate))}"
        parts.append(text)
    elif previous is not None:
        parts.append(f"上年决算{_wan(previous)}")
    if control_rate is not None:
        parts.append(f"“三公经费”控制率{_percent(control_rate)}")
    text = "，".join(parts) + "。"

    all_items = sangong.get("items") or {}
    items = [(k, all_items[k]) for k in _SANGONG_ITEMS if k in all_items]
    filled = [(k, row) for k, row in items if row.get("budget") or row.get("actual")]
    zero = [
        _row_label(row["label"])
        for k, row in items
        if (row.get("budget"), row.get("actual")) in ((0, 0), (0, None), (None, 0))
    ]
    if len(filled) == 1 and (filled[0][1].get("budget"), filled[0][1].get("actual")) == (
        budget,
        actual,
    ):
        # All of it is one item: naming it says it all, without restating the amounts.
        text += f"“三公经费”全部为{_row_label(filled[0][1]['label'])}"
        text += f"，{'、'.join(zero)}为零。" if zero else "。"
    elif filled:
        pieces = [_row_amounts(_row_label(row["label"]), row) for _, row in filled]
        car = [
            _row_amounts(_row_label(all_items[k]["label"]), all_items[k])
            for k in ("car_purchase", "car_running")
            if k in all_items and dict(filled).get("car")
        ]
        car = [c for c in car if c]
        if car:
            pieces[0] += "（其中：" + "；".join(car) + "）"
        text += "其中：" + "；".join(pieces)
        text += f"；{'、'.join(zero)}为零。" if zero else "。"
    elif zero:
        text += f"{'、'.join(zero)}为零。"
    return text


def _spending_text(spending: Mapping) -> str:
    parts_of = {part for parts in _SPENDING_PARTS.values() for part in parts}
    out = []
    for key, row in spending.items():
        if key in _SANGONG_KEYS or key in parts_of:
            continue
        text = _row_amounts(_row_label(row["label"]), row)
        if not text:
            continue
        parts = [
            _row_amounts(_row_label(spending[p]["label"]), spending[p])
            for p in _SPENDING_PARTS.get(key, ())
            if p in spending
        ]
        parts = [p for p in parts if p]
        if parts:
            text += "（其中：" + "；".join(parts) + "）"
        out.append(text)
    return "；".join(out) + "。" if out else "基础数据表的其他经费控制情况尚未填写。"


def draft_department_spending(f: ReportFigures) -> Draft:
    """二、部门整体支出管理及使用情况: 预算执行, “三公经费” against the year before, the other
    经费控制情况 rows (项目支出, 公用经费, 政府采购金额, 预算调整) — each amount once."""
    budget, sangong, spending = _extra(f, "budget"), _extra(f, "sangong"), _extra(f, "spending")
    out = [
        sub(1, "预算执行情况"),
        _budget_text(f, budget),
        sub(2, "“三公经费”情况"),
        _sangong_text(sangong),
        sub(3, "其他经费控制情况"),
        _spending_text(spending),
    ]
    basis = (f.extra.get("year") or f.year, budget, sangong, spending)
    return Draft("\n".join(out), basis)


def _indicators(f: ReportFigures) -> list[dict]:
    return [x for x in f.extra.get("indicators") or () if isinstance(x, dict)]


def _indicator_name(x: Mapping) -> str:
    """A 三级指标 as printed; quoted unless it carries its own quotes (“三公经费”变动率)."""
    name = str(x.get("level3") or "").strip() or "（未填写三级指标）"
    return name if "“" in name else _quote(name)


def _score_text(score: Decimal | None) -> str:
    return f"{format_points(score)}分" if score is not None else "待定"


def draft_department_performance(f: ReportFigures) -> Draft:
    """三、部门整体支出绩效情况: every indicator of the 指标表 with its points and score, grouped by
    一级指标 (投入, 过程, 产出, 效果) with the group's totals."""
    groups: dict[str, list[dict]] = {}
    for x in _indicators(f):
        groups.setdefault(str(x.get("level1") or "").strip() or "其他", []).append(x)
    out = []
    for i, (level1, lines) in enumerate(groups.items(), start=1):
        weights = [x["weight"] for x in lines if x.get("weight") is not None]
        scores = [x.get("score") for x in lines]
        head = f"{i}．{level1}指标"
        if weights:
            head += f"（分值{format_points(sum(weights, Decimal(0)))}分"
            if all(s is not None for s in scores):
                head += f"，得分{format_points(sum(scores, Decimal(0)))}分"
            head += "）"
        pieces = []
        for x in lines:
            piece = f"{_indicator_name(x)}得分{_score_text(x.get('score'))}"
            if x.get("weight") is not None:
                piece += f"（分值{format_points(x['weight'])}分）"
            pieces.append(piece)
        out.append(f"{head}：" + "；".join(pieces) + "。")
    if not out:
        out.append("尚未填写绩效评价指标。")
    basis = [
        (x.get("level1"), x.get("level3"), x.get("weight"), x.get("score")) for x in _indicators(f)
    ]
    return Draft("\n".join(out), tuple(basis))


def draft_department_conclusion(f: ReportFigures) -> Draft:
    """四、绩效自评结论: the 自评得分 and grade, and where the scores given differ from those
    computed from the 基础数据表."""
    score = _extra(f, "score")
    total, grade, suggested = score.get("total"), score.get("grade"), score.get("suggested_total")
    lines = _indicators(f)
    pending = [x for x in lines if x.get("weight") is not None and x.get("score") is None]
    if total is not None and not pending:
        text = f"对照《{f.form_title}》逐项自评，自评总分{format_points(total)}分"
        if f.total_points is not None:
            text += f"（满分{format_points(f.total_points)}分）"
        text += f"，自评等级为{_quote(str(grade or ''))}。"
    else:
        text = f"尚有{len(pending)}个指标未确定得分，自评总分和等级待定。"
    out = [text]
    departed = [
        x
        for x in lines
        if x.get("suggested") is not None
        and x.get("score") is not None
        and x["suggested"] != x["score"]
    ]
    if departed:
        names = "、".join(_indicator_name(x) for x in departed)
        out.append(
            f"按基础数据表计算的建议得分为{_score_text(suggested)}；{names}的自评得分与计算得分"
            "不同，理由见指标表“扣分原因和其他说明”栏。"
        )
    basis = (
        f.form_title,
        f.total_points,
        total,
        grade,
        suggested,
        [(x.get("level3"), x.get("weight"), x.get("suggested"), x.get("score")) for x in lines],
    )
    return Draft("\n".join(out), basis)


def _short_of(x: dict) -> bool:
    weight, score = x.get("weight"), x.get("score")
    return weight is not None and (score is None or score < weight)


def draft_department_problems(f: ReportFigures) -> Draft:
    """五、存在的主要问题: every indicator that lost points (or has none yet), with the 扣分原因
    and 说明 typed on the 指标表 as the draft."""
    flagged = [x for x in _indicators(f) if _short_of(x)]
    out = []
    for i, x in enumerate(flagged, start=1):
        # Its points and score are stated in 三; here what was typed about them, as typed.
        said = [str(x.get(k) or "").strip() for k in ("reason", "note")]
        said = "".join(_sentence(s) for s in said if s)
        if x.get("score") is None:
            said = "尚未确定得分。" + said
        out.append(f"{i}．{_indicator_name(x)}：{said or '扣分原因待补充。'}")
    if not out:
        out.append("经自评，各项指标均得满分，未发现需要说明的问题。")
    basis = [
        (x.get("level3"), x.get("weight"), x.get("score"), x.get("reason"), x.get("note"))
        for x in flagged
    ]
    return Draft("\n".join(out), tuple(basis))


def draft_department_improvements(f: ReportFigures) -> Draft:
    flagged = any(_short_of(x) for x in _indicators(f))
    if flagged:
        text = (
            "针对上述问题，本单位将认真分析扣分原因，加强预算编制和执行管理，严格控制“三公经费”"
            "和人员编制，科学合理设定部门整体绩效目标，按期完成整改，并将自评结果作为以后年度"
            "预算安排的重要参考。"
        )
    else:
        text = (
            "本单位将继续加强预算绩效管理，巩固部门整体绩效目标完成成果，并将自评结果作为以后"
            "年度预算安排的重要参考。"
        )
    return Draft(text, (flagged,))


DEPARTMENT_SECTIONS = (
    SectionDef("preface", "", False, draft_department_preface),
    SectionDef("dept_basic", "一、部门（单位）基本情况", True, draft_department_basic),
    SectionDef("dept_spending", "二、部门整体支出管理及使用情况", True, draft_department_spending),
    SectionDef("dept_performance", "三、部门整体支出绩效情况", True, draft_department_performance),
    SectionDef("conclusion", "四、绩效自评结论", True, draft_department_conclusion),
    SectionDef("problems", "五、存在的主要问题", True, draft_department_problems),
    SectionDef("improvements", "六、改进措施", False, draft_department_improvements),
)

# -- sections per template kind ----------------------------------------------------------------

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

# Template code → its sections. A kind not listed uses the project outline (scored or not).
SECTIONS: dict[str, tuple[SectionDef, ...]] = {
    "project_2020": PROJECT_SECTIONS,
    "transfer_payment_2019": TRANSFER_SECTIONS,
    "social_insurance_fund": UNSCORED_SECTIONS,
    DEPARTMENT_CODE: DEPARTMENT_SECTIONS,
}


def sections_for(template_code: str, *, scored: bool = True) -> tuple[SectionDef, ...]:
    default = PROJECT_SECTIONS if scored else UNSCORED_SECTIONS
    return SECTIONS.get(template_code, default)


def draft_all(figures: ReportFigures) -> dict[str, Draft]:
    sections = sections_for(figures.template_code, scored=figures.scored)
    return {s.key: s.draft(figures) for s in sections}


# -- a section as stored against its current draft ---------------------------------------------


@dataclass(frozen=True)
class Stored:
    """A section as saved: the text as typed, the draft it was written against, that draft's
    fingerprint."""

    text: str
    draft_text: str
    fingerprint: str


@dataclass(frozen=True)
class SectionState:
    definition: SectionDef
    text: str  # what the report holds now
    draft: Draft  # drafted from today's figures
    edited: bool  # the preparer's own words (text differs from the draft it was written against)
    stale: bool  # edited, and the figures changed since: the new draft is offered beside it

    @property
    def key(self) -> str:
        return self.definition.key

    @property
    def empty(self) -> bool:
        return not self.text.strip()


STALE_LABEL = "过时：数据已变化"


def section_state(definition: SectionDef, draft: Draft, stored: Stored | None) -> SectionState:
    """Untouched (never saved, or saved as drafted): today's draft — so it follows every change
    of the figures. Edited: kept as typed; stale when the figures it was written against changed."""
    if stored is None or stored.text == stored.draft_text:
        return SectionState(definition, draft.text, draft, edited=False, stale=False)
    stale = stored.fingerprint != draft.fingerprint and stored.draft_text != draft.text
    return SectionState(definition, stored.text, draft, edited=True, stale=stale)


def normalise_text(text: str) -> str:
    """Line ends as \\n, trailing blanks of each line and blank lines at either end removed."""
    lines = [line.rstrip() for line in (text or "").replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip("\n")
