"""The form's head and text sections: project, units, goals, the budget claim."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from ..models import Evaluation
from ..templates_def import HEAD_LABEL_MAX, TemplateDef
from .fields import PointsField, _current, _text


def _date(label: str) -> forms.DateField:
    """A date of the signature line; empty allowed."""
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(
            attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"
        ),
        error_messages={"invalid": "请输入有效的日期，例如 2020-12-31。"},
    )


class EvaluationForm(forms.Form):
    """The form's own cells: head, goals, free-text blocks and the signature line."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, template: TemplateDef, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        # Nothing here is required: an empty head cell is listed before 提交, never refused.
        self.fields["title"] = _text("表名")
        for f in template.header_fields:
            # The label as this form prints it (转移支付（项目）名称 for 项目名称 …); the printed
            # variants the template knows are offered (a datalist), any other may be typed.
            self.fields[f"{f.key}__label"] = _text(
                f"“{f.label}”一栏的名称", max_length=HEAD_LABEL_MAX
            )
            if f.label_choices:
                self.fields[f"{f.key}__label"].widget.attrs["list"] = f"label-choices-{f.key}"
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
        # The form's own 注 under the table; left empty, the template's 注 is printed.
        note = _text("注", max_length=None, textarea=True, rows=3)
        note.help_text = "表格下方的“注”，按表上原文填写；不填则打印表样自带的注。"
        self.fields["footnote_text"] = note
        # The signature line: 填表人 and 审核人 as the paper form names them (a blank date stays
        # blank: real forms print “年　月　日”).
        labels = template.signature_labels
        self.fields["preparer"] = _text(labels["preparer"], max_length=50)
        self.fields["preparer_phone"] = _text(labels["preparer_phone"], max_length=40)
        self.fields["fill_date"] = _date(labels["fill_date"])
        self.fields["signer_reviewer"] = _text(labels["signer_reviewer"], max_length=50)
        self.fields["signer_reviewer_date"] = _date(labels["signer_reviewer_date"])

    def budget_claim(self) -> tuple[Decimal | None, str]:
        """The 预算执行率 score claimed now and its reason, as typed (invalid counts as none)."""
        if "budget_score" not in self.fields:
            return None, ""
        return _current(self["budget_score"]), self["budget_score_reason"].value() or ""

    def header_bound_fields(self):
        """The head's fields in print order: (label field, value field, printed variants)."""
        return [
            (self[f"{f.key}__label"], self[f.key], f.label_choices)
            for f in self.template.header_fields
        ]

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
            "footnote_text": evaluation.footnote_text,
            "preparer": evaluation.preparer,
            "preparer_phone": evaluation.preparer_phone,
            "fill_date": evaluation.fill_date,
            "signer_reviewer": evaluation.signer_reviewer,
            "signer_reviewer_date": evaluation.signer_reviewer_date,
        }
        if t.scored and t.budget_weight is not None:
            initial["budget_score"] = evaluation.budget_score
            initial["budget_score_reason"] = evaluation.budget_score_reason
        for f in t.header_fields:
            initial[f.key] = evaluation.header_value(f.key)
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
            # Stored where the form words it otherwise, and always for a label with printed
            # variants (as an import stores it); emptied, the template's label is printed.
            label = data[f"{f.key}__label"].strip()
            if label and (f.label_choices or label != f.label):
                header[f"{f.key}__label"] = label
        fields = {
            "title": data["title"],
            "project_name": data["project_name"].strip(),
            "header": header,
            "footnote_text": data["footnote_text"],
            "preparer": data["preparer"],
            "preparer_phone": data["preparer_phone"],
            "fill_date": data["fill_date"],
            "signer_reviewer": data["signer_reviewer"],
            "signer_reviewer_date": data["signer_reviewer_date"],
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
