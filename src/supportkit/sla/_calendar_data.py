"""How a :class:`~supportkit.sla.WorkCalendar` reads and writes its parts: zone names,
dates, holidays (a production calendar, ``"RU"`` or a list of dates) and shortened days."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from typing import Any

from supportkit._time import resolve_timezone
from supportkit.exceptions import InvalidArgument, InvalidCalendar
from supportkit.sla._hours import Hours
from supportkit.sla._production import ProductionCalendar, russia

__all__ = [
    "as_date",
    "check_holidays",
    "holidays_from_data",
    "shorten",
    "tz_from_name",
    "tz_name",
]


_OFFSET = re.compile(r"([+-])(\d\d):(\d\d)(?::(\d\d)(?:\.(\d{6}))?)?")


def tz_name(tz: _dt.tzinfo) -> str:
    """The name :func:`tz_from_name` reads back as an equal zone.

    A zone's IANA key (``"Europe/Moscow"``, ``"UTC"``), or for a fixed offset
    (``datetime.timezone``, also ``timezone.utc``) its ISO form ``"+03:00"`` (with
    seconds, ``"+03:00:30"``, when the offset is not whole minutes).
    """
    key = getattr(tz, "key", None)
    if isinstance(key, str):
        return key
    if isinstance(tz, _dt.timezone):
        offset = tz.utcoffset(None)
        sign = "-" if offset < _dt.timedelta(0) else "+"
        offset = abs(offset)
        minutes, seconds = divmod(offset.seconds, 60)
        text = f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
        if seconds or offset.microseconds:
            text += f":{seconds:02d}"
        if offset.microseconds:
            text += f".{offset.microseconds:06d}"
        return text
    return str(tz)


def tz_from_name(name: Any, *, field: str = "tz") -> _dt.tzinfo:
    """A zone from a name, a fixed offset (``"+03:00"``, ``"-05:30"``) or a tzinfo.

    Every place that reads a calendar's zone goes through here, so whatever
    :func:`tz_name` writes is accepted back.
    """
    if isinstance(name, str):
        match = _OFFSET.fullmatch(name.strip())
        if match is not None:
            sign, hours, minutes, seconds, micro = match.groups()
            offset = _dt.timedelta(
                hours=int(hours),
                minutes=int(minutes),
                seconds=int(seconds or 0),
                microseconds=int(micro or 0),
            )
            if offset >= _dt.timedelta(hours=24) or int(minutes) > 59 or int(seconds or 0) > 59:
                raise InvalidCalendar(
                    f"{field} {name!r} is not a valid UTC offset; use one between -23:59 "
                    "and +23:59, such as '+03:00'.",
                    field=field,
                    value=name,
                )
            return _dt.timezone(-offset if sign == "-" else offset)
    return resolve_timezone(name, field=field)


def as_date(value: Any, *, field: str) -> _dt.date:
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidCalendar(
        f"{field} must be a date such as date(2024, 1, 1) or '2024-01-01' (got {value!r}).",
        field=field,
        value=value,
    )


def shorten(spans: Hours) -> Hours:
    """The day's last interval one hour shorter (dropped when it is an hour or less)."""
    if not spans:
        return spans
    start, end = spans[-1]
    if end - 3600 <= start:
        return spans[:-1]
    return (*spans[:-1], (start, end - 3600))


def check_holidays(value: Any) -> ProductionCalendar | None:
    if value is None or isinstance(value, ProductionCalendar):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        return ProductionCalendar.from_dates(value)
    raise InvalidArgument(
        "holidays must be a ProductionCalendar such as supportkit.sla.russia(), a list of "
        f"dates such as ['2024-06-12', date(2024, 11, 4)], or None (got {value!r} that is "
        f"a {type(value).__name__}).",
        field="holidays",
        value=value,
    )


def holidays_from_data(raw: Any) -> ProductionCalendar | None:
    """The ``holidays`` of a calendar file: ``null``, ``"RU"``, a list of dates or a table."""
    if raw is None:
        return None
    if raw == "RU":
        return russia()
    if isinstance(raw, list):
        return ProductionCalendar.from_dates(raw)
    if isinstance(raw, Mapping):
        return ProductionCalendar.from_dict(raw)
    raise InvalidCalendar(
        'holidays must be "RU" (the Russian production calendar), a list of ISO dates '
        f'such as ["2024-06-12"], or a production calendar object (got {raw!r}).',
        field="holidays",
        value=raw,
    )
