"""Usedesk (Юздеск): tickets with their comments.

Follows the Usedesk API reference (api.usedocs.ru, "Запросы"/"Tickets"): the status
reference (1 open, 2 solved, 3 closed, 4 deleted, 5 on hold, 6 pending, 7 spam, 8 new,
9 newsletter, 10 merged), ``POST /ticket`` (``ticket`` with ``comments``; comment
``from`` user/client/trigger and ``type`` public/private) and ``POST /tickets``
(100 tickets per call, ``offset``). Usedesk gives local times without an offset
(``"2024-03-01 14:30:49"``): pass ``tz=``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from supportkit._ticket import Ticket
from supportkit.sources._common import Adapter, Gathered, Item, drop_none, only_dicts

__all__ = ["ADAPTER", "AUTHORS", "NAME", "STATUSES", "STREAMS", "build", "shape", "split"]

NAME: Final = "usedesk"
STREAMS: Final = True

#: ``status_id`` -> supportkit status (deleted, spam, newsletter and merged tickets are
#: ``closed``; the raw id stays in ``fields["status_id"]``).
STATUSES: Final[Mapping[int, str]] = {
    1: "open",
    2: "solved",
    3: "closed",
    4: "closed",
    5: "on_hold",
    6: "waiting_customer",
    7: "closed",
    8: "new",
    9: "closed",
    10: "closed",
}
#: Comment ``from`` -> author.
AUTHORS: Final[Mapping[str, str]] = {"client": "customer", "user": "agent", "trigger": "rule"}
_TYPES: Final[Mapping[str, bool]] = {"public": True, "private": False}
_PRIORITIES: Final[Mapping[str, str]] = {
    "low": "low",
    "medium": "normal",
    "high": "high",
    "urgent": "urgent",
}
_CHANNELS: Final[Mapping[str, str]] = {
    "email": "email",
    "widget": "chat",
    "chat": "chat",
    "phone": "phone",
    "call": "phone",
    "telegram": "messenger",
    "whatsapp": "messenger",
    "viber": "messenger",
    "vk": "social",
    "facebook": "social",
    "instagram": "social",
    "api": "api",
}
_USED: Final = frozenset({"id", "subject", "published_at", "priority", "tags"})


def _number(value: Any) -> Any:
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return value


def shape(data: Any) -> str | None:
    """Return ``"ticket"``, ``"tickets"`` or ``None``."""
    if isinstance(data, Mapping):
        ticket = data.get("ticket")
        if isinstance(ticket, Mapping) and "status_id" in ticket:
            return "ticket"
        return None
    if isinstance(data, list):
        first = next(only_dicts(data), None)
        if first is not None and "status_id" in first and "published_at" in first:
            return "tickets"
    return None


def split(data: Any, where: str) -> Iterator[Item]:
    """Yield each ticket (with its comments) as one item."""
    if isinstance(data, Mapping):
        yield ("ticket", str(data["ticket"].get("id")), where, data)
        return
    for i, ticket in enumerate(only_dicts(data)):
        yield ("ticket", str(ticket.get("id")), f"{where}[{i}]", {"ticket": ticket})


def _tags(value: Any) -> list[str]:
    out = []
    for tag in value or ():
        name = tag.get("name") if isinstance(tag, Mapping) else tag
        if isinstance(name, str):
            out.append(name)
    return out


def build(gathered: Gathered) -> Ticket:
    """Put one Usedesk ticket together from its ``ticket`` and ``comments``."""
    record = gathered.record
    ticket = record["ticket"]
    d = gathered.draft(ticket, used=_USED)
    created = d.time(ticket.get("published_at"), "published_at")
    for extra, value in record.items():
        if extra not in ("ticket", "comments", "tags"):
            d.fields.setdefault(extra, value)
    status = d.lookup(STATUSES, _number(ticket.get("status_id")), "status_id", "status_id")
    if status not in (None, "new"):
        at = d.time(
            ticket.get("status_updated_at") or ticket.get("last_updated_at"), "last_updated_at"
        )
        d.current_status(at or created, status)
    for comment in only_dicts(record.get("comments")):
        field = f"comments[{comment.get('id')}]"
        by = d.lookup(AUTHORS, comment.get("from"), "comment from", f"{field}.from")
        public = d.lookup(_TYPES, comment.get("type"), "comment type", f"{field}.type")
        meta = drop_none(
            {
                "id": comment.get("id"),
                "user_id": _number(comment.get("user_id")),
                "client_id": _number(comment.get("client_id")),
            }
        )
        d.message(
            d.time(comment.get("published_at"), f"{field}.published_at"),
            by,
            public=public is not False,
            text=comment.get("message"),
            meta=meta,
        )
    raw_channel = ticket.get("channel")
    channel = None
    if isinstance(raw_channel, str) and raw_channel:
        channel = d.lookup(_CHANNELS, raw_channel, "channel", "channel")
    priority_raw = ticket.get("priority")
    priority = (
        None if not priority_raw else d.lookup(_PRIORITIES, priority_raw, "priority", "priority")
    )
    return d.finish(
        created_at=created,
        subject=ticket.get("subject"),
        channel=channel,
        tags=_tags(record.get("tags") or ticket.get("tags")),
        priority=priority,
    )


#: This helpdesk's reader, for :mod:`supportkit.sources._api`.
ADAPTER: Final = Adapter(NAME, STREAMS, shape, split, build)
