"""Every write to a self-evaluation form goes through here: one function per action, keyword-only
arguments, one transaction each. Views parse input and call these; they never save models.

A package by what each part writes: `edits` (create, save, copy, the year), `transitions`
(the workflow moves, submit checks, stored figures), `attachments`, `rules` (scoring rule sets);
`errors` holds what they share. Callers import from here. A draft imported from a workbook is
written by workbooks.services, with the functions of `edits`."""

from __future__ import annotations

from .attachments import (
    ATTACH_NOT_ALLOWED,
    ATTACHMENT_GONE,
    EVIDENCE_LOCKED,
    REVIEW_FILE_NOT_YOURS,
    SCAN_NOT_YET,
    attachment_add,
    attachment_delete,
    attachment_downloaded,
)
from .edits import (
    AMOUNT_FIELDS,
    AUDIT_MAX_CHANGES,
    FORM_FIELDS,
    LINE_FIELDS,
    LineInput,
    evaluation_create,
    evaluation_save,
    year_get_or_create,
)
from .errors import (
    COPY_OTHER_TEMPLATE,
    DUPLICATE,
    NO_PERMISSION,
    NOT_EDITABLE,
    NOT_FOUND,
    STALE,
    YEAR_CLOSED,
    EvaluationError,
    PartLocked,
    StaleEdit,
)
from .rules import (
    scoring_rules_set,
)
from .transitions import (
    APPROVE_PROBLEMS,
    FIGURE_FIELDS,
    FILES_ONLY_ON_RETURN,
    LINE_GONE,
    NOTICE_TEXT,
    PARTS_ONLY_ON_RETURN,
    REVIEW_STARTED,
    STALE_PAGE,
    SUBMIT_PROBLEMS,
    UNKNOWN_PART,
    PartInput,
    SubmissionIncomplete,
    comment_add,
    evaluation_figures_refresh,
    evaluation_figures_store,
    evaluation_transition,
    notification_open,
    notify_transition,
    record_transition,
)

__all__ = [
    "AMOUNT_FIELDS",
    "APPROVE_PROBLEMS",
    "ATTACHMENT_GONE",
    "ATTACH_NOT_ALLOWED",
    "AUDIT_MAX_CHANGES",
    "COPY_OTHER_TEMPLATE",
    "DUPLICATE",
    "EVIDENCE_LOCKED",
    "EvaluationError",
    "FIGURE_FIELDS",
    "FILES_ONLY_ON_RETURN",
    "FORM_FIELDS",
    "LINE_FIELDS",
    "LINE_GONE",
    "LineInput",
    "NOTICE_TEXT",
    "NOT_EDITABLE",
    "NOT_FOUND",
    "NO_PERMISSION",
    "PARTS_ONLY_ON_RETURN",
    "PartInput",
    "PartLocked",
    "REVIEW_FILE_NOT_YOURS",
    "REVIEW_STARTED",
    "SCAN_NOT_YET",
    "STALE",
    "STALE_PAGE",
    "SUBMIT_PROBLEMS",
    "StaleEdit",
    "SubmissionIncomplete",
    "UNKNOWN_PART",
    "YEAR_CLOSED",
    "attachment_add",
    "attachment_delete",
    "attachment_downloaded",
    "comment_add",
    "evaluation_create",
    "evaluation_figures_refresh",
    "evaluation_figures_store",
    "evaluation_save",
    "evaluation_transition",
    "notification_open",
    "notify_transition",
    "record_transition",
    "scoring_rules_set",
    "year_get_or_create",
]
