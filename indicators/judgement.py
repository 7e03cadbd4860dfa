"""Targets, judgement and scoring for 三级指标 lines of a 绩效自评表.

Pure Python (Decimal arithmetic, no float, no Django). Three layers:

* `parse_value(text)` reads a 年度指标值 or 实际完成值 as people write it (`≥10万人`, `＞90％`,
  `不低于95%`, `2000-5000册`, `90日内完成审核拨付`, `5月10日`, `基金运行平稳`).
* `judge(target, actual)` says whether the line met its target: "met", "not_met", or
  "needs_review" (a person must decide), with one Chinese sentence explaining why.
* `score_form(...)` computes the *suggested* score of a 项目支出绩效自评表. The preparer may
  claim another score with a reason; the app shows both to the reviewer.

Documented choices for judging
------------------------------
* A bare number as target (`3次`, `100%`) means "reach at least this": judged as ≥. There is no
  guessing of reverse indicators from the wording; a reverse target must be written with ≤ / <
  (or 不高于/不超过 …), as the official forms do.
* A bare number as actual takes the target's unit (`≥10万人` vs `128267`), and `%` vs a bare
  number is the same unit. Units of one family are converted (万元/元, 小时/分钟, 天/日); any other
  mismatch (人 vs 次) is left to a person.
* An actual written like a target (`≥95%`, `>95%`, `≤1%`) is read as a bound. It is met when
  every value the bound allows meets the target, not met when none does, else a person decides.
* A range target (`2000-5000册`) is met from its lower bound up; above the upper bound it is
  still met, but flagged as an overshoot that needs a 偏差原因.
* An equality target (`=8个`) is met only by the same value; no source defines its scoring, so a
  miss is not_met and its score is left to a person.
* Positive lines whose actual exceeds the target by more than half (ratio > 1.5) are met but
  flagged `overshoot`: the 10号 rule asks for the reason when the target was set too low.
* Deadlines: `N日内` is compared with an actual `M日内`/`M日`; dates (`5月10日`, `12月底`) are
  compared with actual dates. Words meaning "done on time" (按时, 如期, 及时, 提前, 已完成 …) are
  met. Words meaning "still under way" (正在, 建设中, 招标 in progress …) or "not done"
  (未完成, 未达到, 延期 …) are not_met: self-evaluations are written after the year, so work still
  under way missed its deadline, and the preparer must give a 偏差原因.
* A quantitative target with a wordy actual: "not done / under way" words → not_met (e.g. `≥90%`
  vs `正在建设`: an acceptance rate cannot have been reached for a system still being built);
  anything else (`原系统运行正常`, `已完成`) → needs_review, because the form needs the number.
  For reverse targets (`≤0`, `≤1%`) the words 无/未发生/零 mean 0 and are judged as 0.
* A qualitative target: identical text, a restatement (the actual's characters appear in order
  in the target: `按标准发放` vs `按标准审核后足额发放`), or achievement words (达到预期, 已完成,
  得到提升, 运行平稳, 普遍知晓 …) → met; "not done / under way" words → not_met; partial words
  (部分, 逐步, 初步 …) and anything else → needs_review.
* Empty actual → needs_review, "未填写实际完成值".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal, localcontext
from types import MappingProxyType

from indicators import rules as provincial
from indicators.rules import ScoringRules
from indicators.taxonomy import canonical_level1

KINDS = ("quantitative", "range", "deadline", "qualitative", "empty")
COMPARATORS = ("≥", ">", "≤", "<", "=")
STATUSES = ("met", "not_met", "needs_review")
# As the entry form and the read-only page show them.
STATUS_LABELS = MappingProxyType({"met": "达成", "not_met": "未达成", "needs_review": "需人工判断"})

POSITIVE_COMPARATORS = ("≥", ">", None)  # None: a bare target means "at least this"
REVERSE_COMPARATORS = ("≤", "<")

OVERSHOOT_RATIO = Decimal("1.5")
_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)
_INF = Decimal("Infinity")


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Judgement
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Judgement:
    """Whether a line met its target.

    `ratio` is the completion ratio: actual/target for positive targets (≥, >, bare) and ranges
    (against the lower bound), target/actual for reverse ones (≤, <); None where it has no
    meaning (division by zero, negative values, deadlines, words). `needs_reason` is True when a
    偏差原因 is required before submission (not met, or overshoot).
    """

    status: str
    ratio: Decimal | None
    explanation: str
    overshoot: bool = False
    needs_reason: bool = False
    target: ParsedValue | None = None
    actual: ParsedValue | None = None


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Word lists for actuals written in words. Checked in this order: not done / under way, partial,
# achieved; so 未完成 is never read as 完成, nor 未按时 as 按时.
_NOT_DONE_WORDS = _words(
    """
    未完成 未达到 未达成 未实现 没有完成 没完成 尚未 未能 无法 未按时 未按期 未及时 不及时
    未开展 未启动 未实施 未建成 未到位 未拨付 未发放 未落实 未通过 未验收 不合格 不达标 未达标
    延迟 推迟 延期 滞后 逾期 超期 暂缓 停滞 取消
    """
)
_UNDER_WAY_WORDS = _words(
    "正在 进行中 建设中 推进中 实施中 招标中 筹备 筹建 在建 待验收 待完成 待实施 拟于 计划于"
)
_PARTIAL_WORDS = _words("部分 逐步 初步 局部 一定程度 有待 仍需 不够 不足 较差")
_ACHIEVED_WORDS = _words(
    """
    达到预期 达成 达到 达标 完成 实现 提升 提高 增强 改善 加强 优化 平稳 稳定 有序 知晓
    按时 按期 如期 及时 准时 提前 足额 到位 合格 良好 优良 显著 明显 满意 有效 规范 覆盖 正常
    顺利 落实 通过 符合 已
    """
)
_ON_TIME_WORDS = _words("按时 按期 如期 及时 准时 提前 完成 已 达到 达成 实现 到位 投入使用 上线")
# An actual meaning "none happened", which is 0 for a reverse indicator (≤0 vs 未发生).
_ZERO_WORDS = _words("无 没有 零 未发生 未出现 不存在 杜绝 没发生")


def _has_any(text: str, words: Iterable[str]) -> bool:
    return any(w in text for w in words)


def _is_zero_word(text: str) -> bool:
    """无 / 未发生 / 零投诉 …, but not 无法 (cannot) nor 无障碍 (barrier-free)."""
    return text.startswith(_ZERO_WORDS) and not text.startswith(("无法", "无障碍"))


def _says_not_done(text: str) -> bool:
    """未完成, 正在建设, 延期 …; also any 未…/没… except "none happened" (未发生)."""
    if _has_any(text, _NOT_DONE_WORDS) or _has_any(text, _UNDER_WAY_WORDS):
        return True
    return text.startswith(("未", "没")) and not _is_zero_word(text)


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _fmt(d: Decimal) -> str:
    """A number for display: no exponent, no trailing zeros (6.80 → 6.8, 1E+5 → 100000)."""
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _pct(ratio: Decimal) -> str:
    return f"{_round(ratio * _HUNDRED, _CENT)}%"


def _round(value: Decimal, exponent: Decimal) -> Decimal:
    """ROUND_HALF_UP to `exponent`, with enough precision that huge values cannot fail."""
    with localcontext() as ctx:
        ctx.prec = max(28, value.adjusted() + 10) if value.is_finite() else 28
        return value.quantize(exponent, rounding=ROUND_HALF_UP)


def _show(p: ParsedValue, unit: str | None = None) -> str:
    """A parsed value for a sentence: ≥100000人, 2000-5000册, “按时拨付”."""
    if p.kind == "range":
        return f"{_fmt(p.value)}-{_fmt(p.upper)}{p.unit}"
    if p.kind == "quantitative":
        return f"{p.comparator or ''}{_fmt(p.value)}{p.unit or unit or ''}"
    return f"“{p.text.strip()}”"


def _unit_factor(target_unit: str, actual_unit: str) -> Decimal | None:
    """Factor turning the actual into the target's unit, or None if they cannot be reconciled.

    A bare number takes the other side's unit (`≥10万人` vs `128267`; `100%` vs `100`).
    """
    if not target_unit or not actual_unit or target_unit == actual_unit:
        return Decimal(1)
    for family in _UNIT_FAMILIES:
        if target_unit in family and actual_unit in family:
            return family[actual_unit] / family[target_unit]
    return None


def _interval(p: ParsedValue, scale: Decimal = Decimal(1)) -> tuple[Decimal, bool, Decimal, bool]:
    """The values a parsed actual allows, as (low, low_closed, high, high_closed)."""
    if p.kind == "range":
        return p.value * scale, True, p.upper * scale, True
    v = p.value * scale
    return {
        "≥": (v, True, _INF, False),
        ">": (v, False, _INF, False),
        "≤": (-_INF, False, v, True),
        "<": (-_INF, False, v, False),
    }.get(p.comparator, (v, True, v, True))


def _requirement(t: ParsedValue) -> tuple[Decimal, bool, Decimal, bool]:
    """The values that meet a target. A range is met from its lower bound up (see module doc)."""
    if t.kind == "range":
        return t.value, True, _INF, False
    return _interval(t) if t.comparator is not None else (t.value, True, _INF, False)


def _inside(a: tuple, r: tuple) -> bool:
    a_lo, a_lo_c, a_hi, a_hi_c = a
    r_lo, r_lo_c, r_hi, r_hi_c = r
    lo_ok = a_lo > r_lo or (a_lo == r_lo and (r_lo_c or not a_lo_c))
    hi_ok = a_hi < r_hi or (a_hi == r_hi and (r_hi_c or not a_hi_c))
    return lo_ok and hi_ok


def _disjoint(a: tuple, r: tuple) -> bool:
    a_lo, a_lo_c, a_hi, a_hi_c = a
    r_lo, r_lo_c, r_hi, r_hi_c = r
    below = a_hi < r_lo or (a_hi == r_lo and not (a_hi_c and r_lo_c))
    above = a_lo > r_hi or (a_lo == r_hi and not (a_lo_c and r_hi_c))
    return below or above


def _verdict(
    status: str,
    explanation: str,
    t: ParsedValue,
    a: ParsedValue,
    ratio: Decimal | None = None,
    overshoot: bool = False,
) -> Judgement:
    return Judgement(status, ratio, explanation, overshoot, status == "not_met" or overshoot, t, a)


def _judge_numbers(t: ParsedValue, a: ParsedValue) -> Judgement:
    """Quantitative or range target against a quantitative or range actual."""
    factor = _unit_factor(t.unit, a.unit)
    if factor is None:
        return _verdict(
            "needs_review",
            f"目标单位为“{t.unit}”，实际完成值单位为“{a.unit}”，单位不一致，需人工判断。",
            t,
            a,
        )
    reverse = t.kind == "quantitative" and t.comparator in REVERSE_COMPARATORS
    actual_interval = _interval(a, factor)
    lo, _, hi, _ = actual_interval
    # The actual value that counts: the conservative end of what the actual allows.
    point = hi if reverse else lo
    base = t.value  # lower bound for a range
    ratio = None
    if point.is_finite():
        if reverse and base >= 0 and point > 0:
            ratio = base / point
        elif not reverse and base > 0 and point >= 0:
            ratio = point / base

    if a.kind == "range" or a.comparator is not None:
        counted = f"按{_fmt(point)}{t.unit}计" if point.is_finite() else "只给出一侧界限"
        lead = f"实际完成值填写为“{a.text.strip()}”（{counted}）"
    else:
        lead = f"{'实际为' if reverse else '实际完成'}{_show(a, t.unit)}"
    if factor != 1 and point.is_finite():
        lead += f"（折合{_fmt(point)}{t.unit}）"
    rate = f"（完成率{_pct(ratio)}）" if ratio is not None else ""
    target = _show(t)

    requirement = _requirement(t)
    if _inside(actual_interval, requirement):
        if t.kind == "range" and lo > t.upper:
            return _verdict(
                "met",
                f"{lead}，超过目标区间{target}的上限，需说明偏差原因。",
                t,
                a,
                ratio,
                overshoot=True,
            )
        if (
            t.kind == "quantitative"
            and t.comparator in POSITIVE_COMPARATORS
            and ratio is not None
            and ratio > OVERSHOOT_RATIO
        ):
            return _verdict(
                "met",
                f"{lead}，达到目标{target}但超出一半以上{rate}，需说明偏差原因。",
                t,
                a,
                ratio,
                overshoot=True,
            )
        verb = "符合目标" if reverse else "达到目标"
        return _verdict("met", f"{lead}，{verb}{target}{rate}。", t, a, ratio)
    if _disjoint(actual_interval, requirement):
        if reverse:
            text = f"{lead}，超出目标{target}{rate}，需说明偏差原因。"
        elif t.comparator == "=" and lo > t.value:
            text = f"{lead}，与目标{target}不相等（高于目标），需说明偏差原因。"
        else:
            text = f"{lead}，未达到目标{target}{rate}，需说明偏差原因。"
        return _verdict("not_met", text, t, a, ratio)
    # The bound overlaps the target: no ratio, so nothing downstream scores it by formula.
    return _verdict("needs_review", f"{lead}，无法确定是否达到目标{target}，需人工判断。", t, a)


def _judge_number_vs_words(t: ParsedValue, a: ParsedValue) -> Judgement:
    """Quantitative or range target, actual in words (or a deadline)."""
    words = _normalise(a.text)
    target = _show(t)
    zero_allowed = t.kind == "quantitative" and (
        t.comparator in REVERSE_COMPARATORS or (t.comparator == "=" and t.value == 0)
    )
    if zero_allowed and _is_zero_word(words):
        as_zero = ParsedValue("quantitative", None, Decimal(0), None, "", a.text)
        if _inside(_interval(as_zero), _requirement(t)):
            return _verdict("met", f"实际为“{a.text.strip()}”，按0计，符合目标{target}。", t, a)
        return _verdict(
            "not_met",
            f"实际为“{a.text.strip()}”，按0计，不符合目标{target}，需说明偏差原因。",
            t,
            a,
        )
    if _says_not_done(words):
        return _verdict(
            "not_met",
            f"实际完成值为“{a.text.strip()}”，表明尚未完成，未达到目标{target}，需说明偏差原因。",
            t,
            a,
        )
    return _verdict(
        "needs_review",
        f"目标{target}为定量指标，实际完成值“{a.text.strip()}”未给出可比较的数值，需人工判断。",
        t,
        a,
    )


def _date_key(descriptor: str | None) -> tuple[int | None, int, int] | None:
    """(year, month, day) for a date-like deadline; 12月底 → day 31, 年底 → 12-31."""
    if not descriptor:
        return None
    if m := _DATE.search(descriptor):
        year = int(m.group(1)) if m.group(1) else None
        month = int(m.group(2))
        if m.group(3):
            day = int(m.group(3))
        else:
            day = {"初": 10, "上旬": 10, "中旬": 20}.get(m.group(4) or "", 31)
        return year, month, day
    core = descriptor.removesuffix("前")
    if core.endswith(("年底", "年末")):
        y = _YEAR.search(core)
        return (int(y.group(1)) if y else None), 12, 31
    if core == "上半年":
        return None, 6, 30
    return None


def _judge_deadline(t: ParsedValue, a: ParsedValue) -> Judgement:
    target = f"“{t.text.strip()}”"
    shown = f"“{a.text.strip()}”"
    # N日内 against M日内 or a bare count M (same unit or no unit).
    comparable = a.kind in ("deadline", "quantitative") and a.unit in ("", t.unit)
    if t.value is not None and a.value is not None and comparable:
        used = f"实际用时{_fmt(a.value)}{t.unit}"
        if a.value <= t.value:
            return _verdict("met", f"{used}，在目标时限{target}内。", t, a)
        return _verdict("not_met", f"{used}，超出目标时限{target}，需说明偏差原因。", t, a)
    if a.kind == "deadline":
        t_key, a_key = _date_key(t.deadline), _date_key(a.deadline)
        if t_key and a_key:
            if t_key[0] is None or a_key[0] is None:
                t_key, a_key = (0, *t_key[1:]), (0, *a_key[1:])
            met = a_key <= t_key
            if met:
                return _verdict("met", f"实际完成时间{shown}，不晚于目标时限{target}。", t, a)
            return _verdict(
                "not_met", f"实际完成时间{shown}晚于目标时限{target}，需说明偏差原因。", t, a
            )
        if _normalise(t.text) == _normalise(a.text):
            return _verdict("met", f"实际完成时间与目标时限{target}一致。", t, a)
        return _verdict(
            "needs_review", f"实际完成时间{shown}无法与目标时限{target}直接比较，需人工判断。", t, a
        )
    words = _normalise(a.text)
    if _says_not_done(words):
        return _verdict(
            "not_met", f"实际为{shown}，未在目标时限{target}内完成，需说明偏差原因。", t, a
        )
    if _has_any(words, _PARTIAL_WORDS):
        return _verdict("needs_review", f"实际为{shown}，仅部分完成，需人工判断。", t, a)
    if _has_any(words, _ON_TIME_WORDS):
        return _verdict("met", f"实际为{shown}，在目标时限{target}内完成。", t, a)
    return _verdict(
        "needs_review", f"实际为{shown}，无法判断是否在目标时限{target}内完成，需人工判断。", t, a
    )


def _judge_words(t: ParsedValue, a: ParsedValue) -> Judgement:
    """Qualitative target (any actual)."""
    target, shown = f"“{t.text.strip()}”", f"“{a.text.strip()}”"
    t_words, a_words = _normalise(t.text), _normalise(a.text)
    if t_words == a_words:
        return _verdict("met", f"实际完成情况{shown}与目标{target}一致。", t, a)
    if a.kind in ("quantitative", "range"):
        return _verdict(
            "needs_review", f"目标{target}为定性表述，实际填写了数值{shown}，需人工判断。", t, a
        )
    if _says_not_done(a_words):
        return _verdict("not_met", f"实际为{shown}，未达到目标{target}，需说明偏差原因。", t, a)
    if _is_zero_word(a_words) and _is_zero_word(t_words.replace("不发生", "未发生")):
        return _verdict("met", f"实际为{shown}，符合目标{target}。", t, a)
    if _has_any(a_words, _PARTIAL_WORDS):
        return _verdict("needs_review", f"实际为{shown}，属部分达成，需人工判断完成程度。", t, a)
    if _has_any(a_words, _ACHIEVED_WORDS):
        return _verdict("met", f"实际为{shown}，达到目标{target}。", t, a)
    if len(a_words) >= 2 and _is_subsequence(a_words, t_words):
        return _verdict("met", f"实际完成情况{shown}与目标{target}表述相符。", t, a)
    return _verdict(
        "needs_review", f"实际为{shown}，无法自动判断是否达到目标{target}，需人工判断。", t, a
    )


def _as_parsed(value: object) -> ParsedValue:
    return value if isinstance(value, ParsedValue) else parse_value(value)


def _judge(t: ParsedValue, a: ParsedValue) -> Judgement:
    if a.kind == "empty":
        return _verdict("needs_review", "未填写实际完成值，需人工判断。", t, a)
    if t.kind == "empty":
        return _verdict("needs_review", "未填写年度指标值，无法判断是否完成，需人工判断。", t, a)
    if t.kind == "qualitative":
        return _judge_words(t, a)
    if t.kind == "deadline":
        return _judge_deadline(t, a)
    if a.kind in ("quantitative", "range"):
        return _judge_numbers(t, a)
    return _judge_number_vs_words(t, a)


def judge(target: object, actual: object) -> Judgement:
    """Judge an actual against a target (strings or ParsedValue). Never raises."""
    t, a = _as_parsed(target), _as_parsed(actual)
    try:
        return _judge(t, a)
    except Exception:  # defensive: odd input must not break the form
        return Judgement("needs_review", None, "无法自动判断，需人工判断。", False, False, t, a)


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------
#
# Rule sources (see official-forms.md §2). The national rule is 财政部 财预〔2020〕10号
# 《项目支出绩效评价管理办法》 and its 附件 项目支出绩效自评表. Its exact wording was NOT read for
# this project (no MoF copy was found): everything attributed to it below is the rule as
# summarised from memory and from forms that follow it — verify against the original.
#
# * First-level weights 产出 50 / 效益 30 / 满意度 10 / 预算执行率 10: printed on 10号-style forms
#   and stated in the 中江县 2022 form footnote; 10号 says the weights may be adjusted, so they are
#   a parameter here.
# * 预算执行率 = 全年执行数 / 全年预算数 (执行率 B/A on the 2019/2021 转移支付 forms); score =
#   weight × rate, capped at the weight. Linear scoring of the rate is LOCAL PRACTICE (Hubei-style
#   "得分(20分*执行率)", Chongqing 76% × 10 = 7.6); whether 10号 uses tiers is not verified.
# * Quantitative lines: 正向 (≥) weight × actual/target, 反向 (≤) weight × target/actual, never
#   above the weight — from the Hubei-style form footnote ("正向指标…得分=权重*B/A，反向指标…
#   得分=权重*A/B，得分不得突破权重总额") and the biz.doczj.com template note (SECONDARY sources).
#   10号 additionally asks to reduce the score when a target was set clearly too low; a plain cap
#   is the local simplification, and such lines are flagged `overshoot` for a person instead.
# * Qualitative lines: bands 100–80 %（含80）, 80–60 %（含60）, 60–0 % of the weight, chosen by a
#   person — 2019 中央对地方转移支付 绩效目标自评表 注3 (seed 004, verified) and the 中江 footnote.
#   Hubei uses 100–80 / 80–50 / 50–0, hence `bands` is a parameter.
# * Grades 优 ≥90, 良 80–<90, 中 60–<80, 差 <60: secondary (预算司 unified grading as reported by
#   dz-gczx.com); the 10号 wording is from memory.

BUDGET_KEY = "预算执行率"
DEFAULT_BUDGET_WEIGHT = Decimal(10)
DEFAULT_WEIGHTS: Mapping[str, Decimal] = MappingProxyType(
    {"产出指标": Decimal(50), "效益指标": Decimal(30), "满意度指标": Decimal(10)}
)
DEFAULT_BANDS: tuple[tuple[int, int], ...] = ((100, 80), (80, 60), (60, 0))


@dataclass(frozen=True)
class LineInput:
    """One 三级指标 line to score. `qualitative_fraction` is the share of the weight a person
    chose for a qualitative line (0.9 = 90 %; a number above 1 up to 100 is read as a percent)."""

    level1: str
    target: str | ParsedValue | None
    actual: str | ParsedValue | None
    weight: Decimal | int | str | None
    qualitative_fraction: Decimal | int | str | None = None


@dataclass(frozen=True)
class LineScore:
    """The suggested score of one weighted line.

    `index` is the line's position in the input. `method` is one of "positive", "reverse",
    "range", "equal", "deadline", "qualitative", "unscorable". `suggested` is None when a person
    must decide. `basis` is one Chinese sentence showing the computation. `band` is the
    qualitative band of the chosen fraction; `suggested_band` is a hint (0) when the words show
    the target was achieved.
    """

    index: int
    level1: str
    level1_canonical: str | None
    weight: Decimal
    method: str
    suggested: Decimal | None
    basis: str
    judgement: Judgement
    band: int | None = None
    suggested_band: int | None = None
    penalty: Decimal | None = None  # points taken off by a provincial 偏离 rule


@dataclass(frozen=True)
class FormScore:
    """The suggested score of a whole form.

    `subtotals` maps each first-level name (canonical where recognised, else as printed) to the
    sum of its lines' suggested scores, plus "预算执行率" for the budget score. `pending` holds the
    input indices of lines whose score a person must decide (counted as 0 in `total`).
    """

    budget_rate: Decimal | None
    budget_score: Decimal
    lines: tuple[LineScore, ...]
    subtotals: dict[str, Decimal]
    total: Decimal
    grade: str
    warnings: tuple[str, ...]
    pending: tuple[int, ...]
    budget_weight: Decimal = DEFAULT_BUDGET_WEIGHT
    budget_explanation: str = ""
    # Provincial rules (`indicators.rules`): the cap applied to the total, every rule's effect
    # as one Chinese sentence, and the form's 预警.
    cap: Decimal | None = None
    rules_explanation: tuple[str, ...] = ()
    warning: provincial.Warning = provincial.Warning("", "")


def grade(total: object) -> str:
    """优 ≥90, 良 80–<90, 中 60–<80, 差 <60 (预算司 unified bands; 10号 wording unverified)."""
    value = _decimal(total)
    if value is None:
        raise ValueError(f"not a score: {total!r}")
    if value >= 90:
        return "优"
    if value >= 80:
        return "良"
    if value >= 60:
        return "中"
    return "差"


def _decimal(value: object) -> Decimal | None:
    """A number typed or stored anywhere (Decimal, int, float, "1,200", "10分") or None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal | int | float):
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        return number if number.is_finite() else None  # NaN and infinities are not scores
    text = _normalise(_safe_str(value))
    m = _NUMBER.search(text)
    if m is None:
        return None
    number = Decimal(m.group(0))
    return -number if text[: m.start()].endswith("-") else number


