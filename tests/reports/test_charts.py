"""The server-side SVG charts, read back with an XML parser: well-formed, labelled for screen
readers, bars as long as their values, every label escaped, empty data and long labels handled."""

import itertools
import math
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string

from core import charts

NS = {"s": "http://www.w3.org/2000/svg"}


def parse(chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))


def bars(root, series=None):
    found = root.findall(".//s:rect[@class='chart-bar']", NS)
    return [b for b in found if series is None or b.get("data-series") == series]


def test_accessible_svg_that_scales():
    chart = charts.bar_chart("units", "各单位达标人数", [("甲单位", 3), ("乙单位", 6)], unit="人")
    root = parse(chart)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img" and root.get("width") == "100%"
    assert root.get("viewBox").startswith(f"0 0 {charts.WIDTH} ")
    assert root.get("aria-labelledby") == "units-title units-desc"
    assert root.find("s:title", NS).get("id") == "units-title"
    assert root.find("s:title", NS).text == "各单位达标人数"
    desc = root.find("s:desc", NS)
    assert desc.get("id") == "units-desc" and "乙单位：6 人" in desc.text
    assert chart.columns == ["类别", "数值（人）"]
    assert chart.rows == [["甲单位", "3"], ["乙单位", "6"]]


def test_horizontal_bars_are_proportional_to_their_values():
    values = [("公需科目", 12), ("专业科目", 30), ("总学时", 0), ("其他", 7.5)]
    root = parse(charts.bar_chart("h", "学时", values))
    widths = [float(b.get("width")) for b in bars(root)]
    assert [b.get("data-value") for b in bars(root)] == ["12", "30", "0", "7.5"]
    assert widths[2] == 0
    for (_, value), width in zip(values, widths, strict=True):
        assert math.isclose(width / widths[1], value / 30, rel_tol=1e-3)
    # every bar starts at the same x (the value axis' zero)
    assert len({b.get("x") for b in bars(root)}) == 1


def test_vertical_bars_grow_up_from_one_baseline():
    values = [(f"{m}月", v) for m, v in zip(range(1, 5), [5, 10, 20, 0], strict=True)]
    root = parse(charts.bar_chart("v", "月度", values, orientation="vertical"))
    rects = bars(root)
    heights = [float(r.get("height")) for r in rects]
    assert math.isclose(heights[0] / heights[2], 0.25, rel_tol=1e-3)
    assert math.isclose(heights[1] / heights[2], 0.5, rel_tol=1e-3)
    bottoms = {round(float(r.get("y")) + float(r.get("height")), 2) for r in rects}
    assert len(bottoms) == 1


def test_stacked_segments_sum_to_the_category_and_share_one_scale():
    root = parse(
        charts.stacked_bar_chart(
            "s",
            "完成情况",
            ["公需科目", "专业科目"],
            [charts.Series("达标", [3, 1], "ok"), charts.Series("未达标", [1, 3], "short")],
            unit="人",
        )
    )
    ok, short = bars(root, "达标"), bars(root, "未达标")
    assert [b.get("data-value") for b in ok] == ["3", "1"] and [b.get("data-value") for b in short] == [
        "1",
        "3",
    ]
    w = [[float(b.get("width")) for b in row] for row in (ok, short)]
    assert math.isclose(w[0][0] + w[1][0], w[0][1] + w[1][1], rel_tol=1e-6)  # both rows total 4
    assert math.isclose(w[0][0] / w[1][0], 3, rel_tol=1e-3)
    # the second segment starts where the first ends
    assert math.isclose(float(short[0].get("x")), float(ok[0].get("x")) + w[0][0], abs_tol=0.02)
    assert ok[0].get("fill") != short[0].get("fill")
    legend = [t.text for t in root.findall(".//s:g[@class='chart-legend']/s:text", NS)]
    assert legend == ["达标", "未达标"]
    assert ok[0].find("s:title", NS).text == "公需科目 · 达标：3 人"


def test_every_label_is_escaped():
    evil = '<script>alert("x")</script> & </svg><svg onload=alert(1)>'
    chart = charts.stacked_bar_chart(
        "e",
        'T<i>"itle"</i>',
        [evil],
        [charts.Series('S"<b>', [2])],
        category_name="<th>",
    )
    text = str(chart.svg)
    assert (
        "<script" not in text and "<i>" not in text and "<b>" not in text and "onload=alert(1)>" not in text
    )
    root = ET.fromstring(text)  # one well-formed document, nothing injected
    assert not root.findall(".//s:script", NS) and len(root.findall(".//s:svg", NS)) == 0
    assert root.find("s:title", NS).text == 'T<i>"itle"</i>'
    labels = root.findall(".//s:text[@class='chart-label']", NS)
    assert evil.startswith(labels[0].text.rstrip("…")) or labels[0].find("s:title", NS).text == evil
    # the table beside it is escaped by the template
    html = render_to_string("reports/_chart.html", {"chart": chart})
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "&lt;th&gt;" in html


def test_control_characters_never_break_the_document():
    chart = charts.bar_chart("c", "标题\x00\x1b", [("单位\x07名", 1)])
    root = parse(chart)
    assert root.find("s:title", NS).text == "标题"
    assert chart.rows == [["单位名", "1"]]


