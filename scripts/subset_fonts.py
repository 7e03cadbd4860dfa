#!/usr/bin/env python3
"""Build the subset print fonts ``static/fonts/FormSerif{,Ext}-{Regular,Bold}.otf``.

The PDF forms are rendered by WeasyPrint with fonts shipped in the repository only
(never host fonts).  This script cuts the Simplified-Chinese face of Noto Serif CJK
(思源宋体, SIL OFL 1.1) down to the characters official forms use and renames the
families so they can never be confused with an installed Noto font.

The characters are split over two families that print.css stacks, common first
(see ``build_charsets``):

* "FormSerif", the common face: the whole GB2312 repertoire (6 763 hanzi, symbols,
  kana, Greek, Cyrillic, pinyin, box drawing), the symbol blocks below and every
  character of the ``--text-file`` files;
* "FormSerifExt", the rest of GBK (``--charset gbk``, the default): the 14 160 GBK
  ideographs outside GB2312 and the GBK symbols, none of them also in FormSerif.
  ``--charset gb2312`` builds the common face only.

WeasyPrint subsets every font a document uses on each render, at a cost that grows
with the size of the source font; most forms only need the small common face.

The symbol blocks of the common face:

* ASCII and Latin-1 printable, general punctuation, letterlike symbols (℃ №),
  number forms (Ⅰ Ⅱ ⅰ), arrows, mathematical operators (≥ ≤ ≠ ± ≈ √), enclosed
  alphanumerics (① ⑴ ⒈), box drawing and geometric shapes (■ □ ● ○), ★ ☆ ✓,
  CJK symbols and punctuation (U+3000–303F), enclosed CJK (㈠), CJK compatibility
  (㎡ ㎏), vertical/compatibility/small form variants (U+FE10–FE6F, ﹦) and
  half/full-width forms (U+FF00–FFEF) -- each only as far as the source font has it
  (Noto Serif CJK has no ☐ ☑ ☒ ✔ ✗ ✘: use □ ■ √ ✓ × instead);
* every character of the optional ``--text-file`` files (plain text, or JSON whose
  strings are read), so the demo forms never need the second face; a character of
  these files missing from the source font is an error, since it would print as a box.

Glyphs are reordered so common characters get low glyph ids (see ``priority_order``),
and hints are dropped (WeasyPrint strips them when embedding anyway).  Every glyph of
the result is decompiled once as a check before the script reports success.

The output is reproducible: same source font + same options + same text files + same
fontTools version give byte-identical files (the source ``head.modified`` is kept).

Usage (Debian: ``apt-get install fonts-noto-cjk``)::

    python scripts/subset_fonts.py \\
        --text-file evaluations/demo/seed_forms.json --text-file SEEDS_DIR/*.txt

Run ``python scripts/subset_fonts.py --help`` for all options.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.ttCollection import TTCollection

DEBIAN_NOTO = Path("/usr/share/fonts/opentype/noto")
DEFAULT_REGULAR = DEBIAN_NOTO / "NotoSerifCJK-Regular.ttc"
DEFAULT_BOLD = DEBIAN_NOTO / "NotoSerifCJK-Bold.ttc"
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT_DIR = REPO_ROOT / "static" / "fonts"
FAMILY = "FormSerif"
EXT_FAMILY = "FormSerifExt"

# Blocks included as far as the source font covers them.
RANGES: list[tuple[int, int]] = [
    (0x0020, 0x007E),  # ASCII printable
    (0x00A0, 0x00FF),  # Latin-1 printable (¥ § ° ± × ÷ ·)
    (0x02C6, 0x02DD),  # spacing modifiers used as tone marks (ˇ ˉ ˊ ˋ ˙)
    (0x2000, 0x206F),  # general punctuation (— ‘ ’ “ ” … ‰ ※ ‖)
    (0x2070, 0x209F),  # superscripts and subscripts
    (0x20A0, 0x20CF),  # currency symbols (€)
    (0x2100, 0x214F),  # letterlike symbols (℃ ℉ № ℡ ™)
    (0x2150, 0x218F),  # number forms (Ⅰ–Ⅻ ⅰ–ⅹ)
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators (≥ ≤ ≠ ≈ √ ∑ ∵ ∴)
    (0x2300, 0x23FF),  # miscellaneous technical (⌒)
    (0x2460, 0x24FF),  # enclosed alphanumerics (①–⑳ ⑴–⒇ ⒈–⒛)
    (0x2500, 0x257F),  # box drawing
    (0x2580, 0x259F),  # block elements
    (0x25A0, 0x25FF),  # geometric shapes (■ □ ▲ △ ◆ ◇ ○ ● ◎)
    (0x2600, 0x26FF),  # miscellaneous symbols (★ ☆ ☐ ☑ ☒ ♀ ♂)
    (0x2700, 0x27BF),  # dingbats (✓ ✔ ✗ ✘)
    (0x2E80, 0x2EFF),  # CJK radicals supplement
    (0x2F00, 0x2FDF),  # Kangxi radicals
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3200, 0x32FF),  # enclosed CJK letters and months (㈠–㈩)
    (0x3300, 0x33FF),  # CJK compatibility (㎡ ㎏ ㎞ ㏄)
    (0xFE10, 0xFE1F),  # vertical forms
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFE50, 0xFE6F),  # small form variants (﹦ ﹤ ﹥)
    (0xFF00, 0xFFEF),  # half-width and full-width forms
    (0xFFFD, 0xFFFD),  # replacement character
]

# OpenType features kept (see subset_font).
LAYOUT_FEATURES = [
    # Latin shaping
    *("ccmp", "liga", "kern", "mark"),
    # vertical punctuation
    *("vert", "vrt2", "vkrn"),
    # proportional / half-width punctuation (opt-in through CSS font-feature-settings)
    *("halt", "vhal", "palt", "vpal"),
]


def decode_table(codec: str, rows: range, cells: range) -> list[str]:
    """The characters of a double-byte code table, in code order, skipping holes."""
    chars = []
    for row in rows:
        for cell in cells:
            if cell == 0x7F:
                continue
            try:
                chars.append(bytes((row, cell)).decode(codec))
            except UnicodeDecodeError:
                continue
    return chars


def gb2312_chars() -> set[str]:
    """Every character of GB2312 (symbol rows 0xA1–0xA9 and hanzi rows 0xB0–0xF7)."""
    return set(decode_table("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF)))


def gbk_chars() -> set[str]:
    """Every double-byte character of GBK (includes all of GB2312)."""
    return set(decode_table("gbk", range(0x81, 0xFF), range(0x40, 0xFF)))


def _json_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_json_strings(k), *_json_strings(v))]
    if isinstance(value, list):
        return [s for item in value for s in _json_strings(item)]
    return [str(value)] if value is not None else []


def text_file_chars(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json":
        text = "".join(_json_strings(json.loads(text)))
    # Control, format and private-use characters never need a glyph of their own.
    return {ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Co", "Cs")}


def build_charsets(charset: str, required: set[str]) -> list[tuple[str, set[str]]]:
    """The families to build, in the order print.css stacks them, with their characters.

    The common face holds GB2312, the symbol blocks and the ``required`` characters; with
    ``charset`` "gbk" a second face holds the rest of GBK.  No character is in both.
    """
    common = gb2312_chars() | required
    for start, end in RANGES:
        common.update(chr(cp) for cp in range(start, end + 1))
    if charset == "gb2312":
        return [(FAMILY, common)]
    return [(FAMILY, common), (EXT_FAMILY, gbk_chars() - common)]


def open_face(path: Path, face: str) -> TTFont:
    """Open the face of a collection whose family name ends with ``face`` (e.g. "SC")."""
    if path.read_bytes()[:4] != b"ttcf":
        return TTFont(path, recalcTimestamp=False, recalcBBoxes=False)
    for index, font in enumerate(TTCollection(path, lazy=True).fonts):
        family = font["name"].getDebugName(1) or ""
        if family.split()[-1] == face:
            return TTFont(path, fontNumber=index, recalcTimestamp=False, recalcBBoxes=False)
    sys.exit(f"{path}: no face whose family ends with {face!r}")


def rename(font: TTFont, family: str, style: str) -> None:
    """Give the subset its own family name (the OFL asks modified fonts to be renamed)."""
    name = font["name"]
    source_full = name.getDebugName(4)
    source_version = name.getDebugName(5)
    ps_name = f"{family}-{style}"
    # Drop every family/style/unique/full/PostScript name, in every language.
    name.names = [n for n in name.names if n.nameID not in (1, 2, 3, 4, 6, 16, 17, 18, 21, 22)]
    for name_id, value in (
        (1, family),
        (2, style),
        (3, f"{ps_name};subset of {source_full} {source_version}"),
        (4, f"{family} {style}"),
        (6, ps_name),
    ):
        name.setName(value, name_id, 3, 1, 0x409)
        name.setName(value, name_id, 1, 0, 0)
    if "CFF " in font:
        cff = font["CFF "].cff
        top = cff[cff.fontNames[0]]
        cff.fontNames = [ps_name]
        cff.topDictIndex[0] = top
        if hasattr(top, "FullName"):
            top.FullName = f"{family} {style}"
        if hasattr(top, "FamilyName"):
            top.FamilyName = family
        if hasattr(top, "CIDFontName"):
            top.CIDFontName = ps_name


def to_truetype(font: TTFont, max_err: float = 1.0) -> None:
    """Replace CFF outlines by quadratic TrueType outlines (fontTools otf2ttf recipe)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = {}
    for glyph_name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[glyph_name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyf[glyph_name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in [
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ]:
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    post = font["post"]
    post.formatType = 3.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = None
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\0\1\0\0"
    font.recalcBBoxes = True


def priority_order() -> list[str]:
    """Characters in the order their glyphs should come in the output font.

    WeasyPrint embeds fonts with HarfBuzz's ``RETAIN_GIDS`` and keeps every glyph id
    up to the highest one used, so a page that only uses common characters embeds
    (and subsets) a much smaller font when those come first: ASCII, the GB2312
    symbols (punctuation, full-width forms, ≥ ① ℃ …), GB2312 level-1 hanzi (the
    3 755 common ones), then the other symbols of ``RANGES`` (㎡ ™ radicals …),
    level-2 hanzi, and the rest last.  A form of level-1 hanzi and GB2312 symbols,
    which is most forms, then stops near glyph 4 500 instead of 5 900.
    """
    order = [chr(cp) for cp in range(0x20, 0x7F)]
    # GB2312 symbols (rows 0xA1–0xA9) and level-1 hanzi (rows 0xB0–0xD7).
    order.extend(decode_table("gb2312", range(0xA1, 0xD8), range(0xA1, 0xFF)))
    for start, end in RANGES:
        order.extend(chr(cp) for cp in range(start, end + 1))
    # GB2312 level-2 hanzi (rows 0xD8–0xF7).
    order.extend(decode_table("gb2312", range(0xD8, 0xF8), range(0xA1, 0xFF)))
    return order


def reorder_glyphs(font: TTFont) -> None:
    from fontTools.ttLib.reorderGlyphs import reorderGlyphs

    old_order = font.getGlyphOrder()
    cmap = font.getBestCmap()
    new_order = [old_order[0]]  # .notdef stays glyph 0
    seen = set(new_order)
    for ch in priority_order():
        glyph = cmap.get(ord(ch))
        if glyph is not None and glyph not in seen:
            seen.add(glyph)
            new_order.append(glyph)
    new_order.extend(g for g in old_order if g not in seen)
    top = font["CFF "].cff.topDictIndex[0] if "CFF " in font else None
    fd_select = getattr(top, "FDSelect", None)
    fd_of = None
    if fd_select:
        # A CID font's FDSelect maps glyph index -> font dict (whose private dict and
        # local subroutines the charstring uses).  reorderGlyphs leaves it in the old
        # order, and charstrings not decompiled yet would pick their font dict from
        # it by their old index: load them all first, then rewrite FDSelect.
        fd_of = dict(zip(old_order, fd_select.gidArray, strict=True))
        for glyph in old_order:
            top.CharStrings[glyph]
    reorderGlyphs(font, new_order)
    if fd_select:
        fd_select.gidArray = [fd_of[glyph] for glyph in new_order]
        fd_select.format = None  # let the compiler pick the smallest format


def subset_font(
    source: Path,
    face: str,
    family: str,
    style: str,
    chars: set[str],
    required: set[str],
    out_path: Path,
    truetype: bool,
    hinting: bool,
    reorder: bool,
) -> tuple[int, list[str]]:
    font = open_face(source, face)
    cmap = font.getBestCmap()
    missing_required = sorted(ch for ch in required if ord(ch) not in cmap)
    unicodes = sorted(ord(ch) for ch in chars | required if ord(ch) in cmap)

    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    options.hinting = hinting
    options.glyph_names = False
    options.recalc_timestamp = False
    options.recalc_bounds = False
    # Only the layout features horizontal/vertical Chinese text needs.  Dropping
    # 'locl' (and aalt/fwid/hwid/pwid/hist/ruby/jamo) keeps the Japanese, Korean and
    # Traditional variant glyphs of the collection out: the font always prints the
    # Simplified-Chinese forms, whatever the document's lang, and is ~40% smaller.
    options.layout_features = LAYOUT_FEATURES
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)

    rename(font, family, style)
    if reorder:
        reorder_glyphs(font)
    if truetype:
        to_truetype(font)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    font.save(out_path, reorderTables=True)
    check_font(out_path, unicodes)
    return len(unicodes), missing_required


def check_font(path: Path, unicodes: list[int]) -> None:
    """Reopen the written font: every code point mapped, every outline decodable."""
    from fontTools.pens.boundsPen import BoundsPen

    font = TTFont(path)
    cmap = font.getBestCmap()
    lost = [cp for cp in unicodes if cp not in cmap]
    if lost:
        raise SystemExit(f"{path}: {len(lost)} code points lost, e.g. U+{lost[0]:04X}")
    glyph_set = font.getGlyphSet()
    for glyph_name in font.getGlyphOrder():
        glyph_set[glyph_name].draw(BoundsPen(glyph_set))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--regular",
        type=Path,
        default=DEFAULT_REGULAR,
        help=f"source regular font or collection (default: {DEFAULT_REGULAR})",
    )
    parser.add_argument(
        "--bold",
        type=Path,
        default=DEFAULT_BOLD,
        help=f"source bold font or collection (default: {DEFAULT_BOLD})",
    )
    parser.add_argument(
        "--face", default="SC", help="collection face to use, by family-name suffix (default: SC)"
    )
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=DEFAULT_OUT_DIR,
        help="output directory (default: static/fonts of this repository)",
    )
    parser.add_argument(
        "--text-file",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="UTF-8 text (or JSON) file whose characters must all be included; repeatable",
    )
    parser.add_argument(
        "--charset",
        choices=("gb2312", "gbk"),
        default="gbk",
        help="gbk (default): the common face FormSerif (GB2312, symbols, text files) and "
        "FormSerifExt with the rest of GBK; gb2312: the common face only",
    )
    parser.add_argument(
        "--format",
        choices=("otf", "ttf"),
        default="otf",
        help="otf keeps the CFF outlines; ttf converts to TrueType",
    )
    parser.add_argument(
        "--hinting",
        action="store_true",
        help="keep the CFF hints (default: drop them; WeasyPrint strips "
        "hints when it embeds the font in the PDF anyway)",
    )
    parser.add_argument(
        "--source-glyph-order",
        action="store_true",
        help="keep the source glyph order instead of putting common characters first",
    )
    parser.add_argument(
        "--name",
        default=FAMILY,
        help="output file name prefix of the common face, NAME + 'Ext' of the other "
        "(default: FormSerif; the family names stay FormSerif and FormSerifExt)",
    )
    args = parser.parse_args(argv)

    required: set[str] = set()
    for path in args.text_file:
        required |= text_file_chars(path)
    charsets = build_charsets(args.charset, required)
    base = build_charsets("gb2312", set())[0][1]
    print(
        f"{args.charset}+ranges: "
        + ", ".join(f"{family} {len(chars)}" for family, chars in charsets)
        + f" code points requested; {len(required)} distinct characters in "
        f"{len(args.text_file)} text file(s), {len(required - base)} of them outside "
        "GB2312 and the symbol blocks"
    )

    status = 0
    for family, chars in charsets:
        prefix = args.name if family == FAMILY else args.name + "Ext"
        for style, source in (("Regular", args.regular), ("Bold", args.bold)):
            out_path = args.out_dir / f"{prefix}-{style}.{args.format}"
            count, missing = subset_font(
                source,
                args.face,
                family,
                style,
                chars,
                required if family == FAMILY else set(),
                out_path,
                truetype=args.format == "ttf",
                hinting=args.hinting,
                reorder=not args.source_glyph_order,
            )
            print(f"{out_path}: {count} code points, {out_path.stat().st_size:,} bytes")
            if missing:
                status = 1
                print(
                    f"  ERROR: {len(missing)} character(s) of the text files are not in "
                    f"{source}: " + " ".join(f"U+{ord(c):04X}" for c in missing),
                    file=sys.stderr,
                )
    return status


if __name__ == "__main__":
    sys.exit(main())
