"""Charts drawn on the server as inline SVG: no JavaScript, no build step, readable by screen
readers, printable, and small enough for a 375 px phone.

Each function returns a `Chart`: the SVG (built with ElementTree, so every label and value is
escaped) and the same figures as a table (`columns`, `rows`) that the template include
`reports/_chart.html` renders beside it. The SVG carries `role="img"`, a `<title>` and a `<desc>`
it is labelled by, a `viewBox` and `width="100%"`, so it scales to its container; its drawing
is 320 units wide, about the width it is shown at on a phone, so text stays legible there.

Values are counts or hours (never negative); labels may be long Chinese names: they are cut to
the room they have with an ellipsis, and the full text is kept in a `<title>` (tooltip) and in
the table.
"""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

Number = int | float | Decimal

WIDTH = 320
FONT = 13
SMALL = 11
ROW = 30  # height of one horizontal bar's row
BAR = 18  # thickness of a horizontal bar
PAD = 6
AXIS = 22  # room for the value axis labels
LEGEND = 22
PLOT_HEIGHT = 160  # height of the plot area of vertical charts
GRID = "#d5dde6"
INK = "#212529"
MUTED = "#5c6b7a"

# fill, and the colour of a figure written on it (contrast ≥ 4.5:1)
TONES: dict[str, tuple[str, str]] = {
    "primary": ("#0b4a8b", "#ffffff"),
    "ok": ("#198754", "#ffffff"),
    "short": ("#e0a100", "#212529"),
    "danger": ("#c8161d", "#ffffff"),
    "info": ("#6f42c1", "#ffffff"),
    "muted": ("#6c757d", "#ffffff"),
}
TONE_ORDER = ["primary", "short", "info", "ok", "danger", "muted"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ID = re.compile(r"[^a-z0-9-]")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Number]
    tone: str = ""


@dataclass
class Chart:
    id: str
    title: str
    description: str
    svg: SafeString
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    empty: bool = False
    unit: str = ""


# ---------------------------------------------------------------------------------------------
# text and numbers


def clean(text) -> str:
    """A label as text XML can carry (control characters would make the document invalid)."""
    return _CONTROL.sub("", str(text)).strip()


def text_width(text: str, size: float = FONT) -> float:
    """Estimated width: CJK and full-width characters take a full em, others about 0.6 em."""
    return sum(size if ord(ch) >= 0x2E80 else size * 0.6 for ch in text)


def fit(text: str, room: float, size: float = FONT) -> str:
    """`text`, cut with an ellipsis so that it fits in `room` units."""
    if text_width(text, size) <= room:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch + "…", size) > room:
            break
        out += ch
    return out + "…" if out else "…"


def fmt(value: Number) -> str:
    """45 → "45", 12.50 → "12.5", 1234 → "1,234": one decimal at most, no useless zero."""
    value = Decimal(str(value)).quantize(Decimal("0.1"))
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def axis(value: float, steps: int = 4) -> list[float]:
    """The ticks of a value axis from 0 to at least `value`: at most `steps` steps of a round
    size (1, 2 or 5 × 10ⁿ; 2.5 × 10ⁿ from 25 up, never below 1), so counts never get ticks
    like 1.25 or 0.5 (a unit of one person)."""
    if value <= 0:
        return [0.0, 1.0]
    raw = value / steps
    power = max(10 ** math.floor(math.log10(raw)), 1)
    multiples = (1, 2, 2.5, 5, 10) if power >= 10 else (1, 2, 5, 10)
    step = next(m * power for m in multiples if m * power >= raw - 1e-9)
    count = math.ceil(value / step - 1e-9)
    return [step * i for i in range(count + 1)]


def _numbers(values: Sequence[Number]) -> list[float]:
    out = [float(v or 0) for v in values]
    if any(v < 0 or math.isnan(v) for v in out):
        raise ValueError("chart values are counts or hours and cannot be negative")
    return out


def _chart_id(chart_id: str) -> str:
    cleaned = _ID.sub("-", chart_id.lower()).strip("-")
    return cleaned or "chart"


# ---------------------------------------------------------------------------------------------
# SVG building blocks


def _svg(chart_id: str, title: str, description: str, height: float) -> ET.Element:
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {WIDTH} {_r(height)}",
            "width": "100%",
            "role": "img",
            "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
            "class": "chart-svg",
            "font-size": str(FONT),
        },
    )
    ET.SubElement(svg, "title", {"id": f"{chart_id}-title"}).text = title
    ET.SubElement(svg, "desc", {"id": f"{chart_id}-desc"}).text = description
    return svg


