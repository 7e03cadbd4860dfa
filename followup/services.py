"""Every write after the self-evaluation: one function per action, keyword-only arguments, one
transaction each, an audit entry each. Views parse input and call these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from evaluations import attachments
from evaluations.models import Evaluation, Notification, Region, Year
from evaluations.scoring import evaluation_score, total_fund_amounts
from evaluations.selectors import preparers_of, with_lines

from . import sampling
from .models import (
    Rectification,
    RectificationEvidence,
    RectificationItem,
    ResultDecision,
    ResultRule,
    Review,
    ReviewLine,
    Sample,
)
from .permissions import (
    approved_forms,
    can_answer,
    can_score,
    is_finance,
    visible_regions,
)

# Messages people see, kept here so tests can assert them.
NOT_FINANCE = "只有财政部门审核人可以执行此操作。"
REGION_OUTSIDE = "该行政区划不在您的管辖范围内。"
NOTHING_DRAWN = "没有符合条件的已审核自评表，未抽取。"
SIZE_NEEDED = "请填写抽取数量（正整数）。"
AMOUNT_NEEDED = "请填写金额下限（万元）。"
PICK_NEEDED = "请至少选择一张自评表。"
FORM_OUTSIDE = "所选自评表不在范围内或尚未审核。"
NOT_YOUR_REVIEW = "该复核未分配给您。"
REVIEW_DONE = "该复核已完成，不能再修改。"
REASON_NEEDED = "第{number}行 {name}：复核得分{review}分与自评得分{own}分不同，请填写差异理由。"
BUDGET_REASON_NEEDED = "预算执行率：复核得分与自评得分不同，请填写差异理由。"
SCORE_NEEDED = "第{number}行 {name}：请填写复核得分。"
BUDGET_SCORE_NEEDED = "预算执行率：请填写复核得分。"
SCORE_RANGE = "第{number}行 {name}：复核得分应在0到分值{weight}之间。"
CONCLUSION_NEEDED = "请填写复核结论。"
ITEMS_NEEDED = "请至少填写一项整改要求及其期限。"
NOT_APPROVED = "只能对已审核的自评表下达整改要求。"
NOT_YOUR_UNIT = "只能由本单位填报人答复整改事项。"
ANSWER_NEEDED = "请填写整改情况。"
CANNOT_ANSWER = "该整改事项已答复或已验收，不能再答复。"
CANNOT_DECIDE = "只有已答复的整改事项可以验收或退回。"
RETURN_REASON = "退回整改答复时请填写意见。"
DECISION_NEEDED = "请填写最终决定。"


class FollowupError(Exception):
    """A refused action, with a message for the user (nothing was changed)."""

    def __init__(self, message: str | list[str]):
        self.messages = [message] if isinstance(message, str) else list(message)
        super().__init__("；".join(self.messages))
        self.message = self.messages[0]


def _require_finance(user) -> None:
    if not is_finance(user):
        raise FollowupError(NOT_FINANCE)


def _label(evaluation: Evaluation) -> dict:
    return {"unit": evaluation.unit.name, "project": evaluation.project_name}


# -- 抽评: drawing a sample --------------------------------------------------------------------


def _candidates(user, year: Year, region: Region):
    forms = with_lines(
        approved_forms(user).filter(region.subtree_q("unit__region__"), year=year)
    ).order_by("pk")
    result = []
    for form in forms:
        budget, _ = total_fund_amounts(form.template_def, form.fund_lines.all())
        result.append(sampling.Candidate(form.pk, form.unit_id, budget))
    return result


@transaction.atomic
def sample_draw(
    *,
    user,
    year: Year,
    region: Region,
    method: str,
    size: int | None = None,
    min_amount: Decimal | None = None,
    seed: str = "",
    picked: list[int] = (),
    gap_points: Decimal = Decimal(10),
) -> Sample:
    """Draw a sample of the year's approved forms of `region` and below (within the user's scope)
    and open a 复核 for each. Random draws record their seed: the same seed over the same forms
    draws the same sample (`followup.sampling`)."""
    _require_finance(user)
    if not visible_regions(user).filter(pk=region.pk).exists():
        raise FollowupError(REGION_OUTSIDE)
    candidates = _candidates(user, year, region)
    Method = Sample.Method
    if method in (Method.RANDOM, Method.STRATIFIED):
        if not size or size < 1:
            raise FollowupError(SIZE_NEEDED)
        seed = seed.strip() or sampling.new_seed()
        draw = sampling.draw_random if method == Method.RANDOM else sampling.draw_stratified
        chosen = draw(candidates, size=size, seed=seed)
    elif method == Method.AMOUNT:
        if min_amount is None:
            raise FollowupError(AMOUNT_NEEDED)
        chosen, seed = sampling.draw_above(candidates, min_amount=min_amount), ""
    else:
        if not picked:
            raise FollowupError(PICK_NEEDED)
        allowed = {c.pk for c in candidates}
        if not set(picked) <= allowed:
            raise FollowupError(FORM_OUTSIDE)
        chosen, seed = sorted(set(picked)), ""
    if not chosen:
        raise FollowupError(NOTHING_DRAWN)
    sample = Sample.objects.create(
        year=year,
        region=region,
        method=method,
        seed=seed,
        size=size if method in (Method.RANDOM, Method.STRATIFIED) else None,
        min_amount=min_amount if method == Method.AMOUNT else None,
        gap_points=gap_points,
        created_by=user,
    )
    Review.objects.bulk_create(Review(sample=sample, evaluation_id=pk) for pk in chosen)
    audit_record(
        user=user,
        action="sample",
        detail={
            "sample": sample.pk,
            "year": year.year,
            "region": region.name,
            "method": method,
            "seed": seed,
            "forms": chosen,
        },
    )
    return sample


@transaction.atomic
def review_assign(*, user, review_id: int, reviewer=None, third_party: bool = False) -> Review:
    """Assign a 复核 to a reviewer of the region, or mark it for 第三方评价."""
    _require_finance(user)
    review = Review.objects.select_for_update().get(pk=review_id)
    if review.status == Review.Status.DONE:
        raise FollowupError(REVIEW_DONE)
    review.reviewer = reviewer
    review.third_party = third_party
    review.save(update_fields=["reviewer", "third_party"])
    audit_record(
        user=user,
        action="rescore",
        evaluation=review.evaluation,
        detail={
            "review": review.pk,
            "assigned_to": reviewer.get_username() if reviewer else "",
            "third_party": third_party,
        },
    )
    return review


# -- 复核: scoring beside the self-score --------------------------------------------------------


@dataclass(frozen=True)
class LineReScore:
    line_id: int
    score: Decimal | None
    reason: str = ""


@transaction.atomic
def review_save(
    *,
    user,
    review_id: int,
    lines: list[LineReScore],
    budget_score: Decimal | None,
    budget_reason: str = "",
    conclusion: str = "",
    complete: bool = False,
) -> Review:
    """Save the 复核得分 of each line beside the form's self-score (as it stands now). A draft
    always saves; 完成复核 needs every weighted line scored, a reason for each differing line,
    and the 复核结论."""
    review = Review.objects.select_for_update().get(pk=review_id)
    if not can_score(user, review):
        raise FollowupError(NOT_YOUR_REVIEW)
    if review.status == Review.Status.DONE:
        raise FollowupError(REVIEW_DONE)
    form = with_lines(Evaluation.objects.filter(pk=review.evaluation_id)).get()
    score = evaluation_score(form)
    typed = {entry.line_id: entry for entry in lines}
    rows, problems = [], []
    for line, result in zip(form.indicator_lines.all(), score.lines, strict=True):
        entry = typed.get(line.pk, LineReScore(line.pk, None))
        own = result.final
        row = ReviewLine(
            review=review,
            line=line,
            number=result.number,
            label=result.name,
            weight=result.weight,
            self_score=own,
            review_score=entry.score,
            reason=entry.reason.strip(),
        )
        rows.append(row)
        if result.weight is None:
            continue
        if entry.score is None:
            problems.append(SCORE_NEEDED.format(number=row.number, name=row.label))
        elif not Decimal(0) <= entry.score <= result.weight:
            raise FollowupError(
                SCORE_RANGE.format(number=row.number, name=row.label, weight=result.weight)
            )
        elif entry.score != own and not row.reason:
            problems.append(
                REASON_NEEDED.format(number=row.number, name=row.label, review=entry.score, own=own)
            )
    if budget_score is not None and budget_score != score.budget_final and not budget_reason:
        problems.append(BUDGET_REASON_NEEDED)
    if score.scored and score.budget_weight is not None and budget_score is None:
        problems.append(BUDGET_SCORE_NEEDED)
    if not conclusion.strip():
        problems.append(CONCLUSION_NEEDED)
    if complete and problems:
        raise FollowupError(problems)

    review.lines.all().delete()
    ReviewLine.objects.bulk_create(rows)
    review.budget_self = score.budget_final
    review.budget_review = budget_score
    review.budget_reason = budget_reason.strip()
    review.self_total = score.total
    scored = [r.review_score for r in rows if r.weight is not None and r.review_score is not None]
    review.review_total = (
        sum(scored, budget_score or Decimal(0)) if scored or budget_score is not None else None
    )
    if review.review_total is not None and score.cap is not None:
        # The region's cap by 预算执行率 holds for the 复核 total as for the self-score.
        review.review_total = min(review.review_total, score.cap)
    review.conclusion = conclusion.strip()
    if complete:
        review.status = Review.Status.DONE
        review.completed_at = timezone.now()
    review.save()
    audit_record(
        user=user,
        action="rescore",
        evaluation=form,
        detail={
            "review": review.pk,
            "complete": complete,
            "self_total": str(review.self_total),
            "review_total": str(review.review_total),
        },
    )
    return review


# -- 整改 ------------------------------------------------------------------------------------


@transaction.atomic
def rectification_issue(
    *, user, evaluation_id: int, items: list[tuple[str, date]], review_id: int | None = None
) -> Rectification:
    """Issue 整改要求 on an approved form (or from its 复核): items, each with a deadline. The
    unit's preparers are notified in the app."""
    _require_finance(user)
    evaluation = approved_forms(user).select_related("unit", "year").filter(pk=evaluation_id)
    evaluation = evaluation.first()
    if evaluation is None:
        raise FollowupError(NOT_APPROVED)
    items = [(text.strip(), deadline) for text, deadline in items if text.strip() and deadline]
    if not items:
        raise FollowupError(ITEMS_NEEDED)
    rectification = Rectification.objects.create(
        evaluation=evaluation, review_id=review_id, issued_by=user
    )
    RectificationItem.objects.bulk_create(
        RectificationItem(rectification=rectification, order=i, text=text, deadline=deadline)
        for i, (text, deadline) in enumerate(items)
    )
    text = f"{evaluation.year.year}年度“{evaluation.project_name}”收到整改要求{len(items)}项。"
    Notification.objects.bulk_create(
        Notification(recipient=u, evaluation=evaluation, text=text)
        for u in preparers_of(evaluation)
    )
    audit_record(
        user=user,
        action="rectify",
        evaluation=evaluation,
        detail={"rectification": rectification.pk, "issued": [t for t, _ in items]},
    )
    return rectification


