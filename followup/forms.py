"""Input of the pages after the self-evaluation, parsed with Chinese messages."""

from __future__ import annotations

from django import forms

from evaluations.models import Region, Unit, Year

from .models import ResultRule, Sample


class SampleForm(forms.Form):
    year = forms.ModelChoiceField(Year.objects.all(), label="年度", empty_label=None)
    region = forms.ModelChoiceField(Region.objects.none(), label="范围", empty_label=None)
    method = forms.ChoiceField(choices=Sample.Method.choices, label="抽取方式")
    size = forms.IntegerField(label="抽取数量（分层：每单位）", required=False, min_value=1)
    min_amount = forms.DecimalField(
        label="金额下限（万元）", required=False, min_value=0, max_digits=14, decimal_places=2
    )
    seed = forms.CharField(label="随机种子（留空自动生成）", required=False, max_length=40)
    gap_points = forms.DecimalField(
        label="差异提示（分）", initial=10, min_value=0, max_digits=6, decimal_places=2
    )
    picked = forms.ModelMultipleChoiceField(queryset=None, label="人工选取的自评表", required=False)

    def __init__(self, *args, regions, forms_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["picked"].queryset = forms_qs
        self.fields["picked"].label_from_instance = lambda ev: (
            f"{ev.year.year} {ev.unit.name} {ev.project_name}"
        )


class RectificationForm(forms.Form):
    """Up to five items at once, each a text with a deadline."""

    ROWS = 5

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(self.ROWS):
            self.fields[f"text_{i}"] = forms.CharField(
                label=f"整改要求{i + 1}", required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"deadline_{i}"] = forms.DateField(
                label=f"期限{i + 1}",
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
            )

    def items(self):
        return [
            (self.cleaned_data[f"text_{i}"], self.cleaned_data[f"deadline_{i}"])
            for i in range(self.ROWS)
            if self.cleaned_data.get(f"text_{i}")
        ]

    def clean(self):
        data = super().clean()
        for i in range(self.ROWS):
            if data.get(f"text_{i}") and not data.get(f"deadline_{i}"):
                self.add_error(f"deadline_{i}", "请填写该项整改期限。")
        return data

    def rows(self):
        return [(self[f"text_{i}"], self[f"deadline_{i}"]) for i in range(self.ROWS)]


class ResultRuleForm(forms.Form):
    region = forms.ModelChoiceField(Region.objects.none(), label="行政区划", empty_label=None)
    grade = forms.ChoiceField(choices=ResultRule.Grade.choices, label="等级")
    action = forms.CharField(label="建议", max_length=200)
    change_from = forms.DecimalField(
        label="预算调整（%）自", required=False, max_digits=6, decimal_places=2
    )
    change_to = forms.DecimalField(
        label="预算调整（%）至", required=False, max_digits=6, decimal_places=2
    )
    source = forms.CharField(label="依据", required=False, max_length=300)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class ScopeForm(forms.Form):
    """Which year and region (or unit) a table is for."""

    year = forms.ModelChoiceField(Year.objects.all(), label="年度", empty_label=None)
    region = forms.ModelChoiceField(Region.objects.none(), label="范围", empty_label=None)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class DisclosureForm(forms.Form):
    year = forms.ModelChoiceField(Year.objects.all(), label="年度", empty_label=None)
    unit = forms.ModelChoiceField(Unit.objects.none(), label="单位", empty_label=None)
    hide_phones = forms.BooleanField(label="不公开个人电话号码", required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
