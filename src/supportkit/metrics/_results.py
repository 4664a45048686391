"""The frozen result types every metric returns, and their pandas bridge."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from typing import Any, Final

import attrs

from supportkit.exceptions import MissingExtra
from supportkit.metrics._checks import having, instance

__all__ = [
    "AgentMonth",
    "BacklogPeriod",
    "BacklogTrend",
    "CategoryCount",
    "ContactRatePeriod",
    "Distribution",
    "Mean",
    "NPSResult",
    "Period",
    "Rate",
    "format_duration",
    "to_pandas",
]


def _pandas() -> Any:
    try:
        import pandas as pd
    except ImportError as exc:
        raise MissingExtra(
            "to_pandas() needs pandas, which is not installed; "
            "install it with: pip install 'supportkit[pandas]'.",
            extra="pandas",
        ) from exc
    return pd


def _flat_rows(item: Any) -> list[dict[str, Any]]:
    rows = getattr(item, "_rows", None)
    if rows is not None:
        return list(rows())
    return [item.to_dict()]


_RESULT: Final = "a metrics result such as csat(...) or a list of them"


def to_pandas(results: Any) -> Any:
    """Return a pandas DataFrame of one result or of a list of results.

    Scalar results (a :class:`Rate`, a :class:`Distribution`) give one row; a
    :class:`Period` gives one row per category; a list gives the rows of each item.

    Raises:
        MissingExtra: pandas is not installed (``extra == "pandas"``).
    """
    pd = _pandas()
    items: Iterable[Any] = results if isinstance(results, (list, tuple)) else [results]
    rows: list[dict[str, Any]] = []
    for i, item in enumerate(items):
        where = "results" if items is not results else f"results[{i}]"
        rows.extend(_flat_rows(having(item, "_rows", "to_dict", field=where, what=_RESULT)))
    return pd.DataFrame(rows)


def format_duration(value: _dt.timedelta | None) -> str:
    """Format a duration as a support lead reads it: ``45s``, ``12m 30s``, ``3h 05m``, ``2d 4h``."""
    if value is None:
        return "—"
    seconds = instance(
        value, _dt.timedelta, field="value", what="a datetime.timedelta or None"
    ).total_seconds()
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    if seconds < 60:
        text = f"{seconds:.0f}s" if seconds >= 10 or seconds == int(seconds) else f"{seconds:.1f}s"
        return sign + text
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{sign}{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{sign}{hours}h {minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{sign}{days}d {hours}h"


def _pct(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{100 * value:.{digits}f}%"


class _Pandas:
    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:  # pragma: no cover - every subclass overrides
        raise TypeError

    def to_pandas(self) -> Any:
        """Return this result as a pandas DataFrame (needs the ``pandas`` extra)."""
        return to_pandas(self)


@attrs.frozen(repr=False)
class Rate(_Pandas):
    """A proportion with its Wilson 95 % interval.

    Attributes:
        value: ``successes / count`` in 0..1, or ``None`` when ``count`` is 0.
        count: How many items were counted (the denominator).
        successes: How many of them counted as a success (the numerator).
        low: Lower end of the 95 % Wilson interval (``None`` when ``count`` is 0).
        high: Upper end of the interval.
    """

    value: float | None
    count: int
    successes: int
    low: float | None
    high: float | None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return attrs.asdict(self)

    def __repr__(self) -> str:
        if self.value is None:
            return "Rate(no data, count=0)"
        return (
            f"Rate({_pct(self.value)}, {self.successes} of {self.count}, "
            f"95% CI {_pct(self.low)}–{_pct(self.high)})"
        )


@attrs.frozen(repr=False)
class NPSResult(_Pandas):
    """A Net Promoter Score (Bain): % promoters (9–10) − % detractors (0–6).

    Attributes:
        score: -100..100, or ``None`` without answers.
        promoters: Answers of 9 or 10.
        passives: Answers of 7 or 8.
        detractors: Answers of 0 to 6.
        count: All answers.
        low: Lower end of the 95 % adjusted-Wald interval (Rocks 2016).
        high: Upper end.
    """

    score: float | None
    promoters: int
    passives: int
    detractors: int
    count: int
    low: float | None
    high: float | None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return attrs.asdict(self)

    def __repr__(self) -> str:
        if self.score is None:
            return "NPS(no data, count=0)"
        return (
            f"NPS({self.score:+.1f}, promoters={self.promoters}, passives={self.passives}, "
            f"detractors={self.detractors}, 95% CI {self.low:+.1f}..{self.high:+.1f})"
        )


@attrs.frozen(repr=False)
class Mean(_Pandas):
    """A mean score on a scale, as in "8.9 of 10".

    Attributes:
        value: The mean, or ``None`` without answers.
        count: Number of answers.
        low: Lower end of the 95 % normal interval ``mean ± 1.96·s/√n``.
        high: Upper end.
        of: The top of the scale (10 for "8.9 of 10").
    """

    value: float | None
    count: int
    low: float | None
    high: float | None
    of: int

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return attrs.asdict(self)

    def __repr__(self) -> str:
        if self.value is None:
            return f"Mean(no data of {self.of}, count=0)"
        return (
            f"Mean({self.value:.2f} of {self.of}, count={self.count}, "
            f"95% CI {self.low:.2f}–{self.high:.2f})"
        )


def _secs(value: _dt.timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()


@attrs.frozen(repr=False)
class Distribution(_Pandas):
    """Summary of durations (response or resolution times).

    Percentiles use linear interpolation between order statistics (NumPy's and
    pandas' default). With a sketch, ``exact`` is ``False`` and each percentile is
    within ``relative_error`` of the true order statistic.

    Attributes:
        count: Number of durations.
        mean: Mean duration (exact even with a sketch), ``None`` when empty.
        p50: Median.
        p90: 90th percentile.
        p95: 95th percentile.
        max: Longest (exact even with a sketch).
        min: Shortest (exact even with a sketch).
        exact: Whether percentiles are exact.
        relative_error: The sketch's guaranteed relative error (0 when exact).
    """

    count: int
    mean: _dt.timedelta | None
    p50: _dt.timedelta | None
    p90: _dt.timedelta | None
    p95: _dt.timedelta | None
    max: _dt.timedelta | None
    min: _dt.timedelta | None = None
    exact: bool = True
    relative_error: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form: durations in seconds."""
        return {
            "count": self.count,
            "mean": _secs(self.mean),
            "p50": _secs(self.p50),
            "p90": _secs(self.p90),
            "p95": _secs(self.p95),
            "max": _secs(self.max),
            "min": _secs(self.min),
            "exact": self.exact,
            "relative_error": self.relative_error,
        }

    def __repr__(self) -> str:
        if self.count == 0:
            return "Distribution(no data, count=0)"
        approx = "" if self.exact else f", ±{100 * self.relative_error:g}%"
        return (
            f"Distribution(count={self.count}, mean={format_duration(self.mean)}, "
            f"p50={format_duration(self.p50)}, p90={format_duration(self.p90)}, "
            f"p95={format_duration(self.p95)}, max={format_duration(self.max)}{approx})"
        )


@attrs.frozen(repr=False)
class CategoryCount(_Pandas):
    """One category's count in a period, with the change against the previous period.

    Attributes:
        category: The (standardised) category.
        count: Tickets in the period with this category.
        share: ``count`` divided by the period's tickets.
        previous: The count in the previous period (``None`` when that period is
            before the data).
        change: ``count - previous`` (``None`` when ``previous`` is).
    """

    category: str
    count: int
    share: float
    previous: int | None
    change: int | None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return attrs.asdict(self)

    def __repr__(self) -> str:
        change = "" if self.change is None else f", {self.change:+d}"
        return f"{self.category}: {self.count} ({_pct(self.share, 0)}{change})"


@attrs.frozen(repr=False)
class Period(_Pandas):
    """The top categories of one period (an ISO week such as ``2024-W41``, or a month).

    Attributes:
        period: The period key: ``2024-W41``, ``2024-10`` or ``2024-10-07``.
        start: Its first day.
        total: Tickets in the period.
        top: The top categories, by count descending then name ascending.
    """

    period: str
    start: _dt.date
    total: int
    top: tuple[CategoryCount, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "period": self.period,
            "start": self.start.isoformat(),
            "total": self.total,
            "top": [c.to_dict() for c in self.top],
        }

    def _rows(self) -> list[dict[str, Any]]:
        return [
            {
                "period": self.period,
                "start": self.start,
                "total": self.total,
                "rank": i,
                **c.to_dict(),
            }
            for i, c in enumerate(self.top, start=1)
        ]

    def __repr__(self) -> str:
        tops = ", ".join(repr(c) for c in self.top)
        return f"Period({self.period}, total={self.total}: {tops})"


@attrs.frozen(repr=False)
class ContactRatePeriod(_Pandas):
    """Contacts per application in one period ("interactions per application").

    Attributes:
        period: The period key.
        contacts: Support contacts (tickets) created in the period.
        applications: Applications in the period (from business data), or ``None``.
        rate: ``contacts / applications``, ``None`` without applications.
    """

    period: str
    contacts: int
    applications: int | None
    rate: float | None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return attrs.asdict(self)

    def __repr__(self) -> str:
        rate = "—" if self.rate is None else f"{self.rate:.3f}"
        return (
            f"{self.period}: {self.contacts} contacts / {self.applications} applications = {rate}"
        )


@attrs.frozen(repr=False)
class BacklogPeriod(_Pandas):
    """Arrivals, closures and what is still open at the end of one period.

    Attributes:
        period: The period key.
        arrived: Tickets created in the period.
        closed: Tickets resolved in the period.
        open: Tickets open at the end of the period (arrived so far − closed so far).
        growing: Whether arrivals exceeded closures.
    """

    period: str
    arrived: int
    closed: int
    open: int

    @property
    def growing(self) -> bool:
        """Whether more tickets arrived than were closed."""
        return self.arrived > self.closed

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {**attrs.asdict(self), "growing": self.growing}

    def __repr__(self) -> str:
        return f"{self.period}: +{self.arrived} −{self.closed} → {self.open} open"


@attrs.frozen(repr=False)
class BacklogTrend(_Pandas):
    """The backlog over time and the "snowball" signal.

    Attributes:
        periods: One :class:`BacklogPeriod` per period, gaps filled with zeros.
        k: How many consecutive growing periods make a snowball.
        runs: Each run of at least ``k`` consecutive growing periods, as
            ``(first, last)`` period keys.
        snowball: Whether the latest periods form such a run (the backlog is
            snowballing *now*).
    """

    periods: tuple[BacklogPeriod, ...]
    k: int
    runs: tuple[tuple[str, str], ...]
    snowball: bool

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "periods": [p.to_dict() for p in self.periods],
            "k": self.k,
            "runs": [list(r) for r in self.runs],
            "snowball": self.snowball,
        }

    def _rows(self) -> list[dict[str, Any]]:
        return [p.to_dict() for p in self.periods]

    def __repr__(self) -> str:
        last = self.periods[-1] if self.periods else None
        now = "no data" if last is None else f"{last.open} open at {last.period}"
        flag = ", SNOWBALL" if self.snowball else ""
        return f"BacklogTrend({len(self.periods)} periods, {now}, runs={len(self.runs)}{flag})"


@attrs.frozen(repr=False)
class AgentMonth(_Pandas):
    """One agent's quality score for one month and the bonus coefficient it earns.

    Attributes:
        agent: The agent.
        month: ``YYYY-MM``.
        reviews: Number of reviewed tickets.
        score: Mean of the review scores, 0..100.
        bonus: The coefficient from :func:`bonus` (0 below the threshold).
    """

    agent: str
    month: str
    reviews: int
    score: float
    bonus: float

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return attrs.asdict(self)

    def __repr__(self) -> str:
        return (
            f"AgentMonth({self.agent!r}, {self.month}, {self.score:.1f}% over "
            f"{self.reviews} reviews, bonus ×{self.bonus:g})"
        )
