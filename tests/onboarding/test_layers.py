"""The onboarding block's modules import each other downhill only, lazy imports included.

Every ``import`` in ``src/supportkit/onboarding`` is read with ``ast`` (inside
functions and ``if TYPE_CHECKING:`` blocks too) and checked against the layer order
documented in ``_flow.py``: a module may import only modules of a lower layer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import supportkit.onboarding

PACKAGE = "supportkit.onboarding"
ROOT = Path(supportkit.onboarding.__file__).parent

#: Bottom to top, as the docstring of ``_flow.py`` draws it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("_values", "_parts", "_worktime"),
    ("_step",),
    ("_guards",),
    ("_validate",),
    ("_graph",),
    ("_journey",),
    ("_variants", "_diagram"),
    ("_html",),
    ("_flow",),
    ("_analytics", "_storerows", "flows"),
    ("_storebase", "_sqlitefile", "_pgschema"),
    ("_store", "_postgres"),
    ("_copy", "_demo", "_cli", "_frame_batch"),
    ("__init__",),
)


def imports(path: Path) -> set[str]:
    """The onboarding modules ``path`` imports, wherever the import statement stands."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name == PACKAGE:
                found.add("__init__")
            elif name.startswith(PACKAGE + "."):
                found.add(name[len(PACKAGE) + 1 :].split(".")[0])
    found.discard(path.stem)
    return found


def edges(root: Path) -> dict[str, set[str]]:
    return {p.stem: imports(p) for p in sorted(root.glob("*.py"))}


def cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of ``graph`` (empty when there is none), by depth-first search."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        stack.pop()
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_every_module_has_a_layer() -> None:
    placed = {m for layer in LAYERS for m in layer}
    assert set(edges(ROOT)) <= placed, sorted(set(edges(ROOT)) - placed)


def test_imports_point_down_only() -> None:
    rank = {m: i for i, layer in enumerate(LAYERS) for m in layer}
    upward = [
        f"{module} (layer {rank[module]}) imports {target} (layer {rank[target]})"
        for module, targets in edges(ROOT).items()
        for target in sorted(targets)
        if target in rank and rank[target] >= rank[module]
    ]
    assert upward == []
    assert cycle(edges(ROOT)) == []


def test_the_scan_sees_lazy_imports(tmp_path: Path) -> None:
    # The check would fail on a cycle hidden in a function or behind TYPE_CHECKING.
    (tmp_path / "_a.py").write_text(
        "def f():\n    from supportkit.onboarding._b import g\n", encoding="utf-8"
    )
    (tmp_path / "_b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    from supportkit.onboarding import _a\n",
        encoding="utf-8",
    )
    assert cycle(edges(tmp_path)) == ["_a", "_b", "_a"]
