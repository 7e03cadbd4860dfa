"""The status board as plain data: countdown texts, overdue days, totals, filters and sorting.

No Django here: `selectors.board_rows` builds the rows from the database, views and the Excel
export read them; "today" is always passed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from evaluations.templates_def import get_template

MISSING = "missing"
STATUS_LABELS = {
    MISSING: "未填报",
    "draft": "草稿",
    "submitted": "已提交",
    "returned": "已退回",
    "approved": "已审核",
}
# Handed in: the unit's part is done unless the form comes back.
DONE = ("submitted", "approved")


@dataclass
class Row:
    task_id: int
    task_unit_id: int
    unit_id: int
    unit_name: str
    region_name: str
    template: str
    template_name: str
    status: str
    deadline: date
    evaluation_id: int | None = None
    project_name: str = ""
    version: int | None = None
    submitted_at: datetime | None = None
    approved_at: datetime | None = None
    # Fields changed since the form was last approved; None when it never was.
    changes: int | None = None
    score: Decimal | None = None
    grade: str = ""
    warning: str = ""  # 预警 of the region's scoring rules: "red", "yellow" or ""
    overdue_days: int = 0
    # What apps beside seasons count for the row's unit, as shown ("整改逾期 2 项"), from
    # seasons.extensions: a sentence per figure above zero.
    unit_notes: tuple[str, ...] = ()
    # The form's columns its score and changes are worked out from, until
    # selectors.board_figures has filled them in (for the rows shown, not every row).
    form: object = field(default=None, repr=False, compare=False)

    @property
    def key(self) -> str:
        """What a board checkbox posts: the task unit, the template and the form if any."""
        return f"{self.task_unit_id}:{self.template}:{self.evaluation_id or ''}"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def has_points(self) -> bool:
        """Whether the template scores its forms: without points, 得分 reads "—", not 0 or blank."""
        return get_template(self.template).scored

    @property
    def deadline_text(self) -> str:
        return f"已逾期 {self.overdue_days} 天" if self.overdue_days else ""


def parse_key(key: str) -> tuple[int, str, int | None] | None:
    """ "12:project_2020:34" → (12, "project_2020", 34); None for anything malformed."""
    parts = (key or "").split(":")
    if len(parts) != 3:
        return None
    try:
        return int(parts[0]), parts[1], int(parts[2]) if parts[2] else None
    except ValueError:
        return None


def overdue_days(deadline: date, today: date, status: str) -> int:
    """Days past the deadline of a form not yet handed in (0 when handed in or not yet due)."""
    if status in DONE or today <= deadline:
        return 0
    return (today - deadline).days


def countdown(deadline: date, today: date, status: str) -> str:
    """还剩 N 天 / 今天截止 / 已逾期 N 天 for a form still to hand in; its status otherwise."""
    if status in DONE:
        return STATUS_LABELS[status]
    days = (deadline - today).days
    if days > 0:
        return f"还剩 {days} 天"
    if days == 0:
        return "今天截止"
    return f"已逾期 {-days} 天"


def totals(rows: list[Row]) -> dict[str, int]:
    """应报 (rows), 已报 (submitted or approved), 已审, 退回, 逾期."""
    return {
        "due": len(rows),
        "handed_in": sum(r.status in DONE for r in rows),
        "approved": sum(r.status == "approved" for r in rows),
        "returned": sum(r.status == "returned" for r in rows),
        "overdue": sum(r.overdue_days > 0 for r in rows),
    }


def filter_rows(
    rows: list[Row], *, status: str = "", template: str = "", overdue: bool = False
) -> list[Row]:
    return [
        r
        for r in rows
        if (not status or r.status == status)
        and (not template or r.template == template)
        and (not overdue or r.overdue_days > 0)
    ]


_LOW = (0, "")
SORTS = {
    "unit": lambda r: (r.region_name, r.unit_name),
    "template": lambda r: r.template_name,
    "status": lambda r: list(STATUS_LABELS).index(r.status),
    "deadline": lambda r: r.deadline,
    "overdue": lambda r: r.overdue_days,
    "submitted": lambda r: (1, r.submitted_at.isoformat()) if r.submitted_at else _LOW,
    "approved": lambda r: (1, r.approved_at.isoformat()) if r.approved_at else _LOW,
    "changes": lambda r: -1 if r.changes is None else r.changes,
    "score": lambda r: Decimal(-1) if r.score is None else r.score,
}


# Orders by a figure worked out per form (a draft's score, the changes since the approval): every
# row's figures are needed before sorting, not only the page's.
FIGURE_SORTS = ("changes", "score")


def sort_rows(rows: list[Row], sort: str, descending: bool = False) -> list[Row]:
    """Stable: rows equal on the chosen column stay in unit / template order."""
    base = sorted(rows, key=lambda r: (r.region_name, r.unit_name, r.template_name, r.project_name))
    key = SORTS.get(sort)
    if key is None:
        return base
    return sorted(base, key=key, reverse=descending)
