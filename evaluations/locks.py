"""Why a form can or cannot be changed now, and what to do about it (shown on every form page).

`lock_reason` answers from the form's state, its year and, for a partial return, the parts that
were sent back. `extra_lock_reasons` adds the reasons other apps register in
`evaluations.extensions` (the 自评任务's submission deadline).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from . import extensions
from .models import Evaluation
from .partial import Scope


def extra_lock_reasons(evaluation: Evaluation, today: date) -> list[str]:
    """Reasons, besides the form's state and year, that lock an otherwise editable form, each a
    sentence saying why and what to do: today, the 截止后锁定 of the season's tasks."""
    return extensions.lock_reasons(evaluation, today)


@dataclass(frozen=True)
class Lock:
    locked: bool  # the preparer cannot change anything now
    reason: str  # why, in one sentence
    action: str = ""  # what to do about it

    def __str__(self) -> str:
        return f"{self.reason}{self.action}"


def _person(user) -> str:
    if user is None:
        return "审核人"
    return user.get_full_name() or user.get_username()


def lock_reason(
    evaluation: Evaluation,
    *,
    today: date,
    scope: Scope | None = None,
    review_started: bool = False,
) -> Lock:
    Status = Evaluation.Status
    if evaluation.year.closed:
        return Lock(
            True,
            f"{evaluation.year.year}年度已关闭，只能查看。",
            "如确需更正，请联系系统管理员重新开放该年度。",
        )
    if evaluation.status in Evaluation.EDITABLE_STATUSES:
        extra = extra_lock_reasons(evaluation, today)
        if extra:
            return Lock(True, "".join(extra))
    if evaluation.status == Status.DRAFT and scope is None:
        return Lock(False, "草稿：填报单位可以修改。", "填好后请提交财政部门审核。")
    if evaluation.status in Evaluation.EDITABLE_STATUSES and scope is not None:
        return Lock(
            False,
            f"已部分退回：只有审核人标出的部分可以修改（{scope.describe()}），其余部分只读。",
            "请按审核意见修改这些部分后重新提交。",
        )
    if evaluation.status == Status.RETURNED:
        return Lock(False, "已退回：整张表可以修改。", "请根据审核意见修改后重新提交。")
    if evaluation.status == Status.SUBMITTED:
        if review_started:
            return Lock(
                True,
                "已提交，审核人已开始审核，不能再撤回。",
                "如需修改，请联系审核人退回。",
            )
        return Lock(True, "已提交，等待审核。", "审核开始之前，填报单位可以撤回后修改。")
    when = (
        timezone.localtime(evaluation.reviewed_at).strftime("%Y-%m-%d %H:%M")
        if evaluation.reviewed_at
        else "时间不详"
    )
    return Lock(
        True,
        f"已审核（审核人：{_person(evaluation.reviewed_by)}，{when}），不能再修改。",
        "如需修改请联系审核人重新打开。",
    )
