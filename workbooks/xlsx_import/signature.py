"""The signature line under the form: 填表人, 审核人, 联系电话 and their dates, told apart by their
labels; a line printed blank (“年　月　日”, “____”) is no value."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from evaluations.exports.signature_line import (
    DEFAULT_DATE_STYLE,
    date_style,
    signature_pairs,
    signature_text,
)

from .messages import DATE_INVALID
from .reader import _Reader
from .recognise import SIGNATURE_ALIASES
from .sheet import norm


class _SignatureReader(_Reader):
    """The signature line; a part of `_FormReader` (`form.py`), whose `read()` sets the
    `wording` it fills."""

    def signature(self, start: int) -> dict[str, object]:
        """填表人, 审核人, 联系电话 and 填报日期 of the signature line, told apart by their labels
        (several may share a cell: “填表人：张三　审核人：李四”). A blank placeholder — “年　月　日”,
        “填表人：” with nothing after it, “____” — is empty, not a value.

        The line is kept as the form words it (`wording`): its items in their order, labels the
        template words otherwise (填报人, 日期) and the way it writes dates (2024/1/15). A cell
        the printed line would still not show as typed stays in 其他内容 too."""
        sheet = self.sheet
        keys = {}
        for key, aliases in SIGNATURE_ALIASES.items():
            for label in (self.t.signature_labels.get(key, ""), *aliases):
                if label:
                    keys[label] = key
        labels = "|".join(re.escape(label) for label in sorted(keys, key=len, reverse=True))
        pattern = re.compile(rf"({labels})\s*[:：]|^\s*({labels})\s*$")
        found: dict[str, object] = {}
        typed: dict[str, tuple[str, str]] = {}  # key → (label as typed, value as typed)
        valued: list[tuple[int, int]] = []  # the cells a value was read from
        for r in range(start, sheet.rows + 1):
            # A date with no label of its own, or labelled just 日期, is the date of the person
            # signing before it on the line: 审核人 …　日期 is the 审核 date.
            last = "preparer"
            for c in range(1, sheet.cols + 1):
                text = sheet.text(r, c)
                if not text or (r, c) in self.used:
                    continue
                matches = list(pattern.finditer(text))
                if not matches:
                    date_key = "reviewer_date" if last == "reviewer" else "fill_date"
                    if _blank_placeholder(text):
                        self.use(r, c)
                    elif date_key not in found and _DATE.fullmatch(_nfkc(text)):
                        found[date_key] = self._date(r, c, text)
                        typed[date_key] = ("", text)
                        self.use(r, c)
                        valued.append((r, c))
                    continue
                ok = not text[: matches[0].start()].strip()
                for i, m in enumerate(matches):
                    label = m.group(1) or m.group(2)
                    key = keys[label]
                    if key in ("preparer", "reviewer"):
                        last = key
                    elif key == "fill_date" and label == "日期" and last == "reviewer":
                        key = "reviewer_date"
                    stop = matches[i + 1].start() if i + 1 < len(matches) else len(text)
                    value, col = text[m.end() : stop].strip(), c
                    if not value and i + 1 == len(matches):
                        nxt, nxt_text = sheet.first_filled(r, sheet.end(r, c) + 1, sheet.cols)
                        if nxt_text and not pattern.search(nxt_text):
                            value, col = nxt_text.strip(), nxt
                    if _blank_placeholder(value):
                        value = ""
                    if key in found:
                        ok = ok and not value  # a second 填表人: kept in 其他内容
                        continue
                    if key in ("fill_date", "reviewer_date"):
                        found[key] = self._date(r, col, value)
                        ok = ok and (found[key] is not None or not value)
                    elif key in ("preparer", "preparer_phone", "reviewer"):
                        limit = 50 if key != "preparer_phone" else 40
                        if len(value) > limit:
                            ok = False
                            continue
                        found[key] = value
                    else:
                        ok = ok and not value  # 单位负责人 …: no field, kept in 其他内容
                        continue
                    typed[key] = (label, value)
                    if value:
                        valued.append((r, col))
                    if col != c and ok:
                        self.use(r, col)
                if ok:
                    self.use(r, c)
        if typed:
            self._keep_wording(found, typed, valued)
        return found

    def _keep_wording(self, found: dict, typed: dict, valued: list[tuple[int, int]]) -> None:
        """The line's order, labels and date style in `wording`; a cell the printed line does not
        show as typed goes back to 其他内容."""
        defaults = self.t.signature_labels
        values = {}
        for key, (label, value) in typed.items():
            name = _FIELDS[key]
            if label and norm(label) != norm(defaults[name]):
                self.wording[f"signature.{name}"] = label
            if isinstance(found.get(key), date):
                style = date_style(value, found[key])
                if style and style != DEFAULT_DATE_STYLE:
                    self.wording[f"signature.{name}.style"] = style
            values[name] = found.get(key)
        self.wording["signature.order"] = " ".join(_FIELDS[key] for key in typed)
        printed = _squash(signature_text(signature_pairs(self.t, self.wording, values)))
        for cell in valued:
            if _squash(self.sheet.text(*cell)) not in printed:
                self.used.discard(cell)

    def _date(self, r: int, c: int, text: str) -> date | None:
        raw = self.sheet.raw(r, c)
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        if not text or _blank_placeholder(text):
            return None
        m = re.fullmatch(
            r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?",
            unicodedata.normalize("NFKC", text).strip(),
        )
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                pass
        self.error(r, c, DATE_INVALID.format(text=text))
        return None


# The signature's keys as read here, and the fields (and `wording` keys) they are stored in.
_FIELDS = {
    "preparer": "preparer",
    "reviewer": "signer_reviewer",
    "reviewer_date": "signer_reviewer_date",
    "preparer_phone": "preparer_phone",
    "fill_date": "fill_date",
}
_DATE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
_PLACEHOLDER = re.compile(r"[\s_＿\-—.…·]*((\d{4})?\s*年[\s_＿]*月[\s_＿]*日)?[\s_＿\-—.…·]*")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _blank_placeholder(text: str) -> bool:
    """“年　月　日”, “　　年　　月　　日”, “______”: a signature line printed blank."""
    return bool(_PLACEHOLDER.fullmatch(_nfkc(text)))
