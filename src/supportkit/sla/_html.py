"""``SLAReport._repr_html_``: a timeline of each clock, as inline SVG (no scripts).

One row per clock (per cycle of a cycle metric): the stretches it counted are solid,
its pauses hatched, its due time a vertical tick, a breach red. The page needs no
network and no JavaScript, and prints as it shows.
"""

from __future__ import annotations

import datetime as _dt
import html
from typing import Any, Final

__all__ = ["report_html"]

_COLOURS: Final = {
    "achieved": "#2e7d32",
    "active": "#1565c0",
    "paused": "#757575",
    "breached": "#c62828",
}
_WIDTH: Final = 640
_LABEL: Final = 190
_ROW: Final = 22


def _rows(report: Any) -> list[tuple[str, Any]]:
    out = []
    for name, result in report.metrics.items():
        items = result.cycles or (result,)
        for i, item in enumerate(items):
            label = name if len(items) == 1 else f"{name} #{i + 1}"
            out.append((label, item))
    return out


def report_html(report: Any) -> str:
    """Return an HTML fragment: a table head and the SVG timeline of the report's clocks."""
    rows = _rows(report)
    title = html.escape(
        f"ticket {report.ticket_id} · policy {report.policy} · as of {report.as_of.isoformat()}"
    )
    if not rows:
        return f"<div><p>{title}</p><p>no SLA clocks</p></div>"
    ends: list[_dt.datetime] = [report.as_of]
    starts: list[_dt.datetime] = []
    for _, item in rows:
        if item.started_at is not None:
            starts.append(item.started_at)
        if item.due_at is not None:
            ends.append(item.due_at)
    lo = min(starts, default=report.as_of)
    hi = max(*ends, lo + _dt.timedelta(seconds=1))
    span = (hi - lo).total_seconds()
    scale = (_WIDTH - _LABEL - 10) / span

    def x(at: _dt.datetime) -> float:
        return _LABEL + max(0.0, (at - lo).total_seconds()) * scale

    height = _ROW * len(rows) + 40
    svg_open = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{height}" '
        f'viewBox="0 0 {_WIDTH} {height}" role="img" aria-label="SLA clocks of ticket '
        f'{html.escape(str(report.ticket_id))}" font-family="sans-serif" font-size="11">'
    )
    hatch = (
        '<defs><pattern id="pause" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#eeeeee"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#9e9e9e" stroke-width="2"/></pattern></defs>'
    )
    parts = [svg_open, hatch]
    for i, (label, item) in enumerate(rows):
        y = 10 + i * _ROW
        colour = _COLOURS.get(item.state, "#424242")
        parts.append(
            f'<text x="4" y="{y + 13}">{html.escape(label)}: {html.escape(item.state)}</text>'
        )
        if item.started_at is None:
            continue
        end = item.achieved_at or item.stopped_at or report.as_of
        parts.append(
            f'<rect x="{x(item.started_at):.1f}" y="{y + 3}" '
            f'width="{max(1.0, x(end) - x(item.started_at)):.1f}" height="12" '
            f'fill="url(#pause)"><title>paused</title></rect>'
        )
        for a, b in item.segments:
            parts.append(
                f'<rect x="{x(a):.1f}" y="{y + 3}" width="{max(1.0, x(b) - x(a)):.1f}" '
                f'height="12" fill="{colour}"><title>counting {html.escape(a.isoformat())} '
                f"to {html.escape(b.isoformat())}</title></rect>"
            )
        due = item.due_at
        if due is not None:
            parts.append(
                f'<line x1="{x(due):.1f}" y1="{y}" x2="{x(due):.1f}" y2="{y + 18}" '
                f'stroke="#000" stroke-width="1.5"><title>due {html.escape(due.isoformat())}'
                "</title></line>"
            )
    axis_y = 10 + len(rows) * _ROW + 4
    parts.append(
        f'<line x1="{_LABEL}" y1="{axis_y}" x2="{_WIDTH - 10}" y2="{axis_y}" stroke="#424242"/>'
    )
    parts.append(f'<text x="{_LABEL}" y="{axis_y + 14}">{html.escape(lo.isoformat())}</text>')
    parts.append(
        f'<text x="{_WIDTH - 10}" y="{axis_y + 14}" text-anchor="end">'
        f"{html.escape(hi.isoformat())}</text>"
    )
    parts.append("</svg>")
    legend = (
        "solid: counting · hatched: paused · tick: due time · "
        "green achieved, blue active, grey paused, red breached"
    )
    return (
        f'<div class="supportkit-sla"><p>{title}</p>{"".join(parts)}'
        f"<p><small>{legend}</small></p></div>"
    )
