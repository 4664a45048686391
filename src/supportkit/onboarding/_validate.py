"""Whole-graph checks run when a :class:`~supportkit.onboarding.Flow` is built.

Every problem is collected first, then one :class:`~supportkit.exceptions.InvalidFlow`
lists them all (``error.value`` maps each problem kind to its offenders), so a client
variant with three mistakes is fixed in one round, not three.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence

from supportkit.exceptions import InvalidFlow
from supportkit.onboarding._guards import GUARDS, Guard
from supportkit.onboarding._parts import DeadlineRule, State, Transition

__all__ = ["check_flow"]

# (kind, how it reads in the message); message order is this order.
_KINDS = (
    ("duplicate_states", "duplicate states"),
    ("unknown_initial", "initial state is not a state"),
    ("unknown_states", "transitions name unknown states"),
    ("duplicate_transitions", "more than one transition for the same state and event"),
    ("unknown_guards", "unknown guards"),
    ("terminal_exits", "terminal states with transitions out of them"),
    ("no_terminal", "no terminal state"),
    ("unreachable", "unreachable states"),
    ("dead_ends", "dead ends (non-terminal states with no transition out)"),
    ("traps", "states from which no terminal state can be reached"),
    ("orphan_events", "events with no transition"),
)


def _reachable(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in edges.get(queue.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def check_flow(
    name: str,
    *,
    initial: str,
    states: Sequence[State],
    transitions: Sequence[Transition],
    deadlines: Sequence[DeadlineRule],
    guards: Mapping[str, Guard],
) -> tuple[dict[str, State], dict[tuple[str, str], Transition], dict[str, tuple[str, ...]]]:
    """Check a flow's parts; return its state map, transition index and allowed events.

    Takes the parts rather than the flow, so that the flow is built on this check and
    not the other way round.

    Raises:
        InvalidFlow: listing every problem found, e.g.
            ``flow 'demo' is invalid: unreachable states ['limbo']; dead ends (non-terminal
            states with no transition out) ['limbo'].``
    """
    problems: dict[str, list[str]] = {kind: [] for kind, _ in _KINDS}
    by_name: dict[str, State] = {}
    for state in states:
        if state.name in by_name:
            problems["duplicate_states"].append(state.name)
        by_name[state.name] = state
    if initial not in by_name:
        problems["unknown_initial"].append(initial)
    index: dict[tuple[str, str], Transition] = {}
    edges: dict[str, set[str]] = {}
    for t in transitions:
        for end in (t.source, t.target):
            if end not in by_name and end not in problems["unknown_states"]:
                problems["unknown_states"].append(end)
        if (t.source, t.event) in index:
            problems["duplicate_transitions"].append(f"{t.source}.{t.event}")
        index[t.source, t.event] = t
        edges.setdefault(t.source, set()).add(t.target)
        for g in t.guards:
            if g not in guards and g not in GUARDS and g not in problems["unknown_guards"]:
                problems["unknown_guards"].append(g)
    events = {e for _, e in index}
    for state in by_name.values():
        out = edges.get(state.name, set())
        if state.terminal and out:
            problems["terminal_exits"].append(state.name)
        if not state.terminal and not out:
            problems["dead_ends"].append(state.name)
        if state.timeout is not None and (state.name, state.timeout.event) not in index:
            problems["orphan_events"].append(f"{state.name}.timeout:{state.timeout.event}")
    terminals = {s.name for s in by_name.values() if s.terminal}
    if not terminals:
        problems["no_terminal"].append(name)
    if initial in by_name:
        reach = _reachable(initial, edges)
        problems["unreachable"] = [s for s in by_name if s not in reach]
    reverse: dict[str, set[str]] = {}
    for source, targets in edges.items():
        for target in targets:
            reverse.setdefault(target, set()).add(source)
    can_finish: set[str] = set()
    for terminal in terminals:
        can_finish |= _reachable(terminal, reverse)
    problems["traps"] = [
        s for s in by_name if s not in can_finish and s not in problems["dead_ends"] and terminals
    ]
    for rule in deadlines:
        for event in (rule.start_on, *rule.stop_on):
            if event not in events and event != "start":
                problems["orphan_events"].append(f"deadlines.{rule.name}:{event}")
    found = [(kind, text, problems[kind]) for kind, text in _KINDS if problems[kind]]
    if found:
        parts = "; ".join(f"{text} {offenders}" for _, text, offenders in found)
        raise InvalidFlow(
            f"flow {name!r} is invalid: {parts}.",
            field="flow",
            value={kind: offenders for kind, _, offenders in found},
        )
    allowed: dict[str, list[str]] = {s: [] for s in by_name}
    for source, event in index:
        allowed[source].append(event)
    return by_name, index, {s: tuple(sorted(e)) for s, e in allowed.items()}
