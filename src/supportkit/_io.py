"""Streaming readers for ticket exports (JSON Lines and CSV), shared by every CLI command."""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from supportkit.exceptions import InvalidArgument, InvalidTicket

__all__ = ["read_records"]


def read_records(source: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """Yield one dict per ticket from a ``.jsonl``/``.ndjson``, ``.json`` or ``.csv`` file.

    JSON Lines and CSV are streamed (constant memory); a ``.json`` file must hold a
    list and is read whole. ``-`` reads JSON Lines from standard input. Errors name
    the file and line.

    Raises:
        InvalidTicket: a line that is not a JSON object, or an unknown extension.
    """
    name = os.fspath(source)
    if name == "-":
        yield from _jsonl(sys.stdin, "<stdin>")
        return
    path = Path(name)
    if not path.is_file():
        raise InvalidArgument(
            f"ticket file {name!r} does not exist or is not a file.", field="path", value=name
        )
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        with path.open(encoding="utf-8") as handle:
            yield from _jsonl(handle, name)
    elif suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                yield {k: v for k, v in row.items() if k is not None}
    elif suffix == ".json":
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
        if isinstance(data, dict) and isinstance(data.get("tickets"), list):
            data = data["tickets"]
        if not isinstance(data, list):
            raise InvalidTicket(
                f"{name} must hold a JSON list of tickets (or {{'tickets': [...]}}).",
                field="path",
                value=name,
            )
        yield from data
    else:
        raise InvalidTicket(
            f"cannot read tickets from {name!r}: use a .jsonl, .ndjson, .json or .csv file.",
            field="path",
            value=name,
        )


def _jsonl(handle: Any, name: str) -> Iterator[dict[str, Any]]:
    for lineno, line in enumerate(handle, start=1):
        if not line.strip():
            continue
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
        yield record
