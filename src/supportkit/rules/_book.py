"""What ``explain`` and ``lint`` read of a compiled rule set: a structural type.

:class:`~supportkit.rules.RuleSet` satisfies it; typing against it keeps the analysis
modules below the engine (the engine calls them, never the other way round).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from supportkit._ticket import Ticket
from supportkit.rules._calendars import Calendar
from supportkit.rules._load import Options
from supportkit.rules._matcher import Matcher
from supportkit.rules._model import Rule
from supportkit.rules._results import Evaluation
from supportkit.rules._scan import Scan
from supportkit.rules._templates import Template
from supportkit.rules._timecond import Clock

__all__ = ["RuleBook"]


class RuleBook(Protocol):
    """A compiled rule set as seen by :func:`explain` and :func:`lint`."""

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The rules, in evaluation order."""

    @property
    def templates(self) -> Mapping[str, Template]:
        """Template id -> template."""

    @property
    def options(self) -> Options:
        """The matching options."""

    @property
    def fields(self) -> tuple[str, ...] | None:
        """The declared custom fields, or ``None``."""

    @property
    def calendars(self) -> Mapping[str, Calendar]:
        """Calendar name -> calendar."""

    @property
    def _matcher(self) -> Matcher:
        """The phrase matcher (its ``phrases`` give the phrase ids)."""

    def rule(self, rule_id: str) -> Rule:
        """Return the rule with this id."""

    def scan(self, ticket: Ticket, fields: Iterable[str] | None = None) -> Scan:
        """Return the phrase hits of ``ticket`` in ``fields``."""

    def evaluate(
        self,
        ticket: Any,
        *,
        at: dt.datetime | str | None = None,
        now: dt.datetime | str | None = None,
        policies: Any = None,
    ) -> Evaluation:
        """Evaluate one ticket."""

    def clock(self, now: Any, policies: Any) -> Clock | None:
        """``now`` and ``policies`` checked against the time conditions."""
