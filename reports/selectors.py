"""Reads: a form's figures as the drafting module wants them, and the report as it stands."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from evaluations.exports.layout import FormData
from evaluations.levels import level1_key
from evaluations.models import Evaluation
from evaluations.scoring import EvaluationScore, deviation_place, evaluation_score
from evaluations.selectors import department_figures, form_data, with_lines

from .drafting import (
    DEPARTMENT_CODE,
    FundFigure,
    LineFigure,
    ReportFigures,
    SectionState,
    Stored,
    fingerprint,
    section_state,
    sections_for,
)
from .models import Report

# Figures beyond the form's own, per template code, as a mapping for ReportFigures.extra
# (部门整体支出: the 基础数据表 and 指标表 as evaluations.selectors.department_figures reads them).
EXTRA_FIGURES: dict[str, Callable[[Evaluation], dict]] = {DEPARTMENT_CODE: department_figures}


def report_figures(
    evaluation: Evaluation, score: EvaluationScore | None = None, data: FormData | None = None
) -> ReportFigures:
    """The stored figures of a form (lines and fund rows prefetched: `with_lines`), with the
    judgements and scores of evaluations.scoring — the same values the printed form shows."""
    t = evaluation.template_def
    score = score or evaluation_score(evaluation)
    data = data or form_data(evaluation, score=score)
    header = tuple(
        (data.header_labels.get(f.key) or f.label, data.header.get(f.key, ""))
        for f in t.header_fields
        if f.key != "project_name"
    )
    funds = tuple(
        FundFigure(
            key=row.key,
            label=(data.funds[row.key].label if row.key in data.funds else row.label),
            is_total=row.is_total,
            budget_initial=data.funds[row.key].budget_initial if row.key in data.funds else None,
            budget=data.funds[row.key].budget if row.key in data.funds else None,
            actual=data.funds[row.key].actual if row.key in data.funds else None,
        )
        for row in t.fund_rows
    )
    lines = tuple(
        LineFigure(
            level1=line.level1,
            level2=line.level2,
            level3=line.level3,
            target=line.target,
            actual=line.actual,
            status=result.judgement.status,
            needs_reason=result.needs_reason,
            overshoot=result.judgement.overshoot,
            weight=result.weight if score.scored else None,
            score=result.final if score.scored else None,
            deviation=line.deviation,
            group=level1_key(t, line.level1),
        )
        for line, result in zip(evaluation.indicator_lines.all(), score.lines, strict=True)
    )
    columns = {c.key: c.label for c in t.indicator_columns}
    place = deviation_place(t)
    extra = EXTRA_FIGURES[t.code](evaluation) if t.code in EXTRA_FIGURES else {}
    return ReportFigures(
        template_code=t.code,
        form_title=evaluation.title or t.title,
        year=evaluation.year.year,
        unit=evaluation.unit.name,
        project_name=evaluation.project_name,
        header=header,
        money_unit=t.money_unit,
        amount_labels={c.key: _amount_label(c.label) for c in t.amount_columns},
        funds=funds,
        goal_labels=t.goal_labels,
        goal_planned=evaluation.goal_planned,
        goal_actual=evaluation.goal_actual,
        target_label=columns.get("target", "年度指标值"),
        actual_label=columns.get("actual", "实际完成值"),
        lines=lines,
        deviation_place=place[0] if place else "",
        deviation_reason=evaluation.deviation_reason,
        remarks=evaluation.remarks,
        scored=score.scored,
        level1_weights=dict(t.level1_weights),
        budget_weight=t.budget_weight,
        budget_score=score.budget_final,
        total_points=t.total_points,
        total_score=score.total,
        grade=score.grade,
        extra=extra,
    )


def _amount_label(label: str) -> str:
    # 全年预算数(A) → 全年预算数: the letters refer to the form's own columns.
    return label.split("(")[0].split("（")[0]


@dataclass(frozen=True)
class ReportView:
    evaluation: Evaluation
    figures: ReportFigures
    sections: tuple[SectionState, ...]
    version: int
    updated_by: object = None
    updated_at: object = None

    @property
    def figures_fingerprint(self) -> str:
        """Changes whenever any section's draft would: carried by the edit page, so a save made
        while the form's figures changed is refused rather than misread."""
        return fingerprint([s.draft.fingerprint for s in self.sections])

    def section(self, key: str) -> SectionState:
        return next(s for s in self.sections if s.key == key)

    @property
    def stale_sections(self) -> list[SectionState]:
        return [s for s in self.sections if s.stale]

    def missing_required(self) -> list[SectionState]:
        return [s for s in self.sections if s.definition.required and s.empty]


def stored_sections(evaluation: Evaluation) -> tuple[Report | None, dict[str, Stored]]:
    report = Report.objects.filter(evaluation=evaluation).select_related("updated_by").first()
    if report is None:
        return None, {}
    stored = {
        s.key: Stored(s.text, s.draft_text, s.fingerprint)
        for s in report.sections.only("key", "text", "draft_text", "fingerprint")
    }
    return report, stored


def report_view(evaluation: Evaluation, score: EvaluationScore | None = None) -> ReportView:
    """The report as it stands: each section's text (saved, or drafted from today's figures),
    its new draft, and whether it is stale. `evaluation` comes with its lines (`with_lines`)."""
    figures = report_figures(evaluation, score)
    report, stored = stored_sections(evaluation)
    states = tuple(
        section_state(d, d.draft(figures), stored.get(d.key))
        for d in sections_for(figures.template_code, scored=figures.scored)
    )
    return ReportView(
        evaluation=evaluation,
        figures=figures,
        sections=states,
        version=report.version if report else 0,
        updated_by=report.updated_by if report else None,
        updated_at=report.updated_at if report else None,
    )


def load_evaluation(pk: int) -> Evaluation:
    return with_lines(Evaluation.objects.all()).get(pk=pk)


def report_date(evaluation: Evaluation):
    """The date under the report: the form's 填报日期, else today."""
    return evaluation.fill_date or timezone.localdate()
