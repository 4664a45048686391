"""Erlang A staffing: a queue whose customers hang up when they wait too long.

Erlang A (Palm's M/M/n+M) adds to Erlang C customers with exponentially distributed
``patience`` (mean time they are willing to wait). It is the model to use for chats
and calls where people give up: Erlang C, which assumes everyone waits forever,
overstates the agents needed and cannot describe an overloaded hour at all.

The computation is exact and numerically stable for thousands of agents: the states
below ``n`` come from the Erlang B recursion (always in ``[0, 1]``), the queue states
are summed in log space, and the probability of being answered within a time ``t``
uses the identity ``P(served by t | q waiting ahead) = x/(x+q+1) · I_p(q+1, x+1)``
with ``x = n·patience/aht`` and ``p = 1 − exp(−t/patience)`` (a regularised
incomplete beta function, by its stable recurrence in ``q``).

Definitions (documented on the *SLAs and staffing* page):

* ``service_level``: share of **all** arrivals answered within ``target_answer``
  (a customer who hangs up counts as not answered);
* ``abandon_probability``: share of arrivals who hang up before an answer;
* ``asa``: mean wait of all arrivals, ``P(abandon) × patience`` (the Erlang A
  identity from Little's law);
* ``occupancy``: answered load per agent.

>>> from supportkit.sla import erlang_a
>>> erlang_a.agents_needed(5000, 300, 20, 0.8, patience=60)  # Erlang C says 429
357
>>> erlang_a.agents_needed(5000, 300, 20, 0.8, patience=60, max_abandon=0.05)
402
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any

from supportkit.exceptions import InvalidValue
from supportkit.sla._queueing import (
    MAX_AGENTS,
    _agents,
    _finish,
    _number,
    _occupancy,
    _options,
    _seconds,
    traffic,
)

__all__ = [
    "abandon_probability",
    "agents_needed",
    "asa",
    "occupancy",
    "servers_needed",
    "service_level",
    "traffic",
    "wait_probability",
]

_TAIL = 1e-20  # stop summing queue states once they are this share of the largest
_BIG_EXP = 600
_BIG = math.ldexp(1.0, _BIG_EXP)
_SMALL = math.ldexp(1.0, -_BIG_EXP)
_LOG_TINY = -700.0  # below this, exp() underflows


def _erlang_b_table(n: int, load: float) -> list[float]:
    """``B(k, load)`` for ``k = 0..n`` by the stable recursion."""
    out = [1.0]
    b = 1.0
    for k in range(1, n + 1):
        b = load * b / (k + load * b)
        out.append(b)
    return out


def _measures(  # noqa: PLR0917 - the hot inner function; keywords would cost
    n: int, b: float, load: float, aht_s: float, patience_s: float, target_s: float
) -> tuple[float, float, float]:
    """(P(wait), P(abandon), P(answered within target)) for ``n`` agents."""
    if load <= 0.0:
        return 0.0, 0.0, 1.0
    x = n * patience_s / aht_s  # n·μ/θ
    y = load * patience_s / aht_s  # λ/θ
    if b <= 0.0:  # B underflowed: n is so far above the load that nobody waits
        return 0.0, 0.0, 1.0
    # Queue states relative to state n: t_q = Π_{i=1..q} y / (x + i), kept in linear
    # space with a running scale 2**shift so that nothing overflows (log space costs
    # a logarithm per state; this costs a division).
    weights = [1.0]
    shift = 0
    peak = 1.0
    t = 1.0
    q = 0
    while True:
        q += 1
        t *= y / (x + q)
        if t > _BIG:  # rescale everything seen so far
            weights = [w * _SMALL for w in weights]
            t *= _SMALL
            peak *= _SMALL
            shift += _BIG_EXP
        weights.append(t)
        if t > peak:
            peak = t
        elif x + q > y and t < peak * _TAIL:
            break
    # Σ_{k<=n} π_k / π_n = 1 / B(n); in the weights' scale, 2**-shift of it.
    low = math.ldexp(1.0 / b, -shift) if shift < 1100 else 0.0
    below = low - math.ldexp(1.0, -shift)  # states k < n
    queued = math.fsum(weights)
    total = below + queued
    abandon = 0.0
    for i, w in enumerate(weights):
        abandon += w * (i + 1) / (x + i + 1)
    # P(served by t | i ahead) = x/(x+i+1) · I_p(i+1, x+1), with I_p(1, b) = 1 − (1−p)^b
    # and I_p(a+1, b) = I_p(a, b) − T_a, T_1 = b·p·(1−p)^b, T_{a+1} = T_a·p·(a+b)/(a+1).
    served = 0.0
    if target_s > 0.0:
        s = target_s / patience_s
        p = -math.expm1(-s)
        bb = x + 1.0
        incomplete = -math.expm1(-bb * s)  # I_p(1, b)
        # T_1 in logs: it underflows for thousands of agents, and while it is below
        # the smallest float its subtraction changes nothing.
        log_p = math.log(p) if p > 0.0 else -math.inf
        term_log = log_p - bb * s + math.log(bb)
        term = math.exp(term_log) if term_log > _LOG_TINY else 0.0
        for i, w in enumerate(weights):
            a = i + 1
            if i:
                if term:
                    incomplete -= term
                    term *= p * (a - 1 + bb) / a
                else:
                    term_log += log_p + math.log((a - 1 + bb) / a)
                    if term_log > _LOG_TINY:
                        term = math.exp(term_log)
                incomplete = max(incomplete, 0.0)
            served += w * x / (x + a) * incomplete
    level = (below + served) / total
    return queued / total, abandon / total, min(1.0, max(0.0, level))


def _inputs(
    calls_per_hour: float, aht: Any, patience: Any, target_answer: Any = 0.0
) -> tuple[float, float, float, float]:
    load = traffic(calls_per_hour, aht)
    aht_s = _seconds(aht, "aht", positive=True)
    patience_s = _seconds(patience, "patience", positive=True)
    target_s = _seconds(target_answer, "target_answer", positive=False)
    return load, aht_s, patience_s, target_s


def _at(
    agents: int, calls_per_hour: float, aht: Any, patience: Any, target: Any
) -> tuple[float, float, float]:
    n = _agents(agents)
    load, aht_s, patience_s, target_s = _inputs(calls_per_hour, aht, patience, target)
    b = _erlang_b_table(n, load)[-1] if load > 0 else 1.0
    return _measures(n, b, load, aht_s, patience_s, target_s)


def wait_probability(
    agents: int, calls_per_hour: float, aht: _dt.timedelta | float, *, patience: Any
) -> float:
    """Return the probability that an arrival finds every agent busy and waits.

    >>> round(wait_probability(402, 5000, 300, patience=60), 4)
    0.5031
    """
    return _at(agents, calls_per_hour, aht, patience, 0.0)[0]


def abandon_probability(
    agents: int, calls_per_hour: float, aht: _dt.timedelta | float, *, patience: Any
) -> float:
    """Return the share of arrivals who hang up before they are answered.

    >>> round(abandon_probability(402, 5000, 300, patience=60), 4)
    0.0497
    """
    return _at(agents, calls_per_hour, aht, patience, 0.0)[1]


def service_level(
    agents: int,
    calls_per_hour: float,
    aht: _dt.timedelta | float,
    target_answer: _dt.timedelta | float,
    *,
    patience: Any,
) -> float:
    """Return the share (0..1) of all arrivals answered within ``target_answer``.

    Args:
        agents: Agents answering (productive, after shrinkage).
        calls_per_hour: Arrivals per hour.
        aht: Average handling time.
        target_answer: The answer-time target.
        patience: Mean time a customer waits before hanging up (``timedelta`` or
            seconds; ``"60s"`` on the command line).

    >>> round(service_level(402, 5000, 300, 20, patience=60), 4)
    0.947
    """
    return _at(agents, calls_per_hour, aht, patience, target_answer)[2]


def asa(agents: int, calls_per_hour: float, aht: _dt.timedelta | float, *, patience: Any) -> float:
    """Return the mean wait in seconds of all arrivals, ``P(abandon) × patience``.

    >>> round(asa(402, 5000, 300, patience=60), 2)
    2.98
    """
    patience_s = _seconds(patience, "patience", positive=True)
    return abandon_probability(agents, calls_per_hour, aht, patience=patience) * patience_s


def occupancy(
    agents: int, calls_per_hour: float, aht: _dt.timedelta | float, *, patience: Any
) -> float:
    """Return the share of time agents are busy: answered load ``A·(1 − P(abandon)) / n``.

    >>> round(occupancy(402, 5000, 300, patience=60), 4)
    0.985
    """
    return _occupancy(
        agents,
        calls_per_hour,
        aht,
        lambda n: 1.0 - abandon_probability(n, calls_per_hour, aht, patience=patience),
    )


def servers_needed(
    calls_per_hour: float,
    aht: _dt.timedelta | float,
    target_answer: _dt.timedelta | float,
    service_level: float,
    *,
    patience: Any,
    max_occupancy: float = 1.0,
    max_abandon: float = 1.0,
) -> int:
    """Return the fewest answering positions (chat slots) meeting the service level.

    Before shrinkage and chat concurrency: :func:`agents_needed` divides by those.

    Raises:
        InvalidValue: a goal that no number of agents reaches (there is none below 1
            with positive patience), or an input out of range.
    """
    load, aht_s, patience_s, target_s = _inputs(calls_per_hour, aht, patience, target_answer)
    goal = _number(service_level, "service_level", high=0.999999)
    max_occ = _number(max_occupancy, "max_occupancy", low=0.01, high=1.0)
    max_ab = _number(max_abandon, "max_abandon", low=1e-6, high=1.0)
    if load <= 0.0:
        return 0

    # Occupancy: answered load per agent; abandonment only lowers it, so n >= A·(1−Pab)/occ.
    def ok(n: int, b: float) -> bool:
        _, abandon, level = _measures(n, b, load, aht_s, patience_s, target_s)
        return level >= goal and abandon <= max_ab and load * (1.0 - abandon) <= max_occ * n + 1e-9

    # Search: double an upper bound, then bisect; Erlang B values come from one table.
    hi = max(1, math.ceil(load))
    table = _erlang_b_table(hi, load)
    while not ok(hi, table[hi]):
        if hi > MAX_AGENTS:
            raise InvalidValue(
                f"{load:.3g} Erlangs need more than {MAX_AGENTS:,} agents for these "
                "targets; check the units and max_occupancy.",
                field="calls_per_hour",
                value=calls_per_hour,
            )
        if hi > 4 * load / max_occ + 1000:
            raise InvalidValue(
                f"service_level {service_level!r} within {target_s:g} s cannot be reached "
                f"with patience {patience_s:g} s (customers hang up first); lower the goal "
                "or lengthen target_answer.",
                field="service_level",
                value=service_level,
            )
        new_hi = hi * 2
        b = table[-1]
        for k in range(hi + 1, new_hi + 1):
            b = load * b / (k + load * b)
            table.append(b)
        hi = new_hi
    # Fewer than goal·A agents cannot answer a share goal of the arrivals (they carry at
    # most n Erlangs), so the search starts there: fewer, cheaper probes.
    lo = max(0, min(hi - 1, math.ceil(goal * load) - 1))
    if ok(lo, table[lo]):
        if lo == 0:
            return 0
        lo = 0  # cannot happen by the argument above; search everything to be safe
        if ok(0, 1.0):
            return 0
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid, table[mid]):
            hi = mid
        else:
            lo = mid
    return hi


def agents_needed(
    calls_per_hour: float,
    aht: _dt.timedelta | float,
    target_answer: _dt.timedelta | float,
    service_level: float,
    *,
    patience: Any,
    max_occupancy: float = 1.0,
    max_abandon: float = 1.0,
    shrinkage: float = 0.0,
    chats_per_agent: int = 1,
) -> int:
    """Return the fewest agents to roster so that ``service_level`` is met, with abandonment.

    The arguments are those of :func:`supportkit.sla.erlang_c.agents_needed`, plus
    ``patience`` (the customers' mean patience). The answering positions ``n`` are
    the fewest with ``service_level(n) ≥ goal`` and occupancy at most
    ``max_occupancy``; the result is ``ceil(n / chats_per_agent / (1 − shrinkage))``.

    Args:
        calls_per_hour: Arrivals per hour.
        aht: Average handling time (of one chat *at* ``chats_per_agent`` concurrency).
        target_answer: Answer within this time.
        service_level: The share of all arrivals to answer within ``target_answer``.
        patience: Mean time customers wait before hanging up.
        max_occupancy: Upper bound on the answered load per position.
        max_abandon: Upper bound on the share who hang up (``0.05`` is common). The
            service level alone can be "met" by an overloaded queue whose customers
            hang up quickly; set this to rule that out.
        shrinkage: Share of rostered time not available for answering.
        chats_per_agent: Chats one agent handles at once (each agent is that many
            positions).

    >>> agents_needed(5000, 300, 20, 0.8, patience=60, chats_per_agent=2)
    179
    """
    shrink, per_agent = _options(shrinkage, chats_per_agent)
    n = servers_needed(
        calls_per_hour,
        aht,
        target_answer,
        service_level,
        patience=patience,
        max_occupancy=max_occupancy,
        max_abandon=max_abandon,
    )
    return _finish(n, shrink, per_agent)
