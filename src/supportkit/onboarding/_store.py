"""``SQLiteJourneyStore``: an append-only event log per journey on the stdlib ``sqlite3``.

* **Append-only**: events are rows ``(journey_id, seq)``; triggers refuse ``UPDATE``
  and ``DELETE`` on them.
* **Optimistic concurrency**: every append states the version (number of events) it
  expects; if another writer got there first the append fails with
  :class:`~supportkit.exceptions.ConcurrencyError` and writes nothing.
* **Transactions**: an append of several events is one ``BEGIN IMMEDIATE`` transaction
  — all of it is stored or none.
* **Durability**: WAL journal with ``synchronous=FULL`` by default: a commit returns only
  after the WAL is fsynced, so an acknowledged append survives a process kill *and* a
  power cut. ``synchronous="NORMAL"`` survives a process kill but may lose the last
  commits on power loss, for more appends per second.
* **Versioned schema**: ``meta.schema_version``; a store from a newer supportkit is
  refused instead of misread.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from supportkit.exceptions import ConcurrencyError, InvalidArgument, InvalidFlow, InvalidValue
from supportkit.onboarding._flow import Flow
from supportkit.onboarding._journey import Journey, Step, replay

__all__ = ["SCHEMA_VERSION", "SQLiteJourneyStore"]

#: The schema this version of supportkit writes.
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS journeys (
    journey_id TEXT PRIMARY KEY,
    flow TEXT NOT NULL,
    started_at TEXT NOT NULL,
    data TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    journey_id TEXT NOT NULL REFERENCES journeys (journey_id),
    seq INTEGER NOT NULL,
    event TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    data TEXT,
    PRIMARY KEY (journey_id, seq)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
"""

_SYNC = ("FULL", "NORMAL", "EXTRA")


def _row(step: Step | Any, i: int) -> tuple[str, str, str, str | None]:
    if isinstance(step, Step):
        return (
            step.event,
            step.at.isoformat(),
            step.actor,
            json.dumps(step.data) if step.data else None,
        )
    raise InvalidArgument(
        f"steps[{i}] must be a Step from journey.history (got {step!r}).",
        field=f"steps[{i}]",
        value=step,
    )


