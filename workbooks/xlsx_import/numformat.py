"""What Excel shows for a number or a date under a number format code: "#,##0.00" shows
387664.62 as 387,664.62, 0.00"万元" shows 620.82万元, yyyy"年"m"月"d"日" a date as 2021年3月5日,
yyyy-mm as 2021-03, General 89.97399999999999 as 89.974. Also the built-in formats a Chinese Excel
saves by number only (numFmtId 14, 27–36, 50–58), which openpyxl does not know. Plain Python
(openpyxl's date serials aside)."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from openpyxl.utils.datetime import from_excel

# Built-in formats whose code depends on the language of Excel: as Excel for Chinese (zh-CN)
# shows them (ECMA-376 Part 1, 18.8.30). openpyxl reads 14 as mm-dd-yy and the others as General.
ZH_CN_BUILTIN = {
    14: "yyyy/m/d",
    22: "yyyy/m/d h:mm",
    27: 'yyyy"年"m"月"',
    28: 'm"月"d"日"',
    29: 'm"月"d"日"',
    30: "m-d-yy",
    31: 'yyyy"年"m"月"d"日"',
    32: 'h"时"mm"分"',
    33: 'h"时"mm"分"ss"秒"',
    34: '上午/下午h"时"mm"分"',
    35: '上午/下午h"时"mm"分"ss"秒"',
    36: 'yyyy"年"m"月"',
    50: 'yyyy"年"m"月"',
    51: 'm"月"d"日"',
    52: 'yyyy"年"m"月"',
    53: 'm"月"d"日"',
    54: 'm"月"d"日"',
    55: '上午/下午h"时"mm"分"',
    56: '上午/下午h"时"mm"分"ss"秒"',
    57: 'yyyy"年"m"月"',
    58: 'm"月"d"日"',
}
# The built-in ids whose value openpyxl leaves a number although Excel shows a date.
ZH_CN_DATES = frozenset(ZH_CN_BUILTIN) - {14, 22}

# One token of a format code: a quoted literal, an escaped character, padding (_x) and fill (*x),
# a bracketed part ([Red], [$-804], [DBNum1]), a run of one date letter, AM/PM, or one character.
_TOKEN = re.compile(
    r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]|上午/下午|AM/PM|A/P|([yYmMdDhHsSeEaA])\1*|.', re.DOTALL
)
_DATE_LETTER = re.compile(r"[yYmMdDhHsS]")
_MONTHS = "January February March April May June July August September October November December"
_DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday"
_CN_DAYS = "一二三四五六日"


def _sections(fmt: str) -> list[str]:
    parts, current, quoted = [], "", False
    for ch in fmt:
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            parts.append(current)
            current = ""
        else:
            current += ch
    return [*parts, current]


def date_text(value: date | datetime | time, fmt: str) -> str:
    """A date or time as the format shows it: yyyy"年"m"月"d"日" → 2021年3月5日, yyyy/m/d →
    2021/3/5, yyyy-mm → 2021-03, m"月"d"日" → 3月5日, h:mm → 9:05."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        moment = datetime(1900, 1, 1, value.hour, value.minute, value.second)
    tokens = [m.group(0) for m in _TOKEN.finditer(_sections(fmt or "")[0])]
    twelve = any(t.upper() in ("AM/PM", "A/P") or t == "上午/下午" for t in tokens)
    out = []
    for i, token in enumerate(tokens):
        letter = token[0].lower()
        n = len(token)
        literal = _literal(token)
        if literal is not None:
            out.append(literal)
        elif letter in "ye" and token[0] in "yYeE":
            out.append(
                f"{moment.year:04d}" if n > 2 or letter == "e" else f"{moment.year % 100:02d}"
            )
        elif letter == "m" and token[0] in "mM":
            if n <= 2 and _is_minute(tokens, i):
                out.append(f"{moment.minute:0{n}d}")
            elif n <= 2:
                out.append(f"{moment.month:0{n}d}")
            else:
                name = _MONTHS.split()[moment.month - 1]
                out.append(name[:3] if n == 3 else name[0] if n == 5 else name)
        elif letter == "d" and token[0] in "dD":
            if n <= 2:
                out.append(f"{moment.day:0{n}d}")
            else:
                name = _DAYS.split()[moment.weekday()]
                out.append(name[:3] if n == 3 else name)
        elif letter == "h" and token[0] in "hH":
            hour = moment.hour % 12 or 12 if twelve else moment.hour
            out.append(f"{hour:0{min(n, 2)}d}")
        elif letter == "s" and token[0] in "sS":
            out.append(f"{moment.second:0{min(n, 2)}d}")
        elif token == "上午/下午":
            out.append("上午" if moment.hour < 12 else "下午")
        elif token.upper() in ("AM/PM", "A/P"):
            am = moment.hour < 12
            out.append(("AM" if am else "PM")[: 1 if token.upper() == "A/P" else 2])
        elif token.lower() in ("aaaa", "aaa"):
            out.append(("星期" if token.lower() == "aaaa" else "") + _CN_DAYS[moment.weekday()])
        else:
            out.append(token)
    return "".join(out)


