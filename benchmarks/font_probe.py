"""Scratch measurement: WeasyPrint render time of a 30-row form per font variant.

    python benchmarks/font_probe.py FONT_DIR [FONT_DIR ...] [--runs 10] [--fonttools]

Each FONT_DIR holds FormSerif-Regular.* and FormSerif-Bold.*; every variant is run
in a fresh subprocess (1 warm-up + N timed renders, new FontConfiguration each time,
as the app does).  --fonttools disables WeasyPrint's HarfBuzz subsetter so the
fallback fontTools path is timed instead.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "evaluations" / "demo" / "seed_forms.json"


def page_html(font_dir: Path | None) -> str:
    forms = json.loads(SEED.read_text(encoding="utf-8"))
    rows = []
    for form in forms:
        for ind in form["indicators"]:
            rows.append(
                (
                    ind["level1"],
                    ind["level2"],
                    ind["level3"],
                    ind["target"],
                    ind["actual"],
                    ind["deviation_note"] or "无偏差",
                )
            )
    rows = rows[:30]
    while len(rows) < 30:
        rows.append(rows[len(rows) % 9])
    if font_dir:
        ext = next(font_dir.glob("FormSerif-Regular.*")).suffix
        face = f"""
        @font-face {{ font-family: FormSerif; font-weight: 400;
                     src: url("FormSerif-Regular{ext}"); }}
        @font-face {{ font-family: FormSerif; font-weight: 700;
                     src: url("FormSerif-Bold{ext}"); }}"""
        family = "FormSerif"
    else:
        face, family = "", "serif"
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    f0 = forms[0]
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>
    {face}
    @page {{ size: A4; margin: 15mm; }}
    body {{ font-family: {family}; font-size: 10.5pt; }}
    h1 {{ text-align: center; font-size: 16pt; font-weight: 700; }}
    table {{ width: 100%; border-collapse: collapse; table-layout: fixed; }}
    td, th {{ border: 0.5pt solid #000; padding: 2pt 3pt; }}
    th {{ font-weight: 700; }}
    </style></head><body>
    <h1>项目支出绩效自评表</h1>
    <p>（{f0["year"]}年度）项目名称：{f0["project_name"]} 主管部门：{f0["budget_unit"]}
    单位：{f0["money_unit"]}　受益人数≥10万人　满意度﹦95%　①②③ ⑴ Ⅲ ℃ № ★☆√×</p>
    <table><thead><tr><th>一级指标</th><th>二级指标</th><th>三级指标</th>
    <th>年度指标值</th><th>实际完成值</th><th>偏差原因分析及改进措施</th></tr></thead>
    <tbody>{body}</tbody></table>
    <p>填表人：张三　联系电话：0991-1234567　填报日期：2020年4月15日</p>
    </body></html>"""


def child(font_dir: str, runs: int, fonttools: bool, out: str | None) -> None:
    import weasyprint
    from weasyprint.pdf import fonts as pdf_fonts

    if fonttools:
        pdf_fonts.harfbuzz_subset = None
    fd = Path(font_dir) if font_dir != "-" else None
    html = page_html(fd)
    base = str(fd or ROOT) + "/"
    times, cpu = [], []
    pdf = b""
    for i in range(runs + 1):
        t0, c0 = time.perf_counter(), time.process_time()
        pdf = weasyprint.HTML(string=html, base_url=base).write_pdf()
        if i:
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    if out:
        Path(out).write_bytes(pdf)
    print(json.dumps({"times": times, "cpu": cpu, "pdf_bytes": len(pdf)}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dirs", nargs="+", help="font dirs, or - for host serif")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument(
        "--rounds", type=int, default=1, help="interleave variants over this many subprocess rounds"
    )
    ap.add_argument("--fonttools", action="store_true")
    ap.add_argument("--child", action="store_true")
    ap.add_argument("--out")
    a = ap.parse_args()
    if a.child:
        child(a.dirs[0], a.runs, a.fonttools, a.out)
        return
    results: dict[str, dict] = {d: {"times": [], "cpu": [], "warn": []} for d in a.dirs}
    for _ in range(a.rounds):
        for d in a.dirs:
            cmd = [sys.executable, __file__, "--child", d, "--runs", str(a.runs)]
            if a.fonttools:
                cmd.append("--fonttools")
            if a.out:
                cmd += ["--out", f"{a.out}-{Path(d).name or 'host'}.pdf"]
            res = subprocess.run(cmd, capture_output=True, text=True)
            if res.returncode:
                print(d, "FAILED", res.stderr[-2000:])
                continue
            r = json.loads(res.stdout.strip().splitlines()[-1])
            results[d]["times"] += r["times"]
            results[d]["cpu"] += r["cpu"]
            results[d]["pdf"] = r["pdf_bytes"]
            results[d]["warn"] += [ln for ln in res.stderr.splitlines() if "WARN" in ln.upper()]
    for d, r in results.items():
        t = sorted(r["times"])
        if not t:
            continue
        warn = r["warn"]
        print(
            f"{d:32s} n={len(t):3d} median {statistics.median(t) * 1000:6.1f} ms  "
            f"p10 {t[len(t) // 10] * 1000:6.1f}  p90 {t[len(t) * 9 // 10] * 1000:6.1f}  "
            f"cpu median {statistics.median(r['cpu']) * 1000:6.1f}  "
            f"pdf {r['pdf']:,} B" + (f"  [{len(warn)} warnings: {warn[0][:90]}]" if warn else "")
        )


if __name__ == "__main__":
    main()
