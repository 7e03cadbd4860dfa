from __future__ import annotations

from django import forms

from evaluations.models import Year
from evaluations.templates_def import TEMPLATES

from .models import parse_reminder_days
from .services import REASON_REQUIRED


class TaskForm(forms.Form):
    year = forms.ModelChoiceField(
        label="评价年度", queryset=Year.objects.filter(closed=False), empty_label=None
    )
    title = forms.CharField(label="任务名称", max_length=200)
    notice_number = forms.CharField(
        label="文号", max_length=100, required=False, help_text="如 桃财函〔2019〕13号"
    )
    notice_text = forms.CharField(
        label="通知", widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    templates = forms.MultipleChoiceField(
        label="应填表样",
        choices=[(t.code, t.name) for t in TEMPLATES.values()],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一种表样。"},
    )
    deadline = forms.DateField(
        label="截止日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    lock_after_deadline = forms.BooleanField(
        label="截止后锁定",
        required=False,
        help_text="截止日期过后，未提交的表不能再保存或提交，延期后解除。",
    )
    reminder_days = forms.CharField(
        label="提前提醒天数",
        initial="3,1",
        max_length=50,
        help_text="截止前几天提醒，逗号分隔；截止次日另提醒一次。",
    )
    all_units = forms.BooleanField(label="下达给范围内全部单位", required=False, initial=True)
    units = forms.ModelMultipleChoiceField(
        label="或选择单位",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "所选单位不在您的审核范围内。"},
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units
        self.fields["units"].label_from_instance = lambda u: f"{u.region.name} · {u.name}"

    def clean_reminder_days(self):
        value = self.cleaned_data["reminder_days"]
        try:
            days = parse_reminder_days(value)
        except ValueError:
            raise forms.ValidationError("请填写 1 至 60 之间的整数，用逗号分隔，如 3,1。") from None
        return ",".join(str(d) for d in days)

    def clean(self):
        data = super().clean()
        if not data.get("all_units") and not data.get("units"):
            self.add_error("units", "请选择单位，或勾选“下达给范围内全部单位”。")
        return data


class ExtendForm(forms.Form):
    unit = forms.ChoiceField(label="单位", required=False)
    deadline = forms.DateField(
        label="新的截止日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(
        label="延期理由",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": REASON_REQUIRED.format(action="延期")},
    )

    def __init__(self, *args, task_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "全部单位")] + [
            (str(tu.unit_id), tu.unit.name) for tu in task_units
        ]


class CancelForm(forms.Form):
    reason = forms.CharField(label="撤销理由", widget=forms.Textarea(attrs={"rows": 2}))
