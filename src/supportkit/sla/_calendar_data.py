"""How a :class:`~supportkit.sla.WorkCalendar` reads and writes its parts: zone names,
dates, holidays (a production calendar, ``"RU"`` or a list of dates) and shortened days."""

from __future__ import annotations

import datetime as _dt
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


def tz_name(tz: _dt.tzinfo) -> str:
    key = getattr(tz, "key", None)
    if isinstance(key, str):
        return key
    if isinstance(tz, _dt.timezone):
        offset = tz.utcoffset(None)
        if not offset:
            return "UTC"
        sign = "-" if offset < _dt.timedelta(0) else "+"
        minutes = abs(int(offset.total_seconds())) // 60
        return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    return str(tz)


def tz_from_name(name: Any) -> _dt.tzinfo:
    if isinstance(name, str) and name[:1] in "+-" and len(name) == 6 and name[3] == ":":
        try:
            hours, minutes = int(name[1:3]), int(name[4:6])
        except ValueError:
            pass
        else:
            sign = -1 if name[0] == "-" else 1
            return _dt.timezone(sign * _dt.timedelta(hours=hours, minutes=minutes))
    return resolve_timezone(name)


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
