"""The 自评报告 drafted from a form's stored figures: figures in, Chinese paragraphs out.

Plain Python (no Django). A report is a list of sections per template kind, each a
`SectionDef(key, title, required, draft)`; `draft(figures)` returns the section's text and the
figures it was drafted from (`Draft.basis`), whose fingerprint tells later whether the section
must be drafted again. A new kind of form (部门整体支出) is a new tuple in `SECTIONS` with drafters
reading `ReportFigures.extra`; nothing else changes.

Figures are formatted by the same functions as the printed forms (`evaluations.exports.layout`),
and each stored figure is stated once in the whole report: the amounts and 执行率 in 一、基本情况,
each indicator's target, actual, points and score in 二, the totals, 预算执行率 score and grade in 三.
Seed 002 shows why: a report written by hand quoted 基本支出 as 400.78 in one paragraph and 290.61
in another. Texts a person typed on the form (goals, targets, deviation reasons) are quoted as typed.

Outline: seed 002's report (一 基本情况 … 存在的主要问题 / 有关建议) and the official content list of a
绩效评价报告 (基本概况; 目标实现程度; 存在问题及原因; 评价结论及建议 — 财预〔2011〕285号 报告范本).

The package, by section family: `figures` (what a report is drafted from), `text` (how the
drafters write), `project` and `department` (the drafters and outline of each kind of form),
`sections` (template code → outline), `state` (a stored section against today's draft).
"""

from .department import (
    DEPARTMENT_CODE,
    DEPARTMENT_SECTIONS,
    draft_department_basic,
    draft_department_conclusion,
    draft_department_improvements,
    draft_department_performance,
    draft_department_preface,
    draft_department_problems,
    draft_department_spending,
)
from .figures import Draft, FundFigure, LineFigure, ReportFigures, SectionDef, fingerprint
from .project import (
    BASIC,
    GOALS,
    IMPROVEMENTS,
    PREFACE,
    PROBLEMS,
    PROJECT_SECTIONS,
    TRANSFER_SECTIONS,
    UNSCORED_SECTIONS,
    draft_basic,
    draft_conclusion,
    draft_goals,
    draft_improvements,
    draft_preface,
    draft_problems,
    draft_remarks,
)
from .sections import SECTIONS, draft_all, sections_for
from .state import STALE_LABEL, SectionState, Stored, normalise_text, section_state
from .text import STATUS_WORDS, SUBHEADING, cn, is_subheading, paragraphs, sub

__all__ = [
    "BASIC",
    "DEPARTMENT_CODE",
    "DEPARTMENT_SECTIONS",
    "GOALS",
    "IMPROVEMENTS",
    "PREFACE",
    "PROBLEMS",
    "PROJECT_SECTIONS",
    "SECTIONS",
    "STALE_LABEL",
    "STATUS_WORDS",
    "SUBHEADING",
    "TRANSFER_SECTIONS",
    "UNSCORED_SECTIONS",
    "Draft",
    "FundFigure",
    "LineFigure",
    "ReportFigures",
    "SectionDef",
    "SectionState",
    "Stored",
    "cn",
    "draft_all",
    "draft_basic",
    "draft_conclusion",
    "draft_department_basic",
    "draft_department_conclusion",
    "draft_department_improvements",
    "draft_department_performance",
    "draft_department_preface",
    "draft_department_problems",
    "draft_department_spending",
    "draft_goals",
    "draft_improvements",
    "draft_preface",
    "draft_problems",
    "draft_remarks",
    "fingerprint",
    "is_subheading",
    "normalise_text",
    "paragraphs",
    "section_state",
    "sections_for",
    "sub",
]
