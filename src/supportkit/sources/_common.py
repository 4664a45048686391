"""What every helpdesk reader shares: strict/lenient lookups, times, and the ticket draft.

A reader fills a :class:`Draft` with the ticket's messages (replies and notes, with
their text), status, priority and assignment changes, and the fields that have no
place in :class:`~supportkit.Ticket`; :meth:`Draft.finish` turns it into a ticket
through :func:`supportkit.as_ticket`, so every rule of the ticket vocabulary (events
not before ``created_at``, known statuses and authors) is checked in one place.

The customer's opening message is the ticket's ``body``, not a reply event (as in
supportkit's own exports); every message, the opening one included, is kept with its
text in ``fields["comments"]``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs

from supportkit._ticket import Ticket, as_ticket
from supportkit._time import resolve_timezone, to_aware
from supportkit.exceptions import InvalidTicket, NaiveDatetimeError, SupportkitError

__all__ = ["Adapter", "Context", "Draft", "Item", "UserLookup", "drop_none", "only_dicts"]

#: ``(kind, key, where, record)``: ``kind`` is ``"ticket"``, ``"user"`` or a part kind
#: (``"comment"``, ``"audit"``, ``"rating"`` …); ``key`` the ticket (or user) id.
Item = tuple[str, str, str, Any]
UserLookup = Callable[[str], Any]


@attrs.frozen
class Adapter:
    """One helpdesk reader: how to recognise, split and build its responses.

    Attributes:
        name: The source name (``"zendesk"``).
        streams: Whether each response holds whole tickets (then tickets are yielded as
            they are read; otherwise parts are spilled and joined).
        shape: ``shape(response)`` -> the kind of response, or ``None`` if not this helpdesk's.
        split: ``split(response, where)`` -> :data:`Item` tuples.
        build: ``build(key, where, record, parts, *, users, ctx)`` -> a ticket.
    """

    name: str
    streams: bool
    shape: Callable[[Any], str | None]
    split: Callable[[Any, str], Iterator[Item]]
    build: Callable[..., Ticket]


def drop_none(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``mapping`` without its ``None`` values."""
    return {k: v for k, v in mapping.items() if v is not None}


@attrs.define
class Context:
    """Options of one read: the helpdesk, strictness and the zone for naive times."""

    source: str
    strict: bool = True
    tz: Any = None

    def __attrs_post_init__(self) -> None:
        if self.tz is not None:
            self.tz = resolve_timezone(self.tz, field="tz")

    def time(self, value: Any, field: str) -> _dt.datetime | None:
        """Read a time: ISO-8601 text, Unix seconds, or local text with ``tz``."""
        if value is None or value == "":
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return _dt.datetime.fromtimestamp(value, tz=_dt.timezone.utc)
        try:
            return to_aware(value, field=field)
        except NaiveDatetimeError:
            if self.tz is None:
                raise InvalidTicket(
                    f"{field} is {value!r}, a local time without a UTC offset, as "
                    f"{self.source} exports give it; pass tz='Europe/Moscow' (the account's "
                    "time zone) to read it.",
                    field=field,
                    value=value,
                ) from None
            naive = _dt.datetime.fromisoformat(str(value).strip())
            return naive.replace(tzinfo=self.tz)


