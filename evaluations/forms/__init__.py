"""Forms of the entry pages, built from the template definition (one definition, four uses), by
concept: the shared fields (`fields`), 新建 (`new`), the head and text sections (`head`), 年度资金
(`funds`), 基础数据 (`basic`), the indicator lines (`lines`), what a form holds beyond its
template (`own`: extra head rows, 其他内容). 导入Excel's are workbooks'."""

from .basic import BasicDataForm
from .fields import AmountField, NumberField, PercentField, PointsField
from .funds import FundsForm
from .head import EvaluationForm
from .lines import (
    MAX_LINES,
    BaseLineFormSet,
    IndicatorLineForm,
    LineFormSet,
    grouped_line_initial,
    level_lists,
    line_initial,
)
from .new import NewEvaluationForm, year_choices
from .own import HeadExtraFormSet, OtherContentForm

__all__ = [
    "MAX_LINES",
    "AmountField",
    "BaseLineFormSet",
    "BasicDataForm",
    "EvaluationForm",
    "FundsForm",
    "HeadExtraFormSet",
    "IndicatorLineForm",
    "LineFormSet",
    "NewEvaluationForm",
    "NumberField",
    "OtherContentForm",
    "PercentField",
    "PointsField",
    "grouped_line_initial",
    "level_lists",
    "line_initial",
    "year_choices",
]
