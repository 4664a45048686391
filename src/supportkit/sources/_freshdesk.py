"""Freshdesk: tickets, their conversations and satisfaction ratings (API v2).

Follows developers.freshdesk.com/api/ — "Tickets" (the ticket object: numeric
``status``, ``priority`` and ``source``; ``include=stats``; ``include=conversations``
on View a Ticket), "Conversations" (List All Conversations of a Ticket: ``incoming``,
``private``, ``source``, ``user_id``) and "Satisfaction Ratings" (``ratings``). List
endpoints return a bare JSON array, 30 per page by default (``per_page`` up to 100).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from supportkit._ticket import Ticket
from supportkit.sources._common import Adapter, Draft, Gathered, Item, drop_none, only_dicts

__all__ = [
    "ADAPTER",
    "CHANNELS",
    "NAME",
    "PRIORITIES",
    "STATUSES",
    "STREAMS",
    "build",
    "shape",
    "split",
]

NAME: Final = "freshdesk"
STREAMS: Final = False

#: Ticket ``status`` -> supportkit status (Freshdesk's "Pending" waits on the customer).
STATUSES: Final[Mapping[int, str]] = {2: "open", 3: "waiting_customer", 4: "solved", 5: "closed"}
#: Ticket ``priority`` -> supportkit priority.
PRIORITIES: Final[Mapping[int, str]] = {1: "low", 2: "normal", 3: "high", 4: "urgent"}
#: Ticket ``source`` -> channel.
CHANNELS: Final[Mapping[int, str]] = {
    1: "email",
    2: "web",  # portal
    3: "phone",
    5: "social",  # Twitter
    6: "social",  # Facebook
    7: "chat",
    8: "chat",  # Mobihelp
    9: "web",  # feedback widget
    10: "email",  # outbound email
}
_TICKET_KEYS: Final = frozenset({"requester_id", "status", "source", "created_at"})
_CONVERSATION_KEYS: Final = frozenset({"incoming", "private", "ticket_id", "body_text"})
_RATING_KEYS: Final = frozenset({"ratings", "survey_id", "ticket_id"})
_USED: Final = frozenset(
    {
        "id",
        "subject",
        "description",
        "description_text",
        "priority",
        "tags",
        "created_at",
        "conversations",
    }
)
_STATS: Final = (
    ("pending_since", "waiting_customer"),
    ("resolved_at", "solved"),
    ("closed_at", "closed"),
    ("reopened_at", "open"),
)


def _number(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return value


def _kind_of(item: Mapping[str, Any]) -> str | None:
    keys = set(item)
    if keys >= _CONVERSATION_KEYS:
        return "conversations"
    if keys >= _RATING_KEYS:
        return "ratings"
    if keys >= _TICKET_KEYS and isinstance(_number(item.get("status")), int):
        return "tickets"
    return None


def shape(data: Any) -> str | None:
    """Return ``"tickets"``, ``"conversations"``, ``"ratings"``, ``"ticket"`` or ``None``."""
    if isinstance(data, Mapping):
        if isinstance(data.get("results"), list) and "total" in data:
            first = next(only_dicts(data["results"]), None)  # Filter Tickets (search)
            return "search" if first is None or _kind_of(first) == "tickets" else None
        return "ticket" if _kind_of(data) == "tickets" else None
    if isinstance(data, list):
        first = next(only_dicts(data), None)
        return None if first is None else _kind_of(first)
    return None


def split(data: Any, where: str) -> Iterator[Item]:
    """Split a response into tickets and parts keyed by ticket id."""
    single = isinstance(data, Mapping) and "results" not in data
    if isinstance(data, Mapping):
        items = [data] if single else list(only_dicts(data["results"]))
    else:
        items = list(only_dicts(data))
    for i, item in enumerate(items):
        here = where if single else f"{where}[{i}]"
        kind = _kind_of(item)
        if kind == "tickets":
            yield ("ticket", str(item.get("id")), here, item)
            for conversation in only_dicts(item.get("conversations")):
                yield ("conversation", str(item.get("id")), here, conversation)
        elif kind == "conversations":
            yield ("conversation", str(item.get("ticket_id")), here, item)
        elif kind == "ratings":
            yield ("rating", str(item.get("ticket_id")), here, item)


def _author(d: Draft, conversation: Mapping[str, Any]) -> tuple[str | None, bool]:
    incoming = conversation.get("incoming")
    private = bool(conversation.get("private"))
    if incoming is True:
        return "customer", not private
    if incoming is False:
        return "agent", not private
    d.fail(
        f"conversation {conversation.get('id')!r} has incoming={incoming!r}, not true or false",
        field="conversations.incoming",
        value=incoming,
    )
    return None, not private


def _rating(ratings: Any) -> Any:
    if isinstance(ratings, Mapping):
        value = ratings.get("default_question")
        if value is None and ratings:
            value = next(iter(ratings.values()))
        return value
    return None


def build(gathered: Gathered) -> Ticket:
    """Put one Freshdesk ticket together from its record and its conversations."""
    record, parts, d = gathered.record, gathered.parts, gathered.draft(used=_USED)
    created = d.time(record.get("created_at"), "created_at")
    source = _number(record.get("source"))
    channel = None if source is None else d.lookup(CHANNELS, source, "source", "source")
    priority_raw = _number(record.get("priority"))
    priority = (
        None if priority_raw is None else d.lookup(PRIORITIES, priority_raw, "priority", "priority")
    )
    status = d.lookup(STATUSES, _number(record.get("status")), "status", "status")
    rating = None
    done: set[Any] = set()
    for kind, _src, part in parts:
        if kind == "conversation":
            if part.get("id") in done:
                continue
            done.add(part.get("id"))
            by, public = _author(d, part)
            meta = drop_none(
                {
                    "id": part.get("id"),
                    "user_id": part.get("user_id"),
                    "conversation_source": part.get("source"),
                }
            )
            d.message(
                d.time(part.get("created_at"), f"conversations[{part.get('id')}]"),
                by,
                public=public,
                text=part.get("body_text") or part.get("body"),
                meta=meta,
            )
        elif kind == "rating":
            rating = _rating(part.get("ratings"))
            if part.get("feedback"):
                d.fields["rating_comment"] = part["feedback"]
    stats = record.get("stats")
    seen: set[tuple[str, str]] = set()
    if isinstance(stats, Mapping):
        for name, value in _STATS:
            at = d.time(stats.get(name), f"stats.{name}")
            if at is not None:
                seen.add((at.isoformat(), value))
                d.status(at, value)
        at = d.time(stats.get("status_updated_at"), "stats.status_updated_at")
        if at is not None and status is not None and (at.isoformat(), status) not in seen:
            d.status(at, status)
    elif status not in (None, "open"):
        d.current_status(d.time(record.get("updated_at"), "updated_at") or created, status)
    return d.finish(
        created_at=created,
        subject=record.get("subject"),
        body=record.get("description_text") or record.get("description"),
        channel=channel,
        tags=record.get("tags"),
        priority=priority,
        rating=rating,
        opening=False,
    )


#: This helpdesk's reader, for :mod:`supportkit.sources._api`.
ADAPTER: Final = Adapter(NAME, STREAMS, shape, split, build)
