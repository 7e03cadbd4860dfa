"""File names for exported forms, shared by downloads, export_forms and the batch export."""

from __future__ import annotations

import re

# Characters no file system (or zip tool) takes in a name, and control characters.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
NAME_PART_MAX = 60  # characters per part: three parts stay well under 255 bytes in UTF-8


def file_stem(evaluation) -> str:
    """`<year>_<unit>_<project>`, safe as a file name on every system."""
    parts = (str(evaluation.year.year), evaluation.unit.name, evaluation.project_name)
    return "_".join(_clean(p) for p in parts)


def _clean(part: str) -> str:
    part = _UNSAFE.sub("-", part)
    part = re.sub(r"\s+", " ", part).strip(" .-")  # Windows refuses names ending in a dot
    return part[:NAME_PART_MAX] or "未命名"
