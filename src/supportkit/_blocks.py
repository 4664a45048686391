"""Discovery of the building blocks' optional command-line and demo modules."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType

__all__ = ["BLOCKS", "block_modules"]

#: The building blocks, in the order the command line and the demo show them
#: (metrics last: the demo ends with its report).
BLOCKS = ("sources", "rules", "sla", "onboarding", "metrics")


def block_modules(suffix: str) -> Iterator[ModuleType]:
    """Yield ``supportkit.<block>.<suffix>`` for each block that has such a module.

    A block without the module is skipped; an import error *inside* a module that
    exists is raised, never hidden.
    """
    for block in BLOCKS:
        name = f"supportkit.{block}.{suffix}"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        yield module
