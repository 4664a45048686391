"""The API contract: what each package exports, what importing it costs, and the docs.

Modelled on Hypothesis's export check: each ``__all__`` is sorted and equals the
package's public names; ``import supportkit`` (and each building block) loads neither
Hypothesis nor pytest; every exported name is documented somewhere under ``docs/``.
"""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = [
    "supportkit",
    "supportkit.rules",
    "supportkit.sla",
    "supportkit.onboarding",
    "supportkit.metrics",
    "supportkit.sources",
]
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md")))


def public_names(module: types.ModuleType) -> set[str]:
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and name != "annotations"
    }


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_sorted_and_complete(name: str) -> None:
    module = importlib.import_module(name)
    exported = list(module.__all__)
    assert exported == sorted(exported), f"{name}.__all__ is not sorted"
    assert len(set(exported)) == len(exported), f"{name}.__all__ has duplicates"
    names = public_names(module)
    assert names - set(exported) == set(), f"{name} has public names missing from __all__"
    for item in exported:
        assert hasattr(module, item), f"{name}.__all__ lists {item!r} but it does not exist"


@pytest.mark.parametrize("name", PACKAGES)
def test_exported_names_are_documented(name: str) -> None:
    module = importlib.import_module(name)
    missing = [
        item
        for item in module.__all__
        if not item.startswith("__") and not re.search(rf"\b{re.escape(item)}\b", DOCS)
    ]
    assert missing == [], f"{name} exports names that no page under docs/ mentions: {missing}"


def test_importing_supportkit_loads_neither_hypothesis_nor_pytest() -> None:
    code = (
        "import sys\n"
        f"for name in {PACKAGES!r}:\n"
        "    __import__(name)\n"
        "import supportkit._cli, supportkit._demo\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('hypothesis', 'pytest', "
        "'_pytest'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""


def test_version_is_single_sourced() -> None:
    from importlib.metadata import version

    import supportkit

    assert supportkit.__version__ == version("supportkit")
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        supportkit.nope


def test_errors_share_one_root() -> None:
    from supportkit import exceptions

    for name in exceptions.__all__:
        cls = getattr(exceptions, name)
        assert issubclass(cls, exceptions.SupportkitError)
        if issubclass(cls, exceptions.InvalidValue):
            assert issubclass(cls, ValueError)
    assert issubclass(exceptions.InvalidArgument, TypeError)
    assert issubclass(exceptions.NaiveDatetimeError, ValueError)
    assert issubclass(exceptions.TransitionError, ValueError)
