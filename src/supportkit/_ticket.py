"""The shared ticket type and the one function that reads tickets from user data.

A ticket arrives as a :class:`Ticket`, as a plain mapping (a JSON export row or a
CSV row), or as a bare string meaning ``{"body": text}``. :func:`as_ticket` turns
any of them into a :class:`Ticket`; every module calls it and none re-implements it.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable, Iterator, Mapping
from itertools import pairwise
from typing import Any, Final

import attrs

from supportkit._frames import is_series, series_row
from supportkit._time import to_aware
from supportkit.exceptions import InvalidArgument, InvalidTicket, InvalidValue, SupportkitError

__all__ = [
    "AUTHORS",
    "CHANNELS",
    "EVENT_TYPES",
    "STATUSES",
    "Event",
    "FrozenFields",
    "Ticket",
    "as_ticket",
    "as_tickets",
]

#: Event types understood by every module.
EVENT_TYPES: Final = ("reply", "note", "status", "priority", "assign")
#: Who wrote a reply (or a note). Only ``agent`` replies count for SLAs by default.
AUTHORS: Final = ("agent", "customer", "rule", "bot")
#: Ticket statuses. ``waiting_customer`` pauses SLA resolution clocks by default.
STATUSES: Final = (
    "new",
    "open",
    "pending",
    "waiting_customer",
    "on_hold",
    "solved",
    "closed",
)
#: Channels known to supportkit; tickets may carry others, rule sets may declare more.
CHANNELS: Final = ("email", "chat", "messenger", "phone", "web", "social", "api")

_KNOWN_KEYS: Final = frozenset(
    {
        "id",
        "channel",
        "subject",
        "body",
        "tags",
        "priority",
        "created_at",
        "events",
        "rating",
        "fields",
    }
)
_EVENT_KEYS: Final = frozenset({"at", "type", "by", "status", "priority", "assignee", "data"})


class FrozenFields(Mapping[str, Any]):
    """A read-only, picklable copy of a ticket's custom fields."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        self._data = dict(data or {})

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._data == dict(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._data)

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenFields, (self._data,))


