"""The transition table: every allowed move and every refused one, with the reason given."""

import itertools

import pytest

from evaluations import workflow as wf

STATUSES = [wf.DRAFT, wf.SUBMITTED, wf.RETURNED, wf.APPROVED]
ROLES = [wf.PREPARER, wf.REVIEWER, "viewer", None]
ALLOWED = {
    ("submit", wf.DRAFT, wf.PREPARER): wf.SUBMITTED,
    ("submit", wf.RETURNED, wf.PREPARER): wf.SUBMITTED,
    ("withdraw", wf.SUBMITTED, wf.PREPARER): wf.DRAFT,
    ("return", wf.SUBMITTED, wf.REVIEWER): wf.RETURNED,
    ("approve", wf.SUBMITTED, wf.REVIEWER): wf.APPROVED,
    ("reopen", wf.APPROVED, wf.REVIEWER): wf.RETURNED,
}


@pytest.mark.parametrize(
    ("name", "status", "role"), list(itertools.product(wf.TRANSITIONS, STATUSES, ROLES))
)
def test_each_move_is_allowed_exactly_where_the_table_says(name, status, role):
    key = (name, status, role)
    if key in ALLOWED:
        assert wf.check(name, status=status, role=role, reason="理由").target == ALLOWED[key]
    else:
        with pytest.raises(wf.TransitionRefused):
            wf.check(name, status=status, role=role, reason="理由")


def test_a_repeated_approval_is_told_the_form_is_already_approved():
    with pytest.raises(wf.TransitionRefused, match="现在是“已审核”，不能通过"):
        wf.check("approve", status=wf.APPROVED, role=wf.REVIEWER)


def test_a_preparer_is_told_only_the_reviewer_may_approve():
    with pytest.raises(wf.TransitionRefused, match="只有财政部门的审核人可以通过"):
        wf.check("approve", status=wf.SUBMITTED, role=wf.PREPARER)


@pytest.mark.parametrize("name", ["return", "reopen"])
def test_return_and_reopen_need_a_reason(name):
    status = wf.APPROVED if name == "reopen" else wf.SUBMITTED
    with pytest.raises(wf.TransitionRefused, match="理由"):
        wf.check(name, status=status, role=wf.REVIEWER, reason="  ")


def test_buttons_offered_follow_the_table():
    assert [t.name for t in wf.available(wf.SUBMITTED, wf.REVIEWER)] == ["return", "approve"]
    assert [t.name for t in wf.available(wf.SUBMITTED, wf.PREPARER)] == ["withdraw"]
    assert wf.available(wf.APPROVED, wf.PREPARER) == []
    assert wf.available(wf.DRAFT, "viewer") == []
