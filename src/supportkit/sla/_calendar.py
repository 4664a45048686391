"""``WorkCalendar``: working time of a team in its own time zone.

Shapes: weekly office hours, crew rotations (``2/2``, ``5/2``, "on N off M"),
24/7, and set algebra over them (``|`` union, ``&`` intersection, ``-`` difference).

Rules (documented on the *Calendars and time zones* page and tested):

* An interval belongs to the local day it starts on; ``"20:00-08:00"`` runs into the
  next morning even when that morning is a holiday, and a shift that would *start* on a
  holiday does not happen.
* A local time that does not exist (the hour skipped when clocks go forward) is moved
  forward by the length of the gap (02:30 becomes 03:30); a local time that occurs twice
  (clocks go back) means its first occurrence. Durations are real elapsed time.
* With a production calendar (``holidays=russia()``): holidays and transferred days off
  are closed; a transferred working Saturday/Sunday is worked with the hours of the
  closest earlier weekday that has hours (Friday on a Mon-Fri schedule); on a shortened
  pre-holiday day the last interval of the day ends one hour earlier.
"""

from __future__ import annotations

import datetime as _dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from supportkit._time import to_aware
from supportkit.exceptions import InvalidArgument, InvalidCalendar
from supportkit.sla._calendar_data import (
    as_date,
    check_holidays,
    holidays_from_data,
    tz_from_name,
    tz_name,
)
from supportkit.sla._calendar_tables import (
    OPS,
    general_add,
    general_between,
    grow,
    table_for,
)
from supportkit.sla._hours import (
    DAY_NAMES,
    Hours,
    format_hours,
    parse_hours,
    parse_pattern,
    parse_weekly,
)
from supportkit.sla._production import ProductionCalendar, russia
from supportkit.sla._timeline import HOURS as _HOURS
from supportkit.sla._timeline import SECONDS as _SECONDS
from supportkit.sla._timeline import Span, Table, Timeline, from_us, to_us

__all__ = ["WorkCalendar"]

_OPS = OPS
_ZERO_TD = _dt.timedelta(0)
_fromtimestamp = _dt.datetime.fromtimestamp
_DATETIME = _dt.datetime
_TIMEDELTA = _dt.timedelta
_AMOUNTS: dict[_dt.timedelta, int] = {}  # durations in microseconds: SLA targets repeat


def _amount(duration: _dt.timedelta) -> int:
    """Microseconds of ``duration``, kept in a small cache (cleared when it fills)."""
    amount = (duration.days * 86_400 + duration.seconds) * 1_000_000 + duration.microseconds
    if len(_AMOUNTS) >= 4096:
        _AMOUNTS.clear()
    _AMOUNTS[duration] = amount
    return amount


def _in_zone(moment: _dt.datetime, tz: _dt.tzinfo) -> _dt.datetime:
    """``moment`` in ``tz``, or as it is at the very ends of the datetime range."""
    try:
        return moment.astimezone(tz)
    except (OverflowError, ValueError):
        return moment


