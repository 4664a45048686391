"""Every Python example in README.md and docs/ runs here, so the docs cannot rot.

A page's fenced ```python blocks run in order in one namespace (so later blocks can
use what earlier ones defined). Blocks made of ``>>>`` lines are doctests: their
output is compared. A block fenced as ```python skip is shown but not run (use it
only for code that needs a network or a long-running service, and say so in the page).
"""

from __future__ import annotations

import doctest
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
FENCE = re.compile(r"^```python([^\n]*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def python_blocks(text: str) -> list[tuple[int, str]]:
    """Return (line number, code) for each runnable python block of a Markdown page."""
    blocks = []
    for match in FENCE.finditer(text):
        if "skip" in match.group(1).split():
            continue
        lineno = text.count("\n", 0, match.start()) + 2
        blocks.append((lineno, match.group(2)))
    return blocks


def test_collector_finds_blocks() -> None:
    page = "x\n```python\na = 1\n```\n```python skip\nboom()\n```\n```text\nno\n```\n"
    assert python_blocks(page) == [(3, "a = 1\n")]  # code starts on line 3


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_page_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    parser = doctest.DocTestParser()
    for lineno, code in python_blocks(page.read_text(encoding="utf-8")):
        where = f"{page.relative_to(ROOT)}:{lineno}"
        if code.lstrip().startswith(">>>"):
            test = parser.get_doctest(code, namespace, where, os.fspath(page), lineno)
            result = runner.run(test, clear_globs=False)
            assert result.failed == 0, f"doctest failed in {where}"
            namespace.update(test.globs)
        else:
            exec(compile(code, where, "exec"), namespace)
