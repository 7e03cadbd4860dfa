"""The edit page holds every part of a real form, posted exactly as a browser posts the page
(`page_post` reads the page's own HTML form): the head labels as the form words them, the head
rows its template lacks, 注, the 审核人 and dates of the signature line, 其他内容. Saving the page
unchanged changes nothing; each part can be typed, changed and removed; over-long input gets a
Chinese message and stays on the page."""

from __future__ import annotations

import datetime
import html

import pytest
from django.urls import reverse

from evaluations import services
from evaluations.forms.own import HEAD_EXTRA_TOO_MANY, OTHER_UNREADABLE
from evaluations.models import Evaluation, FundLine, IndicatorLine
from evaluations.partial import LINES
from tests.conftest import PASSWORD, make_evaluation
from tests.evaluations.helpers import make_project_form, page_post
from tests.evaluations.test_scoring_on_forms import PROJECT_LINES, text_of
from tests.workbooks.test_real_forms import cells, squash, xlsx_of, xlsx_text
from tests.workbooks.variant_books import hunan_measured
from workbooks import services as import_service
from workbooks import xlsx_import as xi

# Over-long texts must be refused by the form, not by PostgreSQL's column lengths (a 500).
pytestmark = pytest.mark.postgresql

EXTRA = [{"label": "项目负责人及电话", "value": "王工 0998-6621234"}]
OTHER = [
    {"source": "Sheet1!H3", "label": "绩效等级", "value": "优"},
    {"source": "Sheet1!A30", "label": "", "value": "单位负责人：张三"},
    {"source": "Sheet1!A31", "label": "备注", "value": "第一行\n第二行"},
]


def edit_url(ev):
    return reverse("evaluation_edit", args=[ev.pk])


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def post(client, ev, data):
    return client.post(edit_url(ev), data)


def everything(ev) -> dict:
    """All the form holds: its own columns (but the save's bookkeeping), funds and lines."""
    ev = Evaluation.objects.get(pk=ev.pk)
    skip = {"version", "updated_at", "updated_by"}
    own = {
        f.name: getattr(ev, f.name) for f in Evaluation._meta.concrete_fields if f.name not in skip
    }
    funds = [
        {f.name: getattr(fund, f.name) for f in FundLine._meta.concrete_fields}
        for fund in ev.fund_lines.all()
    ]
    lines = [
        {f.name: getattr(line, f.name) for f in IndicatorLine._meta.concrete_fields}
        for line in ev.indicator_lines.all()
    ]
    return {"form": own, "funds": funds, "lines": lines}


@pytest.fixture
def imported(cast):
    """The 湖南 variant: 转移支付（项目）名称, 项目负责人及电话, 审核人 周强, its own 注, 指标性质
    and 度量单位 columns, the form's own weights and figures, a cell in 其他内容."""
    parsed = xi.parse_workbook(hunan_measured()[0], year=2021)
    return import_service.evaluation_import(user=cast.preparer, year=cast.year, parsed=parsed)


@pytest.fixture
def form(cast):
    ev = make_project_form(cast, PROJECT_LINES)
    Evaluation.objects.filter(pk=ev.pk).update(header_extra=EXTRA, other_content=OTHER)
    ev.refresh_from_db()
    return ev


def test_an_imported_draft_saved_unchanged_keeps_every_value_label_and_wording(
    client, cast, imported
):
    before = everything(imported)
    assert before["form"]["header"]["project_name__label"] == "转移支付（项目）名称"
    assert before["form"]["signer_reviewer"] == "周强"
    assert before["form"]["footnote_text"] and before["form"]["other_content"]
    first = xlsx_of(imported)

    response = post(login(client, cast.preparer), imported, page_post(client, imported))

    assert response.status_code == 302
    assert Evaluation.objects.get(pk=imported.pk).version == imported.version + 1
    assert everything(imported) == before
    assert cells(xlsx_of(imported)) == cells(first)


def test_the_page_shows_the_head_labels_as_the_form_words_them_and_they_can_be_retyped(
    client, cast, imported
):
    page = login(client, cast.preparer).get(edit_url(imported))
    assert page.context["form"]["project_name__label"].value() == "转移支付（项目）名称"

    data = page_post(client, imported, project_name__label="专项资金名称")
    assert post(client, imported, data).status_code == 302
    imported.refresh_from_db()
    assert imported.header_label("project_name") == "专项资金名称"
    assert "专项资金名称" in xlsx_text(xlsx_of(imported))

    data = page_post(client, imported, project_name__label="")
    assert post(client, imported, data).status_code == 302
    imported.refresh_from_db()
    assert imported.header_label("project_name") == "项目名称"  # emptied: the template's


