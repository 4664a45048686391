"""The declarative core of a flow: states, events, guarded transitions and deadlines, as data.

:class:`FlowGraph` is built from the parts (:mod:`._parts`) and guards, checked as a
whole when it is built (as python-statemachine does: every problem found is listed in
one :class:`~supportkit.exceptions.InvalidFlow`), and answers lookups. It knows nothing
of journeys, variants or pictures: those are built on it, and the public
:class:`~supportkit.onboarding.Flow` (in :mod:`._flow`) adds them as methods on top.
"""

from __future__ import annotations

import datetime as _dt
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import attrs
from dateutil.relativedelta import relativedelta

from supportkit.exceptions import InvalidArgument, InvalidFlow, UnknownFlowName
from supportkit.onboarding._guards import GUARDS, Guard
from supportkit.onboarding._parts import DeadlineRule, State, Transition
from supportkit.onboarding._parts import name as _name
from supportkit.onboarding._validate import check_flow
from supportkit.onboarding._worktime import WorkingDays, nth_working_day, resolve_calendar

__all__ = ["FlowGraph", "due", "track"]

_F = TypeVar("_F", bound="FlowGraph")


def _text(value: Any, field: str) -> str:
    if type(value) is not str and not isinstance(value, str):
        raise InvalidArgument(
            f"{field} must be a name string such as 'registered' (got {value!r} that is a "
            f"{type(value).__name__}).",
            field=field,
            value=value,
        )
    return value


def _description(v: Any) -> str:
    if not isinstance(v, str):
        raise InvalidFlow(f"description must be a string (got {v!r}).", field="description")
    return v


def _flow_name(v: Any) -> str:
    return _name(v, "name")


def _initial(v: Any) -> str:
    return _name(v, "initial")


def _tuple_of(kind: type[Any], make: Callable[[Any], Any], field: str) -> Callable[[Any], Any]:
    def convert(value: Any) -> tuple[Any, ...]:
        if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
            raise InvalidFlow(f"{field} must be a list (got {value!r}).", field=field, value=value)
        out = []
        for i, item in enumerate(value):
            if isinstance(item, kind):
                out.append(item)
            elif isinstance(item, Mapping):
                try:
                    out.append(make(item))
                except TypeError as exc:
                    raise InvalidFlow(
                        f"{field}[{i}] has unknown or missing keys (got {dict(item)!r}).",
                        field=f"{field}[{i}]",
                        value=item,
                    ) from exc
            else:
                raise InvalidFlow(
                    f"{field}[{i}] must be a {kind.__name__} or a mapping (got {item!r}).",
                    field=f"{field}[{i}]",
                    value=item,
                )
        return tuple(out)

    return convert


def _states(value: Any) -> tuple[State, ...]:
    out: tuple[State, ...] = _tuple_of(State, lambda d: State(**d), "states")(value)
    return out


def _transitions(value: Any) -> tuple[Transition, ...]:
    out: tuple[Transition, ...] = _tuple_of(Transition, lambda d: Transition(**d), "transitions")(
        value
    )
    return out


def _deadlines(value: Any) -> tuple[DeadlineRule, ...]:
    out: tuple[DeadlineRule, ...] = _tuple_of(
        DeadlineRule, lambda d: DeadlineRule(**d), "deadlines"
    )(value)
    return out


def _guards_map(value: Any) -> Mapping[str, Guard]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(g, Guard) for g in value.values()):
        raise InvalidArgument(
            f"guards must map a name to a Guard (got {value!r}).", field="guards", value=value
        )
    return dict(value)


