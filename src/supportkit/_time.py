"""The one place where supportkit turns user input into aware datetimes and time zones.

Every module calls :func:`to_aware` for instants and :func:`resolve_timezone` for
zones; none re-implements them.

The pytz trap
-------------
``datetime(2024, 3, 1, 9, 0, tzinfo=pytz.timezone("Europe/Moscow"))`` silently
uses the zone's first historical offset, local mean time (+02:30 for Moscow),
because pytz zones must be attached with ``localize``. :func:`to_aware` detects a
pytz zone whose offset is not valid for that wall-clock time and re-attaches it
with ``localize`` — the wall-clock time the caller wrote is kept, the bogus LMT
offset is not. A correctly localised pytz datetime (including either side of an
ambiguous autumn hour) is left exactly as it is.
"""

from __future__ import annotations

import datetime as _dt
import math
import zoneinfo
from typing import Any

import pytz
from dateutil.parser import isoparse

from supportkit.exceptions import (
    InvalidArgument,
    InvalidCalendar,
    InvalidValue,
    NaiveDatetimeError,
)

__all__ = ["resolve_timezone", "seconds_to_timedelta", "to_aware", "to_timedelta"]

UTC = _dt.timezone.utc


def _valid_pytz_offsets(
    tz: pytz.tzinfo.DstTzInfo, naive: _dt.datetime
) -> set[_dt.timedelta | None]:
    offsets: set[_dt.timedelta | None] = set()
    for is_dst in (True, False):
        offsets.add(tz.localize(naive, is_dst=is_dst).utcoffset())
    return offsets


def _fix_pytz(value: _dt.datetime) -> _dt.datetime:
    tz = value.tzinfo
    if not isinstance(tz, pytz.tzinfo.DstTzInfo):
        return value
    naive = value.replace(tzinfo=None)
    base = pytz.timezone(str(tz.zone))
    assert isinstance(base, pytz.tzinfo.DstTzInfo)
    if value.utcoffset() in _valid_pytz_offsets(base, naive):
        return value
    # The LMT trap (or a tzinfo borrowed from another date): keep the wall clock,
    # attach the offset that was really in force then.
    return base.normalize(base.localize(naive, is_dst=False))


def _parse_iso(text: str) -> _dt.datetime:
    # The standard library's parser is ~50x faster; on Python 3.10 it lacks "Z" and
    # some ISO forms, which dateutil's strict ISO parser then reads.
    try:
        return _dt.datetime.fromisoformat(text)
    except ValueError:
        return isoparse(text)


def to_aware(value: Any, *, field: str = "datetime") -> _dt.datetime:
    """Return ``value`` as a timezone-aware :class:`datetime.datetime`.

    Args:
        value: An aware ``datetime`` (``zoneinfo``, ``pytz``, ``dateutil`` or a fixed
            offset) or an ISO-8601 string with an offset (``"2024-03-01T09:00:00+03:00"``,
            ``"2024-03-01T06:00:00Z"``).
        field: The name to use in error messages (``"events[2].at"``).

    Returns:
        The same instant, aware. Aware datetimes are returned unchanged except for
        the pytz LMT trap, which is corrected (see the module docstring).

    Raises:
        NaiveDatetimeError: ``value`` has no time zone.
        InvalidArgument: ``value`` is neither a ``datetime`` nor a ``str``.
        InvalidValue: ``value`` is a string that is not ISO-8601.

    >>> to_aware("2024-03-01T09:00:00+03:00").isoformat()
    '2024-03-01T09:00:00+03:00'
    """
    original = value
    if isinstance(value, str):
        text = value.strip()
        try:
            parsed = _parse_iso(text)
        except (ValueError, OverflowError) as exc:
            raise InvalidValue(
                f"{field} must be an ISO-8601 date-time with an offset, such as "
                f"'2024-03-01T09:00:00+03:00' (got {value!r}).",
                field=field,
                value=value,
            ) from exc
        offset = parsed.utcoffset()
        # Plain fixed offsets read nicer (and pickle smaller) than dateutil's tzoffset.
        value = parsed if offset is None else parsed.replace(tzinfo=_dt.timezone(offset))
    if not isinstance(value, _dt.datetime):
        raise InvalidArgument(
            f"{field} must be an aware datetime or an ISO-8601 string "
            f"(got {value!r} that is a {type(value).__name__}).",
            field=field,
            value=value,
        )
    if value.tzinfo is None or value.utcoffset() is None:
        if isinstance(original, str):  # from a file or the command line: say how to write it
            raise NaiveDatetimeError(
                f"{field} must be timezone-aware (got {original!r} with no offset); write "
                "the offset, e.g. '2024-03-01T09:00:00+03:00' or '2024-03-01T06:00:00Z'.",
                field=field,
                value=original,
            )
        raise NaiveDatetimeError(
            f"{field} must be timezone-aware (got naive {value.isoformat()!r}); "
            "attach a zone, e.g. datetime(..., tzinfo=ZoneInfo('Europe/Moscow')).",
            field=field,
            value=value,
        )
    return _fix_pytz(value)


