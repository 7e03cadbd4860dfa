"""What the import reads besides the workbook: the unit's remembered mappings."""

from __future__ import annotations

from evaluations.models import ImportMapping

from . import xlsx_import
from .xlsx_import import mapped


def import_parse(*, data: bytes, unit, limits, year: int | None):
    """A workbook read for 导入Excel / import_forms: as recognised by its labels, else by a
    mapping the unit's clerk drew for a workbook of the same shape (`ImportMapping`), else as
    an unrecognised layout (everything in 其他内容). ImportRefused for an unreadable file."""
    parsed = xlsx_import.parse_workbook(data, limits, year=year)
    if parsed.recognised or unit is None:
        return parsed
    remembered_mappings = list(ImportMapping.objects.filter(unit=unit))
    if not remembered_mappings:
        return parsed
    sheets = mapped.sheets_of(data, limits)  # read again only where there is one to try
    for remembered in remembered_mappings:
        index = int(remembered.mapping.get("sheet") or 0)
        if index < len(sheets) and mapped.matches(sheets[index], remembered.anchors):
            try:
                return mapped.read_mapped(sheets, remembered.mapping, year)
            except mapped.MappingError:
                continue
    return parsed