def _literal(token: str) -> str | None:
    """The text a token of a format code shows as it is: a quoted literal, an escaped character;
    "" for padding, fill and bracketed parts; None for a token that shows the value."""
    if token.startswith('"'):
        return token[1:-1]
    if token.startswith("\\"):
        return token[1]
    if token.startswith(("_", "*", "[")):
        return ""
    return None


def _is_minute(tokens: list[str], i: int) -> bool:
    """m or mm right after an hour, or right before seconds (literals between), is minutes."""
    for j in range(i - 1, -1, -1):
        if tokens[j][0] in "hH":
            return True
        if tokens[j][0] in "yYdDmMsS" and not tokens[j].startswith('"'):
            break
    for j in range(i + 1, len(tokens)):
        if tokens[j][0] in "sS":
            return True
        if tokens[j][0] in "yYdDmMhH":
            break
    return False


def number_text(value: int | float | Decimal, fmt: str) -> str:
    """A number as the format shows it: 0.00 → 6.80, 0% → 95%, #,##0.00 → 387,664.62,
    0.00"万元" → 620.82万元, 0.00_ → 29.00; General as Excel's General (89.974, not
    89.97399999999999); under a date format, the date it counts."""
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        return str(value)
    sections = _sections(fmt or "General")
    section = sections[0]
    if number < 0 and len(sections) > 1 and sections[1].strip():
        section, number = sections[1], -number  # its own sign, usually (…) or -
    elif number == 0 and len(sections) > 2 and sections[2].strip():
        section = sections[2]  # zero's own: "-"
    body = re.sub(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]', "", section)
    if _DATE_LETTER.search(body) and not re.search(r"(?i)general", body):
        try:
            return date_text(from_excel(float(value)), section)
        except (OverflowError, ValueError, TypeError):
            return general(value)
    if section.strip().lower() in ("general", "", "@"):
        return general(value)
    if re.search(r"(?i)general", section):
        return _literals(section, general(value))  # General"万元"
    if not re.search(r"[0#?]", body):
        return _literals(section, "")  # text only: zero shown as "-"
    if re.search(r"[eE][+-]|[0#?]\s*/\s*[0#?\d]", body):
        return general(value)  # scientific and fractions: as General
    placeholders = re.search(r"[0#?,.]*[0#?][0#?,.]*", body).group(0)
    scale = len(placeholders) - len(placeholders.rstrip(","))  # trailing commas: thousands
    whole, _, decimals = placeholders.rstrip(",").partition(".")
    grouped = "," in whole
    percent = body.count("%")
    shown = number * Decimal(100) ** percent / Decimal(1000) ** scale
    required = len(decimals.rstrip("#?"))
    places = len(decimals.replace(",", ""))
    shown = shown.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if shown < 0 and len(sections) == 1 else ""
    digits = f"{abs(shown):f}"
    int_part, _, frac = digits.partition(".")
    frac = frac[:places]
    while len(frac) > required and frac.endswith("0"):
        frac = frac[:-1]
    min_int = whole.count("0")
    int_part = int_part.lstrip("0").rjust(min_int, "0")
    if grouped and int_part:
        int_part = f"{int(int_part):,}"
    text = sign + int_part + ("." + frac if frac else "")
    return _literals(section, text)


def _literals(section: str, number: str) -> str:
    """The number inside the format's literal text: 0.00"万元" → 620.82万元, ¥#,##0 → ¥1,000."""
    out, done = [], False
    for m in _TOKEN.finditer(re.sub("(?i)general", "0", section)):
        token = m.group(0)
        literal = _literal(token)
        if literal is not None:
            out.append(literal)
        elif token in "0#?,." or token == "@":
            if not done:
                out.append(number)
                done = True
        else:
            out.append(token)
    if not done:
        out.append(number)
    return "".join(out)


def general(value: int | float | Decimal) -> str:
    """Excel's General format: up to eleven characters, no binary noise (3.3000000000000003 from
    =1.1+2.2 is 3.3), scientific beyond that."""
    if isinstance(value, int) or (
        isinstance(value, Decimal) and value == value.to_integral_value()
    ):
        number = Decimal(value)
        if abs(number) < Decimal(10) ** 11:
            return f"{int(number)}"
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        return str(value)
    if number == 0:
        return "0"
    room = 11 - (1 if number < 0 else 0)
    whole = len(str(int(abs(number)))) if abs(number) >= 1 else 1
    if whole > room or abs(number) < Decimal("1e-9"):
        return f"{float(number):.5E}".replace("E+0", "E+").replace("E-0", "E-")
    places = max(room - whole - 1, 0)
    shown = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{shown:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