class Draft:
    """One ticket being put together from a helpdesk's records."""

    def __init__(self, ctx: Context, ident: Any, where: str) -> None:
        self.ctx = ctx
        self.ident = None if ident is None else str(ident)
        self.where = where
        self.name = f"{where}[{ctx.source} ticket {self.ident}]"
        self.fields: dict[str, Any] = {"source": ctx.source}
        self.events: list[dict[str, Any]] = []
        self.messages: list[dict[str, Any]] = []
        self.problems: list[str] = []
        self._current: tuple[_dt.datetime | None, str] | None = None

    # -- strict or lenient ---------------------------------------------------------

    def fail(self, message: str, *, field: str, value: Any = None) -> None:
        """Raise (strict) or note a problem (lenient); ``message`` has no final period."""
        text = f"{self.name}: {message}"
        if self.ctx.strict:
            raise InvalidTicket(
                f"{text}; fix the export, or read with strict=False to keep the ticket "
                "and note it in ticket.problems.",
                field=f"{self.name}.{field}",
                value=value,
            )
        self.problems.append(f"{text}.")

    def lookup(self, table: Mapping[Any, Any], value: Any, what: str, field: str) -> Any:
        """Map ``value`` through ``table``; an unknown value fails (see :meth:`fail`)."""
        key = value.strip().lower() if isinstance(value, str) else value
        if key in table:
            return table[key]
        known = ", ".join(repr(k) for k in table)
        self.fail(
            f"unknown {self.ctx.source} {what} {value!r} (known: {known})", field=field, value=value
        )
        return None

    def time(self, value: Any, field: str) -> _dt.datetime | None:
        """Read a time; an unreadable one fails (see :meth:`fail`) and gives ``None``."""
        try:
            return self.ctx.time(value, f"{self.name}.{field}")
        except SupportkitError as exc:
            if self.ctx.strict:
                raise
            self.problems.append(f"{exc}")
            return None

    # -- content -------------------------------------------------------------------

    def message(
        self,
        at: _dt.datetime | None,
        by: str | None,
        *,
        public: bool,
        text: str | None,
        meta: Mapping[str, Any],
    ) -> None:
        """Add a reply (``public``) or a note; ``by`` ``None`` means the author is unknown."""
        if at is None:
            return
        msg = {"at": at, "by": by, "public": public, "text": text or "", "meta": dict(meta)}
        self.messages.append(msg)
        # A placeholder keeps the message's place among same-time events (a reply and
        # the solve of one update stay in that order).
        self.events.append({"message": msg})

    def status(self, at: _dt.datetime | None, status: str | None) -> None:
        """Add a status change (``None``: nothing, the failure was already noted)."""
        if at is not None and status is not None:
            self.events.append({"at": at, "type": "status", "status": status})

    def current_status(self, at: _dt.datetime | None, status: str | None) -> None:
        """Add the ticket's current status when the export has no history of it.

        It is placed at ``at`` (the helpdesk's last-update time) but never before the
        last message, which the status cannot precede.
        """
        if status is not None:
            self._current = (at, status)

    def priority(self, at: _dt.datetime | None, priority: str | None) -> None:
        """Add a priority change."""
        if at is not None and priority:
            self.events.append({"at": at, "type": "priority", "priority": priority})

    def assign(self, at: _dt.datetime | None, assignee: Any) -> None:
        """Add a hand-over to ``assignee`` (an agent or group id or name)."""
        if at is not None:
            event: dict[str, Any] = {"at": at, "type": "assign"}
            if assignee is not None and assignee != "":
                event["assignee"] = str(assignee)
            self.events.append(event)

    def change(self, at: _dt.datetime | None, field: str, value: Any, previous: Any) -> None:
        """Keep a change with no event type of its own (tags, group …) in ``fields["changes"]``."""
        self.fields.setdefault("changes", []).append(
            drop_none(
                {
                    "at": None if at is None else at.isoformat(),
                    "field": field,
                    "value": value,
                    "previous": previous,
                }
            )
        )

    def keep(self, record: Mapping[str, Any], used: frozenset[str] | set[str]) -> None:
        """Copy every key of ``record`` not in ``used`` into ``fields``."""
        for key, value in record.items():
            if key not in used and key not in self.fields:
                self.fields[key] = value

    def _settle_messages(self, body: str, *, opening: bool) -> str:
        ordered = sorted(self.messages, key=lambda m: m["at"].timestamp())
        first: Any = ordered[0] if ordered else None
        comments = [
            drop_none(
                {
                    "at": msg["at"].isoformat(),
                    "type": "reply" if msg["public"] else "note",
                    "by": msg["by"],
                    "text": msg["text"],
                    **msg["meta"],
                }
            )
            for msg in ordered
        ]
        events: list[dict[str, Any]] = []
        for entry in self.events:
            held: Any = entry.get("message")
            if held is None:
                events.append(entry)
            elif held["by"] is None:
                continue  # the unknown author was reported; the text is kept in comments
            elif opening and held is first and held["public"] and held["by"] == "customer":
                body = body or held["text"]  # the opening message is the body, not a reply
            else:
                kind = "reply" if held["public"] else "note"
                events.append({"at": held["at"], "type": kind, "by": held["by"]})
        self.events = events
        if comments:
            self.fields["comments"] = comments
        if self._current is not None:
            at, status = self._current
            last = ordered[-1]["at"] if ordered else None
            if at is None or (last is not None and last.timestamp() > at.timestamp()):
                at = last
            self.status(at, status)
        return body

    def finish(
        self,
        *,
        created_at: _dt.datetime | None,
        subject: str | None = None,
        body: str | None = None,
        channel: str | None = None,
        tags: Any = None,
        priority: str | None = None,
        rating: Any = None,
        opening: bool = True,
    ) -> Ticket:
        """Return the ticket, read through :func:`~supportkit.as_ticket` (strict or lenient).

        ``opening=False`` when the helpdesk keeps the opening message apart (Freshdesk's
        ``description``), so the first message is a reply like any other.
        """
        text = self._settle_messages(body or "", opening=opening)
        mapping = {
            "id": self.ident,
            "channel": channel,
            "subject": subject or "",
            "body": text,
            "tags": tags,
            "priority": priority,
            "created_at": created_at,
            "events": self.events,
            "rating": rating,
            "fields": self.fields,
        }
        ticket = as_ticket(mapping, strict=self.ctx.strict, field=self.name)
        if self.problems:
            ticket = attrs.evolve(ticket, problems=(*self.problems, *ticket.problems))
        return ticket


def only_dicts(items: Any) -> Iterator[Mapping[str, Any]]:
    """Yield the mappings of a JSON list (anything else in it is skipped by the shape check)."""
    if isinstance(items, list):
        for item in items:
            if isinstance(item, Mapping):
                yield item
