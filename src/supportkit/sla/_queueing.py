"""Shared input checks and rounding of the queueing modules (Erlang B, C and A)."""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable
from typing import Any

from supportkit._time import to_timedelta
from supportkit.exceptions import InvalidArgument, InvalidValue
from supportkit.sla._policy import parse_duration

__all__ = ["MAX_AGENTS", "traffic"]

_HOUR = 3600.0
#: The largest load (Erlangs) and agent count the staffing functions accept: a
#: million simultaneous contacts is far past any contact centre, and the exact
#: recursions stay well under a second there.
MAX_AGENTS = 1_000_000
_MAX_SECONDS = _dt.timedelta.max.total_seconds()


def _number(value: Any, field: str, *, low: float = 0.0, high: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidArgument(
            f"{field} must be a number (got {value!r} that is a {type(value).__name__}).",
            field=field,
            value=value,
        )
    number = float(value)
    if not (low <= number <= high) or not math.isfinite(number):
        raise InvalidValue(
            f"{field} must be between {low:g} and {high:g} (got {value!r}).",
            field=field,
            value=value,
        )
    return number


def _seconds(value: Any, field: str, *, positive: bool) -> float:
    if isinstance(value, str):
        seconds = parse_duration(value, field=field).total_seconds()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)  # exact: a timedelta would round to microseconds
        if not math.isfinite(seconds) or seconds > _MAX_SECONDS:
            raise InvalidValue(
                f"{field} must be a finite duration in seconds (got {value!r}).",
                field=field,
                value=value,
            )
    else:
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
    if value > MAX_AGENTS:
        raise InvalidValue(
            f"agents must be at most {MAX_AGENTS:,} (got {value!r}).",
            field="agents",
            value=value,
        )
    return value


def _options(shrinkage: Any, chats_per_agent: Any) -> tuple[float, int]:
    shrink = _number(shrinkage, "shrinkage", high=0.999999)
    if (
        isinstance(chats_per_agent, bool)
        or not isinstance(chats_per_agent, int)
        or not 1 <= chats_per_agent <= 100
    ):
        raise InvalidValue(
            f"chats_per_agent must be a whole number from 1 to 100 (got {chats_per_agent!r}).",
            field="chats_per_agent",
            value=chats_per_agent,
        )
    return shrink, chats_per_agent


def _fraction(servers: int, shrink: float, chats_per_agent: int) -> float:
    """Agents to roster before rounding: positions / concurrency / (1 − shrinkage)."""
    return servers / chats_per_agent / (1.0 - shrink)


def _finish(servers: int, shrink: float, chats_per_agent: int) -> int:
    return math.ceil(_fraction(servers, shrink, chats_per_agent) - 1e-9)


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
    load = rate * _seconds(aht, "aht", positive=True) / _HOUR
    if load > MAX_AGENTS:
        raise InvalidValue(
            f"calls_per_hour {calls_per_hour!r} at this aht is {load:.3g} Erlangs, more than "
            f"the {MAX_AGENTS:,} simultaneous contacts supportkit staffs; check the units "
            "(calls per hour, handling time in seconds).",
            field="calls_per_hour",
            value=calls_per_hour,
        )
    return load


def _occupancy(
    agents: Any,
    calls_per_hour: float,
    aht: _dt.timedelta | float,
    answered: Callable[[int], float] | None = None,
) -> float:
    """Busy share of ``agents``: ``A × answered(n) / n`` capped at 1 (Erlang C: all answered).

    ``0.0`` without traffic, ``1.0`` with traffic and no agents; ``answered`` (the
    share of arrivals answered, Erlang A's ``1 − P(abandon)``) is only asked otherwise.
    """
    n = _agents(agents)
    load = traffic(calls_per_hour, aht)
    if load <= 0.0:
        return 0.0
    if n == 0:
        return 1.0
    carried = load if answered is None else load * answered(n)
    return min(1.0, carried / n)
