"""Optional fast reading of JSON Lines exports with ``msgspec`` (the ``fast`` extra).

``msgspec`` decodes each line straight into a typed struct (the row's field types
checked while decoding, in C); :func:`views` then computes the facts with the pure
reader's own :func:`~supportkit.metrics._records.row_view`. Any line the typed decoder does
not take — unknown keys, naive or unusual timestamps, a boolean rating, invalid JSON —
goes through the pure-Python reader instead, with its errors, so the report is
byte-identical with and without the extra (``tests/metrics/test_fastread.py`` runs
both). ``SUPPORTKIT_PURE=1`` in the environment turns the fast path off.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any, Final

from supportkit._io import _loads, _not_utf8, read_numbered
from supportkit.exceptions import InvalidTicket, MissingExtra
from supportkit.metrics._records import TicketView, _fast, row_view, view_of

try:  # the fast extra
    import msgspec
except ImportError:  # pragma: no cover - exercised where the extra is absent
    msgspec = None  # type: ignore[assignment]

__all__ = ["available", "pure_views", "views"]

#: Environment variable that turns the fast reader off (``1``).
PURE_ENV: Final = "SUPPORTKIT_PURE"


def available() -> bool:
    """Whether the fast reader can run: ``msgspec`` installed and not turned off."""
    return msgspec is not None and os.environ.get(PURE_ENV, "") not in ("1", "true", "yes")


if msgspec is not None:

    class _Row(msgspec.Struct, forbid_unknown_fields=True, gc=False):
        id: Any = None
        channel: str | None = None
        subject: str | None = None
        body: str | None = None
        tags: list[str] | None = None
        priority: str | None = None
        created_at: str | None = None  # parsed with datetime.fromisoformat, as the pure reader
        # Events stay plain dicts, so row_view checks and reads them as the pure reader
        # does (measured: 0.15 µs a ticket slower to decode than typed event structs).
        events: list[dict[str, Any]] | None = None
        rating: int | float | str | None = None
        fields: dict[str, Any] | None = None

    _DECODER: Any = msgspec.json.Decoder(_Row)
    _ERRORS: tuple[type[Exception], ...] = (msgspec.ValidationError, msgspec.DecodeError)


def _slow(line: bytes, name: str, lineno: int, strict: bool) -> TicketView | None:
    """Read one line the pure-Python way (``supportkit._io`` and ``TicketAccumulator``).

    ``None``: the line is blank once decoded (``_io`` skips it too).
    """
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _not_utf8(name, lineno, exc, line) from None
    if not text.strip():
        return None
    where = f"{name}:{lineno}"
    record = _loads(text, where)
    if type(record) is not dict:
        raise InvalidTicket(
            f"{where} must be a JSON object, got {type(record).__name__}.", field=where
        )
    view = _fast(record)
    return view if view is not None else view_of(record, field=where, strict=strict)


def pure_views(source: str | os.PathLike[str], *, strict: bool = True) -> Iterator[TicketView]:
    """Yield the view of every ticket of a file (any format ``supportkit._io`` reads).

    The reader without the extra: a ticket that cannot be read is named by where it is
    in the file (``export.jsonl:5``) and its ``id``, as :func:`views` names it.
    """
    for where, record in read_numbered(source):
        yield view_of(record, field=where, strict=strict)


def views(path: str | os.PathLike[str], *, strict: bool = True) -> Iterator[TicketView]:
    """Yield the view of every ticket of a JSON Lines file, as the pure reader would.

    Each line is decoded on its own (measured faster than ``decode_lines`` over chunks);
    a line the typed decoder refuses, or a row that
    :func:`~supportkit.metrics._records.row_view` hands over, is read by the pure-Python
    reader, with its errors and line numbers.
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
    with open(name, "rb") as handle:
        # msgspec reads the bytes (and checks they are UTF-8) itself; a line it refuses
        # is decoded as supportkit._io does, so a bad byte gets the pure reader's error.
        for lineno, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = decode(line)
                view = row_view(
                    row.channel, row.tags, row.created_at, row.rating, row.fields, row.events
                )
            except errors:
                view = None
            except RecursionError:  # nested too deeply for msgspec: _loads says so
                view = None
            except (TypeError, KeyError, ValueError):  # as _fast: the pure reader decides
                view = None
            if view is None:
                view = slow(line, name, lineno, strict)
                if view is None:
                    continue
            yield view
