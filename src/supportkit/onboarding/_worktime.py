"""Working days and working time for onboarding: deadlines and the funnel's clock.

Onboarding needs two things from a calendar, and this module asks for no more:

* deadlines counted in **working days** (the notice to МВД is due within three
  working days of the contract) need only ``is_working_day(day)`` — any object with
  that method fits :class:`WorkingDays`, and :func:`supportkit.sla.russia` (the Russian
  production calendar) is the default;
* the funnel's **time in step** needs ``between(start, end)`` — any
  :class:`supportkit.sla.WorkCalendar` fits; :class:`OfficeClock` is a cheap one for
  bulk analytics (office hours on the production calendar's working days, O(1) per
  call after a per-year table is built; a shortened pre-holiday day closes an hour early
  when the calendar has ``shortened(day)``).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from supportkit._time import resolve_timezone
from supportkit.exceptions import InvalidArgument, InvalidValue

__all__ = ["OfficeClock", "WorkingDays", "WorkingTime", "default_calendar", "nth_working_day"]


@runtime_checkable
class WorkingDays(Protocol):
    """What a working-day deadline needs: :func:`supportkit.sla.russia` fits."""

    def is_working_day(self, day: _dt.date) -> bool:
        """Return whether ``day`` is a working day."""


@runtime_checkable
class WorkingTime(Protocol):
    """What the funnel's clock needs: :class:`supportkit.sla.WorkCalendar` fits."""

    def between(self, start: _dt.datetime, end: _dt.datetime) -> _dt.timedelta:
        """Return the working time in ``[start, end)``."""


_CALENDARS: dict[str, Callable[[], WorkingDays]] = {}
_BUCKET = 900  # seconds: time zones change their offset on quarter hours
_EPOCH = _dt.date(1970, 1, 1).toordinal()


def _russia() -> WorkingDays:
    from supportkit.sla import russia

    calendar: WorkingDays = russia()
    return calendar


_CALENDARS["russia"] = _russia


def default_calendar(name: str = "russia") -> WorkingDays:
    """Return a named working-day calendar (``"russia"``: the production calendar).

    Raises:
        InvalidValue: an unknown calendar name.
    """
    factory = _CALENDARS.get(name)
    if factory is None:
        raise InvalidValue(
            f"calendar must be one of {sorted(_CALENDARS)} or an object with "
            f"is_working_day(day) (got {name!r}).",
            field="calendar",
            value=name,
        )
    return factory()


def resolve_calendar(value: Any, *, field: str = "calendar") -> WorkingDays:
    """Turn a calendar name or object into a :class:`WorkingDays`."""
    if isinstance(value, str):
        return default_calendar(value)
    if isinstance(value, WorkingDays):
        return value
    raise InvalidArgument(
        f"{field} must be a calendar name such as 'russia' or an object with "
        f"is_working_day(day) (got {value!r}).",
        field=field,
        value=value,
    )


def nth_working_day(calendar: WorkingDays, day: _dt.date, n: int) -> _dt.date:
    """Return the ``n``-th working day *after* ``day`` (the count starts the next day).

    This is how Russian law counts a term "within N working days from" an event
    (Civil Code art. 191: a term starts the day after the event).

    >>> class Weekdays:
    ...     def is_working_day(self, day):
    ...         return day.weekday() < 5
    >>> nth_working_day(Weekdays(), _dt.date(2024, 11, 29), 3)  # Fri -> Wed
    datetime.date(2024, 12, 4)
    """
    if not isinstance(calendar, WorkingDays):
        raise InvalidArgument(
            f"calendar must have is_working_day(day), as supportkit.sla.russia() has (got "
            f"{type(calendar).__name__}).",
            field="calendar",
            value=calendar,
        )
    if not isinstance(day, _dt.date):
        raise InvalidArgument(f"day must be a date (got {day!r}).", field="day", value=day)
    if isinstance(n, bool) or not isinstance(n, int):
        raise InvalidArgument(
            f"working_days must be an integer (got {n!r}).", field="working_days", value=n
        )
    if n < 1:
        raise InvalidValue(
            f"working_days must be at least 1 (got {n!r}).", field="working_days", value=n
        )
    left = n
    quiet = 0  # days since the last working day: a calendar without any must not hang us
    start = day
    while left:
        if quiet > 366:
            raise InvalidValue(
                f"the calendar has no working day in the year after {day.isoformat()}, so "
                f"{n} working days from {start.isoformat()} never end; check the calendar.",
                field="calendar",
                value=n,
            )
        try:
            day += _dt.timedelta(days=1)
        except OverflowError:
            raise InvalidValue(
                f"{n} working days from {start.isoformat()} end after the year 9999.",
                field="working_days",
                value=n,
            ) from None
        if calendar.is_working_day(day):
            left -= 1
            quiet = 0
        else:
            quiet += 1
    return day


def _clock_time(value: Any, field: str) -> int:
    if isinstance(value, _dt.time):
        return value.hour * 3600 + value.minute * 60 + value.second
    if isinstance(value, str):
        try:
            hours, minutes = value.split(":")
            seconds = int(hours) * 3600 + int(minutes) * 60
        except ValueError:
            seconds = -1
        if 0 <= seconds <= 86400:
            return seconds
    raise InvalidValue(
        f"{field} must be a clock time such as '09:00' (got {value!r}).", field=field, value=value
    )


