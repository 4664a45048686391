"""Files and folders into JSON documents, with errors that name the file and position.

A *document* is one parsed API response body (or, for supportkit's own format, one
ticket row): a whole ``.json`` file, one line of a ``.jsonl``/``.ndjson`` file, or
one row of a ``.csv`` file. A folder is read file by file in sorted path order
(sub-folders included), so reading a folder equals reading its files in that order.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs

from supportkit.exceptions import InvalidArgument, InvalidTicket

__all__ = ["SUFFIXES", "Document", "Progress", "documents", "files_of", "parse_json"]

#: File name endings read from a folder (others are ignored; a file given by name
#: with another ending is an error).
SUFFIXES = (".json", ".jsonl", ".ndjson", ".csv")
#: Called with a number of bytes as they are read.
Progress = Callable[[int], None]


@attrs.frozen
class Document:
    """One parsed document and where it came from (``export/page-1.json`` or ``t.jsonl:7``)."""

    where: str
    data: Any
    csv: bool = False


def files_of(path: str | os.PathLike[str]) -> list[Path]:
    """Return the files to read for ``path``: the file itself, or a folder's files, sorted.

    Raises:
        InvalidArgument: ``path`` does not exist, or a folder holds no readable file.
        InvalidTicket: a file with an ending other than ``.json``/``.jsonl``/``.ndjson``/``.csv``.
    """
    name = os.fspath(path)
    where = Path(name)
    if where.is_dir():
        found = sorted(
            (p for p in where.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES),
            key=lambda p: p.relative_to(where).parts,
        )
        if not found:
            raise InvalidArgument(
                f"folder {name!r} holds no .json, .jsonl, .ndjson or .csv file; "
                "point at the folder of the export.",
                field="path",
                value=name,
            )
        return found
    if not where.is_file():
        raise InvalidArgument(
            f"{name!r} does not exist; give an export file or a folder of them.",
            field="path",
            value=name,
        )
    if where.suffix.lower() not in SUFFIXES:
        raise InvalidTicket(
            f"cannot read tickets from {name!r}: use a .json, .jsonl, .ndjson or .csv file.",
            field="path",
            value=name,
        )
    return [where]


def parse_json(text: str, where: str) -> Any:
    """Parse ``text``; a syntax error names ``where``, the line, column and character.

    Raises:
        InvalidTicket: the text is not JSON, or ends early (a truncated download).
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        tail = text.rstrip()
        truncated = exc.pos >= len(tail) - 1 or exc.msg.startswith("Unterminated")
        why = (
            "the file ends in the middle of a value (truncated? download it again)"
            if truncated
            else "fix or re-export the file"
        )
        raise InvalidTicket(
            f"{where} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno} "
            f"(character {exc.pos}); {why}.",
            field=f"{where}:{exc.lineno}:{exc.colno}",
            value=exc.pos,
        ) from exc


def _file_documents(path: Path, progress: Progress | None) -> Iterator[Document]:
    name = os.fspath(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            for row in reader:
                where = f"{name}:{reader.line_num}"
                yield Document(where, {k: v for k, v in row.items() if k is not None}, csv=True)
        if progress is not None:
            progress(path.stat().st_size)
        return
    if suffix == ".json":
        raw = path.read_bytes()
        data = parse_json(raw.decode("utf-8-sig"), name)
        if progress is not None:
            progress(len(raw))
        yield Document(name, data)
        return
    with path.open("rb") as handle:
        for lineno, raw in enumerate(handle, start=1):
            if progress is not None:
                progress(len(raw))
            line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
            if line.strip():
                where = f"{name}:{lineno}"
                yield Document(where, parse_json(line, where))


def documents(
    path: str | os.PathLike[str], *, progress: Progress | None = None
) -> Iterator[Document]:
    """Return every document under ``path``, lazily, file by file in sorted order.

    The path is checked at once (a missing file raises here, not at the first ``next``).
    ``progress`` is called with the number of bytes read as reading goes.
    """
    files = files_of(path)
    return (doc for file in files for doc in _file_documents(file, progress))
