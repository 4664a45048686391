"""The metrics modules import each other one way only (no cycle, lazy imports included)."""

from __future__ import annotations

import ast
from pathlib import Path

import supportkit.metrics

PACKAGE = Path(supportkit.metrics.__file__).parent


def _imports(path: Path) -> set[str]:
    """Every ``supportkit.metrics`` module ``path`` imports, anywhere in the file."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "supportkit.metrics":
                out.update(f"supportkit.metrics.{a.name}" for a in node.names)
            elif node.module.startswith("supportkit.metrics."):
                out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("supportkit.metrics."))
    return out


def graph() -> dict[str, set[str]]:
    modules = {f"supportkit.metrics.{p.stem}": p for p in PACKAGE.glob("_*.py")}
    return {name: _imports(path) & set(modules) for name, path in modules.items()}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycle_among_metrics_modules() -> None:
    assert find_cycle(graph()) is None


def test_the_cycle_finder_finds_a_cycle() -> None:
    edges = graph()
    edges["supportkit.metrics._reportdata"].add("supportkit.metrics._report")
    assert find_cycle(edges) is not None


def test_rendering_sits_above_the_data_model() -> None:
    edges = graph()
    assert "supportkit.metrics._reportdata" in edges["supportkit.metrics._render"]
    assert "supportkit.metrics._render" in edges["supportkit.metrics._report"]
    assert not edges["supportkit.metrics._reportdata"] & {
        "supportkit.metrics._render",
        "supportkit.metrics._report",
    }
