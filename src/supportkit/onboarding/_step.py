"""The entries of a journey's history and the answer to "may this event fire?".

Plain values with a JSON form, below everything that builds or reads journeys.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any, NamedTuple

import attrs

from supportkit.onboarding._values import NO_DATA

__all__ = ["SUPPORT_ACTORS", "Step", "Verdict"]

#: Actors whose events mark a journey as support-assisted (not self-service).
SUPPORT_ACTORS = frozenset({"support"})


class Step(NamedTuple):
    """One entry of a journey's history: ``event`` at ``at`` by ``actor`` with ``data``.

    Immutable. A ``NamedTuple`` rather than an attrs class on purpose: replaying
    100,000 journeys builds ~800,000 steps, and tuple construction is about three
    times cheaper than a frozen attrs ``__init__``.
    """

    event: str
    at: _dt.datetime
    actor: str
    source: str
    target: str
    data: Mapping[str, Any] = NO_DATA

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        out: dict[str, Any] = {
            "event": self.event,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "from": self.source,
            "to": self.target,
        }
        if self.data:
            out["data"] = dict(self.data)
        return out


@attrs.frozen
class Verdict:
    """Whether an event may fire now, and why (not).

    ``bool(verdict)`` is the answer. ``reasons`` explains a refusal; on an allowed
    verdict of a lenient flow it lists the data a guard could not check (``needs inn
    …``). ``missing`` holds those data keys.
    """

    event: str
    allowed: bool
    reasons: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.allowed

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "event": self.event,
            "allowed": self.allowed,
            "reasons": list(self.reasons),
            "missing": list(self.missing),
        }
