"""``SQLiteJourneyStore``: an append-only event log per journey on the stdlib ``sqlite3``.

* **Append-only**: events are rows ``(journey_id, seq)``; triggers refuse ``UPDATE``
  and ``DELETE`` on them.
* **Optimistic concurrency**: every append states the version (number of events) it
  expects; if another writer got there first the append fails with
  :class:`~supportkit.exceptions.ConcurrencyError` and writes nothing.
* **Transactions**: an append of several events is one ``BEGIN IMMEDIATE`` transaction
  — all of it is stored or none; ``store.transaction()`` groups several writes.
* **Durability**: WAL journal with ``synchronous=FULL`` by default: a commit returns only
  after the WAL is fsynced, so an acknowledged append survives a process kill *and* a
  power cut. ``synchronous="NORMAL"`` survives a process kill but may lose the last
  commits on power loss, for more appends per second.
* **Versioned schema**: ``meta.schema_version`` with forward-only migrations; a file
  from a newer supportkit, another application's database, a directory or a file that
  is not SQLite is refused *before anything is written to it*.
* **Call list**: :meth:`claim_next` under the file's write lock (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import math
import os
import sqlite3
import threading
from collections.abc import Iterator
from typing import Any

from supportkit.exceptions import ConcurrencyError, InvalidValue
from supportkit.onboarding._sqlitefile import (
    MIGRATIONS,
    check_path,
    check_version,
    corrupt,
    inspect_file,
)
from supportkit.onboarding._storebase import JourneyStore
from supportkit.onboarding._storerows import (
    SCHEMA_VERSION,
    Ask,
    Claimed,
    Conflict,
    EventRow,
    Item,
    JourneyRow,
    NeedsIndex,
    StoreUnavailable,
)

__all__ = ["SQLiteJourneyStore"]

_SYNC = ("FULL", "NORMAL", "EXTRA")
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


def _us(at: _dt.datetime) -> int:
    return (at - _EPOCH) // _dt.timedelta(microseconds=1)


class SQLiteJourneyStore(JourneyStore):
    """Journeys as append-only event logs in one SQLite file.

    Args:
        path: The database file (``":memory:"`` for tests).
        synchronous: ``"FULL"`` (default, durable across power loss), ``"NORMAL"`` or
            ``"EXTRA"``.
        timeout: Seconds to wait for another writer's lock; after it a write raises
            :class:`~supportkit.exceptions.ConcurrencyError` naming the file.

    Use one store object per thread or process; they may share the file.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, synchronous: str = "FULL", timeout: float = 30.0
    ) -> None:
        mode = str(synchronous).upper() if isinstance(synchronous, str) else synchronous
        if mode not in _SYNC:
            raise InvalidValue(
                f"synchronous must be one of {list(_SYNC)} (got {synchronous!r}).",
                field="synchronous",
                value=synchronous,
            )
        if (
            not isinstance(timeout, (int, float))
            or isinstance(timeout, bool)
            or not math.isfinite(timeout)
            or timeout < 0
        ):
            raise InvalidValue(
                f"timeout must be a number of seconds >= 0 (got {timeout!r}).",
                field="timeout",
                value=timeout,
            )
        self.path = check_path(path)
        self.synchronous = mode
        self.timeout = float(timeout)
        self._lock = threading.RLock()
        self._depth = 0
        self._doomed = False
        if self.path != ":memory:":
            inspect_file(self.path)
        try:
            self._db = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StoreUnavailable(
                f"store {self.path!r} cannot be opened ({exc}).", field="path"
            ) from exc
        try:
            with self._errors():
                self._migrate()
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute(f"PRAGMA synchronous={mode}")
                self._db.execute("PRAGMA foreign_keys=ON")
        except BaseException:
            self._db.close()
            raise

    def _migrate(self) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                current = check_version(self._db, self.path)
                for version in range(current + 1, SCHEMA_VERSION + 1):
                    for statement in MIGRATIONS[version]:
                        self._db.execute(statement)
                if current < SCHEMA_VERSION:
                    self._db.execute(
                        "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                        (str(SCHEMA_VERSION),),
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """Translate ``sqlite3`` errors into supportkit's."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            text = str(exc)
            if "locked" in text or "busy" in text:
                raise ConcurrencyError(
                    f"store {self.path!r} stayed locked by another writer for the whole busy "
                    f"timeout of {self.timeout:g} s; retry later or pass a longer timeout=.",
                    field="timeout",
                    value=self.timeout,
                ) from exc
            if "malformed" in text or "not a database" in text:
                raise corrupt(self.path, exc) from exc
            raise StoreUnavailable(
                f"store {self.path!r} cannot be used ({exc}).", field="path"
            ) from exc
        except sqlite3.ProgrammingError as exc:
            raise StoreUnavailable(
                f"store {self.path!r} cannot be used ({exc}); open a new store.", field="path"
            ) from exc
        except sqlite3.DatabaseError as exc:
            # DatabaseError also covers IntegrityError: a row this store cannot write.
            if isinstance(exc, sqlite3.IntegrityError):
                raise InvalidValue(
                    f"store {self.path!r} refused the write ({exc}).", field="path"
                ) from exc
            raise corrupt(self.path, exc) from exc
        except sqlite3.Error as exc:
            raise StoreUnavailable(
                f"store {self.path!r} cannot be used ({exc}).", field="path"
            ) from exc

    @contextlib.contextmanager
    def _outer_tx(self) -> Iterator[None]:
        """``BEGIN IMMEDIATE`` (the file's write lock) ... ``COMMIT``, or ``ROLLBACK``."""
        with self._errors():
            self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            with self._errors():
                self._db.execute("ROLLBACK")
            raise
        with self._errors():
            self._db.execute("COMMIT")

    _own_tx = _outer_tx

    # -- context manager ------------------------------------------------------------------
    def _disconnect(self) -> None:
        self._db.close()

    def __repr__(self) -> str:
        return f"SQLiteJourneyStore({self.path!r}, synchronous={self.synchronous!r})"

    def _describe(self) -> str:
        return f"store {self.path!r}"

    @property
    def schema_version(self) -> int:
        """The schema version stored in the file."""
        self._check_open()
        with self._lock, self._errors():
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0])

    # -- primitives ---------------------------------------------------------------------------
    def _write(self, items: list[Item]) -> None:
        db = self._db
        with self._tx():
            for index, item in enumerate(items):
                row = db.execute(
                    "SELECT version FROM journeys WHERE journey_id = ?", (item.journey_id,)
                ).fetchone()
                found = None if row is None else int(row[0])
                last = None if item.last_at is None else _us(item.last_at)
                if item.expected is None:
                    if found is not None:
                        raise Conflict(index, found)
                    db.execute(
                        "INSERT INTO journeys (journey_id, flow, started_at, data, version, "
                        "state, last_us) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (
                            item.journey_id,
                            item.flow,
                            item.started_at,
                            item.data,
                            item.version,
                            item.state,
                            last,
                        ),
                    )
                else:
                    if found != item.expected:
                        raise Conflict(index, found)
                    db.execute(
                        "UPDATE journeys SET version = ?, state = coalesce(?, state), "
                        "last_us = coalesce(?, last_us) WHERE journey_id = ?",
                        (item.version, item.state, last, item.journey_id),
                    )
                db.executemany(
                    "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)",
                    [(item.journey_id, *r) for r in item.events],
                )

    def _read(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        with self._lock, self._errors():
            return self._db.execute(sql, args).fetchall()

    def _journey_row(self, journey_id: str) -> tuple[str, str, str, int] | None:
        rows = self._read(
            "SELECT flow, started_at, data, version FROM journeys WHERE journey_id = ?",
            (journey_id,),
        )
        return None if not rows else (rows[0][0], rows[0][1], rows[0][2], int(rows[0][3]))

    def _event_rows(self, journey_id: str) -> list[EventRow]:
        return self._read(
            "SELECT seq, event, at, actor, data FROM events WHERE journey_id = ? ORDER BY seq",
            (journey_id,),
        )

    def _fetch(self, journey_id: str) -> tuple[JourneyRow, list[EventRow]] | None:
        with self._lock, self._errors():
            own = not self._depth
            if own:
                self._db.execute("BEGIN")  # one read snapshot for both queries
            try:
                row = self._journey_row(journey_id)
                events = [] if row is None else self._event_rows(journey_id)
            finally:
                if own:
                    self._db.execute("COMMIT")
        return None if row is None else (row, events)

    def _ids(self, flow: str | None) -> list[str]:
        if flow is None:
            return [r[0] for r in self._read("SELECT journey_id FROM journeys ORDER BY 1")]
        return [
            r[0]
            for r in self._read(
                "SELECT journey_id FROM journeys WHERE flow = ? ORDER BY 1", (flow,)
            )
        ]

    def _unindexed(self, flow: str) -> list[tuple[str, int]]:
        return [
            (r[0], int(r[1]))
            for r in self._read(
                "SELECT journey_id, version FROM journeys WHERE flow = ? AND state IS NULL",
                (flow,),
            )
        ]

    def _index(self, journey_id: str, version: int, state: str, last_at: _dt.datetime) -> None:
        with self._tx():
            self._db.execute(
                "UPDATE journeys SET state = ?, last_us = ? WHERE journey_id = ? AND version = ?",
                (state, _us(last_at), journey_id, version),
            )

    def _claim(self, ask: Ask) -> Claimed | None:
        by_rank: dict[int, list[str]] = {}
        for name, rank in ask.states.items():
            by_rank.setdefault(rank, []).append(name)
        edge, at = _us(ask.cutoff), _us(ask.now)
        with self._tx():
            if self._db.execute(
                "SELECT 1 FROM journeys WHERE flow = ? AND state IS NULL LIMIT 1", (ask.flow,)
            ).fetchone():
                raise NeedsIndex
            # Closest to done first: one state group at a time, each an index scan in
            # (last event, id) order that stops at the first free journey.
            for rank in sorted(by_rank):
                names = by_rank[rank]
                marks = ", ".join("?" * len(names))
                row = self._db.execute(
                    f"SELECT journey_id FROM journeys WHERE flow = ? AND state IN ({marks}) "  # noqa: S608
                    "AND last_us <= ? AND (claim_until IS NULL OR claim_until <= ?) "
                    "AND (called_us IS NULL OR called_us <= ?) "
                    "ORDER BY last_us, journey_id LIMIT 1",
                    (ask.flow, *names, edge, at, edge),
                ).fetchone()
                if row is not None:
                    self._db.execute(
                        "UPDATE journeys SET claim_operator = ?, claim_token = ?, "
                        "claim_until = ? WHERE journey_id = ?",
                        (ask.operator, ask.token, _us(ask.until), row[0]),
                    )
                    return (str(row[0]), None, None)
        return None

    def _end(self, journey_id: str, token: str, called_at: _dt.datetime | None) -> bool:
        with self._tx():
            cursor = self._db.execute(
                "UPDATE journeys SET claim_operator = NULL, claim_token = NULL, "
                "claim_until = NULL, called_us = coalesce(?, called_us) "
                "WHERE journey_id = ? AND claim_token = ?",
                (None if called_at is None else _us(called_at), journey_id, token),
            )
            return cursor.rowcount == 1
