"""System checks for printing: bundled fonts present, WeasyPrint able to subset them quickly.

Warnings, not errors: the app still runs and prints, but the PDF then depends on host fonts or
takes seconds per page, which people notice only once forms are due.
"""

from __future__ import annotations

from django.core.checks import Warning, register

from .exports import fonts


@register("evaluations")
def check_bundled_fonts(app_configs=None, **kwargs):
    missing = fonts.missing_font_files()
    if not missing:
        return []
    return [
        Warning(
            f"打印字体缺失：{', '.join(missing)}（应在 {fonts.FONT_DIR}）。"
            f" Bundled print fonts are missing: {', '.join(missing)}.",
            hint=(
                "PDF 将改用主机字体，可能出现缺字方框。请恢复 static/fonts/ 下的 FormSerif 和"
                " FormSerifExt 字体文件。PDFs fall back to host fonts and may show missing-glyph"
                " boxes; restore the FormSerif and FormSerifExt files in static/fonts/."
            ),
            id="evaluations.W001",
        )
    ]


@register("evaluations")
def check_pdf_subsetter(app_configs=None, **kwargs):
    try:
        available = fonts.harfbuzz_subset_available()
    except (ImportError, OSError) as exc:
        # WeasyPrint loads Pango and HarfBuzz when imported; without them no PDF can be made.
        return [
            Warning(
                f"无法加载 WeasyPrint，不能生成 PDF。WeasyPrint cannot be loaded: {exc}",
                hint="apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0",
                id="evaluations.W003",
            )
        ]
    if available:
        return []
    return [
        Warning(
            "未找到 HarfBuzz 字体子集库（libharfbuzz-subset），WeasyPrint 将改用 fontTools 子集化，"
            "每份 PDF 需数秒。HarfBuzz's subset library is missing: WeasyPrint falls back to"
            " fontTools and takes seconds per PDF.",
            hint="apt-get install libharfbuzz-subset0",
            id="evaluations.W002",
        )
    ]
