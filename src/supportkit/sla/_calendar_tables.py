"""How a :class:`~supportkit.sla.WorkCalendar` becomes a working-time table, and the
general (any input) paths of its ``add``/``between``.

A base calendar's table covers whole local years: every day's hours (weekly, rotation,
a production calendar's holidays, transferred and shortened days) become epoch
microseconds (see :mod:`supportkit.sla._timeline`); set operations combine their
parts' tables. ``WorkCalendar`` keeps its fast paths (datetimes in its own zone) in its
methods and calls :func:`general_add`/:func:`general_between` for everything else.
"""

from __future__ import annotations

import datetime as _dt
import zoneinfo
from bisect import bisect_left, bisect_right
from typing import Any, Protocol

from supportkit._time import to_aware, to_timedelta
from supportkit.exceptions import CalendarDataMissing, InvalidValue
from supportkit.sla._calendar_data import shorten
from supportkit.sla._hours import DAY, Hours
from supportkit.sla._production import ProductionCalendar
from supportkit.sla._timeline import (
    Span,
    Table,
    Timeline,
    difference,
    from_us,
    intersect,
    merge,
    to_us,
)

__all__ = [
    "OPS",
    "Shape",
    "day_hours",
    "general_add",
    "general_between",
    "grow",
    "table_for",
    "year_of",
]

OPS = {"union": "|", "intersection": "&", "difference": "-"}
_MIN_YEAR, _MAX_YEAR = 2, 9997
_EMPTY_YEARS = 30  # give up looking for working time after this many empty years
_ONE_DAY = _dt.timedelta(days=1)
_DAY_US = 86_400 * 1_000_000
_YEAR_US = 366 * _DAY_US
_PLAIN_ZONES = (zoneinfo.ZoneInfo, _dt.timezone)
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_ZERO_TD = _dt.timedelta(0)
_TIMEDELTA = _dt.timedelta
_LAST_US = to_us(_dt.datetime(_MAX_YEAR, 12, 31, tzinfo=_dt.timezone.utc))


class Shape(Protocol):
    """What the table builder reads from a calendar (a ``WorkCalendar``)."""

    @property
    def kind(self) -> str: ...
    @property
    def tz(self) -> _dt.tzinfo: ...
    @property
    def week(self) -> tuple[Hours, ...]: ...
    @property
    def pattern(self) -> tuple[int, int] | None: ...
    @property
    def anchor(self) -> _dt.date | None: ...
    @property
    def holidays(self) -> ProductionCalendar | None: ...
    @property
    def parts(self) -> tuple[Shape, ...]: ...
    @property
    def _timeline(self) -> Timeline: ...


def _aware(value: Any, field: str) -> _dt.datetime:
    """:func:`to_aware` with a fast path for datetimes in zoneinfo/fixed-offset zones."""
    if value.__class__ is _dt.datetime and value.tzinfo.__class__ in _PLAIN_ZONES:
        return value
    return to_aware(value, field=field)


def _substitute(cal: Shape, day: _dt.date, weekend: frozenset[int]) -> Hours:
    for back in range(1, 8):
        weekday = (day.weekday() - back) % 7
        if weekday not in weekend and cal.week[weekday]:
            return cal.week[weekday]
    return ()


def day_hours(cal: Shape, day: _dt.date) -> Hours:
    """Local (start, end) seconds of the intervals that start on ``day``."""
    if cal.kind == "weekly":
        spans = cal.week[day.weekday()]
    else:
        assert cal.pattern is not None
        assert cal.anchor is not None
        on, off = cal.pattern
        spans = cal.week[0] if (day - cal.anchor).days % (on + off) < on else ()
    pc = cal.holidays
    if pc is None or (not spans and cal.kind == "rotation"):
        return spans
    kind = pc.day_type(day)
    if kind in ("holiday", "day_off"):
        return ()
    if cal.kind == "weekly" and kind != "weekend" and day.weekday() in pc.weekend:
        spans = _substitute(cal, day, pc.weekend)
    return shorten(spans) if kind == "shortened" else spans


def _local_us(cal: Shape, day: _dt.date, seconds: int) -> int:
    local = _dt.datetime(day.year, day.month, day.day, tzinfo=cal.tz)
    # Wall-clock arithmetic (same tzinfo): 20:00 + 12 h is 08:00 the next day.
    return to_us(local + _dt.timedelta(seconds=seconds))


def _midnight_us(cal: Shape, year: int) -> int:
    return to_us(_dt.datetime(year, 1, 1, tzinfo=cal.tz))


def _spans(cal: Shape, y0: int, y1: int, lo: int, hi: int) -> list[Span]:
    """Working spans of a base calendar for local years ``y0``..``y1``."""
    if cal.kind == "always":
        return [(lo, hi)]
    first = _dt.date(y0, 1, 1)
    last = _dt.date(y1, 12, 31)
    spans: list[Span] = []
    overnight = any(end > DAY for hours in cal.week for _, end in hours)
    if overnight:
        # Intervals of the evening before the first day reach into the range.
        try:
            hours = day_hours(cal, first - _ONE_DAY)
        except CalendarDataMissing:
            hours = ()
        spans.extend(
            (_local_us(cal, first - _ONE_DAY, a), _local_us(cal, first - _ONE_DAY, b))
            for a, b in hours
        )
    day = first
    while day <= last:
        for a, b in day_hours(cal, day):
            spans.append((_local_us(cal, day, a), _local_us(cal, day, b)))
        day += _ONE_DAY
    return merge([(max(s, lo), min(e, hi)) for s, e in spans])


