"""What a form held at a submission, and what changed between two submissions.

A snapshot is plain JSON (stored with each submission); `diff` compares two of them field by
field, naming each place the way the printed form does (表头·项目名称, 资金·年度资金总额·全年执行数,
第3行·实际完成值 …). Lines are matched by their identity, so a moved line is not a change of text.
"""

from __future__ import annotations

from dataclasses import dataclass

LINE_LABELS = {
    "level1": "一级指标",
    "level2": "二级指标",
    "level3": "三级指标",
    "nature": "指标性质",
    "target": "指标值",
    "measure_unit": "度量单位",
    "actual": "实际完成值",
    "weight": "分值",
    "score": "自评得分",
    "score_reason": "得分理由",
    "qualitative_percent": "完成比例",
    "deviation": "偏差原因",
    "criteria": "评分标准",
}
FUND_LABELS = {"budget_initial": "年初预算数", "budget": "全年预算数", "actual": "全年执行数"}


@dataclass(frozen=True)
class Change:
    where: str
    before: str
    after: str


def _text(value) -> str:
    return "" if value is None else str(value)


def _items(items) -> str:
    """Label–value items (表头其他栏目, 其他内容) as one text: “项目负责人：王工；等级：优”."""
    return "；".join(
        f"{item.get('label')}：{item.get('value', '')}"
        if item.get("label")
        else item.get("value", "")
        for item in items or ()
    )


def snapshot(evaluation) -> dict:
    """The form's content as JSON-able text (uses the prefetched fund and indicator lines)."""
    t = evaluation.template_def
    goals = dict(
        zip(t.goal_labels, (evaluation.goal_planned, evaluation.goal_actual), strict=False)
    )
    basic = {}
    if t.basic_data is not None:
        basic = {
            t.basic_data.cell_label(f"{c.row_key}.{c.column_key}"): _text(c.value)
            for c in evaluation.basic_data.all()
        }
    return {
        "template": evaluation.template,
        TYPED_POINTS: True,
        "basic": basic,
        "head": {
            **{f.label: evaluation.header_value(f.key) for f in t.header_fields},
            "表名": evaluation.title,
            **goals,
            **{b.label: getattr(evaluation, b.key) for b in t.text_blocks},
            t.signature_labels["preparer"]: evaluation.preparer,
            t.signature_labels["preparer_phone"]: evaluation.preparer_phone,
            t.signature_labels["fill_date"]: _text(evaluation.fill_date),
            "预算执行率自评得分": _text(evaluation.budget_score),
            "预算执行率得分理由": evaluation.budget_score_reason,
            # The form's own wording and content; absent where it has none (as in snapshots
            # stored before they were kept), so an empty one is no change.
            **{
                f"“{f.label}”一栏的名称": evaluation.header_label(f.key)
                for f in t.header_fields
                if evaluation.header_label(f.key) != f.label
            },
            t.signature_labels["signer_reviewer"]: evaluation.signer_reviewer,
            t.signature_labels["signer_reviewer_date"]: _text(evaluation.signer_reviewer_date),
            "注": evaluation.footnote_text,
            "表头其他栏目": _items(evaluation.header_extra),
            "其他内容": _items(evaluation.other_content),
        },
        "funds": {
            f.label: {key: _text(getattr(f, key)) for key in FUND_LABELS}
            for f in evaluation.fund_lines.all()
        },
        "lines": [
            {"id": line.pk, **{key: _text(getattr(line, key)) for key in LINE_LABELS}}
            for line in evaluation.indicator_lines.all()
        ],
    }


# Marks a snapshot whose 分值/得分 are as typed (15.0). Those taken before points kept their
# decimals hold them with two (15.00 for a 15 printed 15): read with the fewest, as printed then,
# so that a form saved again after the change shows no change of its points.
TYPED_POINTS = "typed_points"
_BUDGET_SCORE = "预算执行率自评得分"


def _points_as_printed(snap: dict) -> dict:
    if snap.get(TYPED_POINTS):
        return snap

    def fewest(text: str) -> str:
        return text.rstrip("0").rstrip(".") if "." in text else text

    head = dict(snap["head"])
    if head.get(_BUDGET_SCORE):
        head[_BUDGET_SCORE] = fewest(head[_BUDGET_SCORE])
    lines = [
        {**line, **{key: fewest(line.get(key, "")) for key in ("weight", "score")}}
        for line in snap["lines"]
    ]
    return {**snap, "head": head, "lines": lines}


def diff(old: dict, new: dict) -> list[Change]:
    old, new = _points_as_printed(old), _points_as_printed(new)
    changes = []
    for label in dict.fromkeys([*old["head"], *new["head"]]):
        before, after = old["head"].get(label, ""), new["head"].get(label, "")
        if before != after:
            changes.append(Change(f"表头·{label}", before, after))
    for row in dict.fromkeys([*old["funds"], *new["funds"]]):
        before_row, after_row = old["funds"].get(row, {}), new["funds"].get(row, {})
        for key, label in FUND_LABELS.items():
            before, after = before_row.get(key, ""), after_row.get(key, "")
            if before != after:
                changes.append(Change(f"资金·{row}·{label}", before, after))

    old_basic, new_basic = old.get("basic", {}), new.get("basic", {})
    for label in dict.fromkeys([*old_basic, *new_basic]):
        before, after = old_basic.get(label, ""), new_basic.get(label, "")
        if before != after:
            changes.append(Change(f"基础数据·{label}", before, after))

    old_lines = {line["id"]: line for line in old["lines"]}
    new_ids = {line["id"] for line in new["lines"]}
    for number, line in enumerate(new["lines"], start=1):
        previous = old_lines.get(line["id"])
        name = line["level3"] or f"第{number}行"
        if previous is None:
            changes.append(Change(f"新增第{number}行", "", f"{line['level3']} {line['target']}"))
            continue
        for key, label in LINE_LABELS.items():
            if previous.get(key, "") != line.get(key, ""):
                changes.append(
                    Change(f"第{number}行（{name}）·{label}", previous.get(key, ""), line[key])
                )
    for line in old["lines"]:
        if line["id"] not in new_ids:
            changes.append(Change("删除的行", f"{line['level3']} {line['target']}", ""))
    return changes
