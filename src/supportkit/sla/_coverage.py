"""Coverage: who is on duty when, and where demand is left uncovered.

``coverage`` slices a period into slots and counts the agents on duty in each;
``gaps`` returns the intervals where a required calendar (24/7 chat, the Moscow
night) has fewer than ``min_agents`` on duty. Both work from each calendar's
``intervals(start, end)``, so any calendar shape (rotations, night shifts, holidays,
``a - b``) is handled the same way.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

import attrs

from supportkit._time import to_aware, to_timedelta
from supportkit.exceptions import InvalidArgument, InvalidValue

__all__ = ["Crew", "Slot", "coverage", "gaps"]

_Interval = tuple[_dt.datetime, _dt.datetime]


@runtime_checkable
class _HasIntervals(Protocol):
    def intervals(self, start: _dt.datetime, end: _dt.datetime) -> list[_Interval]:
        """Open intervals inside ``[start, end)``."""


def _positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidArgument(
            f"agents must be a non-negative int (got {value!r}).", field="agents", value=value
        )
    return value


@attrs.frozen
class Crew:
    """A crew: a working-time calendar and how many agents work it.

    >>> from supportkit.sla import Crew, WorkCalendar
    >>> Crew(WorkCalendar.always("Europe/Moscow"), agents=3).agents
    3
    """

    calendar: Any
    agents: int = attrs.field(default=1, converter=_positive_int)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (the calendar must have ``to_dict``)."""
        return {"calendar": self.calendar.to_dict(), "agents": self.agents}


@attrs.frozen
class Slot:
    """One slot of :func:`coverage`.

    Attributes:
        start: Slot start (aware).
        end: Slot end.
        agents: Mean agents on duty over the slot: a crew of 25 on duty for half
            the slot counts 12.5.
        crews: Names of the crews on duty at any time in the slot, sorted.
    """

    start: _dt.datetime
    end: _dt.datetime
    agents: float
    crews: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "agents": self.agents,
            "crews": list(self.crews),
        }


def _crews(crews: Any) -> list[tuple[str, Any, int]]:
    if not isinstance(crews, Mapping):
        raise InvalidArgument(
            f"crews must map a crew name to a WorkCalendar or a Crew (got {crews!r}).",
            field="crews",
            value=crews,
        )
    out: list[tuple[str, Any, int]] = []
    for name, value in crews.items():
        crew = value
        if isinstance(value, tuple) and len(value) == 2:
            crew = Crew(value[0], value[1])
        elif not isinstance(value, Crew):
            crew = Crew(value)
        if not isinstance(crew.calendar, _HasIntervals):
            raise InvalidArgument(
                f"crews[{name!r}] must be a WorkCalendar, a Crew or (calendar, agents) "
                f"(got {value!r}).",
                field=f"crews[{name!r}]",
                value=value,
            )
        out.append((str(name), crew.calendar, crew.agents))
    return out


def _span(start: Any, end: Any) -> tuple[_dt.datetime, _dt.datetime]:
    begin = to_aware(start, field="start")
    finish = to_aware(end, field="end")
    if finish <= begin:
        raise InvalidValue(
            f"end {finish.isoformat()} must be after start {begin.isoformat()}.",
            field="end",
            value=end,
        )
    return begin, finish


def coverage(
    crews: Mapping[str, Any],
    start: Any,
    end: Any,
    *,
    step: _dt.timedelta | float = _dt.timedelta(hours=1),
) -> list[Slot]:
    """Count the agents on duty in each slot of ``[start, end)``.

    Args:
        crews: Crew name → :class:`~supportkit.sla.WorkCalendar` (one agent), a
            :class:`Crew`, or a ``(calendar, agents)`` pair.
        start: Start of the period (aware datetime or ISO string); slots are in
            its time zone.
        end: End of the period; the last slot is cut short at ``end``.
        step: Slot length (an hour by default).

    Returns:
        The slots in time order.

    Raises:
        InvalidValue: ``end`` not after ``start``, or a non-positive ``step``.
        InvalidArgument: a crew that is not a calendar.
    """
    begin, finish = _span(start, end)
    width = to_timedelta(step, field="step")
    if width <= _dt.timedelta(0):
        raise InvalidValue(f"step must be positive (got {step!r}).", field="step", value=step)
    table = [(name, cal.intervals(begin, finish), agents) for name, cal, agents in _crews(crews)]
    cursors = [0] * len(table)
    slots: list[Slot] = []
    # Slots step in absolute time (right across DST), shown in start's zone.
    tz = begin.tzinfo
    slot_start = begin
    while slot_start < finish:
        slot_end = min((slot_start.astimezone(_dt.timezone.utc) + width).astimezone(tz), finish)
        seconds = (slot_end - slot_start).total_seconds()
        total = 0.0
        names: list[str] = []
        for k, (name, spans, agents) in enumerate(table):
            i = cursors[k]
            while i < len(spans) and spans[i][1] <= slot_start:
                i += 1
            cursors[k] = i
            covered = 0.0
            j = i
            while j < len(spans) and spans[j][0] < slot_end:
                lo = max(spans[j][0], slot_start)
                hi = min(spans[j][1], slot_end)
                if hi > lo:
                    covered += (hi - lo).total_seconds()
                j += 1
            if covered > 0:
                names.append(name)
                total += agents * covered / seconds
        slots.append(Slot(slot_start, slot_end, round(total, 9), tuple(sorted(names))))
        slot_start = slot_end
    return slots


def gaps(
    required: Any,
    crews: Mapping[str, Any],
    start: Any,
    end: Any,
    *,
    min_agents: int = 1,
) -> list[tuple[_dt.datetime, _dt.datetime]]:
    """Return the intervals where ``required`` is open but fewer than ``min_agents`` are on duty.

    Args:
        required: When someone must be there: a calendar (``WorkCalendar.always(tz)``
            for 24/7 chat) or anything with ``intervals(start, end)``.
        crews: As for :func:`coverage`.
        start: Start of the period.
        end: End of the period.
        min_agents: How many agents must be on duty (one by default).

    Returns:
        Sorted, disjoint ``(start, end)`` intervals, in ``start``'s time zone.
    """
    begin, finish = _span(start, end)
    need = _positive_int(min_agents)
    if not isinstance(required, _HasIntervals):
        raise InvalidArgument(
            f"required must be a WorkCalendar (got {required!r}).",
            field="required",
            value=required,
        )
    tz = begin.tzinfo
    changes: dict[_dt.datetime, int] = {}
    for _, cal, agents in _crews(crews):
        for lo, hi in cal.intervals(begin, finish):
            changes[lo] = changes.get(lo, 0) + agents
            changes[hi] = changes.get(hi, 0) - agents
    # Intervals with fewer than `need` agents, from a sweep over the change points.
    short: list[_Interval] = []
    on_duty = 0
    cursor = begin
    for at in sorted(changes):
        if at > cursor and on_duty < need:
            short.append((cursor, at))
        on_duty += changes[at]
        cursor = max(cursor, at)
    if cursor < finish and on_duty < need:
        short.append((cursor, finish))
    out: list[_Interval] = []
    wanted = required.intervals(begin, finish)
    i = 0
    for lo, hi in wanted:
        while i < len(short) and short[i][1] <= lo:
            i += 1
        j = i
        while j < len(short) and short[j][0] < hi:
            a = max(lo, short[j][0]).astimezone(tz)
            b = min(hi, short[j][1]).astimezone(tz)
            if b > a:
                if out and out[-1][1] == a:
                    out[-1] = (out[-1][0], b)
                else:
                    out.append((a, b))
            j += 1
    return out