class SQLiteJourneyStore:
    """Journeys as append-only event logs in one SQLite file.

    Args:
        path: The database file (``":memory:"`` for tests).
        synchronous: ``"FULL"`` (default, durable across power loss), ``"NORMAL"`` or
            ``"EXTRA"``.
        timeout: Seconds to wait for another writer's lock.

    Use one store object per thread or process; they may share the file.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, synchronous: str = "FULL", timeout: float = 30.0
    ) -> None:
        mode = str(synchronous).upper()
        if mode not in _SYNC:
            raise InvalidValue(
                f"synchronous must be one of {list(_SYNC)} (got {synchronous!r}).",
                field="synchronous",
                value=synchronous,
            )
        self.path = os.fspath(path)
        self.synchronous = mode
        self._lock = threading.RLock()
        self._db = sqlite3.connect(
            self.path, timeout=timeout, isolation_level=None, check_same_thread=False
        )
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(f"PRAGMA synchronous={mode}")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except BaseException:
            self._db.close()
            raise

    def _migrate(self) -> None:
        with self._lock:
            # executescript commits first, so the idempotent DDL runs on its own.
            self._db.executescript(_SCHEMA)
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute(
                    "SELECT value FROM meta WHERE key = 'schema_version'"
                ).fetchone()
                if row is None:
                    self._db.execute(
                        "INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
                    )
                elif int(row[0]) > SCHEMA_VERSION:
                    raise InvalidValue(
                        f"store {self.path!r} has schema version {row[0]}, newer than "
                        f"{SCHEMA_VERSION}; upgrade supportkit to read it.",
                        field="schema_version",
                        value=int(row[0]),
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    # -- context manager ------------------------------------------------------------------
    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def __enter__(self) -> SQLiteJourneyStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SQLiteJourneyStore({self.path!r}, synchronous={self.synchronous!r})"

    @property
    def schema_version(self) -> int:
        """The schema version stored in the file."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0])

    # -- writing ----------------------------------------------------------------------------
    def save(self, journey: Journey, *, expected_version: int | None = None) -> int:
        """Store a new journey (``expected_version=None``) or its events after ``expected_version``.

        Returns:
            The stored version (``journey.version``).

        Raises:
            ConcurrencyError: the journey exists already (for a new one), or the store
                is not at ``expected_version``.
        """
        if not isinstance(journey, Journey):
            raise InvalidArgument(
                f"journey must be a Journey (got {type(journey).__name__}).",
                field="journey",
                value=journey,
            )
        if expected_version is None:
            return self.save_many([journey])[0]
        if not 0 <= expected_version <= journey.version:
            raise InvalidValue(
                f"expected_version must be between 0 and journey.version={journey.version} "
                f"(got {expected_version!r}).",
                field="expected_version",
                value=expected_version,
            )
        return self.append(
            journey.subject_id,
            journey.history[expected_version:],
            expected_version=expected_version,
        )

    def save_many(
        self, journeys: Sequence[Journey], *, expected_versions: Sequence[int | None] | None = None
    ) -> list[int]:
        """Save several journeys in **one** transaction (group commit): all or nothing.

        With ``synchronous=FULL`` each commit costs an fsync; committing a batch of
        journeys together is how a busy host reaches thousands of durable events per
        second. ``expected_versions[i]`` is as for :meth:`save` (``None``: new journey).

        Raises:
            ConcurrencyError: any journey conflicts; nothing of the batch is written.
        """
        items = list(journeys)
        expected = [None] * len(items) if expected_versions is None else list(expected_versions)
        if len(expected) != len(items):
            raise InvalidValue(
                f"expected_versions must have one entry per journey ({len(items)}), "
                f"got {len(expected)}.",
                field="expected_versions",
                value=expected_versions,
            )
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                out = [self._write(j, v) for j, v in zip(items, expected, strict=True)]
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return out

    def _write(self, journey: Journey, expected: int | None) -> int:
        if not isinstance(journey, Journey):
            raise InvalidArgument(
                f"journey must be a Journey (got {type(journey).__name__}).",
                field="journey",
                value=journey,
            )
        found = self._db.execute(
            "SELECT version FROM journeys WHERE journey_id = ?", (journey.subject_id,)
        ).fetchone()
        if expected is None:
            if found is not None:
                raise ConcurrencyError(
                    f"journey {journey.subject_id!r} is already stored at version "
                    f"{found[0]}; load it and save with expected_version.",
                    field="journey_id",
                    value=journey.subject_id,
                )
            self._db.execute(
                "INSERT INTO journeys VALUES (?, ?, ?, ?, ?)",
                (
                    journey.subject_id,
                    journey.flow.name,
                    journey.started_at.isoformat(),
                    json.dumps(dict(journey.start_data)),
                    journey.version,
                ),
            )
            self._insert(journey.subject_id, 0, [_row(s, i) for i, s in enumerate(journey.history)])
            return journey.version
        if found is None or found[0] != expected:
            raise ConcurrencyError(
                f"journey {journey.subject_id!r} is at version "
                f"{None if found is None else found[0]}, not {expected}; another writer got "
                "there first — reload and retry.",
                field="expected_version",
                value=expected,
            )
        rows = [_row(s, i) for i, s in enumerate(journey.history[expected:])]
        self._insert(journey.subject_id, expected, rows)
        self._db.execute(
            "UPDATE journeys SET version = ? WHERE journey_id = ?",
            (expected + len(rows), journey.subject_id),
        )
        return expected + len(rows)

    def _insert(
        self, journey_id: str, version: int, rows: list[tuple[str, str, str, str | None]]
    ) -> None:
        self._db.executemany(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)",
            [(journey_id, version + i + 1, *r) for i, r in enumerate(rows)],
        )

    def append(self, journey_id: str, steps: Sequence[Step], *, expected_version: int) -> int:
        """Append ``steps`` to a stored journey in one transaction.

        Args:
            journey_id: The journey's subject id.
            steps: :class:`Step` objects (the tail of ``journey.history``).
            expected_version: The number of events the caller saw.

        Returns:
            The new version.

        Raises:
            ConcurrencyError: the journey is not at ``expected_version`` (nothing written).
            InvalidValue: no such journey.
        """
        rows = [_row(s, i) for i, s in enumerate(steps)]
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                found = self._db.execute(
                    "SELECT version FROM journeys WHERE journey_id = ?", (journey_id,)
                ).fetchone()
                if found is None:
                    raise InvalidValue(
                        f"journey {journey_id!r} is not in the store; save it first.",
                        field="journey_id",
                        value=journey_id,
                    )
                if found[0] != expected_version:
                    raise ConcurrencyError(
                        f"journey {journey_id!r} is at version {found[0]}, not "
                        f"{expected_version}; another writer got there first — reload and retry.",
                        field="expected_version",
                        value=expected_version,
                    )
                self._insert(journey_id, expected_version, rows)
                self._db.execute(
                    "UPDATE journeys SET version = ? WHERE journey_id = ?",
                    (expected_version + len(rows), journey_id),
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return expected_version + len(rows)

    # -- reading ------------------------------------------------------------------------------
    def version(self, journey_id: str) -> int | None:
        """The stored version of a journey, ``None`` if it is not stored."""
        row = self._db.execute(
            "SELECT version FROM journeys WHERE journey_id = ?", (journey_id,)
        ).fetchone()
        return None if row is None else int(row[0])

    def ids(self) -> list[str]:
        """Every stored journey id, sorted."""
        return [r[0] for r in self._db.execute("SELECT journey_id FROM journeys ORDER BY 1")]

    def events(self, journey_id: str) -> list[dict[str, Any]]:
        """The stored events of a journey as dicts, in order."""
        out = []
        for seq, event, at, actor, data in self._db.execute(
            "SELECT seq, event, at, actor, data FROM events WHERE journey_id = ? ORDER BY seq",
            (journey_id,),
        ):
            item: dict[str, Any] = {"seq": seq, "event": event, "at": at, "actor": actor}
            if data is not None:
                try:
                    item["data"] = json.loads(data)
                except ValueError as exc:
                    raise InvalidFlow(
                        f"stored event {journey_id!r}#{seq} has data that is not JSON ({data!r}).",
                        field=f"events[{seq}].data",
                        value=data,
                    ) from exc
            out.append(item)
        return out

    def load(self, journey_id: str, flow: Flow) -> Journey:
        """Replay a stored journey through ``flow``.

        Raises:
            InvalidValue: no such journey.
            InvalidFlow: the stored rows do not fit ``flow`` or are malformed.
        """
        row = self._db.execute(
            "SELECT flow, started_at, data, version FROM journeys WHERE journey_id = ?",
            (journey_id,),
        ).fetchone()
        if row is None:
            raise InvalidValue(
                f"journey {journey_id!r} is not in the store.", field="journey_id", value=journey_id
            )
        name, started_at, data, version = row
        if name != flow.name:
            raise InvalidFlow(
                f"journey {journey_id!r} was stored with flow {name!r}, not {flow.name!r}.",
                field="flow",
                value=name,
            )
        events = self.events(journey_id)
        if [e["seq"] for e in events] != list(range(1, version + 1)):
            raise InvalidFlow(
                f"journey {journey_id!r} should have events 1..{version} but has "
                f"{[e['seq'] for e in events]}.",
                field="events",
                value=version,
            )
        try:
            start = json.loads(data)
        except ValueError as exc:
            raise InvalidFlow(
                f"journey {journey_id!r} has start data that is not JSON.", field="data"
            ) from exc
        return replay(flow, journey_id, started_at, events, start)

    def journeys(self, flow: Flow) -> Iterator[Journey]:
        """Replay every stored journey of ``flow`` (by name)."""
        for (journey_id,) in self._db.execute(
            "SELECT journey_id FROM journeys WHERE flow = ? ORDER BY 1", (flow.name,)
        ).fetchall():
            yield self.load(journey_id, flow)
