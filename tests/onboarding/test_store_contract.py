"""The journey-store contract, run against BOTH stores: SQLite and a real PostgreSQL server.

Every test here takes the ``backend`` fixture, parametrised ``sqlite`` / ``postgres``;
the PostgreSQL one uses the session's throw-away cluster (``conftest.pg_cluster``) and a
fresh schema per test. Backend-specific tests live in ``test_store.py`` (SQLite files)
and ``test_postgres.py`` (server faults).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportkit.exceptions import (
    ConcurrencyError,
    InvalidArgument,
    InvalidFlow,
    InvalidValue,
    StoreClosed,
)
from supportkit.onboarding import (
    SCHEMA_VERSION,
    Claim,
    Journey,
    JourneyStore,
    PostgresJourneyStore,
    SQLiteJourneyStore,
    StoreUnavailable,
    copy_store,
    flows,
    stuck,
)
from supportkit.onboarding._demo import NOW, demo_journeys
from supportkit.onboarding._pgschema import PG_MIGRATIONS
from supportkit.onboarding._sqlitefile import MIGRATIONS

MSK = ZoneInfo("Europe/Moscow")
T0 = dt.datetime(2024, 11, 11, 10, 0, tzinfo=MSK)
EVENTS = ["register", "fill_profile", "verify_passport", "confirm_status"]
FLOW = flows.self_employed()


def journey(n: int = 4, subject: str = "c1", start: dt.datetime = T0) -> Journey:
    j = FLOW.start(subject, at=start, client="ООО Ромашка")
    for i, event in enumerate(EVENTS[:n]):
        j = j.fire(
            event, at=start + dt.timedelta(minutes=i), actor="support" if i == 1 else "subject"
        )
    return j


class Backend:
    """One store's backing (a file, a schema): open stores on it, run raw SQL on it."""

    name: str
    prefix: str  # table prefix in raw SQL

    def open(self) -> JourneyStore:
        raise NotImplementedError

    def raw(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        raise NotImplementedError

    def disable_append_only(self) -> None:
        raise NotImplementedError

    def fingerprint(self) -> str:
        raise NotImplementedError

    def close(self) -> None:
        pass


class SQLiteBackend(Backend):
    name = "sqlite"
    prefix = ""

    def __init__(self, path: Path) -> None:
        self.path = path

    def open(self) -> SQLiteJourneyStore:
        return SQLiteJourneyStore(self.path)

    def raw(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        db = sqlite3.connect(self.path, isolation_level=None)
        try:
            return db.execute(sql.replace("?", "?"), args).fetchall()
        finally:
            db.close()

    def disable_append_only(self) -> None:
        self.raw("DROP TRIGGER events_no_update")

    def fingerprint(self) -> str:
        files = sorted(p.name for p in self.path.parent.iterdir())
        return hashlib.sha256(self.path.read_bytes()).hexdigest() + repr(files)


class PostgresBackend(Backend):
    name = "postgres"

    def __init__(self, conninfo: str) -> None:
        self.conninfo = conninfo
        self.schema = "t" + uuid.uuid4().hex[:12]
        self.prefix = f"{self.schema}."
        self.conn = psycopg.connect(conninfo, autocommit=True)

    def open(self) -> PostgresJourneyStore:
        return PostgresJourneyStore(self.conninfo, schema=self.schema)

    def raw(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        cur = self.conn.execute(sql.replace("?", "%s"), args)
        return cur.fetchall() if cur.description else []

    def disable_append_only(self) -> None:
        self.raw(f"ALTER TABLE {self.schema}.events DISABLE TRIGGER events_append_only")

    def fingerprint(self) -> str:
        rows = self.raw(
            "SELECT c.relname, c.relkind, c.relfilenode, c.reltuples FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? ORDER BY 1",
            (self.schema,),
        )
        funcs = self.raw(
            "SELECT p.proname, md5(p.prosrc) FROM pg_proc p JOIN pg_namespace n "
            "ON n.oid = p.pronamespace WHERE n.nspname = ? ORDER BY 1",
            (self.schema,),
        )
        trig = self.raw(
            "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN "
            "pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? ORDER BY 1",
            (self.schema,),
        )
        data = []
        for (name,) in self.raw(
            "SELECT tablename FROM pg_tables WHERE schemaname = ? ORDER BY 1", (self.schema,)
        ):
            data.append(self.raw(f"SELECT * FROM {self.schema}.{name} ORDER BY 1"))
        return repr((rows, funcs, trig, data))

    def close(self) -> None:
        self.conn.close()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "sqlite":
        b: Backend = SQLiteBackend(tmp_path / "journeys.db")
    else:
        b = PostgresBackend(request.getfixturevalue("pg_cluster").conninfo)
    yield b
    b.close()


@pytest.fixture
def store(backend: Backend) -> Iterator[JourneyStore]:
    with backend.open() as s:
        yield s


# -- the event log ---------------------------------------------------------------------------
def test_save_load_and_append(store: JourneyStore) -> None:
    first = journey(2)
    assert store.save(first) == 2
    loaded = store.load("c1", FLOW)
    assert loaded == first
    assert loaded.to_dict() == first.to_dict()  # offsets kept: +03:00 stays +03:00
    later = journey(4)
    assert store.save(later, expected_version=2) == 4
    assert store.load("c1", FLOW) == later
    assert store.version("c1") == 4
    assert store.version("nobody") is None
    assert store.ids() == ["c1"]
    assert [e["seq"] for e in store.events("c1")] == [1, 2, 3, 4]
    assert list(store.journeys(FLOW)) == [later]
    assert store.schema_version == SCHEMA_VERSION  # type: ignore[attr-defined]
    data = journey(1, "c2").fire("fill_profile", at=T0 + dt.timedelta(hours=1), note="звонок")
    store.save(data)
    assert store.events("c2")[-1]["data"] == {"note": "звонок"}
    assert store.load("c2", FLOW).data["note"] == "звонок"


def test_ids_sort_by_code_point(store: JourneyStore) -> None:
    names = ["b", "B", "a", "я", "Я", "a-1", "a_1", "ё"]
    store.save_many([journey(0, n) for n in names])
    assert store.ids() == sorted(names)


def test_optimistic_concurrency_writes_nothing_on_conflict(store: JourneyStore) -> None:
    store.save(journey(2))
    with pytest.raises(ConcurrencyError) as info:
        store.save(journey(2))
    assert str(info.value) == (
        "journey 'c1' is already stored at version 2; load it and save with expected_version."
    )
    j4 = journey(4)
    store.save(j4, expected_version=2)
    with pytest.raises(ConcurrencyError) as info:
        store.append("c1", j4.history[2:], expected_version=2)
    assert str(info.value) == (
        "journey 'c1' is at version 4, not 2; another writer got there first — reload and retry."
    )
    with pytest.raises(ConcurrencyError, match="is at version 4, not 3"):
        store.append("c1", j4.history[3:], expected_version=3)  # behind, not ahead, also fails
    assert store.version("c1") == 4
    assert len(store.events("c1")) == 4


def test_bad_input(store: JourneyStore) -> None:
    with pytest.raises(InvalidValue, match="journey 'ghost' is not in the store; save it first"):
        store.append("ghost", [], expected_version=0)
    with pytest.raises(InvalidValue, match=r"journey 'ghost' is not in the store\."):
        store.load("ghost", FLOW)
    with pytest.raises(InvalidArgument, match="journey must be a Journey"):
        store.save({"subject_id": "x"})  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match=r"journeys\[1\] must be a Journey"):
        store.save_many([journey(1, "x"), "y"])  # type: ignore[list-item]
    with pytest.raises(InvalidArgument, match="journeys must be a list of Journey"):
        store.save_many(journey(1, "x"))  # type: ignore[arg-type]
    store.save(journey(1))
    with pytest.raises(InvalidArgument, match=r"steps\[0\] must be a Step"):
        store.append("c1", [{"event": "fill_profile"}], expected_version=1)  # type: ignore[list-item]
    with pytest.raises(InvalidValue, match="expected_version must be between 0 and"):
        store.save(journey(2), expected_version=3)
    with pytest.raises(InvalidValue, match="expected_version must be a whole number"):
        store.append("c1", [], expected_version=-1)
    with pytest.raises(InvalidFlow, match="was stored with flow 'self_employed', not 'individual'"):
        store.load("c1", flows.individual())
    with pytest.raises(InvalidArgument, match="flow must be a Flow"):
        store.load("c1", None)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="journey_id must be a non-empty string"):
        store.load("", FLOW)
    with pytest.raises(InvalidArgument, match="journey_id must be a non-empty string"):
        store.version(42)  # type: ignore[arg-type]
    assert store.version("c1") == 1


def test_events_are_append_only(backend: Backend, store: JourneyStore) -> None:
    store.save(journey(2))
    for sql in (
        f"UPDATE {backend.prefix}events SET event = 'x'",
        f"DELETE FROM {backend.prefix}events",
    ):
        with pytest.raises(Exception, match="append-only"):
            backend.raw(sql)
    assert len(store.events("c1")) == 2


def test_malformed_rows_are_reported(backend: Backend, store: JourneyStore) -> None:
    store.save(journey(2))
    backend.disable_append_only()
    p = backend.prefix
    backend.raw(f"UPDATE {p}events SET data = '{{oops' WHERE seq = 1")
    with pytest.raises(InvalidFlow, match=r"stored event 'c1'#1 has data that is not JSON"):
        store.load("c1", FLOW)
    backend.raw(f"UPDATE {p}events SET data = NULL, event = 'sign_contract' WHERE seq = 1")
    with pytest.raises(InvalidFlow, match=r"history\[0\] has event 'sign_contract'"):
        store.load("c1", FLOW)
    backend.raw(f"UPDATE {p}journeys SET version = 5")
    with pytest.raises(InvalidFlow, match=r"should have events 1..5 but has \[1, 2\]"):
        store.load("c1", FLOW)


def test_save_many_is_all_or_nothing(store: JourneyStore) -> None:
    a, b = journey(2, "a"), journey(3, "b")
    assert store.save_many([a, b]) == [2, 3]
    a4 = journey(4, "a")
    c = journey(1, "c")
    with pytest.raises(ConcurrencyError, match="journey 'b' is at version 3, not 1"):
        store.save_many([a4, c, journey(4, "b")], expected_versions=[2, None, 1])
    assert store.version("a") == 2
    assert store.version("c") is None
    assert store.save_many([a4, c], expected_versions=[2, None]) == [4, 1]
    assert store.load("a", FLOW) == a4
    with pytest.raises(InvalidValue, match="expected_versions must have one entry per journey"):
        store.save_many([a4], expected_versions=[])
    with pytest.raises(ConcurrencyError, match="journey 'zzz' is at version None, not 0"):
        store.save_many([journey(1, "zzz")], expected_versions=[0])
    with pytest.raises(ConcurrencyError, match="journey 'd' is already stored at version 1"):
        store.save_many([journey(1, "d"), journey(2, "d")])  # the same new journey twice
    assert store.version("d") is None
    assert store.save_many([]) == []


def test_transaction_groups_writes(store: JourneyStore) -> None:
    with store.transaction():
        store.save(journey(1, "a"))
        store.save(journey(1, "b"))
        assert store.version("a") == 1  # reads inside see the transaction's writes
    assert store.ids() == ["a", "b"]

    def failing() -> None:
        with store.transaction():
            store.save(journey(1, "c"))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        failing()
    assert store.version("c") is None

    def doomed() -> None:
        with store.transaction():
            store.save(journey(1, "d"))
            with pytest.raises(ConcurrencyError):
                store.save(journey(1, "a"))  # caught, yet the transaction is doomed
            with pytest.raises(InvalidValue, match="an earlier write in this transaction failed"):
                store.save(journey(1, "e"))

    with pytest.raises(InvalidValue, match="rolled back because a write inside it failed"):
        doomed()
    assert store.version("d") is None

    def nested() -> None:
        with store.transaction(), store.transaction():
            pass

    with pytest.raises(InvalidValue, match="do not nest"):
        nested()
    assert store.ids() == ["a", "b"]


def _after_close_calls(s: JourneyStore, claim: Claim) -> dict[str, Any]:
    """One call of every public method and property of a store, by name."""
    step = journey(2).history[1]
    return {
        "append": lambda: s.append("c1", [step], expected_version=1),
        "claim_next": lambda: s.claim_next(FLOW, now=NOW, idle=0, operator="op"),
        "complete": lambda: s.complete(claim),
        "events": lambda: s.events("c1"),
        "ids": s.ids,
        "journeys": lambda: list(s.journeys(FLOW)),
        "load": lambda: s.load("c1", FLOW),
        "release": lambda: s.release(claim),
        "save": lambda: s.save(journey(1, "c2")),
        "save_many": lambda: s.save_many([journey(1, "c3")]),
        "schema_version": lambda: s.schema_version,
        "transaction": s.transaction,
        "version": lambda: s.version("c1"),
    }


def test_use_after_close(backend: Backend) -> None:
    s = backend.open()
    s.save(journey(1))
    claim = s.claim_next(FLOW, now=NOW, idle=0, operator="op")
    assert claim is not None
    s.close()
    s.close()  # closing twice is harmless
    calls = _after_close_calls(s, claim)
    public = {n for n in dir(type(s)) if not n.startswith("_")} - {"close"}
    assert set(calls) == public, "every public method needs a use-after-close case here"
    where = str(backend.path) if isinstance(backend, SQLiteBackend) else backend.schema
    for name, call in calls.items():
        with pytest.raises(StoreClosed) as caught:
            call()
        error = caught.value
        # the ValueError contract (as Python's own closed file), still a StoreUnavailable
        assert isinstance(error, ValueError), name
        assert isinstance(error, StoreUnavailable), name
        assert where in str(error), name
        assert str(error).endswith("is closed; open a new store to use it again."), name
    with backend.open() as again:
        assert again.version("c1") == 1
        assert again.ids() == ["c1"]  # nothing was written after close


def test_use_after_the_with_block(backend: Backend) -> None:
    with backend.open() as s:
        s.save(journey(1))
    with pytest.raises(StoreClosed, match="is closed; open a new store"):
        s.load("c1", FLOW)


def test_concurrent_writers_never_interleave(backend: Backend) -> None:
    """Four threads, each with its own store, append 2-event batches with retries."""
    with backend.open() as s:
        s.save(FLOW.start("c1", at=T0))
    step = FLOW.start("c1", at=T0).fire("register", at=T0).history[0]
    errors: list[BaseException] = []

    def writer(tag: str) -> None:
        try:
            with backend.open() as s:
                for _ in range(10):
                    while True:
                        version = s.version("c1")
                        assert version is not None
                        batch = [step._replace(actor=tag), step._replace(actor=tag)]
                        try:
                            s.append("c1", batch, expected_version=version)
                            break
                        except ConcurrencyError:
                            continue
        except Exception as exc:  # noqa: BLE001 - collected and asserted empty below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with backend.open() as s:
        events = s.events("c1")
    actors = [e["actor"] for e in events]
    assert [e["seq"] for e in events] == list(range(1, 81))
    assert sorted(actors) == sorted(f"w{i}" for i in range(4) for _ in range(20))
    assert all(actors[i] == actors[i + 1] for i in range(0, len(actors), 2))


# -- schema versions ------------------------------------------------------------------------
def _make_v1(backend: Backend) -> None:
    if isinstance(backend, SQLiteBackend):
        db = sqlite3.connect(backend.path, isolation_level=None)
        for statement in MIGRATIONS[1]:
            db.execute(statement)
        db.execute("INSERT INTO meta VALUES ('schema_version', '1')")
        rows = [("c1", "self_employed", T0.isoformat(), "{}", 2)]
        db.executemany("INSERT INTO journeys VALUES (?, ?, ?, ?, ?)", rows)
        sql = "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)"
    else:
        assert isinstance(backend, PostgresBackend)
        for statement in PG_MIGRATIONS[1]:
            backend.raw(statement.replace("{s}", backend.schema))
        p = backend.prefix
        backend.raw(f"INSERT INTO {p}meta VALUES ('schema_version', '1')")
        backend.raw(
            f"INSERT INTO {p}journeys VALUES (?, ?, ?, ?, ?)",
            ("c1", "self_employed", T0.isoformat(), "{}", 2),
        )
        sql = f"INSERT INTO {p}events VALUES (?, ?, ?, ?, ?, ?)"
    j = FLOW.start("c1", at=T0).fire("register", at=T0).fire("fill_profile", at=T0)
    for i, s in enumerate(j.history, 1):
        args = ("c1", i, s.event, s.at.isoformat(), s.actor, None)
        if isinstance(backend, SQLiteBackend):
            db.execute(sql, args)
        else:
            backend.raw(sql, args)
    if isinstance(backend, SQLiteBackend):
        db.close()


def test_migrates_schema_1_forward(backend: Backend) -> None:
    _make_v1(backend)
    with backend.open() as s:
        assert s.schema_version == SCHEMA_VERSION  # type: ignore[attr-defined]
        assert s.load("c1", FLOW).state == "profile_filled"
        claim = s.claim_next(FLOW, now=T0 + dt.timedelta(hours=5), idle=3600, operator="op")
        assert claim is not None  # the schema-1 row got its call-list columns on first use
        assert claim.journey_id == "c1"
    with backend.open() as s:  # opening an up-to-date store migrates nothing
        assert s.schema_version == SCHEMA_VERSION  # type: ignore[attr-defined]


def test_newer_schema_is_refused_untouched(backend: Backend) -> None:
    with backend.open() as s:
        s.save(journey(2))
    backend.raw(f"UPDATE {backend.prefix}meta SET value = '99' WHERE key = 'schema_version'")
    before = backend.fingerprint()
    with pytest.raises(InvalidValue, match=f"has schema version 99, newer than {SCHEMA_VERSION}"):
        backend.open()
    assert backend.fingerprint() == before


def test_newer_schema_1_store_is_refused_before_any_write(backend: Backend) -> None:
    """A bare newer store (only its meta table) gets none of our tables or triggers."""
    if isinstance(backend, SQLiteBackend):
        db = sqlite3.connect(backend.path, isolation_level=None)
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("CREATE TABLE journeys (x)")
        db.execute("CREATE TABLE events (x)")
        db.execute("INSERT INTO meta VALUES ('schema_version', '7')")
        db.close()
    else:
        backend.raw(f"CREATE SCHEMA {backend.schema}")
        backend.raw(f"CREATE TABLE {backend.prefix}meta (key text PRIMARY KEY, value text)")
        backend.raw(f"INSERT INTO {backend.prefix}meta VALUES ('schema_version', '7')")
    before = backend.fingerprint()
    with pytest.raises(InvalidValue, match="has schema version 7, newer than"):
        backend.open()
    assert backend.fingerprint() == before


def test_another_applications_tables_are_refused(backend: Backend) -> None:
    if isinstance(backend, SQLiteBackend):
        db = sqlite3.connect(backend.path, isolation_level=None)
        db.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, payload TEXT)")
        db.close()
        match = "another application's database"
    else:
        backend.raw(f"CREATE SCHEMA {backend.schema}")
        backend.raw(f"CREATE TABLE {backend.prefix}events (id serial, payload text)")
        match = "holds another application's tables"
    before = backend.fingerprint()
    with pytest.raises(InvalidValue, match=match):
        backend.open()
    assert backend.fingerprint() == before


