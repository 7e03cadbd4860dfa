"""The number and text fields every entry form is built from, with their Chinese messages."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

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


def typed_number(text: str) -> str | None:
    """The number in what people paste from Excel or type with a Chinese IME, as Decimal reads
    it: full-width digits, thousands separators and surrounding spaces accepted
    (１１,４３１．６２ → "11431.62"). Anything else that Python's Decimal would read ("12 34",
    "1_000", "1E+2", "١٢") is not a number: None. The edit page and the workbook import both
    read typed numbers with it."""
    value = unicodedata.normalize("NFKC", text).strip()
    if not _NUMBER.fullmatch(value) or not any(c.isdigit() for c in value):
        return None
    return value.replace(",", "")


def _normalise_number(value):
    """A typed number for DecimalField (see typed_number); refused as not a number otherwise."""
    if not isinstance(value, str) or not value.strip():
        return value
    number = typed_number(value)
    return _NOT_A_NUMBER if number is None else number


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


class MultilineField(forms.CharField):
    """A textarea's text with its line breaks stored as LF: browsers send them as CRLF, which
    would make a save of an unchanged page change every multi-line text."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")


def _text(label, *, required=False, max_length: int | None = 200, textarea=False, rows=3):
    """A text cell. `max_length` is the column's limit (None for a TextField); it is checked on
    the server for every widget, so an over-long text gets a message and stays on the page."""
    attrs = {"class": "form-control form-control-sm"}
    widget = forms.Textarea(attrs={**attrs, "rows": rows}) if textarea else forms.TextInput(attrs)
    field = (MultilineField if textarea else forms.CharField)(
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
