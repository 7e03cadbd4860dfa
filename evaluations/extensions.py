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

And print variants (`register_print_variant`): the printed form with what an upper app adds, e.g.
the 复核得分 column of a finished 复核 (`followup`), rendered by this app's PDF and Excel code.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .exports.layout import FormData
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


# Print variants: an upper app adds to the printed form what it knows (the 复核 column from
# `followup`). `provider(evaluation, user)` answers None where the variant does not apply to this
# form or this user, else a function turning the form's printed values (layout.FormData) into
# the variant's; the PDF and workbook are then rendered from them by this app's renderers.
PrintVariant = Callable[["Evaluation", object], "Callable[[FormData], FormData] | None"]

_PRINT_VARIANTS: dict[str, tuple[str, PrintVariant]] = {}


def register_print_variant(key: str, label: str, provider: PrintVariant) -> PrintVariant:
    """Add the variant `key` (its link reads `label`); registering a key again replaces it."""
    _PRINT_VARIANTS[key] = (label, provider)
    return provider


def print_variant(key: str, evaluation: Evaluation, user) -> Callable[[FormData], FormData] | None:
    """The variant `key` of `evaluation` for `user`, or None where there is none."""
    entry = _PRINT_VARIANTS.get(key)
    return entry[1](evaluation, user) if entry else None


def print_variants(evaluation: Evaluation, user) -> list[tuple[str, str]]:
    """(key, label) of every variant `user` may print of `evaluation`."""
    return [
        (key, label)
        for key, (label, provider) in _PRINT_VARIANTS.items()
        if provider(evaluation, user) is not None
    ]
