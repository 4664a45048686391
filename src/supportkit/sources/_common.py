"""What every helpdesk reader shares: strict/lenient lookups, times, and the ticket draft.

A reader fills a :class:`Draft` with the ticket's messages (replies and notes, with
their text), status, priority and assignment changes, and the fields that have no
place in :class:`~supportkit.Ticket`; :meth:`Draft.finish` turns it into a ticket
with the checks of :func:`supportkit.as_ticket` (events not before ``created_at``,
known statuses and authors, strings where strings belong), built in one pass.

The customer's opening message is the ticket's ``body``, not a reply event (as in
supportkit's own exports); every message, the opening one included, is kept with its
text in ``fields["comments"]``.
"""

from __future__ import annotations

import datetime as _dt
import operator
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

import attrs

from supportkit._ticket import AUTHORS, STATUSES, Event, Ticket, _rating
from supportkit._time import resolve_timezone, to_aware
from supportkit.exceptions import InvalidTicket, NaiveDatetimeError, SupportkitError

__all__ = [
    "Adapter",
    "Context",
    "Draft",
    "Gathered",
    "Item",
    "UserLookup",
    "Where",
    "drop_none",
    "only_dicts",
]

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
        build: ``build(gathered)`` -> the ticket of one :class:`Gathered`.
    """

    name: str
    streams: bool
    shape: Callable[[Any], str | None]
    split: Callable[[Any, str], Iterator[Item]]
    build: Callable[[Gathered], Ticket]


class Where:
    """A record's place (``audits[7].events[2]``), formatted only if a message needs it."""

    __slots__ = ("args", "pattern")

    def __init__(self, pattern: str, *args: Any) -> None:
        self.pattern = pattern
        self.args = args

    def __str__(self) -> str:
        return self.pattern.format(*self.args)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


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
        if type(value) is str:
            try:  # the common case first: ISO text with "Z" or an offset, parsed once
                parsed = _dt.datetime.fromisoformat(value)
            except ValueError:
                parsed = None
            if parsed is not None and type(parsed.tzinfo) is _dt.timezone:
                return parsed
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
        # (at, type, by, status, priority, assignee), or (None, message) holding a
        # message's place until the opening message is known.
        self.events: list[tuple[Any, ...]] = []
        self.messages: list[dict[str, Any]] = []
        self.problems: list[str] = []
        self._current: tuple[_dt.datetime | None, str] | None = None

    # -- strict or lenient ---------------------------------------------------------

    def fail(self, message: str, *, field: object, value: Any = None) -> None:
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

    def lookup(self, table: Mapping[Any, Any], value: Any, what: str, field: object) -> Any:
        """Map ``value`` through ``table``; an unknown value fails (see :meth:`fail`)."""
        try:
            return table[value]  # the usual case: the value as the table spells it
        except (KeyError, TypeError):
            pass
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
        if type(value) is str:
            try:  # the usual ISO text with "Z" or an offset, without the general path
                parsed = _dt.datetime.fromisoformat(value)
            except ValueError:
                parsed = None
            if parsed is not None and type(parsed.tzinfo) is _dt.timezone:
                return parsed
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
        msg = {
            "at": at,
            "stamp": at.timestamp(),
            "by": by,
            "public": public,
            "text": text or "",
            "meta": meta,
        }
        self.messages.append(msg)
        # A placeholder keeps the message's place among same-time events (a reply and
        # the solve of one update stay in that order).
        self.events.append((None, msg))

    def status(self, at: _dt.datetime | None, status: str | None) -> None:
        """Add a status change (``None``: nothing, the failure was already noted)."""
        if at is not None and status is not None:
            self.events.append((at, "status", None, status, None, None))

    def current_status(self, at: _dt.datetime | None, status: str | None) -> None:
        """Add the ticket's current status when the export has no history of it.

        It is placed at ``at`` (the helpdesk's last-update time) but never before the
        last message, which the status cannot precede.
        """
        if status is not None:
            self._current = (at, status)

    def priority(self, at: _dt.datetime | None, priority: str | None) -> None:
        """Add a priority change."""
        if at is not None and priority and priority.strip():
            self.events.append((at, "priority", None, None, priority.strip().lower(), None))

    def assign(self, at: _dt.datetime | None, assignee: Any) -> None:
        """Add a hand-over to ``assignee`` (an agent or group id or name)."""
        if at is not None:
            who = None if assignee is None else str(assignee).strip() or None
            self.events.append((at, "assign", None, None, None, who))

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
        fields = self.fields
        fields.update({k: v for k, v in record.items() if k not in used and k not in fields})

    def _settle(
        self, body: str, created: _dt.datetime | None, *, opening: bool
    ) -> tuple[str, tuple[Event, ...]]:
        """Keep every message in ``fields["comments"]``, take the opening one as the body,
        and turn the drafted events into :class:`Event` objects sorted by time, in one pass.

        The events follow the rules of :func:`~supportkit.as_ticket`: a known author for
        replies and notes, a known status, and nothing before ``created_at`` (strict: an
        error; lenient: the event is dropped and noted in ``ticket.problems``).
        """
        ordered = sorted(self.messages, key=_stamp)
        first: Any = ordered[0] if ordered else None
        comments = []
        for msg in ordered:
            comment = {"at": msg["at"].isoformat(), "type": "reply" if msg["public"] else "note"}
            if msg["by"] is not None:
                comment["by"] = msg["by"]
            comment["text"] = msg["text"]
            meta = msg["meta"]
            if None in meta.values():
                meta = {k: v for k, v in meta.items() if v is not None}
            comment.update(meta)
            comments.append(comment)
        if comments:
            self.fields["comments"] = comments
        if self._current is not None:
            when, current = self._current
            last = ordered[-1]["at"] if ordered else None
            if when is None or (last is not None and last.timestamp() > when.timestamp()):
                when = last
            self.status(when, current)
        self._dropped: list[str] = []
        start = None if created is None else created.timestamp()
        out: list[tuple[float, Event]] = []
        status: str | None
        priority: str | None
        assignee: str | None
        at: Any
        for i, entry in enumerate(self.events):
            at = entry[0]
            if at is None:
                held: Any = entry[1]
                by = held["by"]
                if by is None:
                    continue  # the unknown author was reported; the text is in comments
                if opening and held is first and held["public"] and by == "customer":
                    body = body or held["text"]  # the opening message is the body, not a reply
                    continue
                at, kind, status, priority, assignee = held["at"], "reply", None, None, None
                if not held["public"]:
                    kind = "note"
                stamp = held["stamp"]
            else:
                _, kind, by, status, priority, assignee = entry
                stamp = at.timestamp()
            if kind in ("reply", "note") and by not in AUTHORS:
                where = f"{self.name}.events[{i}]"
                self._problem(f"{where}.by must be one of {list(AUTHORS)} (got {by!r})", where)
                continue
            if kind == "status" and status not in STATUSES:
                where = f"{self.name}.events[{i}]"
                self._problem(
                    f"{where}.status must be one of {list(STATUSES)} (got {status!r})", where
                )
                continue
            if start is not None and stamp < start:
                assert created is not None
                where = f"{self.name}.events[{i}]"
                self._problem(
                    f"{where}.at {at.isoformat()} is before {self.name}.created_at "
                    f"{created.isoformat()}; fix the export or read with strict=False",
                    where,
                )
                continue
            out.append(
                (
                    stamp,
                    Event(at, kind, by, status, priority, assignee),
                )
            )
        out.sort(key=_first)  # stable: equal times keep the draft's order
        return body, tuple(event for _, event in out)

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
        """Return the ticket, checked as :func:`~supportkit.as_ticket` checks (strict or lenient).

        ``opening=False`` when the helpdesk keeps the opening message apart (Freshdesk's
        ``description``), so the first message is a reply like any other.
        """
        # The ticket is built here, in one pass, with the checks of as_ticket: the
        # readers give times already parsed and values already mapped, so only their
        # types are checked, and the events are checked as as_ticket checks them.
        name = self.name
        created = _fixed(created_at)
        text, events = self._settle(body or "", created, opening=opening)
        return Ticket(
            id=self.ident,
            channel=_label(channel, f"{name}.channel"),
            subject=_string(subject, f"{name}.subject"),
            body=_string(text, f"{name}.body"),
            tags=_tag_tuple(tags, f"{name}.tags"),
            priority=_label(priority, f"{name}.priority"),
            created_at=created,
            events=events,
            rating=_score(rating, f"{name}.rating"),
            fields=self.fields,
            problems=(*self.problems, *self._dropped),
        )

    def _problem(self, message: str, where: str) -> None:
        if self.ctx.strict:
            raise InvalidTicket(f"{message}.", field=where)
        self._dropped.append(f"{where}: dropped: {message}.")


