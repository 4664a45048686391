"""The parts of a flow: states, transitions, timeouts and deadline rules.

Each is a frozen attrs value with a JSON form; names are checked as identifiers when
built. :class:`~supportkit.onboarding.Flow` puts them together and checks the graph.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from supportkit._time import to_timedelta
from supportkit.exceptions import InvalidFlow

__all__ = ["OUTCOMES", "DeadlineRule", "State", "Timeout", "Transition", "name", "names"]

#: What a terminal state means: ``success`` (``active``) or ``failure``.
OUTCOMES = ("success", "failure")


def name(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value or not value.replace("_", "").isalnum():
        raise InvalidFlow(
            f"{field} must be a non-empty identifier such as 'profile_filled' (got {value!r}).",
            field=field,
            value=value,
        )
    return value


def names(value: Any, field: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, Iterable):
        raise InvalidFlow(
            f"{field} must be a list of names (got {value!r}).", field=field, value=value
        )
    return tuple(name(v, f"{field}[{i}]") for i, v in enumerate(value))


#: The longest quiet period a timeout and the longest term a deadline may have.
LONGEST = _dt.timedelta(days=3660)
_LIMITS = {"working_days": 2_500, "days": LONGEST.days, "months": 120}


def _after(v: Any) -> _dt.timedelta:
    try:
        after = to_timedelta(v, field="timeout.after")
    except (OverflowError, ValueError):  # timedelta(seconds=nan | 1e20)
        raise InvalidFlow(
            f"timeout.after must be a finite duration (got {v!r}).", field="timeout.after", value=v
        ) from None
    if after > LONGEST:
        raise InvalidFlow(
            f"timeout.after must be at most {LONGEST.days} days (got {after}).",
            field="timeout.after",
            value=v,
        )
    return after


def _text(v: Any) -> str:
    if not isinstance(v, str):
        raise InvalidFlow(f"a label must be a string (got {v!r}).", field="label", value=v)
    return v


def _zone(v: Any) -> str:
    if not isinstance(v, str) or not v:
        raise InvalidFlow(
            f"deadline tz must be a time zone name such as 'Europe/Moscow' (got {v!r}).",
            field="deadline.tz",
            value=v,
        )
    try:
        ZoneInfo(v)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidFlow(
            f"deadline tz {v!r} is not a known time zone; use a name such as 'Europe/Moscow'.",
            field="deadline.tz",
            value=v,
        ) from None
    return v


def _timeout_event(v: Any) -> str:
    return name(v, "timeout.event")


def _state_name(v: Any) -> str:
    return name(v, "state.name")


def _source(v: Any) -> str:
    return name(v, "transition.source")


def _event(v: Any) -> str:
    return name(v, "transition.event")


def _target(v: Any) -> str:
    return name(v, "transition.target")


def _deadline_name(v: Any) -> str:
    return name(v, "deadline.name")


def _start_on(v: Any) -> str:
    return name(v, "deadline.start_on")


def _stop_on(v: Any) -> tuple[str, ...]:
    return names(v, "deadline.stop_on")


def _guard_names(v: Any) -> tuple[str, ...]:
    return names(v, "transition.guards")


@attrs.frozen
class Timeout:
    """After ``after`` in a state with no event, ``event`` fires (actor ``"system"``).

    Example: an invitation expires after 14 days (``Timeout(14 days, "expire")``).
    """

    after: _dt.timedelta = attrs.field(converter=_after)
    event: str = attrs.field(converter=_timeout_event)

    def __attrs_post_init__(self) -> None:
        if self.after <= _dt.timedelta(0):
            raise InvalidFlow(
                f"timeout.after must be positive (got {self.after!r}).",
                field="timeout.after",
                value=self.after,
            )

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (``after`` in seconds)."""
        return {"after": self.after.total_seconds(), "event": self.event}


def _timeout(value: Any) -> Timeout | None:
    if value is None or isinstance(value, Timeout):
        return value
    if isinstance(value, Mapping):
        return Timeout(value.get("after"), value.get("event"))
    raise InvalidFlow(
        f"timeout must be a Timeout or a mapping with 'after' and 'event' (got {value!r}).",
        field="timeout",
        value=value,
    )