def test_the_reviewer_signature_and_its_date_are_typed_saved_and_printed(client, cast):
    ev = make_project_form(cast, PROJECT_LINES)
    page = text_of(login(client, cast.preparer).get(edit_url(ev)))
    assert "审核人" in page and "审核日期" in page

    data = page_post(client, ev, signer_reviewer="赵审核", signer_reviewer_date="2021-03-05")
    assert post(client, ev, data).status_code == 302

    ev.refresh_from_db()
    assert (ev.signer_reviewer, ev.signer_reviewer_date) == ("赵审核", datetime.date(2021, 3, 5))
    printed = squash(xlsx_text(xlsx_of(ev)))
    assert "审核人：赵审核" in printed and "审核日期：2021年3月5日" in printed


def test_a_blank_reviewer_date_stays_blank(client, cast):
    ev = make_project_form(cast, PROJECT_LINES)
    Evaluation.objects.filter(pk=ev.pk).update(
        signer_reviewer="赵审核", signer_reviewer_date=datetime.date(2021, 3, 5)
    )
    data = page_post(login(client, cast.preparer), ev, signer_reviewer_date="")
    assert post(client, ev, data).status_code == 302

    ev.refresh_from_db()
    assert ev.signer_reviewer == "赵审核" and ev.signer_reviewer_date is None
    printed = squash(xlsx_text(xlsx_of(ev)))
    # The signature line is one cell: the blank date runs straight into the next label.
    assert "审核人：赵审核" in printed and "审核日期：联系电话：" in printed


def test_an_over_long_reviewer_name_gets_a_message_and_stays_on_the_page(client, cast):
    ev = make_project_form(cast, PROJECT_LINES)
    name = "审" * 51
    data = page_post(login(client, cast.preparer), ev, signer_reviewer=name)

    response = post(client, ev, data)

    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "审核人最多 50 个字（现有 51 个）。" in page and name in page
    assert Evaluation.objects.get(pk=ev.pk).signer_reviewer == ""


def test_the_signature_prints_as_the_form_words_it(client, cast):
    ev = make_project_form(cast, PROJECT_LINES)
    Evaluation.objects.filter(pk=ev.pk).update(wording={"signature.signer_reviewer": "复核人"})
    data = page_post(login(client, cast.preparer), ev, signer_reviewer="钱复核")
    assert post(client, ev, data).status_code == 302
    ev.refresh_from_db()
    assert ev.wording == {"signature.signer_reviewer": "复核人"}  # the save keeps the wording
    assert "复核人：钱复核" in squash(xlsx_text(xlsx_of(ev)))


def test_extra_head_rows_can_be_changed_added_and_removed(client, cast, form):
    page = text_of(login(client, cast.preparer).get(edit_url(form)))
    assert "表头其他栏目" in page

    data = page_post(client, form)
    # The page holds the stored row and one empty row to fill in.
    assert data["head_extra-TOTAL_FORMS"] == "2"
    data.update(
        {
            "head_extra-0-value": "王工 0998-6620000",
            "head_extra-1-label": "主管部门（盖章）",
            "head_extra-1-value": "疏勒县卫生健康委员会",
        }
    )
    assert post(client, form, data).status_code == 302
    form.refresh_from_db()
    assert form.header_extra == [
        {"label": "项目负责人及电话", "value": "王工 0998-6620000"},
        {"label": "主管部门（盖章）", "value": "疏勒县卫生健康委员会"},
    ]
    printed = squash(xlsx_text(xlsx_of(form)))
    assert "项目负责人及电话|王工0998-6620000" in printed
    assert "主管部门（盖章）|疏勒县卫生健康委员会" in printed

    data = page_post(client, form)
    data["head_extra-0-DELETE"] = "on"
    assert post(client, form, data).status_code == 302
    form.refresh_from_db()
    assert form.header_extra == [{"label": "主管部门（盖章）", "value": "疏勒县卫生健康委员会"}]
    assert "项目负责人及电话" not in xlsx_text(xlsx_of(form))