def _freeze(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(mapping, FrozenFields):
        return mapping
    if not isinstance(mapping, Mapping):
        raise InvalidArgument(
            f"Ticket.fields must be a mapping of custom field names to values such as "
            f"{{'order': 'A-1'}} (got a {type(mapping).__name__}).",
            field="Ticket.fields",
            value=mapping,
        )
    return FrozenFields(mapping)


def _fixed_offset(value: Any, field: str = "Event.at") -> _dt.datetime:
    """Keep the wall clock and instant, but with a fixed-offset tzinfo.

    Python subtracts and compares two datetimes that share one tzinfo object by their
    wall clocks, so with a DST zone ``answered - created`` is an hour off across a
    clock change. Ticket times are instants; a fixed offset makes every difference
    and comparison exact while showing the same local time.
    """
    if value.__class__ is not _dt.datetime or value.tzinfo is None:
        # A naive datetime, a string or another type: the one checking path decides
        # (NaiveDatetimeError, InvalidArgument) or reads the ISO string.
        value = to_aware(value, field=field)
    moment: _dt.datetime = value
    tz = moment.tzinfo
    if type(tz) is _dt.timezone:
        return moment
    offset = moment.utcoffset()
    if offset is None:
        return moment
    return moment.replace(tzinfo=_dt.timezone(offset), fold=0)


def _opt_fixed_offset(value: Any) -> _dt.datetime | None:
    return None if value is None else _fixed_offset(value, "Ticket.created_at")


@attrs.frozen
class Event:
    """One thing that happened to a ticket.

    Attributes:
        at: When it happened (aware).
        type: One of :data:`EVENT_TYPES`.
        by: For ``reply`` and ``note``: one of :data:`AUTHORS`.
        status: For ``status``: one of :data:`STATUSES`.
        priority: For ``priority``: the new priority.
        assignee: For ``assign``: the new assignee (agent or group).
    """

    at: _dt.datetime = attrs.field(converter=_fixed_offset)
    type: str
    by: str | None = None
    status: str | None = None
    priority: str | None = None
    assignee: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form, the inverse of reading it with :func:`as_ticket`."""
        out: dict[str, Any] = {"at": self.at.isoformat(), "type": self.type}
        for key in ("by", "status", "priority", "assignee"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


@attrs.frozen
class Ticket:
    """A support ticket, as every supportkit module sees it.

    Build one with :func:`as_ticket`, which validates and normalises. ``events``
    are sorted by time (stable for equal times). ``problems`` lists what lenient
    reading (``strict=False``) dropped or moved, so nothing is lost silently.
    """

    id: str | None = None
    channel: str | None = None
    subject: str = ""
    body: str = ""
    tags: tuple[str, ...] = ()
    priority: str | None = None
    created_at: _dt.datetime | None = attrs.field(default=None, converter=_opt_fixed_offset)
    events: tuple[Event, ...] = ()
    rating: int | float | str | None = None
    fields: Mapping[str, Any] = attrs.field(factory=dict, converter=_freeze, hash=False)
    problems: tuple[str, ...] = ()

    def text(self, field: str) -> str:
        """Return a text field by name: ``subject``, ``body`` or ``fields.<key>``.

        Missing custom fields read as ``""``; a non-string custom field is converted
        with ``str``.
        """
        if field == "subject":
            return self.subject
        if field == "body":
            return self.body
        key = field.removeprefix("fields.")
        value = self.fields.get(key)
        return "" if value is None else str(value)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form; ``as_ticket(t.to_dict()) == t`` for a strictly read ticket."""
        out: dict[str, Any] = {
            "id": self.id,
            "channel": self.channel,
            "subject": self.subject,
            "body": self.body,
            "tags": list(self.tags),
            "priority": self.priority,
            "created_at": None if self.created_at is None else self.created_at.isoformat(),
            "events": [event.to_dict() for event in self.events],
            "rating": self.rating,
            "fields": dict(self.fields),
        }
        return out


def _opt_str(value: Any, field: str, *, lower: bool = False) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidTicket(
            f"{field} must be a string (got {value!r} that is a {type(value).__name__}).",
            field=field,
            value=value,
        )
    text = str(value).strip()
    return text.lower() if lower else text


def _text(value: Any, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidTicket(
            f"{field} must be a string (got {value!r} that is a {type(value).__name__}).",
            field=field,
            value=value,
        )
    return value


def _tags(value: Any, field: str) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        parts: Iterable[Any] = value.replace(";", ",").replace("|", ",").split(",")
    elif isinstance(value, (list, tuple, set, frozenset)):
        parts = value
    else:
        raise InvalidTicket(
            f"{field} must be a list of strings or a comma-separated string "
            f"(got {value!r} that is a {type(value).__name__}).",
            field=field,
            value=value,
        )
    out: list[str] = []
    for i, tag in enumerate(parts):
        if not isinstance(tag, str):
            raise InvalidTicket(
                f"{field}[{i}] must be a string (got {tag!r}).", field=f"{field}[{i}]", value=tag
            )
        clean = tag.strip()
        if clean and clean not in out:
            out.append(clean)
    return tuple(out)


def _rating(value: Any, field: str) -> int | float | str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            pass
        try:
            return float(text.replace(",", "."))
        except ValueError:
            return text
    raise InvalidTicket(
        f"{field} must be a number or a label string (got {value!r}).", field=field, value=value
    )


def _json_or(value: Any, field: str, kind: type) -> Any:
    if isinstance(value, str):
        if not value.strip():
            return kind()
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise InvalidTicket(
                f"{field} is a string but not valid JSON ({exc.msg} at position {exc.pos}).",
                field=field,
                value=value,
            ) from exc
    return value


def _event(raw: Any, field: str) -> Event:
    if not isinstance(raw, Mapping):
        raise InvalidTicket(
            f"{field} must be a mapping such as "
            f'{{"at": "2024-03-01T09:00:00+03:00", "type": "reply", "by": "agent"}} '
            f"(got {raw!r}).",
            field=field,
            value=raw,
        )
    unknown = sorted(set(raw) - _EVENT_KEYS)
    if unknown:
        raise InvalidTicket(
            f"{field} has unknown key {unknown[0]!r}; known keys are {sorted(_EVENT_KEYS)}.",
            field=f"{field}.{unknown[0]}",
            value=raw[unknown[0]],
        )
    if "at" not in raw:
        raise InvalidTicket(f"{field} has no 'at' time.", field=f"{field}.at")
    at = _row_time(raw["at"], f"{field}.at")
    kind = _opt_str(raw.get("type"), f"{field}.type", lower=True)
    if kind not in EVENT_TYPES:
        raise InvalidTicket(
            f"{field}.type must be one of {list(EVENT_TYPES)} (got {raw.get('type')!r}).",
            field=f"{field}.type",
            value=raw.get("type"),
        )
    by = _opt_str(raw.get("by"), f"{field}.by", lower=True)
    status = _opt_str(raw.get("status"), f"{field}.status", lower=True)
    priority = _opt_str(raw.get("priority"), f"{field}.priority", lower=True)
    assignee = _opt_str(raw.get("assignee"), f"{field}.assignee")
    if kind in ("reply", "note") and by not in AUTHORS:
        raise InvalidTicket(
            f"{field}.by must be one of {list(AUTHORS)} for a {kind} (got {raw.get('by')!r}).",
            field=f"{field}.by",
            value=raw.get("by"),
        )
    if kind == "status" and status not in STATUSES:
        raise InvalidTicket(
            f"{field}.status must be one of {list(STATUSES)} (got {raw.get('status')!r}).",
            field=f"{field}.status",
            value=raw.get("status"),
        )
    if kind == "priority" and priority is None:
        raise InvalidTicket(
            f"{field} is a priority change without a 'priority'.", field=f"{field}.priority"
        )
    return Event(at=at, type=kind, by=by, status=status, priority=priority, assignee=assignee)


_fromisoformat = _dt.datetime.fromisoformat
_FIXED = _dt.timezone
_AUTHORS_SET: Final = frozenset(AUTHORS)
_STATUS_SET: Final = frozenset(STATUSES)
_new_event = Event.__new__
# Keys a well-formed reply/note/status row may have ("data" is ignored, as by _event).
_event_keys_ok = frozenset({"at", "type", "by", "status", "data"}).issuperset
_set = object.__setattr__
# The slots' own setters: a frozen attrs class refuses setattr, and these are
# cheaper than object.__setattr__ (no lookup by name).
_event_at, _event_type, _event_by, _event_status, _event_priority, _event_assignee = (
    Event.__dict__[name].__set__ for name in ("at", "type", "by", "status", "priority", "assignee")
)


def _fast_event_parts(raw: Any) -> tuple[_dt.datetime, str, str | None, str | None] | None:
    """``(at, type, by, status)`` of a well-formed export row, or ``None`` to take the
    checking path.

    Well-formed: a plain ``dict`` with known keys, ``at`` an ISO string with an offset,
    values already in canonical form (lower-case ``type``/``by``/``status``). Anything
    else returns ``None`` and :func:`_event` reads it with every check and message.
    """
    if raw.__class__ is not dict or not _event_keys_ok(raw):
        return None
    at = raw.get("at")
    kind = raw.get("type")
    if at.__class__ is not str or kind.__class__ is not str:
        return None
    try:
        moment = _fromisoformat(at)
    except ValueError:
        return None
    if moment.tzinfo.__class__ is not _FIXED:
        return None
    by = raw.get("by")
    status = raw.get("status")
    if kind == "reply" or kind == "note":  # noqa: PLR1714 - faster than a set lookup here
        if by not in _AUTHORS_SET or status is not None:
            return None
    elif kind == "status":
        if status not in _STATUS_SET or by is not None:
            return None
    else:
        return None
    return moment, kind, by, status


def _fast_event(raw: Any) -> Event | None:
    """An event from a well-formed export row (:func:`_fast_event_parts`), or ``None``."""
    parts = _fast_event_parts(raw)
    if parts is None:
        return None
    event = _new_event(Event)
    _event_at(event, parts[0])
    _event_type(event, parts[1])
    _event_by(event, parts[2])
    _event_status(event, parts[3])
    _event_priority(event, None)
    _event_assignee(event, None)
    return event


_new_ticket = Ticket.__new__
(
    _ticket_id,
    _ticket_channel,
    _ticket_subject,
    _ticket_body,
    _ticket_tags,
    _ticket_priority,
    _ticket_created_at,
    _ticket_events,
    _ticket_rating,
) = (
    Ticket.__dict__[name].__set__
    for name in (
        "id",
        "channel",
        "subject",
        "body",
        "tags",
        "priority",
        "created_at",
        "events",
        "rating",
    )
)
_ticket_fields = Ticket.__dict__["fields"].__set__
_ticket_problems = Ticket.__dict__["problems"].__set__
_NO_FIELDS: Final = FrozenFields()  # read-only, so every ticket without fields shares it
_STR_OR_INT = (str, int)


def _canonical(value: Any) -> bool:
    """``None``, or a string already stripped and lower-case (a channel, a priority)."""
    return value is None or (
        value.__class__ is str and value != "" and value == value.strip().lower()
    )


def _fast_ticket(value: dict[str, Any]) -> Ticket | None:
    """A ticket from a well-formed export row, or ``None`` to take the checking path.

    See :func:`_fast_read`.
    """
    return _fast_read(value, build=True)  # type: ignore[return-value]


def fast_end(value: Any) -> _dt.datetime | None:
    """The last instant (last event, else ``created_at``) of the ticket ``as_ticket``
    reads from ``value`` when that is a well-formed row; ``None`` for any other value.

    As cheap as checking the row: no :class:`Event` is built.
    """
    if value.__class__ is not dict:
        return None
    return _fast_read(value, build=False)  # type: ignore[return-value]


def _fast_read(value: dict[str, Any], *, build: bool) -> Ticket | _dt.datetime | None:
    """A ticket (``build``; else its last instant) from a well-formed export row, or
    ``None`` to take the checking path.

    Well-formed: known keys only, ``created_at`` an ISO string with an offset, every
    event well-formed (:func:`_fast_event`) and in time order, not before
    ``created_at``, text fields strings, ``tags`` a list of clean distinct strings,
    no ``fields``/``rating`` needing conversion. The result is the one the checking
    path gives (a test compares them on random rows).
    """
    if not _KNOWN_KEYS.issuperset(value):
        return None
    created_raw = value.get("created_at")
    if created_raw.__class__ is not str:
        return None
    try:
        created = _fromisoformat(created_raw)
    except ValueError:
        return None
    if created.tzinfo.__class__ is not _FIXED:
        return None
    channel = value.get("channel")
    priority = value.get("priority")
    if not (_canonical(channel) and _canonical(priority)):
        return None
    subject = value.get("subject", "")
    body = value.get("body", "")
    if subject.__class__ is not str or body.__class__ is not str:
        return None
    ident = value.get("id")
    if ident is not None:
        if ident.__class__ not in _STR_OR_INT or ident == "":
            return None
        ident = str(ident)
    tags_raw = value.get("tags")
    tags: tuple[str, ...] = ()
    if tags_raw is not None:
        if tags_raw.__class__ is not list:
            return None
        tags = tuple(tags_raw)
        for tag in tags:
            if tag.__class__ is not str or not tag or tag != tag.strip():
                return None
        if len(set(tags)) != len(tags):
            return None
    rating = value.get("rating")
    if rating is not None and rating.__class__ not in (int, float):
        return None
    if value.get("fields") is not None:
        return None
    events_raw = value.get("events")
    events: list[Event] = []
    if events_raw is not None:
        if events_raw.__class__ is not list:
            return None
        last = created
        if not build:
            for raw in events_raw:
                parts = _fast_event_parts(raw)
                if parts is None or parts[0] < last:
                    return None
                last = parts[0]
            return last
        for raw in events_raw:
            event = _fast_event(raw)
            if event is None or event.at < last:
                return None
            last = event.at
            events.append(event)
    elif not build:
        return created
    ticket = _new_ticket(Ticket)
    _ticket_id(ticket, ident)
    _ticket_channel(ticket, channel)
    _ticket_subject(ticket, subject)
    _ticket_body(ticket, body)
    _ticket_tags(ticket, tags)
    _ticket_priority(ticket, priority)
    _ticket_created_at(ticket, created)
    _ticket_events(ticket, tuple(events))
    _ticket_rating(ticket, rating)
    _ticket_fields(ticket, _NO_FIELDS)
    _ticket_problems(ticket, ())
    return ticket


def _row_time(raw: Any, field: str) -> _dt.datetime:
    """A time of an export row: a text that is no time is an unreadable ticket field."""
    try:
        return to_aware(raw, field=field)
    except InvalidValue as error:
        if type(error) is not InvalidValue:
            raise  # NaiveDatetimeError keeps its own class: the fix is the offset
        raise InvalidTicket(str(error), field=field, value=raw) from None


def as_ticket(value: Any, *, strict: bool = True, field: str = "ticket") -> Ticket:
    """Read a ticket from a :class:`Ticket`, a mapping, or a bare string.

    Args:
        value: A :class:`Ticket` (returned as is), a mapping with the keys ``id``,
            ``channel``, ``subject``, ``body``, ``tags``, ``priority``,
            ``created_at``, ``events``, ``rating``, ``fields``, or a ``str`` meaning
            ``{"body": value}``. CSV rows work too: ``tags`` may be a comma-separated
            string and ``events``/``fields`` JSON strings.
        strict: When ``False``, an event that cannot be read, an event before
            ``created_at`` or an unknown top-level key does not raise: the event is
            dropped, the key moved into ``fields``, and each is described in
            :attr:`Ticket.problems`.
        field: How to name this ticket in error messages (``"tickets[41]"``).

    Raises:
        InvalidTicket: a field that cannot be read (a ``ValueError``); the message
            names the field, e.g. ``ticket.events[2].at``.
        InvalidArgument: ``value`` is not a ticket, a mapping or a string.

    >>> as_ticket("Где моя выплата?").body
    'Где моя выплата?'
    """
    if value.__class__ is dict:
        fast = _fast_ticket(value)
        if fast is not None:
            return fast
    if isinstance(value, Ticket):
        return value
    if isinstance(value, str):
        return Ticket(body=value)
    if is_series(value):  # one DataFrame row
        value = series_row(value)
    if not isinstance(value, Mapping):
        raise InvalidArgument(
            f"{field} must be a Ticket, a mapping or a str (got {type(value).__name__}).",
            field=field,
            value=value,
        )
    problems: list[str] = []
    fields_raw = _json_or(value.get("fields"), f"{field}.fields", dict)
    if fields_raw is None:
        fields_raw = {}
    if not isinstance(fields_raw, Mapping):
        raise InvalidTicket(
            f"{field}.fields must be a mapping (got {fields_raw!r}).",
            field=f"{field}.fields",
            value=fields_raw,
        )
    custom = dict(fields_raw)
    extra = () if _KNOWN_KEYS.issuperset(value) else sorted(set(value) - _KNOWN_KEYS, key=str)
    for key in extra:
        if strict:
            raise InvalidTicket(
                f"{field} has unknown key {key!r}; known keys are {sorted(_KNOWN_KEYS)}. "
                "Put custom data under 'fields', or read with strict=False to move it there.",
                field=f"{field}.{key}",
                value=value[key],
            )
        custom.setdefault(str(key), value[key])
        problems.append(f"{field}.{key}: unknown key moved into fields.")
    created_raw = value.get("created_at")
    created = (
        None
        if created_raw is None or created_raw == ""
        else _row_time(created_raw, f"{field}.created_at")
    )
    events_raw = _json_or(value.get("events"), f"{field}.events", list)
    if events_raw is None:
        events_raw = []
    if not isinstance(events_raw, (list, tuple)):
        raise InvalidTicket(
            f"{field}.events must be a list (got {type(events_raw).__name__}).",
            field=f"{field}.events",
            value=events_raw,
        )
    events: list[Event] = []
    for i, raw in enumerate(events_raw):
        quick = _fast_event(raw)
        # Both fixed-offset: datetime comparison is by instant.
        if quick is not None and (created is None or quick.at >= created):
            events.append(quick)
            continue
        where = f"{field}.events[{i}]"
        try:
            event = _event(raw, where)
            # Compare instants: two datetimes sharing a ZoneInfo compare by wall clock,
            # which misorders the repeated hour of an autumn DST change (PEP 495).
            if created is not None and event.at.timestamp() < created.timestamp():
                raise InvalidTicket(
                    f"{where}.at {event.at.isoformat()} is before {field}.created_at "
                    f"{created.isoformat()}; fix the export or read with strict=False.",
                    field=f"{where}.at",
                    value=event.at,
                )
        except SupportkitError as exc:
            if strict:
                raise
            problems.append(f"{where}: dropped: {exc}")
            continue
        events.append(event)
    if any(a.at > b.at for a, b in pairwise(events)):  # fixed offsets: by instant
        events.sort(key=lambda e: e.at.timestamp())
    ident = value.get("id")
    return Ticket(
        id=None if ident is None or ident == "" else str(ident),
        channel=_opt_str(value.get("channel"), f"{field}.channel", lower=True),
        subject=_text(value.get("subject"), f"{field}.subject"),
        body=_text(value.get("body"), f"{field}.body"),
        tags=_tags(value.get("tags"), f"{field}.tags"),
        priority=_opt_str(value.get("priority"), f"{field}.priority", lower=True),
        created_at=created,
        events=tuple(events),
        rating=_rating(value.get("rating"), f"{field}.rating"),
        fields=custom,
        problems=tuple(problems),
    )


def as_tickets(values: Iterable[Any], *, strict: bool = True) -> Iterable[Ticket]:
    """Lazily read many tickets, naming each by its position (``tickets[41]``)."""
    for i, value in enumerate(values):
        yield as_ticket(value, strict=strict, field=f"tickets[{i}]")
