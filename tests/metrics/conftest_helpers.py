"""Builders for metrics tests: tickets with events at minute offsets, in Moscow time."""

from __future__ import annotations

import datetime as dt
from typing import Any

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
