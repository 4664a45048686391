"""The optional parts of the weekly report: SLA per policy and week, staffing, the funnel.

Built on :mod:`supportkit.sla`'s public API (``PolicySet``, ``coverage``, ``erlang_c``);
the onboarding funnel is read by its attributes only (``metrics`` does not import
``onboarding``). Each builder returns the value types of :mod:`._reportdata`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from typing import Any, Final

from supportkit._time import to_timedelta
from supportkit.exceptions import InvalidArgument, InvalidValue
from supportkit.metrics._checks import finite
from supportkit.metrics._operations import rate
from supportkit.metrics._reportdata import FunnelLine, SLALine, SLAWeek, StaffingHour
from supportkit.metrics._results import BacklogPeriod, BacklogTrend
from supportkit.sla import PolicySet, coverage, erlang_c

__all__ = [
    "OUTCOMES",
    "SLAWeeks",
    "covers",
    "full_week_trend",
    "funnel_lines",
    "on_duty",
    "outcome",
    "partial_weeks",
    "section_options",
    "staffing",
]

#: What an SLA clock can be at the report's ``as_of``, in the order reports show them.
OUTCOMES: Final = ("achieved", "breached", "running", "stopped")
_HOUR: Final = _dt.timedelta(hours=1)


def outcome(item: Any, now: _dt.datetime | None) -> str | None:
    """Return what one SLA clock (a ``MetricResult``) is at ``now``: see :data:`OUTCOMES`.

    Computed from ``breached``, ``achieved_at``, ``stopped_at`` and ``due_at``, so it
    does not depend on the names of ``state``; ``None`` for a clock that never started.
    An open clock past its due time at ``now`` is breached, one not yet due is running.
    """
    if getattr(item, "started_at", True) is None or getattr(item, "state", None) == "idle":
        return None
    if item.breached:
        return "breached"
    if item.achieved_at is not None:
        return "achieved"
    if getattr(item, "stopped_at", None) is not None:
        return "stopped"
    due = item.due_at
    if now is not None and due is not None and due < now and not getattr(item, "paused", False):
        return "breached"
    return "running"


def covers(policies: PolicySet, index: int) -> str:
    """Say in words which tickets policy ``index`` of ``policies`` covers."""
    where = policies.policies[index].applies_to
    parts = []
    for label, values in (
        ("channel", where.channel),
        ("priority", where.priority),
        ("tags", where.tags_any),
        ("all tags", where.tags_all),
        ("not tags", where.tags_none),
    ):
        if values:
            parts.append(f"{label} {', '.join(values)}")
    parts.extend(f"{name} {', '.join(values)}" for name, values in where.fields)
    if parts:
        return "; ".join(parts)
    return "every ticket" if index == 0 else "every ticket not covered above"


class SLAWeeks:
    """Count each policy's SLA clocks per ISO week of creation, as of one instant.

    Open clocks are kept as their due times until :meth:`result` knows ``as_of`` (the
    latest instant of the data when no ``now`` is given), so partial accumulators
    merge exactly.
    """

    __slots__ = ("_counts", "_latest", "_now", "_open", "policies")

    def __init__(self, policies: Any, now: _dt.datetime | None) -> None:
        if not isinstance(policies, PolicySet):
            raise InvalidArgument(
                f"policies must be a supportkit.sla.PolicySet (got {type(policies).__name__}); "
                "build one with PolicySet([SLAPolicy(...), ...]).",
                field="policies",
                value=policies,
            )
        self.policies = policies
        self._now = now
        self._latest: _dt.datetime | None = None
        # (policy, metric, week) -> [achieved, breached, stopped]; open clocks' due times.
        self._counts: dict[tuple[str, str, str], list[int]] = {}
        self._open: dict[tuple[str, str, str], list[_dt.datetime | None]] = {}

    def add(self, ticket: Any, week: str | None, *, strict: bool) -> None:
        """Evaluate one ticket's clocks and count them under ``week``."""
        if week is None:
            return
        report = self.policies.evaluate(ticket, now=self._now, strict=strict)
        if self._latest is None or report.as_of > self._latest:
            self._latest = report.as_of
        for metric, item in report.items():
            key = (item.policy, metric, week)
            state = outcome(item, self._now)
            if state is None:
                continue
            if state == "running":
                self._open.setdefault(key, []).append(item.due_at)
                continue
            counts = self._counts.setdefault(key, [0, 0, 0])
            counts[("achieved", "breached", "stopped").index(state)] += 1

    def merge(self, other: SLAWeeks) -> None:
        """Add another accumulator's counts."""
        for key, counts in other._counts.items():
            mine = self._counts.setdefault(key, [0, 0, 0])
            for i, n in enumerate(counts):
                mine[i] += n
        for key, dues in other._open.items():
            self._open.setdefault(key, []).extend(dues)
        if other._latest is not None and (self._latest is None or other._latest > self._latest):
            self._latest = other._latest

    @property
    def as_of(self) -> _dt.datetime | None:
        """The instant open clocks are judged at: ``now``, or the data's latest instant."""
        return self._now if self._now is not None else self._latest

    def result(self) -> tuple[SLALine, ...]:
        """Return one :class:`SLALine` per policy and metric, in policy and metric order."""
        as_of = self.as_of
        table: dict[tuple[str, str, str], list[int]] = {
            key: [*counts, 0] for key, counts in self._counts.items()
        }
        for key, dues in self._open.items():
            row = table.setdefault(key, [0, 0, 0, 0])
            for due in dues:
                late = as_of is not None and due is not None and due < as_of
                row[1 if late else 3] += 1
        lines = []
        for index, policy in enumerate(self.policies.policies):
            for metric, target in policy.targets.items():
                weeks = []
                total = [0, 0, 0, 0]
                for (name, m, week), row in sorted(table.items()):
                    if (name, m) != (policy.name, metric):
                        continue
                    achieved, breached, stopped, running = row
                    weeks.append(
                        SLAWeek(
                            week=week,
                            achieved=achieved,
                            breached=breached,
                            running=running,
                            stopped=stopped,
                            attainment=rate(achieved, achieved + breached),
                        )
                    )
                    total = [a + b for a, b in zip(total, row, strict=True)]
                lines.append(
                    SLALine(
                        policy=policy.name,
                        covers=covers(self.policies, index),
                        metric=metric,
                        target=target,
                        achieved=total[0],
                        breached=total[1],
                        running=total[3],
                        stopped=total[2],
                        attainment=rate(total[0], total[0] + total[1]),
                        weeks=tuple(weeks),
                    )
                )
        return tuple(lines)

    def __getstate__(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)


