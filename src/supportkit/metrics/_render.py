"""Render the weekly report's data as text (80 columns) or Markdown; shared wording.

Reads :class:`~supportkit.metrics._reportdata.ReportData` only (the data model sits
below, :class:`~supportkit.metrics.Report` above). The HTML page is in :mod:`._html`,
its charts in :mod:`._charts`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Final

from supportkit.metrics._reportdata import ReportData, SLALine
from supportkit.metrics._results import Distribution, Rate, format_duration

__all__ = [
    "DEFINITIONS",
    "WIDTH",
    "as_of_text",
    "header_lines",
    "markdown",
    "pct",
    "sla_label",
    "summary_rows",
    "text",
    "top_line",
    "week_label",
    "zone_phrase",
]

#: Terminal width the text report fits.
WIDTH: Final = 80

#: One line per number of the report: what it counts (shown in the HTML and the docs).
DEFINITIONS: Final = (
    ("CSAT", "share of rated tickets rated 4-5 of 5 (or 'good'); Wilson 95% interval"),
    ("Mean rating", "mean of the numeric 1-5 ratings"),
    (
        "Automation rate",
        "share of tickets a bot or rule replied to and no agent ever did (from the events)",
    ),
    ("First response", "creation to the first agent reply; tickets without one are counted"),
    ("Resolution", "creation to the last solve; tickets not solved now are counted"),
    ("Reopened", "share of tickets solved at some point that were opened again"),
    ("One-touch", "share of solved tickets with agent replies that needed exactly one"),
    ("Backlog", "created minus solved per ISO week; growth runs use full weeks only"),
    (
        "SLA attainment",
        "achieved / (achieved + breached) clocks; still-running clocks shown beside it",
    ),
)

_METRIC_NAMES: Final = {
    "first_response": "first response",
    "next_response": "next response",
    "periodic_update": "periodic update",
    "pausable_update": "pausable update",
    "resolution": "resolution",
    "requester_wait": "requester wait",
    "agent_work": "agent work",
}


def pct(value: float | None, digits: int = 1) -> str:
    """Return ``value`` (0..1) in the report's one percent style: ``91.9%``.

    >>> pct(0.9193), pct(None)
    ('91.9%', '—')
    """
    return "—" if value is None else f"{100 * value:.{digits}f}%"


def _rate_line(rate: Rate, what: str) -> str:
    if rate.value is None:
        return f"no data ({what}: 0)"
    return (
        f"{pct(rate.value)}  ({rate.successes} of {rate.count} {what}; 95% CI "
        f"{pct(rate.low)}–{pct(rate.high)})"
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


def zone_phrase(report: ReportData) -> str:
    """Say which zone the weeks are cut in and why."""
    if report.tz_source == "data":
        return f"ISO weeks in {report.tz} (the most common offset of created_at)"
    if report.tz_source == "default":
        return "ISO weeks in UTC (no dated tickets)"
    return f"ISO weeks in {report.tz}, as asked"


def header_lines(report: ReportData) -> list[str]:
    span = f"{report.first_day} – {report.last_day}" if report.first_day is not None else "no dates"
    clock = "working time" if report.working_time else "calendar time"
    lines = [f"{report.tickets} tickets, {span}", zone_phrase(report)]
    tail = f"durations in {clock}"
    if report.partial_weeks:
        tail += "; partial weeks (marked *): " + ", ".join(report.partial_weeks)
    lines.append(tail)
    return lines


def week_label(week: str, partial: bool) -> str:
    return f"{week}*" if partial else week


def _backlog_line(report: ReportData) -> str:
    trend = report.trend or report.backlog
    partial = set(report.partial_weeks)
    full = [p for p in trend.periods if p.period not in partial]
    if not full:
        return "no full week in the data"
    last = full[-1]
    text = f"{last.open} open at the end of {last.period}, the last full week"
    if trend.runs:
        first, end = trend.runs[-1]
        weeks = sum(first <= p.period <= end for p in full)
        text += f"\ngrew every week {first}..{end} ({weeks} weeks)"
        text += ": SNOWBALL" if trend.snowball else ", then stopped"
    else:
        text += f"\nno {trend.k} growing full weeks in a row"
    later = [p for p in trend.periods if p.period in partial and p.period > last.period]
    if later:
        text += f"\n{later[-1].period}* (partial): {later[-1].open} open so far"
    return text


def summary_rows(report: ReportData) -> list[tuple[str, str]]:
    """Return the summary as ``(name, value)``; a value may hold ``\\n`` line breaks."""
    channels = ", ".join(
        f"{name} {pct(rate.value)}" for name, rate in report.automation_by_channel.items()
    )
    mean = report.mean_rating
    mean_text = (
        "no data"
        if mean.value is None
        else f"{mean.value:.2f} of {mean.of}  "
        f"(n={mean.count}; 95% CI {mean.low:.2f}–{mean.high:.2f})"
    )
    return [
        ("CSAT", _rate_line(report.csat, "rated")),
        ("Mean rating (1–5)", mean_text),
        (
            "Automation rate",
            _rate_line(report.automation, "tickets")
            + "\nbot or rule replied, no agent did"
            + (f"\nby channel: {channels}" if channels else ""),
        ),
        (
            "First response",
            _dist_line(report.response) + f"\n{report.unanswered} without an agent reply",
        ),
        ("Resolution", _dist_line(report.resolution) + f"\n{report.unresolved} not resolved"),
        ("Reopened", _rate_line(report.reopen, "resolved")),
        ("One-touch", _rate_line(report.one_touch, "agent-resolved")),
        ("Backlog", _backlog_line(report)),
    ]


def sla_label(line: SLALine) -> str:
    """``first response in 1m 40s``."""
    return f"{_METRIC_NAMES.get(line.metric, line.metric)} in {format_duration(line.target)}"


def _counts(line: SLALine | object) -> str:
    achieved = getattr(line, "achieved", 0)
    breached = getattr(line, "breached", 0)
    running = getattr(line, "running", 0)
    return f"{achieved} achieved, {breached} breached, {running} running"


def as_of_text(report: ReportData) -> str:
    if report.as_of is None:
        return "no clocks"
    return report.as_of.strftime("%Y-%m-%d %H:%M %Z").strip()


def _wrap(key: str, value: str, width: int) -> list[str]:
    out = []
    for i, part in enumerate(value.split("\n")):
        pieces = textwrap.wrap(
            part.strip(),
            WIDTH - width - 2,
            break_long_words=False,
            break_on_hyphens=False,
        ) or [""]
        for j, piece in enumerate(pieces):
            label = key if i == 0 and j == 0 else ""
            out.append(f"{label:<{width}}  {piece}".rstrip())
    return out


def _top_items(period_top: Sequence[object]) -> list[str]:
    parts = []
    for c in period_top:
        change = "" if c.change is None else f" ({c.change:+d})"  # type: ignore[attr-defined]
        parts.append(f"{c.category} {c.count}{change}")  # type: ignore[attr-defined]
    return parts


def top_line(period_top: Sequence[object]) -> str:
    return " · ".join(_top_items(period_top)) or "—"


def _lay_out(head: str, items: Sequence[str], *, indent: int, sep: str = " · ") -> list[str]:
    """Lay ``items`` out after ``head`` in :data:`WIDTH` columns, never splitting one."""
    lines = [head.rstrip()]
    for i, item in enumerate(items):
        piece = item if i == 0 else sep.strip() + " " + item
        room = WIDTH - max(indent, len(head))
        if len(piece) > room:  # a name longer than a line: cut it, say so with "…"
            piece = piece[: room - 1] + "…"
        if i and len(lines[-1]) + 1 + len(piece) > WIDTH:
            lines.append(" " * indent + piece)
        else:
            lines[-1] += (" " if i else " " * (len(head) - len(head.rstrip()))) + piece
    if not items:
        lines[-1] = head + "—"
    return lines


def text(report: ReportData) -> str:
    """Return the terminal report (every line at most :data:`WIDTH` characters)."""
    head = header_lines(report)
    lines = [f"Weekly support report: {head[0]}"]
    for part in head[1:]:
        lines += textwrap.wrap(part, WIDTH, break_on_hyphens=False)
    lines.append("")
    rows = summary_rows(report)
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        lines += _wrap(key, value, width)
    if report.sla:
        lines += ["", f"SLA at {as_of_text(report)} (achieved / breached / still running):"]
        policy = None
        for line in report.sla:
            if line.policy != policy:
                policy = line.policy
                lines += textwrap.wrap(f"{line.policy} — covers {line.covers}", WIDTH)
            lines.append(
                f"  {sla_label(line):<28} {pct(line.attainment.value):>6}  {_counts(line)}"
            )
            if line.stopped:
                lines.append(f"  {'':<28} {'':>6}  {line.stopped} solved before it, not counted")
    lines += ["", f"{'week':<10} {'tickets':>7} {'CSAT':>6} {'median reply':>12}"]
    for w in report.weeks:
        lines.append(
            f"{week_label(w.week, w.partial):<10} {w.tickets:>7} {pct(w.csat.value):>6} "
            f"{format_duration(w.response.p50):>12}"
        )
    if report.top:
        lines += ["", "Top categories (change vs previous week):"]
        for p in report.top:
            lines += _lay_out(f"{p.period}  ", _top_items(p.top), indent=10)
    return "\n".join(lines) + "\n"


def markdown(report: ReportData) -> str:
    """Return the report as Markdown (tables render on GitHub, GitLab, wikis)."""
    head = "<br>".join(header_lines(report))
    out = [f"# Weekly support report\n\n{head}\n", "| metric | value |", "|---|---|"]
    for key, value in summary_rows(report):
        out.append(f"| {key} | {value.replace(chr(10), '<br>')} |")
    if report.sla:
        out += [
            "",
            f"## SLA at {as_of_text(report)}",
            "",
            "| policy (covers) | target | attained | achieved | breached | running |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for line in report.sla:
            out.append(
                f"| {line.policy} ({line.covers}) | {sla_label(line)} | "
                f"{pct(line.attainment.value)} | {line.achieved} | {line.breached} | "
                f"{line.running} |"
            )
    out += [
        "",
        "## Weeks",
        "",
        "| week | tickets | CSAT | median first response |",
        "|---|---:|---:|---:|",
    ]
    for w in report.weeks:
        out.append(
            f"| {week_label(w.week, w.partial)} | {w.tickets} | {pct(w.csat.value)} | "
            f"{format_duration(w.response.p50)} |"
        )
    out += [
        "",
        "## Top categories",
        "",
        "| week | categories (change vs previous week) |",
        "|---|---|",
    ]
    for p in report.top:
        out.append(f"| {p.period} | {top_line(p.top)} |")
    out += ["", "## First-response times", "", "| bin | tickets |", "|---|---:|"]
    out.extend(f"| {label} | {n} |" for label, n in report.response_histogram)
    return "\n".join(out) + "\n"
