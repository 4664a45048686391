"""Working days and working time for onboarding: deadlines and the funnel's clock.

Onboarding needs two things from a calendar, and this module asks for no more:

* deadlines counted in **working days** (the notice to МВД is due within three
  working days of the contract) need only ``is_working_day(day)`` — any object with
  that method fits :class:`WorkingDays`, and :func:`supportkit.sla.russia` (the Russian
  production calendar) is the default;
* the funnel's **time in step** needs ``between(start, end)`` — any
  :class:`supportkit.sla.WorkCalendar` fits; :class:`OfficeClock` is a cheap one for
  bulk analytics (office hours on the production calendar's working days, O(1) per
  call after a per-year table is built).
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
    if n < 1:
        raise InvalidValue(
            f"working_days must be at least 1 (got {n!r}).", field="working_days", value=n
        )
    left = n
    while left:
        day += _dt.timedelta(days=1)
        if calendar.is_working_day(day):
            left -= 1
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
    of cumulative working seconds is built from ``calendar.is_working_day``. Shortened
    pre-holiday days count as full days here (the funnel reports medians in hours,
    where one hour on a few days a year does not move them).

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
        self._working: dict[int, bool] = {}
        self._years: set[int] = set()
        self._origin = 0

    def __repr__(self) -> str:
        hours = f"{self.opens // 3600:02d}:{self.opens // 60 % 60:02d}"
        hours += f"-{self.closes // 3600:02d}:{self.closes // 60 % 60:02d}"
        return f"OfficeClock(tz={self.tz!s}, hours={hours!r})"

    def _year(self, year: int) -> None:
        # Tables are cumulative from the first year asked about; extend both ways.
        span = self.closes - self.opens
        first = _dt.date(year, 1, 1).toordinal()
        last = _dt.date(year, 12, 31).toordinal()
        if not self._years:
            total = 0
            for ordinal in range(first, last + 2):
                self._before[ordinal] = total
                if ordinal <= last:
                    working = self.calendar.is_working_day(_dt.date.fromordinal(ordinal))
                    self._working[ordinal] = working
                    total += span if working else 0
            self._years.add(year)
            return
        lo, hi = min(self._years), max(self._years)
        if year > hi:
            for y in range(hi + 1, year + 1):
                start = _dt.date(y, 1, 1).toordinal()
                end = _dt.date(y, 12, 31).toordinal()
                total = self._before[start]
                for ordinal in range(start, end + 1):
                    working = self.calendar.is_working_day(_dt.date.fromordinal(ordinal))
                    self._working[ordinal] = working
                    total += span if working else 0
                    self._before[ordinal + 1] = total
                self._years.add(y)
        elif year < lo:
            for y in range(lo - 1, year - 1, -1):
                start = _dt.date(y, 1, 1).toordinal()
                end = _dt.date(y, 12, 31).toordinal()
                total = self._before[end + 1]
                for ordinal in range(end, start - 1, -1):
                    working = self.calendar.is_working_day(_dt.date.fromordinal(ordinal))
                    self._working[ordinal] = working
                    total -= span if working else 0
                    self._before[ordinal] = total
                self._years.add(y)

    def seconds(self, at: _dt.datetime) -> int:
        """Working seconds from an arbitrary origin to ``at`` (differences are what matter)."""
        local = at.astimezone(self.tz)
        ordinal = local.toordinal()
        before = self._before.get(ordinal)
        if before is None or ordinal not in self._working:
            self._year(local.year)
            before = self._before[ordinal]
        if not self._working[ordinal]:
            return before
        clock = local.hour * 3600 + local.minute * 60 + local.second
        if clock <= self.opens:
            return before
        if clock >= self.closes:
            return before + self.closes - self.opens
        return before + clock - self.opens

    def between(self, start: _dt.datetime, end: _dt.datetime) -> _dt.timedelta:
        """Return the working time in ``[start, end)`` (zero when ``end <= start``)."""
        if end <= start:
            return _dt.timedelta(0)
        return _dt.timedelta(seconds=self.seconds(end) - self.seconds(start))
