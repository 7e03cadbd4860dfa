"""What the 自评报告 needs before its form can be submitted (called by the form's submission)."""

from __future__ import annotations

from .selectors import report_view

SECTION_EMPTY = "自评报告“{section}”尚未填写，请在自评报告页填写后再提交。"


def report_problems(evaluation) -> list[str]:
    """One Chinese sentence per required section left empty (`evaluation` with its lines)."""
    view = report_view(evaluation)
    return [SECTION_EMPTY.format(section=s.definition.label) for s in view.missing_required()]
