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

__all__ = [
    "FORMATS",
    "HISTOGRAM_BINS",
    "FunnelLine",
    "ReportData",
    "SLALine",
    "SLAWeek",
    "StaffingHour",
    "WeekRow",
]

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
        partial: The data covers only part of the week (it starts after the Monday
            or ends before the Sunday); a partial week never decides a trend.
    """

    week: str
    start: _dt.date
    tickets: int
    csat: Rate
    response: Distribution
    partial: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "week": self.week,
            "start": self.start.isoformat(),
            "tickets": self.tickets,
            "csat": self.csat.to_dict(),
            "response": self.response.to_dict(),
            "partial": self.partial,
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
                "partial": self.partial,
            }
        ]

    def __repr__(self) -> str:
        part = ", partial" if self.partial else ""
        return f"WeekRow({self.week}, {self.tickets} tickets, csat={self.csat!r}{part})"


def _iso(value: _dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _outcomes(clocks: SLAWeek | SLALine) -> dict[str, Any]:
    """The JSON form of the clock counts and the attainment (the same in both)."""
    return {
        "achieved": clocks.achieved,
        "breached": clocks.breached,
        "running": clocks.running,
        "stopped": clocks.stopped,
        "attainment": clocks.attainment.to_dict(),
    }


def _counted(clocks: SLAWeek | SLALine) -> str:
    return f"{clocks.achieved} achieved, {clocks.breached} breached, {clocks.running} running"


@attrs.frozen(repr=False)
class SLAWeek(_Pandas):
    """One SLA target in one ISO week (of the tickets' creation).

    Attributes:
        week: ``2024-W41``.
        achieved: Clocks that reached the target on time.
        breached: Clocks that missed it (including open clocks already past due).
        running: Clocks still open and not yet due at the report's ``as_of``.
        stopped: Clocks stopped without the target being reached (the ticket was
            solved first, before the deadline).
        attainment: ``achieved / (achieved + breached)`` with its Wilson interval;
            running and stopped clocks are not in it (they are shown beside it).
    """

    week: str
    achieved: int
    breached: int
    running: int
    stopped: int
    attainment: Rate

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {"week": self.week, **_outcomes(self)}

    def __repr__(self) -> str:
        return f"SLAWeek({self.week}: {_counted(self)})"


@attrs.frozen(repr=False)
class SLALine(_Pandas):
    """One SLA target of one policy over the whole report.

    Attributes:
        policy: The policy's name.
        covers: What the policy covers, in words (``"channel chat, messenger"``).
        metric: ``first_response``, ``next_response``, ``resolution``, ...
        target: The working time allowed.
        achieved, breached, running, stopped: As in :class:`SLAWeek`, summed.
        attainment: ``achieved / (achieved + breached)``.
        weeks: The same per ISO week of creation.
    """

    policy: str
    covers: str
    metric: str
    target: _dt.timedelta
    achieved: int
    breached: int
    running: int
    stopped: int
    attainment: Rate
    weeks: tuple[SLAWeek, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (the target in seconds)."""
        return {
            "policy": self.policy,
            "covers": self.covers,
            "metric": self.metric,
            "target": self.target.total_seconds(),
            **_outcomes(self),
            "weeks": [w.to_dict() for w in self.weeks],
        }

    def _rows(self) -> list[dict[str, Any]]:
        return [
            {
                "policy": self.policy,
                "metric": self.metric,
                **w.to_dict(),
                "attainment": w.attainment.value,
            }
            for w in self.weeks
        ]

    def __repr__(self) -> str:
        return f"SLALine({self.policy}/{self.metric}: {_counted(self)})"


@attrs.frozen(repr=False)
class StaffingHour(_Pandas):
    """Agents needed against agents scheduled in one hour of the day.

    Attributes:
        hour: 0..23 in the report's zone.
        arrivals: Mean tickets created in that hour, over the days of the data.
        needed: Agents Erlang C needs for ``arrivals`` an hour (the report's
            handling time, answer time and service level).
        scheduled: Mean agents on duty in that hour (from the crews' calendars).
    """

    hour: int
    arrivals: float
    needed: int
    scheduled: float

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return attrs.asdict(self)

    def __repr__(self) -> str:
        return (
            f"StaffingHour({self.hour:02d}:00, {self.arrivals:g}/h, needed {self.needed}, "
            f"scheduled {self.scheduled:g})"
        )


@attrs.frozen(repr=False)
class FunnelLine(_Pandas):
    """One step of an onboarding funnel, as the report shows it.

    Attributes:
        state: The step (a flow state).
        reached: Journeys that reached it.
        drop_off: Journeys that reached it and went no further.
        conversion: Share of the previous step's journeys that reached it (0..1).
        median: Median time spent in the step before moving on (``None``: unknown).
    """

    state: str
    reached: int
    drop_off: int
    conversion: float
    median: _dt.timedelta | None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (the median in seconds)."""
        return {
            "state": self.state,
            "reached": self.reached,
            "drop_off": self.drop_off,
            "conversion": self.conversion,
            "median": None if self.median is None else self.median.total_seconds(),
        }

    def __repr__(self) -> str:
        return f"FunnelLine({self.state}: {self.reached} reached, {self.drop_off} dropped)"


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
    tz_source: str = "option"
    partial_weeks: tuple[str, ...] = ()
    sla_goal: float = 0.9
    trend: BacklogTrend | None = None
    as_of: _dt.datetime | None = None
    sla: tuple[SLALine, ...] = ()
    arrivals: tuple[tuple[int, ...], ...] = ()
    days: int = 0
    on_duty: tuple[tuple[float, ...], ...] = ()
    staffing: tuple[StaffingHour, ...] = ()
    staffing_basis: tuple[float, float, float] | None = None
    funnel: tuple[FunnelLine, ...] = ()
    funnel_name: str = ""

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
            "tz_source": self.tz_source,
            "partial_weeks": list(self.partial_weeks),
            "sla_goal": self.sla_goal,
            "trend": None if self.trend is None else self.trend.to_dict(),
            "as_of": _iso(self.as_of),
            "sla": [line.to_dict() for line in self.sla],
            "arrivals": [list(row) for row in self.arrivals],
            "days": self.days,
            "on_duty": [list(row) for row in self.on_duty],
            "staffing": [h.to_dict() for h in self.staffing],
            "staffing_basis": None if self.staffing_basis is None else list(self.staffing_basis),
            "funnel": [f.to_dict() for f in self.funnel],
            "funnel_name": self.funnel_name,
        }

    def _rows(self) -> list[dict[str, Any]]:
        return [row for w in self.weeks for row in w._rows()]

    def __repr__(self) -> str:
        span = f"{self.first_day}..{self.last_day}" if self.first_day else "no data"
        return (
            f"Report({self.tickets} tickets, {span}, {len(self.weeks)} weeks, csat={self.csat!r})"
        )
