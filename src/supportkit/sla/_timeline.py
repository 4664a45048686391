"""Flattened working time: sorted, disjoint intervals with running totals.

A calendar's working time over a span of local years is kept as four parallel lists
of integer microseconds since the Unix epoch: interval ``starts`` and ``ends``,
``cum`` (working time before each interval) and ``cend`` (working time to its end).
Every query is then one or two binary searches, so ``add(start, 2000 h)`` costs the
same as ``add(start, 1 h)``: no walking day by day, week by week.

A table also keeps, filled in as days are asked for, a *day index* keyed by the local
day number (days since 1970-01-01 on the calendar's wall clock): for a day whose UTC
offset does not change, the UTC microsecond of its midnight and the range of intervals
that can hold an instant of that day. A datetime already in the calendar's zone then
converts to epoch microseconds by wall-clock subtraction (no ``utcoffset`` call) and
searches only its day's intervals. Days with a clock change are marked and take the
general path.
"""

from __future__ import annotations

import datetime as _dt
from bisect import bisect_left, bisect_right
from typing import Literal

__all__ = [
    "EPOCH",
    "HOURS",
    "SECONDS",
    "DayEntry",
    "Span",
    "Table",
    "Timeline",
    "difference",
    "from_us",
    "intersect",
    "merge",
    "to_us",
    "to_us_delta",
]

EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_US_PER_DAY = 86_400_000_000

Span = tuple[int, int]
DayEntry = tuple[int, int, int] | tuple[()]
#: Offsets into an interval of at most two days as hours + seconds: two additions of
#: ready timedeltas instead of building one (``timedelta()`` costs as much as the rest).
HOURS = tuple(_dt.timedelta(hours=h) for h in range(49))
SECONDS = tuple(_dt.timedelta(seconds=s) for s in range(3600))
_EPOCH_DATE = _dt.date(1970, 1, 1)
_US_PER_HOUR = 3_600_000_000


def _uniform(midnight: int, number: int, tz: _dt.tzinfo) -> bool:
    """Whether local day ``number`` (starting at UTC ``midnight``) has one UTC offset.

    The offset is read at the midnight, every hour after it up to the last microsecond
    of the day and at the next midnight (a fixed-offset zone needs no reading); the day must start
    at 00:00 wall time and last 24 hours. Clock changes happen at most a few times a
    year, none two within an hour.
    """
    if tz.__class__ is _dt.timezone:
        return True
    offset = from_us(midnight, tz).utcoffset()
    if offset is None or midnight + to_us_delta(offset) != number * _US_PER_DAY:
        return False
    probes = [midnight + h * _US_PER_HOUR for h in range(1, 24)]
    probes.append(midnight + _US_PER_DAY - 1)
    # The next midnight too: a clock set back at the very end of the day (Almaty,
    # 2024-03-01 00:00 -> 2024-02-29 23:00) repeats the day's last hour, so wall times of
    # this day lie past 24 hours after its midnight.
    probes.append(midnight + _US_PER_DAY)
    return all(from_us(p, tz).utcoffset() == offset for p in probes)


def to_us_delta(value: _dt.timedelta) -> int:
    """Microseconds of a timedelta (exact)."""
    return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds


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

    __slots__ = (
        "cend",
        "cum",
        "days",
        "ends",
        "epoch",
        "hi",
        "lists",
        "lo",
        "starts",
        "total",
        "tz",
        "walls",
        "y0",
        "y1",
    )

    def __init__(
        self, y0: int, y1: int, lo: int, hi: int, spans: list[Span], *, tz: _dt.tzinfo
    ) -> None:
        self.y0, self.y1, self.lo, self.hi = y0, y1, lo, hi
        self.tz = tz
        # Local midnight of 1970-01-01: ``moment - epoch`` for a moment in ``tz`` is
        # wall-clock arithmetic (same tzinfo), the day index's key and offset into it.
        self.epoch = _dt.datetime(1970, 1, 1, tzinfo=tz)
        self.days: dict[int, DayEntry] = {}
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
        self.total = total  # working microseconds in the whole table
        self.lists = (self.starts, self.ends, cum, cend)  # one load on the hot paths
        # Per interval, filled on first use: its start as a wall-clock datetime in
        # ``tz`` when the UTC offset is the same all through it (then an instant inside
        # is that start plus a timedelta, no conversion), else False.
        self.walls: list[_dt.datetime | Literal[False] | None] = [None] * len(spans)

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

    def day(self, number: int) -> DayEntry:
        """The day index entry of local day ``number``, computed and kept on first use.

        ``(midnight, lo, hi)``: the UTC microsecond of the day's local midnight, and the
        bounds for ``bisect_right(starts, s, lo, hi) - 1`` for any instant ``s`` of the
        day. ``()`` when the day has a clock change or is not (wholly) in the table; a
        day outside the table is not kept, so a grown table can fill it in later.
        """
        try:
            date = _EPOCH_DATE + _dt.timedelta(days=number)
            local = _dt.datetime(date.year, date.month, date.day, tzinfo=self.tz)
            midnight = to_us(local)
        except (OverflowError, ValueError):
            return ()
        following = midnight + _US_PER_DAY
        if not (self.lo <= midnight and following <= self.hi):
            return ()
        entry: DayEntry = ()
        if _uniform(midnight, number, self.tz):
            entry = (
                midnight,
                bisect_right(self.starts, midnight),
                bisect_left(self.starts, following),
            )
        self.days[number] = entry
        return entry

    def wall(self, index: int) -> _dt.datetime | Literal[False]:
        """Interval ``index``'s start for wall-clock arithmetic (see ``walls``), kept.

        False when the interval is over two days long or touches a day of a clock
        change (or a day not wholly in the table): such instants are converted with
        ``fromtimestamp``.
        """
        start, end = self.starts[index], self.ends[index]
        out: _dt.datetime | Literal[False] = False
        if end - start <= 2 * _US_PER_DAY:
            first = from_us(start, self.tz)
            offset = first.utcoffset()
            if offset is not None and offset == from_us(end, self.tz).utcoffset():
                shift = to_us_delta(offset)
                numbers = range((start + shift) // _US_PER_DAY, (end + shift) // _US_PER_DAY + 1)
                if all(self.days.get(n) or self.day(n) for n in numbers):
                    out = first
        self.walls[index] = out
        return out

    def moment(self, index: int, inside: int) -> _dt.datetime:
        """The instant ``inside`` microseconds after interval ``index`` starts, in ``tz``.

        Wall-clock addition when the interval has one UTC offset (see :meth:`wall`),
        else ``fromtimestamp``; both give the same datetime (``fold`` included).
        ``WorkCalendar.add`` inlines this on its fast path.
        """
        first = self.walls[index]
        if first is None:
            first = self.wall(index)
        if first:
            whole, micro = divmod(inside, 1_000_000)
            hours, seconds = divmod(whole, 3600)
            result = first + HOURS[hours] + SECONDS[seconds]
            return result + _dt.timedelta(0, 0, micro) if micro else result
        whole, micro = divmod(self.starts[index] + inside, 1_000_000)
        result = _dt.datetime.fromtimestamp(whole, self.tz)
        # Deadlines are usually whole seconds; replace() costs as much as the rest.
        return result.replace(microsecond=micro) if micro else result

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