@transaction.atomic
def rectification_answer(*, user, item_id: int, answer: str, files=()) -> RectificationItem:
    """The unit answers one item with text and evidence (files checked as form attachments are;
    one refused file refuses the whole answer)."""
    item = (
        RectificationItem.objects.select_for_update(of=("self",))
        .select_related("rectification__evaluation")
        .get(pk=item_id)
    )
    if not can_answer(user, item):
        raise FollowupError(NOT_YOUR_UNIT)
    if item.status not in (RectificationItem.Status.OPEN, RectificationItem.Status.RETURNED):
        raise FollowupError(CANNOT_ANSWER)
    if not answer.strip():
        raise FollowupError(ANSWER_NEEDED)
    checked = []
    for upload in files:
        try:
            checked.append(
                (
                    upload,
                    attachments.inspect(
                        upload,
                        name=upload.name or "",
                        size=upload.size,
                        max_size=settings.ATTACHMENT_MAX_BYTES,
                    ),
                )
            )
        except attachments.AttachmentRefused as refused:
            raise FollowupError(refused.message) from None
    stored = []
    try:
        for upload, inspected in checked:
            evidence = RectificationEvidence(item=item)
            evidence.put(upload, inspected, user)
            stored.append(evidence.file.name)
            evidence.save()
    except Exception:
        for name in stored:
            RectificationEvidence.file.field.storage.delete(name)
        raise
    item.answer = answer.strip()
    item.answered_by = user
    item.answered_at = timezone.now()
    item.status = RectificationItem.Status.ANSWERED
    item.save()
    audit_record(
        user=user,
        action="rectify",
        evaluation=item.rectification.evaluation,
        detail={"item": item.pk, "answered": True, "files": len(checked)},
    )
    return item