_first = operator.itemgetter(0)
_stamp = operator.itemgetter("stamp")


def _fixed(value: _dt.datetime | None) -> _dt.datetime | None:
    if value is None or type(value.tzinfo) is _dt.timezone:
        return value
    return to_aware(value, field="created_at")


class Gathered(NamedTuple):
    """One ticket as :mod:`._api` hands it to an adapter's ``build``."""

    key: str  # the ticket id that ``split`` gave
    where: str  # the record's place, for messages
    record: Mapping[str, Any]
    parts: list[tuple[str, str, Any]]  # (kind, where, record) of its comments, ratings …
    users: UserLookup
    ctx: Context

    def draft(
        self, record: Mapping[str, Any] | None = None, *, used: frozenset[str] | None = None
    ) -> Draft:
        """A :class:`Draft` of the ticket, its id from ``record`` (default: :attr:`record`);
        with ``used``, the record's keys not in it are kept in ``fields`` at once."""
        source = self.record if record is None else record
        d = Draft(self.ctx, source.get("id", self.key), self.where)
        if used is not None:
            d.keep(source, used)
        return d


def _wrong(value: Any, field: str, what: str) -> InvalidTicket:
    return InvalidTicket(
        f"{field} must be {what} (got {value!r} that is a {type(value).__name__}); fix the export.",
        field=field,
        value=value,
    )


def _label(value: Any, field: str) -> str | None:
    """A channel or priority: a string (lower case), ``None`` when empty."""
    if value is None or value == "":
        return None
    if type(value) is not str:
        raise _wrong(value, field, "a string")
    text = value.strip().lower()
    return text or None


def _string(value: Any, field: str) -> str:
    if value is None:
        return ""
    if type(value) is not str:
        raise _wrong(value, field, "a string")
    return value


def _tag_tuple(value: Any, field: str) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if not isinstance(value, (list, tuple)):
        raise _wrong(value, field, "a list of strings")
    out: list[str] = []
    for tag in value:
        if type(tag) is not str:
            raise _wrong(tag, f"{field}[{len(out)}]", "a string")
        clean = tag.strip()
        if clean and clean not in out:
            out.append(clean)
    return tuple(out)


def _score(value: Any, field: str) -> int | float | str | None:
    """A rating as ``as_ticket`` reads it, with this module's message for a wrong type."""
    try:
        return _rating(value, field)
    except InvalidTicket:
        raise _wrong(value, field, "a number or a label string") from None


def only_dicts(items: Any) -> Iterator[Mapping[str, Any]]:
    """Yield the mappings of a JSON list (anything else in it is skipped by the shape check)."""
    if isinstance(items, list):
        for item in items:
            if type(item) is dict or isinstance(item, Mapping):
                yield item
