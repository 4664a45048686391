"""``PostgresJourneyStore``: the journey store's contract on PostgreSQL (``psycopg`` 3).

Same rows, checks, messages and replay as :class:`SQLiteJourneyStore` (both inherit
:class:`~supportkit.onboarding._storebase.JourneyStore`); what differs is how the
database keeps the promises:

* **One round trip per write**: ``save``/``save_many``/``append`` call one PL/pgSQL
  function, ``<schema>.save_batch(...)``, with the whole batch as arrays. It locks the
  batch's journey rows in id order (two batches never deadlock), checks every expected
  version, writes, and raises SQLSTATE ``SK409`` on the first conflict — so a conflict
  rolls the whole statement back and nothing of the batch is written.
* **Isolation: READ COMMITTED** (the server default). Correctness rests on row locks,
  not on snapshots: the version check reads the row it has just locked ``FOR UPDATE``,
  so a stale snapshot can never let two writers both pass; ``SERIALIZABLE`` would add
  retries without preventing anything more.
* **Call list**: ``<schema>.claim(...)`` walks the open states closest to done first
  and takes ``SELECT ... ORDER BY last_at, journey_id LIMIT 1 FOR UPDATE SKIP LOCKED``
  in each (an index scan): concurrent operators skip each other's rows instead of
  waiting, and the row is marked claimed before the lock is released.
* psycopg is imported when a store is created, so ``import supportkit.onboarding``
  works without it; without it the store raises :class:`MissingExtra`.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import math
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from supportkit.exceptions import ConcurrencyError, InvalidArgument, InvalidValue, MissingExtra
from supportkit.onboarding._pgschema import (
    CLAIM_SQL,
    LOCK_KEY,
    PG_MIGRATIONS,
    SAVE_SQL,
    SCHEMA_NAME,
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

if TYPE_CHECKING:
    import psycopg

__all__ = ["PostgresJourneyStore"]


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:
        raise MissingExtra(
            "PostgresJourneyStore needs psycopg 3, which is not installed; install it with "
            "pip install 'supportkit[postgres]'.",
            extra="postgres",
        ) from exc
    return psycopg


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class PostgresJourneyStore(JourneyStore):
    """Journeys as append-only event logs in PostgreSQL tables ``<schema>.journeys/events``.

    Args:
        conninfo: A libpq connection string or URI (``"host=/run/postgresql dbname=app"``,
            ``"postgresql://app@db/app"``); empty: libpq's defaults and ``PG*`` variables.
        schema: The PostgreSQL schema that holds the store's tables (created if missing).
        connect_timeout: Seconds to wait for the server when connecting.
        durable_claims: Commit claims, releases and completions with the WAL flushed,
            like every event (default). ``False`` commits them asynchronously
            (``SET LOCAL synchronous_commit = off``): no fsync wait per claim, but a
            server crash may forget the last fraction of a second of leases, so those
            journeys are offered again. Events are always durable.

    One connection per store; use one store per thread or process (they may share the
    database). The connection runs in autocommit mode: each write is one statement (one
    transaction), :meth:`transaction` groups several.
    """

    def __init__(
        self,
        conninfo: str = "",
        *,
        schema: str = "supportkit",
        connect_timeout: float = 10.0,
        durable_claims: bool = True,
    ) -> None:
        if not isinstance(schema, str) or not SCHEMA_NAME.match(schema):
            raise InvalidValue(
                f"schema must be a lower-case SQL name such as 'supportkit' (got {schema!r}).",
                field="schema",
                value=schema,
            )
        if not isinstance(conninfo, str):
            raise InvalidValue(
                f"conninfo must be a libpq connection string (got {type(conninfo).__name__}).",
                field="conninfo",
                value=conninfo,
            )
        if (
            not isinstance(connect_timeout, (int, float))
            or isinstance(connect_timeout, bool)
            or not 0 < connect_timeout < 86_400
        ):
            raise InvalidValue(
                f"connect_timeout must be a number of seconds between 0 and 86400 (got "
                f"{connect_timeout!r}).",
                field="connect_timeout",
                value=connect_timeout,
            )
        if not isinstance(durable_claims, bool):
            raise InvalidArgument(
                f"durable_claims must be True or False (got {durable_claims!r}).",
                field="durable_claims",
                value=durable_claims,
            )
        self._pg = _psycopg()
        self.schema = schema
        self.durable_claims = durable_claims
        self._s = f'"{schema}"'
        self._depth = 0
        self._doomed = False
        self._lock = threading.RLock()
        try:
            self._conn: psycopg.Connection[Any] = self._pg.connect(
                conninfo,
                autocommit=True,
                connect_timeout=max(1, math.ceil(connect_timeout)),
                application_name="supportkit",
            )
        except self._pg.Error as exc:
            # Bad input in the contract's terms: this conninfo leads to no server.
            raise InvalidValue(
                f"cannot connect to PostgreSQL ({_first_line(exc)}); check the conninfo and "
                "that the server is running.",
                field="conninfo",
            ) from exc
        self.dsn = self._conn.info.dsn
        try:
            with self._errors():
                self._migrate()
        except BaseException:
            self._conn.close()
            raise

    # -- schema ----------------------------------------------------------------------------
    def _version(self, cur: Any) -> int:
        """The schema version in the database (0: none); refuses newer or foreign ones."""
        cur.execute("SELECT to_regclass(%s)", (self._s + ".meta",))
        has_meta = cur.fetchone()[0] is not None
        cur.execute("SELECT count(*) FROM pg_tables WHERE schemaname = %s", (self.schema,))
        tables = cur.fetchone()[0]
        if not has_meta and not tables:
            return 0
        row = None
        if has_meta:
            cur.execute(self._q("SELECT value FROM {s}.meta WHERE key = 'schema_version'"))
            row = cur.fetchone()
        if row is None or not str(row[0]).isdigit():
            raise InvalidValue(
                f"PostgreSQL schema {self.schema!r} holds another application's tables "
                "(no supportkit meta.schema_version); pass schema= a schema of its own.",
                field="schema",
                value=self.schema,
            )
        version = int(row[0])
        if version > SCHEMA_VERSION:
            raise InvalidValue(
                f"store schema {self.schema!r} has schema version {version}, newer than "
                f"{SCHEMA_VERSION}; upgrade supportkit to read it.",
                field="schema_version",
                value=version,
            )
        return version

    def _migrate(self) -> None:
        with self._conn.cursor() as cur:
            if self._version(cur) == SCHEMA_VERSION:
                return  # the common case writes nothing at all
            with self._conn.transaction():
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
                current = self._version(cur)  # again, under the lock
                for version in range(current + 1, SCHEMA_VERSION + 1):
                    for statement in PG_MIGRATIONS[version]:
                        cur.execute(self._q(statement))
                if current < SCHEMA_VERSION:
                    cur.execute(
                        self._q(
                            "INSERT INTO {s}.meta VALUES ('schema_version', %s) "
                            "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                        ),
                        (str(SCHEMA_VERSION),),
                    )

    @property
    def schema_version(self) -> int:
        """The schema version stored in the database."""
        rows = self._read("SELECT value FROM {s}.meta WHERE key = 'schema_version'")
        return int(rows[0][0])

    # -- errors and transactions -------------------------------------------------------------
    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        pg = self._pg
        try:
            yield
        except pg.Error as exc:
            state = getattr(exc, "sqlstate", None)
            if state in ("40001", "40P01", "55P03"):
                raise ConcurrencyError(
                    f"PostgreSQL refused the write because of a concurrent one "
                    f"({_first_line(exc)}); nothing was written — reload and retry.",
                    field="store",
                ) from exc
            if isinstance(exc, pg.DataError) and state is None:
                raise InvalidValue(
                    f"PostgreSQL cannot store this value ({_first_line(exc)}).", field="store"
                ) from exc
            if isinstance(exc, pg.OperationalError) or self._conn.broken:
                raise StoreUnavailable(
                    f"the connection to PostgreSQL ({self.dsn}) was lost "
                    f"({_first_line(exc)}); the server rolled back any unfinished "
                    "transaction — open a new store, check store.version() and retry.",
                    field="connection",
                ) from exc
            raise StoreUnavailable(
                f"PostgreSQL failed ({_first_line(exc)}) on store schema {self.schema!r}.",
                field="store",
            ) from exc

    def _own_tx(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()  # autocommit: the one statement is its own transaction

    @contextlib.contextmanager
    def _needs_index(self) -> Iterator[None]:
        try:
            yield
        except self._pg.Error as exc:
            if getattr(exc, "sqlstate", None) == "SK428":
                raise NeedsIndex from None
            raise

    @contextlib.contextmanager
    def _lease(self) -> Iterator[None]:
        """A claim, release or complete; with ``durable_claims=False`` committed
        without waiting for the WAL flush (a lease lives minutes: losing the last few
        hundred milliseconds of them in a server crash only offers those journeys again;
        while the server runs, a committed claim is seen by every operator at once).
        """
        if self.durable_claims or self._depth:
            with self._tx():
                yield
            return
        with self._lock, self._errors(), self._conn.transaction():
            self._conn.execute("SET LOCAL synchronous_commit = off")
            yield

    @contextlib.contextmanager
    def _outer_tx(self) -> Iterator[None]:
        with self._errors(), self._conn.transaction():
            yield

    def _disconnect(self) -> None:
        self._conn.close()

    def __repr__(self) -> str:
        return f"PostgresJourneyStore({self.dsn!r}, schema={self.schema!r})"

    def _describe(self) -> str:
        return f"store {self.schema!r} on PostgreSQL ({self.dsn})"

    # -- primitives ------------------------------------------------------------------------
    def _write(self, items: list[Item]) -> None:
        args: list[list[Any]] = [[] for _ in range(14)]
        for item in items:
            for col, value in zip(
                args,
                (
                    item.journey_id,
                    item.expected,
                    item.version,
                    item.flow,
                    item.started_at,
                    item.data,
                    item.state,
                    item.last_at,
                ),
                strict=False,
            ):
                col.append(value)
            for seq, event, at, actor, data in item.events:
                for col, value in zip(
                    args[8:], (item.journey_id, seq, event, at, actor, data), strict=True
                ):
                    col.append(value)
        with self._tx():
            try:
                fn = "save_batch" if len(set(args[0])) == len(args[0]) else "save_batch_each"
                self._conn.execute(self._q(SAVE_SQL.replace("{fn}", fn)), args)
            except self._pg.Error as exc:
                if getattr(exc, "sqlstate", None) != "SK409":
                    raise
                index, found = (exc.diag.message_detail or "0 -1").split()
                raise Conflict(int(index) - 1, None if found == "-1" else int(found)) from None

    def _q(self, sql: str) -> Any:
        """``sql`` with ``{s}`` replaced by the quoted schema name.

        The name was checked against ``[a-z_][a-z0-9_]*`` in ``__init__``, so it cannot
        carry SQL; every value still goes through a ``%s`` parameter.
        """
        return sql.replace("{s}", self._s)

    def _read(self, sql: str, args: Any = ()) -> list[Any]:
        self._check_open()
        with self._lock, self._errors():
            return self._conn.execute(self._q(sql), args).fetchall()

    def _journey_row(self, journey_id: str) -> tuple[str, str, str, int] | None:
        rows = self._read(
            "SELECT flow, started_at, data, version FROM {s}.journeys WHERE journey_id = %s",
            (journey_id,),
        )
        return None if not rows else (rows[0][0], rows[0][1], rows[0][2], rows[0][3])

    def _event_rows(self, journey_id: str) -> list[EventRow]:
        return self._read(
            "SELECT seq, event, at, actor, data FROM {s}.events WHERE journey_id = %s ORDER BY seq",
            (journey_id,),
        )

    def _fetch(self, journey_id: str) -> tuple[JourneyRow, list[EventRow]] | None:
        rows = self._read(
            "SELECT j.flow, j.started_at, j.data, j.version, "
            "e.seq, e.event, e.at, e.actor, e.data "
            "FROM {s}.journeys j LEFT JOIN {s}.events e ON e.journey_id = j.journey_id "
            "WHERE j.journey_id = %s ORDER BY e.seq",
            (journey_id,),
        )
        if not rows:
            return None
        first = rows[0]
        events: list[EventRow] = [(r[4], r[5], r[6], r[7], r[8]) for r in rows if r[4] is not None]
        return (first[0], first[1], first[2], first[3]), events

    def _ids(self, flow: str | None) -> list[str]:
        if flow is None:
            rows = self._read('SELECT journey_id FROM {s}.journeys ORDER BY journey_id COLLATE "C"')
        else:
            rows = self._read(
                "SELECT journey_id FROM {s}.journeys WHERE flow = %s "
                'ORDER BY journey_id COLLATE "C"',
                (flow,),
            )
        return [r[0] for r in rows]

    def _unindexed(self, flow: str) -> list[tuple[str, int]]:
        rows = self._read(
            "SELECT journey_id, version FROM {s}.journeys WHERE flow = %s AND state IS NULL",
            (flow,),
        )
        return [(r[0], r[1]) for r in rows]

    def _index(self, journey_id: str, version: int, state: str, last_at: _dt.datetime) -> None:
        with self._tx():
            self._conn.execute(
                self._q(
                    "UPDATE {s}.journeys SET state = %s, last_at = %s "
                    "WHERE journey_id = %s AND version = %s"
                ),
                (state, last_at, journey_id, version),
            )

    def _claim(self, ask: Ask) -> Claimed | None:
        with self._lease(), self._needs_index():
            row = self._conn.execute(
                self._q(CLAIM_SQL),
                {
                    "operator": ask.operator,
                    "token": ask.token,
                    "until": ask.until,
                    "states": list(ask.states),
                    "ranks": list(ask.states.values()),
                    "flow": ask.flow,
                    "cutoff": ask.cutoff,
                    "now": ask.now,
                },
            ).fetchone()
        return None if row is None or row[0] is None else (str(row[0]), None, None)

    def _end(self, journey_id: str, token: str, called_at: _dt.datetime | None) -> bool:
        with self._lease():
            cur = self._conn.execute(
                self._q(
                    "UPDATE {s}.journeys SET claim_operator = NULL, claim_token = NULL, "
                    "claim_until = NULL, called_at = coalesce(%s, called_at) "
                    "WHERE journey_id = %s AND claim_token = %s"
                ),
                (called_at, journey_id, token),
            )
            return cur.rowcount == 1
