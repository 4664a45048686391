"""Usage examples that must type-check under ``mypy --strict`` (run by .ci/run).

They are not executed as tests; they pin down that the public API is typed the way a
host application would use it.
"""

from __future__ import annotations

import datetime as dt

import supportkit
from supportkit import Event, Ticket, as_ticket, to_aware
from supportkit.exceptions import SupportkitError


def read_row(row: dict[str, object]) -> Ticket:
    return as_ticket(row)


def first_agent_reply(ticket: Ticket) -> dt.datetime | None:
    replies: list[Event] = [e for e in ticket.events if e.type == "reply" and e.by == "agent"]
    return replies[0].at if replies else None


def parse_or_none(text: str) -> dt.datetime | None:
    try:
        return to_aware(text, field="created_at")
    except SupportkitError:
        return None


version: str = supportkit.__version__
