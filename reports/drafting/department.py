"""The 部门整体支出 report: drafted from evaluations.selectors.department_figures
(`ReportFigures.extra`, the 基础数据表 and the common indicators' scores), and its outline."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from evaluations.exports.layout import format_points

from .figures import Draft, ReportFigures, SectionDef
from .text import as_sentence, clean_label, money, quote, sub

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
    return "零" if value == 0 else money(value, "万元")


def _row_label(label: str) -> str:
    return re.sub(r"^\d+[、.．]", "", clean_label(label))


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
    return name if "“" in name else quote(name)


def _score_text(score: Decimal | None) -> str:
    return f"{format_points(score)}分" if score is not None else "待定"


def draft_department_performance(f: ReportFigures) -> Draft:
    """三、部门整体支出绩效情况: every indicator of the 指标表 with its points and score, grouped by
    一级指标 (投入, 过程, 产出, 效果) with the group's totals."""
    groups: dict[str, list[dict]] = {}
    for x in _indicators(f):
        group = x.get("group") or str(x.get("level1") or "").strip()
        groups.setdefault(group or "其他", []).append(x)
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
        text += f"，自评等级为{quote(str(grade or ''))}。"
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
        said = "".join(as_sentence(s) for s in said if s)
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
