"""The form's head and text sections: project, units, goals, the budget claim."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from ..models import Evaluation
from ..templates_def import TemplateDef
from .fields import PointsField, _current, _text


class EvaluationForm(forms.Form):
    """The form's own cells: head, goals, free-text blocks and the signature line."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, template: TemplateDef, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        # Nothing here is required: an empty head cell is listed before 提交, never refused.
        self.fields["title"] = _text("表名")
        for f in template.header_fields:
            if f.label_choices:
                self.fields[f"{f.key}__label"] = forms.ChoiceField(
                    label=f"“{f.label}”一栏的名称",
                    choices=[(c, c) for c in f.label_choices],
                    required=False,
                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                )
            self.fields[f.key] = _text(f.label, max_length=f.max_length)
        if template.goal_labels:
            self.fields["goal_planned"] = _text(
                template.goal_labels[0], max_length=None, textarea=True, rows=4
            )
            self.fields["goal_actual"] = _text(
                template.goal_labels[1], max_length=None, textarea=True, rows=4
            )
        for block in template.text_blocks:
            self.fields[block.key] = _text(block.label, max_length=None, textarea=True, rows=2)
        if template.scored and template.budget_weight is not None:
            self.fields["budget_score"] = PointsField(label="预算执行率自评得分")
            self.fields["budget_score_reason"] = _text(
                "预算执行率自评得分理由", max_length=None, textarea=True, rows=2
            )
        labels = template.signature_labels
        self.fields["preparer"] = _text(labels["preparer"], max_length=50)
        self.fields["preparer_phone"] = _text(labels["preparer_phone"], max_length=40)
        self.fields["fill_date"] = forms.DateField(
            label=labels["fill_date"],
            required=False,
            widget=forms.DateInput(
                attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"
            ),
            error_messages={"invalid": "请输入有效的日期，例如 2020-12-31。"},
        )

    def budget_claim(self) -> tuple[Decimal | None, str]:
        """The 预算执行率 score claimed now and its reason, as typed (invalid counts as none)."""
        if "budget_score" not in self.fields:
            return None, ""
        return _current(self["budget_score"]), self["budget_score_reason"].value() or ""

    def header_bound_fields(self):
        """The head's fields in print order, each preceded by its label choice where it has one."""
        out = []
        for f in self.template.header_fields:
            if f.label_choices:
                out.append(self[f"{f.key}__label"])
            out.append(self[f.key])
        return out

    def text_bound_fields(self):
        return [self[block.key] for block in self.template.text_blocks]

    @staticmethod
    def initial_for(evaluation: Evaluation) -> dict:
        t = evaluation.template_def
        initial = {
            "version": evaluation.version,
            "title": evaluation.title,
            "goal_planned": evaluation.goal_planned,
            "goal_actual": evaluation.goal_actual,
            "deviation_reason": evaluation.deviation_reason,
            "remarks": evaluation.remarks,
            "preparer": evaluation.preparer,
            "preparer_phone": evaluation.preparer_phone,
            "fill_date": evaluation.fill_date,
        }
        if t.scored and t.budget_weight is not None:
            initial["budget_score"] = evaluation.budget_score
            initial["budget_score_reason"] = evaluation.budget_score_reason
        for f in t.header_fields:
            initial[f.key] = evaluation.header_value(f.key)
            if f.label_choices:
                initial[f"{f.key}__label"] = evaluation.header_label(f.key)
        return initial

    def service_fields(self) -> dict:
        """The cleaned values in the shape `services.evaluation_save` takes."""
        data = self.cleaned_data
        t = self.template
        header = {}
        for f in t.header_fields:
            if f.key != "project_name":
                header[f.key] = data[f.key]
            if f.label_choices and data.get(f"{f.key}__label"):
                header[f"{f.key}__label"] = data[f"{f.key}__label"]
        fields = {
            "title": data["title"],
            "project_name": data["project_name"].strip(),
            "header": header,
            "preparer": data["preparer"],
            "preparer_phone": data["preparer_phone"],
            "fill_date": data["fill_date"],
        }
        if t.goal_labels:
            fields["goal_planned"] = data["goal_planned"]
            fields["goal_actual"] = data["goal_actual"]
        for block in t.text_blocks:
            fields[block.key] = data[block.key]
        if "budget_score" in self.fields:
            fields["budget_score"] = data["budget_score"]
            fields["budget_score_reason"] = data["budget_score_reason"]
        return fields
