"""Time reading workbooks back (导入Excel) and refusing hostile ones.

    DJANGO_DEBUG=1 .venv/bin/python benchmarks/xlsx_import.py [--runs 15]

Sets Django up on a scratch SQLite database in a temporary folder (your own data is never
touched), loads the demo forms, exports each as the app does, then times `parse_workbook` on
each export (the whole read: file checks, read-only extent pass, full load, blocks), and the
refusal of a 100,000-row sheet (with and without a declared dimension) and of a zip bomb of
200 MB of zeros. Prints the median and 95th percentile wall-clock time.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from render import setup_django  # noqa: E402


def timed(fn, runs: int) -> tuple[float, float]:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def replace_sheet(xlsx: bytes, data: bytes | None = None, zeros: int = 0) -> bytes:
    name = "xl/worksheets/sheet1.xml"
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != name:
                archive.writestr(info, source.read(info))
        if zeros:
            with archive.open(name, "w", force_zip64=True) as part:
                for _ in range(zeros // (1024 * 1024)):
                    part.write(bytes(1024 * 1024))
        else:
            archive.writestr(name, data)
    return out.getvalue()


def long_sheet(rows: int, dimension: bool) -> bytes:
    head = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    if dimension:
        head += f'<dimension ref="A1:C{rows}"/>'
    body = "".join(
        f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}" t="inlineStr"><is><t>指标{r}</t>'
        f'</is></c><c r="C{r}"><v>{r * 7 % 1000}</v></c></row>'
        for r in range(1, rows + 1)
    )
    return (head + "<sheetData>" + body + "</sheetData></worksheet>").encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(tmp)
        import openpyxl

        from evaluations.models import Evaluation
        from evaluations.selectors import form_data, with_lines
        from workbooks.xlsx import write_xlsx
        from workbooks.xlsx_import import ImportRefused, parse_workbook

        print(f"{'workbook':<44} {'size':>8} {'median':>8} {'p95':>8}")
        for ev in with_lines(Evaluation.objects.order_by("pk")):
            buffer = io.BytesIO()
            write_xlsx(form_data(ev), buffer)
            data = buffer.getvalue()
            median, p95 = timed(lambda data=data: parse_workbook(data), args.runs)
            label = f"{ev.project_name} ({ev.indicator_lines.count()} lines)"
            print(f"{label:<44} {len(data) // 1024:>6}KB {median:>7.3f}s {p95:>7.3f}s")

        empty = io.BytesIO()
        openpyxl.Workbook().save(empty)
        hostile = {
            "100,000 rows, dimension declared": replace_sheet(
                empty.getvalue(), long_sheet(100_000, True)
            ),
            "100,000 rows, no dimension": replace_sheet(
                empty.getvalue(), long_sheet(100_000, False)
            ),
            "zip bomb, 200 MB of zeros": replace_sheet(empty.getvalue(), zeros=200 * 1024 * 1024),
        }
        for label, data in hostile.items():

            def refuse(data=data):
                try:
                    parse_workbook(data)
                except ImportRefused:
                    return
                raise AssertionError("accepted")

            median, p95 = timed(refuse, args.runs)
            print(f"{label:<44} {len(data) // 1024:>6}KB {median:>7.3f}s {p95:>7.3f}s")


if __name__ == "__main__":
    main()
