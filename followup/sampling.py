"""Drawing a 抽评 sample: pure and reproducible.

The same seed over the same forms gives the same sample: candidates are sorted by id before the
draw, and `random.Random(seed)` is the only source of chance. The seed is recorded with the sample,
so anyone can draw it again and check it.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Candidate:
    pk: int
    unit_id: int
    amount: Decimal | None  # 全年预算数 of the 年度资金总额 row, 万元


def new_seed() -> str:
    return secrets.token_hex(8)


def draw_random(candidates: Iterable[Candidate], *, size: int, seed: str) -> list[int]:
    """`size` forms at random (all of them when there are fewer)."""
    pool = sorted(c.pk for c in candidates)
    return sorted(random.Random(seed).sample(pool, min(size, len(pool))))


def draw_stratified(candidates: Iterable[Candidate], *, size: int, seed: str) -> list[int]:
    """`size` forms of every unit at random (all of a unit's when it has fewer): no unit is left
    out of the sample however many forms the others have."""
    rng = random.Random(seed)
    by_unit: dict[int, list[int]] = {}
    for c in candidates:
        by_unit.setdefault(c.unit_id, []).append(c.pk)
    chosen: list[int] = []
    for unit_id in sorted(by_unit):
        pool = sorted(by_unit[unit_id])
        chosen += rng.sample(pool, min(size, len(pool)))
    return sorted(chosen)


def draw_above(candidates: Iterable[Candidate], *, min_amount: Decimal) -> list[int]:
    """Every form whose 全年预算数 is at least `min_amount` 万元."""
    return sorted(c.pk for c in candidates if c.amount is not None and c.amount >= min_amount)
