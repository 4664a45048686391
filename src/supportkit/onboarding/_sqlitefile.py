"""The SQLite store's file: its migrations, and the checks made before anything is written.

A path that is no file path, a file that is not SQLite, a truncated or corrupt store,
another application's database and a store from a newer supportkit are all refused by
:func:`inspect_file` through a read-only look (``immutable=1`` when there is no WAL
file, so not even ``-wal``/``-shm`` side files appear), before the store connects to
write.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import urllib.parse
from typing import Any

from supportkit.exceptions import InvalidArgument, InvalidValue
from supportkit.onboarding._storerows import SCHEMA_VERSION

__all__ = ["MIGRATIONS", "check_path", "check_version", "corrupt", "inspect_file"]

#: Forward-only migrations: version -> the statements that bring version - 1 to it.
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE journeys (
            journey_id TEXT PRIMARY KEY,
            flow TEXT NOT NULL,
            started_at TEXT NOT NULL,
            data TEXT NOT NULL,
            version INTEGER NOT NULL
        )""",
        """CREATE TABLE events (
            journey_id TEXT NOT NULL REFERENCES journeys (journey_id),
            seq INTEGER NOT NULL,
            event TEXT NOT NULL,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            data TEXT,
            PRIMARY KEY (journey_id, seq)
        ) WITHOUT ROWID""",
        """CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END""",
        """CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END""",
    ),
    2: (
        # The call list: current state and last event time (microseconds since the
        # epoch, so that SQL orders instants), the claim, and the last completed call.
        # Rows written by schema 1 get state NULL and are filled in by claim_next.
        "ALTER TABLE journeys ADD COLUMN state TEXT",
        "ALTER TABLE journeys ADD COLUMN last_us INTEGER",
        "ALTER TABLE journeys ADD COLUMN claim_operator TEXT",
        "ALTER TABLE journeys ADD COLUMN claim_token TEXT",
        "ALTER TABLE journeys ADD COLUMN claim_until INTEGER",
        "ALTER TABLE journeys ADD COLUMN called_us INTEGER",
        "CREATE INDEX journeys_call_list ON journeys (flow, state, last_us, journey_id)",
        "CREATE INDEX journeys_unindexed ON journeys (flow) WHERE state IS NULL",
    ),
}
assert sorted(MIGRATIONS) == list(range(1, SCHEMA_VERSION + 1))

_HEADER = b"SQLite format 3\x00"


def check_path(path: Any) -> str:
    if not isinstance(path, (str, os.PathLike)):
        raise InvalidArgument(
            f"path must be a file path (str or os.PathLike), got {type(path).__name__}.",
            field="path",
            value=path,
        )
    text = os.fspath(path)
    if not isinstance(text, str):
        raise InvalidArgument(
            f"path must be a text path, not bytes (got {text!r}).", field="path", value=path
        )
    if text == ":memory:":
        return text
    shown = text if len(text) <= 200 else text[:200] + "…"
    stripped = text.strip()
    looks_like_json = stripped[:1] in ("{", "[") and stripped[-1:] in ("}", "]")
    if not text or "\x00" in text or looks_like_json:
        raise InvalidValue(
            f"path {shown!r} is not a file path; pass the store file's name, such as "
            "'journeys.db'.",
            field="path",
            value=shown,
        )
    try:
        if os.path.isdir(text):
            raise InvalidValue(
                f"store path {shown!r} is a directory; pass a file inside it, such as "
                f"{os.path.join(shown, 'journeys.db')!r}.",
                field="path",
                value=shown,
            )
        folder = os.path.dirname(os.path.abspath(text))
        if not os.path.isdir(folder):
            raise InvalidValue(
                f"the folder {folder!r} of store path {shown!r} does not exist; create it first.",
                field="path",
                value=shown,
            )
        with contextlib.suppress(FileNotFoundError):
            os.stat(text)
    except OSError as exc:
        raise InvalidValue(
            f"store path {shown!r} cannot be used ({exc.strerror or exc}); pass a shorter, "
            "existing file path.",
            field="path",
            value=shown,
        ) from exc
    return text


def corrupt(path: str, exc: BaseException) -> InvalidValue:
    return InvalidValue(
        f"store {path!r} is corrupt or truncated ({exc}); restore it from a backup or "
        "start a new file.",
        field="path",
        value=path,
    )


def inspect_file(path: str) -> None:
    """Refuse, without writing a byte, a file that is not a store we can open."""
    try:
        size = os.path.getsize(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise InvalidValue(
            f"store path {path!r} cannot be read ({exc.strerror or exc}).", field="path"
        ) from exc
    if size == 0:
        return
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        raise InvalidValue(
            f"store path {path!r} cannot be read ({exc.strerror or exc}).", field="path"
        ) from exc
    if not head.startswith(_HEADER):
        raise InvalidValue(
            f"{path!r} is not an SQLite database (it starts with {head[:16]!r}); pass a new "
            "file name or an existing journey store.",
            field="path",
            value=path,
        )
    if len(head) < 100:
        raise corrupt(path, ValueError(f"only {size} bytes"))
    page = int.from_bytes(head[16:18], "big")
    page = 65536 if page == 1 else page
    pages = int.from_bytes(head[28:32], "big")
    valid = head[24:28] == head[92:96]
    if valid and pages and size < pages * page:
        raise corrupt(path, ValueError(f"{size} bytes where the header says {pages * page}"))
    # Without a WAL file, `immutable` reads without creating -wal/-shm side files.
    flag = "mode=ro" if os.path.exists(path + "-wal") else "immutable=1"
    uri = f"file:{urllib.parse.quote(os.path.abspath(path))}?{flag}"
    try:
        db = sqlite3.connect(uri, uri=True)
        try:
            check_version(db, path)
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise corrupt(path, exc) from exc


def check_version(db: sqlite3.Connection, path: str) -> int:
    """The file's schema version (0: empty); refuses a newer or a foreign database."""
    tables = {
        r[0]
        for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not r[0].startswith("sqlite_")
    }
    if not tables:
        return 0
    row = None
    if "meta" in tables:
        row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    version = int(row[0]) if row is not None and str(row[0]).isdigit() else None
    if version is None or not {"journeys", "events"} <= tables:
        raise InvalidValue(
            f"{path!r} is another application's database (tables {sorted(tables)} without "
            "supportkit's meta.schema_version); use a separate file for the journey store.",
            field="path",
            value=path,
        )
    if version > SCHEMA_VERSION:
        raise InvalidValue(
            f"store {path!r} has schema version {version}, newer than {SCHEMA_VERSION}; "
            "upgrade supportkit to read it.",
            field="schema_version",
            value=version,
        )
    return version
