"""Which sections a template kind's report has, and drafting them all."""

from __future__ import annotations

from .department import DEPARTMENT_CODE, DEPARTMENT_SECTIONS
from .figures import Draft, ReportFigures, SectionDef
from .project import PROJECT_SECTIONS, TRANSFER_SECTIONS, UNSCORED_SECTIONS

# Template code → its sections. A kind not listed uses the project outline (scored or not).
SECTIONS: dict[str, tuple[SectionDef, ...]] = {
    "project_2020": PROJECT_SECTIONS,
    "transfer_payment_2019": TRANSFER_SECTIONS,
    "social_insurance_fund": UNSCORED_SECTIONS,
    DEPARTMENT_CODE: DEPARTMENT_SECTIONS,
}


def sections_for(template_code: str, *, scored: bool = True) -> tuple[SectionDef, ...]:
    default = PROJECT_SECTIONS if scored else UNSCORED_SECTIONS
    return SECTIONS.get(template_code, default)


def draft_all(figures: ReportFigures) -> dict[str, Draft]:
    sections = sections_for(figures.template_code, scored=figures.scored)
    return {s.key: s.draft(figures) for s in sections}
