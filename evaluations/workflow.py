"""The states of a self-evaluation form and the moves between them, as a table.

草稿 → 已提交 → 已审核; 已提交 → 已退回 → (修改) → 已提交; 已提交 → 草稿 by 撤回 (the preparer, before
review); 已审核 → 已退回 by 重新打开 (the reviewer, with a reason). Plain Python: `services` asks
`check` before it changes anything, and writes the log row for the move it got back.
"""

from __future__ import annotations

from dataclasses import dataclass

DRAFT, SUBMITTED, RETURNED, APPROVED = "draft", "submitted", "returned", "approved"
PREPARER, REVIEWER = "preparer", "reviewer"

STATUS_LABELS = {DRAFT: "草稿", SUBMITTED: "已提交", RETURNED: "已退回", APPROVED: "已审核"}


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    role: str
    needs_reason: bool = False
    done: str = ""


TRANSITIONS = {
    t.name: t
    for t in (
        Transition(
            "submit",
            "提交",
            frozenset({DRAFT, RETURNED}),
            SUBMITTED,
            PREPARER,
            done="已提交，等待财政部门审核。",
        ),
        Transition(
            "withdraw",
            "撤回",
            frozenset({SUBMITTED}),
            DRAFT,
            PREPARER,
            done="已撤回，可以继续修改。",
        ),
        Transition(
            "return",
            "退回",
            frozenset({SUBMITTED}),
            RETURNED,
            REVIEWER,
            needs_reason=True,
            done="已退回填报单位修改。",
        ),
        Transition(
            "approve", "通过", frozenset({SUBMITTED}), APPROVED, REVIEWER, done="已审核通过。"
        ),
        Transition(
            "reopen",
            "重新打开",
            frozenset({APPROVED}),
            RETURNED,
            REVIEWER,
            needs_reason=True,
            done="已重新打开，退回填报单位修改。",
        ),
    )
}

UNKNOWN = "没有这个操作。"
WRONG_ROLE = "只有{role}可以{action}。"
WRONG_STATE = "这张表现在是“{status}”，不能{action}（可能已被他人处理，请刷新页面查看最新状态）。"
REASON_REQUIRED = "请填写{action}的理由。"
ROLE_LABELS = {PREPARER: "本单位的填报人", REVIEWER: "财政部门的审核人"}


class TransitionRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def check(name: str, *, status: str, role: str | None, reason: str = "") -> Transition:
    """The transition `name` from `status` for a user of `role`, or TransitionRefused saying why."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise TransitionRefused(UNKNOWN)
    if role != transition.role:
        raise TransitionRefused(
            WRONG_ROLE.format(role=ROLE_LABELS[transition.role], action=transition.label)
        )
    if status not in transition.sources:
        raise TransitionRefused(
            WRONG_STATE.format(status=STATUS_LABELS.get(status, status), action=transition.label)
        )
    if transition.needs_reason and not reason.strip():
        raise TransitionRefused(REASON_REQUIRED.format(action=transition.label))
    return transition


def available(status: str, role: str | None) -> list[Transition]:
    """The moves a user of `role` can make from `status`, in the order buttons are shown."""
    return [t for t in TRANSITIONS.values() if t.role == role and status in t.sources]
