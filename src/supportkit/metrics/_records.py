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
import math
from collections.abc import Iterable, Iterator, Mapping
from operator import itemgetter
from typing import Any, Final

from supportkit._ticket import (
    AUTHORS,
    EVENT_TYPES,
    STATUSES,
    Ticket,
    _rating,
    as_ticket,
)

__all__ = ["Facts", "TicketView", "iter_views", "rows_of", "view_of"]

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

#: An event as the metrics see it: (at, type, by, status).
EventTuple = tuple[_dt.datetime, str, "str | None", "str | None"]


class Facts:
    """What the metrics need to know about one ticket's history, computed once."""

    __slots__ = (
        "agent_replies",
        "ever_resolved",
        "first_reply",
        "reopened",
        "resolved_at",
    )

    def __init__(self, events: tuple[EventTuple, ...]) -> None:
        first: dict[str, _dt.datetime] = {}
        agent = 0
        resolved_at: _dt.datetime | None = None
        is_resolved = False
        ever = False
        reopened = False
        for at, kind, by, status in events:
            if kind == "reply":
                if by is not None and by not in first:
                    first[by] = at
                if by == "agent":
                    agent += 1
            elif kind == "status":
                if status in _RESOLVED:
                    if not is_resolved:
                        resolved_at = at
                        is_resolved = True
                        ever = True
                elif is_resolved:
                    reopened = True
                    is_resolved = False
                    resolved_at = None
        #: author -> time of that author's first reply
        self.first_reply = first
        #: number of replies by an agent
        self.agent_replies = agent
        #: when the ticket last became solved/closed (``None`` when it is not resolved now)
        self.resolved_at = resolved_at
        #: whether the ticket was solved or closed at some point
        self.ever_resolved = ever
        #: whether a solved/closed ticket went back to an open status
        self.reopened = reopened


class TicketView:
    """The fields of a ticket the metrics read, plus its :class:`Facts` on demand."""

    __slots__ = ("_facts", "category", "channel", "country", "created", "events", "rating", "tags")

    def __init__(  # noqa: PLR0917 - internal, built in two places
        self,
        channel: str | None,
        tags: tuple[str, ...],
        created: _dt.datetime | None,
        rating: int | float | str | None,
        events: tuple[EventTuple, ...],
        fields: Mapping[str, Any] | None,
    ) -> None:
        self.channel = channel
        self.tags = tags
        self.created = created
        self.rating = rating
        self.events = events
        country = fields.get("country") if fields else None
        category = fields.get("category") if fields else None
        self.country = country if isinstance(country, str) else None
        self.category = category if isinstance(category, str) else None
        self._facts: Facts | None = None

    @property
    def facts(self) -> Facts:
        """The ticket's :class:`Facts` (computed on first use)."""
        facts = self._facts
        if facts is None:
            facts = self._facts = Facts(self.events)
        return facts


