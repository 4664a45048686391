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
from supportkit.exceptions import InvalidValue
from supportkit.sla import erlang_a
from supportkit.sla._args import expect, expect_items
from supportkit.sla._coverage import coverage
from supportkit.sla._queueing import (
    _HOUR,
    MAX_AGENTS,
    _agents,
    _finish,
    _fraction,
    _number,
    _occupancy,
    _options,
    _seconds,
    traffic,
)

__all__ = [
    "MAX_AGENTS",
    "StaffingInterval",
    "StaffingPlan",
    "agents_needed",
    "asa",
    "occupancy",
    "servers_needed",
    "service_level",
    "staffing_plan",
    "traffic",
    "wait_probability",
]


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
    return _occupancy(agents, calls_per_hour, aht)


def servers_needed(
    calls_per_hour: float,
    aht: _dt.timedelta | float,
    target_answer: _dt.timedelta | float,
    service_level: float,
    *,
    max_occupancy: float = 1.0,
) -> int:
    """Return the fewest answering positions ``n`` meeting the service level.

    ``n > A``, ``A / n ≤ max_occupancy`` and a service level of at least
    ``service_level``; before shrinkage and chat concurrency (:func:`agents_needed`
    divides by those). One pass of the Erlang B recursion serves every candidate, and
    the answer is at most a few times ``A``: ``O(A)`` work, bounded by
    :data:`MAX_AGENTS`.
    """
    load = traffic(calls_per_hour, aht)
    aht_s = _seconds(aht, "aht", positive=True)
    target_s = _seconds(target_answer, "target_answer", positive=False)
    goal = _number(service_level, "service_level", high=0.999999)
    max_occ = _number(max_occupancy, "max_occupancy", low=0.01, high=1.0)
    if load <= 0.0:
        return 0
    floor_n = max(math.floor(load) + 1, math.ceil(load / max_occ - 1e-12))
    if floor_n > MAX_AGENTS:
        raise InvalidValue(
            f"{load:.3g} Erlangs at max_occupancy {max_occupancy!r} need more than "
            f"{MAX_AGENTS:,} agents; check the units.",
            field="max_occupancy",
            value=max_occupancy,
        )
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
            return n


def agents_needed(
    calls_per_hour: float,
    aht: _dt.timedelta | float,
    target_answer: _dt.timedelta | float,
    service_level: float,
    *,
    max_occupancy: float = 1.0,
    shrinkage: float = 0.0,
    chats_per_agent: int = 1,
) -> int:
    """Return the fewest agents to roster so that the service level is met.

    The answering positions ``n`` are the smallest with ``n > A``, ``A / n ≤
    max_occupancy`` and a service level of at least ``service_level``
    (:func:`servers_needed`); the result is ``ceil(n / chats_per_agent / (1 −
    shrinkage))`` — the headcount to roster when ``shrinkage`` of paid time goes to
    breaks, training and absence, and each agent runs ``chats_per_agent`` chats.

    Chat concurrency: an agent running ``k`` chats is ``k`` positions, each slower
    than one chat alone. Pass as ``aht`` the handling time of one chat measured *at
    that concurrency* (typically 1.3-1.6x the one-at-a-time time for two chats): the
    growth is an input here, not a hidden constant.

    Args:
        calls_per_hour: Arrivals per hour; ``0`` needs no one.
        aht: Average handling time (``timedelta``, seconds, or ``"5m"``).
        target_answer: Answer within this time (``timedelta``, seconds, or ``"20s"``).
        service_level: The share to answer within ``target_answer``, ``0 ≤ x < 1``.
        max_occupancy: Upper bound on ``A / n`` (``0.85`` is common), ``0.01 ≤ x ≤ 1``.
        shrinkage: Share of rostered time not available for answering, ``0 ≤ x < 1``.
        chats_per_agent: Contacts one agent handles at once, 1 to 100.

    Returns:
        The number of agents to roster.

    Raises:
        InvalidValue: a value out of its range (the message names it), including
            ``nan``, infinities and loads above :data:`MAX_AGENTS` Erlangs.
        InvalidArgument: a value of the wrong type.

    >>> agents_needed(5000, 300, 20, 0.8)
    429
    >>> agents_needed(5000, 300, 20, 0.8, max_occupancy=0.85, shrinkage=0.3)
    702
    """
    shrink, per_agent = _options(shrinkage, chats_per_agent)
    n = servers_needed(
        calls_per_hour, aht, target_answer, service_level, max_occupancy=max_occupancy
    )
    return _finish(n, shrink, per_agent)


@attrs.frozen
class StaffingInterval:
    """One interval of a :class:`StaffingPlan`.

    Attributes:
        start: Start of the interval (aware).
        end: End of the interval.
        volume: Arrivals forecast for the interval.
        fractional: Agents to roster before rounding: answering positions divided by
            ``chats_per_agent`` and ``1 − shrinkage``. Sums and averages over
            intervals use this, so nothing is rounded before it is aggregated.
        required: ``fractional`` rounded up: the agents to roster in this interval.
        on_duty: Mean agents on duty from the given crews, or ``None`` without crews.
        shortfall: ``fractional − on_duty`` when positive, else ``0`` (``None`` without
            crews).
    """

    start: _dt.datetime
    end: _dt.datetime
    volume: float
    required: int
    on_duty: float | None = None
    shortfall: float | None = None
    fractional: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "volume": self.volume,
            "fractional": self.fractional,
            "required": self.required,
            "on_duty": self.on_duty,
            "shortfall": self.shortfall,
        }