def _r(value: float) -> str:
    """Coordinates with at most two decimals (short SVG, stable tests)."""
    return f"{round(value, 2):g}"


def _text(parent, x, y, text, anchor="start", size=FONT, fill=INK, **extra) -> ET.Element:
    attrs = {"x": _r(x), "y": _r(y), "font-size": str(size), "fill": fill}
    if anchor != "start":
        attrs["text-anchor"] = anchor
    attrs.update(extra)
    node = ET.SubElement(parent, "text", attrs)
    node.text = text
    return node


def _label(parent, x, y, label: str, room: float, anchor="start", size=FONT) -> None:
    """A category label cut to its room; the whole label stays in a tooltip when it was cut."""
    shown = fit(label, room, size)
    node = _text(parent, x, y, shown, anchor, size, **{"class": "chart-label"})
    if shown != label:
        ET.SubElement(node, "title").text = label


def _rect(parent, x, y, w, h, tone: str, tip: str, css: str = "chart-bar", **data) -> ET.Element:
    attrs = {
        "x": _r(x),
        "y": _r(y),
        "width": _r(max(w, 0)),
        "height": _r(max(h, 0)),
        "fill": TONES[tone][0],
        "class": css,
    }
    attrs.update({f"data-{k}": str(v) for k, v in data.items()})
    node = ET.SubElement(parent, "rect", attrs)
    ET.SubElement(node, "title").text = tip
    return node


def _legend(parent, y: float, series: Sequence[Series], tones: list[str]) -> None:
    x = PAD
    group = ET.SubElement(parent, "g", {"class": "chart-legend"})
    for s, tone in zip(series, tones, strict=True):
        name = fit(s.name, WIDTH / 2, SMALL)
        ET.SubElement(
            group, "rect", {"x": _r(x), "y": _r(y - 9), "width": "10", "height": "10", "fill": TONES[tone][0]}
        )
        _text(group, x + 14, y, name, size=SMALL)
        x += 14 + text_width(name, SMALL) + 14


def _tones(series: Sequence[Series]) -> list[str]:
    out = []
    for i, s in enumerate(series):
        tone = s.tone if s.tone in TONES else TONE_ORDER[i % len(TONE_ORDER)]
        out.append(tone)
    return out


def _empty(chart_id: str, title: str, description: str, columns: list[str], unit: str) -> Chart:
    svg = _svg(chart_id, title, description, 60)
    _text(svg, WIDTH / 2, 34, _("暂无数据"), anchor="middle", fill=MUTED, **{"class": "chart-empty"})
    return Chart(chart_id, title, description, _render(svg), columns, [], empty=True, unit=unit)


def _render(svg: ET.Element) -> SafeString:
    # ElementTree escapes every text and attribute value; the result is safe to embed as is.
    return mark_safe(ET.tostring(svg, encoding="unicode"))


def _unit(value: str, unit: str) -> str:
    return f"{value} {unit}" if unit else value


def _column(name: str, unit: str) -> str:
    return f"{name}（{unit}）" if unit else name


# ---------------------------------------------------------------------------------------------
# value axes


def _value_axis_horizontal(svg, x0: float, width: float, top: float, bottom: float, scale: list[float]):
    group = ET.SubElement(svg, "g", {"class": "chart-axis", "aria-hidden": "true"})
    for t in scale:
        x = x0 + width * t / scale[-1]
        ET.SubElement(
            group,
            "line",
            {"x1": _r(x), "x2": _r(x), "y1": _r(top), "y2": _r(bottom), "stroke": GRID},
        )
        _text(group, x, bottom + 14, fmt(t), anchor="middle", size=SMALL, fill=MUTED)


def _value_axis_vertical(svg, x0: float, x1: float, top: float, height: float, scale: list[float]):
    group = ET.SubElement(svg, "g", {"class": "chart-axis", "aria-hidden": "true"})
    for t in scale:
        y = top + height - height * t / scale[-1]
        ET.SubElement(group, "line", {"x1": _r(x0), "x2": _r(x1), "y1": _r(y), "y2": _r(y), "stroke": GRID})
        _text(group, x0 - 4, y + 4, fmt(t), anchor="end", size=SMALL, fill=MUTED)