def test_long_chinese_labels_are_cut_with_the_whole_label_kept():
    name = "三门峡市城乡一体化示范区人力资源和社会保障服务中心附属医院"
    chart = charts.bar_chart("l", "单位", [(name, 5), ("短名", 3)])
    root = parse(chart)
    label = root.findall(".//s:text[@class='chart-label']", NS)[0]
    assert label.text.endswith("…") and len(label.text) < len(name)
    assert label.find("s:title", NS).text == name
    assert charts.text_width(label.text) <= charts.WIDTH * 0.36
    assert chart.rows[0][0] == name  # the table has it whole
    # labels still fit inside the drawing: bars start after them, values end inside it
    first = bars(root)[0]
    assert float(first.get("x")) >= charts.text_width(label.text)
    value = root.findall(".//s:text[@class='chart-value']", NS)[0]
    assert float(value.get("x")) + charts.text_width(value.text) <= charts.WIDTH


def test_empty_data_says_so():
    for chart in (
        charts.bar_chart("a", "无数据", []),
        charts.stacked_bar_chart("b", "无数据", [], []),
        charts.line_chart("c", "无数据", [], []),
        charts.histogram("d", "无数据", [], [0, 1, 2]),
    ):
        root = parse(chart)
        assert chart.empty and not bars(root)
        assert root.find(".//s:text[@class='chart-empty']", NS).text == "暂无数据"
        assert root.find("s:title", NS).text == "无数据"
        html = render_to_string("reports/_chart.html", {"chart": chart})
        assert "暂无数据。" in html
    all_zero = parse(charts.bar_chart("z", "零", [("甲", 0), ("乙", 0)]))
    assert [float(b.get("width")) for b in bars(all_zero)] == [0, 0]


def test_line_chart_points_follow_the_values():
    months = [f"{m}月" for m in range(1, 13)]
    values = [0, 4, 8, 2, 0, 0, 12, 16, 6, 3, 1, 0]
    chart = charts.line_chart("m", "每月学时", months, [charts.Series("学时", values)], unit="学时")
    root = parse(chart)
    points = root.findall(".//s:circle[@class='chart-point']", NS)
    assert [p.get("data-value") for p in points] == [str(v) for v in values]
    ys = [float(p.get("cy")) for p in points]
    baseline = ys[0]  # value 0
    top = ys[7]  # value 16
    for y, v in zip(ys, values, strict=True):
        assert math.isclose(baseline - y, (baseline - top) * v / 16, abs_tol=0.02)
    xs = [float(p.get("cx")) for p in points]
    assert xs == sorted(xs)
    polyline = root.find(".//s:polyline", NS)
    assert len(polyline.get("points").split()) == 12
    assert "最高 16 学时（8月）" in chart.description
    assert chart.rows[7] == ["8月", "16"]


def test_histogram_counts_samples_into_bins():
    days = [0, 0.5, 1, 1, 2, 3, 3, 3, 4.9, 5, 9, 12, 30]
    chart = charts.histogram("r", "审核用时分布", days, [0, 1, 2, 3, 4, 5], unit="工作日", count_unit="件")
    root = parse(chart)
    counts = [int(b.get("data-value")) for b in bars(root)]
    assert counts == [2, 2, 1, 3, 1, 4]  # [0,1) [1,2) [2,3) [3,4) [4,5) ≥5
    assert sum(counts) == len(days)
    assert [r[0] for r in chart.rows] == ["0–1", "1–2", "2–3", "3–4", "4–5", "≥5"]
    rects = bars(root)
    heights = [float(r.get("height")) for r in rects]
    assert math.isclose(heights[0] / heights[5], 2 / 4, rel_tol=1e-3)
    # bins touch: each bar ends one unit before the next starts
    gaps = [
        float(b.get("x")) - (float(a.get("x")) + float(a.get("width"))) for a, b in itertools.pairwise(rects)
    ]
    assert all(math.isclose(g, 1, abs_tol=0.05) for g in gaps)
    assert chart.columns == ["区间（工作日）", "数量（件）"]


def test_histogram_labels_and_closed_end():
    chart = charts.histogram("x", "x", [0, 1, 7], [0, 1, 2], open_end=False, labels=["当天", "1 天"])
    assert [r[0] for r in chart.rows] == ["当天", "1 天"] and [r[1] for r in chart.rows] == ["1", "1"]
    with pytest.raises(ValueError):
        charts.histogram("x", "x", [1], [2, 1])
    with pytest.raises(ValueError):
        charts.histogram("x", "x", [1], [0, 1], labels=["a", "b", "c"])


def test_negative_or_mismatched_values_are_a_programming_error():
    with pytest.raises(ValueError):
        charts.bar_chart("n", "n", [("a", -1)])
    with pytest.raises(ValueError):
        charts.stacked_bar_chart("n", "n", ["a", "b"], [charts.Series("s", [1])])


@pytest.mark.parametrize(
    ("value", "ticks"),
    [
        (4, [0, 1, 2, 3, 4]),
        (12, [0, 5, 10, 15]),
        (90, [0, 25, 50, 75, 100]),
        (0, [0, 1]),
        (1, [0, 1]),
        (2, [0, 1, 2]),
        (0.4, [0, 1]),
    ],
)
def test_axis_ticks_are_round(value, ticks):
    assert charts.axis(value) == ticks


def test_figures_are_formatted_for_people():
    assert charts.fmt(45) == "45" and charts.fmt(12.50) == "12.5" and charts.fmt(1234567) == "1,234,567"