@attrs.frozen(eq=False)
class FlowGraph:
    """The checked data of a :class:`~supportkit.onboarding.Flow`, whose docstring has the fields.

    The whole graph is checked when it is built; all problems found are listed in one
    :class:`~supportkit.exceptions.InvalidFlow`. It holds the lookups and deadlines that
    journeys use; :class:`Flow` adds the methods built on the modules above this one.
    """

    name: str = attrs.field(converter=_flow_name)
    initial: str = attrs.field(converter=_initial)
    states: tuple[State, ...] = attrs.field(converter=_states)
    transitions: tuple[Transition, ...] = attrs.field(converter=_transitions)
    deadlines: tuple[DeadlineRule, ...] = attrs.field(default=(), converter=_deadlines)
    guards: Mapping[str, Guard] = attrs.field(default=None, converter=_guards_map, repr=False)
    calendar: Any = attrs.field(default="russia", repr=False)
    strict: bool = False
    description: str = attrs.field(default="", repr=False, converter=_description)
    _index: dict[tuple[str, str], Transition] = attrs.field(init=False, repr=False)
    _states: dict[str, State] = attrs.field(init=False, repr=False)
    _allowed: dict[str, tuple[str, ...]] = attrs.field(init=False, repr=False)
    _events: frozenset[str] = attrs.field(init=False, repr=False)
    _starts: dict[str, tuple[DeadlineRule, ...]] = attrs.field(init=False, repr=False)
    _stops: dict[str, tuple[DeadlineRule, ...]] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        states, index, allowed = check_flow(
            self.name,
            initial=self.initial,
            states=self.states,
            transitions=self.transitions,
            deadlines=self.deadlines,
            guards=self.guards,
        )
        object.__setattr__(self, "_states", states)
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_allowed", allowed)
        object.__setattr__(self, "_events", frozenset(e for _, e in index))
        starts: dict[str, list[DeadlineRule]] = {}
        stops: dict[str, list[DeadlineRule]] = {}
        for rule in self.deadlines:
            starts.setdefault(rule.start_on, []).append(rule)
            for event in rule.stop_on:
                stops.setdefault(event, []).append(rule)
        object.__setattr__(self, "_starts", {k: tuple(v) for k, v in starts.items()})
        object.__setattr__(self, "_stops", {k: tuple(v) for k, v in stops.items()})

    # -- equality is structural (the JSON form), so variants compare as data ----------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FlowGraph):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash((self.name, self.initial, self.transitions))

    # -- an immutable value: copies are the object itself ------------------------------
    def __copy__(self: _F) -> _F:
        return self

    def __deepcopy__(self: _F, memo: dict[int, Any]) -> _F:
        return self

    # -- lookups ---------------------------------------------------------------------
    @property
    def events(self) -> tuple[str, ...]:
        """Every event of the flow, sorted."""
        return tuple(sorted(self._events))

    @property
    def state_names(self) -> tuple[str, ...]:
        """The state names in declaration order."""
        return tuple(s.name for s in self.states)

    @property
    def terminal_states(self) -> tuple[str, ...]:
        """The terminal state names in declaration order."""
        return tuple(s.name for s in self.states if s.terminal)

    @property
    def success_states(self) -> tuple[str, ...]:
        """Terminal states whose outcome is ``"success"``."""
        return tuple(s.name for s in self.states if s.outcome == "success")

    def state(self, name: str) -> State:
        """Return the :class:`State` called ``name``.

        Raises:
            UnknownFlowName: no such state (the message lists the states); an
                :class:`~supportkit.exceptions.InvalidFlow` and a ``LookupError``.
            InvalidArgument: ``name`` is not a string.
        """
        found = self._states.get(_text(name, "state"))
        if found is None:
            raise UnknownFlowName(
                f"flow {self.name!r} has no state {name!r}; states are {list(self._states)}.",
                field="state",
                value=name,
            )
        return found

    def events_from(self, state: str) -> list[str]:
        """Return the events allowed in ``state`` (sorted), ignoring guards."""
        self.state(state)
        return list(self._allowed[state])

    def transition(self, state: str, event: str) -> Transition | None:
        """Return the transition for ``event`` in ``state``, or ``None``."""
        return self._index.get((_text(state, "state"), _text(event, "event")))

    def guard(self, name: str) -> Guard:
        """Return the guard called ``name`` (the flow's own, then the built-in ones).

        Raises:
            UnknownFlowName: no such guard (a ``LookupError``).
        """
        key = _text(name, "guard")
        found = self.guards.get(key) or GUARDS.get(key)
        if found is None:
            known = sorted({*self.guards, *GUARDS})
            raise UnknownFlowName(
                f"unknown guard {name!r}; known guards are {known}.", field="guards", value=name
            )
        return found

    def working_days(self) -> WorkingDays:
        """Return the working-day calendar for deadlines (resolved on first use)."""
        return resolve_calendar(self.calendar)

    def path(self) -> tuple[str, ...]:
        """The main path: the shortest way from ``initial`` to a success state.

        The funnel's steps follow it; variants insert, drop and move steps on it.
        """
        goal = set(self.success_states)
        previous: dict[str, str | None] = {self.initial: None}
        queue = deque([self.initial])
        while queue:
            state = queue.popleft()
            if state in goal:
                out = [state]
                back = previous[state]
                while back is not None:
                    out.append(back)
                    back = previous[back]
                return tuple(reversed(out))
            for event in self._allowed[state]:
                target = self._index[state, event].target
                if target not in previous:
                    previous[target] = state
                    queue.append(target)
        return (self.initial,)

    def distance_to_success(self) -> dict[str, int]:
        """Fewest events from each state to a success state (unreachable ones absent)."""
        reverse: dict[str, set[str]] = {}
        for (source, _), t in self._index.items():
            reverse.setdefault(t.target, set()).add(source)
        dist = dict.fromkeys(self.success_states, 0)
        queue = deque(dist)
        while queue:
            state = queue.popleft()
            for source in reverse.get(state, ()):
                if source not in dist:
                    dist[source] = dist[state] + 1
                    queue.append(source)
        return dist

    # -- serialisation ----------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (guards are referenced by name)."""
        out: dict[str, Any] = {
            "name": self.name,
            "initial": self.initial,
            "states": [s.to_dict() for s in self.states],
            "transitions": [t.to_dict() for t in self.transitions],
        }
        if self.deadlines:
            out["deadlines"] = [d.to_dict() for d in self.deadlines]
        if isinstance(self.calendar, str) and self.calendar != "russia":
            out["calendar"] = self.calendar
        if self.strict:
            out["strict"] = True
        if self.description:
            out["description"] = self.description
        return out

    @classmethod
    def from_dict(
        cls: type[_F], data: Mapping[str, Any], *, guards: Mapping[str, Guard] | None = None
    ) -> _F:
        """Build a flow from its JSON form (the inverse of :meth:`to_dict`).

        Args:
            data: The mapping ``to_dict`` returned.
            guards: Custom guards referenced by name in ``data``.

        Raises:
            InvalidFlow: missing keys, unknown keys or an inconsistent graph.
        """
        if not isinstance(data, Mapping):
            raise InvalidFlow(
                f"a flow must be a mapping (got {type(data).__name__}).", field="flow", value=data
            )
        known = {
            "name",
            "initial",
            "states",
            "transitions",
            "deadlines",
            "calendar",
            "strict",
            "description",
        }
        unknown = sorted(set(data) - known)
        missing = sorted({"name", "initial", "states", "transitions"} - set(data))
        if unknown or missing:
            raise InvalidFlow(
                f"flow mapping has unknown keys {unknown} and missing keys {missing}; "
                f"expected keys are {sorted(known)}.",
                field="flow",
                value=dict(data),
            )
        return cls(
            name=data["name"],
            initial=data["initial"],
            states=data["states"],
            transitions=data["transitions"],
            deadlines=data.get("deadlines", ()),
            guards=guards,
            calendar=data.get("calendar", "russia"),
            strict=bool(data.get("strict", False)),
            description=data.get("description", ""),
        )


