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


def payout_deadline(signed: dt.date) -> dt.date:
    from supportkit.sla import add_business_days, russia

    return add_business_days(signed, 3, calendar=russia())


def office_deadline(start: dt.datetime) -> dt.datetime:
    from supportkit.sla import WorkCalendar, russia

    office = WorkCalendar.weekly("Europe/Moscow", {"mon-fri": "09:00-18:00"}, holidays=russia())
    crews = WorkCalendar.rotation(
        "Europe/Moscow", "2/2", "08:00-20:00", anchor=dt.date(2024, 1, 1)
    ) | WorkCalendar.rotation("Europe/Moscow", "2/2", "08:00-20:00", anchor=dt.date(2024, 1, 3))
    worked: dt.timedelta = crews.between(start, start + dt.timedelta(days=7))
    assert worked >= dt.timedelta(0)
    return office.add(start, dt.timedelta(hours=4))


def satisfaction(labels: list[str]) -> float | None:
    from supportkit.metrics import CSAT, csat

    acc = CSAT(scale="3")
    for label in labels:
        acc.add(label)
    assert acc.result() == csat(labels, scale="3")
    return csat(labels, scale="3").value