@transaction.atomic
def rectification_decide(
    *, user, item_id: int, accept: bool, comment: str = ""
) -> RectificationItem:
    """Finance accepts an answer, or sends it back with a comment."""
    _require_finance(user)
    item = (
        RectificationItem.objects.select_for_update(of=("self",))
        .select_related("rectification__evaluation")
        .get(pk=item_id)
    )
    if item.status != RectificationItem.Status.ANSWERED:
        raise FollowupError(CANNOT_DECIDE)
    if not accept and not comment.strip():
        raise FollowupError(RETURN_REASON)
    item.status = RectificationItem.Status.ACCEPTED if accept else RectificationItem.Status.RETURNED
    item.comment = comment.strip()
    item.decided_at = timezone.now()
    item.save()
    audit_record(
        user=user,
        action="rectify",
        evaluation=item.rectification.evaluation,
        detail={"item": item.pk, "accepted": accept, "comment": item.comment},
    )
    return item


# -- 结果应用 ----------------------------------------------------------------------------------


@transaction.atomic
def result_rule_set(
    *,
    user,
    region: Region,
    grade: str,
    action: str,
    change_from: Decimal | None = None,
    change_to: Decimal | None = None,
    source: str = "",
) -> ResultRule:
    _require_finance(user)
    if not visible_regions(user).filter(pk=region.pk).exists():
        raise FollowupError(REGION_OUTSIDE)
    rule, _ = ResultRule.objects.update_or_create(
        region=region,
        grade=grade,
        defaults={
            "action": action,
            "change_from": change_from,
            "change_to": change_to,
            "source": source,
        },
    )
    audit_record(
        user=user,
        action="result_use",
        detail={"region": region.name, "grade": grade, "action": action},
    )
    return rule


