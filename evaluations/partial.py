"""部分退回: what a preparer may change after a reviewer sent back only some parts of a form.

A 退回 or 重新打开 may name sections of the form (表头, 资金, 绩效目标, 绩效指标, 其他) and single
indicator lines, each with a comment (models.ReopenedPart, tied to the move's log row). While the
form is editable, the parts of its latest 退回/重新打开 are all the preparer may change; a move that
named none reopens everything, as does a form never returned. `locked_changes` compares what an
edit page posts with the stored form and names every locked part that would change, so the save
is refused before anything is written — a page that was tampered with changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

HEADER, FUNDS, GOALS, LINES, OTHER = "header", "funds", "goals", "lines", "other"
SECTIONS = (HEADER, FUNDS, GOALS, LINES, OTHER)
SECTION_LABELS = {
    HEADER: "表头",
    FUNDS: "资金",
    GOALS: "绩效目标",
    LINES: "绩效指标",
    OTHER: "其他",
}
# Which section each of the form's own columns (services.FORM_FIELDS) belongs to.
FIELD_SECTION = {
    "title": HEADER,
    "project_name": HEADER,
    "header": HEADER,
    "goal_planned": GOALS,
    "goal_actual": GOALS,
    "budget_score": FUNDS,
    "budget_score_reason": FUNDS,
    "deviation_reason": OTHER,
    "remarks": OTHER,
    "preparer": OTHER,
    "preparer_phone": OTHER,
    "fill_date": OTHER,
    "signer_reviewer": OTHER,
    "signer_reviewer_date": OTHER,
    "footnote_text": OTHER,
    "header_extra": HEADER,
    "other_content": OTHER,
}
# What a line the reviewer did not send back posts (templates/evaluations/_line_row.html), so
# what a save compares; its 评分标准 and rule_key are not posted, the service keeps them as stored.
LINE_FIELDS = (
    "level1",
    "level2",
    "level3",
    "nature",
    "target",
    "measure_unit",
    "actual",
    "weight",
    "score",
    "score_reason",
    "deviation",
    "qualitative_percent",
)

REFUSED = "审核人只退回了{open}，其余部分不能修改：{problems}。没有保存任何内容。"
LOCKED_PART = "{part}没有退回"
LINES_FIXED = "只有整个“绩效指标”部分被退回时，才能增加、删除指标行或调整顺序"


@dataclass(frozen=True)
class Scope:
    """The parts open to change; `parts` are the ReopenedPart rows (for their comments)."""

    sections: frozenset[str] = frozenset()
    line_ids: frozenset[int] = frozenset()
    parts: tuple = field(default=(), compare=False)

    def section_open(self, section: str) -> bool:
        return section in self.sections

    def line_open(self, line_id: int | None) -> bool:
        return LINES in self.sections or (line_id is not None and line_id in self.line_ids)

    def field_open(self, name: str) -> bool:
        return FIELD_SECTION.get(name, OTHER) in self.sections

    def describe(self) -> str:
        """“表头、第2行“参保人员满意度””: the open parts as the messages name them."""
        return "、".join(part.label for part in self.parts) or "（无）"


def scope_of(parts) -> Scope | None:
    """The scope that the parts of one 退回/重新打开 leave open; None (everything) without parts."""
    parts = tuple(parts)
    if not parts:
        return None
    return Scope(
        sections=frozenset(p.section for p in parts if p.section),
        line_ids=frozenset(p.line_id for p in parts if not p.section and p.line_id),
        parts=parts,
    )


def _same(a, b) -> bool:
    """Equal as stored: a browser sends a textarea's line breaks as CRLF, and 10 == 10.00."""
    if isinstance(a, str) or isinstance(b, str):
        return (a or "").replace("\r\n", "\n") == (b or "").replace("\r\n", "\n")
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a == b
    return a == b


