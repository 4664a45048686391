"""Streaming readers for ticket exports (JSON Lines and CSV), shared by every CLI command.

Files are read as bytes and decoded line by line, so a byte that is not UTF-8 is
reported at its own ``file:line``, and a line nested too deeply for the JSON parser is
an :class:`~supportkit.exceptions.InvalidTicket` naming its line, not a
``RecursionError``.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from supportkit.exceptions import InvalidArgument, InvalidTicket

__all__ = ["read_numbered", "read_records"]


def read_records(source: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """Yield one dict per ticket from a ``.jsonl``/``.ndjson``, ``.json`` or ``.csv`` file.

    JSON Lines and CSV are streamed (constant memory); a ``.json`` file must hold a
    list and is read whole. ``-`` reads JSON Lines from standard input. Errors name
    the file and line.

    Raises:
        InvalidArgument: ``source`` is not a path, or names no file.
        InvalidTicket: a line that is not UTF-8 or not a JSON object, or an unknown
            extension.
    """
    for _where, record in read_numbered(source):
        yield record


def read_numbered(source: str | os.PathLike[str]) -> Iterator[tuple[str, Any]]:
    """As :func:`read_records`, each record with where a person finds it in the file.

    The position is ``file.jsonl:5`` (the 1-based line; blank lines count, as in an
    editor), ``file.csv:3`` (the line the row ends on; line 1 is the header),
    ``<stdin>:5``, or ``file.json[4]`` (the 0-based index in the list, since a JSON
    list has no line per ticket).

    Raises:
        As :func:`read_records`.
    """
    if not isinstance(source, (str, os.PathLike)):
        raise InvalidArgument(
            f"ticket file must be a path such as 'tickets.jsonl' (got {type(source).__name__}).",
            field="path",
            value=source,
        )
    name = os.fspath(source)
    if name == "-":
        stdin = getattr(sys.stdin, "buffer", None)
        lines = _decoded(stdin, "<stdin>") if stdin is not None else sys.stdin
        yield from _jsonl(lines, "<stdin>")
        return
    path = Path(name)
    try:
        is_file = path.is_file()
    except (OSError, ValueError):  # a name too long for the file system, a NUL byte
        is_file = False
    if not is_file:
        raise InvalidArgument(
            f"ticket file {name!r:.200} does not exist or is not a file.", field="path", value=name
        )
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        with path.open("rb") as handle:
            yield from _jsonl(_decoded(handle, name), name)
    elif suffix == ".csv":
        with path.open("rb") as handle:
            reader = csv.DictReader(_decoded(handle, name, bom=True))
            for row in reader:
                yield f"{name}:{reader.line_num}", {k: v for k, v in row.items() if k is not None}
    elif suffix == ".json":
        for i, record in enumerate(_json_list(path.read_bytes(), name)):
            yield f"{name}[{i}]", record
    else:
        raise InvalidTicket(
            f"cannot read tickets from {name!r}: use a .jsonl, .ndjson, .json or .csv file.",
            field="path",
            value=name,
        )


def _not_utf8(name: str, lineno: int, exc: UnicodeDecodeError, line: bytes) -> InvalidTicket:
    byte = line[exc.start : exc.start + 1].hex()
    return InvalidTicket(
        f"{name}:{lineno} is not UTF-8 (byte 0x{byte} at column {exc.start + 1}); "
        "save the file as UTF-8.",
        field=f"{name}:{lineno}",
    )


def _decoded(handle: Iterable[bytes], name: str, *, bom: bool = False) -> Iterator[str]:
    """Decode ``handle``'s lines as UTF-8, naming the line of a byte that is not."""
    for lineno, line in enumerate(handle, start=1):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _not_utf8(name, lineno, exc, line) from None
        if bom and lineno == 1:
            text = text.removeprefix("\ufeff")
        yield text


def _loads(text: str | bytes, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidTicket(
            f"{where} is not valid JSON ({exc.msg} at column {exc.colno}).", field=where
        ) from exc
    except RecursionError:
        raise InvalidTicket(
            f"{where} nests lists or objects too deeply to read; a ticket is a flat JSON "
            "object with an events list.",
            field=where,
        ) from None


def _jsonl(lines: Iterable[str], name: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{name}:{lineno}"
        record = _loads(line, where)
        if not isinstance(record, dict):
            raise InvalidTicket(
                f"{where} must be a JSON object, got {type(record).__name__}.", field=where
            )
        yield where, record


def _json_list(data: bytes, name: str) -> Iterator[Any]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        lineno = data.count(b"\n", 0, exc.start) + 1
        start = data.rfind(b"\n", 0, exc.start) + 1
        line = data[start : data.find(b"\n", exc.start) if b"\n" in data[exc.start :] else None]
        shifted = UnicodeDecodeError(exc.encoding, line, exc.start - start, exc.end - start, "")
        raise _not_utf8(name, lineno, shifted, line) from None
    try:
        found = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidTicket(
            f"{name}:{exc.lineno} is not valid JSON ({exc.msg} at column {exc.colno}).",
            field=f"{name}:{exc.lineno}",
        ) from exc
    except RecursionError:
        raise InvalidTicket(
            f"{name} nests lists or objects too deeply to read; write a list of flat ticket "
            "objects.",
            field="path",
            value=name,
        ) from None
    if isinstance(found, dict) and isinstance(found.get("tickets"), list):
        found = found["tickets"]
    if not isinstance(found, list):
        raise InvalidTicket(
            f"{name} must hold a JSON list of tickets (or {{'tickets': [...]}}).",
            field="path",
            value=name,
        )
    yield from found
