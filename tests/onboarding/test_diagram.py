"""Pictures: Mermaid and DOT output, and the docs page's diagrams cannot drift."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from supportkit.onboarding import Flow, State, Transition, flows, to_dot, to_mermaid

DOCS = Path(__file__).resolve().parents[2] / "docs" / "onboarding.md"
BUILT_IN = {
    "individual": flows.individual,
    "self_employed": flows.self_employed,
    "sole_proprietor": flows.sole_proprietor,
    "foreign_citizen": flows.foreign_citizen,
    "support_agent": flows.support_agent,
}


def tiny() -> Flow:
    return Flow(
        "tiny",
        "a",
        [State("a", "начало"), State("done", terminal=True, outcome="success"),
         State("no", terminal=True, outcome="failure")],
        [Transition("a", "go", "done", ("reason",)), Transition("a", "stop", "no")],
    )  # fmt: skip


def test_mermaid() -> None:
    assert tiny().to_mermaid() == (
        "stateDiagram-v2\n"
        "    [*] --> a\n"
        "    a : a — начало\n"
        "    a --> done : go [reason]\n"
        "    a --> no : stop\n"
        "    done --> [*]\n"
        "    no --> [*]\n"
    )
    assert to_mermaid(tiny()) == tiny().to_mermaid()


def test_dot() -> None:
    dot = to_dot(tiny())
    assert dot.startswith('digraph "tiny" {\n    rankdir=LR;')
    assert '"a" [label="a\\nначало"];' in dot
    assert '"done" [label="done", shape=doublecircle];' in dot
    assert '"no" [label="no", style="rounded,filled", fillcolor=lightgrey];' in dot
    assert '"a" -> "done" [label="go [reason]"];' in dot
    assert dot.endswith("}\n")
    assert tiny().to_dot() == dot


@pytest.mark.parametrize("name", sorted(BUILT_IN))
def test_docs_diagrams_match_the_code(name: str) -> None:
    text = DOCS.read_text(encoding="utf-8")
    blocks = re.findall(r"<!-- flow: (\w+) -->\n```mermaid\n(.*?)```", text, re.DOTALL)
    found = dict(blocks)
    assert set(found) == set(BUILT_IN), "docs/onboarding.md must show every built-in flow"
    assert found[name] == BUILT_IN[name]().to_mermaid(), (
        f"the {name} diagram in docs/onboarding.md is stale; paste flows.{name}().to_mermaid()"
    )
