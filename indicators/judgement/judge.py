"""Judging a line: met / not met / needs a person.

* `judge(target, actual)` says whether the line met its target: "met", "not_met", or
  "needs_review" (a person must decide), with one Chinese sentence explaining why.

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

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from .decimals import _fmt, _pct
from .parse import (
    _DATE,
    _UNIT_FAMILIES,
    _YEAR,
    POSITIVE_COMPARATORS,
    REVERSE_COMPARATORS,
    ParsedValue,
    _normalise,
    parse_value,
)

STATUSES = ("met", "not_met", "needs_review")
# As the entry form and the read-only page show them.
STATUS_LABELS = MappingProxyType({"met": "达成", "not_met": "未达成", "needs_review": "需人工判断"})

OVERSHOOT_RATIO = Decimal("1.5")
_INF = Decimal("Infinity")


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