_ZONES: dict[str, ZoneInfo] = {}


def _zone(name: str) -> ZoneInfo:
    zone = _ZONES.get(name)
    if zone is None:
        zone = _ZONES[name] = ZoneInfo(name)
    return zone


def due(flow: FlowGraph, rule: DeadlineRule, at: _dt.datetime) -> _dt.datetime:
    """When ``rule``, started at ``at``, is due (working days on the flow's calendar)."""
    zone = _zone(rule.tz)
    local = at.astimezone(zone)
    if rule.working_days is not None:
        day = nth_working_day(flow.working_days(), local.date(), rule.working_days)
        return _dt.datetime.combine(day, _dt.time.max, zone)
    if rule.days is not None:
        return local + _dt.timedelta(days=rule.days)
    assert rule.months is not None
    return local + relativedelta(months=rule.months)


def track(
    flow: FlowGraph,
    event: str,
    at: _dt.datetime,
    deadlines: dict[str, _dt.datetime],
    met: dict[str, _dt.datetime],
) -> None:
    """Start and meet the flow's deadlines for ``event`` at ``at`` (updates both maps)."""
    for rule in flow._stops.get(event, ()):
        if rule.name in deadlines and rule.name not in met:
            met[rule.name] = at
    for rule in flow._starts.get(event, ()):
        if rule.name not in deadlines:
            deadlines[rule.name] = due(flow, rule, at)