def line_name(number: int, level3: str) -> str:
    return f"第{number}行“{level3}”" if level3 else f"第{number}行"


def _field_labels(evaluation) -> dict[str, str]:
    t = evaluation.template_def
    # A 部门整体 form has no goals block: its labels are simply absent.
    goals = dict(zip(("goal_planned", "goal_actual"), t.goal_labels, strict=False))
    labels = {
        "title": "表名",
        **goals,
        "budget_score": "预算执行率自评得分",
        "budget_score_reason": "预算执行率得分理由",
        **{b.key: b.label for b in t.text_blocks},
        **t.signature_labels,
        "footnote_text": "注",
        "other_content": "其他内容",
    }
    return labels


def _header_changes(evaluation, fields: dict) -> list[str]:
    t = evaluation.template_def
    changed = []
    if "title" in fields and not _same(fields["title"], evaluation.title):
        changed.append("表名")
    posted = fields.get("header", {})
    for f in t.header_fields:
        value = fields.get("project_name") if f.key == "project_name" else posted.get(f.key, "")
        if value is not None and not _same(value, evaluation.header_value(f.key)):
            changed.append(f.label)
        label = posted.get(f"{f.key}__label") or f.label
        if label != evaluation.header_label(f.key):
            changed.append(f"“{f.label}”一栏的名称")
    if "header_extra" in fields and not _same(fields["header_extra"], evaluation.header_extra):
        changed.append("表头其他栏目")
    return changed


def locked_changes(
    scope: Scope,
    evaluation,
    *,
    fields: dict,
    funds: dict,
    fund_lines,
    stored_lines,
    lines,
    basic_data: dict | None = None,
    stored_basic: dict | None = None,
) -> list[str]:
    """Every locked part the posted data would change, each named for the user (empty: none);
    REFUSED.format(open=scope.describe(), problems="；".join(…)) is the whole message.

    `stored_lines` are the form's IndicatorLines in their order, `lines` the posted LineInputs.
    `basic_data` (部门整体 forms) maps the posted 基础数据表 cells (row, column) to their values and
    `stored_basic` the stored ones; the 基础数据表 is money, so it goes with the 资金 section.
    """
    problems = []

    def refuse(part: str) -> None:
        problems.append(LOCKED_PART.format(part=part))

    if not scope.section_open(HEADER):
        changed = _header_changes(evaluation, fields)
        if changed:
            refuse(f"“表头”（{'、'.join(changed)}）")

    labels = _field_labels(evaluation)
    for section in (GOALS, OTHER, FUNDS):
        if scope.section_open(section):
            continue
        changed = [
            labels.get(name, name)
            for name, value in fields.items()
            if FIELD_SECTION.get(name) == section and not _same(value, getattr(evaluation, name))
        ]
        if section == FUNDS:
            for fund in fund_lines:
                posted = funds.get(fund.row_key, {})
                for key in ("budget_initial", "budget", "actual"):
                    if key in posted and not _same(posted[key], getattr(fund, key)):
                        changed.append(f"{fund.label}")
                        break
                if posted.get("label") and not _same(posted["label"], fund.label):
                    changed.append(f"{fund.label}的名称")
            stored = stored_basic or {}
            if basic_data is not None and any(
                not _same(value, stored.get(cell)) for cell, value in basic_data.items()
            ):
                changed.append("基础数据表")
        if changed:
            refuse(f"“{SECTION_LABELS[section]}”（{'、'.join(dict.fromkeys(changed))}）")

    if not scope.section_open(LINES):
        if [line.id for line in lines] != [line.pk for line in stored_lines]:
            return [*problems, LINES_FIXED]
        for number, (stored, posted) in enumerate(zip(stored_lines, lines, strict=True), 1):
            if scope.line_open(stored.pk):
                continue
            if any(not _same(getattr(posted, n), getattr(stored, n)) for n in LINE_FIELDS):
                refuse(line_name(number, stored.level3))
    return problems