# -- the shared call list ---------------------------------------------------------------------
IDLE = dt.timedelta(hours=4)


@pytest.fixture(scope="module")
def demo() -> list[Journey]:
    return demo_journeys()


def test_claims_follow_the_stuck_order(store: JourneyStore, demo: list[Journey]) -> None:
    store.save_many(demo)
    order = []
    while (claim := store.claim_next(FLOW, now=NOW, idle=IDLE, operator="op")) is not None:
        assert claim.journey == next(j for j in demo if j.subject_id == claim.journey_id)
        order.append(claim.journey_id)
    assert order == [j.subject_id for j in stuck(demo, now=NOW, idle=IDLE)]
    assert len(order) == 274


def test_claim_lease_release_and_complete(store: JourneyStore) -> None:
    store.save_many([journey(3, "near"), journey(1, "far")])
    now = T0 + dt.timedelta(hours=6)
    a = store.claim_next(FLOW, now=now, idle=IDLE, operator="anna")
    assert isinstance(a, Claim)
    assert (a.journey_id, a.operator, a.expires_at) == (
        "near",
        "anna",
        now + dt.timedelta(minutes=15),
    )
    assert a.to_dict()["state"] == "passport_verified"
    b = store.claim_next(FLOW, now=now, idle=IDLE, operator="boris")
    assert b is not None
    assert b.journey_id == "far"
    assert store.claim_next(FLOW, now=now, idle=IDLE, operator="vera") is None
    # Anna's lease runs out: the journey is offered again, her late release does nothing.
    later = now + dt.timedelta(minutes=15)
    c = store.claim_next(FLOW, now=later, idle=IDLE, operator="vera")
    assert c is not None
    assert c.journey_id == "near"
    assert store.release(a) is False
    assert store.release(c) is True
    assert store.release(c) is False
    # Released: offered again at once. Completed: gone until idle again after the call.
    d = store.claim_next(FLOW, now=later, idle=IDLE, operator="vera")
    assert d is not None
    assert d.journey_id == "near"
    assert store.complete(d) is True
    assert store.complete(b) is True
    assert store.claim_next(FLOW, now=later, idle=IDLE, operator="vera") is None
    # Boris's call was at `now`, Vera's at `later`: each is offered idle-after-the-call.
    e = store.claim_next(FLOW, now=now + IDLE, idle=IDLE, operator="vera")
    assert e is not None
    assert e.journey_id == "far"
    assert store.claim_next(FLOW, now=now + IDLE, idle=IDLE, operator="vera") is None
    g = store.claim_next(FLOW, now=later + IDLE, idle=IDLE, operator="vera")
    assert g is not None
    assert g.journey_id == "near"
    # A recent event takes a journey off the list until it is idle again.
    recent = journey(3, "near").fire("confirm_status", at=later + IDLE - dt.timedelta(hours=1))
    store.save(recent, expected_version=3)
    assert store.release(g) is True
    assert store.complete(e, at=later + IDLE) is True
    assert store.claim_next(FLOW, now=later + IDLE, idle=IDLE, operator="vera") is None
    h = store.claim_next(FLOW, now=later + 2 * IDLE, idle=IDLE, operator="vera")
    assert h is not None
    assert h.journey_id == "near"
    assert h.journey == recent


