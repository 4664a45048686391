"""The metrics part of ``supportkit demo``: the weekly report on the sample tickets.

The report adds the SLA attainment of two demo policies, whose names say what they
cover, and the staffing of two 2/2 crews (built with :mod:`supportkit.sla`'s public
API), so the demo, the HTML picture in the docs and the browser test show one report.
"""

from __future__ import annotations

from typing import Any

from supportkit._ticket import Ticket
from supportkit.metrics._report import Report
from supportkit.metrics._weekly import weekly_report
from supportkit.sla import Crew, PolicySet, SLAPolicy, preset

__all__ = ["TITLE", "demo_crews", "demo_policies", "demo_report", "section"]

TITLE = "Metrics: the weekly report (supportkit report)"


def demo_policies() -> PolicySet:
    """24/7 chat and messenger (a bot answer counts), office-hours e-mail."""
    return PolicySet(
        [
            SLAPolicy(
                "chat+messenger 24/7",
                {"first_response": 100, "next_response": "5m"},
                preset("24/7"),
                applies_to={"channel": ["chat", "messenger"]},
                responders=("agent", "bot", "rule"),
            ),
            SLAPolicy(
                "email office hours",
                {"first_response": "4h", "resolution": "16h"},
                preset("office"),
                applies_to={"channel": ["email"]},
            ),
        ]
    )


def demo_crews() -> dict[str, Crew]:
    """Two crews of 25 on a 2/2 rotation, 08:00-20:00 Moscow."""
    return {"crew A": Crew(preset("2/2-a"), 25), "crew B": Crew(preset("2/2-b"), 25)}


def demo_report(tickets: list[Ticket], **options: Any) -> Report:
    """Return the demo's weekly report: Moscow weeks, SLA, crews, 5-minute handling."""
    return weekly_report(
        tickets,
        tz="Europe/Moscow",
        n=3,
        policies=demo_policies(),
        crews=demo_crews(),
        aht=300,
        answer_within=100,
        service_level=0.8,
        **options,
    )


def section(tickets: list[Ticket]) -> str:
    """Return the weekly report of ``tickets`` (weeks in Moscow time), as terminal text."""
    return demo_report(tickets).render("text")
