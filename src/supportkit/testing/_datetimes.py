"""Aware datetimes for property tests: UTC first, working hours first, DST edges included.

Hypothesis's own ``datetimes(timezones=...)`` shrinks toward midnight on 1 January
2000. Support code breaks in other places: at the clock change, at the edges of the
working day, in zones far from Moscow. :func:`aware_datetimes` draws

* a wall-clock time on a day in range, shrinking toward 09:00 in UTC, or
* an instant within three hours of a real UTC-offset change of the drawn zone
  (spring-forward gaps and the repeated autumn hour, ``fold=1`` included).

Every example is a real instant: a wall-clock time that does not exist in its zone
(inside a spring-forward gap) is moved forward by the gap, as a clock would be.
"""

from __future__ import annotations

import datetime as _dt
import zoneinfo
from collections.abc import Sequence
from functools import lru_cache
from typing import Final

import pytz
from hypothesis import strategies as st

from supportkit.exceptions import InvalidArgument

__all__ = ["DEFAULT_ZONES", "aware_datetimes", "offset_changes", "zones"]

UTC: Final = _dt.timezone.utc

#: The zones :func:`zones` draws from, simplest first: UTC, Moscow, the Russian far
#: east (the night shift's customers), Kazakhstan, Spain and Mexico (the lender's
#: other markets), a fixed ``+03:00`` offset, and Lord Howe (a 30-minute DST change).
DEFAULT_ZONES: Final[tuple[str, ...]] = (
    "UTC",
    "Europe/Moscow",
    "Asia/Vladivostok",
    "Asia/Kamchatka",
    "Asia/Almaty",
    "Europe/Madrid",
    "America/Mexico_City",
    "Europe/Berlin",
    "America/New_York",
    "+03:00",
    "Australia/Lord_Howe",
)

# Hours in shrinking order: the working day first, then the evening, then the night.
_HOURS: Final = (*range(9, 17), *range(17, 24), *range(9))
_EDGE_MINUTES: Final = 180
# Naive on purpose: bounds are wall-clock times, as in hypothesis.strategies.datetimes.
# Up to 2026: the bundled Russian production calendar covers 2019-2027, so a calendar
# that follows it can still add a long working-time duration to any example.
_MIN: Final = _dt.datetime(2020, 1, 1)  # noqa: DTZ001
_MAX: Final = _dt.datetime(2026, 12, 31, 23, 59, 59)  # noqa: DTZ001


def _zone(name: str) -> _dt.tzinfo:
    if name.startswith(("+", "-")):
        hours, minutes = name[1:].split(":")
        delta = _dt.timedelta(hours=int(hours), minutes=int(minutes))
        return _dt.timezone(-delta if name[0] == "-" else delta)
    return zoneinfo.ZoneInfo(name)


def zones(*, names: Sequence[str] = DEFAULT_ZONES) -> st.SearchStrategy[_dt.tzinfo]:
    """Draw a time zone, shrinking toward the first name (UTC by default).

    Args:
        names: IANA names or fixed offsets such as ``"+03:00"``.

    Raises:
        InvalidArgument: ``names`` is empty or has an unknown zone.
    """
    if isinstance(names, str) or not names:
        raise InvalidArgument(
            f"names must be a non-empty sequence of zone names (got {names!r}).",
            field="names",
            value=names,
        )
    return st.sampled_from([_checked_zone(name) for name in names])


def _checked_zone(name: str) -> _dt.tzinfo:
    try:
        return _zone(name)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError) as exc:
        raise InvalidArgument(
            f"names has {name!r}, which is not an IANA zone or an offset like '+03:00'.",
            field="names",
            value=name,
        ) from exc


@lru_cache(maxsize=256)
def offset_changes(tz: _dt.tzinfo, first_year: int, last_year: int) -> tuple[_dt.datetime, ...]:
    """Return the UTC instants in ``first_year..last_year`` where ``tz`` changes offset.

    Found by scanning every six hours and bisecting to the second, so it works for any
    tzinfo (``zoneinfo``, ``pytz``, ``dateutil``), not only those that list transitions.
    """
    start = _dt.datetime(first_year, 1, 1, tzinfo=UTC)
    end = _dt.datetime(last_year + 1, 1, 1, tzinfo=UTC)
    step = _dt.timedelta(hours=6)
    found: list[_dt.datetime] = []
    here = start
    before = here.astimezone(tz).utcoffset()
    while here < end:
        there = here + step
        after = there.astimezone(tz).utcoffset()
        if after != before:
            low, high = here, there
            while high - low > _dt.timedelta(seconds=1):
                mid = low + (high - low) / 2
                mid = mid.replace(microsecond=0)
                if mid.astimezone(tz).utcoffset() == before:
                    low = mid
                else:
                    high = mid
            found.append(high)
        here, before = there, after
    return tuple(found)


