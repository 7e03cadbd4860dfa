"""What a refused write raises, and the messages users see that several services share."""

from __future__ import annotations

from .. import partial

# Messages users see, kept here so tests can assert them.
NOT_EDITABLE = "该自评表当前状态为“{status}”，不能修改。"
YEAR_CLOSED = "{year}年度已关闭，不能再新建或修改自评表。"
DUPLICATE = "本单位{year}年度已有名为“{name}”的{template}，请直接打开它，或换一个项目名称。"
STALE = (
    "保存未成功：在您打开本页之后，{who}于{when}保存了这张表的新版本。"
    "为避免覆盖对方的修改，您的修改没有保存（仍保留在本页）。请打开最新版本核对后再填写。"
)
NO_PERMISSION = "您不能修改这张自评表。"
COPY_OTHER_TEMPLATE = "只能沿用同一表样的往年自评表。"
NOT_FOUND = "没有找到该自评表。"


class EvaluationError(Exception):
    """A refused action, with a message for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class StaleEdit(EvaluationError):
    pass


class PartLocked(EvaluationError):
    """An edit of a part the reviewer did not send back (部分退回); nothing was saved."""

    def __init__(self, problems: list[str], scope: partial.Scope):
        super().__init__(
            partial.REFUSED.format(open=scope.describe(), problems="；".join(problems))
        )
        self.problems = problems