@attrs.frozen
class StaffingPlan:
    """Required agents per interval, compared with the crews' coverage when given.

    Attributes:
        intervals: One :class:`StaffingInterval` per forecast interval, in time order.
        model: ``"erlang-c"`` or ``"erlang-a"``.
    """

    intervals: tuple[StaffingInterval, ...]
    model: str = "erlang-c"

    @property
    def peak(self) -> int:
        """The largest number of agents required in any interval (0 when empty)."""
        return max((row.required for row in self.intervals), default=0)

    @property
    def agent_hours(self) -> float:
        """Total agent-hours to roster: the fractional requirements summed, unrounded."""
        return math.fsum(
            row.fractional * (row.end - row.start).total_seconds() / _HOUR for row in self.intervals
        )

    @property
    def short(self) -> tuple[StaffingInterval, ...]:
        """The intervals where the crews on duty are fewer than required."""
        return tuple(row for row in self.intervals if row.shortfall)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "model": self.model,
            "intervals": [row.to_dict() for row in self.intervals],
            "peak": self.peak,
            "agent_hours": self.agent_hours,
        }


_MODELS = ("erlang-c", "erlang-a")


def _later(start: _dt.datetime, step: _dt.timedelta) -> _dt.datetime:
    try:
        return start + step
    except OverflowError:
        raise InvalidValue(
            f"forecast interval {start.isoformat()} + {step} runs past the year 9999; "
            "use interval starts within the calendar.",
            field="forecast_per_interval",
            value=start.isoformat(),
        ) from None


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
    chats_per_agent: int = 1,
    model: str = "erlang-c",
    patience: Any = None,
    max_abandon: float = 1.0,
) -> StaffingPlan:
    """Turn a demand forecast into required agents per interval.

    Each interval keeps its fractional requirement (:attr:`StaffingInterval.fractional`);
    only :attr:`StaffingInterval.required` rounds it up, and totals such as
    :attr:`StaffingPlan.agent_hours` add the fractions (rounding each interval first
    would overstate a day by up to one agent per interval).

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
        chats_per_agent: See :func:`agents_needed`.
        model: ``"erlang-c"`` (nobody hangs up) or ``"erlang-a"`` (needs ``patience``).
        patience: Mean patience for Erlang A.
        max_abandon: Erlang A's bound on the share who hang up.

    Returns:
        A :class:`StaffingPlan`, intervals sorted by start.
    """
    expect(model, str, arg="model", want=f"one of {list(_MODELS)}")
    if model not in _MODELS:
        raise InvalidValue(
            f"model must be one of {list(_MODELS)} (got {model!r}).", field="model", value=model
        )
    if model == "erlang-a" and patience is None:
        raise InvalidValue(
            "model 'erlang-a' needs patience, the customers' mean patience (e.g. 60 seconds).",
            field="patience",
        )
    shrink, per_agent = _options(shrinkage, chats_per_agent)
    step = to_timedelta(interval, field="interval")
    if step <= _dt.timedelta(0):
        raise InvalidValue(
            f"interval must be a positive duration (got {interval!r}).",
            field="interval",
            value=interval,
        )
    want = "a mapping of interval start to volume, or (start, volume) pairs"
    pairs = (
        tuple(forecast_per_interval.items())
        if isinstance(forecast_per_interval, Mapping)
        else expect_items(forecast_per_interval, arg="forecast_per_interval", want=want)
    )
    rows: list[tuple[_dt.datetime, float]] = []
    for i, pair in enumerate(pairs):
        item = f"forecast_per_interval[{i}]"
        if len(expect(pair, (tuple, list), arg=item, want="a (start, volume) pair")) != 2:
            raise InvalidValue(
                f"{item} must be a (start, volume) pair (got {len(pair)} items).",
                field=item,
                value=pair,
            )
        start_raw, volume_raw = pair
        start = to_aware(start_raw, field=f"forecast_per_interval[{i}]")
        volume = _number(volume_raw, f"forecast_per_interval[{start.isoformat()}]")
        rows.append((start, volume))
    rows.sort(key=lambda row: row[0])
    hours = step.total_seconds() / _HOUR
    out: list[StaffingInterval] = []
    for start, volume in rows:
        end = _later(start, step)
        if model == "erlang-a":
            servers = erlang_a.servers_needed(
                volume / hours,
                aht,
                target_answer,
                service_level,
                patience=patience,
                max_occupancy=max_occupancy,
                max_abandon=max_abandon,
            )
        else:
            servers = servers_needed(
                volume / hours, aht, target_answer, service_level, max_occupancy=max_occupancy
            )
        fractional = _fraction(servers, shrink, per_agent)
        required = _finish(servers, shrink, per_agent)
        on_duty: float | None = None
        shortfall: float | None = None
        if crews is not None:
            slot = coverage(crews, start, end, step=step)[0]
            on_duty = slot.agents
            shortfall = max(0.0, fractional - on_duty)
        out.append(StaffingInterval(start, end, volume, required, on_duty, shortfall, fractional))
    return StaffingPlan(tuple(out), model)
