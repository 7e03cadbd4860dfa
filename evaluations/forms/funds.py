"""年度资金: the fund rows of the form."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from ..exports.layout import format_rate, rate_of
from ..models import Evaluation
from ..templates_def import TemplateDef
from .fields import AmountField, _current, _text


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
