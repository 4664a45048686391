"""The declarative core: a :class:`Flow` is data — states, events, guarded transitions.

A flow is checked as a whole when it is built (as python-statemachine does): every
problem found is listed in one :class:`~supportkit.exceptions.InvalidFlow`.
Journeys through a flow live in :mod:`supportkit.onboarding._journey`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from supportkit.exceptions import InvalidArgument, InvalidFlow
from supportkit.onboarding._guards import GUARDS, Guard
from supportkit.onboarding._parts import OUTCOMES, DeadlineRule, State, Timeout, Transition
from supportkit.onboarding._parts import name as _name
from supportkit.onboarding._worktime import WorkingDays, resolve_calendar

if TYPE_CHECKING:
    from supportkit.onboarding._journey import Journey

__all__ = ["OUTCOMES", "DeadlineRule", "Flow", "State", "Timeout", "Transition"]


def _flow_name(v: Any) -> str:
    return _name(v, "name")


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
class Flow:
    """An onboarding flow: states, guarded transitions, timeouts and deadlines, as data.

    The whole graph is checked when the flow is built; all problems found are listed
    in one :class:`~supportkit.exceptions.InvalidFlow`.

    Args:
        name: The flow's name (``"self_employed"``).
        initial: The state a journey starts in.
        states: The :class:`State` objects (or their dict forms).
        transitions: The :class:`Transition` objects (or their dict forms).
        deadlines: :class:`DeadlineRule` objects.
        guards: Extra guards by name (the built-in ones are always known).
        calendar: The working-day calendar for deadlines: a name (``"russia"``, the
            default) or an object with ``is_working_day(day)``.
        strict: When true, a guard whose data is missing blocks the event; when false
            (the default) the event is allowed and the verdict's reasons say which data
            was not checked.
        description: Free text, with the sources the flow follows.
    """

    name: str = attrs.field(converter=_flow_name)
    initial: str
    states: tuple[State, ...] = attrs.field(converter=_states)
    transitions: tuple[Transition, ...] = attrs.field(converter=_transitions)
    deadlines: tuple[DeadlineRule, ...] = attrs.field(default=(), converter=_deadlines)
    guards: Mapping[str, Guard] = attrs.field(default=None, converter=_guards_map, repr=False)
    calendar: Any = attrs.field(default="russia", repr=False)
    strict: bool = False
    description: str = attrs.field(default="", repr=False)
    _index: dict[tuple[str, str], Transition] = attrs.field(init=False, repr=False)
    _states: dict[str, State] = attrs.field(init=False, repr=False)
    _allowed: dict[str, tuple[str, ...]] = attrs.field(init=False, repr=False)
    _events: frozenset[str] = attrs.field(init=False, repr=False)
    _starts: dict[str, tuple[DeadlineRule, ...]] = attrs.field(init=False, repr=False)
    _stops: dict[str, tuple[DeadlineRule, ...]] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        from supportkit.onboarding._validate import check_flow

        states, index, allowed = check_flow(self)
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
        if not isinstance(other, Flow):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash((self.name, self.initial, self.transitions))

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
            InvalidFlow: no such state (the message lists the states).
        """
        try:
            return self._states[name]
        except KeyError:
            raise InvalidFlow(
                f"flow {self.name!r} has no state {name!r}; states are {list(self._states)}.",
                field="state",
                value=name,
            ) from None

    def events_from(self, state: str) -> list[str]:
        """Return the events allowed in ``state`` (sorted), ignoring guards."""
        self.state(state)
        return list(self._allowed[state])

    def transition(self, state: str, event: str) -> Transition | None:
        """Return the transition for ``event`` in ``state``, or ``None``."""
        return self._index.get((state, event))

    def guard(self, name: str) -> Guard:
        """Return the guard called ``name`` (the flow's own, then the built-in ones)."""
        found = self.guards.get(name) or GUARDS.get(name)
        if found is None:
            raise InvalidFlow(f"unknown guard {name!r}.", field="guards", value=name)
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

    # -- journeys ----------------------------------------------------------------------
    def start(self, subject_id: str, *, at: Any, **data: Any) -> Journey:
        """Start a journey in the initial state.

        Args:
            subject_id: Who is being onboarded (a contractor or agent id).
            at: When the journey starts (aware datetime or ISO string).
            **data: Facts known at the start (``client="ООО Ромашка"``).

        Raises:
            NaiveDatetimeError: ``at`` has no time zone.
            InvalidArgument: ``subject_id`` is not a non-empty string.
        """
        from supportkit.onboarding._journey import Journey

        return Journey.begin(self, subject_id, at=at, data=data)

    def replay(
        self, subject_id: str, started_at: Any, history: Sequence[Any], **data: Any
    ) -> Journey:
        """Rebuild a journey from its start and its history (dicts or steps).

        Transitions and time order are checked; guards are not re-run (the events were
        accepted when they happened). The result equals the journey fired step by step.
        """
        from supportkit.onboarding._journey import replay

        return replay(self, subject_id, started_at, history, data)

    def replay_many(self, records: Iterable[Mapping[str, Any]]) -> list[Journey]:
        """Rebuild many journeys from their JSON forms (``Journey.from_dict`` each).

        Python's cyclic garbage collector is paused while the batch is built (the
        journeys are kept, so collecting in between is wasted work: it is about half of
        the time of replaying 100,000 journeys) and restored afterwards.

        Raises:
            InvalidFlow: a malformed record (the message names the key or ``history[i]``).
        """
        import gc

        from supportkit.onboarding._journey import Journey

        paused = gc.isenabled()
        gc.disable()
        try:
            return [Journey.from_dict(self, record) for record in records]
        finally:
            if paused:
                gc.enable()

    # -- variants (see _variants) -----------------------------------------------------
    def with_step(self, state: str, *, after: str, event: str, **options: Any) -> Flow:
        """Return a new flow with ``state`` inserted on the main path after ``after``.

        See :func:`supportkit.onboarding.with_step` for the options.
        """
        from supportkit.onboarding._variants import with_step

        return with_step(self, state, after=after, event=event, **options)

    def without_step(self, state: str, **options: Any) -> Flow:
        """Return a new flow with ``state`` removed from the main path."""
        from supportkit.onboarding._variants import without_step

        return without_step(self, state, **options)

    def move_step(self, state: str, *, after: str, **options: Any) -> Flow:
        """Return a new flow with ``state`` moved on the main path to just after ``after``."""
        from supportkit.onboarding._variants import move_step

        return move_step(self, state, after=after, **options)

    def diff(self, base: Flow) -> Any:
        """Return a :class:`~supportkit.onboarding.FlowDiff` from ``base`` to this flow."""
        from supportkit.onboarding._variants import diff

        return diff(base, self)

    # -- serialisation & pictures -------------------------------------------------------
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
        cls, data: Mapping[str, Any], *, guards: Mapping[str, Guard] | None = None
    ) -> Flow:
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

    def to_mermaid(self) -> str:
        """Return a Mermaid ``stateDiagram-v2`` of the flow."""
        from supportkit.onboarding._diagram import to_mermaid

        return to_mermaid(self)

    def to_dot(self) -> str:
        """Return a Graphviz DOT digraph of the flow."""
        from supportkit.onboarding._diagram import to_dot

        return to_dot(self)
