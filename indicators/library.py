"""Filling the indicator library from lines people have already written on their forms."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from .judgement import REVERSE_COMPARATORS, ParsedValue, parse_value
from .models import IndicatorDefinition
from .taxonomy import TAXONOMIES, canonical_level1, canonical_level2

Direction = IndicatorDefinition.Direction


def classify(level1: str, level2: str) -> tuple[str, str]:
    """The 一级/二级 names a line is filed under: canonical where the taxonomy maps the labels,
    else as written. A 二级 that belongs to another 一级 than the one written moves there: the
    社会保险基金 forms put 社会效益指标 under 项目完成指标, which groups with 产出指标."""
    l1 = canonical_level1(level1) or level1.strip()
    l2 = canonical_level2(level2) or level2.strip()
    if canonical_level1(level1) and canonical_level2(level2):
        for taxonomy in TAXONOMIES.values():
            if l2 in taxonomy.get(l1, ()):
                return l1, l2
        for taxonomy in TAXONOMIES.values():
            owner = next((name for name, names in taxonomy.items() if l2 in names), None)
            if owner:
                return owner, l2
    return l1, l2


def direction_of(target: ParsedValue) -> str:
    if target.kind == "deadline":
        return Direction.DEADLINE
    if target.kind in ("qualitative", "empty"):
        return Direction.QUALITATIVE
    if target.kind == "quantitative" and target.comparator in REVERSE_COMPARATORS:
        return Direction.NEGATIVE
    return Direction.POSITIVE


@transaction.atomic
def library_add_from_lines(lines: Iterable[tuple[str, str, str, str]]) -> int:
    """Add a definition for every 三级指标 name not yet in the library, from (level1, level2,
    level3, target) tuples; the first line of a name decides its levels and typical target.
    Idempotent: names already in the library are left as they are. Returns how many were added."""
    existing = set(IndicatorDefinition.objects.values_list("name", flat=True))
    new: dict[str, IndicatorDefinition] = {}
    for level1, level2, name, target in lines:
        name = (name or "").strip()
        if not name or name in existing or name in new:
            continue
        l1, l2 = classify(level1 or "", level2 or "")
        parsed = parse_value(target or "")
        new[name] = IndicatorDefinition(
            name=name,
            level1=l1,
            level2=l2,
            unit=parsed.unit[:40],
            direction=direction_of(parsed),
            typical_target=(target or "").strip(),
        )
    IndicatorDefinition.objects.bulk_create(new.values())
    return len(new)