def partial_weeks(
    keys: Iterable[str], first: _dt.date | None, last: _dt.date | None
) -> frozenset[str]:
    """Return the week keys among ``keys`` that the data ``first..last`` covers only in part.

    A week is full when the data starts on or before its Monday and ends on or after
    its Sunday; weeks wholly outside the data (closures after the last creation day)
    are partial too.
    """
    if first is None or last is None:
        return frozenset(keys)
    out = set()
    for key in keys:
        monday = _dt.date.fromisocalendar(int(key[:4]), int(key[6:]), 1)
        if monday < first or monday + _dt.timedelta(days=6) > last:
            out.add(key)
    return frozenset(out)


def full_week_trend(trend: BacklogTrend, partial: frozenset[str]) -> BacklogTrend:
    """Return ``trend`` with growth runs and the snowball flag decided on full weeks only.

    The periods are kept (each with its open count); a partial week is never part
    of a run, and the snowball flag asks whether the last *full* week ends a run.
    """
    periods: tuple[BacklogPeriod, ...] = trend.periods
    full = [p for p in periods if p.period not in partial]
    runs: list[tuple[str, str]] = []
    start: int | None = None
    for i, p in enumerate([*full, None]):
        if p is not None and p.growing:
            start = i if start is None else start
            continue
        if start is not None and i - start >= trend.k:
            runs.append((full[start].period, full[i - 1].period))
        start = None
    snowball = bool(runs) and runs[-1][1] == full[-1].period
    return BacklogTrend(periods=periods, k=trend.k, runs=tuple(runs), snowball=snowball)


