"""What an SLA evaluation returns: one :class:`MetricResult` per metric in an :class:`SLAReport`."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

import attrs

from supportkit._frames import to_pandas
from supportkit.exceptions import UnknownSLAName
from supportkit.sla._events import MetricEvent, clock_events
from supportkit.sla._html import report_html

__all__ = [
    "STATES",
    "LazyDeadline",
    "LazyMetrics",
    "MetricResult",
    "SLAReport",
    "Tally",
    "UnknownMetric",
    "tally_of",
]

#: Possible values of :attr:`MetricResult.state`, judged at the report's ``as_of``.
STATES: Final = ("active", "paused", "achieved", "breached")


class UnknownMetric(UnknownSLAName, KeyError):
    """``report[metric]`` for a metric the report does not hold (a ``KeyError`` too,
    so ``metric in report`` and ``report.get(metric)`` work as for any mapping)."""


def _met(item: MetricResult) -> bool:
    # "met" is 0.1's name for "achieved", still accepted from hand-built results.
    return item.state in ("achieved", "met") and item.stopped_at is None


def _iso(value: _dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


class LazyDeadline:
    """A deadline computed on first use: ``clock.add(base, amount)``.

    Batch attainment never looks at ``due_at``, so the clocks leave the calendar
    call that finds it until someone reads it (about half the calendar work).
    """

    __slots__ = ("_amount", "_base", "_clock", "_value")

    def __init__(self, clock: Any, base: _dt.datetime, amount: _dt.timedelta) -> None:
        self._clock = clock
        self._base = base
        self._amount = amount
        self._value: _dt.datetime | None = None

    def resolve(self) -> _dt.datetime:
        """Return the deadline (computed once)."""
        if self._value is None:
            self._value = self._clock.add(self._base, self._amount)
        return self._value

    def __reduce__(self) -> tuple[Any, ...]:
        return (_resolved, (self.resolve(),))


def _resolved(value: _dt.datetime) -> _dt.datetime:
    return value


def _instant(value: _dt.datetime | LazyDeadline | None) -> _dt.datetime | None:
    return value.resolve() if isinstance(value, LazyDeadline) else value


@attrs.frozen(eq=False, repr=False)
class MetricResult:
    """One SLA metric of one ticket (or one cycle of ``next_response``/``periodic_update``).

    Attributes:
        metric: ``first_response``, ``next_response``, ``periodic_update`` or ``resolution``.
        policy: Name of the policy whose target and calendar measured it.
        target: The working time allowed.
        state: Judged at the report's ``as_of`` (``now``): ``active`` (running, not
            yet due), ``paused`` (running, in a pause status), ``achieved`` (fulfilled
            by its due time: by the counting reply, or — ``stopped_at`` set — by the
            ticket being solved first) or ``breached`` (past its due time, whether
            still running or fulfilled late).
        started_at: When the clock started.
        due_at: The deadline. If the target is reached inside the measured time,
            that is the instant it was reached; otherwise the projection from the
            end (or ``now``) assuming no further pauses.
        achieved_at: The counting reply (or the solve, for ``resolution``), if any.
        stopped_at: When the ticket was solved with this metric still open.
        breached: ``True`` when the deadline passed first. A reply exactly at
            ``due_at`` is **not** a breach.
        breach_at: ``due_at`` when breached, else ``None``.
        elapsed: Working time counted (pauses excluded) from start to end or ``now``.
        remaining: ``target − elapsed``; negative means overdue by that much.
        paused: The clock is in a pause status at ``now``.
        cycles: For cycle metrics, every cycle in order (each a :class:`MetricResult`
            with ``cycles=()``); the top-level fields then describe the last cycle,
            except ``state``/``breached``/``breach_at``, which say whether *any* cycle
            breached and when the first did.
        segments: The stretches ``(from, to)`` in which the clock counted; the gaps
            between them are pauses (what :meth:`SLAReport.events` reports).
    """

    metric: str
    policy: str
    target: _dt.timedelta
    state: str
    started_at: _dt.datetime | None
    _due: _dt.datetime | LazyDeadline | None = attrs.field(alias="due_at")
    achieved_at: _dt.datetime | None = None
    stopped_at: _dt.datetime | None = None
    breached: bool = False
    _breach: _dt.datetime | LazyDeadline | None = attrs.field(default=None, alias="breach_at")
    elapsed: _dt.timedelta = _dt.timedelta(0)
    remaining: _dt.timedelta = _dt.timedelta(0)
    paused: bool = False
    cycles: tuple[MetricResult, ...] = ()
    segments: tuple[tuple[_dt.datetime, _dt.datetime], ...] = ()

    @property
    def due_at(self) -> _dt.datetime | None:
        """The deadline (see the class docstring)."""
        return _instant(self._due)

    @property
    def breach_at(self) -> _dt.datetime | None:
        """When the (first) breach happened; ``None`` when not breached."""
        return _instant(self._breach)

    def _key(self) -> tuple[Any, ...]:
        return (
            self.metric,
            self.policy,
            self.target,
            self.state,
            self.started_at,
            self.due_at,
            self.achieved_at,
            self.stopped_at,
            self.breached,
            self.breach_at,
            self.elapsed,
            self.remaining,
            self.paused,
            self.cycles,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MetricResult):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        due = self.due_at
        return (
            f"MetricResult(metric={self.metric!r}, policy={self.policy!r}, "
            f"state={self.state!r}, due_at={None if due is None else due.isoformat()!r}, "
            f"elapsed={self.elapsed!r}, remaining={self.remaining!r}, "
            f"cycles={len(self.cycles)})"
        )

    @property
    def running(self) -> bool:
        """Whether the clock (its last cycle) is still open at ``as_of``."""
        last = self.cycles[-1] if self.cycles else self
        return last.achieved_at is None and last.stopped_at is None

    @property
    def attained(self) -> bool | None:
        """``True`` when met by a counting reply, ``False`` when breached, else ``None``.

        Undecided (``None``): a clock still running and not yet late, and one the
        ticket's solve stopped before any counting reply (fulfilled, but nobody
        answered). This is what attainment rates count.
        """
        if self.breached:
            return False
        items = self.cycles or (self,)
        return True if any(_met(c) for c in items) else None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (durations in seconds, instants ISO-8601)."""
        out: dict[str, Any] = {
            "metric": self.metric,
            "policy": self.policy,
            "target": self.target.total_seconds(),
            "state": self.state,
            "started_at": _iso(self.started_at),
            "due_at": _iso(self.due_at),
            "achieved_at": _iso(self.achieved_at),
            "stopped_at": _iso(self.stopped_at),
            "breached": self.breached,
            "breach_at": _iso(self.breach_at),
            "elapsed": self.elapsed.total_seconds(),
            "remaining": self.remaining.total_seconds(),
            "paused": self.paused,
            "segments": [[_iso(a), _iso(b)] for a, b in self.segments],
        }
        if self.cycles:
            out["cycles"] = [cycle.to_dict() for cycle in self.cycles]
        return out


