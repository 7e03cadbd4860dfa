"""Forms of the entry pages, built from the template definition (one definition, four uses)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from django import forms
from django.core.exceptions import ValidationError

from .exports.layout import format_points, format_rate, rate_of
from .models import Evaluation, Year
from .services import LineInput
from .templates_def import TEMPLATE_CHOICES, TemplateDef

AMOUNT_ERRORS = {
    "invalid": "请输入数字（单位：万元），例如 11431.62。",
    "min_value": "金额不能为负数。",
    "max_decimal_places": "金额最多保留四位小数。",
    "max_digits": "金额过大，最多12位整数。",
    "max_whole_digits": "金额过大，最多12位整数。",
}
POINTS_ERRORS = {
    "invalid": "请输入数字，例如 10 或 8.5。",
    "min_value": "分值不能为负数。",
    "max_value": "分值不能超过100。",
    "max_decimal_places": "最多保留两位小数。",
    "max_digits": "数值过大。",
    "max_whole_digits": "数值过大。",
}


PERCENT_ERRORS = {
    "invalid": "请选择完成比例。",
    "min_value": "完成比例不能小于0%。",
    "max_value": "完成比例不能超过100%。",
    "max_decimal_places": "完成比例最多保留两位小数。",
    "max_digits": "完成比例不能超过100%。",
    "max_whole_digits": "完成比例不能超过100%。",
}


# What a typed number may look like once full-width characters are folded (NFKC): ASCII digits
# only (re.ASCII: no Arabic-Indic or other scripts' digits, which Decimal would take), thousands
# separators only between groups of three, no inner spaces, underscores or exponents.
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?", re.ASCII)


def _normalise_number(value):
    """Accept what people paste from Excel or type with a Chinese IME: full-width digits,
    thousands separators and surrounding spaces (１１,４３１．６２ → 11431.62). Anything else that
    Python's Decimal would read ("12 34", "1_000", "1E+2", "١٢") is refused as not a number."""
    if not isinstance(value, str):
        return value
    value = unicodedata.normalize("NFKC", value).strip()
    if not value:
        return value
    if not _NUMBER.fullmatch(value) or not any(c.isdigit() for c in value):
        return _NOT_A_NUMBER
    return value.replace(",", "")


# Passed on to DecimalField.to_python, which refuses it with the field's "invalid" message.
_NOT_A_NUMBER = "not-a-number"


class NumberField(forms.DecimalField):
    """A non-negative number with at most `decimal_places` decimals, typed the way people do
    (full-width digits, thousands separators), with the Chinese messages of its kind. The
    Decimal keeps the decimals as typed ("4000" → Decimal("4000"), "89.970" → 3 places)."""

    def __init__(
        self,
        *,
        max_digits,
        error_messages,
        max_value=None,
        widget_class="",
        decimal_places=2,
        **kwargs,
    ):
        kwargs.setdefault("required", False)
        super().__init__(
            max_digits=max_digits,
            decimal_places=decimal_places,
            min_value=Decimal(0),
            max_value=max_value,
            error_messages=error_messages,
            localize=False,
            **kwargs,
        )
        if widget_class:
            self.widget = forms.TextInput(attrs={"inputmode": "decimal", "class": widget_class})

    def to_python(self, value):
        return super().to_python(_normalise_number(value))


NUMBER_INPUT = "form-control form-control-sm text-end"


def AmountField(**kwargs):  # noqa: N802 - used like a field class
    """万元, not negative, at most four decimals (a clerk's 89.974 is kept, not rounded)."""
    return NumberField(
        max_digits=16,
        decimal_places=4,
        error_messages=AMOUNT_ERRORS,
        widget_class=NUMBER_INPUT,
        **kwargs,
    )


def PointsField(**kwargs):  # noqa: N802
    return NumberField(
        max_digits=6,
        max_value=Decimal(100),
        error_messages=POINTS_ERRORS,
        widget_class=NUMBER_INPUT,
        **kwargs,
    )


