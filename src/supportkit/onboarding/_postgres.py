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
import re
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from supportkit.exceptions import ConcurrencyError, InvalidArgument, InvalidValue, MissingExtra
from supportkit.onboarding._storebase import (
    SCHEMA_VERSION,
    Claimed,
    Conflict,
    EventRow,
    Item,
    JourneyRow,
    JourneyStore,
    NeedsIndex,
    StoreUnavailable,
)

if TYPE_CHECKING:
    import psycopg

__all__ = ["PG_MIGRATIONS", "PostgresJourneyStore"]

#: Forward-only migrations; ``{s}`` is the quoted schema name.
PG_MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        "CREATE SCHEMA IF NOT EXISTS {s}",
        "CREATE TABLE {s}.meta (key text PRIMARY KEY, value text NOT NULL)",
        """CREATE TABLE {s}.journeys (
            journey_id text PRIMARY KEY,
            flow text NOT NULL,
            started_at text NOT NULL,
            data text NOT NULL,
            version integer NOT NULL
        )""",
        # No foreign key to journeys: the one write path, save_batch, writes a journey's
        # row and its events in one statement under the row's lock, and a per-row
        # referential check would cost a third of the server's time per batch.
        """CREATE TABLE {s}.events (
            journey_id text NOT NULL,
            seq integer NOT NULL,
            event text NOT NULL,
            at text NOT NULL,
            actor text NOT NULL,
            data text,
            PRIMARY KEY (journey_id, seq)
        )""",
        """CREATE FUNCTION {s}.append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'events are append-only'; END $$""",
        """CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON {s}.events
        FOR EACH ROW EXECUTE FUNCTION {s}.append_only()""",
        """CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON {s}.events
        FOR EACH STATEMENT EXECUTE FUNCTION {s}.append_only()""",
    ),
    2: (
        """ALTER TABLE {s}.journeys ADD COLUMN state text, ADD COLUMN last_at timestamptz,
        ADD COLUMN claim_operator text, ADD COLUMN claim_token text,
        ADD COLUMN claim_until timestamptz, ADD COLUMN called_at timestamptz""",
        # The call list reads one state at a time in (last_at, id) order: an index scan
        # that stops at the first free row, whatever the size of the list.
        (
            "CREATE INDEX journeys_call_list ON {s}.journeys "
            '(flow, state, last_at, journey_id COLLATE "C")'
        ),
        "CREATE INDEX journeys_unindexed ON {s}.journeys (flow) WHERE state IS NULL",
        """CREATE FUNCTION {s}.claim(
            p_flow text, p_states text[], p_ranks integer[], p_cutoff timestamptz,
            p_now timestamptz, p_operator text, p_token text, p_until timestamptz
        ) RETURNS text LANGUAGE plpgsql AS $$
        DECLARE
            rank_now integer;
            group_states text[];
            picked text;
        BEGIN
            IF EXISTS (SELECT 1 FROM {s}.journeys WHERE flow = p_flow AND state IS NULL) THEN
                RAISE EXCEPTION 'supportkit: rows without call-list columns'
                    USING ERRCODE = 'SK428';
            END IF;
            FOR rank_now, group_states IN
                SELECT rk, array_agg(st) FROM unnest(p_states, p_ranks) AS u (st, rk)
                GROUP BY rk ORDER BY rk
            LOOP
                IF cardinality(group_states) = 1 THEN
                    -- One state: the index gives (last_at, id) order, the scan stops at
                    -- the first free row.
                    SELECT j.journey_id INTO picked FROM {s}.journeys j
                    WHERE j.flow = p_flow AND j.state = group_states[1]
                        AND j.last_at <= p_cutoff
                        AND (j.claim_until IS NULL OR j.claim_until <= p_now)
                        AND (j.called_at IS NULL OR j.called_at <= p_cutoff)
                    ORDER BY j.last_at, j.journey_id COLLATE "C"
                    LIMIT 1
                    FOR UPDATE SKIP LOCKED;
                ELSE
                    SELECT j.journey_id INTO picked FROM {s}.journeys j
                    WHERE j.flow = p_flow AND j.state = ANY (group_states)
                        AND j.last_at <= p_cutoff
                        AND (j.claim_until IS NULL OR j.claim_until <= p_now)
                        AND (j.called_at IS NULL OR j.called_at <= p_cutoff)
                    ORDER BY j.last_at, j.journey_id COLLATE "C"
                    LIMIT 1
                    FOR UPDATE SKIP LOCKED;
                END IF;
                IF picked IS NOT NULL THEN
                    UPDATE {s}.journeys SET claim_operator = p_operator,
                        claim_token = p_token, claim_until = p_until
                    WHERE journey_id = picked;
                    RETURN picked;
                END IF;
            END LOOP;
            RETURN NULL;
        END $$
        SET enable_seqscan = off""",
        # save_batch: set-based, for a batch of distinct journeys (the usual case).
        """CREATE FUNCTION {s}.save_batch(
            j_ids text[], j_expected integer[], j_versions integer[], j_flows text[],
            j_started text[], j_data text[], j_states text[], j_last timestamptz[],
            e_ids text[], e_seqs integer[], e_events text[], e_ats text[], e_actors text[],
            e_data text[]
        ) RETURNS void LANGUAGE plpgsql AS $$
        DECLARE
            bad bigint;
            bad_version integer;
            inserted integer;
        BEGIN
            PERFORM 1 FROM {s}.journeys WHERE journey_id = ANY (j_ids)
                ORDER BY journey_id FOR UPDATE;
            SELECT u.i, j.version INTO bad, bad_version
            FROM unnest(j_ids, j_expected) WITH ORDINALITY AS u (id, expected, i)
            LEFT JOIN {s}.journeys j ON j.journey_id = u.id
            WHERE (u.expected IS NULL AND j.version IS NOT NULL)
                OR (u.expected IS NOT NULL AND j.version IS DISTINCT FROM u.expected)
            ORDER BY u.i LIMIT 1;
            IF bad IS NOT NULL THEN
                RAISE EXCEPTION 'supportkit: journey version conflict'
                    USING ERRCODE = 'SK409', DETAIL = bad || ' ' || coalesce(bad_version, -1);
            END IF;
            INSERT INTO {s}.journeys
                (journey_id, flow, started_at, data, version, state, last_at)
            SELECT u.id, u.flow, u.started, u.data, u.version, u.state, u.last
            FROM unnest(j_ids, j_expected, j_versions, j_flows, j_started, j_data, j_states,
                        j_last) AS u (id, expected, version, flow, started, data, state, last)
            WHERE u.expected IS NULL
            ON CONFLICT (journey_id) DO NOTHING;
            GET DIAGNOSTICS inserted = ROW_COUNT;
            IF inserted <> (SELECT count(*) FROM unnest(j_expected) AS e WHERE e IS NULL) THEN
                -- A concurrent writer inserted one of the new journeys first.
                SELECT u.i, j.version INTO bad, bad_version
                FROM unnest(j_ids, j_expected) WITH ORDINALITY AS u (id, expected, i)
                JOIN {s}.journeys j ON j.journey_id = u.id
                WHERE u.expected IS NULL AND j.xmin <> pg_current_xact_id()::xid
                ORDER BY u.i LIMIT 1;
                RAISE EXCEPTION 'supportkit: journey version conflict'
                    USING ERRCODE = 'SK409', DETAIL = bad || ' ' || coalesce(bad_version, -1);
            END IF;
            UPDATE {s}.journeys j SET version = u.version,
                state = coalesce(u.state, j.state), last_at = coalesce(u.last, j.last_at)
            FROM unnest(j_ids, j_expected, j_versions, j_states, j_last)
                AS u (id, expected, version, state, last)
            WHERE u.expected IS NOT NULL AND j.journey_id = u.id;
            INSERT INTO {s}.events (journey_id, seq, event, at, actor, data)
            SELECT * FROM unnest(e_ids, e_seqs, e_events, e_ats, e_actors, e_data);
        END $$""",
        # save_batch_each: one journey at a time, for a batch that names one twice.
        """CREATE FUNCTION {s}.save_batch_each(
            j_ids text[], j_expected integer[], j_versions integer[], j_flows text[],
            j_started text[], j_data text[], j_states text[], j_last timestamptz[],
            e_ids text[], e_seqs integer[], e_events text[], e_ats text[], e_actors text[],
            e_data text[]
        ) RETURNS void LANGUAGE plpgsql AS $$
        DECLARE
            cur_version integer;
        BEGIN
            PERFORM 1 FROM {s}.journeys WHERE journey_id = ANY (j_ids)
                ORDER BY journey_id FOR UPDATE;
            FOR i IN 1 .. coalesce(cardinality(j_ids), 0) LOOP
                SELECT version INTO cur_version FROM {s}.journeys WHERE journey_id = j_ids[i];
                IF j_expected[i] IS NULL THEN
                    IF cur_version IS NULL THEN
                        INSERT INTO {s}.journeys
                            (journey_id, flow, started_at, data, version, state, last_at)
                        VALUES (j_ids[i], j_flows[i], j_started[i], j_data[i], j_versions[i],
                                j_states[i], j_last[i])
                        ON CONFLICT (journey_id) DO NOTHING;
                        IF NOT FOUND THEN  -- a concurrent writer inserted it first
                            SELECT version INTO cur_version FROM {s}.journeys
                                WHERE journey_id = j_ids[i];
                        END IF;
                    END IF;
                    IF cur_version IS NOT NULL THEN
                        RAISE EXCEPTION 'supportkit: journey version conflict'
                            USING ERRCODE = 'SK409', DETAIL = i || ' ' || cur_version;
                    END IF;
                ELSIF cur_version IS DISTINCT FROM j_expected[i] THEN
                    RAISE EXCEPTION 'supportkit: journey version conflict'
                        USING ERRCODE = 'SK409', DETAIL = i || ' ' || coalesce(cur_version, -1);
                ELSE
                    UPDATE {s}.journeys SET version = j_versions[i],
                        state = coalesce(j_states[i], state),
                        last_at = coalesce(j_last[i], last_at)
                    WHERE journey_id = j_ids[i];
                END IF;
            END LOOP;
            INSERT INTO {s}.events (journey_id, seq, event, at, actor, data)
            SELECT * FROM unnest(e_ids, e_seqs, e_events, e_ats, e_actors, e_data);
        END $$""",
    ),
}
assert sorted(PG_MIGRATIONS) == list(range(1, SCHEMA_VERSION + 1))