class OfficeClock:
    """Office hours (``opens``-``closes`` local time) on the working days of a calendar.

    ``between(start, end)`` is O(1) after the first call in a year: a per-year table
    of cumulative working seconds is built from ``calendar.is_working_day`` (and
    ``calendar.shortened(day)`` when the calendar has it: such a day closes an hour
    early, as Labour Code art. 95 has it).

    Args:
        calendar: A :class:`WorkingDays` object or a name (default ``"russia"``).
        tz: The office's time zone (default ``"Europe/Moscow"``).
        opens: Opening time, ``"09:00"``.
        closes: Closing time, ``"18:00"`` (``"24:00"`` for whole working days).

    >>> class Weekdays:
    ...     def is_working_day(self, day):
    ...         return day.weekday() < 5
    >>> clock = OfficeClock(Weekdays(), tz="UTC")
    >>> utc = _dt.timezone.utc
    >>> friday = _dt.datetime(2024, 11, 29, 17, tzinfo=utc)
    >>> clock.between(friday, _dt.datetime(2024, 12, 2, 10, tzinfo=utc))
    datetime.timedelta(seconds=7200)
    """

    def __init__(
        self,
        calendar: Any = "russia",
        *,
        tz: Any = "Europe/Moscow",
        opens: Any = "09:00",
        closes: Any = "18:00",
    ) -> None:
        self.calendar = resolve_calendar(calendar)
        self.tz = resolve_timezone(tz)
        self.opens = _clock_time(opens, "opens")
        self.closes = _clock_time(closes, "closes")
        if self.closes <= self.opens:
            raise InvalidValue(
                f"'closes' must be after 'opens' (got opens={opens!r}, closes={closes!r}).",
                field="closes",
                value=closes,
            )
        self._before: dict[int, int] = {}  # ordinal -> working seconds before that day
        self._span: dict[int, int] = {}  # ordinal -> working seconds on that day
        self._years: set[int] = set()
        self._offsets: dict[int, int] = {}

    def __repr__(self) -> str:
        hours = f"{self.opens // 3600:02d}:{self.opens // 60 % 60:02d}"
        hours += f"-{self.closes // 3600:02d}:{self.closes // 60 % 60:02d}"
        return f"OfficeClock(tz={self.tz!s}, hours={hours!r})"

    def _day(self, ordinal: int) -> int:
        day = _dt.date.fromordinal(ordinal)
        if not self.calendar.is_working_day(day):
            return 0
        span = self.closes - self.opens
        shortened = getattr(self.calendar, "shortened", None)
        if shortened is not None and shortened(day):
            span = max(0, span - 3600)
        return span

    def _year(self, year: int) -> None:
        # Tables are cumulative from the first year asked about; extend both ways.
        years = sorted(self._years)
        if not years:
            self._before[_dt.date(year, 1, 1).toordinal()] = 0
            years = [year - 1]
            todo = [year]
        elif year > years[-1]:
            todo = list(range(years[-1] + 1, year + 1))
        else:
            todo = list(range(years[0] - 1, year - 1, -1))
        for y in todo:
            first = _dt.date(y, 1, 1).toordinal()
            last = _dt.date(y, 12, 31).toordinal()
            if y > years[-1]:
                total = self._before[first]
                for ordinal in range(first, last + 1):
                    span = self._span[ordinal] = self._day(ordinal)
                    total += span
                    self._before[ordinal + 1] = total
            else:
                total = self._before[last + 1]
                for ordinal in range(last, first - 1, -1):
                    span = self._span[ordinal] = self._day(ordinal)
                    total -= span
                    self._before[ordinal] = total
            self._years.add(y)

    def _offset(self, bucket: int) -> int:
        moment = _dt.datetime.fromtimestamp(bucket * _BUCKET, self.tz)
        offset = moment.utcoffset()
        assert offset is not None
        seconds = int(offset.total_seconds())
        self._offsets[bucket] = seconds
        return seconds

    def seconds(self, at: _dt.datetime) -> int:
        """Working seconds from an arbitrary origin to ``at`` (differences are what matter)."""
        # Local time by arithmetic: the zone's offset is cached per quarter hour (zone
        # changes happen on quarter hours), which is much cheaper than astimezone().
        ts = int(at.timestamp())
        bucket = ts // _BUCKET
        offset = self._offsets.get(bucket)
        if offset is None:
            offset = self._offset(bucket)
        local = ts + offset
        ordinal = local // 86400 + _EPOCH
        span = self._span.get(ordinal)
        if span is None:
            self._year(_dt.date.fromordinal(ordinal).year)
            span = self._span[ordinal]
        before = self._before[ordinal]
        if not span:
            return before
        clock = local % 86400 - self.opens
        if clock <= 0:
            return before
        return before + (span if clock >= span else clock)

    def between(self, start: _dt.datetime, end: _dt.datetime) -> _dt.timedelta:
        """Return the working time in ``[start, end)`` (zero when ``end <= start``)."""
        if end <= start:
            return _dt.timedelta(0)
        return _dt.timedelta(seconds=self.seconds(end) - self.seconds(start))