def _field(line: object, *names: str) -> object:
    for name in names:
        if isinstance(line, Mapping):
            if name in line:
                return line[name]
        elif hasattr(line, name):
            return getattr(line, name)
    return None


def _band_of(percent: Decimal, bands: tuple[tuple[int, int], ...]) -> int | None:
    """Index of the band holding `percent`: each band includes its lower edge (100–80 含80)."""
    for i, (_, lower) in enumerate(bands):
        if percent >= lower:
            return i
    return None


def _chosen_fraction(
    line: object, bands: tuple[tuple[int, int], ...], warnings: list[str], label: str
) -> Decimal | None:
    """The fraction a person chose: `qualitative_fraction`, or a mapping's `band`.

    An int `band` is a band index and counts as the band's lower edge (the least that band
    guarantees); any other `band` value is a fraction. Fractions above 1 (up to 100) are percents.
    """
    raw = _field(line, "qualitative_fraction")
    if raw is None:
        band = _field(line, "band")
        if isinstance(band, int) and not isinstance(band, bool):
            if 0 <= band < len(bands):
                return Decimal(bands[band][1]) / _HUNDRED
            warnings.append(f"{label}所选档次{band}不存在，未计分。")
            return None
        raw = band
    fraction = _decimal(raw)
    if fraction is None:
        return None
    if 1 < fraction <= 100:
        fraction /= _HUNDRED
    if not 0 <= fraction <= 1:
        warnings.append(f"{label}完成比例{_fmt(fraction)}超出0–100%，已按边界计。")
        fraction = min(max(fraction, Decimal(0)), Decimal(1))
    return fraction


