"""The light, read-only view of a ticket that every metric works on.

:func:`view_of` accepts what :func:`supportkit.as_ticket` accepts (a :class:`Ticket`,
a mapping, a string) and, for speed, reads well-formed JSON export rows directly:
timestamps with :meth:`datetime.datetime.fromisoformat` (a C function), everything else
with the same checks as :func:`~supportkit.as_ticket`. Any row the fast reader is not
sure about — a CSV row with JSON strings, an unusual timestamp, an unknown key, an event
before ``created_at`` — goes through :func:`~supportkit.as_ticket` itself, so the
errors, their messages and lenient reading are exactly the shared ones.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final

from supportkit._frames import is_frame, rows
from supportkit._ticket import (
    AUTHORS,
    EVENT_TYPES,
    STATUSES,
    Ticket,
    _rating,
    as_ticket,
)
from supportkit.exceptions import SupportkitError
from supportkit.metrics._checks import collection
from supportkit.sla._clock import _with_id

__all__ = ["TicketView", "iter_views", "row_view", "rows_of", "scan", "view_of"]

_KNOWN: Final = frozenset(
    {"id", "channel", "subject", "body", "tags", "priority", "created_at", "events", "rating"}
    | {"fields"}
)
_EVENT_KEYS: Final = frozenset({"at", "type", "by", "status", "priority", "assignee", "data"})
_TYPES: Final = frozenset(EVENT_TYPES)
_AUTHORS: Final = frozenset(AUTHORS)
_STATUSES: Final = frozenset(STATUSES)
_RESOLVED: Final = frozenset({"solved", "closed"})
_fromiso = _dt.datetime.fromisoformat
_NEVER: Final = (False, False)  # (ever_resolved, reopened) of a ticket without events

#: An event as the metrics see it: (at, type, by, status).
EventTuple = tuple[_dt.datetime, str, "str | None", "str | None"]


def scan(
    events: Iterable[EventTuple],
) -> tuple[dict[str, _dt.datetime], int, _dt.datetime | None, bool, bool]:
    """Return what the metrics need from time-ordered events.

    Returns:
        ``(first_reply, agent_replies, resolved_at, ever_resolved, reopened)``: the
        first reply time per author; the number of agent replies; when the ticket last
        became solved/closed (``None`` when it is not resolved now); whether it was ever
        solved or closed; whether a solved/closed ticket went back to an open status.
    """
    first: dict[str, _dt.datetime] = {}
    agent = 0
    resolved: Resolution = _UNRESOLVED
    for at, kind, by, status in events:
        if kind == "reply":
            if by is not None and by not in first:
                first[by] = at
            if by == "agent":
                agent += 1
        elif kind == "status":
            resolved = moved(resolved, status, at)
    return first, agent, *resolved


#: ``(resolved_at, ever_resolved, reopened)`` after some status changes.
Resolution = tuple["_dt.datetime | None", bool, bool]
_UNRESOLVED: Final[Resolution] = (None, False, False)


def moved(state: Resolution, status: str | None, at: _dt.datetime) -> Resolution:
    """Return ``state`` after the ticket moves to ``status`` at ``at``.

    ``resolved_at`` is when the ticket last became solved/closed (``None`` while it is
    not); a move from solved/closed to an open status is a reopening.
    """
    resolved_at, ever, reopened = state
    if status in _RESOLVED:
        return state if resolved_at is not None else (at, True, reopened)
    return (None, ever, True) if resolved_at is not None else state


class TicketView:
    """The fields of a ticket the metrics read, and the facts of its history.

    Attributes:
        first_reply: Author → time of that author's first reply.
        agent_replies: Number of replies by an agent.
        resolved_at: When the ticket last became solved/closed (``None`` if not now).
        ever_resolved: Whether it was solved or closed at some point.
        reopened: Whether a solved/closed ticket went back to an open status.
    """

    __slots__ = (
        "agent_replies",
        "channel",
        "created",
        "ever_resolved",
        "fields",
        "first_reply",
        "rating",
        "reopened",
        "resolved_at",
        "tags",
    )

    def __init__(  # noqa: PLR0917 - internal, built in two places
        self,
        channel: str | None,
        tags: tuple[str, ...],
        created: _dt.datetime | None,
        rating: int | float | str | None,
        fields: Mapping[str, Any] | None,
        first_reply: dict[str, _dt.datetime],
        agent_replies: int,
        resolved_at: _dt.datetime | None,
        ever_resolved: bool,
        reopened: bool,
    ) -> None:
        self.channel = channel
        self.tags = tags
        self.created = created
        self.rating = rating
        self.fields = fields
        self.first_reply = first_reply
        self.agent_replies = agent_replies
        self.resolved_at = resolved_at
        self.ever_resolved = ever_resolved
        self.reopened = reopened

    def _field(self, name: str) -> str | None:
        value = self.fields.get(name) if self.fields else None
        return value if isinstance(value, str) else None

    @property
    def country(self) -> str | None:
        """``fields.country`` when it is a string."""
        return self._field("country")

    @property
    def category(self) -> str | None:
        """``fields.category`` when it is a string."""
        return self._field("category")


def _from_ticket(ticket: Ticket) -> TicketView:
    facts = scan((e.at, e.type, e.by, e.status) for e in ticket.events)
    return TicketView(
        ticket.channel, ticket.tags, ticket.created_at, ticket.rating, ticket.fields, *facts
    )


def _extras_ok(ev: dict[str, Any]) -> bool:
    if not ev.keys() <= _EVENT_KEYS:
        return False
    for key in ("by", "status", "priority", "assignee"):
        value = ev.get(key)
        if value is not None and type(value) is not str:
            return False
    return True


_RATINGS: dict[str, int | float | str | None] = {}
_MISSING: Final[Any] = object()
_ABSENT: Final = dict.fromkeys(_KNOWN)
_ALL: Final = len(_KNOWN)


def _fast(raw: dict[str, Any]) -> TicketView | None:
    """Read a well-formed JSON row; ``None`` means "let as_ticket decide"."""
    try:
        return _fast_unchecked(raw)
    except (TypeError, KeyError, ValueError):
        return None


def _fast_unchecked(raw: dict[str, Any]) -> TicketView | None:
    """The fast reader proper: ``None`` (or an exception) hands the row to as_ticket."""
    if not raw.keys() <= _KNOWN:
        return None
    if len(raw) != _ALL:
        raw = {**_ABSENT, **raw}  # then every key can be read by subscript
    subject, body, priority = raw["subject"], raw["body"], raw["priority"]
    if (
        (subject is not None and type(subject) is not str)
        or (body is not None and type(body) is not str)
        or (priority is not None and type(priority) is not str)
    ):
        return None
    return row_view(
        raw["channel"], raw["tags"], raw["created_at"], raw["rating"], raw["fields"], raw["events"]
    )


def row_view(  # noqa: PLR0917 - one pass over a row's fields, kept in one place
    channel: Any,
    tags_raw: Any,
    created_raw: Any,
    rating_raw: Any,
    fields: Any,
    events_raw: Any,
) -> TicketView | None:
    """The view of a decoded row's fields; ``None`` (or an exception) hands it to as_ticket.

    Shared by this module's reader (rows from :func:`json.loads`) and the ``fast``
    extra's (rows decoded by ``msgspec``), so both compute the same facts. Events must
    come in time order (as exports write them); a row whose events are out of order goes
    to :func:`~supportkit.as_ticket`, which sorts them. The facts the metrics need are
    computed while reading, so the events are not kept.
    """
    created: _dt.datetime | None = None
    if created_raw is not None and created_raw != "":
        if type(created_raw) is not str:
            return None
        created = _fromiso(created_raw)
        if created.tzinfo is None:
            return None
    if channel is not None:
        if type(channel) is not str:
            return None
        channel = channel.strip().lower() or None
    tags: tuple[str, ...] = ()
    if tags_raw:
        if type(tags_raw) is not list:
            return None
        for tag in tags_raw:
            if type(tag) is not str or not tag or tag != tag.strip():
                return None
        tags = (
            tuple(tags_raw)
            if len(tags_raw) == 1 or len(set(tags_raw)) == len(tags_raw)
            else tuple(dict.fromkeys(tags_raw))
        )
    if fields is not None and type(fields) is not dict:
        return None
    rating: int | float | str | None
    if rating_raw is None or type(rating_raw) is int or type(rating_raw) is float:
        rating = rating_raw
    elif type(rating_raw) is str:
        rating = _RATINGS.get(rating_raw, _MISSING)
        if rating is _MISSING:
            rating = _rating(rating_raw, "ticket.rating")
            if len(_RATINGS) < 4096:
                _RATINGS[rating_raw] = rating
    else:
        return None
    if not events_raw:
        return TicketView(channel, tags, created, rating, fields, {}, 0, None, *_NEVER)
    if type(events_raw) is not list:
        return None
    # Facts, computed on the way (valid when the events come in time order).
    first: dict[str, _dt.datetime] = {}
    agent = 0
    resolved: Resolution = _UNRESOLVED
    prev = created  # in-order events after the first one are all after created_at too
    for ev in events_raw:
        if type(ev) is not dict:
            return None
        at = _fromiso(ev["at"])
        if at.tzinfo is None or (prev is not None and at < prev):
            return None
        prev = at
        if len(ev) > 3 and not _extras_ok(ev):
            return None
        kind = ev["type"]
        if kind == "reply":
            by = ev["by"]
            if by not in _AUTHORS:
                return None
            if by not in first:
                first[by] = at
            if by == "agent":
                agent += 1
        elif kind == "status":
            status = ev["status"]
            if status not in _STATUSES:
                return None
            resolved = moved(resolved, status, at)
        elif kind == "note":
            if ev["by"] not in _AUTHORS:
                return None
        elif kind == "assign" or kind == "priority":  # noqa: PLR1714 - str compare is faster
            if not _extras_ok(ev) or (kind == "priority" and not ev.get("priority")):
                return None
        else:
            return None
    return TicketView(channel, tags, created, rating, fields, first, agent, *resolved)


def view_of(
    value: Any, *, index: int | None = None, strict: bool = True, field: str | None = None
) -> TicketView:
    """Read one ticket (anything :func:`supportkit.as_ticket` reads) into a view.

    Args:
        value: A :class:`Ticket`, a mapping or a string.
        index: The ticket's position, for error messages (``tickets[41]``).
        strict: Passed to :func:`~supportkit.as_ticket` (``False`` drops bad events).
        field: How to name the ticket in error messages instead, e.g. where it is in
            its file (``"export.jsonl:42"``).

    Raises:
        InvalidTicket: the row cannot be read (the message is
            :func:`~supportkit.as_ticket`'s, starting with the ticket's ``id`` when the
            row has one).
    """
    if type(value) is dict:
        view = _fast(value)
        if view is not None:
            return view
    if isinstance(value, Ticket):
        return _from_ticket(value)
    if field is None:
        field = "ticket" if index is None else f"tickets[{index}]"
    try:
        ticket = as_ticket(value, strict=strict, field=field)
    except SupportkitError as exc:
        raise _with_id(exc, value) from exc
    return _from_ticket(ticket)


def rows_of(data: Any) -> Iterable[Any]:
    """Return ``data`` as an iterable of tickets; a pandas DataFrame gives its rows as dicts."""
    if is_frame(data):
        return rows(data)
    return collection(
        data,
        field="tickets",
        what="tickets",
        example='[{"created_at": "2024-10-07T09:00:00+03:00", "events": []}]',
    )


def iter_views(data: Any, *, strict: bool = True) -> Iterator[TicketView]:
    """Read every ticket of ``data`` (an iterable or a pandas DataFrame) into a view."""
    fast = _fast
    for i, value in enumerate(rows_of(data)):
        if type(value) is dict:
            view = fast(value)
            if view is not None:
                yield view
                continue
        yield view_of(value, index=i, strict=strict)
