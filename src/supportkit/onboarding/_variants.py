"""Per-client variants: insert, drop and move steps on a flow's main path; diff two flows.

A *step* is a state on the main path together with the event (and guards) that enter
it. Inserting step ``s`` entered by ``e`` after ``a`` turns ``a --x--> b`` into
``a --e--> s --x--> b``; dropping ``s`` turns ``a --e--> s --x--> b`` into
``a --x--> b`` (the guards of ``x`` stay, those of ``e`` go with the step). Every
result is a new flow, checked as a whole like any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import attrs

from supportkit.exceptions import InvalidArgument, InvalidFlow
from supportkit.onboarding._graph import FlowGraph
from supportkit.onboarding._parts import State, Timeout, Transition

# Variants keep the class of the flow they start from (the public Flow in practice).
_F = TypeVar("_F", bound=FlowGraph)

__all__ = ["FlowDiff", "diff", "move_step", "with_step", "without_step"]


def _graph(flow: Any, field: str = "flow") -> None:
    if not isinstance(flow, FlowGraph):
        raise InvalidArgument(
            f"{field} must be an onboarding Flow such as flows.self_employed() (got "
            f"{type(flow).__name__}).",
            field=field,
            value=flow,
        )


def _on_path(flow: FlowGraph, state: str, field: str) -> tuple[tuple[str, ...], int]:
    _graph(flow)
    path = flow.path()
    if state not in path:
        raise InvalidFlow(
            f"{field} {state!r} is not on the main path of flow {flow.name!r} {list(path)}.",
            field=field,
            value=state,
        )
    return path, path.index(state)


def _main(flow: FlowGraph, source: str, target: str) -> Transition:
    for event in flow.events_from(source):
        t = flow.transition(source, event)
        if t is not None and t.target == target:
            return t
    raise InvalidFlow(f"no transition {source!r} -> {target!r}.", field="path")  # pragma: no cover


def _rebuild(
    flow: _F, states: Sequence[State], transitions: Sequence[Transition], name: str | None
) -> _F:
    return attrs.evolve(
        flow, name=name or flow.name, states=tuple(states), transitions=tuple(transitions)
    )


def _side(
    flow: FlowGraph, source: str, main: Transition | None
) -> list[tuple[str, str, tuple[str, ...]]]:
    timeout = flow.state(source).timeout
    out = []
    for event in flow.events_from(source):
        t = flow.transition(source, event)
        assert t is not None
        if t is main or t.target == source or (timeout is not None and event == timeout.event):
            continue
        if flow.state(t.target).terminal:
            out.append((t.event, t.target, t.guards))
    return out


def _exits(side: Any) -> list[tuple[str, str, Sequence[str]]]:
    ok = isinstance(side, (list, tuple)) and all(
        isinstance(x, (list, tuple)) and len(x) == 3 for x in side
    )
    if not ok:
        raise InvalidFlow(
            f"side must be a list of (event, target, guards) triples such as "
            f"[('withdraw', 'withdrawn', ())] (got {side!r}).",
            field="side",
            value=side,
        )
    return [(e, target, g) for e, target, g in side]


def with_step(
    flow: _F,
    state: str,
    *,
    after: str,
    event: str,
    guards: Sequence[str] = (),
    label: str = "",
    timeout: Timeout | None = None,
    side: Sequence[tuple[str, str, Sequence[str]]] | None = None,
    name: str | None = None,
) -> _F:
    """Return ``flow`` with step ``state`` (entered by ``event``) inserted after ``after``.

    Args:
        flow: The base flow.
        state: The new state's name.
        after: A non-terminal state on the main path.
        event: The event that enters the new state.
        guards: Guards on ``event``.
        label: The new state's label.
        timeout: The new state's :class:`Timeout`.
        side: Exits of the new state as ``(event, target, guards)``; by default a copy
            of ``after``'s exits to terminal states (``withdraw``, ``reject``).
        name: A name for the variant (default: the base flow's name).

    Raises:
        InvalidFlow: ``after`` is not on the main path, ``state`` exists already, or
            the result is not a valid flow.
    """
    path, i = _on_path(flow, after, "after")
    if state in flow.state_names:
        raise InvalidFlow(
            f"flow {flow.name!r} already has a state {state!r}; pick another name or use "
            "move_step.",
            field="state",
            value=state,
        )
    if i + 1 >= len(path):
        raise InvalidFlow(
            f"after {after!r} is the end of the main path; insert before it instead.",
            field="after",
            value=after,
        )
    main = _main(flow, after, path[i + 1])
    exits = _side(flow, after, main) if side is None else _exits(side)
    transitions = [t for t in flow.transitions if t is not main]
    transitions.append(Transition(after, event, state, guards))
    transitions.append(Transition(state, main.event, main.target, main.guards))
    transitions += [Transition(state, e, target, g) for e, target, g in exits]
    states = list(flow.states)
    position = states.index(flow.state(after)) + 1
    states.insert(position, State(state, label, timeout=timeout))
    return _rebuild(flow, states, transitions, name)


def without_step(flow: _F, state: str, *, name: str | None = None) -> _F:
    """Return ``flow`` with step ``state`` removed from the main path.

    The event that entered ``state`` goes with it; the event that left it now leaves
    the previous step. Other transitions into ``state`` are redirected to the next step.

    Raises:
        InvalidFlow: ``state`` is the first or last step, or the result is invalid
            (e.g. a deadline referred to the dropped event).
    """
    path, i = _on_path(flow, state, "state")
    if i == 0 or i == len(path) - 1:
        raise InvalidFlow(
            f"state {state!r} is the start or the end of flow {flow.name!r}; only steps in "
            "between can be removed.",
            field="state",
            value=state,
        )
    previous, following = path[i - 1], path[i + 1]
    entering = _main(flow, previous, state)
    leaving = _main(flow, state, following)
    transitions = []
    for t in flow.transitions:
        if t is entering:
            transitions.append(Transition(previous, leaving.event, following, leaving.guards))
        elif t.source == state:
            continue
        elif t.target == state:
            transitions.append(attrs.evolve(t, target=following))
        else:
            transitions.append(t)
    states = [s for s in flow.states if s.name != state]
    return _rebuild(flow, states, transitions, name)


def move_step(flow: _F, state: str, *, after: str, name: str | None = None) -> _F:
    """Return ``flow`` with step ``state`` moved to just after ``after`` on the main path.

    The step keeps its entering event, guards, label, timeout and exits. One client
    wants the self-employed status first and the invitation second:
    ``flows.self_employed().move_step("status_confirmed", after="invited")``.
    """
    path, i = _on_path(flow, state, "state")
    _on_path(flow, after, "after")
    if after == state or (i > 0 and path[i - 1] == after):
        return flow if name is None else attrs.evolve(flow, name=name)
    if i == 0 or i == len(path) - 1:
        raise InvalidFlow(
            f"state {state!r} is the start or the end of flow {flow.name!r}; only steps in "
            "between can be moved.",
            field="state",
            value=state,
        )
    entering = _main(flow, path[i - 1], state)
    leaving = _main(flow, state, path[i + 1])
    old = flow.state(state)
    exits = _side(flow, state, leaving)
    reduced = without_step(flow, state)
    return with_step(
        reduced,
        state,
        after=after,
        event=entering.event,
        guards=entering.guards,
        label=old.label,
        timeout=old.timeout,
        side=exits,
        name=name,
    )


@attrs.frozen
class FlowDiff:
    """What a variant changes relative to its base flow (``str()`` reads as a patch)."""

    base: str
    variant: str
    added_states: tuple[str, ...]
    removed_states: tuple[str, ...]
    added_transitions: tuple[str, ...]
    removed_transitions: tuple[str, ...]
    path_before: tuple[str, ...]
    path_after: tuple[str, ...]
    other: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(
            self.added_states
            or self.removed_states
            or self.added_transitions
            or self.removed_transitions
            or self.other
        )

    def __str__(self) -> str:
        lines = [f"--- {self.base}", f"+++ {self.variant}"]
        lines += [f"- state {s}" for s in self.removed_states]
        lines += [f"+ state {s}" for s in self.added_states]
        lines += [f"- {t}" for t in self.removed_transitions]
        lines += [f"+ {t}" for t in self.added_transitions]
        lines += [f"~ {o}" for o in self.other]
        if self.path_before != self.path_after:
            lines.append("  path: " + " → ".join(self.path_after))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in attrs.asdict(self).items()}


def diff(base: FlowGraph, variant: FlowGraph) -> FlowDiff:
    """Return the :class:`FlowDiff` from ``base`` to ``variant``."""
    _graph(base, "base")
    _graph(variant, "variant")
    b_states, v_states = set(base.state_names), set(variant.state_names)
    b_t = {str(t) for t in base.transitions}
    v_t = {str(t) for t in variant.transitions}
    other = []
    if base.initial != variant.initial:
        other.append(f"initial {base.initial} → {variant.initial}")
    for s in sorted(b_states & v_states):
        old, new = base.state(s), variant.state(s)
        if old != new:
            other.append(f"state {s}: {old.to_dict()} → {new.to_dict()}")
    if [d.to_dict() for d in base.deadlines] != [d.to_dict() for d in variant.deadlines]:
        other.append("deadlines changed")
    return FlowDiff(
        base.name,
        variant.name,
        tuple(s for s in variant.state_names if s not in b_states),
        tuple(s for s in base.state_names if s not in v_states),
        tuple(sorted(v_t - b_t)),
        tuple(sorted(b_t - v_t)),
        base.path(),
        variant.path(),
        tuple(other),
    )
