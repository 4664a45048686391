"""Optional fast reading of JSON Lines exports with ``msgspec`` (the ``fast`` extra).

``msgspec`` decodes each line straight into typed structs (types checked while
decoding, in C); :func:`views` then computes the same facts as
:func:`~supportkit.metrics._records._fast_unchecked`. Any line the typed decoder does
not take — unknown keys, naive or unusual timestamps, a boolean rating, invalid JSON —
goes through the pure-Python reader instead, with its errors, so the report is
byte-identical with and without the extra (``tests/metrics/test_fastread.py`` runs
both). ``SUPPORTKIT_PURE=1`` in the environment turns the fast path off.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from collections.abc import Iterator
from typing import Any, Final

from supportkit._ticket import _rating
from supportkit.exceptions import InvalidTicket, MissingExtra
from supportkit.metrics._records import (
    _AUTHORS,
    _NEVER,
    _RATINGS,
    _RESOLVED,
    _STATUSES,
    TicketView,
    _fast,
    _fromiso,
    view_of,
)

try:  # the fast extra
    import msgspec
except ImportError:  # pragma: no cover - exercised where the extra is absent
    msgspec = None  # type: ignore[assignment]

__all__ = ["available", "views"]

#: Environment variable that turns the fast reader off (``1``).
PURE_ENV: Final = "SUPPORTKIT_PURE"


def available() -> bool:
    """Whether the fast reader can run: ``msgspec`` installed and not turned off."""
    return msgspec is not None and os.environ.get(PURE_ENV, "") not in ("1", "true", "yes")


if msgspec is not None:

    class _Event(msgspec.Struct, forbid_unknown_fields=True, gc=False):
        at: str  # parsed with datetime.fromisoformat, exactly as the pure reader does
        type: str
        by: str | None = None
        status: str | None = None
        priority: str | None = None
        assignee: str | None = None
        data: Any = None

    class _Row(msgspec.Struct, forbid_unknown_fields=True, gc=False):
        id: Any = None
        channel: str | None = None
        subject: str | None = None
        body: str | None = None
        tags: list[str] | None = None
        priority: str | None = None
        created_at: str | None = None
        events: list[_Event] | None = None
        rating: int | float | str | None = None
        fields: dict[str, Any] | None = None

    _DECODER: Any = msgspec.json.Decoder(_Row)
    _ERRORS: tuple[type[Exception], ...] = (msgspec.ValidationError, msgspec.DecodeError)


def _view(row: Any) -> TicketView | None:
    """The facts of a typed row, as :func:`_fast_unchecked` computes them (``None``: hand over)."""
    created_raw = row.created_at
    created: _dt.datetime | None = None
    if created_raw is not None and created_raw != "":
        created = _fromiso(created_raw)
        if created.tzinfo is None:
            return None
    channel = row.channel
    if channel is not None:
        channel = channel.strip().lower() or None
    tags_raw = row.tags
    tags: tuple[str, ...] = ()
    if tags_raw:
        for tag in tags_raw:
            if not tag or tag != tag.strip():
                return None
        tags = (
            tuple(tags_raw)
            if len(set(tags_raw)) == len(tags_raw)
            else tuple(dict.fromkeys(tags_raw))
        )
    rating = row.rating
    if type(rating) is str:
        cached = _RATINGS.get(rating, _MISSING)
        if cached is _MISSING:
            cached = _rating(rating, "ticket.rating")
            if len(_RATINGS) < 4096:
                _RATINGS[rating] = cached
        rating = cached
    events = row.events
    if not events:
        return TicketView(channel, tags, created, rating, row.fields, {}, 0, None, *_NEVER)
    prev: _dt.datetime | None = None
    first: dict[str, _dt.datetime] = {}
    agent = 0
    resolved_at: _dt.datetime | None = None
    is_resolved = ever = reopened = False
    for ev in events:
        at = _fromiso(ev.at)
        if at.tzinfo is None:
            return None
        if prev is None:
            if created is not None and at < created:
                return None
        elif at < prev:
            return None
        prev = at
        kind = ev.type
        if kind == "reply":
            by = ev.by
            if by not in _AUTHORS:
                return None
            if by not in first:
                first[by] = at
            if by == "agent":
                agent += 1
        elif kind == "status":
            status = ev.status
            if status not in _STATUSES:
                return None
            if status in _RESOLVED:
                if not is_resolved:
                    resolved_at = at
                    is_resolved = ever = True
            elif is_resolved:
                reopened = True
                is_resolved = False
                resolved_at = None
        elif kind == "note":
            if ev.by not in _AUTHORS:
                return None
        elif kind == "assign":
            pass
        elif kind == "priority":
            if not ev.priority:
                return None
        else:
            return None
    return TicketView(
        channel, tags, created, rating, row.fields, first, agent, resolved_at, ever, reopened
    )


_MISSING: Final = object()


def _slow(line: str, name: str, lineno: int, index: int, strict: bool) -> TicketView:
    """Read one line the pure-Python way (``supportkit._io`` and ``TicketAccumulator``)."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InvalidTicket(
            f"{name}:{lineno} is not valid JSON ({exc.msg} at column {exc.colno}).",
            field=f"{name}:{lineno}",
        ) from exc
    if not isinstance(record, dict):
        raise InvalidTicket(
            f"{name}:{lineno} must be a JSON object, got {type(record).__name__}.",
            field=f"{name}:{lineno}",
        )
    view = _fast(record) if type(record) is dict else None
    return view if view is not None else view_of(record, index=index, strict=strict)


def views(path: str | os.PathLike[str], *, strict: bool = True) -> Iterator[TicketView]:
    """Yield the view of every ticket of a JSON Lines file, as the pure reader would.

    Each line is decoded on its own (measured faster than ``decode_lines`` over chunks);
    a line the typed decoder refuses, or a row :func:`_view` hands over, is read by the
    pure-Python reader, with its errors and line numbers.
    """
    if msgspec is None:
        raise MissingExtra(
            "the fast JSON Lines reader needs msgspec, which is not installed; install it "
            "with: pip install 'supportkit[fast]'.",
            extra="fast",
        )
    name = os.fspath(path)
    decode = _DECODER.decode
    errors = _ERRORS
    slow = _slow
    index = 0
    with open(name, encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                view = _view(decode(line))
            except errors:
                view = None
            except (TypeError, KeyError, ValueError):  # as _fast: the pure reader decides
                view = None
            yield view if view is not None else slow(line, name, lineno, index, strict)
            index += 1
