"""Every write to a 自评报告 goes through here: one function per action, keyword-only arguments,
one transaction each, the form's row locked so figures cannot change under a save."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from evaluations import locks
from evaluations.models import Evaluation
from evaluations.permissions import can_edit, visible_evaluations
from evaluations.services import NOT_EDITABLE, NOT_FOUND, YEAR_CLOSED, EvaluationError

from .drafting import normalise_text
from .models import Report, ReportSection
from .selectors import load_evaluation, report_view

# Messages users see, kept here so tests can assert them.
NO_PERMISSION = "只有本单位的填报人可以修改自评报告。"
STALE = (
    "保存未成功：在您打开本页之后，{who}于{when}保存了自评报告的新版本。"
    "为避免覆盖对方的修改，您的修改没有保存（仍保留在本页）。请核对后再保存。"
)
FIGURES_CHANGED = (
    "保存未成功：在您打开本页之后，自评表的数据有了变化，各节草稿已按新数据重新生成。"
    "您填写的文字仍保留在本页，请核对标为“过时”的章节后再保存。"
)
TOO_LONG = "“{section}”超过{limit}字，请精简后再保存。"
UNKNOWN_SECTION = "没有这一节，请刷新页面。"
MAX_CHARS = 20000


class FiguresChanged(EvaluationError):
    pass


def _editable_evaluation(evaluation_id: int, user) -> Evaluation:
    try:
        evaluation = (
            visible_evaluations(user)
            .select_for_update(of=("self",))
            .select_related("year")
            .get(pk=evaluation_id)
        )
    except Evaluation.DoesNotExist:
        raise EvaluationError(NOT_FOUND) from None
    if not can_edit(user, evaluation):
        raise EvaluationError(NO_PERMISSION)
    if evaluation.year.closed:
        raise EvaluationError(YEAR_CLOSED.format(year=evaluation.year.year))
    if evaluation.status not in Evaluation.EDITABLE_STATUSES:
        raise EvaluationError(NOT_EDITABLE.format(status=evaluation.get_status_display()))
    # The report is part of the form: whatever else locks the form (截止后锁定) locks it too.
    extra = locks.extra_lock_reasons(evaluation, timezone.localdate())
    if extra:
        raise EvaluationError(extra[0])
    return evaluation


def _locked_report(evaluation: Evaluation, expected_version: int) -> Report:
    report, _ = Report.objects.select_related("updated_by").get_or_create(evaluation=evaluation)
    if report.version != expected_version:
        who = report.updated_by
        name = (who.get_full_name() or who.get_username()) if who else "其他用户"
        when = timezone.localtime(report.updated_at).strftime("%Y-%m-%d %H:%M")
        raise EvaluationError(STALE.format(who=name, when=when))
    return report


def _bump(report: Report, user) -> None:
    report.version += 1
    report.updated_by = user
    report.updated_at = timezone.now()
    report.save(update_fields=["version", "updated_by", "updated_at"])


@transaction.atomic
def report_save(
    *,
    evaluation_id: int,
    user,
    expected_version: int,
    figures_fingerprint: str,
    texts: dict[str, str],
    adopt: frozenset[str] = frozenset(),
    keep: frozenset[str] = frozenset(),
) -> Report:
    """Save the sections as the edit page posts them (section key → text), or nothing.

    Refused when another save came in between (`expected_version`, optimistic locking) or when
    the form's figures changed since the page was drafted (`figures_fingerprint`): the page then
    shows the new drafts beside what was typed. Per section: text equal to today's draft is
    stored as untouched (it will follow the figures); text unchanged from what was saved keeps its
    old draft (a stale section stays stale until the preparer deals with it); anything else is
    the preparer's own words, written against today's draft.

    `adopt` and `keep` deal with stale sections: 采用新草稿 (the text becomes today's draft and
    follows the figures again) or 保留现有文字 (the text stays, now written against today's draft).
    """
    evaluation = _editable_evaluation(evaluation_id, user)
    report = _locked_report(evaluation, expected_version)
    view = report_view(load_evaluation(evaluation.pk))
    if figures_fingerprint != view.figures_fingerprint:
        raise FiguresChanged(FIGURES_CHANGED)
    texts = {key: normalise_text(text) for key, text in texts.items()}
    for state in view.sections:
        text = texts.get(state.key)
        if text is not None and len(text) > MAX_CHARS:
            raise EvaluationError(TOO_LONG.format(section=state.definition.label, limit=MAX_CHARS))

    existing = {s.key: s for s in report.sections.all()}
    now = timezone.now()
    changed, created = [], []
    for state in view.sections:
        text = state.draft.text if state.key in adopt else texts.get(state.key)
        if text is None:
            continue
        row = existing.get(state.key)
        unchanged = row is not None and text == row.text and text != state.draft.text
        if unchanged and state.key not in keep:
            continue  # an edited (perhaps stale) section stays as it was
        if row is None:
            if text == state.draft.text:
                continue  # untouched and never saved: the draft stands without a row
            row = ReportSection(report=report, key=state.key)
            created.append(row)
        else:
            changed.append(row)
        row.text = text
        row.draft_text = state.draft.text
        row.fingerprint = state.draft.fingerprint
        row.updated_at = now
    ReportSection.objects.bulk_create(created)
    ReportSection.objects.bulk_update(changed, ["text", "draft_text", "fingerprint", "updated_at"])
    _bump(report, user)
    return report
