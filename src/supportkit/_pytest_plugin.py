"""The ``supportkit`` pytest plugin: fixtures for projects that test helpdesk code.

Registered through the ``pytest11`` entry point, so it loads in every pytest run of
an environment where supportkit is installed. It therefore adds fixtures only: no
hooks, no options, no output, and it imports neither Hypothesis nor anything heavy
until a test asks for a fixture. Switch it off with ``pytest -p no:supportkit``.

It lives outside :mod:`supportkit.testing` on purpose: that package requires
Hypothesis, and a project without Hypothesis must still be able to run pytest.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from supportkit._ticket import Ticket

__all__ = [
    "demo_records",
    "demo_ruleset",
    "demo_tickets",
    "russia_calendar",
    "supportkit_ruleset",
]


@pytest.fixture
def demo_tickets() -> list[Ticket]:
    """The built-in sample tickets (600+, Oct–Nov 2024), as :class:`supportkit.Ticket`.

    A fresh list for each test; the tickets themselves are immutable.
    """
    return list(_demo_tickets())


@lru_cache(maxsize=1)
def _demo_tickets() -> tuple[Ticket, ...]:
    from supportkit._demo import demo_tickets as load

    return tuple(load())


@pytest.fixture
def demo_records() -> list[dict[str, Any]]:
    """The built-in sample tickets as plain dicts (a fresh, mutable copy for each test)."""
    from supportkit._demo import demo_records as load

    return load()


@pytest.fixture
def russia_calendar() -> Any:
    """The Russian production calendar, :func:`supportkit.sla.russia` (immutable, shared)."""
    return _russia()


@lru_cache(maxsize=1)
def _russia() -> Any:
    from supportkit.sla import russia

    return russia()


@pytest.fixture
def demo_ruleset() -> Any:
    """The shipped demo rule set (``supportkit/data/demo_rules.json``) as a ``RuleSet``."""
    return _demo_ruleset()


@pytest.fixture
def supportkit_ruleset(demo_ruleset: Any) -> Any:
    """The rule set under test: the demo one unless a project overrides this fixture.

    Override it in your ``conftest.py`` to return your own ``RuleSet``.
    """
    return demo_ruleset


@lru_cache(maxsize=1)
def _demo_ruleset() -> Any:
    from importlib import resources

    from supportkit.rules import RuleSet

    text = resources.files("supportkit.data").joinpath("demo_rules.json").read_text("utf-8")
    return RuleSet.from_json(text)
