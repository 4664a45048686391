"""Working-hours calendars for ``"outside"``/``"inside"`` conditions.

The engine needs one thing from a calendar: ``is_open(at) -> bool``, the
:class:`Calendar` protocol (any object with that method works). A rule file's
``"calendars"`` section is read by :func:`calendar_from_spec` into
:class:`supportkit.sla.WorkCalendar` objects through
:meth:`~supportkit.sla.WorkCalendar.weekly`, the one hours parser of the SLA block, so
``"mon-fri": "09:00-18:00"`` means the same in a rule file and in an SLA policy
(overnight spans ``"20:00-08:00"``, several intervals ``"09:00-13:00, 14:00-18:00"``,
day names and ranges). ``"holidays"`` is ``"russia"`` (the production calendar
:func:`supportkit.sla.russia`) or a list of ISO dates.

:class:`WeeklyHours`, the small calendar of earlier versions, is kept for API
compatibility only; it now delegates to a ``WorkCalendar``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from typing import Any, Final, Protocol, runtime_checkable

import attrs

from supportkit.exceptions import InvalidRule, SupportkitError
from supportkit.sla import ProductionCalendar, WorkCalendar, russia

__all__ = ["Calendar", "WeeklyHours", "calendar_from_spec", "weekly_calendar"]

_DAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_KEYS: Final = ("holidays", "hours", "tz")
#: Production-calendar names a rule file may give as ``"holidays"``.
_NAMED: Final = {"russia": russia, "ru": russia}


@runtime_checkable
class Calendar(Protocol):
    """What a rule's time condition needs from a calendar."""

    def is_open(self, at: dt.datetime) -> bool:
        """Whether ``at`` is within working hours."""


def weekly_calendar(tz: Any, hours: Mapping[str, Any], holidays: Any = None) -> WorkCalendar:
    """``WorkCalendar.weekly(tz, hours, holidays=holidays)``: sla's one hours parser.

    ``holidays`` is ``None``, a :class:`~supportkit.sla.ProductionCalendar` or a list of
    dates (:class:`datetime.date` or ISO strings), exactly as ``WorkCalendar.weekly``
    takes them.

    Raises:
        SupportkitError: whatever ``WorkCalendar.weekly`` raises for the hours or zone.
    """
    return WorkCalendar.weekly(tz, hours, holidays=holidays)


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@attrs.frozen
class WeeklyHours:
    """Weekly working hours in one time zone.

    .. deprecated:: the rule file's ``"calendars"`` now load as
       :class:`supportkit.sla.WorkCalendar`; use ``WorkCalendar.weekly`` in new code.
       ``WeeklyHours`` is kept so that code constructing it keeps working: it converts
       itself to a ``WorkCalendar`` and asks that.

    Attributes:
        tz: The zone name, e.g. ``Europe/Moscow``.
        hours: ``(weekday, start_minute, end_minute)`` triples; ``end < start``
            runs past midnight.
        holidays: Dates on which the calendar is closed all day.
    """

    tz: str
    hours: tuple[tuple[int, int, int], ...]
    holidays: frozenset[dt.date] = frozenset()

    def to_work_calendar(self) -> WorkCalendar:
        """The same hours as a :class:`supportkit.sla.WorkCalendar`."""
        return _as_work_calendar(self.tz, self.hours, self.holidays)

    def is_open(self, at: dt.datetime) -> bool:
        """Whether ``at`` (aware) falls within the working hours."""
        return self.to_work_calendar().is_open(at)


@functools.lru_cache(maxsize=256)
def _as_work_calendar(
    tz: str, hours: tuple[tuple[int, int, int], ...], holidays: frozenset[dt.date]
) -> WorkCalendar:
    week: dict[str, list[str]] = {}
    for weekday, start, end in hours:
        week.setdefault(_DAYS[weekday], []).append(f"{_clock(start)}-{_clock(end)}")
    return weekly_calendar(tz, {day: ", ".join(spans) for day, spans in week.items()}, holidays)


def _reraise(exc: SupportkitError, where: str, value: Any) -> InvalidRule:
    message = exc.message
    if exc.field and message.startswith(exc.field):
        message = where + message[len(exc.field) :]
    elif message.startswith("hours "):
        message = where + message[len("hours") :]
    elif not message.startswith(where):
        message = f"{where}: {message}"
    return InvalidRule(message, field=where, value=value)


def _holidays(raw: Any, where: str) -> ProductionCalendar | list[dt.date] | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        factory = _NAMED.get(raw.strip().lower())
        if factory is None:
            raise InvalidRule(
                f"{where} must be 'russia' or a list of ISO dates such as ['2024-11-04'] "
                f"(got {raw!r}).",
                field=where,
                value=raw,
            )
        return factory()
    if isinstance(raw, ProductionCalendar):
        return raw
    if not isinstance(raw, Iterable) or isinstance(raw, (bytes, Mapping)):
        raise InvalidRule(
            f"{where} must be 'russia' or a list of ISO dates such as ['2024-11-04'] "
            f"(got {raw!r}).",
            field=where,
            value=raw,
        )
    out: list[dt.date] = []
    for i, item in enumerate(raw):
        day: dt.date | None = None
        if isinstance(item, dt.date) and not isinstance(item, dt.datetime):
            day = item
        elif isinstance(item, str):
            try:
                day = dt.date.fromisoformat(item.strip())
            except ValueError:
                day = None
        if day is None:
            raise InvalidRule(
                f"{where}[{i}] must be an ISO date such as '2024-11-04' (got {item!r}).",
                field=f"{where}[{i}]",
                value=item,
            )
        out.append(day)
    return out


def _check_entry(tz: str, days: Any, span: Any, where: str) -> None:
    """Read one ``"days": "hours"`` entry on its own, so that an error names its key."""
    try:
        WorkCalendar.weekly(tz, {days: span})
    except SupportkitError as exc:
        raise _reraise(exc, where, span) from exc


def calendar_from_spec(name: str, spec: Any, where: str) -> WorkCalendar:
    """Build a calendar from its JSON form ``{"tz": ..., "hours": {...}, "holidays": ...}``.

    ``hours`` is read by :meth:`supportkit.sla.WorkCalendar.weekly` (the same parser as
    SLA policies); ``holidays`` is ``"russia"`` or a list of ISO dates.

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
    unknown = sorted(str(key) for key in spec if key not in _KEYS)
    if unknown:
        raise InvalidRule(
            f"{where} has unknown key {unknown[0]!r}; known keys are {list(_KEYS)}.",
            field=f"{where}.{unknown[0]}",
            value=spec[unknown[0]],
        )
    tz = spec.get("tz", "UTC")
    if not isinstance(tz, str):
        raise InvalidRule(
            f"{where}.tz must be a zone name such as 'Europe/Moscow' (got {tz!r}).",
            field=f"{where}.tz",
            value=tz,
        )
    try:
        WorkCalendar.always(tz)
    except SupportkitError as exc:
        raise _reraise(exc, f"{where}.tz", tz) from exc
    hours = spec.get("hours")
    if not isinstance(hours, Mapping) or not hours:
        raise InvalidRule(
            f"{where}.hours must be a non-empty mapping such as "
            f'{{"mon-fri": "09:00-18:00"}} (got {hours!r}).',
            field=f"{where}.hours",
            value=hours,
        )
    for days, span in hours.items():
        _check_entry(tz, days, span, f"{where}.hours.{days}")
    holidays = _holidays(spec.get("holidays"), f"{where}.holidays")
    try:
        return weekly_calendar(tz, dict(hours), holidays)
    except SupportkitError as exc:
        raise _reraise(exc, f"{where}.hours", hours) from exc