_FORMULAS = {
    "positive": "正向指标，得分=分值×实际值/目标值，不超过分值",
    "reverse": "反向指标，得分=分值×目标值/实际值，不超过分值",
    "range": "区间指标，达到下限即得满分，低于下限得分=分值×实际值/下限",
    "equal": "等于型指标，与目标值相等得满分，不相等由人工确定",
    "deadline": "时效指标，按时完成得满分，未按时完成得0分",
    "qualitative": "定性指标，由填报人在档次内选择完成比例后计分",
    "unscorable": "未填写年度指标值，无法按公式计分",
}


def _method(t: ParsedValue) -> str:
    if t.kind == "quantitative":
        if t.comparator in REVERSE_COMPARATORS:
            return "reverse"
        return "equal" if t.comparator == "=" else "positive"
    return {"range": "range", "deadline": "deadline", "qualitative": "qualitative"}.get(
        t.kind, "unscorable"
    )


def _rule_score(method: str, j: Judgement, weight: Decimal) -> Decimal | None:
    """The score the written rules give, or None where a person must decide."""
    if j.status == "needs_review" or method in ("qualitative", "unscorable"):
        return None
    if method == "equal":
        return weight if j.status == "met" else None
    if method == "deadline" or j.ratio is None:
        # No ratio: deadlines, actual 0 on a reverse indicator (full marks), words such as
        # 正在建设 against a number (0): the verdict decides.
        return weight if j.status == "met" else Decimal(0)
    return weight * min(j.ratio, Decimal(1))


