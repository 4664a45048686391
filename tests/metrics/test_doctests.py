"""The examples in the metrics modules' docstrings run and give what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "supportkit.metrics._stats",
    "supportkit.metrics._satisfaction",
    "supportkit.metrics._operations",
    "supportkit.metrics._quality",
    "supportkit.metrics._trends",
    "supportkit.metrics._percentiles",
    "supportkit.metrics._render",
    "supportkit.metrics._charts",
    "supportkit.metrics._checks",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
