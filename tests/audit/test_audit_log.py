"""The audit log: every login, every change to a form and every download, with who and what."""

from django.contrib import admin
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import audit_record
from evaluations.models import Evaluation
from tests.conftest import PASSWORD
from tests.evaluations.helpers import edit_post, lines_post

LINES = [
    {
        "level1": "项目完成指标",
        "level2": "数量指标",
        "level3": "保障城镇职工基本医疗待遇享受人数",
        "target": "≥10万人",
        "actual": "128267",
    },
    {
        "level1": "满意度指标",
        "level2": "满意度指标",
        "level3": "参保人员满意度",
        "target": "≥90%",
        "actual": "95%",
    },
]


def log_of(evaluation):
    return list(
        AuditEvent.objects.filter(object_id=evaluation.pk)
        .order_by("pk")
        .values_list("username", "action")
    )


def test_the_whole_life_of_a_form_is_in_the_audit_log(client, cast):
    assert client.login(username="preparer", password=PASSWORD)
    client.post(
        reverse("evaluation_new"),
        {
            "template": "social_insurance_fund",
            "year": cast.year.year,
            "project_name": "医保基金支出",
        },
    )
    ev = Evaluation.objects.get(project_name="医保基金支出")
    data = edit_post(ev, goal_planned="保障参保人员待遇", goal_actual="全部完成")
    data.update(lines_post(LINES))
    assert client.post(reverse("evaluation_edit", args=[ev.pk]), data).status_code == 302
    ev.refresh_from_db()
    client.post(reverse("evaluation_transition", args=[ev.pk, "submit"]), {"version": ev.version})

    client.force_login(cast.reviewer)
    ev.refresh_from_db()
    client.post(
        reverse("evaluation_transition", args=[ev.pk, "return"]),
        {"version": ev.version, "reason": "满意度请附调查依据"},
    )

    client.force_login(cast.preparer)
    ev.refresh_from_db()
    data = edit_post(ev, goal_actual="全部完成，满意度调查报告附后")
    assert client.post(reverse("evaluation_edit", args=[ev.pk]), data).status_code == 302
    ev.refresh_from_db()
    client.post(reverse("evaluation_transition", args=[ev.pk, "submit"]), {"version": ev.version})

    client.force_login(cast.reviewer)
    ev.refresh_from_db()
    client.post(reverse("evaluation_transition", args=[ev.pk, "approve"]), {"version": ev.version})
    assert client.get(reverse("evaluation_pdf", args=[ev.pk])).status_code == 200

    assert log_of(ev) == [
        ("preparer", "create"),
        ("preparer", "save"),
        ("preparer", "submit"),
        ("reviewer", "return"),
        ("preparer", "save"),
        ("preparer", "submit"),
        ("reviewer", "approve"),
        ("reviewer", "download_pdf"),
    ]
    events = {e.pk: e for e in AuditEvent.objects.filter(object_id=ev.pk)}
    by_action = {}
    for e in sorted(events.values(), key=lambda e: e.pk):
        by_action.setdefault(e.action, []).append(e)

    assert by_action["create"][0].detail["template"] == "social_insurance_fund"
    assert by_action["create"][0].object_label == "2020年度 疏勒县医疗保障局 医保基金支出"
    first_save, second_save = by_action["save"]
    changes = {c["where"]: (c["before"], c["after"]) for c in first_save.detail["changes"]}
    assert changes["表头·实际完成目标"] == ("", "全部完成")
    assert changes["新增第1行"] == ("", "保障城镇职工基本医疗待遇享受人数 ≥10万人")
    assert changes["新增第2行"] == ("", "参保人员满意度 ≥90%")
    assert second_save.detail["changes"] == [
        {
            "where": "表头·实际完成目标",
            "before": "全部完成",
            "after": "全部完成，满意度调查报告附后",
        }
    ]
    returned = by_action["return"][0]
    assert returned.detail == {
        "from": "submitted",
        "to": "returned",
        "reason": "满意度请附调查依据",
        "version": returned.detail["version"],
    }
    assert by_action["approve"][0].detail["to"] == "approved"
    # Every entry made through a page knows the address it came from.
    assert {e.ip for e in events.values()} == {"127.0.0.1"}
    assert all(e.user is not None for e in events.values())


def test_logins_logouts_and_failed_logins_are_logged(client, cast):
    client.post(reverse("login"), {"username": "preparer", "password": "wrong-password"})
    client.post(reverse("login"), {"username": "preparer", "password": PASSWORD})
    client.post(reverse("logout"))
    rows = list(AuditEvent.objects.order_by("pk").values_list("username", "action", "ip"))
    assert rows == [
        ("preparer", "login_failed", "127.0.0.1"),
        ("preparer", "login", "127.0.0.1"),
        ("preparer", "logout", "127.0.0.1"),
    ]
    failed = AuditEvent.objects.get(action="login_failed")
    assert failed.user is None and "wrong-password" not in str(failed.detail)


def test_comments_and_downloads_are_logged(client, cast):
    from tests.conftest import make_evaluation

    ev = make_evaluation(cast.preparer, cast.year)
    client.force_login(cast.reviewer)
    client.post(reverse("comment_add", args=[ev.pk]), {"text": "请核实人数"})
    client.get(reverse("evaluation_xlsx", args=[ev.pk]))
    assert log_of(ev)[-2:] == [("reviewer", "comment"), ("reviewer", "download_xlsx")]
    assert AuditEvent.objects.get(action="comment").detail["text"] == "请核实人数"


def test_an_outsider_refused_a_download_leaves_no_entry(client, cast):
    from tests.conftest import make_evaluation

    ev = make_evaluation(cast.preparer, cast.year)
    client.force_login(cast.other_reviewer)
    assert client.get(reverse("evaluation_pdf", args=[ev.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="download_pdf").exists()


def test_a_refused_save_leaves_no_entry(client, cast):
    from tests.conftest import make_evaluation

    ev = make_evaluation(cast.preparer, cast.year)
    client.force_login(cast.preparer)
    stale = edit_post(ev, goal_actual="新内容", version=ev.version - 1)
    assert client.post(reverse("evaluation_edit", args=[ev.pk]), stale).status_code == 409
    assert not AuditEvent.objects.filter(action="save").exists()


def test_the_export_command_is_logged(cast, tmp_path):
    from django.core.management import call_command

    from tests.conftest import make_evaluation

    ev = make_evaluation(cast.preparer, cast.year)
    call_command("export_forms", year=2020, formats="xlsx", out=str(tmp_path))
    event = AuditEvent.objects.get(action="export_forms")
    assert event.user is None and event.detail["forms"] == [ev.pk]
    assert event.detail["formats"] == ["xlsx"]


def test_the_admin_shows_the_log_read_only(client, cast, admin_user):
    audit_record(user=cast.preparer, action="login")
    client.force_login(admin_user)
    page = client.get(reverse("admin:audit_auditevent_changelist"))
    assert page.status_code == 200 and "preparer" in page.content.decode()
    model_admin = admin.site._registry[AuditEvent]
    request = page.wsgi_request
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    event = AuditEvent.objects.get(username="preparer")
    assert (
        client.post(
            reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert AuditEvent.objects.count() == 2  # the entry, and the admin's own login