def test_claim_bad_input(store: JourneyStore) -> None:
    with pytest.raises(InvalidArgument, match="operator must be a non-empty string"):
        store.claim_next(FLOW, now=NOW, idle=IDLE, operator="")
    with pytest.raises(InvalidValue, match="lease must be positive"):
        store.claim_next(FLOW, now=NOW, idle=IDLE, operator="op", lease=0)
    with pytest.raises(InvalidValue, match="idle must not be negative"):
        store.claim_next(FLOW, now=NOW, idle=-1, operator="op")
    with pytest.raises(InvalidValue, match="now"):
        store.claim_next(FLOW, now=dt.datetime(2024, 1, 1), idle=IDLE, operator="op")
    with pytest.raises(InvalidArgument, match="claim must be a Claim"):
        store.release("near")  # type: ignore[arg-type]


def test_eight_operators_never_share_a_journey(backend: Backend, demo: list[Journey]) -> None:
    with backend.open() as s:
        s.save_many(demo)
    claimed: dict[str, list[str]] = {}
    errors: list[BaseException] = []

    def operator(name: str) -> None:
        try:
            with backend.open() as s:
                mine = claimed.setdefault(name, [])
                while (c := s.claim_next(FLOW, now=NOW, idle=IDLE, operator=name)) is not None:
                    mine.append(c.journey_id)
        except Exception as exc:  # noqa: BLE001 - asserted empty below
            errors.append(exc)

    threads = [threading.Thread(target=operator, args=(f"op{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    every = [j for ids in claimed.values() for j in ids]
    assert len(every) == len(set(every)) == 274
    assert set(every) == {j.subject_id for j in stuck(demo, now=NOW, idle=IDLE)}


@given(
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 48 * 60)), min_size=0, max_size=12),
    st.integers(0, 30 * 60),
)
@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_claim_order_is_stucks_order(
    backend: Backend, specs: list[tuple[int, int]], idle_minutes: int
) -> None:
    journeys = [journey(n, f"c{i}", T0 + dt.timedelta(minutes=m)) for i, (n, m) in enumerate(specs)]
    now = T0 + dt.timedelta(hours=50)
    idle = dt.timedelta(minutes=idle_minutes)

    def fresh() -> JourneyStore:
        if isinstance(backend, PostgresBackend):
            return PostgresJourneyStore(backend.conninfo, schema="h" + uuid.uuid4().hex[:12])
        return SQLiteJourneyStore(":memory:")

    with fresh() as s:
        s.save_many(journeys)
        got = []
        while (c := s.claim_next(FLOW, now=now, idle=idle, operator="op")) is not None:
            got.append(c.journey_id)
    assert got == [j.subject_id for j in stuck(journeys, now=now, idle=idle)]