def _category_labels(svg, labels: list[str], x0: float, band: float, y: float) -> None:
    """Labels under vertical bands; when they are too many to read, every n-th one."""
    widest = max((text_width(label, SMALL) for label in labels), default=0)
    step = 1
    while step < len(labels) and band * step < min(widest, SMALL * 3) + 4:
        step += 1
    group = ET.SubElement(svg, "g", {"class": "chart-categories"})
    for i, label in enumerate(labels):
        if i % step:
            continue
        _label(group, x0 + band * (i + 0.5), y, label, band * step - 2, anchor="middle", size=SMALL)


# ---------------------------------------------------------------------------------------------
# charts


def bar_chart(
    chart_id: str,
    title: str,
    items: Sequence[tuple[str, Number]],
    *,
    unit: str = "",
    value_name: str = "",
    orientation: str = "horizontal",
    category_name: str = "",
    description: str = "",
    tone: str = "primary",
) -> Chart:
    """One bar per (label, value)."""
    labels = [clean(label) for label, _v in items]
    return stacked_bar_chart(
        chart_id,
        title,
        labels,
        [Series(value_name or _("数值"), [v for _label, v in items], tone)],
        unit=unit,
        orientation=orientation,
        category_name=category_name,
        description=description,
        legend=False,
    )


def stacked_bar_chart(
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    unit: str = "",
    orientation: str = "horizontal",
    category_name: str = "",
    description: str = "",
    legend: bool = True,
) -> Chart:
    """Bars made of one segment per series (e.g. 达标 / 未达标 per category), each segment as
    long as its value against one axis for all bars."""
    return _stacked(
        chart_id,
        title,
        categories,
        series,
        unit=unit,
        orientation=orientation,
        category_name=category_name,
        description=description,
        legend=legend,
        bar_share=0.62,
    )


def _stacked(
    chart_id, title, categories, series, *, unit, orientation, category_name, description, legend, bar_share
) -> Chart:
    chart_id = _chart_id(chart_id)
    title = clean(title)
    labels = [clean(c) for c in categories]
    values = [_numbers(s.values) for s in series]
    if any(len(v) != len(labels) for v in values):
        raise ValueError("every series needs one value per category")
    totals = [sum(column) for column in zip(*values, strict=True)] if values else []
    columns = [clean(category_name) or _("类别"), *(_column(clean(s.name), unit) for s in series)]
    if len(series) > 1:
        columns.append(_column(_("合计"), unit))
    if not labels or not series:
        return _empty(chart_id, title, description or _("暂无数据。"), columns, unit)
    rows = [
        [
            label,
            *(fmt(v[i]) for v in values),
            *([fmt(totals[i])] if len(series) > 1 else []),
        ]
        for i, label in enumerate(labels)
    ]
    description = description or _describe(labels, series, values, totals, unit, orientation)
    tones = _tones(series)
    scale = axis(max(totals))
    show_legend = legend and len(series) > 1
    if orientation == "vertical":
        svg = _vertical_bars(
            chart_id, title, description, labels, series, values, tones, scale, unit, bar_share
        )
    else:
        svg = _horizontal_bars(chart_id, title, description, labels, series, values, tones, scale, unit)
    if show_legend:
        _legend(svg, float(svg.get("viewBox").split()[3]) - 8, series, tones)
    return Chart(chart_id, title, description, _render(svg), columns, rows, unit=unit)


def _describe(labels, series, values, totals, unit, orientation) -> str:
    kind = _("横向条形图") if orientation != "vertical" else _("纵向柱状图")
    top = max(range(len(labels)), key=lambda i: totals[i])
    parts = [
        _("%(kind)s，共 %(n)s 项") % {"kind": kind, "n": len(labels)},
    ]
    if len(series) > 1:
        parts.append(_("每项分为%(names)s") % {"names": "、".join(clean(s.name) for s in series)})
    parts.append(
        _("最大的是%(label)s：%(value)s") % {"label": labels[top], "value": _unit(fmt(totals[top]), unit)}
    )
    return "；".join(parts) + "。" + _("数据见图旁的表格。")


