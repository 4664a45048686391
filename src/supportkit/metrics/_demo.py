"""The metrics part of ``supportkit demo``: the weekly report on the sample tickets."""

from __future__ import annotations

from supportkit._ticket import Ticket
from supportkit.metrics._weekly import weekly_report

__all__ = ["TITLE", "section"]

TITLE = "Metrics: the weekly report (supportkit report)"


def section(tickets: list[Ticket]) -> str:
    """Return the weekly report of ``tickets`` (weeks in Moscow time), as terminal text."""
    return weekly_report(tickets, tz="Europe/Moscow", n=3).render("text")