def _score_line(
    index: int,
    line: object,
    weight: Decimal,
    bands: tuple[tuple[int, int], ...],
    warnings: list[str],
    rules: ScoringRules | None = None,
) -> LineScore:
    level1 = _safe_str(_field(line, "level1") or "")
    j = judge(_field(line, "target"), _field(line, "actual"))
    method = _method(j.target)
    suggested = _rule_score(method, j, weight)
    formula = _FORMULAS[method]
    w = _fmt(weight)

    band = None
    if suggested is not None:
        if j.ratio is not None and method in ("positive", "reverse", "range"):
            ratio = _fmt(_round(min(j.ratio, Decimal(1)), Decimal("0.0001")))
            basis = f"{formula}：{w}×{ratio}={_round(suggested, _CENT)}。"
        else:
            basis = f"{formula}：{'达到目标' if j.status == 'met' else '未达到目标'}，"
            basis += f"得{_round(suggested, _CENT)}分。"
    penalty = None
    if suggested is not None and method == "positive":
        found = provincial.deviation_penalty(rules, j.ratio)
        if found is not None:
            penalty = min(found.points, suggested)
            suggested -= penalty
            basis += f"{found.text}：得{_round(suggested, _CENT)}分。"
            j = replace(
                j,
                overshoot=True,
                needs_reason=True,
                explanation=f"{j.explanation.rstrip('。')}；{found.text}。",
            )
    if suggested is None:
        # A person's fraction decides what the rules cannot (qualitative lines above all).
        fraction = _chosen_fraction(line, bands, warnings, f"第{index + 1}行")
        if fraction is not None:
            suggested = weight * fraction
            band = _band_of(fraction * _HUNDRED, bands)
            basis = f"按填报人选择的完成比例计分：{w}×{_fmt(fraction)}={_round(suggested, _CENT)}。"
        else:
            basis = f"{formula}；需人工确定得分。"

    return LineScore(
        index=index,
        level1=level1,
        level1_canonical=canonical_level1(level1),
        weight=weight,
        method=method,
        suggested=_round(suggested, _CENT) if suggested is not None else None,
        basis=basis,
        judgement=j,
        band=band,
        suggested_band=0 if method == "qualitative" and j.status == "met" else None,
        penalty=_round(penalty, _CENT) if penalty is not None else None,
    )