def year_of(cal: Shape, at: int) -> int:
    lo = to_us(_dt.datetime(_MIN_YEAR, 1, 1, tzinfo=_dt.timezone.utc))
    hi = to_us(_dt.datetime(_MAX_YEAR, 12, 31, tzinfo=_dt.timezone.utc))
    return from_us(min(max(at, lo), hi), cal.tz).year


def table_for(cal: Shape, lo: int, hi: int) -> Table:
    """A table covering at least ``[lo, hi)`` (built or extended when needed)."""
    table = cal._timeline.table
    if table is not None and table.lo <= lo and hi <= table.hi:
        return table
    if table is not None:
        lo, hi = min(lo, table.lo), max(hi, table.hi)
    if cal.kind in OPS:
        # Parts extend in their own zones' years; the common range is ours.
        tables = [table_for(part, lo, hi) for part in cal.parts]
        clo = max(t.lo for t in tables)
        chi = min(t.hi for t in tables)
        left, right = (t.slice(clo, chi) for t in tables)
        if cal.kind == "union":
            spans = merge(left + right)
        elif cal.kind == "intersection":
            spans = intersect(left, right)
        else:
            spans = difference(left, right)
        table = Table(0, 0, clo, chi, spans, tz=cal.tz)
    else:
        y0, y1 = year_of(cal, lo), year_of(cal, max(lo, hi - 1))
        clo, chi = _midnight_us(cal, y0), _midnight_us(cal, y1 + 1)
        table = Table(y0, y1, clo, chi, _spans(cal, y0, y1, clo, chi), tz=cal.tz)
    cal._timeline.table = table
    return table


def grow(cal: Shape, table: Table, since: int) -> Table:
    """Extend the table forward; give up when decades bring no working time."""
    empty_for = table.hi - since
    if (
        empty_for >= _EMPTY_YEARS * _YEAR_US and table.position(table.hi) == table.position(since)
    ) or year_of(cal, table.hi) >= _MAX_YEAR:
        raise InvalidValue(
            f"{cal!r} has no working time after {from_us(since, cal.tz).isoformat()!r} "
            f"within {_EMPTY_YEARS} years; check the hours and set operations.",
            field="calendar",
            value=cal,
        )
    span = max(table.hi - table.lo, _YEAR_US)
    try:
        return table_for(cal, table.lo, table.hi + span)
    except CalendarDataMissing:
        # Doubling ran past the production data; the answer may still be close.
        return table_for(cal, table.lo, table.hi + _DAY_US)


def general_add(cal: Shape, start: Any, duration: Any) -> _dt.datetime:
    """``WorkCalendar.add`` for any input (the general path)."""
    # _aware, inlined: plain zoneinfo/fixed-offset datetimes need no checks.
    moment = (
        start
        if start.__class__ is _dt.datetime and start.tzinfo.__class__ in _PLAIN_ZONES
        else to_aware(start, field="start")
    )
    delta = (
        duration
        if duration.__class__ is _dt.timedelta
        else to_timedelta(duration, field="duration")
    )
    amount = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    if amount <= 0:
        if amount == 0:
            return moment.astimezone(cal.tz)
        raise InvalidValue(
            f"duration must not be negative (got {delta.total_seconds():g} seconds); "
            "working time only runs forward.",
            field="duration",
            value=delta,
        )
    since = moment - _EPOCH  # to_us, inlined
    s = since.days * _DAY_US + since.seconds * 1_000_000 + since.microseconds
    table = cal._timeline.table
    if table is None or not table.lo <= s < table.hi:
        table = table_for(cal, s, s + 1)
    # Table.position and Table.instant, inlined: this is the hot path.
    starts, cum, cend = table.starts, table.cum, table.cend
    i = bisect_right(starts, s) - 1
    if i < 0:
        target = amount
    elif s >= table.ends[i]:
        target = cend[i] + amount
    else:
        target = cum[i] + s - starts[i] + amount
    if not cend or target > cend[-1]:
        if s + amount > _LAST_US:  # working time never outruns wall time
            raise InvalidValue(
                f"duration {delta.total_seconds():g} seconds from {moment.isoformat()} "
                f"ends after the year {_MAX_YEAR}, the last one a calendar covers; use "
                "a shorter duration.",
                field="duration",
                value=delta,
            )
        while target > table.total:
            table = grow(cal, table, s)
            target = table.position(s) + amount
        starts, cum, cend = table.starts, table.cum, table.cend
    j = bisect_left(cend, target)
    return table.moment(j, target - cum[j])


def general_between(cal: Shape, start: Any, end: Any) -> _dt.timedelta:
    """``WorkCalendar.between`` for any input (the general path)."""
    # to_us and Table.position, inlined: the SLA clocks call this for every stretch.
    since = _aware(start, "start") - _EPOCH
    a = since.days * _DAY_US + since.seconds * 1_000_000 + since.microseconds
    since = _aware(end, "end") - _EPOCH
    b = since.days * _DAY_US + since.seconds * 1_000_000 + since.microseconds
    if b <= a:
        return _ZERO_TD
    table = cal._timeline.table
    if table is None or not (table.lo <= a and b <= table.hi):
        table = table_for(cal, a, b)
    starts, ends, cum = table.starts, table.ends, table.cum
    i = bisect_right(starts, a) - 1
    pos_a = 0 if i < 0 else cum[i] + min(a, ends[i]) - starts[i]
    j = bisect_right(starts, b, i if i > 0 else 0) - 1
    pos_b = 0 if j < 0 else cum[j] + min(b, ends[j]) - starts[j]
    return _TIMEDELTA(0, 0, pos_b - pos_a)  # positional: 3x faster than microseconds=
