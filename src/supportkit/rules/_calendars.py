"""Working-hours calendars for ``"outside"``/``"inside"`` conditions.

The engine needs one thing from a calendar: ``is_open(at) -> bool``. Any object
with that method works (``supportkit.sla.WorkCalendar`` among them), so the rules
block does not depend on the SLA block. A rule file may also declare simple weekly
hours under ``"calendars"``; those become the small :class:`WeeklyHours` here (for
production calendars with holidays, pass ``supportkit.sla`` calendars in Python).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, Final, Protocol, runtime_checkable

import attrs

from supportkit._time import resolve_timezone, to_aware
from supportkit.exceptions import InvalidRule

__all__ = ["Calendar", "WeeklyHours", "calendar_from_spec"]

_DAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS: Final = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


@runtime_checkable
class Calendar(Protocol):
    """What a rule's time condition needs from a calendar."""

    def is_open(self, at: dt.datetime) -> bool:
        """Whether ``at`` is within working hours."""


def _days(spec: str, where: str) -> list[int]:
    out: list[int] = []
    for part in spec.lower().split(","):
        first, _, last = part.strip().partition("-")
        if first not in _DAYS or (last and last not in _DAYS):
            raise InvalidRule(
                f"{where} has day key {spec!r}; use day names {list(_DAYS)}, ranges such as "
                "'mon-fri' or lists such as 'sat,sun'.",
                field=where,
                value=spec,
            )
        start = _DAYS.index(first)
        stop = _DAYS.index(last) if last else start
        out.extend(_DAYS.index(_DAYS[(start + k) % 7]) for k in range((stop - start) % 7 + 1))
    return out


def _minutes(spec: Any, where: str) -> tuple[int, int]:
    match = _HOURS.match(spec.strip()) if isinstance(spec, str) else None
    if match is None:
        raise InvalidRule(
            f"{where} must be hours such as '09:00-18:00' (got {spec!r}).", field=where, value=spec
        )
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h1 * 60 + m1) == (h2 * 60 + m2):
        raise InvalidRule(
            f"{where} is not a valid working-hours range (got {spec!r}); use 'HH:MM-HH:MM', "
            "with '20:00-08:00' for a shift past midnight.",
            field=where,
            value=spec,
        )
    return h1 * 60 + m1, h2 * 60 + m2


@attrs.frozen
class WeeklyHours:
    """Weekly working hours in one time zone (the minimal calendar of a rule file).

    Attributes:
        tz: The zone name, e.g. ``Europe/Moscow``.
        hours: ``(weekday, start_minute, end_minute)`` triples; ``end < start``
            runs past midnight.
        holidays: Dates on which the calendar is closed all day.
    """

    tz: str
    hours: tuple[tuple[int, int, int], ...]
    holidays: frozenset[dt.date] = frozenset()

    def is_open(self, at: dt.datetime) -> bool:
        """Whether ``at`` (aware) falls within the working hours."""
        local = to_aware(at, field="at").astimezone(resolve_timezone(self.tz, field="tz"))
        minute = local.hour * 60 + local.minute
        day = local.weekday()
        for weekday, start, end in self.hours:
            if start < end:
                if weekday == day and start <= minute < end and local.date() not in self.holidays:
                    return True
            elif weekday == day and minute >= start and local.date() not in self.holidays:
                return True
            elif (weekday + 1) % 7 == day and minute < end:
                yesterday = local.date() - dt.timedelta(days=1)
                if yesterday not in self.holidays:
                    return True
        return False


def _date(raw: Any, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError as exc:
        raise InvalidRule(
            f"{where} must be an ISO date such as '2024-11-04' (got {raw!r}).",
            field=where,
            value=raw,
        ) from exc


def calendar_from_spec(name: str, spec: Any, where: str) -> Calendar:
    """Build a calendar from its JSON form ``{"tz": ..., "hours": {...}, "holidays": [...]}``.

    Raises:
        InvalidRule: an unknown key, a bad zone, day or hours range; the message names
            the path such as ``calendars.office.hours.mon-fri``.
    """
    if not isinstance(spec, Mapping):
        raise InvalidRule(
            f"{where} must be a mapping such as "
            '{"tz": "Europe/Moscow", "hours": {"mon-fri": "09:00-18:00"}} '
            f"(got {spec!r}).",
            field=where,
            value=spec,
        )
    unknown = sorted(set(spec) - {"tz", "hours", "holidays"})
    if unknown:
        raise InvalidRule(
            f"{where} has unknown key {unknown[0]!r}; known keys are ['holidays', 'hours', 'tz'].",
            field=f"{where}.{unknown[0]}",
            value=spec[unknown[0]],
        )
    tz = spec.get("tz", "UTC")
    try:
        resolve_timezone(tz, field=f"{where}.tz")
    except ValueError as exc:
        raise InvalidRule(str(exc), field=f"{where}.tz", value=tz) from exc
    hours = spec.get("hours")
    if not isinstance(hours, Mapping) or not hours:
        raise InvalidRule(
            f"{where}.hours must be a non-empty mapping such as "
            f'{{"mon-fri": "09:00-18:00"}} (got {hours!r}).',
            field=f"{where}.hours",
            value=hours,
        )
    triples: list[tuple[int, int, int]] = []
    for days, span in hours.items():
        start, end = _minutes(span, f"{where}.hours.{days}")
        triples.extend((day, start, end) for day in _days(str(days), f"{where}.hours.{days}"))
    holidays = {
        _date(raw, f"{where}.holidays[{i}]") for i, raw in enumerate(spec.get("holidays") or ())
    }
    return WeeklyHours(str(tz), tuple(sorted(triples)), frozenset(holidays))
