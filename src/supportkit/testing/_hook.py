"""The ``hypothesis`` entry point: ``st.from_type(Ticket)`` works without importing us.

Hypothesis calls :func:`register` while ``import hypothesis`` is still running, so
this module must not import :mod:`supportkit.testing.strategies` (which imports
Hypothesis: a circular import). It registers small resolvers that import the
strategies only when Hypothesis first asks for one of our types.
``HYPOTHESIS_NO_PLUGINS=1`` switches it off.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["register"]

# type (module, name) -> strategy factory in supportkit.testing.strategies (name, kwargs)
_TYPES: tuple[tuple[str, str, str], ...] = (("supportkit._ticket", "Ticket", "_ticket_objects"),)


def _resolver(factory: str) -> Any:
    def resolve(thing: type) -> Any:
        del thing
        strategies = importlib.import_module("supportkit.testing.strategies")
        return getattr(strategies, factory)()

    return resolve


def register() -> None:
    """Register strategies for supportkit's value types with Hypothesis (lazily)."""
    from hypothesis import strategies as st

    for module_name, type_name, factory in _TYPES:
        try:
            cls = getattr(importlib.import_module(module_name), type_name)
        except (ImportError, AttributeError):  # pragma: no cover - a partial install
            continue
        st.register_type_strategy(cls, _resolver(factory))
