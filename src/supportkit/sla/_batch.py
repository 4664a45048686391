"""Attainment: how many tickets met each target, per policy and metric, mergeable.

:class:`AttainmentSummary` is an accumulator like those of :mod:`supportkit.metrics`:
``add`` reports one at a time, ``merge`` partial summaries from other workers or
files, and read ``result()``. Merging partial summaries gives exactly what one pass
over all the reports gives (counts and sums only, no floating-point order effects:
elapsed time is summed in whole microseconds).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from supportkit._frames import to_pandas
from supportkit.exceptions import InvalidArgument
from supportkit.sla._args import expect, expect_items
from supportkit.sla._report import LazyMetrics, SLAReport, tally_of

__all__ = ["Attainment", "AttainmentSummary"]


@attrs.frozen
class Attainment:
    """Attainment of one metric under one policy.

    Attributes:
        policy: Policy name.
        metric: Metric name.
        met: Tickets whose metric was achieved on time (every cycle, for cycle metrics).
        breached: Tickets where the metric breached (any cycle, for cycle metrics),
            including clocks still running past their due time at ``now``.
        running: Clocks still running at ``now`` and not yet late (active or paused);
            not part of :attr:`rate`, but always shown beside it.
        stopped: Tickets solved before the metric was achieved, on time; not part of
            :attr:`rate` (e.g. a chat closed by the bot before an agent answered).
        elapsed_us: Total working time to achievement of the met and breached
            tickets, in microseconds (an ``int``, so merging is exact; ``to_dict``
            gives it in seconds).
    """

    policy: str
    metric: str
    met: int = 0
    breached: int = 0
    running: int = 0
    stopped: int = 0
    elapsed_us: int = 0

    @property
    def decided(self) -> int:
        """Tickets that met or breached the target (the denominator of :attr:`rate`)."""
        return self.met + self.breached

    @property
    def rate(self) -> float | None:
        """Share met on time, ``met / (met + breached)``; ``None`` when nothing is decided."""
        return None if self.decided == 0 else self.met / self.decided

    @property
    def mean_elapsed(self) -> _dt.timedelta | None:
        """Mean working time of the decided tickets (``None`` when nothing is decided)."""
        if self.decided == 0:
            return None
        return _dt.timedelta(microseconds=self.elapsed_us // self.decided)

    def merge(self, other: Attainment) -> Attainment:
        """Return the sum of two attainments of the same policy and metric."""
        if (other.policy, other.metric) != (self.policy, self.metric):
            raise InvalidArgument(
                f"cannot merge attainment of {other.policy!r}/{other.metric!r} into "
                f"{self.policy!r}/{self.metric!r}.",
                field="other",
                value=other,
            )
        return Attainment(
            self.policy,
            self.metric,
            self.met + other.met,
            self.breached + other.breached,
            self.running + other.running,
            self.stopped + other.stopped,
            self.elapsed_us + other.elapsed_us,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form, including ``rate``."""
        return {
            "policy": self.policy,
            "metric": self.metric,
            "met": self.met,
            "breached": self.breached,
            "running": self.running,
            "stopped": self.stopped,
            "rate": self.rate,
            "elapsed_seconds": self.elapsed_us / 1_000_000,
        }


class AttainmentSummary:
    """Accumulates :class:`Attainment` per (policy, metric) over many reports.

    >>> summary = AttainmentSummary()
    >>> summary.result()
    ()
    """

    __slots__ = ("_counts", "after_now", "reports", "unmeasured")

    def __init__(self, reports: Iterable[SLAReport] = ()) -> None:
        self._counts: dict[tuple[str, str], list[int]] = {}
        #: Reports added.
        self.reports = 0
        #: Reports with no applicable policy (or skipped in lenient batches).
        self.unmeasured = 0
        #: Tickets created after ``now``, skipped by ``PolicySet.evaluate_many``.
        self.after_now = 0
        items: Any = reports  # checked without being materialised: a stream stays a stream
        if isinstance(items, str | bytes) or not isinstance(items, Iterable):
            expect_items(items, arg="reports", want="SLA reports from PolicySet.evaluate")
        for report in items:
            self.add(report)

    def add(self, report: SLAReport) -> None:
        """Count one ticket's report."""
        if report.__class__ is not SLAReport:
            expect(report, SLAReport, arg="report", want="an SLAReport from PolicySet.evaluate")
        self.reports += 1
        if not report.metrics:
            self.unmeasured += 1
            return
        metrics = report.metrics
        if isinstance(metrics, LazyMetrics):  # the clocks counted it already
            tally = metrics.tally
        else:  # a report built by hand or unpickled
            tally = tuple(tally_of(metric, result) for metric, result in metrics.items())
        counts = self._counts
        for key, slot, elapsed in tally:
            row = counts.get(key)
            if row is None:
                row = counts[key] = [0, 0, 0, 0, 0]
            row[slot] += 1
            row[4] += elapsed

    def merge(self, other: AttainmentSummary) -> AttainmentSummary:
        """Add ``other``'s counts into this summary and return it (for chaining)."""
        for key, row in other._counts.items():
            mine = self._counts.setdefault(key, [0, 0, 0, 0, 0])
            for i, value in enumerate(row):
                mine[i] += value
        self.reports += other.reports
        self.unmeasured += other.unmeasured
        self.after_now += other.after_now
        return self

    def result(self) -> tuple[Attainment, ...]:
        """Return one :class:`Attainment` per (policy, metric), sorted by policy then metric."""
        return tuple(
            Attainment(policy, metric, *row)
            for (policy, metric), row in sorted(self._counts.items())
        )

    def __getitem__(self, key: tuple[str, str]) -> Attainment:
        row = self._counts.get(key)
        if row is None:
            raise KeyError(f"no reports counted for policy/metric {key!r}.")
        return Attainment(key[0], key[1], *row)

    def __iter__(self) -> Iterator[Attainment]:
        return iter(self.result())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AttainmentSummary):
            return NotImplemented
        return (self._counts, self.reports, self.unmeasured, self.after_now) == (
            other._counts,
            other.reports,
            other.unmeasured,
            other.after_now,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"AttainmentSummary(reports={self.reports}, attainment={list(self.result())!r})"

    def to_pandas(self) -> Any:
        """Return a pandas DataFrame, one row per (policy, metric) attainment."""
        return to_pandas(self.result())

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "reports": self.reports,
            "unmeasured": self.unmeasured,
            "after_now": self.after_now,
            "attainment": [a.to_dict() for a in self.result()],
        }
