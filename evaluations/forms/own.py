"""What a form holds beyond its template's cells: the head rows its template lacks (项目负责人及电话
…) and 其他内容, the cells an import could place nowhere else."""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import ValidationError

from ..models import Evaluation
from ..templates_def import HEAD_EXTRA_LABEL_MAX, HEAD_EXTRA_ROWS_MAX, HEAD_EXTRA_VALUE_MAX
from .fields import _text

HEAD_EXTRA_TOO_MANY = "表头其他栏目最多 {limit} 行（现有 {count} 行），请删去多余的行。"
OTHER_UNREADABLE = "其他内容无法读取，请刷新页面后重新操作。"


class HeadExtraForm(forms.Form):
    """One head row the template lacks: its label as printed and its value."""

    label = _text("栏目名称", max_length=HEAD_EXTRA_LABEL_MAX)
    value = _text("内容", max_length=HEAD_EXTRA_VALUE_MAX)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("label") or "").strip() and not (data.get("value") or "").strip()


class BaseHeadExtraFormSet(forms.BaseFormSet):
    """The extra head rows in page order; a row left empty or marked 删除 is not kept."""

    # A page posting more than twice the limit of rows is refused as a whole (the formset's
    # guard against a forged count); up to that, HEAD_EXTRA_TOO_MANY says how many there are.
    default_error_messages = {"too_many_forms": "表头其他栏目最多 %(num)d 行，请删去多余的行。"}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        if any(self.errors):
            return
        count = len(self.rows())
        if count > HEAD_EXTRA_ROWS_MAX:
            raise ValidationError(
                HEAD_EXTRA_TOO_MANY.format(limit=HEAD_EXTRA_ROWS_MAX, count=count)
            )

    def rows(self) -> list[dict]:
        """[{"label": …, "value": …}, …] as `Evaluation.header_extra` holds them."""
        return [
            {"label": form.cleaned_data["label"], "value": form.cleaned_data["value"]}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and not form.is_blank()
        ]

    @staticmethod
    def initial_for(evaluation: Evaluation) -> list[dict]:
        return [
            {"label": item.get("label", ""), "value": item.get("value", "")}
            for item in evaluation.header_extra or ()
        ]


# One empty row to fill in; more are added on the page.
HeadExtraFormSet = forms.formset_factory(
    HeadExtraForm,
    formset=BaseHeadExtraFormSet,
    extra=1,
    can_delete=True,
    max_num=HEAD_EXTRA_ROWS_MAX,
    absolute_max=2 * HEAD_EXTRA_ROWS_MAX,
)


def _items(text) -> list[dict] | None:
    """其他内容 as posted (JSON), or None when it is not a list of items of text."""
    try:
        items = json.loads(text or "[]")
    except ValueError:
        return None
    if not isinstance(items, list) or not all(
        isinstance(item, dict) and all(isinstance(v, str) for v in item.values()) for item in items
    ):
        return None
    return items


class OtherContentForm(forms.Form):
    """其他内容: the items as the page shows them (posted back whole, so a save repeated after an
    autosave removes nothing more) and a 删除 box per item. Nothing is removed unless asked."""

    items = forms.CharField(required=False, widget=forms.HiddenInput, strip=False)

    def __init__(self, *args, evaluation: Evaluation | None = None, **kwargs):
        kwargs.setdefault("prefix", "other")
        if evaluation is not None:
            kwargs.setdefault(
                "initial",
                {"items": json.dumps(evaluation.other_content or [], ensure_ascii=False)},
            )
        super().__init__(*args, **kwargs)
        self.shown = _items(self["items"].value()) or []
        for i in range(len(self.shown)):
            self.fields[f"remove_{i}"] = forms.BooleanField(
                label="删除",
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )

    def clean_items(self):
        items = _items(self.cleaned_data["items"])
        if items is None:
            raise ValidationError(OTHER_UNREADABLE)
        return items

    def rows(self):
        """(item, its 删除 box) per item, in order."""
        return [(item, self[f"remove_{i}"]) for i, item in enumerate(self.shown)]

    def kept_items(self) -> list[dict]:
        """The items the clerk did not mark 删除, as `Evaluation.other_content` holds them."""
        data = self.cleaned_data
        return [item for i, item in enumerate(data["items"]) if not data.get(f"remove_{i}")]