@attrs.frozen(repr=False, cache_hash=True)
class WorkCalendar:
    """When a team works. Build with :meth:`weekly`, :meth:`rotation` or :meth:`always`.

    Immutable, hashable and picklable; combine with ``|``, ``&`` and ``-``. Every
    result is an aware datetime in the calendar's zone; inputs may be in any zone (or
    ISO-8601 strings with an offset).
    """

    kind: str
    tz: _dt.tzinfo
    week: tuple[Hours, ...] = ()
    pattern: tuple[int, int] | None = None
    anchor: _dt.date | None = None
    holidays: ProductionCalendar | None = None
    parts: tuple[WorkCalendar, ...] = ()
    _timeline: Timeline = attrs.field(
        factory=Timeline, init=False, eq=False, hash=False, repr=False
    )

    # --- construction -------------------------------------------------------------

    @classmethod
    def weekly(
        cls,
        tz: Any,
        hours: Mapping[str, Any],
        *,
        holidays: ProductionCalendar | Iterable[Any] | None = None,
    ) -> WorkCalendar:
        """Office hours that repeat every week.

        Args:
            tz: Zone name (``"Europe/Moscow"``) or tzinfo.
            hours: ``{"mon-fri": "09:00-18:00", "sat": "10:00-14:00"}``; several ranges
                as ``"09:00-13:00, 14:00-18:00"``; ``"20:00-08:00"`` runs past midnight.
            holidays: A production calendar: its holidays and days off are closed, its
                working weekend days open, its shortened days one hour shorter. Or a
                list of dates (ISO strings or ``date`` objects, as pandas'
                ``CustomBusinessHour(holidays=...)``): those days are closed, and there
                is no "year without data" error.

        Raises:
            InvalidCalendar: malformed hours, an unknown day name or zone.

        >>> import datetime
        >>> cal = WorkCalendar.weekly("Europe/Moscow", {"mon-fri": "09:00-18:00"})
        >>> cal.add("2024-03-04T17:00:00+03:00", datetime.timedelta(hours=1)).isoformat()
        '2024-03-04T18:00:00+03:00'
        """
        return cls(
            kind="weekly",
            tz=tz_from_name(tz),
            week=parse_weekly(hours),
            holidays=check_holidays(holidays),
        )

    @classmethod
    def rotation(
        cls,
        tz: Any,
        pattern: Any,
        hours: Any,
        *,
        anchor: _dt.date | str | None = None,
        holidays: ProductionCalendar | Iterable[Any] | None = None,
    ) -> WorkCalendar:
        """A crew on a repeating on/off cycle (``"2/2"``: two days on, two off).

        Args:
            tz: Zone name or tzinfo.
            pattern: ``"2/2"``, ``"5/2"``, ``"1/3"``, ``"3/3"``, ``"4/4"`` or ``"on 4 off 4"``.
            hours: The shift on an on-day, e.g. ``"08:00-20:00"`` or ``"20:00-08:00"``.
            anchor: The first on-day of a cycle (required).
            holidays: Optional production calendar (or list of dates, as for
                :meth:`weekly`): its holidays and days off are closed, its shortened
                days one hour shorter.

        Raises:
            InvalidCalendar: bad pattern or hours, missing anchor, unknown zone.
        """
        if anchor is None:
            raise InvalidCalendar(
                f"rotation {pattern!r} needs anchor=, the date of the first on-day of a "
                "cycle, e.g. anchor=date(2024, 1, 1).",
                field="anchor",
                value=anchor,
            )
        zone = tz_from_name(tz)
        on, off = parse_pattern(pattern)
        spans = parse_hours(hours, field="hours")
        return cls(
            kind="rotation",
            tz=zone,
            week=(spans,),
            pattern=(on, off),
            anchor=as_date(anchor, field="anchor"),
            holidays=check_holidays(holidays),
        )

    @classmethod
    def always(cls, tz: Any = "UTC") -> WorkCalendar:
        """Open 24/7 (results still in ``tz``)."""
        return cls(kind="always", tz=tz_from_name(tz))

    # --- set algebra --------------------------------------------------------------

    def _combine(self, other: object, kind: str) -> WorkCalendar:
        assert isinstance(other, WorkCalendar)
        return WorkCalendar(kind=kind, tz=self.tz, parts=(self, other))

    def __or__(self, other: object) -> WorkCalendar:
        if not isinstance(other, WorkCalendar):
            return NotImplemented
        return self._combine(other, "union")

    def __and__(self, other: object) -> WorkCalendar:
        if not isinstance(other, WorkCalendar):
            return NotImplemented
        return self._combine(other, "intersection")

    def __sub__(self, other: object) -> WorkCalendar:
        if not isinstance(other, WorkCalendar):
            return NotImplemented
        return self._combine(other, "difference")

    # --- description --------------------------------------------------------------

    def _hours_dict(self) -> dict[str, str]:
        out: dict[str, str] = {}
        day = 0
        while day < 7:
            last = day
            while last + 1 < 7 and self.week[last + 1] == self.week[day]:
                last += 1
            if self.week[day]:
                key = DAY_NAMES[day] if last == day else f"{DAY_NAMES[day]}-{DAY_NAMES[last]}"
                out[key] = format_hours(self.week[day])
            day = last + 1
        return out

    def __repr__(self) -> str:
        zone = tz_name(self.tz)
        tail = f", holidays={self.holidays.name}" if self.holidays is not None else ""
        if self.kind == "weekly":
            return f"<WorkCalendar weekly {zone} {self._hours_dict()}{tail}>"
        if self.kind == "rotation":
            assert self.pattern is not None
            assert self.anchor is not None
            on, off = self.pattern
            return (
                f"<WorkCalendar rotation {zone} {on}/{off} {format_hours(self.week[0])} "
                f"from {self.anchor.isoformat()}{tail}>"
            )
        if self.kind == "always":
            return f"<WorkCalendar always {zone}>"
        left, right = self.parts
        return f"({left!r} {_OPS[self.kind]} {right!r})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; :meth:`from_dict` rebuilds an equal calendar."""
        out: dict[str, Any] = {"kind": self.kind, "tz": tz_name(self.tz)}
        if self.kind == "weekly":
            out["hours"] = self._hours_dict()
        elif self.kind == "rotation":
            assert self.pattern is not None
            assert self.anchor is not None
            out["pattern"] = f"{self.pattern[0]}/{self.pattern[1]}"
            out["hours"] = format_hours(self.week[0])
            out["anchor"] = self.anchor.isoformat()
        elif self.kind in _OPS:
            out["parts"] = [p.to_dict() for p in self.parts]
        if self.kind in ("weekly", "rotation"):
            pc = self.holidays
            if pc is None:
                out["holidays"] = None
            elif pc == russia():
                out["holidays"] = "RU"
            elif pc.complete and pc.name == "dates" and pc.weekend == frozenset({5, 6}):
                out["holidays"] = sorted(d.isoformat() for y in pc.years for d in y.holidays)
            else:
                out["holidays"] = pc.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WorkCalendar:
        """Rebuild a calendar from :meth:`to_dict` output (``holidays: "RU"`` is :func:`russia`).

        Raises:
            InvalidCalendar: unknown ``kind`` or malformed fields.
        """
        if not isinstance(data, Mapping):
            raise InvalidArgument(
                f"data must be a mapping (got {data!r} that is a {type(data).__name__}).",
                field="data",
                value=data,
            )
        kind = data.get("kind")
        tz = tz_from_name(data.get("tz", "UTC"))
        holidays = holidays_from_data(data.get("holidays"))
        if kind == "weekly":
            return cls.weekly(tz, data.get("hours", {}), holidays=holidays)
        if kind == "rotation":
            return cls.rotation(
                tz,
                data.get("pattern"),
                data.get("hours"),
                anchor=data.get("anchor"),
                holidays=holidays,
            )
        if kind == "always":
            return cls.always(tz)
        if kind in _OPS:
            parts = data.get("parts")
            if not isinstance(parts, list) or len(parts) != 2:
                raise InvalidCalendar(
                    f"{kind} needs 'parts' with two calendars (got {parts!r}).",
                    field="parts",
                    value=parts,
                )
            left, right = (cls.from_dict(p) for p in parts)
            return WorkCalendar(kind=str(kind), tz=tz, parts=(left, right))
        raise InvalidCalendar(
            f"kind must be one of weekly, rotation, always, union, intersection, difference "
            f"(got {kind!r}).",
            field="kind",
            value=kind,
        )

    # --- tables (built in _calendar_tables) -----------------------------------------

    def _table(self, lo: int, hi: int) -> Table:
        return table_for(self, lo, hi)

    def _slice(self, lo: int, hi: int) -> list[Span]:
        return table_for(self, lo, hi).slice(lo, hi)

    def _grow(self, table: Table, since: int) -> Table:
        return grow(self, table, since)

    # --- queries ------------------------------------------------------------------

    def is_open(self, at: Any) -> bool:
        """``True`` when ``at`` falls inside working time (intervals are ``[open, close)``).

        An :meth:`always` calendar is open at every representable instant.
        """
        moment = to_aware(at, field="at")
        if self.kind == "always":
            return True
        s = to_us(moment)
        table = self._table(s, s + 1)
        i = bisect_right(table.starts, s) - 1
        return i >= 0 and s < table.ends[i]

    def next_open(self, at: Any) -> _dt.datetime:
        """``at`` itself when open, otherwise the next opening (in the calendar's zone)."""
        moment = to_aware(at, field="at")
        if self.kind == "always":
            return _in_zone(moment, self.tz)
        s = to_us(moment)
        table = self._table(s, s + 1)
        while True:
            i = bisect_right(table.starts, s) - 1
            if i >= 0 and s < table.ends[i]:
                return moment.astimezone(self.tz)
            if i + 1 < len(table.starts):
                return from_us(table.starts[i + 1], self.tz)
            table = self._grow(table, s)

    def add(self, start: Any, duration: Any) -> _dt.datetime:
        """The moment when ``duration`` of working time has passed after ``start``.

        A deadline that lands exactly at closing time is that closing time (Mon 17:00
        plus 1 h on 09-18 is Mon 18:00, not Tue 09:00). ``duration == 0`` returns
        ``start`` (in the calendar's zone).

        Raises:
            InvalidValue: a negative duration, or a calendar with no working time ahead.
            CalendarDataMissing: the deadline runs into a year the production calendar
                has no data for.
        """
        table = self._timeline.table
        tz = self.tz
        if (
            start.__class__ is _DATETIME
            and start.tzinfo is tz
            and duration.__class__ is _TIMEDELTA
            and table is not None
        ):
            # The day-index path (see _timeline): a datetime in the calendar's own zone
            # on a day without a clock change converts by wall-clock subtraction and
            # searches only its day's intervals. Anything else takes _add below.
            wall = start - table.epoch
            entry = table.days.get(wall.days)
            if entry is None:
                entry = table.day(wall.days)
            if entry:
                amount = _AMOUNTS.get(duration)
                if amount is None:
                    amount = _amount(duration)
                if amount > 0:
                    midnight, lo, hi = entry
                    s = midnight + wall.seconds * 1_000_000 + wall.microseconds
                    starts, ends, cum, cend = table.lists
                    i = bisect_right(starts, s, lo, hi) - 1
                    if i < 0:
                        target = amount
                    elif s >= ends[i]:
                        target = cend[i] + amount
                    else:
                        target = cum[i] + s - starts[i] + amount
                    if target <= table.total:
                        j = bisect_left(cend, target, i if i > 0 else 0)
                        inside = target - cum[j]
                        first = table.walls[j]
                        if first is None:
                            first = table.wall(j)
                        if first:
                            # Wall-clock arithmetic: no clock change in this interval.
                            whole, micro = divmod(inside, 1_000_000)
                            hours, seconds = divmod(whole, 3600)
                            result = first + _HOURS[hours] + _SECONDS[seconds]
                            return result + _TIMEDELTA(0, 0, micro) if micro else result
                        whole, micro = divmod(starts[j] + inside, 1_000_000)
                        result = _fromtimestamp(whole, tz)
                        return result.replace(microsecond=micro) if micro else result
        return self._add(start, duration)

    def _add(self, start: Any, duration: Any) -> _dt.datetime:
        return general_add(self, start, duration)

    def between(self, start: Any, end: Any) -> _dt.timedelta:
        """Working time in ``[start, end)``; zero when ``end`` is not after ``start``."""
        table = self._timeline.table
        tz = self.tz
        if (
            start.__class__ is _DATETIME
            and end.__class__ is _DATETIME
            and start.tzinfo is tz
            and end.tzinfo is tz
            and table is not None
        ):
            # The day-index path, as in add().
            epoch, days = table.epoch, table.days
            wall_a = start - epoch
            wall_b = end - epoch
            entry_a = days.get(wall_a.days)
            if entry_a is None:
                entry_a = table.day(wall_a.days)
            entry_b = days.get(wall_b.days)
            if entry_b is None:
                entry_b = table.day(wall_b.days)
            if entry_a and entry_b:
                midnight, lo, hi = entry_a
                a = midnight + wall_a.seconds * 1_000_000 + wall_a.microseconds
                b = entry_b[0] + wall_b.seconds * 1_000_000 + wall_b.microseconds
                if b <= a:
                    return _ZERO_TD
                starts, ends, cum, _ = table.lists
                i = bisect_right(starts, a, lo, hi) - 1
                if i < 0:
                    pos_a = 0
                else:
                    stop = ends[i]
                    pos_a = cum[i] + (a if a < stop else stop) - starts[i]
                j = bisect_right(starts, b, entry_b[1], entry_b[2]) - 1
                if j < 0:
                    pos_b = 0
                else:
                    stop = ends[j]
                    pos_b = cum[j] + (b if b < stop else stop) - starts[j]
                return _TIMEDELTA(0, 0, pos_b - pos_a)
        return self._between(start, end)

    def _between(self, start: Any, end: Any) -> _dt.timedelta:
        return general_between(self, start, end)

    def intervals(self, start: Any, end: Any) -> list[tuple[_dt.datetime, _dt.datetime]]:
        """Working intervals clipped to ``[start, end)``: sorted, disjoint, in the zone."""
        a = to_us(to_aware(start, field="start"))
        b = to_us(to_aware(end, field="end"))
        if b <= a:
            return []
        return [(from_us(s, self.tz), from_us(e, self.tz)) for s, e in self._slice(a, b)]