#: One metric's share of attainment: ((policy, metric), slot, elapsed microseconds);
#: slot 0 met, 1 breached, 2 still running (active or paused), 3 stopped by the solve.
Tally = tuple[tuple[str, str], int, int]


def _us(delta: _dt.timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def tally_of(metric: str, result: MetricResult) -> Tally:
    """What attainment counts of one result (elapsed only for met or breached clocks)."""
    attained = result.attained
    if attained is not None:
        slot = 0 if attained else 1
    else:
        slot = 2 if result.state in ("active", "paused") else 3
    elapsed = 0
    if slot < 2:
        if result.cycles:
            elapsed = sum(_us(c.elapsed) for c in result.cycles)
        else:
            elapsed = _us(result.elapsed)
    return ((result.policy, metric), slot, elapsed)


class LazyMetrics(Mapping[str, MetricResult]):
    """An SLA report's metrics, each :class:`MetricResult` built on first use.

    The clocks work out attainment (:attr:`tally`) in integer microseconds up front;
    the full results (deadlines, segments, cycles) are built by ``build(metric)``
    only when read, so a batch that only counts attainment never builds them.
    Pickles (and compares) as the plain dict of built results.
    """

    __slots__ = ("_build", "_done", "_keys", "tally")

    def __init__(
        self,
        keys: tuple[str, ...],
        build: Callable[[str], MetricResult],
        tally: tuple[Tally, ...],
        done: dict[str, MetricResult] | None = None,
    ) -> None:
        self._keys = keys
        self._build = build
        self._done: dict[str, MetricResult] = {} if done is None else done
        #: One :data:`Tally` per metric, in report order.
        self.tally = tally

    def __getitem__(self, metric: str) -> MetricResult:
        done = self._done.get(metric)
        if done is None:
            if metric not in self._keys:
                raise KeyError(metric)
            done = self._done[metric] = self._build(metric)
        return done

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, metric: object) -> bool:
        return metric in self._keys

    def __repr__(self) -> str:
        return repr(dict(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return (dict, (dict(self),))


@attrs.frozen
class SLAReport(Mapping[str, MetricResult]):
    """The SLA state of one ticket: ``report["first_response"].due_at`` and so on.

    A mapping from metric name to :class:`MetricResult`, holding the metrics the
    applicable policy sets targets for.

    Attributes:
        ticket_id: The ticket's ``id``.
        policy: Name of the policy in force at ``as_of`` (``None`` when none applies).
        as_of: The instant the report describes (``now``, or the ticket's last event).
        metrics: Metric name → result.
        policies: ``(since, policy name or None)`` for each policy in force over the
            ticket's life, in time order (more than one after a priority change).
        problems: What lenient reading dropped from the ticket, plus notes such as
            "no policy applies", so nothing is lost silently.
    """

    ticket_id: str | None
    policy: str | None
    as_of: _dt.datetime
    metrics: Mapping[str, MetricResult] = attrs.field(factory=dict, hash=False)
    policies: tuple[tuple[_dt.datetime, str | None], ...] = ()
    problems: tuple[str, ...] = ()

    def __getitem__(self, metric: str) -> MetricResult:
        metrics = self.metrics
        try:
            found = metric in metrics
        except TypeError:  # an unhashable key
            found = False
        if found:
            return metrics[metric]
        known = tuple(metrics)
        raise UnknownMetric(
            f"{metric!r} is not measured for ticket {self.ticket_id!r}: its policy "
            f"{self.policy!r} has a running or finished clock for {list(known)} "
            "(a cycle metric such as next_response appears once its first cycle starts).",
            field="metric",
            name=metric,
            known=known,
        )

    def __iter__(self) -> Iterator[str]:
        return iter(self.metrics)

    def __len__(self) -> int:
        return len(self.metrics)

    @property
    def breached(self) -> bool:
        """Whether any metric breached."""
        return any(result.breached for result in self.metrics.values())

    def to_pandas(self) -> Any:
        """Return a pandas DataFrame, one row per metric (many reports: ``sources.to_pandas``)."""
        return to_pandas(self)

    @property
    def open_clocks(self) -> tuple[MetricResult, ...]:
        """The clocks still running at ``as_of`` (active or paused, late or not).

        For a cycle metric this is its last cycle.
        """
        out = []
        for result in self.metrics.values():
            last = result.cycles[-1] if result.cycles else result
            if last.achieved_at is None and last.stopped_at is None:
                out.append(last)
        return tuple(out)

    @property
    def next_due(self) -> MetricResult | None:
        """The running, unpaused, not-yet-late clock that falls due first (``None``: none).

        ``report.next_due.due_at - now`` is the time left, what
        :func:`~supportkit.sla.at_risk` and a rule's ``{"sla": {"due_within": "30m"}}``
        compare.
        """
        best: MetricResult | None = None
        best_due: _dt.datetime | None = None
        for clock in self.open_clocks:
            if clock.state != "active":
                continue
            due = clock.due_at
            if due is not None and (best_due is None or due < best_due):
                best, best_due = clock, due
        return best

    @property
    def overdue(self) -> tuple[MetricResult, ...]:
        """The clocks still running past their due time (breached, nobody answered yet)."""
        return tuple(c for c in self.open_clocks if c.breached)

    def _repr_html_(self) -> str:
        """A timeline of each clock with its pauses, as inline SVG (for notebooks)."""
        return report_html(self)

    def events(self) -> list[MetricEvent]:
        """The clocks' history as Zendesk-style metric events, in time order.

        Each metric gets ``apply_sla`` when a policy starts measuring it, then
        ``activate``/``pause`` as it runs and pauses, ``breach`` at its due time when
        late, and ``fulfill`` at the counting reply (or the solve). Compare with
        Zendesk's ``ticket_metric_events`` through :meth:`MetricEvent.to_zendesk`.
        """
        return clock_events(self.metrics.values(), self.policies, self.as_of)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "ticket_id": self.ticket_id,
            "policy": self.policy,
            "as_of": self.as_of.isoformat(),
            "breached": self.breached,
            "metrics": {name: result.to_dict() for name, result in self.metrics.items()},
            "policies": [[since.isoformat(), name] for since, name in self.policies],
            "problems": list(self.problems),
        }