@attrs.frozen
class State:
    """One step of a flow.

    Args:
        name: Identifier (``"profile_filled"``).
        label: Human-readable text (Russian in the built-in flows).
        terminal: No events leave a terminal state.
        outcome: For a terminal state, ``"success"`` or ``"failure"``.
        timeout: A :class:`Timeout` that fires an event after a quiet period.
    """

    name: str = attrs.field(converter=_state_name)
    label: str = attrs.field(default="", converter=_text)
    terminal: bool = False
    outcome: str | None = None
    timeout: Timeout | None = attrs.field(default=None, converter=_timeout)

    def __attrs_post_init__(self) -> None:
        if self.outcome is not None and self.outcome not in OUTCOMES:
            raise InvalidFlow(
                f"state {self.name!r} has outcome {self.outcome!r}; use one of {list(OUTCOMES)}.",
                field=f"states.{self.name}.outcome",
                value=self.outcome,
            )
        if self.outcome is not None and not self.terminal:
            raise InvalidFlow(
                f"state {self.name!r} has an outcome but is not terminal; set terminal=True.",
                field=f"states.{self.name}.outcome",
                value=self.outcome,
            )

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        out: dict[str, Any] = {"name": self.name}
        if self.label:
            out["label"] = self.label
        if self.terminal:
            out["terminal"] = True
            out["outcome"] = self.outcome
        if self.timeout is not None:
            out["timeout"] = self.timeout.to_dict()
        return out


@attrs.frozen
class Transition:
    """``source --event--> target``, allowed only when every guard passes."""

    source: str = attrs.field(converter=_source)
    event: str = attrs.field(converter=_event)
    target: str = attrs.field(converter=_target)
    guards: tuple[str, ...] = attrs.field(default=(), converter=_guard_names)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        out: dict[str, Any] = {"source": self.source, "event": self.event, "target": self.target}
        if self.guards:
            out["guards"] = list(self.guards)
        return out

    def __str__(self) -> str:
        guards = f" [{', '.join(self.guards)}]" if self.guards else ""
        return f"{self.source} --{self.event}--> {self.target}{guards}"


@attrs.frozen
class DeadlineRule:
    """A deadline that starts when ``start_on`` fires and is met when ``stop_on`` fires.

    ``start_on="start"`` starts it when the journey starts (the agent's probation).
    Exactly one of ``working_days`` (counted on the flow's production calendar,
    starting the day after the event, due at the end of the last day in ``tz``),
    ``days`` or ``months`` (calendar time from the event) is set.
    """

    name: str = attrs.field(converter=_deadline_name)
    start_on: str = attrs.field(converter=_start_on)
    stop_on: tuple[str, ...] = attrs.field(converter=_stop_on)
    working_days: int | None = None
    days: int | None = None
    months: int | None = None
    tz: str = attrs.field(default="Europe/Moscow", converter=_zone)
    source: str = attrs.field(default="", converter=_text)

    def __attrs_post_init__(self) -> None:
        given = [u for u in ("working_days", "days", "months") if getattr(self, u) is not None]
        bad = [u for u in given if type(getattr(self, u)) is not int or getattr(self, u) < 1]
        if len(given) != 1 or bad:
            raise InvalidFlow(
                f"deadline {self.name!r} must set exactly one of working_days, days or months "
                f"to a positive integer (got {given or 'none'}).",
                field=f"deadlines.{self.name}",
                value=self.to_dict(),
            )
        unit = given[0]
        if getattr(self, unit) > _LIMITS[unit]:
            raise InvalidFlow(
                f"deadline {self.name!r} has {unit}={getattr(self, unit)}; at most "
                f"{_LIMITS[unit]} {unit.replace('_', ' ')} (ten years) are allowed.",
                field=f"deadlines.{self.name}.{unit}",
                value=getattr(self, unit),
            )

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        out: dict[str, Any] = {
            "name": self.name,
            "start_on": self.start_on,
            "stop_on": list(self.stop_on),
            "tz": self.tz,
        }
        for unit in ("working_days", "days", "months"):
            if getattr(self, unit) is not None:
                out[unit] = getattr(self, unit)
        if self.source:
            out["source"] = self.source
        return out