def PercentField(**kwargs):  # noqa: N802
    """定性指标完成比例 in percent (0–100), chosen in the template's bands (see band_select)."""
    return NumberField(
        max_digits=5, max_value=Decimal(100), error_messages=PERCENT_ERRORS, **kwargs
    )


def _current(bound_field):
    """The value now in a field, cleaned, or None where it is empty or not valid."""
    try:
        return bound_field.field.clean(bound_field.value())
    except ValidationError:
        return None


def _text(label, *, required=False, max_length: int | None = 200, textarea=False, rows=3):
    """A text cell. `max_length` is the column's limit (None for a TextField); it is checked on
    the server for every widget, so an over-long text gets a message and stays on the page."""
    attrs = {"class": "form-control form-control-sm"}
    widget = forms.Textarea(attrs={**attrs, "rows": rows}) if textarea else forms.TextInput(attrs)
    field = forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        strip=False,  # typed text is printed as typed; only all-blank counts as empty
        widget=widget,
        error_messages={
            "required": f"请填写{label}。",
            "max_length": f"{label}最多 %(limit_value)d 个字（现有 %(show_value)d 个）。",
        },
    )
    if textarea:
        # No maxlength attribute on a textarea: the browser would cut a pasted text silently
        # (and counts its line breaks differently from the server); the server's message says
        # how long it is, and nothing typed is lost.
        field.widget.attrs.pop("maxlength", None)
    return field


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


