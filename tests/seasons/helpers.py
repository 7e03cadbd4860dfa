"""Issuing a task for the tests, the form moves they need, and the board's links read back."""

from __future__ import annotations

import html
import re
from datetime import date

from evaluations import services as evaluation_services
from evaluations.models import Evaluation
from seasons import services

ISSUED_ON = date(2021, 3, 1)
COMPLETE = [
    ("项目完成指标", "数量指标", "保障城镇职工基本医疗待遇享受人数", "≥10万人", "128267"),
    ("满意度指标", "满意度指标", "参保人员满意度", "≥90%", "95%"),
]


def issue(cast, *, units=None, templates=("social_insurance_fund",), **kwargs):
    options = {
        "deadline": date(2021, 4, 30),
        "title": "2020年度项目支出绩效自评",
        "notice_number": "疏财函〔2021〕13号",
        "notice_text": "请各单位于4月30日前完成自评。",
        "today": ISSUED_ON,
    }
    options.update(kwargs)
    return services.task_issue(
        user=cast.reviewer, year=cast.year, units=units, templates=list(templates), **options
    )


def move(ev, user, action, reason=""):
    return evaluation_services.evaluation_transition(
        evaluation_id=ev.pk, user=user, action=action, reason=reason
    )


def set_status(ev, status):
    Evaluation.objects.filter(pk=ev.pk).update(status=status)
    ev.refresh_from_db()


def link(page: str, text: str) -> str | None:
    """The href of the first plain <a> link on `page` whose text is `text`, unescaped; None if
    there is none (a disabled 上一页 on the first page is not a link)."""
    found = re.search(rf'<a\b[^>]*\bhref="([^"]*)"[^>]*>\s*{re.escape(text)}\s*</a>', page)
    return html.unescape(found.group(1)) if found else None


def hidden(page: str, name: str) -> str:
    """The value of the hidden input `name` on `page`, unescaped."""
    found = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', page)
    assert found, f"no hidden input {name}"
    return html.unescape(found.group(1))
