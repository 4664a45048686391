"""Erlang C staffing: how many agents a queue of chats or calls needs.

The Erlang C model (M/M/c) assumes Poisson arrivals, exponential handling times and
customers who wait rather than abandon. It is the standard first estimate in
workforce management; it is slightly pessimistic for chats (agents run several at
once) and optimistic when customers give up.

Everything here is numerically stable for thousands of agents: the probability of
waiting is computed with the Erlang B recursion ``B(n) = A·B(n-1) / (n + A·B(n-1))``,
which stays in ``[0, 1]`` at every step, never with factorials or powers of the
traffic. Durations are :class:`~datetime.timedelta` or seconds (``float``).

>>> from supportkit.sla import erlang_c
>>> erlang_c.agents_needed(700 / 12, 300, 100, 0.8)  # 700 chats over 12 h, 5 min each
7
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from supportkit._time import to_aware, to_timedelta
from supportkit.exceptions import InvalidArgument, InvalidValue

__all__ = [
    "StaffingInterval",
    "StaffingPlan",
    "agents_needed",
    "asa",
    "occupancy",
    "service_level",
    "staffing_plan",
    "traffic",
    "wait_probability",
]

_HOUR = 3600.0


def _number(value: Any, field: str, *, low: float = 0.0, high: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidArgument(
            f"{field} must be a number (got {value!r} that is a {type(value).__name__}).",
            field=field,
            value=value,
        )
    number = float(value)
    if not (low <= number <= high) or math.isnan(number):
        raise InvalidValue(
            f"{field} must be between {low:g} and {high:g} (got {value!r}).",
            field=field,
            value=value,
        )
    return number


def _seconds(value: Any, field: str, *, positive: bool) -> float:
    seconds = to_timedelta(value, field=field).total_seconds()
    if seconds < 0 or (positive and seconds == 0) or math.isnan(seconds):
        need = "positive" if positive else "zero or positive"
        raise InvalidValue(
            f"{field} must be a {need} duration (got {value!r}).", field=field, value=value
        )
    return seconds


def _agents(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidArgument(
            f"agents must be a non-negative int (got {value!r}).", field="agents", value=value
        )
    return value


def traffic(calls_per_hour: float, aht: _dt.timedelta | float) -> float:
    """Return the offered load in Erlangs: ``calls_per_hour × aht / 1 h``.

    Args:
        calls_per_hour: Arrivals per hour (chats, calls, e-mails worked as a queue).
        aht: Average handling time.

    Raises:
        InvalidValue: a negative rate or a non-positive handling time.

    >>> traffic(5000, 300)
    416.6666666666667
    """
    rate = _number(calls_per_hour, "calls_per_hour")
    return rate * _seconds(aht, "aht", positive=True) / _HOUR


def _erlang_c(agents: int, load: float) -> float:
    """Probability that an arrival waits, for ``agents`` servers and ``load`` Erlangs."""
    if load <= 0.0:
        return 0.0
    if agents <= load:
        return 1.0
    b = 1.0
    for n in range(1, agents + 1):
        b = load * b / (n + load * b)
    return agents * b / (agents - load * (1.0 - b))


def wait_probability(agents: int, calls_per_hour: float, aht: _dt.timedelta | float) -> float:
    """Return the Erlang C probability that a customer has to wait at all.

    Returns ``1.0`` when ``agents`` cannot carry the load (the queue grows without
    bound) and ``0.0`` when there is no traffic.

    >>> round(wait_probability(20, 100, 600), 4)
    0.3381
    """
    return _erlang_c(_agents(agents), traffic(calls_per_hour, aht))


def service_level(
    agents: int,
    calls_per_hour: float,
    aht: _dt.timedelta | float,
    target_answer: _dt.timedelta | float,
) -> float:
    """Return the share (0..1) of customers answered within ``target_answer``.

    ``SL = 1 − C(n, A) · exp(−(n − A) · T / AHT)``; ``0.0`` when ``agents`` cannot
    carry the load, ``1.0`` with no traffic.

    Args:
        agents: Agents answering (productive, after shrinkage).
        calls_per_hour: Arrivals per hour.
        aht: Average handling time.
        target_answer: The answer-time target, e.g. 100 seconds to join a chat.

    >>> round(service_level(20, 100, 600, 20), 4)
    0.6974
    """
    n = _agents(agents)
    load = traffic(calls_per_hour, aht)
    aht_s = _seconds(aht, "aht", positive=True)
    target_s = _seconds(target_answer, "target_answer", positive=False)
    return _service_level(n, load, aht_s, target_s)


def _service_level(n: int, load: float, aht_s: float, target_s: float) -> float:
    if load <= 0.0:
        return 1.0
    if n <= load:
        return 0.0
    return max(0.0, 1.0 - _erlang_c(n, load) * math.exp(-(n - load) * target_s / aht_s))


def asa(agents: int, calls_per_hour: float, aht: _dt.timedelta | float) -> float:
    """Return the average speed of answer in seconds (``math.inf`` when overloaded).

    ``ASA = C(n, A) · AHT / (n − A)``.

    >>> round(asa(20, 100, 600), 1)
    60.9
    """
    n = _agents(agents)
    load = traffic(calls_per_hour, aht)
    if load <= 0.0:
        return 0.0
    if n <= load:
        return math.inf
    return _erlang_c(n, load) * _seconds(aht, "aht", positive=True) / (n - load)


def occupancy(agents: int, calls_per_hour: float, aht: _dt.timedelta | float) -> float:
    """Return the share of time agents are busy, ``A / n``, capped at ``1.0``.

    >>> occupancy(20, 100, 600)
    0.8333333333333334
    """
    n = _agents(agents)
    load = traffic(calls_per_hour, aht)
    if load <= 0.0:
        return 0.0
    if n == 0:
        return 1.0
    return min(1.0, load / n)


def agents_needed(
    calls_per_hour: float,
    aht: _dt.timedelta | float,
    target_answer: _dt.timedelta | float,
    service_level: float,
    *,
    max_occupancy: float = 1.0,
    shrinkage: float = 0.0,
) -> int:
    """Return the fewest agents to schedule so that the service level is met.

    The answering agents ``n`` are the smallest with ``n > A``, ``A / n ≤
    max_occupancy`` and a service level of at least ``service_level``; the result
    is ``ceil(n / (1 − shrinkage))`` — the headcount to roster when ``shrinkage``
    of paid time goes to breaks, training and absence.

    One pass of the Erlang B recursion serves every candidate ``n``, so the cost is
    ``O(n)`` float operations: about 0.05 ms for 5,000 calls an hour.

    Args:
        calls_per_hour: Arrivals per hour; ``0`` needs no one.
        aht: Average handling time (``timedelta`` or seconds).
        target_answer: Answer within this time (``timedelta`` or seconds).
        service_level: The share to answer within ``target_answer``, ``0 ≤ x < 1``.
        max_occupancy: Upper bound on ``A / n`` (``0.85`` is common), ``0 < x ≤ 1``.
        shrinkage: Share of rostered time not available for answering, ``0 ≤ x < 1``.

    Returns:
        The number of agents to roster.

    Raises:
        InvalidValue: a value out of its range (the message names it).
        InvalidArgument: a value of the wrong type.

    >>> agents_needed(5000, 300, 20, 0.8)
    429
    >>> agents_needed(5000, 300, 20, 0.8, max_occupancy=0.85, shrinkage=0.3)
    702
    """
    load = traffic(calls_per_hour, aht)
    aht_s = _seconds(aht, "aht", positive=True)
    target_s = _seconds(target_answer, "target_answer", positive=False)
    goal = _number(service_level, "service_level", high=0.999999)
    max_occ = _number(max_occupancy, "max_occupancy", low=1e-9, high=1.0)
    shrink = _number(shrinkage, "shrinkage", high=0.999999)
    if load <= 0.0:
        return 0
    floor_n = max(math.floor(load) + 1, math.ceil(load / max_occ - 1e-12))
    b = 1.0
    n = 0
    while True:
        n += 1
        b = load * b / (n + load * b)
        if n < floor_n:
            continue
        wait = n * b / (n - load * (1.0 - b))
        level = 1.0 - wait * math.exp(-(n - load) * target_s / aht_s)
        if level >= goal:
            return math.ceil(n / (1.0 - shrink) - 1e-9)


@attrs.frozen
class StaffingInterval:
    """One interval of a :class:`StaffingPlan`.

    Attributes:
        start: Start of the interval (aware).
        end: End of the interval.
        volume: Arrivals forecast for the interval.
        required: Agents to roster (:func:`agents_needed`).
        on_duty: Mean agents on duty from the given crews, or ``None`` without crews.
        shortfall: ``required − on_duty`` when positive, else ``0`` (``None`` without crews).
    """

    start: _dt.datetime
    end: _dt.datetime
    volume: float
    required: int
    on_duty: float | None = None
    shortfall: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "volume": self.volume,
            "required": self.required,
            "on_duty": self.on_duty,
            "shortfall": self.shortfall,
        }


@attrs.frozen
class StaffingPlan:
    """Required agents per interval, compared with the crews' coverage when given.

    Attributes:
        intervals: One :class:`StaffingInterval` per forecast interval, in time order.
    """

    intervals: tuple[StaffingInterval, ...]

    @property
    def peak(self) -> int:
        """The largest number of agents required in any interval (0 when empty)."""
        return max((row.required for row in self.intervals), default=0)

    @property
    def short(self) -> tuple[StaffingInterval, ...]:
        """The intervals where the crews on duty are fewer than required."""
        return tuple(row for row in self.intervals if row.shortfall)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {"intervals": [row.to_dict() for row in self.intervals], "peak": self.peak}


def staffing_plan(
    forecast_per_interval: Mapping[Any, float] | Iterable[tuple[Any, float]],
    aht: _dt.timedelta | float,
    target_answer: _dt.timedelta | float,
    service_level: float,
    *,
    interval: _dt.timedelta | float = _dt.timedelta(hours=1),
    crews: Mapping[str, Any] | None = None,
    max_occupancy: float = 1.0,
    shrinkage: float = 0.0,
) -> StaffingPlan:
    """Turn a demand forecast into required agents per interval.

    Args:
        forecast_per_interval: Interval start → arrivals in that interval, as a
            mapping or as ``(start, volume)`` pairs; starts are aware datetimes or
            ISO strings.
        aht: Average handling time.
        target_answer: Answer-time target.
        service_level: Share to answer within ``target_answer``.
        interval: Length of each forecast interval (one hour by default).
        crews: Optional crews (as for :func:`supportkit.sla.coverage`); each
            interval then reports the agents on duty and the shortfall.
        max_occupancy: See :func:`agents_needed`.
        shrinkage: See :func:`agents_needed`.

    Returns:
        A :class:`StaffingPlan`, intervals sorted by start.
    """
    from supportkit.sla._coverage import coverage

    step = to_timedelta(interval, field="interval")
    if step <= _dt.timedelta(0):
        raise InvalidValue(
            f"interval must be a positive duration (got {interval!r}).",
            field="interval",
            value=interval,
        )
    pairs = (
        forecast_per_interval.items()
        if isinstance(forecast_per_interval, Mapping)
        else forecast_per_interval
    )
    rows: list[tuple[_dt.datetime, float]] = []
    for i, pair in enumerate(pairs):
        start_raw, volume_raw = pair
        start = to_aware(start_raw, field=f"forecast_per_interval[{i}]")
        volume = _number(volume_raw, f"forecast_per_interval[{start.isoformat()}]")
        rows.append((start, volume))
    rows.sort(key=lambda row: row[0])
    hours = step.total_seconds() / _HOUR
    out: list[StaffingInterval] = []
    for start, volume in rows:
        end = start + step
        required = agents_needed(
            volume / hours,
            aht,
            target_answer,
            service_level,
            max_occupancy=max_occupancy,
            shrinkage=shrinkage,
        )
        on_duty: float | None = None
        shortfall: float | None = None
        if crews is not None:
            slot = coverage(crews, start, end, step=step)[0]
            on_duty = slot.agents
            shortfall = max(0.0, required - on_duty)
        out.append(StaffingInterval(start, end, volume, required, on_duty, shortfall))
    return StaffingPlan(tuple(out))
