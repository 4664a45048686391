"""The weekly report's data model: value types only, no rendering, no accumulators.

The bottom of the report's modules: ``_render`` reads these types, ``_report`` builds
them (and adds :meth:`Report.render` on top of both).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any, Final

import attrs

from supportkit.metrics._results import (
    BacklogTrend,
    Distribution,
    Mean,
    Period,
    Rate,
    _Pandas,
)

__all__ = ["FORMATS", "HISTOGRAM_BINS", "ReportData", "WeekRow"]

#: Output formats of :meth:`Report.render` and ``supportkit report --format``.
FORMATS: Final = ("text", "json", "markdown", "html")

#: Edges (seconds) and labels of the response-time histogram.
HISTOGRAM_BINS: Final = (
    (60.0, 300.0, 900.0, 3600.0, 4 * 3600.0, 24 * 3600.0),
    ("< 1m", "1–5m", "5–15m", "15m–1h", "1–4h", "4–24h", "≥ 1d"),
)


@attrs.frozen(repr=False)
class WeekRow(_Pandas):
    """One ISO week of the report.

    Attributes:
        week: ``2024-W41``.
        start: The Monday.
        tickets: Tickets created that week.
        csat: CSAT of that week's rated tickets.
        response: First-response times of that week's tickets.
    """

    week: str
    start: _dt.date
    tickets: int
    csat: Rate
    response: Distribution

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "week": self.week,
            "start": self.start.isoformat(),
            "tickets": self.tickets,
            "csat": self.csat.to_dict(),
            "response": self.response.to_dict(),
        }

    def _rows(self) -> list[dict[str, Any]]:
        return [
            {
                "week": self.week,
                "start": self.start,
                "tickets": self.tickets,
                "csat": self.csat.value,
                "csat_count": self.csat.count,
                "response_p50_s": self.response.to_dict()["p50"],
                "response_p90_s": self.response.to_dict()["p90"],
            }
        ]

    def __repr__(self) -> str:
        return f"WeekRow({self.week}, {self.tickets} tickets, csat={self.csat!r})"


@attrs.frozen(repr=False)
class ReportData(_Pandas):
    """The numbers of the weekly report, without any rendering.

    :class:`~supportkit.metrics.Report` adds the renderers on top; the renderers read
    this class only, so the dependencies point one way (data <- rendering <- report).
    """

    tickets: int
    first_day: _dt.date | None
    last_day: _dt.date | None
    working_time: bool
    tz: str
    weeks: tuple[WeekRow, ...]
    csat: Rate
    mean_rating: Mean
    automation: Rate
    automation_by_channel: Mapping[str, Rate] = attrs.field(hash=False)
    response: Distribution
    resolution: Distribution
    reopen: Rate
    one_touch: Rate
    backlog: BacklogTrend
    top: tuple[Period, ...]
    response_histogram: tuple[tuple[str, int], ...]
    unanswered: int
    unresolved: int

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (what ``--format json`` prints)."""
        return {
            "tickets": self.tickets,
            "first_day": None if self.first_day is None else self.first_day.isoformat(),
            "last_day": None if self.last_day is None else self.last_day.isoformat(),
            "working_time": self.working_time,
            "tz": self.tz,
            "weeks": [w.to_dict() for w in self.weeks],
            "csat": self.csat.to_dict(),
            "mean_rating": self.mean_rating.to_dict(),
            "automation": self.automation.to_dict(),
            "automation_by_channel": {
                k: v.to_dict() for k, v in self.automation_by_channel.items()
            },
            "response": self.response.to_dict(),
            "resolution": self.resolution.to_dict(),
            "reopen": self.reopen.to_dict(),
            "one_touch": self.one_touch.to_dict(),
            "backlog": self.backlog.to_dict(),
            "top": [p.to_dict() for p in self.top],
            "response_histogram": [[label, n] for label, n in self.response_histogram],
            "unanswered": self.unanswered,
            "unresolved": self.unresolved,
        }

    def _rows(self) -> list[dict[str, Any]]:
        return [row for w in self.weeks for row in w._rows()]

    def __repr__(self) -> str:
        span = f"{self.first_day}..{self.last_day}" if self.first_day else "no data"
        return (
            f"Report({self.tickets} tickets, {span}, {len(self.weeks)} weeks, csat={self.csat!r})"
        )
