"""Inline SVG charts: plain strings, no plotting library, no JavaScript, readable in print.

Every chart has a title, axis titles with units, a y-axis scaled to its data and a
``data-chart`` name (what the browser test and the docs' screenshots look for).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

__all__ = [
    "attainment_chart",
    "bar_chart",
    "funnel_chart",
    "heat_maps",
    "line_chart",
    "nice_top",
    "staffing_chart",
]

_W, _H = 680, 280
_PAD_L, _PAD_R, _PAD_T, _PAD_B = 64, 16, 40, 58
_BAR = "#3b6ea8"
_PARTIAL = "#a9bfd9"
_LINE = "#c0502b"
_BAND = "#f1c8b8"
_GOAL = "#2e7d32"
_SERIES = ("#3b6ea8", "#c0502b", "#7b5ea7", "#2a9d8f", "#b08900", "#6d6d6d")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def nice_top(value: float, ticks: int = 5) -> tuple[float, float]:
    """Return ``(top, step)``: a round axis maximum at or above ``value`` and its tick step.

    >>> nice_top(133)
    (150.0, 50.0)
    >>> nice_top(7)
    (8.0, 2.0)
    >>> nice_top(0)
    (1.0, 0.25)
    """
    if value <= 0 or not math.isfinite(value):
        return 1.0, 0.25
    magnitude = 10.0 ** math.floor(math.log10(value / ticks))
    for mult in (1, 2, 2.5, 5, 10):
        step = mult * magnitude
        if math.ceil(value / step - 1e-9) <= ticks:
            return step * math.ceil(value / step - 1e-9), step
    return value, value / ticks  # pragma: no cover - mult 10 always fits


def _fmt(value: float) -> str:
    return f"{value:g}" if value < 10_000 else f"{value:,.0f}"


def _frame(
    name: str,
    title: str,
    body: Sequence[str],
    *,
    x_title: str,
    y_title: str,
    y_ticks: Sequence[tuple[float, str]] = (),
    width: int = _W,
    height: int = _H,
) -> str:
    grid = []
    for y, label in y_ticks:
        grid.append(
            f'<line x1="{_PAD_L}" y1="{y:.1f}" x2="{width - _PAD_R}" y2="{y:.1f}" '
            'stroke="#ddd" stroke-width="1"/>'
            f'<text class="tick" x="{_PAD_L - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(label)}</text>"
        )
    mid_y = _PAD_T + (height - _PAD_T - _PAD_B) / 2
    axes = (
        f'<text class="axis-title" x="{_PAD_L + (width - _PAD_L - _PAD_R) / 2:.1f}" '
        f'y="{height - 8}" text-anchor="middle">{escape(x_title)}</text>'
        f'<text class="axis-title" x="14" y="{mid_y:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 14 {mid_y:.1f})">{escape(y_title)}</text>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="{name}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}" font-family="system-ui, sans-serif" font-size="11" '
        f'fill="#333"><title>{escape(title)}</title>'
        f'<text class="chart-title" x="{_PAD_L}" y="20" font-size="14" font-weight="600">'
        f"{escape(title)}</text>" + "".join(grid) + "".join(body) + axes + "</svg>"
    )


def _value_ticks(top: float, step: float, height: int = _H) -> list[tuple[float, str]]:
    inner = height - _PAD_T - _PAD_B
    count = round(top / step)
    return [(_PAD_T + inner - inner * i / count, _fmt(step * i)) for i in range(count + 1)]


def _pct_ticks(low: float, height: int = _H) -> list[tuple[float, str]]:
    inner = height - _PAD_T - _PAD_B
    steps = round((1 - low) / 0.1) if low > 0 else 4
    return [
        (_PAD_T + inner - inner * i / steps, f"{100 * (low + (1 - low) * i / steps):.0f}%")
        for i in range(steps + 1)
    ]


def _every(labels: Sequence[str], limit: int = 12) -> int:
    return max(1, math.ceil(len(labels) / limit))


def bar_chart(
    name: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    x_title: str,
    y_title: str,
    faint: Sequence[bool] = (),
) -> str:
    """Return an SVG bar chart; ``faint`` bars (partial weeks) are drawn lighter.

    >>> svg = bar_chart("v", "Tickets", ["2024-W41"], [3], x_title="ISO week", y_title="tickets")
    >>> svg.startswith("<svg") and "ISO week" in svg
    True
    """
    inner_w = _W - _PAD_L - _PAD_R
    inner_h = _H - _PAD_T - _PAD_B
    top, step = nice_top(max(values, default=0))
    slot = inner_w / max(1, len(values))
    every = _every(labels)
    body = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = inner_h * value / top
        x = _PAD_L + i * slot + slot * 0.15
        y = _PAD_T + inner_h - h
        colour = _PARTIAL if i < len(faint) and faint[i] else _BAR
        body.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
            f'fill="{colour}"><title>{escape(label)}: {_fmt(value)}</title></rect>'
            f'<text x="{x + slot * 0.35:.1f}" y="{y - 3:.1f}" text-anchor="middle">'
            f"{_fmt(value)}</text>"
        )
        if i % every == 0:
            body.append(
                f'<text class="x-label" x="{x + slot * 0.35:.1f}" y="{_PAD_T + inner_h + 16}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    return _frame(
        name, title, body, x_title=x_title, y_title=y_title, y_ticks=_value_ticks(top, step)
    )


def _floor(values: Sequence[float | None], *also: float) -> float:
    known = [v for v in values if v is not None] + list(also)
    lowest = min(known, default=1.0)
    return max(0.0, math.floor(lowest * 10 - 1e-9) / 10) if lowest < 1 else 0.9


def line_chart(  # noqa: PLR0917 - the series come as parallel sequences
    name: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    lows: Sequence[float | None],
    highs: Sequence[float | None],
    *,
    x_title: str,
    y_title: str,
) -> str:
    """Return an SVG line chart of proportions with their 95 % intervals as a band."""
    inner_w = _W - _PAD_L - _PAD_R
    inner_h = _H - _PAD_T - _PAD_B
    floor = _floor([*values, *lows])
    slot = inner_w / max(1, len(values))
    every = _every(labels)

    def y(v: float) -> float:
        return _PAD_T + inner_h - inner_h * (v - floor) / (1 - floor)

    points, band_top, band_bottom, body = [], [], [], []
    for i, (label, v, lo, hi) in enumerate(zip(labels, values, lows, highs, strict=True)):
        x = _PAD_L + (i + 0.5) * slot
        if i % every == 0:
            body.append(
                f'<text class="x-label" x="{x:.1f}" y="{_PAD_T + inner_h + 16}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
        if v is None or lo is None or hi is None:
            continue
        points.append(f"{x:.1f},{y(v):.1f}")
        band_top.append(f"{x:.1f},{y(hi):.1f}")
        band_bottom.append(f"{x:.1f},{y(lo):.1f}")
        body.append(
            f'<circle cx="{x:.1f}" cy="{y(v):.1f}" r="3.5" fill="{_LINE}">'
            f"<title>{escape(label)}: {100 * v:.1f}% "
            f"(95% CI {100 * lo:.1f}–{100 * hi:.1f}%)</title></circle>"
        )
    shapes = []
    if band_top:
        shapes.append(
            f'<polygon points="{" ".join(band_top + band_bottom[::-1])}" fill="{_BAND}" '
            'opacity="0.7"/>'
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{_LINE}" '
            'stroke-width="2"/>'
        )
    return _frame(
        name, title, shapes + body, x_title=x_title, y_title=y_title, y_ticks=_pct_ticks(floor)
    )


def attainment_chart(
    name: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    goal: float,
    *,
    x_title: str,
    y_title: str,
) -> str:
    """Return an SVG line chart of attainment per week, one line a series, and the goal line."""
    inner_w = _W - _PAD_L - _PAD_R
    inner_h = _H - _PAD_T - _PAD_B - 14 * ((len(series) + 1) // 2)
    height = _H
    floor = _floor([v for _, values in series for v in values], goal)
    slot = inner_w / max(1, len(labels))
    every = _every(labels)

    def y(v: float) -> float:
        return _PAD_T + inner_h - inner_h * (v - floor) / (1 - floor)

    body = []
    for i, label in enumerate(labels):
        if i % every == 0:
            body.append(
                f'<text class="x-label" x="{_PAD_L + (i + 0.5) * slot:.1f}" '
                f'y="{_PAD_T + inner_h + 16}" text-anchor="middle">{escape(label)}</text>'
            )
    body.append(
        f'<line class="goal" x1="{_PAD_L}" y1="{y(goal):.1f}" x2="{_PAD_L + inner_w}" '
        f'y2="{y(goal):.1f}" stroke="{_GOAL}" stroke-width="1.5" stroke-dasharray="6 4"/>'
        f'<text x="{_PAD_L + inner_w - 4}" y="{y(goal) - 4:.1f}" text-anchor="end" '
        f'fill="{_GOAL}">target {100 * goal:.0f}%</text>'
    )
    for n, (label, values) in enumerate(series):
        colour = _SERIES[n % len(_SERIES)]
        points = []
        for i, v in enumerate(values):
            if v is None:
                continue
            x = _PAD_L + (i + 0.5) * slot
            points.append(f"{x:.1f},{y(v):.1f}")
            body.append(
                f'<circle cx="{x:.1f}" cy="{y(v):.1f}" r="3" fill="{colour}">'
                f"<title>{escape(label)}, {escape(labels[i])}: {100 * v:.1f}%</title></circle>"
            )
        if points:
            body.append(
                f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" '
                'stroke-width="2"/>'
            )
        lx = _PAD_L + (n % 2) * inner_w / 2
        ly = _PAD_T + inner_h + 30 + 14 * (n // 2)
        body.append(
            f'<rect x="{lx:.1f}" y="{ly - 8}" width="10" height="10" fill="{colour}"/>'
            f'<text class="legend" x="{lx + 14:.1f}" y="{ly + 1}">{escape(label)}</text>'
        )
    ticks = [
        (y(floor + (1 - floor) * i / 5), f"{100 * (floor + (1 - floor) * i / 5):.0f}%")
        for i in range(6)
    ]
    return _frame(
        name,
        title,
        body,
        x_title=x_title,
        y_title=y_title,
        y_ticks=ticks,
        height=height + 14 * ((len(series) + 1) // 2),
    )


def _heat_panel(
    x0: float, title: str, grid: Sequence[Sequence[float]], colour: tuple[int, int, int]
) -> list[str]:
    cell = 12.5
    top = max((v for row in grid for v in row), default=0) or 1
    out = [
        (
            f'<text class="panel-title" x="{x0}" y="{_PAD_T - 6}" font-weight="600">'
            f"{escape(title)}</text>"
        )
    ]
    for d, row in enumerate(grid):
        y = _PAD_T + d * cell
        if x0 == _PAD_L:
            out.append(
                f'<text class="y-label" x="{x0 - 4}" y="{y + 9.5:.1f}" text-anchor="end">'
                f"{_DAYS[d]}</text>"
            )
        for h, value in enumerate(row):
            share = value / top
            r, g, b = (round(255 - (255 - c) * share) for c in colour)
            out.append(
                f'<rect x="{x0 + h * cell:.1f}" y="{y:.1f}" width="{cell - 1}" '
                f'height="{cell - 1}" fill="rgb({r},{g},{b})" stroke="#eee" stroke-width="0.5">'
                f"<title>{_DAYS[d]} {h:02d}:00: {_fmt(value)}</title></rect>"
            )
    out.extend(
        f'<text class="x-label" x="{x0 + h * cell + 6:.1f}" y="{_PAD_T + 7 * cell + 12}" '
        f'text-anchor="middle">{h:02d}</text>'
        for h in range(0, 24, 3)
    )
    out.append(f'<text x="{x0}" y="{_PAD_T + 7 * cell + 28}">white 0 … darkest {_fmt(top)}</text>')
    return out


def heat_maps(
    name: str,
    title: str,
    panels: Sequence[tuple[str, Sequence[Sequence[float]]]],
    *,
    x_title: str,
    y_title: str,
) -> str:
    """Return hour-of-day x weekday heat maps side by side (one panel each)."""
    colours = ((59, 110, 168), (46, 125, 50))
    body = []
    for i, (label, grid) in enumerate(panels):
        body += _heat_panel(_PAD_L + i * 320, label, grid, colours[i % 2])
    width = _PAD_L + 320 * len(panels)
    return _frame(
        name, title, body, x_title=x_title, y_title=y_title, width=width, height=_PAD_T + 150
    )


def staffing_chart(
    name: str,
    title: str,
    needed: Sequence[int],
    scheduled: Sequence[float],
    *,
    x_title: str,
    y_title: str,
    basis: str = "Erlang C",
) -> str:
    """Return agents needed per hour (bars) against agents scheduled (a step line)."""
    inner_w = _W - _PAD_L - _PAD_R
    inner_h = _H - _PAD_T - _PAD_B
    top, step = nice_top(max([*needed, *scheduled], default=0))
    slot = inner_w / 24
    body = []
    steps = []
    for h in range(24):
        x = _PAD_L + h * slot
        bar = inner_h * needed[h] / top
        body.append(
            f'<rect x="{x + slot * 0.15:.1f}" y="{_PAD_T + inner_h - bar:.1f}" '
            f'width="{slot * 0.7:.1f}" height="{bar:.1f}" fill="{_BAR}">'
            f"<title>{h:02d}:00: {needed[h]} needed, {_fmt(scheduled[h])} scheduled</title>"
            "</rect>"
        )
        y = _PAD_T + inner_h - inner_h * scheduled[h] / top
        steps += [f"{x:.1f},{y:.1f}", f"{x + slot:.1f},{y:.1f}"]
        if h % 2 == 0:
            body.append(
                f'<text class="x-label" x="{x + slot / 2:.1f}" y="{_PAD_T + inner_h + 16}" '
                f'text-anchor="middle">{h:02d}</text>'
            )
    body.append(
        f'<polyline points="{" ".join(steps)}" fill="none" stroke="{_GOAL}" stroke-width="2"/>'
    )
    legend_y = _PAD_T + inner_h + 32
    body.append(
        f'<rect x="{_PAD_L}" y="{legend_y - 8}" width="10" height="10" fill="{_BAR}"/>'
        f'<text class="legend" x="{_PAD_L + 14}" y="{legend_y + 1}">needed ({escape(basis)})'
        "</text>"
        f'<line x1="{_PAD_L + 400}" y1="{legend_y - 3}" x2="{_PAD_L + 416}" y2="{legend_y - 3}" '
        f'stroke="{_GOAL}" stroke-width="2"/>'
        f'<text class="legend" x="{_PAD_L + 420}" y="{legend_y + 1}">scheduled (crews)</text>'
    )
    return _frame(
        name,
        title,
        body,
        x_title=x_title,
        y_title=y_title,
        y_ticks=_value_ticks(top, step),
        height=_H + 10,
    )


def funnel_chart(
    name: str,
    title: str,
    steps: Sequence[tuple[str, int, int, str]],
    *,
    x_title: str,
    y_title: str,
) -> str:
    """Return a horizontal funnel: ``(step, reached, dropped, time in step)`` per row."""
    left = 170
    row = 24
    width = _W
    inner_w = width - left - _PAD_R - 150
    top, step = nice_top(max((s[1] for s in steps), default=0))
    body = []
    for i, (label, reached, dropped, median) in enumerate(steps):
        y = _PAD_T + i * row
        w = inner_w * reached / top
        lost = inner_w * dropped / top
        body.append(
            f'<text class="y-label" x="{left - 6}" y="{y + 15}" text-anchor="end">'
            f"{escape(label)}</text>"
            f'<rect x="{left}" y="{y + 3}" width="{w - lost:.1f}" height="{row - 6}" '
            f'fill="{_BAR}"><title>{escape(label)}: {reached} reached</title></rect>'
            f'<rect x="{left + w - lost:.1f}" y="{y + 3}" width="{lost:.1f}" height="{row - 6}" '
            f'fill="{_LINE}"><title>{escape(label)}: {dropped} dropped off</title></rect>'
            f'<text x="{left + w + 4:.1f}" y="{y + 15}">{reached} (−{dropped})'
            f"{'' if not median else f', {escape(median)} in step'}</text>"
        )
    height = _PAD_T + row * len(steps) + 48
    ticks = []
    count = round(top / step)
    for i in range(count + 1):
        x = left + inner_w * i / count
        ticks.append(
            f'<line x1="{x:.1f}" y1="{_PAD_T}" x2="{x:.1f}" y2="{height - 44}" stroke="#ddd"/>'
            f'<text class="tick" x="{x:.1f}" y="{height - 30}" text-anchor="middle">'
            f"{_fmt(step * i)}</text>"
        )
    return _frame(
        name, title, ticks + body, x_title=x_title, y_title=y_title, width=width, height=height
    )