_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}\Z")
_LOCK_KEY = 0x5355_5050  # pg_advisory_xact_lock key for migrations ("SUPP")

_SAVE = (
    "SELECT {s}.{fn}(%b::text[], %b::integer[], %b::integer[], %b::text[], %b::text[], "
    "%b::text[], %b::text[], %b::timestamptz[], %b::text[], %b::integer[], %b::text[], "
    "%b::text[], %b::text[], %b::text[])"
)
_CLAIM = (
    "SELECT {s}.claim(%(flow)s, %(states)s::text[], %(ranks)s::integer[], %(cutoff)s, "
    "%(now)s, %(operator)s, %(token)s, %(until)s)"
)


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
        if not isinstance(schema, str) or not _SCHEMA_NAME.match(schema):
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
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
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

    @contextlib.contextmanager
    def _tx(self) -> Iterator[None]:
        with self._lock, self._errors():
            if self._depth:
                if self._doomed:
                    raise InvalidValue(
                        "an earlier write in this transaction failed, so it will be rolled "
                        "back; leave the `with store.transaction()` block.",
                        field="transaction",
                    )
                try:
                    yield
                except BaseException:
                    self._doomed = True
                    raise
                return
            yield  # autocommit: the one statement is its own transaction

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
    def _transaction(self) -> Iterator[None]:
        with self._lock:
            if self._depth:
                raise InvalidValue(
                    "store.transaction() blocks do not nest; write inside the outer one.",
                    field="transaction",
                )
            with self._errors(), self._conn.transaction():
                self._depth, self._doomed = 1, False
                try:
                    yield
                    if self._doomed:  # the caller caught the error: still roll back
                        raise InvalidValue(
                            "the transaction was rolled back because a write inside it failed.",
                            field="transaction",
                        )
                finally:
                    self._depth = 0

    def close(self) -> None:
        """Close the connection; any later call raises ``StoreUnavailable``."""
        with self._lock:
            self._closed = True
            self._conn.close()

    def __enter__(self) -> PostgresJourneyStore:
        return self

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
                self._conn.execute(self._q(_SAVE.replace("{fn}", fn)), args)
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

    def _claim(
        self,
        flow: str,
        states: dict[str, int],
        *,
        now: _dt.datetime,
        cutoff: _dt.datetime,
        operator: str,
        token: str,
        until: _dt.datetime,
    ) -> Claimed | None:
        with self._lease(), self._needs_index():
            row = self._conn.execute(
                self._q(_CLAIM),
                {
                    "operator": operator,
                    "token": token,
                    "until": until,
                    "states": list(states),
                    "ranks": list(states.values()),
                    "flow": flow,
                    "cutoff": cutoff,
                    "now": now,
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
