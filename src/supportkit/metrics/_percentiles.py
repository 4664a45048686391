"""Percentiles of durations: exact by default, or a bounded-memory log-bucket sketch.

Exact
    Every value is kept (8 bytes each, in an :class:`array.array`); percentiles use
    linear interpolation between order statistics, like NumPy and pandas. The mean is
    the correctly rounded :func:`math.fsum` of the values, so it does not depend on
    their order or on how partial accumulators were merged.

Sketch (``sketch=0.01``)
    Values are counted in logarithmic buckets ``(γ^(i-1), γ^i]`` with
    ``γ = (1 + α) / (1 − α)`` (the DDSketch construction, Masson, Rim & Lee, VLDB
    2019). Reporting the bucket's point ``2γ^i / (γ + 1)`` is within relative error
    ``α`` of every value in the bucket, so each reported percentile is within ``α``
    (relatively) of the exact interpolated percentile. Memory is one counter per
    occupied bucket: durations from one second to a year at ``α = 1 %`` need at most
    about 870 buckets, whatever the number of values. Merging adds bucket counts, so it
    is exact: merged sketches equal a one-pass sketch. Count, mean, min and max stay
    exact (the sum is kept in integer microseconds).
"""

from __future__ import annotations

import datetime as _dt
import itertools
import math
from array import array
from bisect import bisect_left
from collections.abc import Sequence
from typing import Any

from supportkit.exceptions import InvalidValue
from supportkit.metrics._checks import finite
from supportkit.metrics._results import Distribution

__all__ = ["ExactStore", "LogSketch", "interpolate", "make_store", "summarise"]

QUANTILES = (0.5, 0.9, 0.95)


def interpolate(values: Sequence[float], q: float) -> float:
    """Return the ``q``-quantile of sorted ``values`` by linear interpolation (NumPy type 7).

    >>> interpolate([1.0, 2.0, 3.0, 4.0], 0.5)
    2.5
    """
    rank = q * (len(values) - 1)
    lo = math.floor(rank)
    hi = min(lo + 1, len(values) - 1)
    frac = rank - lo
    return values[lo] + (values[hi] - values[lo]) * frac if frac else values[lo]


def _check(value: float) -> float:
    if not value >= 0:  # also catches NaN
        raise InvalidValue(
            f"durations must be zero or positive seconds (got {value!r}).",
            field="duration",
            value=value,
        )
    return value


class ExactStore:
    """Keep every duration (seconds, as 8-byte floats) for exact percentiles."""

    __slots__ = ("_sorted_n", "values")

    relative_error = 0.0

    def __init__(self) -> None:
        self.values = array("d")
        # Values are only ever appended, so "sorted" means "no longer than at the last sort".
        self._sorted_n = 0

    @property
    def count(self) -> int:
        """Number of values."""
        return len(self.values)

    def add(self, seconds: float) -> None:
        """Add one duration in seconds."""
        if not seconds >= 0:  # also catches NaN
            _check(seconds)
        self.values.append(seconds)

    def merge(self, other: ExactStore) -> None:
        """Add all of ``other``'s values."""
        self.values.extend(other.values)

    def _sorted_values(self) -> array[float]:
        if len(self.values) != self._sorted_n:
            self.values = array("d", sorted(self.values))
            self._sorted_n = len(self.values)
        return self.values

    def quantile(self, q: float) -> float:
        """Return the exact ``q``-quantile (the store must not be empty)."""
        return interpolate(self._sorted_values(), q)

    def total(self) -> float:
        """Return the correctly rounded sum (independent of order)."""
        return math.fsum(self.values)

    def minmax(self) -> tuple[float, float]:
        """Return the smallest and the largest value."""
        values = self._sorted_values()
        return values[0], values[-1]

    def histogram(self, edges: Sequence[float]) -> list[int]:
        """Count values in ``[edges[i-1], edges[i])``; ``len(edges) + 1`` bins, open-ended."""
        values = self._sorted_values()
        cuts = [0, *(bisect_left(values, e) for e in edges), len(values)]
        return [b - a for a, b in itertools.pairwise(cuts)]

    def config(self) -> tuple[Any, ...]:
        """What must agree for two stores to merge."""
        return ("exact",)

    def __getstate__(self) -> dict[str, Any]:
        return {"values": self.values.tobytes()}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.values = array("d")
        self.values.frombytes(state["values"])
        self._sorted_n = 0


