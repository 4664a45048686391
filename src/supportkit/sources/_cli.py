"""``supportkit import SOURCE PATH [-o FILE]``: a helpdesk export to supportkit JSON Lines.

The tickets go to a temporary file next to the output and are renamed into place
only when the whole export was read, so an error leaves nothing written (with no
``-o`` the temporary file is copied to standard output at the end). Progress goes to
stderr: a bar with count, rate and ETA on a terminal, a line every few seconds
otherwise; the run ends with a summary of tickets, events by type and problems by kind.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, Final, TextIO

from supportkit.exceptions import InvalidArgument
from supportkit.sources._api import NAMES, read
from supportkit.sources._reading import files_of

__all__ = ["problem_kind", "register", "run_import"]

_KINDS: Final = (
    ("unknown key", "unknown key"),
    ("dropped", "dropped event"),
    ("no file holds", "part without ticket"),
    ("status", "unknown status"),
    ("role", "unknown role"),
    ("sender_type", "unknown role"),
    ("comment from", "unknown role"),
    ("createdBy", "unknown role"),
    ("author", "unknown author"),
    ("channel", "unknown channel"),
    ("source", "unknown channel"),
    ("priority", "unknown priority"),
    ("UTC offset", "local time"),
)


def problem_kind(problem: str) -> str:
    """Return the kind of a ``ticket.problems`` entry, for the summary."""
    for needle, kind in _KINDS:
        if needle in problem:
            return kind
    return "other"


class _Progress:
    """Count, rate and ETA on stderr; a redrawn bar on a terminal, lines otherwise."""

    def __init__(self, stream: TextIO, total_bytes: int) -> None:
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.total = max(total_bytes, 1)
        self.bytes = 0
        self.tickets = 0
        self.start = time.monotonic()
        self.last = self.start

    def read(self, count: int) -> None:
        self.bytes += count
        self._tick()

    def ticket(self) -> None:
        self.tickets += 1
        self._tick()

    def _tick(self) -> None:
        now = time.monotonic()
        if now - self.last < (0.2 if self.tty else 5.0):
            return
        self.last = now
        self.draw(now)

    def draw(self, now: float) -> None:
        elapsed = max(now - self.start, 1e-9)
        share = min(self.bytes / self.total, 1.0)
        rate = self.tickets / elapsed
        if self.tty:
            eta = elapsed * (1 - share) / share if share > 0 else 0.0
            bar = "#" * int(share * 30)
            self.stream.write(
                f"\r[{bar:<30}] {share:4.0%} {self.tickets} tickets, {rate:,.0f}/s, "
                f"ETA {eta:4.0f} s "
            )
        else:
            self.stream.write(
                f"supportkit: import: read {share:.0%}, {self.tickets} tickets ({rate:,.0f}/s)\n"
            )
        self.stream.flush()

    def done(self) -> None:
        if self.tty and self.last > self.start:
            self.stream.write("\r" + " " * 79 + "\r")
            self.stream.flush()


def run_import(args: argparse.Namespace) -> int:
    """Handle ``supportkit import``."""
    source = args.source
    total = sum(f.stat().st_size for f in files_of(args.path))
    progress = _Progress(sys.stderr, total)
    target = Path(args.output) if args.output else None
    folder = target.parent if target is not None else None
    try:
        fd, temp = tempfile.mkstemp(
            prefix=".supportkit-import-", suffix=".jsonl", dir=folder if folder else None
        )
    except OSError as exc:
        raise InvalidArgument(
            f"cannot write to {os.fspath(folder or '.')!r} ({exc.strerror}); "
            "choose a writable -o path.",
            field="output",
            value=args.output,
        ) from exc
    events: Counter[str] = Counter()
    problems: Counter[str] = Counter()
    count = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            tickets = read(
                args.path,
                source=source,
                strict=not args.lenient,
                tz=args.tz,
                progress=progress.read,
            )
            for ticket in tickets:
                out.write(json.dumps(ticket.to_dict(), ensure_ascii=False))
                out.write("\n")
                count += 1
                progress.ticket()
                events.update(event.type for event in ticket.events)
                problems.update(problem_kind(p) for p in ticket.problems)
        if target is not None:
            os.replace(temp, target)
        else:
            with open(temp, encoding="utf-8") as handle:
                shutil.copyfileobj(handle, sys.stdout)
            sys.stdout.flush()
    finally:
        progress.done()
        with contextlib.suppress(OSError):
            os.unlink(temp)
    by_type = ", ".join(f"{k} {v}" for k, v in sorted(events.items())) or "none"
    by_kind = ", ".join(f"{k} {v}" for k, v in sorted(problems.items())) or "none"
    where = f" to {args.output}" if target is not None else ""
    print(
        f"supportkit: imported {count} tickets{where}; events: {by_type}; problems: {by_kind}",
        file=sys.stderr,
    )
    return 0


def register(sub: Any) -> None:
    """Add the ``import`` subcommand."""
    parser = sub.add_parser(
        "import",
        help="turn a helpdesk export (Zendesk, Freshdesk, Chatwoot, ...) into supportkit JSONL",
        description=(
            "Read an export of a helpdesk's API responses (a file or a folder) and write "
            "supportkit JSON Lines. Nothing is written when the export cannot be read."
        ),
    )
    parser.add_argument(
        "source",
        metavar="SOURCE",
        choices=("auto", *NAMES),
        help=f"auto or one of: {', '.join(NAMES)}",
    )
    parser.add_argument("path", metavar="PATH", help="an export file or a folder of them")
    parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE (default stdout)")
    parser.add_argument(
        "--tz",
        default=None,
        help="time zone of local times without an offset (Usedesk), e.g. Europe/Moscow",
    )
    parser.add_argument(
        "--lenient",
        action="store_true",
        help="keep tickets with unknown values, noting them in problems",
    )
    parser.set_defaults(func=run_import)
