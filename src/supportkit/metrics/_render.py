"""Render the weekly report's data as text (80 columns), Markdown or HTML with inline SVG.

Reads :class:`~supportkit.metrics._reportdata.ReportData` only (the data model sits
below, :class:`~supportkit.metrics.Report` above). The charts are in :mod:`._charts`;
the HTML page is self-contained, needs no JavaScript and prints as it shows.
"""

from __future__ import annotations

import datetime as _dt
import textwrap
from collections.abc import Sequence
from html import escape
from typing import Final

from supportkit.metrics._charts import (
    attainment_chart,
    bar_chart,
    funnel_chart,
    heat_maps,
    line_chart,
    staffing_chart,
)
from supportkit.metrics._reportdata import ReportData, SLALine
from supportkit.metrics._results import Distribution, Rate, format_duration

__all__ = [
    "DEFINITIONS",
    "WIDTH",
    "bar_chart",
    "charts",
    "fragment",
    "html",
    "line_chart",
    "markdown",
    "pct",
    "text",
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


def _header_lines(report: ReportData) -> list[str]:
    span = f"{report.first_day} – {report.last_day}" if report.first_day is not None else "no dates"
    clock = "working time" if report.working_time else "calendar time"
    lines = [f"{report.tickets} tickets, {span}", zone_phrase(report)]
    tail = f"durations in {clock}"
    if report.partial_weeks:
        tail += "; partial weeks (marked *): " + ", ".join(report.partial_weeks)
    lines.append(tail)
    return lines


def _week_label(week: str, partial: bool) -> str:
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


def _as_of(report: ReportData) -> str:
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


def _top_line(period_top: Sequence[object]) -> str:
    parts = []
    for c in period_top:
        change = "" if c.change is None else f" ({c.change:+d})"  # type: ignore[attr-defined]
        parts.append(f"{c.category} {c.count}{change}")  # type: ignore[attr-defined]
    return " · ".join(parts) or "—"


def text(report: ReportData) -> str:
    """Return the terminal report (every line at most :data:`WIDTH` characters)."""
    head = _header_lines(report)
    lines = [f"Weekly support report: {head[0]}"]
    for part in head[1:]:
        lines += textwrap.wrap(part, WIDTH, break_on_hyphens=False)
    lines.append("")
    rows = summary_rows(report)
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        lines += _wrap(key, value, width)
    if report.sla:
        lines += ["", f"SLA at {_as_of(report)} (achieved / breached / still running):"]
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
            f"{_week_label(w.week, w.partial):<10} {w.tickets:>7} {pct(w.csat.value):>6} "
            f"{format_duration(w.response.p50):>12}"
        )
    if report.top:
        lines += ["", "Top categories (change vs previous week):"]
        for p in report.top:
            lines += textwrap.wrap(
                f"{p.period}  {_top_line(p.top)}",
                WIDTH,
                subsequent_indent=" " * 10,
                break_on_hyphens=False,
            )
    return "\n".join(lines) + "\n"


