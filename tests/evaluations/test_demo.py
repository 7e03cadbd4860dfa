"""load_demo: every seed form once, however often it runs; masked phones; working logins."""

import html
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from evaluations.demo import DEMO_PASSWORD, mask_mobile
from evaluations.models import Evaluation, IndicatorLine, Membership
from tests.conftest import seed_forms


def test_load_demo_twice_leaves_one_copy_of_each_seed_form(db):
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    for seed in seed_forms():
        ev = Evaluation.objects.get(project_name=seed["project_name"])
        assert ev.indicator_lines.count() == len(seed["indicators"])
    # The seeds plus the 项目支出 form composed from seed 003 and the 部门整体 one from seed 002.
    assert Evaluation.objects.count() == len(seed_forms()) + 2
    assert Evaluation.objects.filter(template="project_2020").count() == 1


def test_every_seed_indicator_is_stored_verbatim(db):
    call_command("load_demo", stdout=StringIO())
    for seed in seed_forms():
        stored = list(
            IndicatorLine.objects.filter(evaluation__project_name=seed["project_name"])
            .order_by("order")
            .values_list("level1", "level2", "level3", "target", "actual")
        )
        assert stored == [
            (s["level1"], s["level2"], s["level3"], s["target"], s["actual"])
            for s in seed["indicators"]
        ]


def test_personal_mobile_numbers_are_masked_and_office_lines_kept(db):
    call_command("load_demo", stdout=StringIO())
    ev = Evaluation.objects.get(project_name="2020年城镇职工医疗保险基金支出项目")
    assert ev.preparer_phone == "152****3376"
    assert mask_mobile("傅勇忠 0991-8801131") == "傅勇忠 0991-8801131"
    transfer = Evaluation.objects.get(project_name="医疗救助业务经费")
    assert transfer.header["principal_and_phone"] == "傅勇忠 0991-8801131"


def test_demo_logins_work_for_every_role(client, db):
    call_command("load_demo", stdout=StringIO())
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"preparer", "reviewer", "viewer"}
    assert client.login(username="shule_tianbao", password=DEMO_PASSWORD)
    assert client.get("/evaluations/").status_code == 200


def test_the_demo_has_forms_in_every_state_with_their_history(db):
    call_command("load_demo", stdout=StringIO())
    statuses = set(Evaluation.objects.values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "returned", "approved"}
    returned = Evaluation.objects.get(project_name="社会保险业务专项经费")
    assert returned.transitions.last().reason.startswith("“购置办公设备”")
    approved = Evaluation.objects.get(project_name="自治区本级医疗生育保险基金支出")
    assert approved.reviewed_by.username == "xj_shenhe"
    assert approved.submissions.count() == 1


def test_every_submitted_or_approved_demo_form_passes_the_submission_checks(db):
    from evaluations.scoring import evaluation_score, submission_problems
    from evaluations.selectors import with_lines
    from reports.checks import report_problems

    call_command("load_demo", verbosity=0)
    handed_in = with_lines(Evaluation.objects.select_related("year", "unit")).exclude(
        status__in=Evaluation.EDITABLE_STATUSES
    )
    assert handed_in.count() >= 5
    for ev in handed_in:
        assert submission_problems(ev) + report_problems(ev) == [], ev.project_name
    # The approved 项目支出 form prints a score on every line, not 50（差） with blanks.
    project = handed_in.get(template="project_2020", status=Evaluation.Status.APPROVED)
    score = evaluation_score(project)
    assert all(line.final is not None for line in score.lines)
    assert score.total >= 90 and score.grade == "优"


def test_every_returned_demo_form_shows_its_reason_and_line_comments_where_the_clerk_works(
    client, db
):
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())  # idempotent: the comments are not doubled
    returned = Evaluation.objects.filter(status="returned")
    assert returned.exists()
    for ev in returned:
        line_comments = ev.comments.filter(line__isnull=False)
        assert line_comments.exists()
        assert ev.comments.count() == 2
        preparer = Membership.objects.filter(unit=ev.unit, role="preparer").first().user
        client.force_login(preparer)
        reason = ev.transitions.last().reason
        for name in ("evaluation_detail", "evaluation_edit"):
            page = client.get(reverse(name, args=[ev.pk])).content.decode()
            assert html.escape(reason, quote=False) in page or reason in page
            for comment in line_comments:
                assert comment.text in page
