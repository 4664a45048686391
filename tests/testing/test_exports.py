"""The testing kit's public façade: sorted, complete, documented (like tests/test_contract.py)."""

from __future__ import annotations

import re
import types
from pathlib import Path

import pytest

import supportkit.testing
from supportkit.testing import strategies

ROOT = Path(__file__).resolve().parents[2]
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md")))


@pytest.mark.parametrize("module", [strategies, supportkit.testing])
def test_all_is_sorted_complete_and_documented(module: types.ModuleType) -> None:
    exported = list(module.__all__)
    assert exported == sorted(exported)
    public = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and name != "annotations"
    }
    assert public <= set(exported)
    for name in exported:
        assert hasattr(module, name)
        assert re.search(rf"\b{re.escape(name)}\b", DOCS), f"{name} is not in docs/"


def test_strategies_is_an_attribute_of_the_package() -> None:
    assert supportkit.testing.strategies is strategies
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        supportkit.testing.nope


def test_plugin_fixtures_are_documented() -> None:
    import supportkit._pytest_plugin as plugin

    for name in plugin.__all__:
        assert f"`{name}`" in DOCS
