"""Flattened working time: sorted, disjoint intervals with running totals.

A calendar's working time over a span of local years is kept as four parallel lists
of integer microseconds since the Unix epoch: interval ``starts`` and ``ends``,
``cum`` (working time before each interval) and ``cend`` (working time to its end).
Every query is then one or two binary searches, so ``add(start, 2000 h)`` costs the
same as ``add(start, 1 h)``: no walking day by day, week by week.
"""

from __future__ import annotations

import datetime as _dt
from bisect import bisect_left, bisect_right

__all__ = [
    "EPOCH",
    "Span",
    "Table",
    "Timeline",
    "difference",
    "from_us",
    "intersect",
    "merge",
    "to_us",
]

EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_US_PER_DAY = 86_400_000_000

Span = tuple[int, int]


def to_us(value: _dt.datetime) -> int:
    """Microseconds since the epoch of an aware datetime (exact, no float rounding)."""
    delta = value - EPOCH
    return delta.days * _US_PER_DAY + delta.seconds * 1_000_000 + delta.microseconds


def from_us(value: int, tz: _dt.tzinfo) -> _dt.datetime:
    """The aware datetime in zone ``tz`` of an epoch-microsecond instant."""
    return (EPOCH + _dt.timedelta(microseconds=value)).astimezone(tz)


def merge(spans: list[Span]) -> list[Span]:
    """Sort and merge overlapping or touching spans."""
    spans.sort()
    out: list[Span] = []
    for start, end in spans:
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def intersect(a: list[Span], b: list[Span]) -> list[Span]:
    """Intersection of two sorted, disjoint span lists."""
    out: list[Span] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo = max(a[i][0], b[j][0])
        hi = min(a[i][1], b[j][1])
        if lo < hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def difference(a: list[Span], b: list[Span]) -> list[Span]:
    """``a`` minus ``b`` for sorted, disjoint span lists."""
    out: list[Span] = []
    j = 0
    for start, end in a:
        cursor = start
        while j < len(b) and b[j][1] <= cursor:
            j += 1
        k = j
        while k < len(b) and b[k][0] < end:
            if b[k][0] > cursor:
                out.append((cursor, b[k][0]))
            cursor = max(cursor, b[k][1])
            if cursor >= end:
                break
            k += 1
        if cursor < end:
            out.append((cursor, end))
    return out


class Table:
    """Working time over ``[lo, hi)`` (local years ``y0``..``y1`` of the calendar's zone)."""

    __slots__ = ("cend", "cum", "ends", "hi", "lo", "starts", "y0", "y1")

    def __init__(self, y0: int, y1: int, lo: int, hi: int, spans: list[Span]) -> None:
        self.y0, self.y1, self.lo, self.hi = y0, y1, lo, hi
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]
        cum: list[int] = []
        cend: list[int] = []
        total = 0
        for start, end in spans:
            cum.append(total)
            total += end - start
            cend.append(total)
        self.cum, self.cend = cum, cend

    @property
    def total(self) -> int:
        """Working microseconds in the whole table."""
        return self.cend[-1] if self.cend else 0

    def position(self, at: int) -> int:
        """Working microseconds from ``lo`` up to instant ``at``."""
        i = bisect_right(self.starts, at) - 1
        if i < 0:
            return 0
        if at >= self.ends[i]:
            return self.cend[i]
        return self.cum[i] + at - self.starts[i]

    def instant(self, target: int) -> int:
        """The earliest instant by which ``target`` working microseconds have passed.

        ``target`` must be in ``(0, total]``; landing exactly on an interval's end
        gives that end (the closing time), not the next opening.
        """
        j = bisect_left(self.cend, target)
        return self.starts[j] + target - self.cum[j]

    def slice(self, lo: int, hi: int) -> list[Span]:
        """The spans clipped to ``[lo, hi)``."""
        i = max(bisect_right(self.starts, lo) - 1, 0)
        j = bisect_left(self.starts, hi)
        out: list[Span] = []
        for k in range(i, j):
            start = max(self.starts[k], lo)
            end = min(self.ends[k], hi)
            if start < end:
                out.append((start, end))
        return out


class Timeline:
    """The lazily built, replaceable :class:`Table` of one calendar (a cache).

    It is left out of equality, hashing and pickling: a calendar unpickles with an
    empty cache and rebuilds it on first use.
    """

    __slots__ = ("table",)

    def __init__(self) -> None:
        self.table: Table | None = None

    def __reduce__(self) -> tuple[type[Timeline], tuple[()]]:
        return (Timeline, ())
