"""supportkit: keyword rules, working-time SLAs, onboarding flows and metrics for helpdesks.

The top level is small on purpose: the shared ticket type, the errors, and
``__version__``. The building blocks live in :mod:`supportkit.rules`,
:mod:`supportkit.sla`, :mod:`supportkit.onboarding`, :mod:`supportkit.metrics`
and :mod:`supportkit.testing`.
"""

from __future__ import annotations

from typing import Any as _Any

from supportkit._ticket import Event, Ticket, as_ticket
from supportkit._time import to_aware
from supportkit.exceptions import (
    InvalidArgument,
    InvalidValue,
    NaiveDatetimeError,
    SupportkitError,
    TransitionError,
)

__all__ = [
    "Event",
    "InvalidArgument",
    "InvalidValue",
    "NaiveDatetimeError",
    "SupportkitError",
    "Ticket",
    "TransitionError",
    "__version__",
    "as_ticket",
    "to_aware",
]


def __getattr__(name: str) -> _Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("supportkit")
        except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
            return "0+unknown"
    raise AttributeError(f"module 'supportkit' has no attribute {name!r}")
