"""The fonts the printed forms use: where they are, what they cover, and whether WeasyPrint can
subset them quickly.

The app ships its own CJK serif, a subset of Noto Serif CJK SC, so a PDF never depends on what
the host has installed. It comes as two families that print.css stacks: "FormSerif" (GB2312, the
symbols and every character of the demo forms) and "FormSerifExt" (the rest of GBK: rarer
characters of names and places). WeasyPrint subsets each font a document uses on every render, at
a cost that grows with the font's size, so a form that needs only the small first face prints
quicker (static/fonts/README.md). A character outside both falls back to the next family of the
stack, which depends on the host again, so `missing_glyphs` lets callers warn about such
characters while they are being typed.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

FAMILY = "FormSerif"
EXT_FAMILY = "FormSerifExt"
FAMILIES = (FAMILY, EXT_FAMILY)  # in the order of print.css's font stack
STYLES = ("Regular", "Bold")
FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "fonts"


def font_file(style: str = "Regular", family: str = FAMILY) -> Path | None:
    """The bundled font file of a family and style ("Regular" or "Bold") as print.css names it,
    or None."""
    path = FONT_DIR / f"{family}-{style}.otf"
    return path if path.is_file() else None


def _font_files(style: str) -> list[Path]:
    """The bundled files of a style that are present, in font-stack order."""
    return [path for family in FAMILIES if (path := font_file(style, family))]


def missing_font_files() -> list[str]:
    return [
        f"{family}-{style}"
        for family in FAMILIES
        for style in STYLES
        if font_file(style, family) is None
    ]


@cache
def _coverage(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


@cache
def postscript_name(style: str = "Regular", family: str = FAMILY) -> str:
    """The PostScript name of a bundled face (what a PDF's font dictionary calls it)."""
    from fontTools.ttLib import TTFont

    path = font_file(style, family)
    if path is None:
        return ""
    with TTFont(path, lazy=True) as font:
        return font["name"].getDebugName(6) or ""


def postscript_names() -> set[str]:
    """The PostScript names of every bundled face that is present."""
    names = {postscript_name(style, family) for family in FAMILIES for style in STYLES}
    return names - {""}


def _printable(ch: str) -> bool:
    # Line breaks, tabs and other controls are layout, not glyphs.
    return not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf")


def missing_glyphs(text: str) -> set[str]:
    """The characters of `text` neither bundled regular face can draw (all of them if both are
    missing).

    These would print from a host fallback font, or as boxes where the host has none.
    """
    coverages = [_coverage(path) for path in _font_files("Regular")]
    return {
        ch
        for ch in text or ""
        if _printable(ch) and not any(ord(ch) in covered for covered in coverages)
    }


def harfbuzz_subset_available() -> bool:
    """Whether WeasyPrint will subset fonts with HarfBuzz (fast) rather than fontTools (slow).

    Mirrors weasyprint.pdf.fonts.Font.subset in WeasyPrint 70: it uses HarfBuzz's subsetter when
    the library was loaded (`weasyprint.text.ffi.harfbuzz_subset`) and HarfBuzz is ≥ 4.1.0.
    """
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))


@cache
def advances(style: str = "Regular") -> dict[int, float]:
    """Advance width of each covered code point, in em (to estimate line breaks before layout),
    taken from the first family of the stack that has it, as the PDF prints it."""
    from fontTools.ttLib import TTFont

    out: dict[int, float] = {}
    for path in reversed(_font_files(style)):  # the first family's widths win
        with TTFont(path, lazy=True) as font:
            per_em = font["head"].unitsPerEm
            metrics = font["hmtx"].metrics
            cmap = font.getBestCmap() or {}
            out.update((cp, metrics[name][0] / per_em) for cp, name in cmap.items())
    return out