def _budget(
    budget: object, actual_spend: object, weight: Decimal, warnings: list[str]
) -> tuple[Decimal | None, Decimal, str]:
    """预算执行率 = 全年执行数 / 全年预算数; score = weight × rate, capped at the weight."""
    a, b = _decimal(budget), _decimal(actual_spend)
    if a is None or a == 0:
        text = "未填写全年预算数（或为0），预算执行率无法计算，得0分。"
        warnings.append(text)
        return None, Decimal(0), text
    if b is None:
        text = "未填写全年执行数，预算执行率无法计算，得0分。"
        warnings.append(text)
        return None, Decimal(0), text
    rate = b / a
    # Scored from the exact rate; the rate itself is reported to 4 places (9.87 %).
    score = _round(weight * min(max(rate, Decimal(0)), Decimal(1)), _CENT)
    text = f"预算执行率={_fmt(b)}/{_fmt(a)}={_pct(rate)}，得分={_fmt(weight)}×执行率={score}。"
    if rate > 1:
        warnings.append(f"预算执行率{_pct(rate)}超过100%，得分按分值上限{_fmt(weight)}计。")
    return _round(rate, Decimal("0.0001")), score, text


def score_form(
    lines: Iterable[object],
    budget: object,
    actual_spend: object,
    weights: Mapping[str, object] | None = None,
    bands: tuple[tuple[int, int], ...] | None = None,
    rules: ScoringRules | None = None,
) -> FormScore:
    """Suggested score of a 项目支出绩效自评表 (财预〔2020〕10号 family; see the rule notes above).

    `lines`: LineInput objects, mappings or any objects with level1/target/actual/weight (and
    optionally qualitative_fraction or band). Lines without a weight are placeholder rows and are
    ignored. `budget`/`actual_spend`: 全年预算数 and 全年执行数. `weights`: first-level weights by
    name, plus "预算执行率" for the budget (default 10); None uses 产出 50 / 效益 30 / 满意度 10.
    `bands`: qualitative bands as (upper %, lower %), best first. `rules`: a region's provincial
    rules (`indicators.rules`: 偏离 penalty, caps by 预算执行率, 预警); None scores by 10号 alone.
    """
    warnings: list[str] = []
    bands = tuple(bands) if bands else DEFAULT_BANDS
    if weights is None:
        level_weights = dict(DEFAULT_WEIGHTS)
        budget_weight = DEFAULT_BUDGET_WEIGHT
    else:
        level_weights = {}
        for name, raw in weights.items():
            if name == BUDGET_KEY:
                continue
            parsed = _decimal(raw)
            if parsed is not None:
                level_weights[canonical_level1(name) or name] = parsed
        budget_weight = _decimal(weights.get(BUDGET_KEY))
        if budget_weight is None:
            budget_weight = DEFAULT_BUDGET_WEIGHT

    budget_rate, budget_score, budget_text = _budget(budget, actual_spend, budget_weight, warnings)

    scored: list[LineScore] = []
    for index, line in enumerate(lines):
        weight = _decimal(_field(line, "weight"))
        if weight is None:
            continue  # placeholder rows (……, unused 二级 labels) carry no weight
        scored.append(_score_line(index, line, weight, bands, warnings, rules))

    subtotals: dict[str, Decimal] = {BUDGET_KEY: budget_score}
    weight_sums: dict[str, Decimal] = {}
    for s in scored:
        key = s.level1_canonical or s.level1
        subtotals[key] = subtotals.get(key, Decimal(0)) + (s.suggested or Decimal(0))
        weight_sums[key] = weight_sums.get(key, Decimal(0)) + s.weight

    for name, expected in level_weights.items():
        got = weight_sums.get(name, Decimal(0))
        if got != expected:
            warnings.append(
                f"{name}下各三级指标分值合计{_fmt(got)}，与一级指标分值{_fmt(expected)}不一致。"
            )
    for name in weight_sums:
        if name not in level_weights:
            warnings.append(f"一级指标“{name}”未设置分值，其三级指标得分仍计入总分。")
    configured = budget_weight + sum(level_weights.values(), Decimal(0))
    if configured != _HUNDRED:
        warnings.append(f"预算执行率与各一级指标分值合计{_fmt(configured)}，不等于100。")

    pending = tuple(s.index for s in scored if s.suggested is None)
    if pending:
        rows = "、".join(str(i + 1) for i in pending)
        warnings.append(f"第{rows}行需人工确定得分，暂按0分计入总分。")

    total = _round(
        budget_score + sum((s.suggested or Decimal(0) for s in scored), Decimal(0)), _CENT
    )
    explanation = [
        f"第{s.index + 1}行扣{_fmt(s.penalty)}分（偏离规则）。" for s in scored if s.penalty
    ]
    cap = provincial.execution_cap(rules, budget_rate)
    if cap is not None:
        if total > cap.at_most:
            explanation.append(f"{cap.text}，总分由{_fmt(total)}分降为{_fmt(cap.at_most)}分。")
            total = _round(cap.at_most, _CENT)
        else:
            explanation.append(f"{cap.text}；总分{_fmt(total)}分未超过。")
    weight_total = sum((s.weight for s in scored), Decimal(0))
    achieved = sum((s.suggested or Decimal(0) for s in scored), Decimal(0))
    achievement = achieved / weight_total if weight_total else None
    alert = provincial.warning(rules, achievement, budget_rate)
    if alert.level:
        explanation.append(f"{alert.label}：{alert.text}。")
    return FormScore(
        budget_rate=budget_rate,
        budget_score=budget_score,
        lines=tuple(scored),
        subtotals=subtotals,
        total=total,
        grade=grade(total),
        warnings=tuple(warnings),
        pending=pending,
        budget_weight=budget_weight,
        budget_explanation=budget_text,
        cap=cap.at_most if cap is not None else None,
        rules_explanation=tuple(explanation),
        warning=alert,
    )
