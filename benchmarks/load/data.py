"""Data for the load test, and the check afterwards that no save was lost.

    python benchmarks/load/data.py setup N     # N units, each with a preparer and a draft form
    python benchmarks/load/data.py verify saves.jsonl

Runs against whatever DATABASE_URL the `run` script set (its own database, never yours).
"""

from __future__ import annotations

import json
import os
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "load-test-Pw-2026"
LINES = [
    ("项目完成指标", "数量指标", "保障城镇职工基本医疗待遇享受人数", "≥10万人", "128267"),
    ("满意度指标", "满意度指标", "参保人员满意度", "≥90%", "95%"),
]


def django_setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def setup(n: int) -> None:
    from django.contrib.auth import get_user_model

    from evaluations import services
    from evaluations.models import IndicatorLine, Membership, Region, Unit, Year

    User = get_user_model()
    province = Region.objects.create(name="压测省", level=Region.Level.PROVINCE)
    county = Region.objects.create(name="压测县", level=Region.Level.COUNTY, parent=province)
    finance = Unit.objects.create(name="压测县财政局", region=county, kind=Unit.Kind.FINANCE)
    reviewer = User.objects.create_user("load_reviewer", password=PASSWORD)
    Membership.objects.create(user=reviewer, unit=finance, role=Membership.Role.REVIEWER)
    year = Year.objects.create(year=2031, deadline=date(2032, 4, 30))
    users = []
    for i in range(n):
        unit = Unit.objects.create(name=f"压测单位{i:03d}", region=county)
        user = User.objects.create_user(f"load_{i:03d}", password=PASSWORD, first_name=f"填报{i}")
        Membership.objects.create(user=user, unit=unit, role=Membership.Role.PREPARER)
        ev = services.evaluation_create(
            user=user,
            unit=unit,
            year=year,
            template_code="social_insurance_fund",
            project_name=f"压测项目{i:03d}",
        )
        IndicatorLine.objects.bulk_create(
            IndicatorLine(evaluation=ev, order=j, level1=a, level2=b, level3=c, target=t, actual=x)
            for j, (a, b, c, t, x) in enumerate(LINES)
        )
        ev.goal_planned = "保障参保人员待遇"
        ev.save(update_fields=["goal_planned"])
        users.append({"username": user.username, "form": ev.pk})
    print(json.dumps(users, ensure_ascii=False))


def verify(path: Path) -> int:
    """Every save the client saw succeed (a redirect back to the edit page) is stored: the audit
    log has that version's save with the text the client typed, and each form holds the text of
    its last successful save. Prints the problems and returns their number."""
    from audit.models import AuditEvent
    from evaluations.models import Evaluation

    records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    saves = [r for r in records if not r.get("tried")]
    # Tried after the form's last acknowledged save (its answer never reached the client).
    later = defaultdict(set)
    for r in records:
        if r.get("tried"):
            later[r["form"]].add(r["token"])
        else:
            later[r["form"]] = set()
    logged = defaultdict(set)
    for object_id, detail in AuditEvent.objects.filter(action="save").values_list(
        "object_id", "detail"
    ):
        for change in detail.get("changes", []):
            logged[object_id].add(change["after"])
    problems = []
    last = {}
    for s in saves:
        if s["token"] not in logged[s["form"]]:
            problems.append(f"form {s['form']}: save {s['token']} acknowledged but not stored")
        last[s["form"]] = s["token"]
    stored = dict(Evaluation.objects.filter(pk__in=last).values_list("pk", "goal_actual"))
    for form, token in last.items():
        if stored.get(form) != token and stored.get(form) not in later[form]:
            problems.append(f"form {form}: holds {stored.get(form)!r}, last save was {token!r}")
    if not saves:
        problems.append("no save was acknowledged at all")
    for p in problems[:20]:
        print("LOST:", p)
    print(f"saves acknowledged: {len(saves)}; forms: {len(last)}; lost writes: {len(problems)}")
    return len(problems)


if __name__ == "__main__":
    django_setup()
    if sys.argv[1] == "setup":
        setup(int(sys.argv[2]))
    else:
        sys.exit(1 if verify(Path(sys.argv[2])) else 0)