class FundsForm(forms.Form):
    """The funds block: one amount field per fund row and amount column, named row__column."""

    def __init__(self, *args, template: TemplateDef, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        for row in template.fund_rows:
            if row.label_editable:
                self.fields[f"{row.key}__label"] = _text("名称", max_length=100)
            for column in template.amount_columns:
                self.fields[f"{row.key}__{column.key}"] = AmountField(
                    label=f"{row.label} {column.label}"
                )

    @staticmethod
    def initial_for(evaluation: Evaluation) -> dict:
        initial = {}
        for fund in evaluation.fund_lines.all():
            initial[f"{fund.row_key}__label"] = fund.label
            for key in ("budget_initial", "budget", "actual"):
                initial[f"{fund.row_key}__{key}"] = getattr(fund, key)
        return initial

    def rows(self):
        """(row definition, label field or None, [amount bound fields], 执行率 text) per row."""
        out = []
        for row in self.template.fund_rows:
            label = self[f"{row.key}__label"] if row.label_editable else None
            amounts = [self[f"{row.key}__{c.key}"] for c in self.template.amount_columns]
            rate = format_rate(
                rate_of(self._amount(f"{row.key}__budget"), self._amount(f"{row.key}__actual"))
            )
            out.append((row, label, amounts, rate))
        return out

    def _amount(self, name: str) -> Decimal | None:
        """The amount now in the field, or None where it is empty or not a valid amount."""
        return _current(self[name])

    def total_amounts(self) -> tuple[Decimal | None, Decimal | None]:
        """全年预算数 and 全年执行数 of the 年度资金总额 row as now typed (for the 执行率 score)."""
        if self.template.total_fund_row is None:
            return None, None
        key = self.template.total_fund_row.key
        return self._amount(f"{key}__budget"), self._amount(f"{key}__actual")

    def service_funds(self) -> dict[str, dict]:
        data = self.cleaned_data
        funds = {}
        for row in self.template.fund_rows:
            values = {c.key: data.get(f"{row.key}__{c.key}") for c in self.template.amount_columns}
            if row.label_editable and data.get(f"{row.key}__label", "").strip():
                values["label"] = data[f"{row.key}__label"].strip()
            funds[row.key] = values
        return funds


COUNT_ERRORS = {
    "invalid": "请输入人数（整数），例如 26。",
    "min_value": "人数不能为负数。",
    "max_decimal_places": "人数应为整数。",
    "max_digits": "人数过大。",
    "max_whole_digits": "人数过大。",
}
NOT_WHOLE = "人数应为整数。"


def CountField(**kwargs):  # noqa: N802
    """Persons (编制数, 在职人数): a whole number, typed the way amounts are."""
    return NumberField(
        max_digits=8, error_messages=COUNT_ERRORS, widget_class=NUMBER_INPUT, **kwargs
    )


class BasicDataForm(forms.Form):
    """The 基础数据表 of a 部门整体 form: one field per typed cell, named row__column; persons as
    whole numbers, money as amounts (万元). Derived cells (控制率) are shown, never typed."""

    def __init__(self, *args, template: TemplateDef, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        self.basic = template.basic_data
        for block, row, column in self.basic.cells() if self.basic else ():
            field = CountField if block.kind == "count" else AmountField
            self.fields[f"{row.key}__{column.key}"] = field(label=f"{row.label} {column.label}")

    @staticmethod
    def initial_for(evaluation: Evaluation) -> dict:
        return {f"{c.row_key}__{c.column_key}": c.value for c in evaluation.basic_data.all()}

    def clean(self):
        data = super().clean()
        for block, row, column in self.basic.cells() if self.basic else ():
            name = f"{row.key}__{column.key}"
            value = data.get(name)
            if block.kind == "count" and value is not None and value != value.to_integral():
                self.add_error(name, NOT_WHOLE)
        return data

    def current_cells(self) -> dict[tuple[str, str], Decimal | None]:
        """The cells as now on the page (valid values only), for the suggested scores."""
        if not self.basic:
            return {}
        return {
            (row.key, column.key): _current(self[f"{row.key}__{column.key}"])
            for _, row, column in self.basic.cells()
        }

    def service_cells(self) -> dict[tuple[str, str], Decimal | None] | None:
        if not self.basic:
            return None
        data = self.cleaned_data
        return {
            (row.key, column.key): data.get(f"{row.key}__{column.key}")
            for _, row, column in self.basic.cells()
        }

    def blocks(self):
        """(block, column labels, [(row, [bound field or derived text per column])]) to draw."""
        from indicators.formulas import evaluate

        cells = self.current_cells()
        out = []
        for block in self.basic.blocks if self.basic else ():
            rows = []
            for row in block.rows:
                entries = []
                for column in block.columns:
                    if column.is_derived:
                        value = evaluate(column.formula.format(row=row.key), cells).value
                        entries.append(
                            ("derived", "" if value is None else f"{format_points(value)}%")
                        )
                    else:
                        entries.append(("field", self[f"{row.key}__{column.key}"]))
                rows.append((row, entries))
            out.append((block, rows))
        return out


class IndicatorLineForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    level1 = forms.CharField(label="一级指标", required=False, max_length=100, strip=False)
    level2 = forms.CharField(label="二级指标", required=False, max_length=100, strip=False)
    level3 = _text("三级指标", max_length=300, textarea=True, rows=1)
    target = _text("年度指标值", max_length=200)
    actual = _text("实际完成值", max_length=200)
    weight = PointsField(label="分值")
    score = PointsField(label="自评得分")
    score_reason = _text("自评得分理由", max_length=None, textarea=True, rows=1)
    deviation = _text("偏差原因分析及改进措施", max_length=None, textarea=True, rows=1)
    qualitative_percent = PercentField(label="完成比例")
    criteria = _text("评分标准", max_length=None, textarea=True, rows=2)
    rule_key = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    TEXT_FIELDS = ("level3", "target", "actual", "deviation", "score_reason", "criteria")
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
                target=data["target"],
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
            "target": line.target,
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
    the page does the same: each line in its group, and one empty line for each 二级 that has
    none, ready to be filled (left empty, it is not saved). Lines of other labels keep their
    order after the template's groups. Other templates keep the entered order, as printed."""
    rows = line_initial(evaluation)
    t = evaluation.template_def
    if not t.scored or t.basic_data is not None:
        return rows
    out: list[dict] = []
    known = set(t.level1_names)
    for level in t.levels:
        block = [row for row in rows if row["level1"] == level.name]
        for level2 in level.level2:
            group = [row for row in block if row["level2"] == level2]
            out += group or [{"level1": level.name, "level2": level2}]
        out += [row for row in block if row["level2"] not in level.level2]
    out += [row for row in rows if row["level1"] not in known]
    for i, row in enumerate(out, start=1):
        row["ORDER"] = i
    return out


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
