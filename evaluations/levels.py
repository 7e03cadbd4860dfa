"""The 一级/二级 of a form's lines: kept as the form words them, counted as what they mean.

A clerk types the names as the paper prints them ("产出指标（指标）", "数量指标(20分)", "效益指标 ");
those texts are stored and printed. Everything that groups or weighs lines — scoring by 一级
weight, the checks before 提交, the print order with its empty 二级 rows, the report's 一级
subtotals — asks this module which of the template's levels a wording stands for, so the wording
never changes the meaning. The text mapping itself (variants, aliases, points and notes in
brackets) is `indicators.taxonomy`; here it meets the form's template.

Plain Python: no Django.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import attrgetter

from indicators.taxonomy import bare_label, canonical_level1, canonical_level2

from .templates_def import Level1, TemplateDef


def _match(text: object, names: Iterable[str], canonical: Callable[[object], str | None]):
    """The name among `names` that `text` stands for: the same name once points, marks, spaces
    and a note in brackets are set aside; else the one its canonical name is, or means."""
    names = tuple(names)
    bare = bare_label(text)
    if not bare:
        return None
    for name in names:
        if bare_label(name) == bare:
            return name
    meaning = canonical(text)
    if meaning is None:
        return None
    return next((n for n in names if n == meaning), None) or next(
        (n for n in names if canonical(n) == meaning), None
    )


def level_of(template: TemplateDef, level1: object) -> Level1 | None:
    """The template's 一级 a line's 一级 wording stands for ("产出指标（指标）" → 产出指标), None
    for a wording the template has no level for."""
    names = {level.name: level for level in template.levels}
    name = _match(level1, names, canonical_level1)
    return names[name] if name is not None else None


def level1_key(template: TemplateDef, level1: object) -> str:
    """The name a line's weight and score count under (the form's stated weights are keyed by it):
    the template's 一级, else the canonical 一级, else the wording itself."""
    level = level_of(template, level1)
    if level is not None:
        return level.name
    text = level1 if isinstance(level1, str) else ""
    return canonical_level1(text) or text.strip()


def level2_of(level: Level1, level2: object) -> str | None:
    """The 二级 of `level` a line's 二级 wording stands for ("数量指标（指标）" → 数量指标)."""
    return _match(level2, level.level2, canonical_level2)


def level2_known(template: TemplateDef, level2: object) -> bool:
    """Whether a 二级 wording means a 二级 the app knows: one of the template's, or a name of the
    taxonomy. An empty 二级 counts as known (nothing was typed to misread)."""
    if not bare_label(level2):
        return True
    if canonical_level2(level2) is not None:
        return True
    return any(level2_of(level, level2) is not None for level in template.levels)


def group_key(template: TemplateDef, level1: object, level2: object) -> tuple[str, str]:
    """The (一级, 二级) group a line belongs to by meaning, for numbering and grouping lines."""
    level = level_of(template, level1)
    slot = level2_of(level, level2) if level is not None else None
    key = level.name if level is not None else level1_key(template, level1)
    text = level2 if isinstance(level2, str) else ""
    return key, slot or canonical_level2(text) or text.strip()


def print_order[Line](
    template: TemplateDef,
    lines: Iterable[Line],
    blank: Callable[[str, str], Line],
    levels: Callable[[Line], tuple[str, str]] = attrgetter("level1", "level2"),
) -> list[Line]:
    """The lines in the order a scored form prints them: by the template's 一级 and 二级, each
    line under the level its wording stands for, and `blank(一级, 二级)` for each 二级 no line
    has, as the 10号 form prints unused 二级 rows (its 一级 worded as the level's first line). Within a group the lines keep their order;
    lines worded for no 二级 of their 一级 follow that 一级's groups, and lines of no 一级 of the
    template come last. `levels(line)` gives a line's (一级, 二级) as typed."""
    lines = list(lines)
    placed: dict[int, tuple[int, int]] = {}
    for i, line in enumerate(lines):
        level1, level2 = levels(line)
        level = level_of(template, level1)
        if level is None:
            continue
        slot = level2_of(level, level2)
        index = template.levels.index(level)
        placed[i] = (index, level.level2.index(slot) if slot is not None else len(level.level2))
    out: list[Line] = []
    for index, level in enumerate(template.levels):
        # An empty 二级 row takes the 一级 as this form words it, so they print in one cell.
        worded = [levels(lines[i])[0] for i, (at, _) in placed.items() if at == index]
        level1 = worded[0] if worded else level.name
        for position, level2 in enumerate((*level.level2, None)):
            group = [line for i, line in enumerate(lines) if placed.get(i) == (index, position)]
            if not group and level2 is not None:
                group = [blank(level1, level2)]
            out += group
    out += [line for i, line in enumerate(lines) if i not in placed]
    return out
