"""What an SLA evaluation returns: one :class:`MetricResult` per metric in an :class:`SLAReport`."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator, Mapping
from typing import Any, Final

import attrs

from supportkit._frames import to_pandas

__all__ = ["STATES", "LazyDeadline", "MetricResult", "SLAReport"]

#: Possible values of :attr:`MetricResult.state`.
STATES: Final = ("met", "breached", "running", "stopped", "idle")


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
        state: ``met`` (achieved by the deadline), ``breached``, ``running`` (open,
            not yet late), ``stopped`` (the ticket was solved first; not late), or
            ``idle`` (a cycle metric that never started).
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
            except ``breached``/``breach_at``, which say whether *any* cycle breached
            and when the first did.
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
    def attained(self) -> bool | None:
        """``True`` when met, ``False`` when breached, ``None`` while undecided.

        Undecided: ``running``, ``stopped`` (solved before it was achieved, on time)
        and ``idle``. This is what attainment rates count.
        """
        if self.breached:
            return False
        return True if self.state == "met" else None

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
        }
        if self.cycles:
            out["cycles"] = [cycle.to_dict() for cycle in self.cycles]
        return out


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
        try:
            return self.metrics[metric]
        except KeyError:
            known = list(self.metrics)
            raise KeyError(
                f"{metric!r} is not measured for ticket {self.ticket_id!r} "
                f"(policy {self.policy!r} measures {known})."
            ) from None

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