@transaction.atomic
def decision_record(*, user, evaluation_id: int, suggestion: str, decision: str) -> ResultDecision:
    """Record the decision finally taken on the project's next-year budget."""
    _require_finance(user)
    evaluation = approved_forms(user).filter(pk=evaluation_id).select_related("unit").first()
    if evaluation is None:
        raise FollowupError(FORM_OUTSIDE)
    if not decision.strip():
        raise FollowupError(DECISION_NEEDED)
    record, _ = ResultDecision.objects.update_or_create(
        evaluation=evaluation,
        defaults={
            "suggestion": suggestion[:300],
            "decision": decision.strip(),
            "decided_by": user,
            "decided_at": timezone.now(),
        },
    )
    audit_record(
        user=user,
        action="result_use",
        evaluation=evaluation,
        detail={"decision": record.decision, "suggestion": record.suggestion},
    )
    return record


def rectification_remind(*, today: date) -> int:
    """Remind the unit of every 整改 item past its deadline and not accepted, once per item: a
    notice in the app and a mail to the unit's preparers. Returns the number of items reminded."""
    reminded = 0
    items = (
        RectificationItem.objects.filter(deadline__lt=today, reminded_on__isnull=True)
        .exclude(status=RectificationItem.Status.ACCEPTED)
        .select_related("rectification__evaluation__unit", "rectification__evaluation__year")
    )
    for item in items:
        with transaction.atomic():
            evaluation = item.rectification.evaluation
            text = (
                f"整改逾期：{evaluation.year.year}年度“{evaluation.project_name}”的整改事项"
                f"“{item.text[:40]}”已过期限{item.deadline:%Y-%m-%d}，请尽快答复。"
            )[:300]
            recipients = preparers_of(evaluation)
            Notification.objects.bulk_create(
                Notification(recipient=u, evaluation=evaluation, text=text) for u in recipients
            )
            emails = [u.email for u in recipients if u.email]
            if emails:
                transaction.on_commit(
                    lambda e=emails, t=text: send_mail(f"绩效自评：{t[:60]}", t, None, e),
                    robust=True,
                )
            RectificationItem.objects.filter(pk=item.pk).update(reminded_on=today)
            reminded += 1
    return reminded
