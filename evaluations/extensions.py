"""Where the apps above `evaluations` add what a form needs to know from them.

`evaluations` never imports `seasons`, `reports` or any app built on it (docs/architecture.md):
when a form's lock or its submission depends on an upper app (the 自评任务's 截止后锁定, the
自评报告's required sections), that app registers a callable here in its `AppConfig.ready()`:

    from evaluations import extensions
    extensions.register_lock_reason(deadline_lock_for)

Callables run in the order they were registered, which is the order of `INSTALLED_APPS`.

And one a form page reads:

* `form_notes`: sentences shown on a form's read-only page (the 结果应用 decision taken on the
  same project a year earlier, from `followup`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Evaluation

# (form, today) → why the otherwise editable form is locked, one sentence saying what to do, or None.
LockReason = Callable[["Evaluation", date], "str | None"]
# form with its lines → what must be done before it can be submitted, one sentence each.
SubmissionCheck = Callable[["Evaluation"], list[str]]

_lock_reasons: list[LockReason] = []
_submission_checks: list[SubmissionCheck] = []


def register_lock_reason(provider: LockReason) -> LockReason:
    """Add a lock reason; registering the same callable again changes nothing."""
    if provider not in _lock_reasons:
        _lock_reasons.append(provider)
    return provider


def register_submission_check(check: SubmissionCheck) -> SubmissionCheck:
    """Add a submission check; registering the same callable again changes nothing."""
    if check not in _submission_checks:
        _submission_checks.append(check)
    return check


def lock_reasons(evaluation: Evaluation, today: date) -> list[str]:
    """Every registered reason that locks `evaluation` today."""
    return [reason for provider in _lock_reasons if (reason := provider(evaluation, today))]


def submission_check_problems(evaluation: Evaluation) -> list[str]:
    """Every registered check's problems with `evaluation` (prefetched with its lines)."""
    return [problem for check in _submission_checks for problem in check(evaluation)]


# evaluation → sentences shown on its read-only page.
_FORM_NOTES: list[Callable[[object], list[str]]] = []


def register_form_notes(provider: Callable[[object], list[str]]) -> Callable:
    """Add `provider(evaluation) -> [sentence, …]`; registering the same one twice adds it once."""
    if provider not in _FORM_NOTES:
        _FORM_NOTES.append(provider)
    return provider


def form_notes(evaluation) -> list[str]:
    return [note for provider in _FORM_NOTES for note in provider(evaluation)]