def _from_ticket(ticket: Ticket) -> TicketView:
    return TicketView(
        ticket.channel,
        ticket.tags,
        ticket.created_at,
        ticket.rating,
        tuple((e.at, e.type, e.by, e.status) for e in ticket.events),
        ticket.fields,
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


def _fast(raw: dict[str, Any]) -> TicketView | None:
    """Read a well-formed JSON row; ``None`` means "let as_ticket decide"."""
    try:
        return _fast_unchecked(raw)
    except (TypeError, KeyError, ValueError):
        return None


def _fast_unchecked(raw: dict[str, Any]) -> TicketView | None:
    if not raw.keys() <= _KNOWN:
        return None
    created_raw = raw.get("created_at")
    created: _dt.datetime | None = None
    if created_raw is not None and created_raw != "":
        if type(created_raw) is not str:
            return None
        created = _fromiso(created_raw)
        if created.tzinfo is None:
            return None
    channel = raw.get("channel")
    if channel is not None:
        if type(channel) is not str:
            return None
        channel = channel.strip().lower() or None
    for key in ("subject", "body", "priority"):
        text = raw.get(key)
        if text is not None and type(text) is not str:
            return None
    tags_raw = raw.get("tags")
    tags: tuple[str, ...] = ()
    if tags_raw:
        if type(tags_raw) is not list:
            return None
        for tag in tags_raw:
            if type(tag) is not str or not tag or tag != tag.strip():
                return None
        tags = (
            tuple(tags_raw)
            if len(set(tags_raw)) == len(tags_raw)
            else tuple(dict.fromkeys(tags_raw))
        )
    fields = raw.get("fields")
    if fields is not None and type(fields) is not dict:
        return None
    rating_raw = raw.get("rating")
    rating: int | float | str | None
    if rating_raw is None or type(rating_raw) is int:
        rating = rating_raw
    elif type(rating_raw) is str:
        if rating_raw in _RATINGS:
            rating = _RATINGS[rating_raw]
        else:
            rating = _rating(rating_raw, "ticket.rating")
            if len(_RATINGS) < 4096:
                _RATINGS[rating_raw] = rating
    elif type(rating_raw) is float:
        rating = rating_raw
    else:
        return None
    events_raw = raw.get("events")
    events: list[EventTuple] = []
    if events_raw:
        if type(events_raw) is not list:
            return None
        append = events.append
        ordered = True
        prev: _dt.datetime | None = None
        for ev in events_raw:
            if type(ev) is not dict:
                return None
            kind = ev.get("type")
            by: str | None = None
            status: str | None = None
            if kind in {"reply", "note"}:
                by = ev.get("by")
                if by not in _AUTHORS:
                    return None
                if len(ev) > 3 and not _extras_ok(ev):
                    return None
            elif kind == "status":
                status = ev.get("status")
                if status not in _STATUSES:
                    return None
                if len(ev) > 3 and not _extras_ok(ev):
                    return None
            elif kind in {"assign", "priority"}:
                if not _extras_ok(ev) or (kind == "priority" and not ev.get("priority")):
                    return None
            else:
                return None
            at = _fromiso(ev["at"])
            if at.tzinfo is None or (created is not None and at < created):
                return None
            if prev is not None and at < prev:
                ordered = False
            prev = at
            append((at, kind, by, status))
        if not ordered:
            events.sort(key=_first)
    return TicketView(channel, tags, created, rating, tuple(events), fields)


_first = itemgetter(0)


def view_of(value: Any, *, index: int | None = None, strict: bool = True) -> TicketView:
    """Read one ticket (anything :func:`supportkit.as_ticket` reads) into a view.

    Args:
        value: A :class:`Ticket`, a mapping or a string.
        index: The ticket's position, for error messages (``tickets[41]``).
        strict: Passed to :func:`~supportkit.as_ticket` (``False`` drops bad events).

    Raises:
        InvalidTicket: the row cannot be read (the message is
            :func:`~supportkit.as_ticket`'s).
    """
    if type(value) is dict:
        view = _fast(value)
        if view is not None:
            return view
    if isinstance(value, Ticket):
        return _from_ticket(value)
    field = "ticket" if index is None else f"tickets[{index}]"
    return _from_ticket(as_ticket(value, strict=strict, field=field))


def _is_frame(data: Any) -> bool:
    module = type(data).__module__
    return (module == "pandas" or module.startswith("pandas.")) and hasattr(data, "itertuples")


def _clean(value: Any) -> Any:
    """Turn pandas' missing markers (NaN, NaT, None) into None."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if type(value).__name__ in ("NaTType", "NAType"):
        return None
    if type(value).__name__ == "Timestamp":
        return value.to_pydatetime()
    return value


def rows_of(data: Any) -> Iterable[Any]:
    """Return ``data`` as an iterable of tickets; a pandas DataFrame gives its rows as dicts."""
    if _is_frame(data):
        return _frame_rows(data)
    return data  # type: ignore[no-any-return]


def _frame_rows(frame: Any) -> Iterator[dict[str, Any]]:
    columns = [str(c) for c in frame.columns]
    for row in frame.itertuples(index=False, name=None):
        yield {k: v for k, v in zip(columns, map(_clean, row), strict=True) if v is not None}


def iter_views(data: Any, *, strict: bool = True) -> Iterator[TicketView]:
    """Read every ticket of ``data`` (an iterable or a pandas DataFrame) into a view."""
    for i, value in enumerate(rows_of(data)):
        yield view_of(value, index=i, strict=strict)
