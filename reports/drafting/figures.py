"""What a report is drafted from (`ReportFigures`), what a drafter returns (`Draft`, with the
fingerprint of its figures) and a section of the outline (`SectionDef`)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from evaluations.exports.layout import rate_of


@dataclass(frozen=True)
class FundFigure:
    key: str
    label: str
    is_total: bool = False
    budget_initial: Decimal | None = None
    budget: Decimal | None = None
    actual: Decimal | None = None

    @property
    def rate(self) -> Decimal | None:
        return rate_of(self.budget, self.actual)


@dataclass(frozen=True)
class LineFigure:
    """One indicator line as stored, with its judgement (indicators.judgement) and final score;
    `group` is the 一级 it counts under (evaluations.levels: 产出指标 for 产出指标（指标）)."""

    level1: str
    level2: str
    level3: str
    target: str
    actual: str
    status: str  # met / not_met / needs_review
    needs_reason: bool = False
    overshoot: bool = False
    weight: Decimal | None = None
    score: Decimal | None = None
    deviation: str = ""
    group: str = ""


@dataclass(frozen=True)
class ReportFigures:
    template_code: str
    form_title: str
    year: int
    unit: str
    project_name: str
    # (label, value) of the head cells after the project name, as printed.
    header: tuple[tuple[str, str], ...] = ()
    money_unit: str = "万元"
    # Labels of the template's amount columns: {"budget_initial": "年初预算数", …}.
    amount_labels: Mapping[str, str] = field(default_factory=dict)
    funds: tuple[FundFigure, ...] = ()
    goal_labels: tuple[str, str] = ("预期目标", "实际完成情况")
    goal_planned: str = ""
    goal_actual: str = ""
    target_label: str = "年度指标值"
    actual_label: str = "实际完成值"
    lines: tuple[LineFigure, ...] = ()
    # Where 偏差原因 are written: "line" (a column), "form" (one block), "" (nowhere).
    deviation_place: str = "line"
    deviation_reason: str = ""
    remarks: str = ""
    scored: bool = False
    level1_weights: Mapping[str, Decimal] = field(default_factory=dict)
    budget_weight: Decimal | None = None
    budget_score: Decimal | None = None
    total_points: Decimal | None = None
    total_score: Decimal | None = None
    grade: str = ""
    # Figures beyond the form's own, for kinds that need them (部门整体: 基础数据表).
    extra: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Draft:
    text: str
    basis: tuple = ()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.basis)


def fingerprint(basis) -> str:
    """A stable digest of the figures a draft was made from (Decimals by their exact text)."""
    payload = json.dumps(basis, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class SectionDef:
    key: str
    title: str  # as printed ("一、基本情况"); "" for the opening paragraph, printed without one
    required: bool
    draft: Callable[[ReportFigures], Draft]

    @property
    def label(self) -> str:
        return self.title or "开头语"
