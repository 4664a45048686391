"""The weekly report as a self-contained HTML page (and the notebook fragment).

Inline SVG charts from :mod:`._charts`, no JavaScript, no network; readable when
printed. The wording (summary rows, definitions, labels) is :mod:`._render`'s, so the
page and the terminal say the same things.
"""

from __future__ import annotations

import datetime as _dt
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
from supportkit.metrics._render import (
    DEFINITIONS,
    as_of_text,
    header_lines,
    pct,
    sla_label,
    summary_rows,
    top_line,
    week_label,
)
from supportkit.metrics._reportdata import ReportData
from supportkit.metrics._results import format_duration

__all__ = ["charts", "fragment", "html"]


def _sla_charts(report: ReportData, goal: float) -> list[str]:
    out = []
    weeks = [w.week for w in report.weeks]
    labels = [week_label(w.week, w.partial) for w in report.weeks]
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
    labels = [week_label(w.week, w.partial) for w in report.weeks]
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
        "<p>" + "<br>".join(escape(line) for line in header_lines(report)) + "</p>",
        f'<div class="wide"><table class="summary">{summary}</table></div>',
    ]
    if report.sla:
        parts.append(f"<h2>SLA at {escape(as_of_text(report))}</h2>")
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
                    week_label(w.week, w.partial),
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
            [[p.period, top_line(p.top)] for p in report.top],
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