def markdown(report: ReportData) -> str:
    """Return the report as Markdown (tables render on GitHub, GitLab, wikis)."""
    head = "<br>".join(_header_lines(report))
    out = [f"# Weekly support report\n\n{head}\n", "| metric | value |", "|---|---|"]
    for key, value in summary_rows(report):
        out.append(f"| {key} | {value.replace(chr(10), '<br>')} |")
    if report.sla:
        out += [
            "",
            f"## SLA at {_as_of(report)}",
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
            f"| {_week_label(w.week, w.partial)} | {w.tickets} | {pct(w.csat.value)} | "
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
        out.append(f"| {p.period} | {_top_line(p.top)} |")
    out += ["", "## First-response times", "", "| bin | tickets |", "|---|---:|"]
    out.extend(f"| {label} | {n} |" for label, n in report.response_histogram)
    return "\n".join(out) + "\n"


def _sla_charts(report: ReportData, goal: float) -> list[str]:
    out = []
    weeks = [w.week for w in report.weeks]
    labels = [_week_label(w.week, w.partial) for w in report.weeks]
    policies = list(dict.fromkeys(line.policy for line in report.sla))
    for policy in policies:
        series = []
        for line in report.sla:
            if line.policy != policy:
                continue
            by_week = {w.week: w.attainment.value for w in line.weeks}
            series.append((sla_label(line), [by_week.get(w) for w in weeks]))
        covers = next(line.covers for line in report.sla if line.policy == policy)
        out.append(
            attainment_chart(
                f"sla-{policy}",
                f"SLA attainment per week: {policy} ({covers})",
                labels,
                series,
                goal,
                x_title="ISO week of creation (* partial)",
                y_title="attained, % of decided clocks",
            )
        )
    return out


def charts(report: ReportData) -> list[str]:
    """Return the report's SVG charts (the sections with no data are left out)."""
    labels = [_week_label(w.week, w.partial) for w in report.weeks]
    out = [
        bar_chart(
            "tickets-per-week",
            "Tickets created per week",
            labels,
            [w.tickets for w in report.weeks],
            x_title="ISO week (* partial week)",
            y_title="tickets",
            faint=[w.partial for w in report.weeks],
        ),
        line_chart(
            "csat-per-week",
            "CSAT per week (band: 95% Wilson interval)",
            labels,
            [w.csat.value for w in report.weeks],
            [w.csat.low for w in report.weeks],
            [w.csat.high for w in report.weeks],
            x_title="ISO week (* partial week)",
            y_title="CSAT, % of rated tickets",
        ),
        bar_chart(
            "first-response-times",
            "First-response time distribution",
            [label for label, _ in report.response_histogram],
            [n for _, n in report.response_histogram],
            x_title="time to the first agent reply",
            y_title="tickets",
        ),
    ]
    out += _sla_charts(report, report.sla_goal)
    if report.arrivals and report.tickets:
        panels: list[tuple[str, Sequence[Sequence[float]]]] = [
            ("tickets created (all weeks)", report.arrivals)
        ]
        if report.on_duty:
            panels.append(("agents on duty (mean)", report.on_duty))
        out.append(
            heat_maps(
                "arrivals-and-duty",
                f"Arrivals by weekday and hour, {report.tz}"
                + (" — beside the agents on duty" if report.on_duty else ""),
                panels,
                x_title="hour of the day",
                y_title="weekday",
            )
        )
    if report.staffing and report.staffing_basis is not None:
        aht, answer, level = report.staffing_basis
        out.append(
            staffing_chart(
                "staffing",
                "Agents per hour of a mean day: needed against scheduled",
                [h.needed for h in report.staffing],
                [h.scheduled for h in report.staffing],
                basis=f"Erlang C: {pct(level, 0)} answered in "
                f"{format_duration(_dt.timedelta(seconds=answer))}, "
                f"{format_duration(_dt.timedelta(seconds=aht))} handling",
                x_title=f"hour of the day ({report.tz})",
                y_title="agents",
            )
        )
    if report.funnel:
        out.append(
            funnel_chart(
                "funnel",
                f"Onboarding funnel: {report.funnel_name} (red: dropped off at the step)",
                [
                    (
                        f.state,
                        f.reached,
                        f.drop_off,
                        "" if f.median is None else format_duration(f.median),
                    )
                    for f in report.funnel
                ],
                x_title="journeys",
                y_title="step",
            )
        )
    return out


_CSS: Final = (
    ".sk-report{font-family:system-ui,sans-serif;color:#222;max-width:1200px;"
    "margin:0 auto;padding:0 1em}"
    ".sk-report table{border-collapse:collapse;margin:1em 0}"
    ".sk-report td,.sk-report th{border-bottom:1px solid #ddd;padding:4px 10px;"
    "text-align:left;vertical-align:top;white-space:nowrap}"
    ".sk-report td.n{text-align:right}.sk-report h1{font-size:1.5em}"
    ".sk-report figure{margin:1.5em 0;break-inside:avoid}"
    ".sk-report svg{max-width:100%;height:auto}.sk-report .wide{overflow-x:auto}"
    "@media print{.sk-report{max-width:none}}"
)


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> str:
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=n' if i in numeric else ''}>{escape(c)}</td>" for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f'<div class="wide"><table><tr>{cells}</tr>{body}</table></div>'


def fragment(report: ReportData) -> str:
    """Return the report as an HTML fragment (what notebooks show: ``_repr_html_``)."""
    summary = "".join(
        f"<tr><th>{escape(k)}</th><td>{escape(v).replace(chr(10), '<br>')}</td></tr>"
        for k, v in summary_rows(report)
    )
    parts = [
        f"<style>{_CSS}</style>",
        '<div class="sk-report"><h1>Weekly support report</h1>',
        "<p>" + "<br>".join(escape(line) for line in _header_lines(report)) + "</p>",
        f'<div class="wide"><table class="summary">{summary}</table></div>',
    ]
    if report.sla:
        parts.append(f"<h2>SLA at {escape(_as_of(report))}</h2>")
        parts.append(
            _table(
                ["policy", "covers", "target", "attained", "achieved", "breached", "running"],
                [
                    [
                        line.policy,
                        line.covers,
                        sla_label(line),
                        pct(line.attainment.value),
                        str(line.achieved),
                        str(line.breached),
                        str(line.running),
                    ]
                    for line in report.sla
                ],
                {3, 4, 5, 6},
            )
        )
    parts += [f"<figure>{svg}</figure>" for svg in charts(report)]
    parts.append("<h2>Weeks</h2>")
    parts.append(
        _table(
            ["week", "tickets", "CSAT", "median first response"],
            [
                [
                    _week_label(w.week, w.partial),
                    str(w.tickets),
                    pct(w.csat.value),
                    format_duration(w.response.p50),
                ]
                for w in report.weeks
            ],
            {1, 2, 3},
        )
    )
    parts.append("<h2>Top categories</h2>")
    parts.append(
        _table(
            ["week", "categories (change vs previous week)"],
            [[p.period, _top_line(p.top)] for p in report.top],
            set(),
        )
    )
    parts.append("<h2>What each number counts</h2>")
    parts.append(_table(["number", "definition"], [list(d) for d in DEFINITIONS], set()))
    parts.append("</div>")
    return "".join(parts)


def html(report: ReportData) -> str:
    """Return a self-contained HTML page with the report and its inline SVG charts."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Weekly support report</title></head><body>"
        f"{fragment(report)}</body></html>\n"
    )
