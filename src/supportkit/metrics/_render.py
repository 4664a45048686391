"""Render a :class:`~supportkit.metrics.Report` as text, Markdown or HTML with inline SVG charts.

The charts are plain SVG strings built here — no plotting library, no JavaScript — so
the HTML file is self-contained and opens anywhere (and in e-mail clients that allow SVG).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from supportkit.metrics._reportdata import ReportData
from supportkit.metrics._results import Distribution, Rate, format_duration

__all__ = ["bar_chart", "html", "line_chart", "markdown", "text"]

_W, _H = 640, 260
_PAD_L, _PAD_R, _PAD_T, _PAD_B = 56, 16, 36, 44
_BAR = "#3b6ea8"
_LINE = "#c0502b"
_BAND = "#f1c8b8"


def _pct(rate: Rate, digits: int = 1) -> str:
    return "—" if rate.value is None else f"{100 * rate.value:.{digits}f}%"


def _rate_line(rate: Rate, what: str) -> str:
    if rate.value is None:
        return f"no data ({what}: 0)"
    return (
        f"{_pct(rate)}  ({rate.successes} of {rate.count} {what}; 95% CI "
        f"{100 * (rate.low or 0):.1f}–{100 * (rate.high or 0):.1f}%)"
    )


def _dist_line(dist: Distribution) -> str:
    if dist.count == 0:
        return "no data"
    approx = "" if dist.exact else f" (±{100 * dist.relative_error:g}%)"
    return (
        f"median {format_duration(dist.p50)} · p90 {format_duration(dist.p90)} · "
        f"p95 {format_duration(dist.p95)}{approx}\n"
        f"mean {format_duration(dist.mean)} · max {format_duration(dist.max)} · n={dist.count}"
    )


def _header(report: ReportData) -> str:
    span = f"{report.first_day} – {report.last_day}" if report.first_day is not None else "no dates"
    clock = "working time" if report.working_time else "calendar time"
    return f"{report.tickets} tickets, {span} (ISO weeks in {report.tz}; durations in {clock})"


def _summary_rows(report: ReportData) -> list[tuple[str, str]]:
    channels = ", ".join(
        f"{name} {_pct(rate)}" for name, rate in report.automation_by_channel.items()
    )
    mean = report.mean_rating
    mean_text = (
        "no data"
        if mean.value is None
        else f"{mean.value:.2f} of {mean.of}  "
        f"(n={mean.count}; 95% CI {mean.low:.2f}–{mean.high:.2f})"
    )
    last = report.backlog.periods[-1] if report.backlog.periods else None
    backlog = "no data" if last is None else f"{last.open} open at the end of {last.period}"
    if report.backlog.runs:
        first, end = report.backlog.runs[-1]
        backlog += f"; grew {first}..{end}"
    backlog += "; SNOWBALL" if report.backlog.snowball else "; no snowball"
    return [
        ("CSAT", _rate_line(report.csat, "rated")),
        ("Mean rating (1–5)", mean_text),
        (
            "Automation",
            _rate_line(report.automation, "tickets")
            + (f"\n  by channel: {channels}" if channels else ""),
        ),
        (
            "First response",
            _dist_line(report.response) + f"; {report.unanswered} without an agent reply",
        ),
        ("Resolution", _dist_line(report.resolution) + f"; {report.unresolved} not resolved"),
        ("Reopened", _rate_line(report.reopen, "resolved")),
        ("One-touch", _rate_line(report.one_touch, "agent-resolved")),
        ("Backlog", backlog),
    ]


def _top_line(period_top: Sequence[object]) -> str:
    parts = []
    for c in period_top:
        change = "" if c.change is None else f" ({c.change:+d})"  # type: ignore[attr-defined]
        parts.append(f"{c.category} {c.count}{change}")  # type: ignore[attr-defined]
    return " · ".join(parts) or "—"


def text(report: ReportData) -> str:
    """Return the terminal report."""
    head, _, tail = _header(report).partition(" (")
    lines = [f"Weekly support report: {head}", f"({tail}", ""]
    width = max(len(k) for k, _ in _summary_rows(report))
    for key, value in _summary_rows(report):
        first, *rest = value.split("\n")
        lines.append(f"{key:<{width}}  {first}")
        lines.extend(" " * (width + 2) + r.strip() for r in rest)
    tops = {p.period: _top_line(p.top) for p in report.top}
    lines += [
        "",
        (
            f"{'week':<9} {'tickets':>7} {'CSAT':>6} {'median reply':>12}  "
            "top categories (change vs previous week)"
        ),
    ]
    for w in report.weeks:
        lines.append(
            f"{w.week:<9} {w.tickets:>7} {_pct(w.csat):>6} "
            f"{format_duration(w.response.p50):>12}  {tops.get(w.week, '—')}"
        )
    return "\n".join(lines) + "\n"


def markdown(report: ReportData) -> str:
    """Return the report as Markdown (tables render on GitHub, GitLab, wikis)."""
    out = [f"# Weekly support report\n\n{_header(report)}\n", "| metric | value |", "|---|---|"]
    for key, value in _summary_rows(report):
        out.append(f"| {key} | {value.replace(chr(10), '<br>')} |")
    out += [
        "",
        "## Weeks",
        "",
        "| week | tickets | CSAT | median first response |",
        "|---|---:|---:|---:|",
    ]
    for w in report.weeks:
        out.append(
            f"| {w.week} | {w.tickets} | {_pct(w.csat)} | {format_duration(w.response.p50)} |"
        )
    out += [
        "",
        "## Top categories",
        "",
        "| week | categories (change vs previous week) |",
        "|---|---|",
    ]
    for p in report.top:
        out.append(f"| {p.period} | {_top_line(p.top)} |")
    out += ["", "## First-response times", "", "| bin | tickets |", "|---|---:|"]
    out.extend(f"| {label} | {n} |" for label, n in report.response_histogram)
    return "\n".join(out) + "\n"


def _frame(title: str, body: list[str], y_ticks: list[tuple[float, str]]) -> str:
    inner_w = _W - _PAD_L - _PAD_R
    grid = []
    for y, label in y_ticks:
        grid.append(
            f'<line x1="{_PAD_L}" y1="{y:.1f}" x2="{_PAD_L + inner_w}" y2="{y:.1f}" '
            f'stroke="#ddd" stroke-width="1"/>'
            f'<text x="{_PAD_L - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(label)}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" width="{_W}" '
        f'height="{_H}" role="img" aria-label="{escape(title)}" '
        'font-family="system-ui, sans-serif" font-size="11" fill="#333">'
        f"<title>{escape(title)}</title>"
        f'<text x="{_PAD_L}" y="20" font-size="14" font-weight="600">{escape(title)}</text>'
        + "".join(grid)
        + "".join(body)
        + "</svg>"
    )


def _ticks(top: float, *, percent: bool = False, low: float = 0.0) -> list[tuple[float, str]]:
    inner_h = _H - _PAD_T - _PAD_B
    out = []
    for i in range(5):
        value = low + (top - low) * i / 4
        y = _PAD_T + inner_h - inner_h * i / 4
        out.append((y, f"{100 * value:.0f}%" if percent else f"{value:g}"))
    return out


def _nice(value: float) -> float:
    if value <= 0:
        return 1.0
    step = 10 ** len(str(int(value))) / 10
    for mult in (1, 2, 2.5, 5, 10):
        if step * mult * 4 >= value:
            return float(step * mult * 4)
    return float(value)


def bar_chart(title: str, labels: Sequence[str], values: Sequence[int]) -> str:
    """Return an SVG bar chart (used for weekly volume and the response-time histogram).

    >>> bar_chart("Tickets per week", ["W41", "W42"], [3, 5]).startswith("<svg")
    True
    """
    inner_w = _W - _PAD_L - _PAD_R
    inner_h = _H - _PAD_T - _PAD_B
    top = _nice(max(values, default=0))
    slot = inner_w / max(1, len(values))
    body = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = inner_h * value / top
        x = _PAD_L + i * slot + slot * 0.15
        y = _PAD_T + inner_h - h
        body.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
            f'fill="{_BAR}"><title>{escape(label)}: {value}</title></rect>'
            f'<text x="{x + slot * 0.35:.1f}" y="{y - 3:.1f}" text-anchor="middle">{value}</text>'
            f'<text x="{x + slot * 0.35:.1f}" y="{_PAD_T + inner_h + 16}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    return _frame(title, body, _ticks(top))


def line_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    lows: Sequence[float | None],
    highs: Sequence[float | None],
) -> str:
    """Return an SVG line chart of proportions with their 95 % intervals as a band."""
    inner_w = _W - _PAD_L - _PAD_R
    inner_h = _H - _PAD_T - _PAD_B
    known = [v for v in [*values, *lows] if v is not None]
    lowest = min(known, default=1.0)
    floor = next(f for f in (0.8, 0.6, 0.0) if f <= lowest)
    slot = inner_w / max(1, len(values))

    def y(v: float) -> float:
        return _PAD_T + inner_h - inner_h * (v - floor) / (1 - floor)

    points = []
    band_top = []
    band_bottom = []
    body = []
    for i, (label, v, lo, hi) in enumerate(zip(labels, values, lows, highs, strict=True)):
        x = _PAD_L + (i + 0.5) * slot
        body.append(
            f'<text x="{x:.1f}" y="{_PAD_T + inner_h + 16}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
        if v is None or lo is None or hi is None:
            continue
        points.append(f"{x:.1f},{y(v):.1f}")
        band_top.append(f"{x:.1f},{y(hi):.1f}")
        band_bottom.append(f"{x:.1f},{y(lo):.1f}")
        body.append(
            f'<circle cx="{x:.1f}" cy="{y(v):.1f}" r="3.5" fill="{_LINE}">'
            f"<title>{escape(label)}: {100 * v:.1f}% "
            f"(95% CI {100 * lo:.1f}–{100 * hi:.1f}%)</title>"
            "</circle>"
        )
    shapes = []
    if band_top:
        shapes.append(
            f'<polygon points="{" ".join(band_top + band_bottom[::-1])}" fill="{_BAND}" '
            'opacity="0.7"/>'
        )
        shapes.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{_LINE}" stroke-width="2"/>'
        )
    return _frame(title, shapes + body, _ticks(1.0, percent=True, low=floor))


def charts(report: ReportData) -> list[str]:
    """Return the report's three SVG charts: weekly volume, CSAT trend, response times."""
    short = [w.week.split("-")[1] for w in report.weeks]
    return [
        bar_chart("Tickets per week", short, [w.tickets for w in report.weeks]),
        line_chart(
            "CSAT per week (band: 95% Wilson interval)",
            short,
            [w.csat.value for w in report.weeks],
            [w.csat.low for w in report.weeks],
            [w.csat.high for w in report.weeks],
        ),
        bar_chart(
            "First-response time distribution",
            [label for label, _ in report.response_histogram],
            [n for _, n in report.response_histogram],
        ),
    ]


