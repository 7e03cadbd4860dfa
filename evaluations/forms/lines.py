"""The indicator lines: one line's form, the formset, and its initial rows."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from django import forms

from ..levels import print_order
from ..models import Evaluation
from ..services import LineInput
from .fields import PercentField, PointsField, _current, _text


class IndicatorLineForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    level1 = forms.CharField(label="一级指标", required=False, max_length=100, strip=False)
    level2 = forms.CharField(label="二级指标", required=False, max_length=100, strip=False)
    level3 = _text("三级指标", max_length=300, textarea=True, rows=1)
    # 指标性质 | 指标值 | 度量单位 on the templates that print them in columns of their own
    # (templates_def.PROJECT_2020_MEASURED); posted unchanged, hidden, on the others.
    nature = _text("指标性质", max_length=20)
    target = _text("年度指标值", max_length=200)
    measure_unit = _text("度量单位", max_length=40)
    actual = _text("实际完成值", max_length=200)
    weight = PointsField(label="分值")
    score = PointsField(label="自评得分")
    score_reason = _text("自评得分理由", max_length=None, textarea=True, rows=1)
    deviation = _text("偏差原因分析及改进措施", max_length=None, textarea=True, rows=1)
    qualitative_percent = PercentField(label="完成比例")
    criteria = _text("评分标准", max_length=None, textarea=True, rows=2)
    rule_key = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    TEXT_FIELDS = (
        *("level3", "nature", "target", "measure_unit", "actual"),
        *("deviation", "score_reason", "criteria"),
    )
    NUMBER_FIELDS = ("weight", "score", "qualitative_percent")

    def __init__(self, *args, needs_target: bool = True, **kwargs):
        # 部门整体 指标表 lines have 评分标准 instead of 指标值 / 实际完成值.
        super().__init__(*args, **kwargs)
        self.needs_target = needs_target

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not any((data.get(n) or "").strip() for n in self.TEXT_FIELDS) and not any(
            data.get(n) is not None for n in self.NUMBER_FIELDS
        )

    def is_removed(self) -> bool:
        """Marked for deletion on the page (the row is hidden and not scored)."""
        return bool(self["DELETE"].value()) if "DELETE" in self.fields else False

    def current_values(self) -> SimpleNamespace:
        """The line as now on the page (typed, or stored when unbound), numbers that are not
        valid read as empty: what the page judges and scores, even before it can be saved."""
        texts = {n: self[n].value() or "" for n in ("level1", "rule_key", *self.TEXT_FIELDS)}
        numbers = {n: _current(self[n]) for n in self.NUMBER_FIELDS}
        return SimpleNamespace(**texts, **numbers)

    # No rule is checked here: a line without its 三级, target or weight, a "……" placeholder
    # row, a score above the weight are all saved as typed and listed before 提交
    # (scoring.form_checks). An added row left entirely empty is ignored (BaseLineFormSet).


class BaseLineFormSet(forms.BaseFormSet):
    def lines(self) -> list[LineInput]:
        """The kept lines in their order on the page (ORDER, then position).

        `kept_forms` lists their forms in the same order, so an error about the Nth line
        (services.UnexplainedClaims) can be shown beside it.
        """
        kept = []
        for position, form in enumerate(self.forms):
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            if not data.get("id") and form.is_blank():
                continue
            order = data.get("ORDER")
            kept.append((order if order is not None else position, position, form))
        kept.sort(key=lambda item: (item[0], item[1]))
        self.kept_forms = [form for _, _, form in kept]
        return [
            LineInput(
                id=data.get("id"),
                level1=data["level1"],
                level2=data["level2"],
                level3=data["level3"],
                nature=data["nature"],
                target=data["target"],
                measure_unit=data["measure_unit"],
                actual=data["actual"],
                weight=data.get("weight"),
                score=data.get("score"),
                score_reason=data["score_reason"],
                deviation=data["deviation"],
                qualitative_percent=data.get("qualitative_percent"),
                criteria=data["criteria"],
                rule_key=data.get("rule_key") or "",
            )
            for data in (form.cleaned_data for form in self.kept_forms)
        ]


# The most indicator lines a form may have. Each line posts IndicatorLineForm's fields plus ORDER
# and DELETE: settings.DATA_UPLOAD_MAX_NUMBER_FIELDS is sized from this (a test checks it fits).
MAX_LINES = 500

LineFormSet = forms.formset_factory(
    IndicatorLineForm,
    formset=BaseLineFormSet,
    extra=0,
    can_order=True,
    can_delete=True,
    max_num=MAX_LINES,
    validate_max=True,
    absolute_max=1000,
)


def line_initial(evaluation: Evaluation) -> list[dict]:
    return [
        {
            "id": line.pk,
            "level1": line.level1,
            "level2": line.level2,
            "level3": line.level3,
            "nature": line.nature,
            "target": line.target,
            "measure_unit": line.measure_unit,
            "actual": line.actual,
            "weight": line.weight,
            "score": line.score,
            "score_reason": line.score_reason,
            "deviation": line.deviation,
            "qualitative_percent": line.qualitative_percent,
            "criteria": line.criteria,
            "rule_key": line.rule_key,
            "ORDER": i + 1,
        }
        for i, line in enumerate(evaluation.indicator_lines.all())
    ]


def grouped_line_initial(evaluation: Evaluation) -> list[dict]:
    """The lines as the edit page first shows them. On templates with points the printed form
    groups lines by 一级/二级 and prints every unused 二级 as an empty row (exports.layout), so
    the page does the same (levels.print_order): each line in the group its wording means, and
    one empty line for each 二级 that has none, ready to be filled (left empty, it is not saved).
    Other templates keep the entered order, as printed."""
    rows = line_initial(evaluation)
    t = evaluation.template_def
    if not t.scored or t.basic_data is not None:
        return rows
    out = print_order(
        t,
        rows,
        lambda level1, level2: {"level1": level1, "level2": level2},
        lambda row: (row["level1"], row["level2"]),
    )
    for i, row in enumerate(out, start=1):
        row["ORDER"] = i
    return out


@dataclass(frozen=True)
class LevelLists:
    """The <datalist>s the edit page offers 一级 and 二级 names from: `level1` the template's
    一级; `level2` each distinct list of 二级 by id; `level2_ids` which list a line's 一级 (as
    typed on the page) offers, `level2_all` every 二级 of the template, for any other 一级."""

    level1_id: str
    level1: tuple[str, ...]
    level2: dict[str, tuple[str, ...]]
    level2_ids: dict[str, str]
    level2_all: str


def level_lists(template, level1_texts) -> LevelLists:
    """The lists for the template's 一级 names and those `level1_texts` the lines carry, worded
    as they are (产出指标（指标） offers the 二级 of 产出指标; templates_def.level2_choices)."""
    every = tuple(dict.fromkeys(name for level in template.levels for name in level.level2))
    by_names = {every: "level2-names"}
    ids = {}
    for text in dict.fromkeys((*template.level1_names, *level1_texts)):
        if text:
            names = template.level2_choices(text) or every
            ids[text] = by_names.setdefault(names, f"level2-names-{len(by_names)}")
    return LevelLists(
        level1_id="level1-names",
        level1=template.level1_names,
        level2={list_id: names for names, list_id in by_names.items()},
        level2_ids=ids,
        level2_all="level2-names",
    )