def test_extra_head_rows_at_their_limits_are_stored_whole(client, cast, form):
    label, value = "栏" * 30, "值" * 200
    data = page_post(login(client, cast.preparer), form)
    data.update({"head_extra-1-label": label, "head_extra-1-value": value})

    assert post(client, form, data).status_code == 302
    form.refresh_from_db()
    assert form.header_extra[1] == {"label": label, "value": value}


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("label", "栏" * 31, "栏目名称最多 30 个字（现有 31 个）。"),
        ("value", "值" * 201, "内容最多 200 个字（现有 201 个）。"),
    ],
)
def test_an_over_long_extra_head_row_gets_a_message_and_stays_on_the_page(
    client, cast, form, field, text, message
):
    data = page_post(login(client, cast.preparer), form)
    data[f"head_extra-1-{field}"] = text
    data["goal_actual"] = "全部完成"

    response = post(client, form, data)

    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert message in page and text in page and "全部完成" in page
    form.refresh_from_db()
    assert form.header_extra == EXTRA and form.goal_actual == ""


def test_more_than_30_extra_head_rows_are_refused_with_their_count(client, cast, form):
    data = page_post(login(client, cast.preparer), form)
    data["head_extra-TOTAL_FORMS"] = "31"
    for i in range(1, 31):
        data[f"head_extra-{i}-label"] = f"栏目{i}"
        data[f"head_extra-{i}-value"] = f"内容{i}"

    response = post(client, form, data)

    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert HEAD_EXTRA_TOO_MANY.format(limit=30, count=31) in page
    assert "内容30" in page  # every typed row is still on the page
    form.refresh_from_db()
    assert form.header_extra == EXTRA


def test_the_forms_own_note_is_typed_on_the_page_and_printed_instead_of_the_templates(client, cast):
    ev = make_evaluation(cast.preparer, cast.year, template="transfer_payment_2019")
    template_note = ev.template_def.footnotes[-1]
    assert squash(template_note) in squash(xlsx_text(xlsx_of(ev)))

    data = page_post(login(client, cast.preparer), ev)
    data["footnote_text"] = "注：1.定量指标填写实际完成数。\r\n2.定性指标按完成比例填写。"
    assert post(client, ev, data).status_code == 302

    ev.refresh_from_db()
    assert ev.footnote_text == "注：1.定量指标填写实际完成数。\n2.定性指标按完成比例填写。"
    printed = squash(xlsx_text(xlsx_of(ev)))
    assert "2.定性指标按完成比例填写。" in printed
    assert squash(template_note) not in printed


def test_textareas_store_line_breaks_as_typed_not_as_the_browser_sends_them(client, cast):
    ev = make_project_form(cast, PROJECT_LINES)
    Evaluation.objects.filter(pk=ev.pk).update(goal_planned="第一项\n第二项")
    data = page_post(login(client, cast.preparer), ev)
    assert data["goal_planned"] == "第一项\r\n第二项"  # as a browser sends it

    assert post(client, ev, data).status_code == 302
    assert Evaluation.objects.get(pk=ev.pk).goal_planned == "第一项\n第二项"


def test_other_content_is_shown_and_only_the_items_marked_are_removed(client, cast, form):
    page = text_of(login(client, cast.preparer).get(edit_url(form)))
    assert "其他内容" in page and "绩效等级 优 Sheet1!H3 删除" in page

    assert post(client, form, page_post(client, form)).status_code == 302
    form.refresh_from_db()
    assert form.other_content == OTHER  # nothing removed unless asked

    data = page_post(client, form)
    data["other-remove_1"] = "on"
    assert post(client, form, data).status_code == 302
    form.refresh_from_db()
    assert form.other_content == [OTHER[0], OTHER[2]]
    printed = xlsx_text(xlsx_of(form))
    assert "单位负责人：张三" not in printed and "第一行\n第二行" in printed

    # The same page posted again (as after an autosave) removes nothing more.
    data["version"] = str(form.version)
    assert post(client, form, data).status_code == 302
    form.refresh_from_db()
    assert form.other_content == [OTHER[0], OTHER[2]]


def test_unreadable_other_content_is_refused_and_kept(client, cast, form):
    data = page_post(login(client, cast.preparer), form, **{"other-items": "{not json"})

    response = post(client, form, data)

    assert response.status_code == 400
    assert OTHER_UNREADABLE in html.unescape(response.content.decode())
    form.refresh_from_db()
    assert form.other_content == OTHER


def test_a_page_that_posts_no_extra_rows_or_other_content_keeps_them(client, cast, form):
    """A page opened before these parts were on it saves the rest and leaves them as stored."""
    data = page_post(login(client, cast.preparer), form, goal_actual="全部完成")
    for name in [n for n in data if n.startswith(("head_extra-", "other-"))]:
        del data[name]

    assert post(client, form, data).status_code == 302
    form.refresh_from_db()
    assert form.goal_actual == "全部完成"
    assert form.header_extra == EXTRA and form.other_content == OTHER


