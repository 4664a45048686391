"""A temporary SQLite file that holds an export while its parts are put together.

Helpdesks send comments, ratings and users apart from tickets (Zendesk audits and
ticket events, Freshdesk conversations, Chatwoot messages), in any order across
files. Rather than a dict of everything, :class:`Spill` writes each record to a
SQLite file in the system temp folder, then hands back one ticket at a time with
its parts. Memory stays bounded by SQLite's page cache (:data:`CACHE_KIB`) plus one
ticket and its parts; the file is deleted when reading ends or is abandoned.

Records are stored with :mod:`marshal` (parsed JSON holds only dicts, lists, strings,
numbers, booleans and ``None``, which marshal round-trips exactly and several times
faster than JSON text); each document's records go in with one ``executemany`` per
table inside the one open transaction, and tickets come back with their parts from
one query ordered by ticket, not one query per ticket.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from typing import Any, Final

__all__ = ["CACHE_KIB", "Spill"]

#: SQLite page cache per spill, in KiB (the memory bound of the spill itself).
CACHE_KIB: Final = 16384

_SCHEMA = """
CREATE TABLE tickets (
    key TEXT PRIMARY KEY, seq INTEGER NOT NULL, src TEXT, doc BLOB, requester TEXT
);
CREATE TABLE parts (ticket TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT, src TEXT, doc BLOB);
CREATE TABLE users (key TEXT PRIMARY KEY, doc BLOB);
"""


_MISSING: Final = object()
_MARSHAL: Final = 4  # marshal format version (stable since Python 3.4)


def _dump(record: Any) -> bytes:
    return marshal.dumps(record, _MARSHAL)


def _requester(record: Any) -> str | None:
    """The ``requester_id`` of a ticket record (Zendesk, Freshdesk), to fetch its user with it."""
    value = record.get("requester_id") if isinstance(record, dict) else None
    return None if value is None else str(value)


class Spill:
    """Tickets, their parts and users, keyed by the helpdesk's ids, on disk."""

    def __init__(self) -> None:
        fd, self.path = tempfile.mkstemp(prefix="supportkit-spill-", suffix=".sqlite")
        os.close(fd)
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._db.executescript(
            "PRAGMA page_size=16384; PRAGMA locking_mode=EXCLUSIVE; "
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
            f"PRAGMA cache_size=-{CACHE_KIB}; PRAGMA temp_store=FILE;" + _SCHEMA
        )
        self._db.execute("BEGIN")
        self._seq = 0
        self._users: dict[str, Any] = {}

    def _next(self) -> int:
        self._seq += 1
        return self._seq

    def ticket(self, key: str, src: str, record: Any) -> None:
        """Store a ticket; a later copy (incremental exports repeat updated tickets) wins,
        keeping the place of the first."""
        self._db.execute(
            "INSERT INTO tickets VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
            "src = excluded.src, doc = excluded.doc, requester = excluded.requester",
            (key, self._next(), src, _dump(record), _requester(record)),
        )

    def part(self, ticket: str, kind: str, src: str, record: Any) -> None:
        """Store a part (comment, audit, rating …) of ticket ``ticket``."""
        self._db.execute(
            "INSERT INTO parts VALUES (?, ?, ?, ?, ?)",
            (ticket, self._next(), kind, src, _dump(record)),
        )

    def user(self, key: str, record: Any) -> None:
        """Store a user (the latest copy wins)."""
        self._db.execute(
            "INSERT OR REPLACE INTO users VALUES (?, ?)",
            (key, _dump(record)),
        )

    def add(self, items: Iterator[tuple[str, str, str, Any]]) -> None:
        """Store the items of one document (``(kind, key, where, record)``) in three batches."""
        tickets, parts, users = [], [], []
        dumps = marshal.dumps
        seq = self._seq
        for kind, key, where, record in items:
            doc = dumps(record, _MARSHAL)
            if kind == "ticket":
                seq += 1
                tickets.append((key, seq, where, doc, _requester(record)))
            elif kind == "user":
                users.append((key, doc))
            else:
                seq += 1
                parts.append((key, seq, kind, where, doc))
        self._seq = seq
        if tickets:
            self._db.executemany(
                "INSERT INTO tickets VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
                "src = excluded.src, doc = excluded.doc, requester = excluded.requester",
                tickets,
            )
        if parts:
            self._db.executemany("INSERT INTO parts VALUES (?, ?, ?, ?, ?)", parts)
        if users:
            self._db.executemany("INSERT OR REPLACE INTO users VALUES (?, ?)", users)

    def lookup_user(self, key: str) -> Any:
        """Return a stored user or ``None`` (a small cache keeps agents, who recur)."""
        known = self._users.get(key, _MISSING)
        if known is not _MISSING:
            return known
        row = self._db.execute("SELECT doc FROM users WHERE key = ?", (key,)).fetchone()
        value = None if row is None else marshal.loads(row[0])  # noqa: S302 (our own file)
        self._remember(key, value)
        return value

    def _remember(self, key: str, value: Any) -> None:
        if len(self._users) >= 4096:
            self._users.clear()
        self._users[key] = value

    def tickets(self) -> Iterator[tuple[str, str, Any, list[tuple[str, str, Any]]]]:
        """Yield ``(key, src, record, parts)`` in order of first appearance."""
        self._db.execute("COMMIT")
        self._db.execute("CREATE INDEX parts_ticket ON parts (ticket, seq)")
        self._db.execute("CREATE INDEX tickets_seq ON tickets (seq)")
        # Two cursors walk in step by the tickets' order: one over the tickets (each with
        # its requester's user, so the usual user lookup needs no query of its own), one
        # over their parts. Each document is read once, never repeated per joined row.
        tickets = self._db.cursor()
        tickets.execute(
            "SELECT t.seq, t.key, t.src, t.doc, t.requester, u.doc "
            "FROM tickets AS t INDEXED BY tickets_seq "
            "LEFT JOIN users AS u ON u.key = t.requester ORDER BY t.seq"
        )
        parts = self._db.cursor()
        parts.execute(
            "SELECT t.seq, p.kind, p.src, p.doc FROM tickets AS t INDEXED BY tickets_seq "
            "JOIN parts AS p ON p.ticket = t.key ORDER BY t.seq, p.seq"
        )
        loads = marshal.loads  # only what this spill wrote to its own private temp file
        rows = iter(parts)
        pending = next(rows, None)
        for seq, key, src, doc, requester, user in tickets:
            if requester is not None:
                self._remember(requester, None if user is None else loads(user))
            own: list[tuple[str, str, Any]] = []
            while pending is not None and pending[0] == seq:
                own.append((pending[1], pending[2], loads(pending[3])))
                pending = next(rows, None)
            yield key, src, loads(doc), own

    def _parts(self, key: str) -> list[tuple[str, str, Any]]:
        rows = self._db.execute(
            "SELECT kind, src, doc FROM parts WHERE ticket = ? ORDER BY seq", (key,)
        ).fetchall()
        return [(kind, src, marshal.loads(doc)) for kind, src, doc in rows]  # noqa: S302

    def orphans(self) -> Iterator[tuple[str, list[tuple[str, str, Any]]]]:
        """Yield ``(ticket key, parts)`` for parts whose ticket never appeared."""
        keys = [
            row[0]
            for row in self._db.execute(
                "SELECT DISTINCT ticket FROM parts WHERE ticket NOT IN (SELECT key FROM tickets) "
                "ORDER BY ticket"
            )
        ]
        for key in keys:
            yield key, self._parts(key)

    def close(self) -> None:
        """Close and delete the file."""
        try:
            self._db.close()
        finally:
            with contextlib.suppress(OSError):
                os.unlink(self.path)
