"""Targets, judgement and scoring for 三级指标 lines of a 绩效自评表.

Pure Python (Decimal arithmetic, no float, no Django). Three layers, one module each, each
importing only the ones before it (parse ← judge ← score; `decimals` holds the rounding and
display both later layers share):

* `parse_value(text)` reads a 年度指标值 or 实际完成值 as people write it (`≥10万人`, `＞90％`,
  `不低于95%`, `2000-5000册`, `90日内完成审核拨付`, `5月10日`, `基金运行平稳`);
  `stated_target(nature, target, unit)` reads one printed as 指标性质 | 指标值 | 度量单位. — `parse`
* `judge(target, actual)` says whether the line met its target: "met", "not_met", or
  "needs_review" (a person must decide), with one Chinese sentence explaining why; the documented
  choices for judging are in its module doc. — `judge`
* `score_form(...)` computes the *suggested* score of a 项目支出绩效自评表. The preparer may
  claim another score with a reason; the app shows both to the reviewer. The rule sources are
  noted there. — `score`

The names below are the package's interface: import them from `indicators.judgement`. Note
that `indicators.judgement.judge` is the function, as it always was; the module is reached with
`from indicators.judgement.judge import …`.
"""

from .judge import OVERSHOOT_RATIO, STATUS_LABELS, STATUSES, Judgement, judge
from .parse import (
    COMPARATORS,
    KINDS,
    POSITIVE_COMPARATORS,
    REVERSE_COMPARATORS,
    ParsedValue,
    parse_value,
    stated_target,
)
from .score import (
    BUDGET_KEY,
    DEFAULT_BANDS,
    DEFAULT_BUDGET_WEIGHT,
    DEFAULT_WEIGHTS,
    FormScore,
    LineInput,
    LineScore,
    grade,
    score_form,
)

__all__ = [
    "BUDGET_KEY",
    "COMPARATORS",
    "DEFAULT_BANDS",
    "DEFAULT_BUDGET_WEIGHT",
    "DEFAULT_WEIGHTS",
    "KINDS",
    "OVERSHOOT_RATIO",
    "POSITIVE_COMPARATORS",
    "REVERSE_COMPARATORS",
    "STATUSES",
    "STATUS_LABELS",
    "FormScore",
    "Judgement",
    "LineInput",
    "LineScore",
    "ParsedValue",
    "grade",
    "judge",
    "parse_value",
    "score_form",
    "stated_target",
]
