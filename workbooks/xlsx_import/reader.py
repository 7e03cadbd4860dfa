"""What the readers of both sheets share: every problem found, naming its cell; text within a
length; figures (amounts, 分值/得分, head counts) read as typed, a formula among them refused;
the title and 年度 above the form; the row where the lines end."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import cached_property

from evaluations.forms.fields import typed_number
from evaluations.templates_def import TemplateDef

from ..xlsx_checks import CellError
from .messages import (
    AMOUNT_DECIMALS,
    AMOUNT_INVALID,
    AMOUNT_KIND,
    AMOUNT_NEGATIVE,
    AMOUNT_TOO_LARGE,
    COUNT_INVALID,
    COUNT_KIND,
    COUNT_NEGATIVE,
    COUNT_TOO_LARGE,
    FORMULA_NOT_NUMBER,
    POINTS_DECIMALS,
    POINTS_INVALID,
    POINTS_KIND,
    TEXT_TOO_LONG,
    YEAR_DIFFERS,
)
from .recognise import _signature_labels, header_labels
from .sheet import _Sheet, norm, ref


class _Reader:
    """One sheet of a template; `errors` collects the problems found while reading it."""

    def __init__(self, sheet: _Sheet, t: TemplateDef, year: int | None):
        self.sheet, self.t, self.expected_year = sheet, t, year
        self.errors: list[CellError] = []
        self.cells: dict[str, str] = {}
        # The cells whose content went into a field (or is a label the form prints): every other
        # typed cell goes to the form's 其他内容, so nothing on the sheet is dropped.
        self.used: set[tuple[int, int]] = set()
        # Cells read into a field and kept as typed in 其他内容 too, the form printing them
        # otherwise (a head label with its value in one cell).
        self.kept: set[tuple[int, int]] = set()

    def use(self, r: int, c: int) -> None:
        self.used.add((r, c))

    def error(self, r: int, c: int, message: str) -> None:
        self.errors.append(CellError(self.sheet.name, ref(r, c), message))

    def text(self, r: int, c: int, label: str, limit: int) -> str:
        value = self.sheet.text(r, c)
        if len(value) > limit:
            # Kept whole in 其他内容 (not cut): the cell stays unused.
            self.error(r, c, TEXT_TOO_LONG.format(label=label, limit=limit, count=len(value)))
            return ""
        if value:
            self.use(r, c)
        return value

    def caption(self, r: int, before: int, key: str, printed: str) -> None:
        """A block's caption, the first cell of its heading row (资金情况(万元), 项目资金 (元),
        年度总体目标完成情况): kept as the form words it (`wording[key]`, the form reader's)."""
        if not printed or before <= 1:
            return
        c, text = self.sheet.first_filled(r, 1, before - 1)
        if not text or (r, c) in self.used or self.sheet.merged_from_above(r, c):
            return
        if norm(text) != norm(printed):
            self.wording[key] = text.strip()
        self.use(r, c)

    # numbers

    def _decimal(self, r: int, c: int) -> tuple[Decimal | None, str]:
        raw = self.sheet.raw(r, c)
        text = self.sheet.text(r, c)
        if raw is None or not text:
            return None, ""
        if isinstance(raw, bool):
            return None, text
        if isinstance(raw, (int, float, Decimal)):
            # The number as the cell shows it (6.80 in a 0.00 cell, 89.974 in a General one,
            # 1,350.87 under #,##0.00, 620.82万元 under 0.00"万元"): the precision the clerk sees
            # is the precision kept. Excel's binary floats (3.3000000000000003 from =1.1+2.2)
            # show as 3.3.
            shown = _SHOWN_NUMBER.fullmatch(re.sub(r"[,，]", "", text))
            if shown:
                number = Decimal(shown[1])
                return (-number if raw < 0 < number else number), text
            return Decimal(format(raw, ".15g")) if isinstance(raw, float) else Decimal(raw), text
        if isinstance(raw, str):
            # Typed as text: read as the edit page reads it (typed_number), a 万元 after it allowed.
            folded = unicodedata.normalize("NFKC", raw).strip()
            number = typed_number(folded.removesuffix("万元").removesuffix("万"))
            if number is not None:
                return Decimal(number), text
        return None, text

    def _formula(self, r: int, c: int, kind: str) -> bool:
        """A formula Excel saved without its result where a figure is typed: noted, never
        evaluated, its text kept in 其他内容 (see the package docstring)."""
        if (r, c) not in self.sheet.formulas:
            return False
        self.error(r, c, FORMULA_NOT_NUMBER.format(kind=kind, text=self.sheet.text(r, c)))
        return True

    def _use_figure(self, r: int, c: int, text: str) -> None:
        """A figure is taken by its field; a cell the form prints otherwise than it was typed —
        full-width digits (１２３．４５), thousands separators (215,457.6), a unit (620.82万元) —
        is kept as typed in 其他内容 too."""
        if _PRINTED_AS_TYPED.fullmatch(text):
            self.use(r, c)

    def amount(self, r: int, c: int) -> Decimal | None:
        if self._formula(r, c, AMOUNT_KIND):
            return None
        number, text = self._decimal(r, c)
        if number is None:
            if text and text not in ("—", "-", "/"):
                self.error(r, c, AMOUNT_INVALID.format(text=text))
            return None
        if number < 0:
            self.error(r, c, AMOUNT_NEGATIVE.format(text=text))
        elif number != number.quantize(Decimal("0.0001")):
            self.error(r, c, AMOUNT_DECIMALS.format(text=text))
        elif abs(number) >= Decimal(10) ** 12:
            self.error(r, c, AMOUNT_TOO_LARGE.format(text=text))
        else:
            # As typed: 89.974 stays 89.974 and 4000 stays 4000 (up to four decimals, 万元).
            self._use_figure(r, c, text)
            return number
        return None

    def points(self, r: int, c: int) -> Decimal | None:
        if self._formula(r, c, POINTS_KIND):
            return None
        number, text = self._decimal(r, c)
        if number is None:
            if text and text not in ("—", "-", "/"):
                self.error(r, c, POINTS_INVALID.format(text=text))
            return None
        if number < 0 or number > 100:
            self.error(r, c, POINTS_INVALID.format(text=text))
        elif number != number.quantize(Decimal("0.01")):
            self.error(r, c, POINTS_DECIMALS.format(text=text))
        else:
            self._use_figure(r, c, text)
            return number
        return None

    def count(self, r: int, c: int) -> Decimal | None:
        """Persons (编制数, 在职人数): a whole number, as on the edit page."""
        if self._formula(r, c, COUNT_KIND):
            return None
        number, text = self._decimal(r, c)
        if number is None:
            if text and text not in ("—", "-", "/"):
                self.error(r, c, COUNT_INVALID.format(text=text))
            return None
        if number < 0:
            self.error(r, c, COUNT_NEGATIVE.format(text=text))
        elif number != number.to_integral_value():
            self.error(r, c, COUNT_INVALID.format(text=text))
        elif number >= Decimal(10) ** 8:
            self.error(r, c, COUNT_TOO_LARGE.format(text=text))
        else:
            self.use(r, c)
            return number.to_integral_value()
        return None

    # above the form

    def title_and_year(self, top: int) -> tuple[str, int | None]:
        """The title line and the 年度 above the form: a cell “（2020年度）” of its own, or the
        year the title holds (“2021年度项目支出绩效自评表”)."""
        title, year = "", None
        for r in range(1, top):
            for c in range(1, self.sheet.cols + 1):
                text = self.sheet.text(r, c)
                if not text:
                    continue
                m = re.fullmatch(r"[(\[]?(\d{4})年度?[)\]]?", norm(text))
                if m and year in (None, int(m.group(1))):
                    year = int(m.group(1))
                    self.cells["year"] = ref(r, c)
                    self.use(r, c)
                elif norm(text).startswith(("单位", "金额单位", "填报单位", "填报日期")):
                    continue
                elif (
                    not title
                    and not self._signature_match(norm(text))
                    and ("表" in text or not _has_title_below(self.sheet, r, top))
                ):
                    title = self.text(r, c, "表名", 200).strip()
                    self.cells["title"] = ref(r, c)
                    stated = re.search(r"(20\d{2})\s*年", norm(title))
                    if stated and year is None:
                        year = int(stated.group(1))
                        self.cells["year"] = ref(r, c)
        return title, year

    def below_title(self, before: int) -> int:
        """The row after the title line (the first naming a 表 above `before`), else the first."""
        for r in range(1, before):
            if any("表" in self.sheet.text(r, c) for c in range(1, self.sheet.cols + 1)):
                return r + 1
        return 1

    def check_year(self, year: int | None) -> None:
        """A 年度 stated on the sheet wins over the year chosen for the import: the page says so."""
        if self.expected_year is not None and year is not None and year != self.expected_year:
            message = YEAR_DIFFERS.format(found=year, chosen=self.expected_year)
            self.errors.append(CellError(self.sheet.name, self.cells["year"], message))

    # where the lines end

    def _stop(self, r: int, last_col: int) -> bool:
        """A row after the lines: 总分, a text block, a footnote or the signature line."""
        stops = {"总分", "其他内容", *(norm(b.label) for b in self.t.text_blocks)}
        for c in range(1, last_col + 1):
            text = norm(self.sheet.text(r, c))
            if not text:
                continue
            if text in stops or re.match(r"注(:|\d)", text) or self._signature_match(text):
                return True
        return False

    @cached_property
    def _form_starts(self) -> set[str]:
        return {norm(self.t.title)} | {
            norm(label) for f in self.t.header_fields for label in header_labels(self.t, f.key)
        }

    def _another_form(self, r: int, last_col: int) -> bool:
        """A row that starts another form on the sheet: its title or one of its head labels
        (项目名称 …) where the lines of this one would go on."""
        starts = self._form_starts
        return any(norm(self.sheet.text(r, c)) in starts for c in range(1, last_col + 1))

    def _signature_match(self, text: str):
        labels = "|".join(re.escape(label) for label in _signature_labels(self.t))
        return re.match(rf"(?:{labels})(?::|$)", text)


# The digits of a number among the literals of its format: 620.82万元, ¥1234, (5.00).
_SHOWN_NUMBER = re.compile(r"[^\d%]*?(-?\d+(?:\.\d+)?)[^\d%]*")
# A figure typed the way the form prints it: ASCII digits, at most a point and a sign.
_PRINTED_AS_TYPED = re.compile(r"\s*-?[0-9]+(?:\.[0-9]+)?\s*")


def _has_title_below(sheet: _Sheet, row: int, top: int) -> bool:
    """Is there a line naming the table (…自评表) below `row`, so that `row` (附件2) is not it?"""
    return any(
        "表" in sheet.text(r, c) for r in range(row + 1, top) for c in range(1, sheet.cols + 1)
    )