# -- moving between stores ------------------------------------------------------------------
def test_copy_store_round_trip(backend: Backend, tmp_path: Path, demo: list[Journey]) -> None:
    sample = demo[:120]
    with SQLiteJourneyStore(tmp_path / "src.db") as src, backend.open() as dst:
        src.save_many(sample)
        assert copy_store(src, dst, batch=50) == 120
        assert copy_store(src, dst) == 0  # resumable: same versions are skipped
        assert list(dst.journeys(FLOW)) == sorted(sample, key=lambda j: j.subject_id)
        first = dst.claim_next(FLOW, now=NOW, idle=IDLE, operator="op")
        expected = stuck(sample, now=NOW, idle=IDLE)[0]
        assert first is not None
        assert first.journey_id == expected.subject_id
        with SQLiteJourneyStore(tmp_path / "back.db") as back:
            assert copy_store(dst, back) == 120
            assert [j.to_dict() for j in back.journeys(FLOW)] == [
                j.to_dict() for j in sorted(sample, key=lambda j: j.subject_id)
            ]
        open_one = next(j for j in sample if not j.is_terminal)
        src.save(open_one.fire("withdraw", at=NOW), expected_version=open_one.version)
        with pytest.raises(ConcurrencyError, match="is in the destination at version"):
            copy_store(src, dst)
    with pytest.raises(InvalidArgument, match="src must be a journey store"):
        copy_store("a.db", dst)  # type: ignore[arg-type]


def test_load_reads_one_snapshot_while_another_writer_appends(backend: Backend) -> None:
    """A load never sees the journey row of one version and the events of another."""
    with backend.open() as s:
        s.save(FLOW.start("c1", at=T0))
    step = FLOW.start("c1", at=T0).fire("register", at=T0).history[0]
    done = threading.Event()
    errors: list[BaseException] = []

    def appender() -> None:
        try:
            with backend.open() as s:
                for version in range(60):
                    s.append("c1", [step], expected_version=version)
        except Exception as exc:  # noqa: BLE001 - asserted empty below
            errors.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=appender)
    thread.start()
    loads = 0
    with backend.open() as s:
        while not done.is_set() or loads == 0:
            try:
                s.events("c1")
                assert s._fetch("c1") is not None
                version = s.version("c1")
                row, events = s._fetch("c1")  # type: ignore[misc]
                assert [e[0] for e in events] == list(range(1, row[3] + 1))
                assert version is not None
            except Exception as exc:  # noqa: BLE001 - asserted empty below
                errors.append(exc)
                break
            loads += 1
    thread.join()
    assert errors == []
    assert loads > 0
