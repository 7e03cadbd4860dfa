"""导入Excel: the upload form and the mapping step for a layout the import does not recognise."""

from __future__ import annotations

from django import forms

from evaluations.models import Year


class ImportForm(forms.Form):
    """导入Excel: the year the form is for and the workbook."""

    year = forms.ModelChoiceField(
        label="年度",
        queryset=Year.objects.filter(closed=False),
        empty_label=None,
        error_messages={"invalid_choice": "请选择一个未关闭的年度。"},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    file = forms.FileField(
        label="Excel 文件（.xlsx）",
        error_messages={
            "required": "请选择要导入的 Excel 文件。",
            "empty": "文件是空的，请选择要导入的 Excel 文件。",
            "invalid": "没有收到文件，请重新选择。",
        },
        widget=forms.ClearableFileInput(
            attrs={
                "class": "form-control",
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ),
    )


class ImportMappingForm(forms.Form):
    """导入Excel, a layout the import does not recognise: which cell is the project name, which
    rows are the funds and the indicator lines, which column is which (letters and row numbers as
    Excel shows them). Empty: not on this sheet."""

    CELL = {"max_length": 8, "required": False}
    project_name = forms.CharField(label="项目名称所在单元格（如 B3）", **CELL)
    fund_first = forms.IntegerField(
        label="资金：第一行（年度资金总额）", required=False, min_value=1
    )
    fund_last = forms.IntegerField(label="资金：最后一行", required=False, min_value=1)
    fund_label = forms.CharField(label="资金：行名称所在列（如 A）", **CELL)
    fund_budget_initial = forms.CharField(label="资金：年初预算数所在列", **CELL)
    fund_budget = forms.CharField(label="资金：全年预算数所在列", **CELL)
    fund_actual = forms.CharField(label="资金：全年执行数所在列", **CELL)
    goal_planned = forms.CharField(label="预期目标所在单元格", **CELL)
    goal_actual = forms.CharField(label="实际完成情况所在单元格", **CELL)
    line_first = forms.IntegerField(label="指标：第一行", required=False, min_value=1)
    line_last = forms.IntegerField(
        label="指标：最后一行（空着：到第一个空行为止）", required=False, min_value=1
    )
    line_level1 = forms.CharField(label="一级指标所在列", **CELL)
    line_level2 = forms.CharField(label="二级指标所在列", **CELL)
    line_level3 = forms.CharField(label="三级指标所在列", **CELL)
    line_target = forms.CharField(label="年度指标值所在列", **CELL)
    line_actual = forms.CharField(label="实际完成值所在列", **CELL)
    line_weight = forms.CharField(label="分值所在列", **CELL)
    line_score = forms.CharField(label="得分所在列", **CELL)
    line_deviation = forms.CharField(label="偏差原因所在列", **CELL)

    def __init__(self, *args, sheet_names=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {
            "sheet": forms.TypedChoiceField(
                label="工作表",
                coerce=int,
                choices=list(enumerate(sheet_names)),
                initial=0,
                widget=forms.Select(attrs={"class": "form-select"}),
            ),
            **self.fields,
        }

    def mapping(self) -> dict:
        """The mapping as `xlsx_import.mapped` reads it."""
        d = self.cleaned_data

        def block(prefix, keys):
            return {key: (d.get(f"{prefix}_{key}") or "") for key in keys}

        return {
            "sheet": d["sheet"],
            "project_name": d["project_name"],
            "funds": {
                "first": d["fund_first"] or 0,
                "last": d["fund_last"] or 0,
                **block("fund", ("label", "budget_initial", "budget", "actual")),
            },
            "goals": {"planned": d["goal_planned"], "actual": d["goal_actual"]},
            "lines": {
                "first": d["line_first"] or 0,
                "last": d["line_last"] or 0,
                **block(
                    "line",
                    (
                        "level1",
                        "level2",
                        "level3",
                        "target",
                        "actual",
                        "weight",
                        "score",
                        "deviation",
                    ),
                ),
            },
        }
