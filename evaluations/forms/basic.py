"""基础数据: the basic-data table of the templates that have one."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from ..exports.layout import format_points
from ..models import Evaluation
from ..templates_def import TemplateDef
from .fields import NUMBER_INPUT, AmountField, NumberField, _current

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
