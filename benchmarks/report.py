"""Time the 自评报告 of every demo form: drafting, the PDF (report + form as 附件) and the .docx.

    DJANGO_DEBUG=1 .venv/bin/python benchmarks/report.py [--runs 10]

Sets Django up on a scratch SQLite database in a temporary folder (your own data is never
touched), migrates, loads the demo forms, then renders each report once to warm up and `--runs`
times more, printing the median and 95th percentile wall-clock time. The PDF time includes the
form's own PDF, rendered anew each time (drafts are not cached).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from render import pad, setup_django, timed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as db_dir:
        setup_django(db_dir)
        from pypdf import PdfReader

        from evaluations.models import Evaluation
        from evaluations.selectors import with_lines
        from reports.exports.docx import write_docx
        from reports.exports.pdf import report_pdf_bytes
        from reports.selectors import report_view

        print(
            f"{'report of':<48} {'pages':>5}  {'draft':>7}  {'PDF median':>10} {'p95':>7}"
            f"  {'docx median':>11} {'p95':>7}"
        )
        for ev in with_lines(Evaluation.objects.order_by("template", "pk")):
            label = f"{ev.template} · {ev.project_name}"
            pages = len(PdfReader(io.BytesIO(report_pdf_bytes(ev))).pages)
            draft_med, _ = timed(lambda e=ev: report_view(e), args.runs)
            pdf_med, pdf_p95 = timed(lambda e=ev: report_pdf_bytes(e), args.runs)
            doc_med, doc_p95 = timed(lambda e=ev: write_docx(e, io.BytesIO()), args.runs)
            print(
                f"{pad(label, 48)} {pages:>5}  {draft_med:>6.3f}s  {pdf_med:>9.3f}s"
                f" {pdf_p95:>6.3f}s  {doc_med:>10.3f}s {doc_p95:>6.3f}s"
            )
        print(f"({args.runs} timed runs after one warm-up; {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
