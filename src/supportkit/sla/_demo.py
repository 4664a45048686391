"""The SLA part of ``supportkit demo``: attainment, the night gap of 2/2 crews, staffing."""

from __future__ import annotations

import bisect
import datetime as _dt
from collections import Counter
from zoneinfo import ZoneInfo

from supportkit._ticket import Ticket
from supportkit.sla import erlang_c
from supportkit.sla._batch import AttainmentSummary
from supportkit.sla._clock import PolicySet
from supportkit.sla._coverage import Crew, gaps
from supportkit.sla._policy import SLAPolicy
from supportkit.sla._presets import preset

__all__ = ["TITLE", "section"]

TITLE = "SLAs and staffing"

_TZ = ZoneInfo("Europe/Moscow")
_LABELS = {
    ("chat", "first_response"): "chat: first answer (bot or operator) in 100 s",
    ("chat", "next_response"): "chat: answers within 5 min",
    ("email", "first_response"): "e-mail: first answer in 4 working hours",
    ("email", "resolution"): "e-mail: solved in 16 working hours",
}


def demo_policies(*, chat_responders: tuple[str, ...] = ("agent", "bot", "rule")) -> PolicySet:
    """The demo's policies: 24/7 chat and office-hours e-mail (Moscow production calendar).

    In chat a bot answers first and hands over to an operator when it cannot help, so
    the chat policy counts bot and rule answers by default; pass
    ``chat_responders=("agent",)`` to measure operators only.
    """
    office = preset("office")
    return PolicySet(
        [
            SLAPolicy(
                "chat",
                {"first_response": 100, "next_response": "5m"},
                preset("24/7"),
                applies_to={"channel": ["chat", "messenger"]},
                responders=chat_responders,
            ),
            SLAPolicy("email", {"first_response": "4h", "resolution": "16h"}, office),
        ]
    )


def section(tickets: list[Ticket]) -> str:
    """Return the demo block: attainment, night coverage, agents needed."""
    summary = AttainmentSummary(demo_policies().evaluate_many(tickets))
    lines = ["Attainment (met / decided; clocks still running left out):"]
    for item in summary.result():
        label = _LABELS.get((item.policy, item.metric), f"{item.policy}/{item.metric}")
        rate = "—" if item.rate is None else f"{item.rate:.1%}"
        lines.append(f"  {label:<46} {rate:>6}  ({item.met} of {item.decided})")
    # Operators only, over the chats the bot handed over (those an agent answered).
    handed_over = [
        t
        for t in tickets
        if t.channel in ("chat", "messenger")
        and any(e.type == "reply" and e.by == "agent" for e in t.events)
    ]
    operators = demo_policies(chat_responders=("agent",))
    joined = AttainmentSummary(operators.evaluate_many(handed_over))
    for item in joined.result():
        if (item.policy, item.metric) == ("chat", "first_response") and item.rate is not None:
            label = "chat: operator joins in 100 s (handed over)"
            lines.append(f"  {label:<46} {item.rate:>6.1%}  ({item.met} of {item.decided})")

    always = preset("24/7")
    crews = {"crew A": Crew(preset("2/2-a"), 25), "crew B": Crew(preset("2/2-b"), 25)}
    monday = _dt.datetime(2024, 10, 7, tzinfo=_TZ)
    week = gaps(always, crews, monday, monday + _dt.timedelta(days=7))
    uncovered = sum((b - a for a, b in week), _dt.timedelta(0))
    night = next((gap for gap in week if gap[0] != monday), None)
    created = sorted(t.created_at for t in tickets if t.created_at is not None)
    in_gap = 0
    if created:
        span = gaps(always, crews, created[0], created[-1] + _dt.timedelta(seconds=1))
        starts = [a for a, _ in span]
        for at in created:
            i = bisect.bisect_right(starts, at) - 1
            in_gap += i >= 0 and at < span[i][1]
    lines += [
        "",
        "Two crews of 25 on 2/2, 08:00-20:00 Moscow, against 24/7 chat:",
        f"  uncovered {uncovered.total_seconds() / 3600:g} h of 168 h a week"
        + (f", every night {night[0]:%H:%M}-{night[1]:%H:%M}" if night else ""),
        f"  {in_gap / max(len(created), 1):.0%} of the demo tickets arrive in that gap",
    ]

    per_hour = Counter(
        at.astimezone(_TZ).replace(minute=0, second=0, microsecond=0) for at in created
    )
    busiest = max(per_hour.values(), default=0)
    peak = erlang_c.agents_needed(busiest, 300, 100, 0.8)
    seeds = erlang_c.agents_needed(700 * 0.8 / 12, 300, 100, 0.8)
    seeds_night = erlang_c.agents_needed(700 * 0.2 / 12, 300, 100, 0.8)
    lines += [
        "",
        "Agents needed (Erlang C, 5 min per contact, 80 % answered within 100 s):",
        f"  busiest demo hour: {busiest} tickets -> {peak} agents",
        f"  700 requests a day, 20 % at night: {seeds} by day, {seeds_night} at night",
    ]
    return "\n".join(lines)
