"""Reading a 年度指标值 or 实际完成值 as people write it.

Pure Python (Decimal arithmetic, no float, no Django). `parse_value(text)` reads `≥10万人`,
`＞90％`, `不低于95%`, `2000-5000册`, `90日内完成审核拨付`, `5月10日`, `基金运行平稳`; the
documented choices for reading them are in `indicators.judgement.judge`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

KINDS = ("quantitative", "range", "deadline", "qualitative", "empty")
COMPARATORS = ("≥", ">", "≤", "<", "=")

POSITIVE_COMPARATORS = ("≥", ">", None)  # None: a bare target means "at least this"
REVERSE_COMPARATORS = ("≤", "<")


@dataclass(frozen=True)
class ParsedValue:
    """A target or actual as read from its text.

    `value`/`upper` have 万/亿/千 applied (`≥10万人` → 100000 人); money units 万元/亿元/千元 are
    kept as units instead, because forms denominate money in 万元. For a range, `value` is the
    lower bound and `upper` the upper. For a deadline, `value` is N in `N日内` (N in `unit`:
    日, 工作日, 小时, 个月 …) or None for a date, and `deadline` is a short descriptor
    (`15日内`, `12月31日前`, `12月底`, `年底`). `text` is the input, verbatim.
    """

    kind: str
    comparator: str | None = None
    value: Decimal | None = None
    upper: Decimal | None = None
    unit: str = ""
    text: str = ""
    deadline: str | None = None


# Characters NFKC leaves alone but people use for the same thing.
_SYMBOL_TABLE = str.maketrans(
    {
        "≧": "≥",
        "⩾": "≥",
        "≮": "≥",
        "≦": "≤",
        "⩽": "≤",
        "≯": "≤",
        "〜": "~",
        "—": "-",
        "–": "-",
        "−": "-",
        "‐": "-",
        "﹣": "-",
        "〇": "0",
    }
)

# Comparator words and symbols, longest first so 不低于 wins over 低于 and 大于等于 over 大于.
_COMPARATOR_WORDS = {
    "≥": "≥ 大于或等于 大于等于 不低于 不少于 不小于 至少 达到",
    "≤": "≤ 小于或等于 小于等于 不高于 不超过 不多于 不大于 最多 控制在",
    ">": "> 高于 大于 超过 多于",
    "<": "< 低于 小于 少于",
    "=": "= 等于",
}
_COMPARATOR_TOKENS = sorted(
    ((word, symbol) for symbol, words in _COMPARATOR_WORDS.items() for word in words.split()),
    key=lambda pair: -len(pair[0]),
)

# After the number and unit: 95%以上 → ≥, 5%以内 → ≤.
_SUFFIX_COMPARATORS = (
    ("及以上", "≥"),
    ("或以上", "≥"),
    ("以上", "≥"),
    ("及以下", "≤"),
    ("或以下", "≤"),
    ("以下", "≤"),
    ("以内", "≤"),
    ("之内", "≤"),
)

# Units written after numbers, longest first. Anything else falls back to one CJK character.
_UNIT_TEXT = """
    % ‰ 个百分点 百分点
    元/人/年 元/人·年 元/人 元/次 元/亩 元/户 元/月 万元 亿元 千元 元
    人次 户次 人 名 户 家 个 套 册 份 篇 条 件 间 台 辆 所 项 场 期 批 座 处 只 头 张 本 部 种
    类 宗 例 床 次 轮 分
    平方公里 平方米 公里 千米 厘米 米 亩 吨 千克 公斤 克
    个工作日 工作日 分钟 小时 秒 天 日 周 个月 月 年
