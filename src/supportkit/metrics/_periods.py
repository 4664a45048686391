"""Calendar periods (day, ISO week, month) as sortable string keys."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Final

from supportkit._time import resolve_timezone
from supportkit.exceptions import InvalidArgument, InvalidValue

__all__ = ["PERIODS", "period_key", "period_start", "previous_period", "resolve_period"]

#: Period names accepted by every ``period=`` option.
PERIODS: Final = ("day", "week", "month")
_UTC: Final = _dt.timezone.utc


def resolve_period(period: Any, *, field: str = "period") -> str:
    """Check a ``period=`` option."""
    if not isinstance(period, str):
        raise InvalidArgument(
            f"{field} must be one of {list(PERIODS)} (got {period!r}).", field=field, value=period
        )
    if period not in PERIODS:
        raise InvalidValue(
            f"{field} must be one of {list(PERIODS)} (got {period!r}).", field=field, value=period
        )
    return period


def resolve_tz(tz: Any) -> _dt.tzinfo:
    """Return the zone periods are counted in (UTC when ``None``)."""
    return _UTC if tz is None else resolve_timezone(tz, field="tz")


def key_of_date(day: _dt.date, period: str) -> str:
    """Return the key of the period holding ``day``: ``2024-10-07``, ``2024-W41``, ``2024-10``."""
    if period == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return f"{day.year}-{day.month:02d}"
    return day.isoformat()


def period_key(at: _dt.datetime, period: str, tz: _dt.tzinfo) -> str:
    """Return the key of the period containing the instant ``at`` in zone ``tz``."""
    return key_of_date(at.astimezone(tz).date(), period)


def period_start(key: str) -> _dt.date:
    """Return the first day of the period named ``key``."""
    if "-W" in key:
        year, week = key.split("-W")
        return _dt.date.fromisocalendar(int(year), int(week), 1)
    parts = key.split("-")
    if len(parts) == 2:
        return _dt.date(int(parts[0]), int(parts[1]), 1)
    return _dt.date.fromisoformat(key)


def previous_period(key: str) -> str:
    """Return the key of the period just before ``key`` (of the same kind)."""
    start = period_start(key)
    if "-W" in key:
        return key_of_date(start - _dt.timedelta(days=7), "week")
    if len(key.split("-")) == 2:
        return key_of_date(start - _dt.timedelta(days=1), "month")
    return key_of_date(start - _dt.timedelta(days=1), "day")


def next_period(key: str) -> str:
    """Return the key of the period just after ``key`` (of the same kind)."""
    start = period_start(key)
    if "-W" in key:
        return key_of_date(start + _dt.timedelta(days=7), "week")
    if len(key.split("-")) == 2:
        return key_of_date((start + _dt.timedelta(days=32)).replace(day=1), "month")
    return key_of_date(start + _dt.timedelta(days=1), "day")


def span(first: str, last: str) -> list[str]:
    """Return every period key from ``first`` to ``last`` inclusive (gaps filled)."""
    out = [first]
    while out[-1] < last:
        out.append(next_period(out[-1]))
    return out


class Keyer:
    """``keyer(at) -> period key``, memoised per 15-minute slot of UTC time.

    Every time zone in use since the 1970s is offset from UTC by a multiple of 15
    minutes and changes offset on such a boundary, so all instants of one 15-minute
    UTC slot share a local date; the slot's key is computed once. A slot whose local
    offset is not a multiple of 15 minutes (historic local mean time) is never cached.
    """

    __slots__ = ("_cache", "period", "tz")

    # Callers in hot loops read ``keyer._cache.get(at.timestamp() // 900)`` first and
    # call the keyer only on a miss.

    def __init__(self, period: str, tz: _dt.tzinfo) -> None:
        self.period = period
        self.tz = tz
        self._cache: dict[float, str] = {}

    def __call__(self, at: _dt.datetime) -> str:
        slot = at.timestamp() // 900
        key = self._cache.get(slot)
        if key is None:
            local = at.astimezone(self.tz)
            key = key_of_date(local.date(), self.period)
            offset = local.utcoffset()
            if offset is not None and offset.total_seconds() % 900 == 0:
                self._cache[slot] = key
        return key

    def __getstate__(self) -> dict[str, Any]:
        return {"period": self.period, "tz": self.tz}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.period = state["period"]
        self.tz = state["tz"]
        self._cache = {}
