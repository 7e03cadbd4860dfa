"""Where apps beside `seasons` add a figure per unit to the 填报进度 board.

`seasons` does not import `followup` (they share a floor, docs/architecture.md, and neither may
import the other both ways): `followup` registers the count of a unit's overdue 整改 here in its
`AppConfig.ready()`:

    from seasons import extensions
    extensions.register_unit_figure("rectifications_overdue", overdue_count, "整改逾期 {} 项")

`expression(today)` is a query expression counting for the unit of the row (`OuterRef("unit_id")`
of a `TaskUnit`); the board folds it into the query that reads its task units, so a figure costs
no query of its own. A unit's figure is shown as `label.format(n)` where n > 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class UnitFigure:
    key: str
    expression: Callable[[date], object]
    label: str


_UNIT_FIGURES: dict[str, UnitFigure] = {}


def register_unit_figure(key: str, expression: Callable[[date], object], label: str) -> None:
    """Add a figure per unit to the board; registering a key again replaces it."""
    _UNIT_FIGURES[key] = UnitFigure(key, expression, label)


def unit_figures() -> list[UnitFigure]:
    return list(_UNIT_FIGURES.values())
