"""The demo carries a live season: 2019 tasks, overdue units and forms in every state."""

from datetime import date
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command

from seasons.models import Task, TaskLog
from seasons.selectors import board_rows


def test_demo_has_the_2019_tasks_once_however_often_it_loads(db):
    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "自评任务：新下达 0 项。" in out.getvalue()
    tasks = Task.objects.filter(year__year=2019)
    assert {(t.issuer_unit.name, t.notice_number) for t in tasks} == {
        ("自治区财政厅", "新财绩〔2020〕5号"),
        ("巴中市巴州区财政局", "巴州财函〔2020〕13号"),
    }
    assert TaskLog.objects.filter(action="extend").count() == 1


def test_the_demo_board_has_every_state_and_overdue_units(db):
    call_command("load_demo", stdout=StringIO())
    reviewer = get_user_model().objects.get(username="xj_shenhe")
    rows = board_rows(reviewer, year=2019, today=date(2020, 5, 6))
    assert {r.status for r in rows} == {"missing", "draft", "submitted", "returned", "approved"}
    overdue = {(r.unit_name, r.overdue_days) for r in rows if r.overdue_days}
    # 6 May − 30 April = 6 days; the health commission was extended to 15 May.
    assert ("自治区人力资源和社会保障厅", 6) in overdue
    assert not any(name == "自治区卫生健康委员会" for name, _ in overdue)
