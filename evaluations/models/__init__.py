"""Regions, units, people's roles, years and the self-evaluation forms themselves.

Every text a person types is stored as typed (it is what gets printed); money is Decimal in 万元
with at most four decimals, and the number of decimals the clerk typed is kept beside it (so
4000 stays 4000 and 89.974 stays 89.974). 执行率 and scores that can be derived are never stored,
but where a form states them they are kept as stated (`Evaluation.stated_figures`).

A package by concept: `regions` (regions, units, memberships, years), `forms` (the form and
its rows), `review` (moves, submissions, comments, notices, parts sent back), `files`
(uploaded files), `rules` (scoring rule sets, import mappings). Everything is imported here, so
Django sees the models of the `evaluations` app and callers import from `evaluations.models`.
"""

from __future__ import annotations

# `_attachment_path`: migrations name it as evaluations.models._attachment_path (upload_to).
from .files import (
    Attachment,
    AttachmentEvent,
    StoredFile,
    _attachment_path,
)
from .forms import (
    AMOUNT,
    AMOUNT_FIELDS,
    AMOUNT_PLACES,
    LEGACY_PLACES,
    POINTS,
    BasicDataLine,
    Evaluation,
    FundLine,
    IndicatorLine,
    execution_rate,
    typed_places,
    with_places,
)
from .regions import (
    Membership,
    Region,
    Unit,
    Year,
)
from .review import (
    Notification,
    ReopenedPart,
    ReviewComment,
    Submission,
    TransitionLog,
)
from .rules import (
    ImportMapping,
    ScoringRuleSet,
)

__all__ = [
    "AMOUNT",
    "AMOUNT_PLACES",
    "LEGACY_PLACES",
    "POINTS",
    "Region",
    "Unit",
    "Membership",
    "Year",
    "Evaluation",
    "FundLine",
    "AMOUNT_FIELDS",
    "typed_places",
    "with_places",
    "execution_rate",
    "IndicatorLine",
    "BasicDataLine",
    "TransitionLog",
    "Submission",
    "ReviewComment",
    "Notification",
    "ReopenedPart",
    "_attachment_path",
    "StoredFile",
    "Attachment",
    "AttachmentEvent",
    "ScoringRuleSet",
    "ImportMapping",
]
