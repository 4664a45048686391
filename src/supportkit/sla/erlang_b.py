"""Erlang B: a loss system, where a contact that finds every line busy is turned away.

Erlang B (M/M/n/n) fits trunks, callback slots and chat widgets that refuse a chat
when every agent is full ("all operators are busy, leave a message"). ``blocking``
is the share of contacts turned away; it comes from the recursion
``B(n) = A·B(n−1) / (n + A·B(n−1))``, which stays in ``[0, 1]`` and is stable for
any number of agents.

>>> from supportkit.sla import erlang_b
>>> round(erlang_b.blocking(10, 300, 120), 4)  # 10 Erlangs on 10 lines
0.2146
>>> erlang_b.agents_needed(300, 120, 0.01)
18
"""

from __future__ import annotations

import datetime as _dt

from supportkit.sla._queueing import _agents, _finish, _number, _options, traffic

__all__ = ["agents_needed", "blocking", "servers_needed", "service_level", "traffic"]


def _blocking(n: int, load: float) -> float:
    if load <= 0.0:
        return 0.0
    b = 1.0
    for k in range(1, n + 1):
        b = load * b / (k + load * b)
    return b


def blocking(agents: int, calls_per_hour: float, aht: _dt.timedelta | float) -> float:
    """Return the share of contacts that find every agent busy and are turned away."""
    return _blocking(_agents(agents), traffic(calls_per_hour, aht))


def service_level(agents: int, calls_per_hour: float, aht: _dt.timedelta | float) -> float:
    """Return the share of contacts served, ``1 − blocking``."""
    return 1.0 - blocking(agents, calls_per_hour, aht)


def servers_needed(calls_per_hour: float, aht: _dt.timedelta | float, max_blocking: float) -> int:
    """Return the fewest positions with blocking at most ``max_blocking`` (``0 < x ≤ 1``)."""
    load = traffic(calls_per_hour, aht)
    goal = _number(max_blocking, "max_blocking", low=1e-12, high=1.0)
    if load <= 0.0:
        return 0
    b = 1.0
    n = 0
    while b > goal:
        n += 1
        b = load * b / (n + load * b)
    return n


def agents_needed(
    calls_per_hour: float,
    aht: _dt.timedelta | float,
    max_blocking: float,
    *,
    shrinkage: float = 0.0,
    chats_per_agent: int = 1,
) -> int:
    """Return the agents to roster so that at most ``max_blocking`` of contacts are refused.

    Arguments as in :func:`supportkit.sla.erlang_c.agents_needed`; the positions
    are divided by ``chats_per_agent`` and ``1 − shrinkage``, rounded up at the end.
    """
    shrink, per_agent = _options(shrinkage, chats_per_agent)
    return _finish(servers_needed(calls_per_hour, aht, max_blocking), shrink, per_agent)