def on_duty(
    crews: Mapping[str, Any], monday: _dt.datetime, weeks: int
) -> tuple[tuple[float, ...], ...]:
    """Return mean agents on duty per weekday (0 = Monday) and hour over ``weeks`` weeks."""
    sums = [[0.0] * 24 for _ in range(7)]
    end = monday + _dt.timedelta(days=7 * weeks)
    for slot in coverage(crews, monday, end, step=_HOUR):
        local = slot.start.astimezone(monday.tzinfo)
        sums[local.weekday()][local.hour] += slot.agents
    return tuple(tuple(round(v / weeks, 3) for v in row) for row in sums)


def staffing(
    arrivals: tuple[tuple[int, ...], ...],
    days: int,
    duty: tuple[tuple[float, ...], ...],
    basis: tuple[float, float, float],
) -> tuple[StaffingHour, ...]:
    """Return agents needed (Erlang C, mean day of the data) against agents scheduled."""
    aht, answer, level = basis
    out = []
    for hour in range(24):
        mean = sum(row[hour] for row in arrivals) / max(days, 1)
        needed = erlang_c.agents_needed(mean, aht, answer, level) if mean > 0 else 0
        scheduled = sum(row[hour] for row in duty) / 7 if duty else 0.0
        out.append(
            StaffingHour(
                hour=hour, arrivals=round(mean, 3), needed=needed, scheduled=round(scheduled, 3)
            )
        )
    return tuple(out)


def section_options(  # noqa: PLR0917 - the report's own options, passed through
    crews: Any,
    aht: Any,
    answer_within: Any,
    service_level: Any,
    sla_goal: Any,
    funnel: Any,
) -> tuple[
    Mapping[str, Any] | None,
    tuple[float, float, float] | None,
    float,
    tuple[str, tuple[FunnelLine, ...]] | None,
]:
    """Check the report's optional sections' options; return them ready to use."""
    if crews is not None and not isinstance(crews, Mapping):
        raise InvalidArgument(
            f"crews must be a mapping of name to supportkit.sla.Crew (got {type(crews).__name__}).",
            field="crews",
            value=crews,
        )
    basis = None
    if aht is not None:
        basis = (
            to_timedelta(aht, field="aht").total_seconds(),
            to_timedelta(answer_within, field="answer_within").total_seconds(),
            finite(service_level, field="service_level"),
        )
        staffing(((1,) * 24,), 1, (), basis)  # Erlang C checks the values once, up front
    if isinstance(sla_goal, bool) or not isinstance(sla_goal, (int, float)):
        raise InvalidArgument(
            f"sla_goal must be a number in 0..1 (got {type(sla_goal).__name__}).",
            field="sla_goal",
            value=sla_goal,
        )
    if not 0 <= sla_goal <= 1:
        raise InvalidValue(
            f"sla_goal must be in 0..1, e.g. 0.9 for 90% (got {sla_goal!r}).",
            field="sla_goal",
            value=sla_goal,
        )
    return crews, basis, float(sla_goal), None if funnel is None else funnel_lines(funnel)


def funnel_lines(funnel: Any) -> tuple[str, tuple[FunnelLine, ...]]:
    """Read an onboarding ``Funnel`` (``.flow``, ``.steps``) into report lines."""
    steps = getattr(funnel, "steps", None)
    if steps is None:
        raise InvalidArgument(
            f"funnel must be a supportkit.onboarding.Funnel (got {type(funnel).__name__}); "
            "build one with supportkit.onboarding.funnel(journeys, flow).",
            field="funnel",
            value=funnel,
        )
    lines = tuple(
        FunnelLine(
            state=str(step.state),
            reached=int(step.reached),
            drop_off=int(step.drop_off),
            conversion=float(step.conversion),
            median=getattr(step, "median", None),
        )
        for step in steps
    )
    return str(getattr(funnel, "flow", "")), lines
