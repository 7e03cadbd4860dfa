"""新建自评表: the template, year and project of a new form."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from ..models import Evaluation
from ..templates_def import TEMPLATE_CHOICES

FIRST_YEAR = 2015


def year_choices(today: date) -> list[tuple[int, str]]:
    """Every year a form may be for: 2015 to next year, newest first (no administrator step)."""
    return [(y, f"{y}年度") for y in range(today.year + 1, FIRST_YEAR - 1, -1)]


class NewEvaluationForm(forms.Form):
    template = forms.ChoiceField(label="表样", choices=TEMPLATE_CHOICES)
    # Any year in range, whether or not a Year row exists yet: the view creates it on demand.
    year = forms.TypedChoiceField(
        label="年度",
        coerce=int,
        choices=(),
        help_text="可选 2015 年至下一年度；自评的通常是上一年度。",
        error_messages={"invalid_choice": "请选择 2015 年至下一年度之间的年度。"},
    )
    project_name = forms.CharField(
        label="项目名称",
        max_length=200,
        error_messages={"required": "请填写项目名称。"},
    )
    copy_from = forms.ModelChoiceField(
        label="沿用往年自评表（可选）",
        queryset=Evaluation.objects.none(),
        required=False,
        empty_label="不沿用，从空白表开始",
        help_text="复制表头、资金行、绩效目标和指标行，清空金额、实际完成值和得分。",
        error_messages={"invalid_choice": "只能沿用本单位的自评表。"},
    )

    def __init__(self, *args, copy_choices=None, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        today = today or date.today()
        self.fields["year"].choices = year_choices(today)
        self.fields["year"].initial = today.year - 1
        if copy_choices is not None:
            self.fields["copy_from"].queryset = copy_choices
            self.fields["copy_from"].label_from_instance = lambda ev: (
                f"{ev.year.year}年度 · {ev.project_name}（{ev.get_template_display()}）"
            )

    def clean_project_name(self):
        name = self.cleaned_data["project_name"].strip()
        if not name:
            raise ValidationError("请填写项目名称。")
        return name

    def clean(self):
        data = super().clean()
        source = data.get("copy_from")
        if source is not None and data.get("template") and source.template != data["template"]:
            self.add_error("copy_from", "只能沿用同一表样的往年自评表。")
        return data