class LogSketch:
    """A mergeable log-bucket quantile sketch with relative error ``relative_error``.

    Args:
        relative_error: ``α`` in (0, 0.5); 0.01 means every percentile is within 1 %.
    """

    __slots__ = (
        "_log_gamma",
        "buckets",
        "count",
        "gamma",
        "max",
        "micros",
        "min",
        "relative_error",
        "zeros",
    )

    def __init__(self, relative_error: float = 0.01) -> None:
        relative_error = finite(relative_error, field="relative_error")
        if not 0 < relative_error < 0.5:
            raise InvalidValue(
                f"sketch relative error must be between 0 and 0.5, such as 0.01 "
                f"(got {relative_error!r}).",
                field="sketch",
                value=relative_error,
            )
        self.relative_error = relative_error
        self.gamma = (1 + relative_error) / (1 - relative_error)
        self._log_gamma = math.log(self.gamma)
        self.buckets: dict[int, int] = {}
        self.zeros = 0
        self.count = 0
        self.micros = 0
        self.min = math.inf
        self.max = 0.0

    def add(self, seconds: float) -> None:
        """Add one duration in seconds."""
        if not seconds >= 0:  # also catches NaN
            _check(seconds)
        self.count += 1
        self.micros += round(seconds * 1_000_000)
        # Compares rather than min()/max(): same values, cheaper in this hot path.
        if seconds < self.min:  # noqa: PLR1730
            self.min = seconds
        if seconds > self.max:  # noqa: PLR1730
            self.max = seconds
        if seconds == 0:
            self.zeros += 1
            return
        key = math.ceil(math.log(seconds) / self._log_gamma)
        buckets = self.buckets
        buckets[key] = buckets.get(key, 0) + 1

    def merge(self, other: LogSketch) -> None:
        """Add ``other``'s buckets (exact: the result equals a one-pass sketch)."""
        for key, n in other.buckets.items():
            self.buckets[key] = self.buckets.get(key, 0) + n
        self.zeros += other.zeros
        self.count += other.count
        self.micros += other.micros
        self.min = min(self.min, other.min)
        self.max = max(self.max, other.max)

    def _at_rank(self, rank: int) -> float:
        if rank < self.zeros:
            return 0.0
        seen = self.zeros
        for key in sorted(self.buckets):
            seen += self.buckets[key]
            if seen > rank:
                value = 2 * self.gamma**key / (self.gamma + 1)
                return min(max(value, self.min), self.max)
        return self.max

    def quantile(self, q: float) -> float:
        """Return the ``q``-quantile within ``relative_error`` of the exact interpolated one."""
        rank = q * (self.count - 1)
        lo = math.floor(rank)
        frac = rank - lo
        low = self._at_rank(lo)
        if not frac:
            return low
        return low + (self._at_rank(min(lo + 1, self.count - 1)) - low) * frac

    def total(self) -> float:
        """Return the sum of the values (kept exactly, in microseconds)."""
        return self.micros / 1_000_000

    def minmax(self) -> tuple[float, float]:
        """Return the smallest and the largest value (exact)."""
        return self.min, self.max

    def histogram(self, edges: Sequence[float]) -> list[int]:
        """Approximate bin counts from the buckets (each bucket goes to its point's bin)."""
        out = [0] * (len(edges) + 1)
        out[bisect_left(edges, 0.0) if edges[0] > 0.0 else 0] += self.zeros
        for key, n in self.buckets.items():
            value = 2 * self.gamma**key / (self.gamma + 1)
            index = bisect_left(edges, value)
            if index < len(edges) and edges[index] == value:
                index += 1
            out[index] += n
        return out

    def config(self) -> tuple[Any, ...]:
        """What must agree for two sketches to merge."""
        return ("sketch", self.relative_error)

    def __getstate__(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)


Store = ExactStore | LogSketch


def make_store(sketch: float | None) -> ExactStore | LogSketch:
    """Return an exact store (``sketch=None``) or a sketch with that relative error."""
    if sketch is None:
        return ExactStore()
    if isinstance(sketch, bool) or not isinstance(sketch, (int, float)):
        raise InvalidValue(
            f"sketch must be None (exact) or a relative error such as 0.01 (got {sketch!r}).",
            field="sketch",
            value=sketch,
        )
    return LogSketch(float(sketch))


def _td(seconds: float) -> _dt.timedelta:
    return _dt.timedelta(seconds=seconds)


def summarise(store: ExactStore | LogSketch) -> Distribution:
    """Return the :class:`Distribution` of a store."""
    n = store.count
    exact = isinstance(store, ExactStore)
    if n == 0:
        return Distribution(
            count=0,
            mean=None,
            p50=None,
            p90=None,
            p95=None,
            max=None,
            min=None,
            exact=exact,
            relative_error=store.relative_error,
        )
    p50, p90, p95 = (store.quantile(q) for q in QUANTILES)
    low, high = store.minmax()
    return Distribution(
        count=n,
        mean=_td(store.total() / n),
        p50=_td(p50),
        p90=_td(p90),
        p95=_td(p95),
        max=_td(high),
        min=_td(low),
        exact=exact,
        relative_error=store.relative_error,
    )