def _horizontal_bars(chart_id, title, description, labels, series, values, tones, scale, unit):
    axis_top = scale[-1]
    label_w = min(max(text_width(label) for label in labels) + PAD, WIDTH * 0.36)
    x0 = PAD + label_w
    value_w = max(text_width(fmt(sum(v[i] for v in values))) for i in range(len(labels))) + PAD * 2
    plot_w = WIDTH - x0 - value_w - PAD
    top = PAD
    bottom = top + ROW * len(labels)
    height = bottom + AXIS + (LEGEND if len(series) > 1 else 0)
    svg = _svg(chart_id, title, description, height)
    _value_axis_horizontal(svg, x0, plot_w, top, bottom, scale)
    for i, label in enumerate(labels):
        y = top + ROW * i
        row = ET.SubElement(svg, "g", {"class": "chart-row"})
        _label(row, PAD, y + ROW / 2 + 4, label, label_w - PAD)
        x = x0
        total = 0.0
        for s, v, tone in zip(series, values, tones, strict=True):
            w = plot_w * v[i] / axis_top
            tip = f"{label} · {clean(s.name)}：{_unit(fmt(v[i]), unit)}"
            _rect(row, x, y + (ROW - BAR) / 2, w, BAR, tone, tip, series=clean(s.name), value=fmt(v[i]))
            figure = fmt(v[i])
            if len(series) > 1 and v[i] > 0 and w >= text_width(figure, SMALL) + 6:
                _text(row, x + w / 2, y + ROW / 2 + 4, figure, "middle", SMALL, TONES[tone][1])
            x += w
            total += v[i]
        _text(row, x + 4, y + ROW / 2 + 4, fmt(total), size=FONT, fill=INK, **{"class": "chart-value"})
    return svg


def _vertical_bars(chart_id, title, description, labels, series, values, tones, scale, unit, bar_share):
    axis_top = scale[-1]
    x0 = PAD + max(text_width(fmt(t), SMALL) for t in scale) + 6
    x1 = WIDTH - PAD
    top = PAD + 14
    band = (x1 - x0) / len(labels)
    bar_w = band * bar_share - (1 if bar_share >= 1 else 0)
    height = top + PLOT_HEIGHT + AXIS + (LEGEND if len(series) > 1 else 0)
    svg = _svg(chart_id, title, description, height)
    _value_axis_vertical(svg, x0, x1, top, PLOT_HEIGHT, scale)
    for i, label in enumerate(labels):
        column = ET.SubElement(svg, "g", {"class": "chart-column"})
        x = x0 + band * i + (band - bar_w) / 2
        y = top + PLOT_HEIGHT
        total = 0.0
        for s, v, tone in zip(series, values, tones, strict=True):
            h = PLOT_HEIGHT * v[i] / axis_top
            tip = f"{label} · {clean(s.name)}：{_unit(fmt(v[i]), unit)}"
            _rect(column, x, y - h, bar_w, h, tone, tip, series=clean(s.name), value=fmt(v[i]))
            y -= h
            total += v[i]
        if band >= text_width(fmt(total), SMALL):
            _text(column, x + bar_w / 2, y - 3, fmt(total), "middle", SMALL, INK, **{"class": "chart-value"})
    _category_labels(svg, labels, x0, band, top + PLOT_HEIGHT + 14)
    return svg


