"""The SVG charts: accessible, labelled, and drawn to scale."""

from __future__ import annotations

from decimal import Decimal
from xml.etree import ElementTree

from summaries.charts import BAR_WIDTH, LABEL_WIDTH, Bar, Series, Stack, bar_chart, stacked_chart

NS = "{http://www.w3.org/2000/svg}"


def parse(svg):
    return ElementTree.fromstring(svg)


def test_bar_chart_is_scaled_and_labelled():
    root = parse(
        bar_chart(
            chart_id="c",
            title="执行率",
            desc="各单位执行率",
            bars=[Bar("甲", Decimal("0.5"), "50.00%"), Bar("乙", Decimal(1), "100.00%")],
            scale_max=1,
            reference=1,
            reference_text="100%",
        )
    )
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c-title c-desc"
    assert root.find(f"{NS}title").text == "执行率"
    widths = [float(r.get("width")) for r in root.iter(f"{NS}rect")]
    assert widths == [BAR_WIDTH * 0.5, BAR_WIDTH]  # 0.5 of 400 = 200; 1 of 400 = 400
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert texts == ["甲", "50.00%", "乙", "100.00%", "100%"]
    line = root.find(f"{NS}line")
    assert float(line.get("x1")) == LABEL_WIDTH + BAR_WIDTH


def test_bar_over_the_scale_is_drawn_full_length_and_missing_value_has_no_bar():
    root = parse(
        bar_chart(
            chart_id="c",
            title="t",
            desc="d",
            bars=[Bar("超", Decimal("1.5"), "150%"), Bar("无", None, "—")],
            scale_max=1,
        )
    )
    assert [float(r.get("width")) for r in root.iter(f"{NS}rect")] == [BAR_WIDTH]
    assert "—" in [t.text for t in root.iter(f"{NS}text")]


def test_stacked_chart_segments_have_a_legend_and_counts():
    root = parse(
        stacked_chart(
            chart_id="s",
            title="状态",
            desc="d",
            series=[Series("草稿", "#666"), Series("已审核", "#080")],
            stacks=[Stack("甲单位", (1, 3)), Stack("乙单位", (2, 0))],
        )
    )
    bars = [r for r in root.iter(f"{NS}rect") if r.get("class") == "chart-bar"]
    # Scaled to the largest total (4): 1 → 100, 3 → 300, 2 → 200 of 400.
    assert [float(r.get("width")) for r in bars] == [100, 300, 200]
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "草稿" in texts and "已审核" in texts  # the legend names the colours
    assert texts.count("4") == 1 and "甲单位" in texts
    tips = [g.find(f"{NS}title").text for g in root.iter(f"{NS}g")]
    assert tips == ["甲单位：草稿1，已审核3", "乙单位：草稿2"]


def test_labels_are_escaped_and_long_ones_shortened():
    root = parse(
        bar_chart(
            chart_id="c",
            title="<b>",
            desc="&",
            bars=[Bar("一个名字非常非常非常长的单位<script>", 1, "1")],
        )
    )
    label = next(t.text for t in root.iter(f"{NS}text"))
    assert label.endswith("…") and len(label) == 14
    assert (
        root.find(f"{NS}g")
        .find(f"{NS}title")
        .text.startswith("一个名字非常非常非常长的单位<script>")
    )