def _real(naive: _dt.datetime, tz: _dt.tzinfo, fold: int = 0) -> _dt.datetime:
    """Attach ``tz`` to a wall-clock time and return the real instant it names.

    A time inside a spring-forward gap moves forward by the gap; ``fold`` picks the
    first (0) or second (1) of a repeated autumn hour and is dropped elsewhere. pytz
    zones are attached with ``localize`` (never the LMT trap).
    """
    if isinstance(tz, pytz.BaseTzInfo):
        return tz.normalize(tz.localize(naive, is_dst=fold == 0))
    wall = naive.replace(tzinfo=tz, fold=fold)
    return wall.astimezone(UTC).astimezone(tz)


def aware_datetimes(
    *,
    min_value: _dt.datetime = _MIN,
    max_value: _dt.datetime = _MAX,
    timezones: st.SearchStrategy[_dt.tzinfo] | None = None,
    dst_edges: bool = True,
) -> st.SearchStrategy[_dt.datetime]:
    """Draw timezone-aware datetimes, shrinking toward 09:00 UTC on ``min_value``'s day.

    Args:
        min_value: Earliest wall-clock time (naive, as in ``hypothesis.strategies.datetimes``);
            2020-01-01 by default.
        max_value: Latest wall-clock time (naive); the end of 2026 by default, inside
            the years :func:`supportkit.sla.russia` covers.
        timezones: A strategy for the zone; :func:`zones` (UTC first) by default.
        dst_edges: Also draw instants within three hours of a real offset change of
            the drawn zone (both sides of spring-forward and the repeated autumn hour).

    Raises:
        InvalidArgument: an aware bound, or ``max_value < min_value``.

    Every example is aware, has second precision, and is a real instant in its zone.
    """
    for name, bound in (("min_value", min_value), ("max_value", max_value)):
        if not isinstance(bound, _dt.datetime) or bound.tzinfo is not None:
            raise InvalidArgument(
                f"{name} must be a naive datetime (a wall-clock bound, as in "
                f"hypothesis.strategies.datetimes) (got {bound!r}).",
                field=name,
                value=bound,
            )
    if max_value < min_value:
        raise InvalidArgument(
            f"Cannot have max_value={max_value!r} < min_value={min_value!r}.",
            field="max_value",
            value=max_value,
        )
    if timezones is not None and not isinstance(timezones, st.SearchStrategy):
        raise InvalidArgument(
            f"timezones must be a strategy such as zones() (got {timezones!r}).",
            field="timezones",
            value=timezones,
        )
    tz_strategy = zones() if timezones is None else timezones
    lo, hi = min_value, max_value

    @st.composite
    def _draw(draw: st.DrawFn) -> _dt.datetime:
        tz = draw(tz_strategy)
        edges = offset_changes(tz, lo.year, hi.year) if dst_edges else ()
        near_edge = bool(edges) and draw(st.booleans())
        if near_edge:
            change = draw(st.sampled_from(edges))
            shift = draw(st.integers(-_EDGE_MINUTES * 60, _EDGE_MINUTES * 60))
            value = (change + _dt.timedelta(seconds=shift)).astimezone(tz)
        else:
            day = draw(st.dates(lo.date(), hi.date()))
            hour = draw(st.sampled_from(_HOURS))
            minute = draw(st.integers(0, 59))
            second = draw(st.integers(0, 59))
            fold = draw(st.integers(0, 1))
            wall = _dt.datetime.combine(day, _dt.time(hour, minute, second))
            value = _real(wall, tz, fold)
        naive = value.replace(tzinfo=None, fold=0)
        if naive < lo:
            value = _real(lo.replace(microsecond=0), tz)
        elif naive > hi:
            value = _real(hi.replace(microsecond=0), tz)
        return value

    return _draw()
