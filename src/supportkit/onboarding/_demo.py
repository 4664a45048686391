"""The onboarding part of ``supportkit demo``: a mass onboarding of 800 invitations.

Replays ``supportkit/data/demo_journeys.jsonl`` (made by
``scripts/make_onboarding_demo.py``) through the self-employed flow and prints the
funnel, the self-service share and the top of the call list.
"""

from __future__ import annotations

import datetime as _dt
import json
from importlib import resources
from typing import Any

from supportkit.onboarding._analytics import funnel, self_service, stuck
from supportkit.onboarding._journey import Journey
from supportkit.onboarding.flows import self_employed

__all__ = ["NOW", "TITLE", "demo_journeys", "section"]

TITLE = "Onboarding: 800 self-employed contractors invited on Mon 11 Nov 2024, 10:00 MSK"

#: The moment the demo looks at the journeys (the data stops here).
NOW = _dt.datetime(2024, 11, 14, 12, 0, tzinfo=_dt.timezone(_dt.timedelta(hours=3)))


def demo_journeys() -> list[Journey]:
    """Return the shipped demo journeys, replayed through ``flows.self_employed()``."""
    flow = self_employed()
    text = resources.files("supportkit.data").joinpath("demo_journeys.jsonl").read_text("utf-8")
    return [Journey.from_dict(flow, json.loads(line)) for line in text.splitlines() if line]


def _steps(n: int) -> str:
    return f"{n} step" if n == 1 else f"{n} steps"


def section(tickets: Any = None) -> str:
    """Return the demo block (the tickets are not used: journeys are their own data)."""
    del tickets
    journeys = demo_journeys()
    flow = journeys[0].flow
    share = self_service(journeys)
    day = sum(
        1
        for j in journeys
        if j.outcome == "success" and j.last_at - j.started_at <= _dt.timedelta(days=1)
    )
    calls = stuck(journeys, now=NOW, idle=_dt.timedelta(hours=4))
    distance = flow.distance_to_success()
    lines = [
        str(funnel(journeys, flow)),
        "",
        f"active within a day: {day} of {len(journeys)}; active by now: {share.succeeded}",
        (
            f"self-service: {share.share:.0%} ({share.self_served} of {share.succeeded} active "
            "without support)"
        ),
        f"call list at {NOW:%a %d %b %H:%M}: {len(calls)} idle 4 h+, closest to done first:",
    ]
    for j in calls[:5]:
        idle = (NOW - j.last_at).total_seconds() / 3600
        lines.append(
            f"  {j.subject_id}  {j.state:<19}  {_steps(distance[j.state])} left  idle {idle:.0f} h"
        )
    return "\n".join(lines)