def resolve_timezone(value: Any, *, field: str = "tz") -> _dt.tzinfo:
    """Turn a zone name or tzinfo into a tzinfo that does correct wall-clock arithmetic.

    Names (``"Europe/Moscow"``) and pytz zones become :class:`zoneinfo.ZoneInfo`
    (which needs no ``localize``); ``zoneinfo``, ``datetime.timezone`` and other
    tzinfo objects are returned as they are.

    Raises:
        InvalidCalendar: an unknown zone name (a ``ValueError``).
        InvalidArgument: neither a string nor a tzinfo.

    >>> resolve_timezone("Europe/Moscow")
    zoneinfo.ZoneInfo(key='Europe/Moscow')
    """
    if isinstance(value, str):
        name = value.strip()
        if name.upper() == "UTC":
            return zoneinfo.ZoneInfo("UTC")
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
            raise InvalidCalendar(
                f"{field} {value!r} is not a known IANA time zone; "
                "use a name such as 'Europe/Moscow' or 'Asia/Vladivostok'.",
                field=field,
                value=value,
            ) from exc
    if isinstance(value, pytz.BaseTzInfo):
        return resolve_timezone(str(value.zone), field=field)
    if isinstance(value, _dt.tzinfo):
        return value
    raise InvalidArgument(
        f"{field} must be a time-zone name or a tzinfo (got {value!r} that is a "
        f"{type(value).__name__}).",
        field=field,
        value=value,
    )


def to_timedelta(value: Any, *, field: str = "duration") -> _dt.timedelta:
    """Accept a :class:`~datetime.timedelta` or a number of seconds.

    Raises:
        InvalidArgument: any other type (``bool`` included).
        InvalidValue: ``nan``, an infinity or more seconds than a ``timedelta`` holds
            (about 2.7 million years).
    """
    if isinstance(value, _dt.timedelta):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return seconds_to_timedelta(value, field=field, original=value)
    raise InvalidArgument(
        f"{field} must be a timedelta or a number of seconds (got {value!r} that is a "
        f"{type(value).__name__}).",
        field=field,
        value=value,
    )


#: The largest duration in seconds a :class:`datetime.timedelta` can hold.
_MAX_SECONDS = _dt.timedelta.max.total_seconds()


def seconds_to_timedelta(
    seconds: float, *, field: str = "duration", original: Any = None
) -> _dt.timedelta:
    """Turn a number of seconds into a ``timedelta``, rejecting nan, inf and overflow.

    Args:
        seconds: The number of seconds (may be negative).
        field: The name to use in error messages.
        original: The value as the user wrote it, for the message (``"1e400"``).

    Raises:
        InvalidValue: ``nan``, an infinity, or beyond ``timedelta``'s range.

    >>> seconds_to_timedelta(90)
    datetime.timedelta(seconds=90)
    """
    shown = seconds if original is None else original
    # an int is compared as an int: math.isnan(10**400) itself overflows
    if (
        not isinstance(seconds, int) and math.isnan(seconds)
    ) or not -_MAX_SECONDS <= seconds <= _MAX_SECONDS:
        raise InvalidValue(
            f"{field} must be a finite duration of at most {_MAX_SECONDS:.0f} seconds "
            f"(about 2.7 million years) (got {shown!r}).",
            field=field,
            value=shown,
        )
    try:
        return _dt.timedelta(seconds=seconds)
    except OverflowError:
        raise InvalidValue(
            f"{field} must be a finite duration of at most {_MAX_SECONDS:.0f} seconds "
            f"(about 2.7 million years) (got {shown!r}).",
            field=field,
            value=shown,
        ) from None
