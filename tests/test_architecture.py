"""The architecture holds: no import cycles, and dependencies point the documented way.

Both tests read the source with :mod:`ast`, so they see every import: at module level,
inside functions, and under ``if TYPE_CHECKING:`` (a function-level import that only
dodges a cycle is still a cycle).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = "supportkit"


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imported(module: str, path: Path) -> Iterator[tuple[str, int]]:
    """Yield ``(imported module, line)`` for every supportkit import in ``path``."""
    is_package = path.name == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE:
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            if name.split(".")[0] != PACKAGE:
                continue
            for alias in node.names:
                sub = f"{name}.{alias.name}"
                yield (sub if sub in MODULES else name), node.lineno


def import_graph(modules: dict[str, Path]) -> dict[str, dict[str, int]]:
    """Module -> {imported supportkit module: first line}, for modules of the tree."""
    graph: dict[str, dict[str, int]] = {}
    for module, path in modules.items():
        edges: dict[str, int] = {}
        for imported, line in _imported(module, path):
            target = imported
            while target not in modules and "." in target:
                target = target.rpartition(".")[0]  # an attribute of a module: the module
            if target != module and target in modules:
                edges.setdefault(target, line)
        graph[module] = edges
    return graph


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Return the strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        # iterative Tarjan: (node, iterator over its successors)
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = counter
                    counter += 1
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(sorted(graph[succ]))))
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def _describe(component: list[str], graph: dict[str, dict[str, int]]) -> str:
    members = set(component)
    lines = [
        f"  {MODULES[a].relative_to(ROOT)}:{line} imports {b}"
        for a in component
        for b, line in sorted(graph[a].items())
        if b in members
    ]
    return "\n".join(lines)


def test_no_import_cycles() -> None:
    graph = import_graph(MODULES)
    found = cycles(graph)
    assert not found, "import cycles (break each by moving the shared part down):\n" + "\n\n".join(
        _describe(c, graph) for c in found
    )


def test_the_cycle_finder_finds_a_hidden_cycle(tmp_path: Path) -> None:
    # The checker itself: a cycle hidden in a function body and one under TYPE_CHECKING.
    pkg = tmp_path / PACKAGE / "demo"
    pkg.mkdir(parents=True)
    (tmp_path / PACKAGE / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "_a.py").write_text("from supportkit.demo._b import g\n")
    (pkg / "_b.py").write_text("def g():\n    from supportkit.demo import _a\n    return _a\n")
    (pkg / "_c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ._d import X\n"
    )
    (pkg / "_d.py").write_text("from supportkit.demo._c import Y\n")
    modules = {
        "supportkit.demo._a": pkg / "_a.py",
        "supportkit.demo._b": pkg / "_b.py",
        "supportkit.demo._c": pkg / "_c.py",
        "supportkit.demo._d": pkg / "_d.py",
        "supportkit.demo": pkg / "__init__.py",
    }
    saved = dict(MODULES)
    MODULES.clear()
    MODULES.update(modules)
    try:
        found = cycles(import_graph(modules))
    finally:
        MODULES.clear()
        MODULES.update(saved)
    assert found == [
        ["supportkit.demo._a", "supportkit.demo._b"],
        ["supportkit.demo._c", "supportkit.demo._d"],
    ]


# ----------------------------------------------------------------- documented directions

ARCHITECTURE = ROOT / "docs" / "architecture.md"
_ROW = re.compile(r"^\|\s*`([\w.]+)`\s*\|[^|]*\|\s*(.*?)\s*\|\s*$")


def documented_rooms() -> dict[str, set[str] | None]:
    """Room -> the rooms it may import (``None``: any), from the table in architecture.md."""
    text = ARCHITECTURE.read_text("utf-8")
    table = text.split("<!-- rooms -->", 2)[1]
    rooms: dict[str, set[str] | None] = {}
    for line in table.splitlines():
        m = _ROW.match(line)
        if m is None:
            continue
        allowed = m.group(2)
        rooms[m.group(1)] = (
            None if allowed == "anything" else set(re.findall(r"`([\w.]+)`", allowed))
        )
    return rooms


def room_of(module: str, rooms: dict[str, set[str] | None]) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return PACKAGE
    name = parts[1]
    if name not in rooms:
        pytest.fail(f"{module}: room {name!r} is not in the table of docs/architecture.md")
    return name


def test_dependencies_point_the_documented_way() -> None:
    rooms = documented_rooms()
    assert {"exceptions", "text", "rules", "sla", "metrics", "onboarding"} <= set(rooms)
    wrong = []
    for module, edges in import_graph(MODULES).items():
        here = room_of(module, rooms)
        allowed = rooms.get(here, None) if here != PACKAGE else None
        for target, line in edges.items():
            there = room_of(target, rooms)
            if there in (here, PACKAGE) or allowed is None:
                continue
            if there not in allowed:
                wrong.append(f"  {MODULES[module].relative_to(ROOT)}:{line}: {here} -> {there}")
    assert not wrong, "imports against docs/architecture.md:\n" + "\n".join(wrong)


def test_the_documented_directions_have_no_cycle() -> None:
    rooms = documented_rooms()
    graph = {room: dict.fromkeys(allowed or (), 0) for room, allowed in rooms.items()}
    for allowed in rooms.values():
        for r in allowed or ():
            graph.setdefault(r, {})
    assert cycles(graph) == []


def test_sla_never_imports_rules_and_text_knows_no_engine() -> None:
    rooms = documented_rooms()
    assert "rules" not in (rooms["sla"] or set())
    assert rooms["text"] is not None
    assert not rooms["text"] & {"rules", "sla", "metrics", "onboarding", "_ticket"}
