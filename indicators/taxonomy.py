"""The 一级/二级 indicator taxonomy, as data, and the mapping of variant names onto it.

Pure Python, no Django. The app always keeps the verbatim names people typed; the canonical
names here are only used to group lines (subtotals, scoring by first-level weight) and to offer
the usual choices in the entry form.

Sources (see the project's research notes, official-forms.md §4):

* "classic": 产出/效益/满意度 with their second levels, exactly as printed on every
  财预〔2020〕10号-style 项目支出绩效自评表 read (Shanxi 2020, Yunnan 2020, Anhui 2022). Commonly
  traced back to 财预〔2015〕88号 《中央部门预算绩效目标管理办法》 (not verified).
* "101": 财预〔2021〕101号 《中央部门项目支出核心绩效目标和指标设置及取值指引（试行）》, which
  makes 成本指标 a first-level indicator (经济成本/社会成本/生态环境成本). Only the title and date of
  101号 were verified; the structure below is as remembered and is consistent with 2023 local
  forms (大英县 "经济成本指标", 岳阳楼区 "成本指标 | 社会成本指标"). Whether 可持续影响指标 survives
  under 效益指标 in 101号 is not verified; it is kept so that older lines still group.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from types import MappingProxyType

CLASSIC = "classic"
CAIYU_2021_101 = "101"

_CLASSIC = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}

_CAIYU_2021_101 = {
    "产出指标": ("数量指标", "质量指标", "时效指标"),
    "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}

# Read-only views: these are shared module data and must not be mutated by callers.
TAXONOMIES: MappingProxyType[str, MappingProxyType[str, tuple[str, ...]]] = MappingProxyType(
    {
        CLASSIC: MappingProxyType(_CLASSIC),
        CAIYU_2021_101: MappingProxyType(_CAIYU_2021_101),
    }
)

LEVEL1_NAMES: frozenset[str] = frozenset(name for t in TAXONOMIES.values() for name in t)
LEVEL2_NAMES: frozenset[str] = frozenset(
    name for t in TAXONOMIES.values() for names in t.values() for name in names
)

# Variant first-level labels seen in the seeds and real forms. Names that only lack the trailing
# "指标" (产出, 效益 …) are handled generically and need no entry here.
_LEVEL1_ALIASES = {
    # 社会保险基金 自评表 (seeds 000–002) label the output block 项目完成指标.
    "项目完成指标": "产出指标",
    "项目完成": "产出指标",
    "产出": "产出指标",
    "效益": "效益指标",
    "项目效益指标": "效益指标",
    "满意度": "满意度指标",
    "服务对象满意度": "满意度指标",
    "服务对象满意度指标": "满意度指标",
    "成本": "成本指标",
}

# Variant second-level labels. 经济双效 appears in seed 004 (a slip for 经济效益 on that form);
# 满意度指标 / 满意度 are used as the 二级 under 满意度 on the 社会保险基金 forms.
_LEVEL2_ALIASES = {
    "经济双效": "经济效益指标",
    "经济双效指标": "经济效益指标",
    "满意度指标": "服务对象满意度指标",
    "满意度": "服务对象满意度指标",
    "服务满意度指标": "服务对象满意度指标",
    "可持续影响力指标": "可持续影响指标",
    "生态成本指标": "生态环境成本指标",
    "生态成本": "生态环境成本指标",
    "产出数量指标": "数量指标",
    "产出质量指标": "质量指标",
    "产出时效指标": "时效指标",
    "产出成本指标": "成本指标",
}

# A printed label may carry its points and marks: 产出指标（50分）, ★数量指标, "产出指标：".
_DECORATION = re.compile(r"\(\s*\d+(?:\.\d+)?\s*分?\s*\)|[★☆*＊:：\s]")
# … and a note in brackets after the name, as some provinces word it: 数量指标（指标）.
_NOTE = re.compile(r"\([^()]*\)$")


def bare_label(name: object) -> str:
    """A label as printed without what forms add to the name: points, marks, spaces and a
    trailing note in brackets (“数量指标（指标）”, “产出指标(50分)” → 数量指标, 产出指标).

    >>> bare_label(" 效益指标（指标） ")
    '效益指标'
    """
    return _bare(name) if isinstance(name, str) else ""


# Every line of every form scored, checked and printed asks for its levels' names: the few
# distinct labels are read once.
@lru_cache(maxsize=4096)
def _bare(name: str) -> str:
    text = _DECORATION.sub("", unicodedata.normalize("NFKC", name))
    return _NOTE.sub("", text) or text


def _canonical(name: object, known: frozenset[str], aliases: dict[str, str]) -> str | None:
    text = bare_label(name)
    if not text:
        return None
    if text in known:
        return text
    if text in aliases:
        return aliases[text]
    if text + "指标" in known:
        return text + "指标"
    return None


def canonical_level1(name: object) -> str | None:
    """The canonical first-level name for a label as printed, or None if it is not recognised.

    >>> canonical_level1("项目完成指标")
    '产出指标'
    >>> canonical_level1("产出指标（指标）")
    '产出指标'
    """
    return _canonical(name, LEVEL1_NAMES, _LEVEL1_ALIASES)


def canonical_level2(name: object) -> str | None:
    """The canonical second-level name for a label as printed, or None if it is not recognised.

    >>> canonical_level2("数量")
    '数量指标'
    >>> canonical_level2("数量指标(20分)")
    '数量指标'
    """
    return _canonical(name, LEVEL2_NAMES, _LEVEL2_ALIASES)


def level2_choices(level1: object, taxonomy: str = CLASSIC) -> tuple[str, ...]:
    """The second-level names offered under a first-level label in the named taxonomy.

    The label is canonicalised first, so 项目完成指标 offers the 产出指标 choices. An unknown
    first-level label yields (); an unknown taxonomy name is a programming error (ValueError).
    """
    try:
        levels = TAXONOMIES[taxonomy]
    except KeyError:
        raise ValueError(f"unknown taxonomy {taxonomy!r}; known: {sorted(TAXONOMIES)}") from None
    canonical = canonical_level1(level1)
    return levels.get(canonical, ()) if canonical else ()
