"""The demo data of the whole app: each app's part, in the order of the floors.

`manage.py load_demo` (and so `make run`) calls `load_demo`. Each app keeps its own part in its
`demo.py` (idempotent: what exists already is left as it is); this module, above every app, is the
only place that knows them all, so no app has to import an app above it. To add an app's demo,
add a loader to `LOADERS` after the loaders of the apps it builds on.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.db import transaction

from evaluations import changes
from evaluations.demo import load_evaluations_demo
from evaluations.models import Year
from followup.demo import load_followup_demo
from seasons.demo import load_season_demo


def load_evaluations(seed_path: Path | None) -> list[str]:
    report = load_evaluations_demo(seed_path)
    return [
        f"自评表：新建 {len(report.created)} 张，已存在 {len(report.existing)} 张。",
        f"指标库：新增 {report.library_added} 个三级指标。",
    ]


def load_seasons(seed_path: Path | None) -> list[str]:
    return [f"自评任务：新下达 {load_season_demo()} 项。"]


def load_followup(seed_path: Path | None) -> list[str]:
    if load_followup_demo():
        return ["复核与整改：已载入演示的抽评批次、复核、整改和结果应用。"]
    return ["复核与整改：演示数据已存在，未改动。"]


# A loader is called with the seed forms file (None: `settings.SEED_FORMS`; only the forms use it)
# and returns what it did, one Chinese line each, for `load_demo`'s output.
LOADERS: list[Callable[[Path | None], list[str]]] = [
    load_evaluations,  # regions, units, demo logins, the seed forms and the indicator library
    load_seasons,  # the 2019 tasks (needs the units, logins and the 2019 year)
    load_followup,  # scoring rules, a sample, a 复核, a 整改 and 结果应用 (needs approved forms)
]


@transaction.atomic
def load_demo(seed_path: Path | None = None) -> list[str]:
    """Load every app's demo data in order, all or nothing; returns the loaders' lines."""
    lines = [line for loader in LOADERS for line in loader(seed_path)]
    # The forms were written in bulk, past the services: derive each year's stored figures anew.
    for year_id in Year.objects.values_list("pk", flat=True):
        changes.year_changed(year_id)
    return lines