def test_after_a_return_of_the_lines_only_the_head_rows_and_other_content_are_locked(
    client, cast, form
):
    Evaluation.objects.filter(pk=form.pk).update(status=Evaluation.Status.SUBMITTED)
    services.evaluation_transition(
        evaluation_id=form.pk,
        user=cast.reviewer,
        action="return",
        expected_version=form.version,
        reason="请补充指标",
        parts=[services.PartInput(section=LINES, comment="补充指标")],
    )
    form.refresh_from_db()
    login(client, cast.preparer)
    assert post(client, form, page_post(client, form)).status_code == 302

    data = page_post(client, form)
    data["head_extra-0-value"] = "李工"
    response = post(client, form, data)
    assert response.status_code == 409
    assert "表头其他栏目" in html.unescape(response.content.decode())

    data = page_post(client, form)
    assert "other-remove_0" not in data  # disabled: the 删除 boxes of a locked part
    data["other-remove_0"] = "on"
    response = post(client, form, data)
    assert response.status_code == 409
    form.refresh_from_db()
    assert form.header_extra == EXTRA and form.other_content == OTHER


def test_another_units_preparer_cannot_change_the_head_rows(client, cast, form):
    data = page_post(login(client, cast.preparer), form, **{"head_extra-0-value": "改"})
    client.logout()
    login(client, cast.other_preparer)

    assert post(client, form, data).status_code == 404
    form.refresh_from_db()
    assert form.header_extra == EXTRA


def test_a_form_typed_from_scratch_holds_every_part_of_a_real_form(client, cast):
    ev = make_evaluation(cast.preparer, cast.year, template="project_2020")
    data = page_post(login(client, cast.preparer), ev)
    data.update(
        {
            "project_name__label": "转移支付（项目）名称",
            "head_extra-0-label": "项目负责人及电话",
            "head_extra-0-value": "王建国 0731-8456123",
            "footnote_text": "注：定性指标按完成比例填写。",
            "preparer": "李红",
            "signer_reviewer": "周强",
        }
    )
    assert post(client, ev, data).status_code == 302

    printed = squash(xlsx_text(xlsx_of(ev)))
    for text in (
        "转移支付（项目）名称",
        "项目负责人及电话|王建国0731-8456123",
        "注：定性指标按完成比例填写。",
        "填表人：李红",
        "审核人：周强",
    ):
        assert squash(text) in printed


def test_nature_and_unit_columns_of_a_measured_form_are_typed_on_the_page(client, cast, imported):
    data = page_post(login(client, cast.preparer), imported)
    first = next(
        key[: -len("-level3")]
        for key, value in data.items()
        if key.endswith("-level3") and value == "参保人数"
    )
    assert (data[f"{first}-nature"], data[f"{first}-target"], data[f"{first}-measure_unit"]) == (
        "≥",
        "52000",
        "人",
    )
    data[f"{first}-measure_unit"] = "人次"
    new = int(data["lines-TOTAL_FORMS"])
    data["lines-TOTAL_FORMS"] = str(new + 1)
    data.update(
        {
            f"lines-{new}-level1": "产出指标",
            f"lines-{new}-level2": "成本指标",
            f"lines-{new}-level3": "人均补助标准",
            f"lines-{new}-nature": "≤",
            f"lines-{new}-target": "610",
            f"lines-{new}-measure_unit": "元",
            f"lines-{new}-ORDER": str(new + 1),
        }
    )

    assert post(client, imported, data).status_code == 302
    line = IndicatorLine.objects.get(evaluation=imported, level3="参保人数")
    assert (line.nature, line.target, line.measure_unit) == ("≥", "52000", "人次")
    added = IndicatorLine.objects.get(evaluation=imported, level3="人均补助标准")
    assert (added.nature, added.target, added.measure_unit) == ("≤", "610", "元")
    assert "人均补助标准|≤|610|元" in squash(xlsx_text(xlsx_of(imported)))


def test_a_form_without_those_columns_keeps_what_its_lines_hold(client, cast):
    ev = make_project_form(cast, PROJECT_LINES)
    IndicatorLine.objects.filter(evaluation=ev).update(nature="≥", measure_unit="%")
    data = page_post(login(client, cast.preparer), ev, goal_actual="全部完成")

    assert post(client, ev, data).status_code == 302
    assert set(
        IndicatorLine.objects.filter(evaluation=ev).values_list("nature", "measure_unit")
    ) == {("≥", "%")}
