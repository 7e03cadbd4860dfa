"""The fonts the printed forms use: where they are, what they cover, and whether WeasyPrint can
subset them quickly.

The app ships its own CJK serif ("FormSerif", a subset of Noto Serif CJK SC) so a PDF never
depends on what the host has installed. The subset holds the characters official forms use; a
character outside it falls back to the next family of print.css's stack, which depends on the host
again, so `missing_glyphs` lets callers warn about such characters while they are being typed.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

FAMILY = "FormSerif"
FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "fonts"


def font_file(style: str = "Regular") -> Path | None:
    """The bundled font file of a style ("Regular" or "Bold") as print.css names it, or None."""
    path = FONT_DIR / f"{FAMILY}-{style}.otf"
    return path if path.is_file() else None


def missing_font_files() -> list[str]:
    return [f"{FAMILY}-{style}" for style in ("Regular", "Bold") if font_file(style) is None]


@cache
def _coverage(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


@cache
def postscript_name(style: str = "Regular") -> str:
    """The PostScript name of a bundled face (what a PDF's font dictionary calls it)."""
    from fontTools.ttLib import TTFont

    path = font_file(style)
    if path is None:
        return ""
    with TTFont(path, lazy=True) as font:
        return font["name"].getDebugName(6) or ""


def _printable(ch: str) -> bool:
    # Line breaks, tabs and other controls are layout, not glyphs.
    return not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf")


def missing_glyphs(text: str) -> set[str]:
    """The characters of `text` the bundled regular face cannot draw (all of them if it is missing).

    These would print from a host fallback font, or as boxes where the host has none.
    """
    path = font_file("Regular")
    chars = {ch for ch in text or "" if _printable(ch)}
    if path is None:
        return chars
    covered = _coverage(path)
    return {ch for ch in chars if ord(ch) not in covered}


def harfbuzz_subset_available() -> bool:
    """Whether WeasyPrint will subset fonts with HarfBuzz (fast) rather than fontTools (slow).

    Mirrors weasyprint.pdf.fonts.Font.subset in WeasyPrint 70: it uses HarfBuzz's subsetter when
    the library was loaded (`weasyprint.text.ffi.harfbuzz_subset`) and HarfBuzz is ≥ 4.1.0.
    """
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))


@cache
def advances(style: str = "Regular") -> dict[int, float]:
    """Advance width of each covered code point, in em (to estimate line breaks before layout)."""
    from fontTools.ttLib import TTFont

    path = font_file(style)
    if path is None:
        return {}
    with TTFont(path, lazy=True) as font:
        per_em = font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        return {cp: metrics[name][0] / per_em for cp, name in (font.getBestCmap() or {}).items()}
