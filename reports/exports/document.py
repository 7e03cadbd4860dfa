"""The report as a printable document: headings and paragraphs, the same for PDF and .docx."""

from __future__ import annotations

from dataclasses import dataclass

from evaluations.exports.layout import format_date

from ..drafting import DEPARTMENT_CODE, is_subheading, paragraphs
from ..selectors import ReportView, report_date


@dataclass(frozen=True)
class Block:
    kind: str  # "heading" (一、…), "subheading" (（一）…), "para"
    text: str


@dataclass(frozen=True)
class ReportDocument:
    unit: str
    title: str
    blocks: tuple[Block, ...]
    signature: str
    date_text: str
    attachments: tuple[str, ...]


def _title(view: ReportView) -> str:
    ev = view.evaluation
    if view.figures.template_code == DEPARTMENT_CODE:
        # Seed 002: 桃源县…中心2019年度部门整体支出绩效自评报告 (project_name is the unit).
        return f"{ev.unit.name}{ev.year.year}年度部门整体支出绩效自评报告"
    return f"{ev.year.year}年度{ev.project_name}绩效自评报告"


def build_document(view: ReportView) -> ReportDocument:
    """Sections in order; an optional section left empty is left out."""
    ev = view.evaluation
    blocks: list[Block] = []
    for state in view.sections:
        paras = paragraphs(state.text)
        if not paras and not state.definition.required:
            continue
        if state.definition.title:
            blocks.append(Block("heading", state.definition.title))
        for p in paras:
            blocks.append(Block("subheading" if is_subheading(p) else "para", p))
    return ReportDocument(
        unit=ev.unit.name,
        title=_title(view),
        blocks=tuple(blocks),
        signature=ev.unit.name,
        date_text=format_date(report_date(ev)),
        attachments=(view.figures.form_title,),
    )
