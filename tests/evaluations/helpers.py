"""Build the POST a browser sends from the edit page: read from the page's own HTML form
(`page_post`), or from a form's stored state or a seed; and a small 项目支出 form with scored
lines."""

from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser

from django.urls import reverse

from evaluations.forms import (
    EvaluationForm,
    FundsForm,
    HeadExtraFormSet,
    OtherContentForm,
    line_initial,
)
from evaluations.models import IndicatorLine
from tests.conftest import make_evaluation


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def lines_post(lines: list[dict]) -> dict:
    data = {
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for i, line in enumerate(lines):
        for key, value in line.items():
            if key == "DELETE":
                if value:
                    data[f"lines-{i}-DELETE"] = "on"
                continue
            data[f"lines-{i}-{key}"] = _text(value)
    return data


def own_post(evaluation) -> dict:
    """The extra head rows and 其他内容 as the edit page posts them, unchanged."""
    rows = HeadExtraFormSet.initial_for(evaluation)
    data = {
        "head_extra-TOTAL_FORMS": str(len(rows)),
        "head_extra-INITIAL_FORMS": str(len(rows)),
        "head_extra-MIN_NUM_FORMS": "0",
        "head_extra-MAX_NUM_FORMS": "30",
        "other-items": OtherContentForm(evaluation=evaluation)["items"].value(),
    }
    for i, row in enumerate(rows):
        data.update({f"head_extra-{i}-{k}": v for k, v in row.items()})
    return data


def edit_post(evaluation, **changes) -> dict:
    """What the edit page posts when the user changes nothing (then `changes` applied)."""
    data = {k: _text(v) for k, v in EvaluationForm.initial_for(evaluation).items()}
    data.update({k: _text(v) for k, v in FundsForm.initial_for(evaluation).items()})
    data.update(lines_post(line_initial(evaluation)))
    data.update(own_post(evaluation))
    data.update({k: _text(v) for k, v in changes.items()})
    return data


def seed_post(evaluation, seed: dict) -> dict:
    """The edit page's POST for an empty form of the seed's template, filled with the seed."""
    from evaluations.demo import FUND_ROW_ALIASES, mask_mobile

    t = evaluation.template_def
    data = edit_post(evaluation)
    keys = {f.key for f in t.header_fields}
    header = {
        "project_name": seed["project_name"],
        "budget_unit": seed.get("budget_unit", ""),
        "implementing_unit": seed.get("budget_unit", ""),
        "principal_and_phone": seed.get("principal_and_phone", ""),
        "competent_central": seed.get("competent_central", ""),
        "competent_local": seed.get("competent_local", ""),
    }
    data.update({k: v for k, v in header.items() if k in keys})
    if "budget_unit" in keys and seed.get("budget_unit_label"):
        data["budget_unit__label"] = seed["budget_unit_label"]
    data.update(
        title=seed["title"],
        goal_planned=seed["goal_planned"],
        goal_actual=seed["goal_actual"],
        deviation_reason=seed.get("deviation_reason", ""),
        remarks=seed.get("remarks", ""),
        preparer=seed.get("preparer", ""),
        preparer_phone=mask_mobile(seed.get("preparer_phone", "")),
    )
    for fund in seed["funds"]:
        row = t.fund_row(FUND_ROW_ALIASES.get(fund["row"], fund["row"]))
        if row.label_editable:
            data[f"{row.key}__label"] = fund["label"]
        data[f"{row.key}__budget"] = fund["budget"]
        data[f"{row.key}__actual"] = fund["actual"]
    data.update(
        lines_post(
            [
                {
                    "level1": line["level1"],
                    "level2": line["level2"],
                    "level3": line["level3"],
                    "target": line["target"],
                    "actual": line["actual"],
                    "deviation": line.get("deviation_note", ""),
                    "ORDER": i + 1,
                }
                for i, line in enumerate(seed["indicators"])
            ]
        )
    )
    return data


def make_project_form(cast, lines, *, name="医保经办业务培训", budget="100", actual="90"):
    """A 项目支出 draft of `cast.preparer` with `lines`: (level1, level2, level3, target, actual,
    weight, qualitative percent[, deviation])."""
    ev = make_evaluation(
        cast.preparer,
        cast.year,
        template="project_2020",
        project_name=name,
        funds={"total": {"budget": budget, "actual": actual}},
    )
    ev.header["competent_dept"] = "疏勒县医疗保障局"
    # The form states its own 一级 weights: those of its lines (so they add up, as on paper).
    stated: dict[str, Decimal] = {}
    for l1, _, _, _, _, weight, *_ in lines:
        if weight:
            stated[l1] = stated.get(l1, Decimal(0)) + Decimal(weight)
    ev.level1_weights = {name: str(weight) for name, weight in stated.items()}
    ev.save(update_fields=["header", "level1_weights"])
    IndicatorLine.objects.bulk_create(
        IndicatorLine(
            evaluation=ev,
            order=i,
            level1=l1,
            level2=l2,
            level3=l3,
            target=target,
            actual=actual_value,
            weight=Decimal(weight) if weight else None,
            qualitative_percent=Decimal(percent) if percent else None,
            deviation=deviation[0] if deviation else "",
        )
        for i, (l1, l2, l3, target, actual_value, weight, percent, *deviation) in enumerate(lines)
    )
    return ev


class _FormReader(HTMLParser):
    """The controls of one <form> as a browser submits them (HTML's "constructing the entry
    list"): text, hidden and date inputs with their value, checked checkboxes, each <select>'s
    selected option (else its first), each <textarea>'s text with the line break right after
    the tag dropped and every line break sent as CRLF. Disabled controls, buttons (none is
    pressed) and what sits in a <template> are not sent."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.template_depth = 0
        self.entries: list[tuple[str, str]] = []
        self.select: dict | None = None
        self.option: dict | None = None
        self.textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
            return
        if tag == "template":
            self.template_depth += 1
        if not self.inside or self.template_depth or "disabled" in a:
            if tag == "option" and self.select is not None:
                self.option = None
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.entries.append((name, a.get("value") or "on"))
                return
            self.entries.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self.select = {"name": name, "options": [], "selected": None}
        elif tag == "option" and self.select is not None:
            self.option = {"value": a.get("value"), "text": ""}
            self.select["options"].append(self.option)
            if "selected" in a:
                self.select["selected"] = self.option
        elif tag == "textarea" and name:
            self.textarea = {"name": name, "text": ""}

    def handle_data(self, data):
        if self.option is not None:
            self.option["text"] += data
        if self.textarea is not None:
            self.textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "template":
            self.template_depth = max(0, self.template_depth - 1)
        elif tag == "form":
            self.inside = False
        elif tag == "option":
            self.option = None
        elif tag == "select" and self.select is not None:
            chosen = self.select["selected"] or next(iter(self.select["options"]), None)
            if chosen is not None:
                value = chosen["value"] if chosen["value"] is not None else chosen["text"]
                self.entries.append((self.select["name"], value))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            text = self.textarea["text"]
            text = text[2:] if text.startswith("\r\n") else text[1:] if text[:1] == "\n" else text
            text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
            self.entries.append((self.textarea["name"], text))
            self.textarea = None


def page_form(html: str, form_id: str = "evaluation-form") -> list[tuple[str, str]]:
    """The (name, value) pairs a browser submits from the form `form_id` of a page, in order."""
    reader = _FormReader(form_id)
    reader.feed(html)
    reader.close()
    return reader.entries


def page_post(client, evaluation, **changes) -> dict:
    """What the browser posts from the evaluation's edit page as the server renders it (no
    script run, nothing changed), then `changes` applied. A name posted more than once
    (a group of checkboxes) has the list of its values."""
    response = client.get(reverse("evaluation_edit", args=[evaluation.pk]))
    assert response.status_code == 200, response.status_code
    data: dict = {}
    for name, value in page_form(response.content.decode()):
        if name in data:
            before = data[name] if isinstance(data[name], list) else [data[name]]
            data[name] = [*before, value]
        else:
            data[name] = value
    data.update({k: _text(v) for k, v in changes.items()})
    return data