_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:720px;margin:2em auto;color:#222;"
    "padding:0 1em}table{border-collapse:collapse;margin:1em 0;width:100%}"
    "td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}"
    "td.n{text-align:right}h1{font-size:1.5em}figure{margin:1.5em 0}svg{max-width:100%;height:auto}"
)


def html(report: ReportData) -> str:
    """Return a self-contained HTML page with the report and its inline SVG charts."""
    rows = "".join(
        f"<tr><th>{escape(k)}</th><td>{escape(v).replace(chr(10), '<br>')}</td></tr>"
        for k, v in _summary_rows(report)
    )
    weeks = "".join(
        f"<tr><td>{w.week}</td><td class=n>{w.tickets}</td><td class=n>{_pct(w.csat)}</td>"
        f"<td class=n>{escape(format_duration(w.response.p50))}</td></tr>"
        for w in report.weeks
    )
    tops = "".join(
        f"<tr><td>{p.period}</td><td>{escape(_top_line(p.top))}</td></tr>" for p in report.top
    )
    figures = "".join(f"<figure>{svg}</figure>" for svg in charts(report))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Weekly support report</title>"
        f"<style>{_CSS}</style></head><body>"
        f"<h1>Weekly support report</h1><p>{escape(_header(report))}</p>"
        f"<table>{rows}</table>{figures}"
        "<h2>Weeks</h2><table><tr><th>week</th><th>tickets</th><th>CSAT</th>"
        f"<th>median first response</th></tr>{weeks}</table>"
        "<h2>Top categories</h2><table><tr><th>week</th><th>categories (change vs previous "
        f"week)</th></tr>{tops}</table>"
        "</body></html>\n"
    )