def line_chart(
    chart_id: str,
    title: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    unit: str = "",
    x_name: str = "",
    description: str = "",
) -> Chart:
    """One line per series over the same x labels (e.g. hours by month)."""
    chart_id = _chart_id(chart_id)
    title = clean(title)
    labels = [clean(x) for x in x_labels]
    values = [_numbers(s.values) for s in series]
    if any(len(v) != len(labels) for v in values):
        raise ValueError("every series needs one value per x label")
    columns = [clean(x_name) or _("时间"), *(_column(clean(s.name), unit) for s in series)]
    if not labels or not series:
        return _empty(chart_id, title, description or _("暂无数据。"), columns, unit)
    rows = [[label, *(fmt(v[i]) for v in values)] for i, label in enumerate(labels)]
    peak = max(max(v) for v in values)
    if not description:
        at = next(labels[i] for v in values for i, x in enumerate(v) if x == peak)
        description = _(
            "折线图，共 %(n)s 个时间点%(names)s；最高 %(value)s（%(at)s）。数据见图旁的表格。"
        ) % {
            "n": len(labels),
            "names": ("，" + "、".join(clean(s.name) for s in series)) if len(series) > 1 else "",
            "value": _unit(fmt(peak), unit),
            "at": at,
        }
    tones = _tones(series)
    scale = axis(peak)
    axis_top = scale[-1]
    x0 = PAD + max(text_width(fmt(t), SMALL) for t in scale) + 6
    x1 = WIDTH - PAD
    top = PAD + 8
    band = (x1 - x0) / len(labels)
    height = top + PLOT_HEIGHT + AXIS + (LEGEND if len(series) > 1 else 0)
    svg = _svg(chart_id, title, description, height)
    _value_axis_vertical(svg, x0, x1, top, PLOT_HEIGHT, scale)
    for s, v, tone in zip(series, values, tones, strict=True):
        group = ET.SubElement(svg, "g", {"class": "chart-series", "data-series": clean(s.name)})
        points = [
            (x0 + band * (i + 0.5), top + PLOT_HEIGHT - PLOT_HEIGHT * value / axis_top)
            for i, value in enumerate(v)
        ]
        ET.SubElement(
            group,
            "polyline",
            {
                "points": " ".join(f"{_r(x)},{_r(y)}" for x, y in points),
                "fill": "none",
                "stroke": TONES[tone][0],
                "stroke-width": "2",
                "class": "chart-line",
            },
        )
        for (x, y), label, value in zip(points, labels, v, strict=True):
            dot = ET.SubElement(
                group,
                "circle",
                {
                    "cx": _r(x),
                    "cy": _r(y),
                    "r": "3",
                    "fill": TONES[tone][0],
                    "class": "chart-point",
                    "data-value": fmt(value),
                },
            )
            ET.SubElement(dot, "title").text = f"{label} · {clean(s.name)}：{_unit(fmt(value), unit)}"
    _category_labels(svg, labels, x0, band, top + PLOT_HEIGHT + 14)
    if len(series) > 1:
        _legend(svg, height - 8, series, tones)
    return Chart(chart_id, title, description, _render(svg), columns, rows, unit=unit)


def histogram(
    chart_id: str,
    title: str,
    samples: Sequence[Number],
    edges: Sequence[Number],
    *,
    unit: str = "",
    count_unit: str = "",
    bin_name: str = "",
    open_end: bool = True,
    labels: Sequence[str] | None = None,
    description: str = "",
) -> Chart:
    """How many samples fall in each bin [edges[i], edges[i+1]) (e.g. review times in working
    days); with `open_end` a last bin takes everything from the last edge up. Samples below the
    first edge count in the first bin. `labels` name the bins (default "0–1", …, "≥10")."""
    edges = _numbers(edges)
    if len(edges) < 2 or any(b <= a for a, b in itertools.pairwise(edges)):
        raise ValueError("histogram edges must rise, at least two of them")
    values = _numbers(samples)
    bins = len(edges) - 1 + (1 if open_end else 0)
    counts = [0] * bins
    for value in values:
        index = next((i for i in range(len(edges) - 1) if value < edges[i + 1]), None)
        if index is None:
            if not open_end:
                continue
            index = bins - 1
        counts[index] += 1
    if labels is None:
        labels = [f"{fmt(a)}–{fmt(b)}" for a, b in itertools.pairwise(edges)]
        if open_end:
            labels.append(f"≥{fmt(edges[-1])}")
    labels = [clean(label) for label in labels]
    if len(labels) != bins:
        raise ValueError("one label per bin")
    if unit:
        bin_name = bin_name or _("区间（%(unit)s）") % {"unit": unit}
    if not values:
        columns = [bin_name or _("区间"), _column(_("数量"), count_unit)]
        return _empty(chart_id, title, description or _("暂无数据。"), columns, count_unit)
    if not description:
        top = max(range(bins), key=lambda i: counts[i])
        description = _(
            "直方图，共 %(n)s 个数据，分 %(bins)s 个区间；最多的区间是 %(label)s%(unit)s：%(count)s。"
        ) % {
            "n": len(values),
            "bins": bins,
            "label": labels[top],
            "unit": unit,
            "count": _unit(fmt(counts[top]), count_unit),
        } + _("数据见图旁的表格。")
    return _stacked(
        chart_id,
        title,
        labels,
        [Series(_("数量"), counts, "primary")],
        unit=count_unit,
        orientation="vertical",
        category_name=bin_name or _("区间"),
        description=description,
        legend=False,
        bar_share=1.0,  # the bins of a histogram touch
    )
