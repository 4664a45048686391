"""Pictures of a flow: Mermaid ``stateDiagram-v2`` and Graphviz DOT, as plain text.

Both list states in declaration order and transitions in declaration order, so the
output is stable (the docs page embeds ``to_mermaid()`` output and a test checks it
has not drifted).
"""

from __future__ import annotations

from supportkit.onboarding._graph import FlowGraph
from supportkit.onboarding._parts import Transition
from supportkit.onboarding._values import expect

__all__ = ["to_dot", "to_mermaid"]


FLOW = "an onboarding Flow such as flows.self_employed()"


def _label(t: Transition) -> str:
    return f"{t.event} [{', '.join(t.guards)}]" if t.guards else t.event


def to_mermaid(flow: FlowGraph) -> str:
    """Return a Mermaid state diagram: ``[*]`` marks the start and the terminal states."""
    flow = expect(flow, FlowGraph, field="flow", what=FLOW)
    lines = ["stateDiagram-v2", f"    [*] --> {flow.initial}"]
    lines += [f"    {s.name} : {s.name} — {s.label}" for s in flow.states if s.label]
    lines += [f"    {t.source} --> {t.target} : {_label(t)}" for t in flow.transitions]
    lines += [f"    {name} --> [*]" for name in flow.terminal_states]
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(flow: FlowGraph) -> str:
    """Return a Graphviz digraph: success states double circles, failures grey."""
    flow = expect(flow, FlowGraph, field="flow", what=FLOW)
    lines = [
        f"digraph {_quote(flow.name)} {{",
        "    rankdir=LR;",
        '    node [shape=box, style=rounded, fontname="Helvetica"];',
        '    __start [shape=point, label=""];',
        f"    __start -> {_quote(flow.initial)};",
    ]
    for state in flow.states:
        text = _quote(state.name + ("\x00" + state.label if state.label else ""))
        attrs = ["label=" + text.replace("\x00", "\\n")]
        if state.outcome == "success":
            attrs.append("shape=doublecircle")
        elif state.outcome == "failure":
            attrs.append('style="rounded,filled", fillcolor=lightgrey')
        lines.append(f"    {_quote(state.name)} [{', '.join(attrs)}];")
    lines += [
        f"    {_quote(t.source)} -> {_quote(t.target)} [label={_quote(_label(t))}];"
        for t in flow.transitions
    ]
    lines.append("}")
    return "\n".join(lines) + "\n"
