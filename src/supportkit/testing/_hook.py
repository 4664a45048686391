"""The ``hypothesis`` entry point: ``st.from_type(Ticket)`` works without importing us.

Hypothesis calls :func:`register` while ``import hypothesis`` is still running, so
this module must not import :mod:`supportkit.testing.strategies` (which imports
Hypothesis: a circular import when our strategies are what the user imported
first). It registers small resolvers that import the strategies only when
Hypothesis first asks for one of our types. ``HYPOTHESIS_NO_PLUGINS=1`` switches
it off.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

__all__ = ["register"]


def _strategies() -> Any:
    return importlib.import_module("supportkit.testing.strategies")


def _tickets(thing: type) -> Any:
    del thing
    from supportkit._ticket import as_ticket

    return _strategies().tickets().map(as_ticket)


def _calendars(thing: type) -> Any:
    del thing
    return _strategies().work_calendars()


def _policies(thing: type) -> Any:
    del thing
    return _strategies().policies()


# (module, type name, resolver); a type the installed version lacks is skipped.
_TYPES: tuple[tuple[str, str, Callable[[type], Any]], ...] = (
    ("supportkit._ticket", "Ticket", _tickets),
    ("supportkit.sla", "WorkCalendar", _calendars),
    ("supportkit.sla", "SLAPolicy", _policies),
)


def register() -> None:
    """Register strategies for supportkit's value types with Hypothesis (lazily)."""
    from hypothesis import strategies as st

    for module_name, type_name, resolver in _TYPES:
        cls = getattr(importlib.import_module(module_name), type_name, None)
        if cls is not None:
            st.register_type_strategy(cls, resolver)
