"""The SLA part of ``supportkit demo``: attainment, the night gap of 2/2 crews, staffing."""

from __future__ import annotations

import bisect
import datetime as _dt
from collections import Counter
from zoneinfo import ZoneInfo

from supportkit._ticket import Ticket
from supportkit.sla import erlang_a, erlang_c
from supportkit.sla._batch import Attainment, AttainmentSummary
from supportkit.sla._clock import PolicySet
from supportkit.sla._coverage import Crew, gaps
from supportkit.sla._policy import SLAPolicy
from supportkit.sla._presets import preset

__all__ = ["TITLE", "section"]

TITLE = "SLAs and staffing"

_TZ = ZoneInfo("Europe/Moscow")
_CHAT = "chat + messenger"
_LABELS = {
    (_CHAT, "first_response"): "first answer (bot or operator) in 100 s",
    (_CHAT, "next_response"): "answers within 5 min",
    ("email", "first_response"): "first answer in 4 working hours",
    ("email", "resolution"): "solved in 16 working hours",
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
                _CHAT,
                {"first_response": 100, "next_response": "5m"},
                preset("24/7"),
                applies_to={"channel": ["chat", "messenger"]},
                responders=chat_responders,
            ),
            SLAPolicy("email", {"first_response": "4h", "resolution": "16h"}, office),
        ]
    )


def _row(label: str, item: Attainment) -> str:
    rate = "—" if item.rate is None else f"{item.rate:.1%}"
    return f"  {label:<42} {rate:>6} {item.met:>8} {item.breached:>8} {item.running:>7}"


def section(tickets: list[Ticket]) -> str:
    """Return the demo block: attainment, night coverage, agents needed."""
    summary = AttainmentSummary()
    end = None
    for report in demo_policies().evaluate_many(tickets, summary=summary):
        end = report.as_of
    when = "" if end is None else f", {end.astimezone(_TZ):%Y-%m-%d %H:%M} Moscow"
    lines = [
        "SLA attainment = achieved / (achieved + breached). Open clocks are judged",
        f"at the end of the export{when}; past due is breached.",
        f"  {'':<42} {'rate':>6} {'achieved':>8} {'breached':>8} {'running':>7}",
    ]
    # Operators only, over the chats the bot handed over (those an agent answered).
    handed_over = [
        t
        for t in tickets
        if t.channel in ("chat", "messenger")
        and any(e.type == "reply" and e.by == "agent" for e in t.events)
    ]
    operators = demo_policies(chat_responders=("agent",))
    joined = AttainmentSummary(operators.evaluate_many(handed_over, now=end))
    for policy in (_CHAT, "email"):
        lines.append(f"  {'e-mail' if policy == 'email' else policy}:")
        for item in summary.result():
            if item.policy == policy:
                label = _LABELS.get((item.policy, item.metric), item.metric)
                lines.append(_row(f"  {label}", item))
        if policy == _CHAT:
            lines.extend(
                _row("  operator joins in 100 s (handed over)", item)
                for item in joined.result()
                if (item.policy, item.metric) == (_CHAT, "first_response")
            )

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
    patient = erlang_a.agents_needed(700 * 0.8 / 12, 300, 100, 0.8, patience=100)
    lines += [
        "",
        "Agents needed (Erlang C, 5 min per contact, 80% answered within 100 s):",
        f"  busiest demo hour: {busiest} tickets -> {peak} agents",
        f"  700 requests a day, 20% at night: {seeds} by day, {seeds_night} at night",
        f"  Erlang A, if people hang up after 100 s on average: {patient} by day",
    ]
    return "\n".join(lines)