"""
_UNITS = sorted(_UNIT_TEXT.split(), key=lambda u: -len(u))
_UNIT_ALIASES = {"个工作日": "工作日", "天": "日", "百分点": "个百分点"}

# Unit families converted into each other: factor of each unit in the family's base unit.
_UNIT_FAMILIES = (
    {"%": Decimal(1), "‰": Decimal("0.1")},
    {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10) ** 4, "亿元": Decimal(10) ** 8},
    {
        "秒": Decimal(1),
        "分钟": Decimal(60),
        "小时": Decimal(3600),
        "日": Decimal(86400),
        "周": Decimal(604800),
    },
    {"克": Decimal("0.001"), "千克": Decimal(1), "公斤": Decimal(1), "吨": Decimal(1000)},
    {"厘米": Decimal("0.01"), "米": Decimal(1), "千米": Decimal(1000), "公里": Decimal(1000)},
)

_MULTIPLIERS = {"万": Decimal(10) ** 4, "亿": Decimal(10) ** 8, "千": Decimal(1000)}
# Units that begin with a multiplier character. Money stays in 万元 because forms count in 万元.
_PREFIXED_UNITS = ("万元", "亿元", "千元", "千克", "千米")

# Characters that follow a number but are words, not units (3000余份, 95%左右, 1套设备).
_NOT_A_UNIT = set("以左及或的和与至到内前后余多约")

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_RANGE_SEPARATORS = ("-", "~", "至", "到")

_WITHIN = re.compile(r"(\d+)(个工作日|工作日|个月|小时|分钟|日|天|周|月|年)(?:以内|之内|内)")
_DATE = re.compile(
    r"(?:((?:19|20)\d{2})年)?(\d{1,2})月(?:(\d{1,2})[日号]|(底|末|初|上旬|中旬|下旬|份))?"
)
_QUARTER = re.compile(r"第?([1-4一二三四])季度(?:末|底)?")
_YEAR = re.compile(r"((?:19|20)\d{2})年度?(底|末|前|内|上半年|下半年)?")
_DEADLINE_WORDS = ("年底", "年末", "年内", "年度内", "上半年", "下半年", "季度末", "月底", "月末")
_BEFORE_WORDS = ("不晚于", "不迟于", "截至", "截止", "最迟")
_AFTER_DATE_BEFORE = ("前", "之前", "以前", "止")


def _normalise(text: str) -> str:
    """Full-width → ASCII, symbol variants unified, spaces and thousands separators dropped."""
    s = unicodedata.normalize("NFKC", text).translate(_SYMBOL_TABLE)
    s = re.sub(r"\s+", "", s)
    for ascii_form, symbol in ((">=", "≥"), ("=>", "≥"), ("<=", "≤"), ("=<", "≤"), ("==", "=")):
        s = s.replace(ascii_form, symbol)
    # 1,200 / 1,234,567 (the Chinese comma is already ASCII after NFKC).
    s = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", s)
    return re.sub(r"(?<=\d)百分比", "%", s)


def _to_decimal(digits: str) -> Decimal:
    return Decimal(digits)  # exact: the regex only lets plain decimal digits through


def _read_unit(s: str, pos: int) -> tuple[Decimal, str, int]:
    """Read an optional multiplier and unit at `pos`; returns (multiplier, unit, end)."""
    for unit in _PREFIXED_UNITS:  # 万元 is a unit, not 万 × 元
        if s.startswith(unit, pos):
            return Decimal(1), unit, pos + len(unit)
    multiplier = Decimal(1)
    if pos < len(s) and s[pos] in _MULTIPLIERS:
        multiplier = _MULTIPLIERS[s[pos]]
        pos += 1
    while pos < len(s) and s[pos] in "余多":  # 3000余份: an approximate count, same unit
        pos += 1
    for unit in _UNITS:
        if s.startswith(unit, pos):
            return multiplier, _UNIT_ALIASES.get(unit, unit), pos + len(unit)
    if pos < len(s) and "\u4e00" <= s[pos] <= "\u9fff" and s[pos] not in _NOT_A_UNIT:
        return multiplier, s[pos], pos + 1
    return multiplier, "", pos


def _prefix_comparator(prefix: str) -> str | None:
    for token, comparator in _COMPARATOR_TOKENS:
        if prefix.endswith(token):
            return comparator
    return None


def _suffix_comparator(rest: str) -> str | None:
    for token, comparator in _SUFFIX_COMPARATORS:
        if rest.startswith(token):
            return comparator
    return None


def _parse_deadline(s: str) -> ParsedValue | None:
    """Deadlines: N日内 (with a count), dates, 年底-style words. Returns None if not a deadline."""
    if m := _WITHIN.search(s):
        unit = {"个工作日": "工作日", "天": "日", "月": "个月"}.get(m.group(2), m.group(2))
        return ParsedValue(
            "deadline", "≤", _to_decimal(m.group(1)), None, unit, deadline=f"{m.group(1)}{unit}内"
        )
    numbers = len(_NUMBER.findall(s))
    found = None
    if (m := _DATE.search(s)) and 1 <= int(m.group(2)) <= 12:
        if m.group(3) is None or 1 <= int(m.group(3)) <= 31:
            found = m.group(0), s[m.end() :]
    # A quarter or a year only counts as a deadline when the text has no other number
    # (2019年度预算执行率≥95% is a percentage, not a deadline).
    elif ((m := _QUARTER.search(s)) and numbers <= 1) or ((m := _YEAR.search(s)) and numbers == 1):
        found = m.group(0), s[m.end() :]
    elif numbers == 0:
        for word in _DEADLINE_WORDS:
            if (at := s.find(word)) >= 0:
                found = word, s[at + len(word) :]
                break
    if found is None:
        return None
    descriptor, tail = found
    if tail.startswith(_AFTER_DATE_BEFORE):
        descriptor += "前"
    is_before = descriptor.endswith("前") or any(w in s for w in _BEFORE_WORDS)
    return ParsedValue("deadline", "≤" if is_before else None, deadline=descriptor)


def _parse(text: str) -> ParsedValue:
    s = _normalise(text)
    if not s:
        return ParsedValue("empty", text=text)
    if (deadline := _parse_deadline(s)) is not None:
        return ParsedValue(
            deadline.kind,
            deadline.comparator,
            deadline.value,
            None,
            deadline.unit,
            text,
            deadline.deadline,
        )
    numbers = list(_NUMBER.finditer(s))
    if not numbers:
        return ParsedValue("qualitative", text=text)
    m = numbers[0]
    # A leading year labels the value rather than being it: 2019年度预算执行率≥95%.
    if len(numbers) > 1 and _YEAR.match(s, m.start()):
        m = numbers[1]

    prefix = s[: m.start()]
    negative = prefix.endswith("-") and (
        len(prefix) == 1 or _prefix_comparator(prefix[:-1]) is not None
    )
    if negative:
        prefix = prefix[:-1]
    value = _to_decimal(m.group(0))
    multiplier, unit, end = _read_unit(s, m.end())

    # A range: 2000-5000册, 33套-40套, 2000～5000, 2000至5000.
    for separator in _RANGE_SEPARATORS:
        if s.startswith(separator, end) and (m2 := _NUMBER.match(s, end + len(separator))):
            multiplier2, unit2, _ = _read_unit(s, m2.end())
            if multiplier == 1 and not unit:
                multiplier = multiplier2  # 1-2万人 means 1万 to 2万
            lower = value * multiplier
            upper = _to_decimal(m2.group(0)) * multiplier2
            lower, upper = min(lower, upper), max(lower, upper)
            return ParsedValue("range", None, lower, upper, unit or unit2, text)

    comparator = _prefix_comparator(prefix) or _suffix_comparator(s[end:])
    value = value * multiplier
    if negative:
        value = -value
    return ParsedValue("quantitative", comparator, value, None, unit, text)


def parse_value(text: object) -> ParsedValue:
    """Read a target or actual text. Never raises: odd input is qualitative or empty."""
    verbatim = text if isinstance(text, str) else ("" if text is None else _safe_str(text))
    try:
        return _parse(verbatim)
    except Exception:  # defensive: a form must never crash on what a person typed
        kind = "qualitative" if verbatim.strip() else "empty"
        return ParsedValue(kind, text=verbatim)


def _safe_str(value: object) -> str:
    try:
        return str(value)
    except Exception:
        return ""


def stated_target(nature: object, target: object, unit: object) -> str:
    """The 指标值 of a form that prints it in three columns, 指标性质 | 指标值 | 度量单位
    (≥ | 95 | %), as one text to judge (≥95%), the way forms without those columns state it.

    Only a figure takes them: a 指标性质 that is no comparison (定性, 定量 …) is left out, and so
    are both around a target that is words (按时完成) or already carries its unit (95%).
    """
    text = target.strip() if isinstance(target, str) else ""
    if not text:
        return text
    nature = nature.strip() if isinstance(nature, str) else ""
    if nature and text[0].isdigit() and _prefix_comparator(_normalise(nature)) is not None:
        text = nature + text
    unit = unit.strip() if isinstance(unit, str) else ""
    if unit and text[-1].isdigit():
        text += unit
    return text
