"""Builders for metrics tests: hand-made tickets and a Hypothesis strategy of tickets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

MSK = dt.timezone(dt.timedelta(hours=3))
BASE = dt.datetime(2024, 10, 7, 9, 0, tzinfo=MSK)  # Monday of ISO week 2024-W41


def at(minutes: float, *, base: dt.datetime = BASE) -> str:
    """ISO time ``minutes`` after Monday 7 Oct 2024 09:00 MSK."""
    return (base + dt.timedelta(minutes=minutes)).isoformat()


def make(
    *events: tuple[float, str, str],
    created: float = 0,
    rating: Any = None,
    tags: tuple[str, ...] = (),
    channel: str = "email",
    country: str | None = None,
    day: int = 0,
) -> dict[str, Any]:
    """A ticket created ``created`` minutes (+ ``day`` days) after BASE.

    Each event is ``(minutes after BASE, "reply"|"status", author-or-status)``.
    """
    shift = day * 24 * 60
    evs: list[dict[str, Any]] = []
    for minutes, kind, who in events:
        ev: dict[str, Any] = {"at": at(minutes + shift), "type": kind}
        ev["by" if kind == "reply" else "status"] = who
        evs.append(ev)
    ticket: dict[str, Any] = {
        "channel": channel,
        "created_at": at(created + shift),
        "events": evs,
        "tags": list(tags),
        "rating": rating,
    }
    if country:
        ticket["fields"] = {"country": country}
    return ticket


STRATEGY_BASE = dt.datetime(2024, 10, 1, tzinfo=dt.timezone(dt.timedelta(hours=3)))
AUTHORS = ("agent", "customer", "bot", "rule")
STATUSES = ("open", "pending", "waiting_customer", "solved", "closed")
RATINGS = (None, 1, 2, 3, 4, 5, "Отлично", "Хорошо", "Плохо")


@st.composite
def tickets(draw: st.DrawFn) -> dict[str, Any]:
    created = STRATEGY_BASE + dt.timedelta(minutes=draw(st.integers(0, 60 * 24 * 40)))
    events = []
    moment = created
    for _ in range(draw(st.integers(0, 5))):
        moment += dt.timedelta(seconds=draw(st.integers(0, 86_400)))
        if draw(st.booleans()):
            events.append(
                {"at": moment.isoformat(), "type": "reply", "by": draw(st.sampled_from(AUTHORS))}
            )
        else:
            status = draw(st.sampled_from(STATUSES))
            events.append({"at": moment.isoformat(), "type": "status", "status": status})
    return {
        "channel": draw(st.sampled_from(("email", "chat", "messenger"))),
        "created_at": created.isoformat(),
        "events": events,
        "tags": draw(
            st.lists(
                st.sampled_from(("payouts", "acts", "receipts", "my_tax")), max_size=2, unique=True
            )
        ),
        "rating": draw(st.sampled_from(RATINGS)),
        "fields": {"country": draw(st.sampled_from(("RU", "KZ", "ES")))},
    }
