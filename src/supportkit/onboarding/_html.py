"""Notebook pictures of a flow: an inline SVG state diagram drawn here, no scripts, no network.

Layout, simple and stable: the main path (``flow.path()``) runs left to right on the
top row; the other open states sit below, in the column of their distance from the
initial state; failure end states sit on the bottom row. Main-path transitions are
dark, the rest grey; self-loops are a small arc over their state. The picture is
plain SVG 1.1 (well-formed XML), so it prints, and shows in a notebook, a browser or
GitHub without JavaScript; the Mermaid text follows it in a ``<details>`` block.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from html import escape
from itertools import pairwise
from typing import Any

from supportkit.onboarding._diagram import to_mermaid
from supportkit.onboarding._graph import FlowGraph
from supportkit.onboarding._parts import Transition

__all__ = ["flow_html", "flow_svg", "funnel_html"]

_W, _H = 150, 46  # box size
_GX, _GY = 96, 64  # gaps between boxes
_PAD = 24
_NUM = "text-align:right;padding:0 8px"


def _layout(flow: FlowGraph) -> dict[str, tuple[int, int]]:
    """Return ``state -> (column, row)``."""
    path = flow.path()
    place = {state: (i, 0) for i, state in enumerate(path)}
    depth = {flow.initial: 0}
    queue = deque([flow.initial])
    while queue:
        state = queue.popleft()
        for event in flow.events_from(state):
            t = flow.transition(state, event)
            if t is not None and t.target not in depth:
                depth[t.target] = depth[state] + 1
                queue.append(t.target)
    rows: dict[int, int] = {}
    failures = []
    for s in flow.states:
        if s.name in place:
            continue
        if s.terminal:
            failures.append(s.name)
            continue
        column = min(depth.get(s.name, 0), max(len(path) - 1, 0))
        rows[column] = rows.get(column, 0) + 1
        place[s.name] = (column, rows[column])
    bottom = max((r for _, r in place.values()), default=0) + 1
    width = max(len(path), 1)
    for i, name in enumerate(failures):
        column = round((i + 0.5) * width / len(failures) - 0.5)
        place[name] = (min(max(column, 0), width - 1), bottom)
    return place


def _marker(name: str, size: int, color: str) -> str:
    return (
        f'<marker id="{name}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="{size}" '
        f'markerHeight="{size}" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{color}"/>'
        "</marker>"
    )


def _box(column: int, row: int) -> tuple[float, float]:
    return _PAD + column * (_W + _GX), _PAD + row * (_H + _GY)


def _edge(t: Transition, place: dict[str, tuple[int, int]], main: bool) -> str:
    x1, y1 = _box(*place[t.source])
    x2, y2 = _box(*place[t.target])
    label = escape(t.event + (f" [{', '.join(t.guards)}]" if t.guards else ""))
    short = escape(t.event)
    color = "#334155" if main else "#94a3b8"
    width = "1.6" if main else "1"
    if t.source == t.target:
        cx = x1 + _W / 2
        d = f"M{cx - 18},{y1} C{cx - 30},{y1 - 34} {cx + 30},{y1 - 34} {cx + 18},{y1}"
        tx, ty = cx, y1 - 30
    else:
        if place[t.source][1] == place[t.target][1] and x2 > x1:
            sx, sy, ex, ey = x1 + _W, y1 + _H / 2, x2, y2 + _H / 2
        elif y2 > y1:
            sx, sy, ex, ey = x1 + _W / 2, y1 + _H, x2 + _W / 2, y2
        elif y2 < y1:
            sx, sy, ex, ey = x1 + _W / 2, y1, x2 + _W / 2, y2 + _H
        else:
            sx, sy, ex, ey = x1 + _W / 2, y1 + _H, x2 + _W / 2, y2 + _H
        bend = (_GY / 2) if sy == ey and sx > ex else 0
        mx, my = (sx + ex) / 2, (sy + ey) / 2 + bend
        d = f"M{sx:.0f},{sy:.0f} Q{mx:.0f},{my + bend:.0f} {ex:.0f},{ey:.0f}"
        tx, ty = mx, my - 4
    text = (
        f'<text x="{tx:.0f}" y="{ty:.0f}" font-size="10" text-anchor="middle" '
        f'fill="{color}">{short}<title>{label}</title></text>'
        if main or t.source == t.target
        else f"<title>{label}</title>"
    )
    return (
        f'<g><path d="{d}" fill="none" stroke="{color}" stroke-width="{width}" '
        f'marker-end="url(#arrow{"" if main else "-side"})"/>{text}</g>'
    )


def flow_svg(flow: FlowGraph) -> str:
    """Return the flow's state diagram as a standalone SVG document fragment."""
    place = _layout(flow)
    columns = max(c for c, _ in place.values()) + 1
    rows = max(r for _, r in place.values()) + 1
    width = 2 * _PAD + columns * _W + (columns - 1) * _GX
    height = 2 * _PAD + rows * _H + (rows - 1) * _GY + 20
    path = flow.path()
    main = set(pairwise(path))
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" font-family="sans-serif">'
        ),
        f"<title>{escape(flow.name)}: onboarding flow, {len(flow.states)} states</title>",
        f"<defs>{_marker('arrow', 7, '#334155')}{_marker('arrow-side', 6, '#94a3b8')}</defs>",
    ]
    parts += [_edge(t, place, (t.source, t.target) in main) for t in flow.transitions]
    for state in flow.states:
        x, y = _box(*place[state.name])
        fill, stroke = "#ffffff", "#334155"
        if state.outcome == "success":
            fill, stroke = "#dcfce7", "#15803d"
        elif state.outcome == "failure":
            fill, stroke = "#f1f5f9", "#64748b"
        initial = state.name == flow.initial
        label = escape(state.label[:28] + ("…" if len(state.label) > 28 else ""))
        parts.append(
            f'<g><rect x="{x:.0f}" y="{y:.0f}" width="{_W}" height="{_H}" rx="10" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="{2 if initial else 1.2}"/>'
            f'<text x="{x + _W / 2:.0f}" y="{y + 19:.0f}" font-size="12" text-anchor="middle" '
            f'font-weight="bold" fill="#0f172a">{escape(state.name)}</text>'
            f'<text x="{x + _W / 2:.0f}" y="{y + 35:.0f}" font-size="9" text-anchor="middle" '
            f'fill="#475569">{label}<title>{escape(state.label)}</title></text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def flow_html(flow: FlowGraph) -> str:
    """Return the notebook view of a flow: its SVG diagram and its Mermaid text."""
    terminal = ", ".join(flow.terminal_states)
    return (
        '<div class="supportkit-flow">'
        f"<p><strong>{escape(flow.name)}</strong>: {len(flow.states)} states, "
        f"{len(flow.transitions)} transitions, starts in <code>{escape(flow.initial)}</code>, "
        f"ends in {escape(terminal)}.</p>"
        f'<div style="overflow-x:auto">{flow_svg(flow)}</div>'
        "<details><summary>Mermaid</summary>"
        f"<pre>{escape(to_mermaid(flow))}</pre></details></div>"
    )


def _cell_hours(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} h"


def funnel_html(
    flow: str, total: int, rows: Sequence[Mapping[str, Any]], ended: Sequence[tuple[str, int]]
) -> str:
    """Return a funnel as an HTML table: reached (with a bar), conversion, drop-off, times.

    Takes ``Funnel.rows()`` (plain data), so the funnel is built above this module.
    """
    top = max((r["reached"] for r in rows), default=0) or 1
    head = "".join(
        f'<th style="padding:0 8px">{h}</th>'
        for h in (
            "step",
            "reached",
            "",
            "conversion",
            "drop-off",
            "median in step",
            "p90 in step",
        )
    )
    body = []
    for r in rows:
        bar = round(200 * r["reached"] / top)
        lost = round(200 * r["drop_off"] / top)
        body.append(
            f"<tr><td><code>{escape(r['state'])}</code></td>"
            f'<td style="{_NUM}">{r["reached"]}</td>'
            f'<td><svg xmlns="http://www.w3.org/2000/svg" width="204" height="14" role="img">'
            f"<title>{r['reached']} reached, {r['drop_off']} dropped off</title>"
            f'<rect x="0" y="2" width="{bar}" height="10" fill="#2563eb"/>'
            f'<rect x="{bar - lost}" y="2" width="{lost}" height="10" fill="#f97316"/></svg></td>'
            f'<td style="{_NUM}">{r["conversion"]:.0%}</td>'
            f'<td style="{_NUM}">{r["drop_off"]} ({r["drop_share"]:.0%})</td>'
            f'<td style="{_NUM}">{_cell_hours(r["median_hours"])}</td>'
            f'<td style="{_NUM}">{_cell_hours(r["p90_hours"])}</td></tr>'
        )
    finished = ", ".join(f"{escape(state)} {n}" for state, n in ended) or "none yet"
    return (
        '<div class="supportkit-funnel">'
        f"<p><strong>Funnel of {escape(flow)}</strong>: {total} journeys; "
        "bars: reached (blue), of which dropped off before the next step (orange); time in "
        f"step in working hours. Ended: {finished}.</p>"
        '<table style="border-collapse:collapse">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )
