"""PostgresJourneyStore on a real server under faults: concurrent processes, SIGKILL,
``pg_ctl stop -m immediate``, a backend terminated mid-transaction, 8 claiming operators.

The server is the session's throw-away cluster (``conftest.pg_cluster``); each test
uses a schema of its own. The contract shared with SQLite is in
``test_store_contract.py``.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from pg_server import Cluster

from supportkit.exceptions import InvalidArgument, InvalidValue
from supportkit.onboarding import (
    PostgresJourneyStore,
    StoreUnavailable,
    flows,
    stuck,
)
from supportkit.onboarding._demo import NOW, demo_journeys

FLOW = flows.self_employed()
T0 = dt.datetime(2024, 11, 11, 10, 0, tzinfo=dt.timezone.utc)
ENV = {**os.environ, "PYTHONUNBUFFERED": "1"}


def schema() -> str:
    return "f" + uuid.uuid4().hex[:12]


def spawn(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )


def test_import_needs_no_psycopg_and_the_store_names_the_extra() -> None:
    code = (
        "import sys\n"
        "sys.modules['psycopg'] = None  # as if it were not installed\n"
        "import supportkit.onboarding as o\n"
        "try:\n"
        "    o.PostgresJourneyStore('host=/nowhere')\n"
        "except Exception as e:\n"
        "    print(type(e).__name__, e.extra, isinstance(e, ImportError), e, sep='|')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=ENV
    ).stdout.strip()
    assert out == (
        "MissingExtra|postgres|True|PostgresJourneyStore needs psycopg 3, which is not "
        "installed; install it with pip install 'supportkit[postgres]'."
    )
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, supportkit.onboarding; print('psycopg' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
        env=ENV,
    ).stdout.strip()
    assert loaded == "False"


def test_server_runs_durable_and_read_committed(pg_cluster: Cluster) -> None:
    with PostgresJourneyStore(pg_cluster.conninfo, schema=schema()) as store:
        settings = {
            name: store._conn.execute(f"SHOW {name}").fetchone()[0]  # type: ignore[index]
            for name in ("transaction_isolation", "synchronous_commit", "fsync", "listen_addresses")
        }
        assert "schema=" in repr(store)
    assert settings == {
        "transaction_isolation": "read committed",
        "synchronous_commit": "on",
        "fsync": "on",
        "listen_addresses": "",
    }


def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidValue, match=r"cannot connect to PostgreSQL \(.*\); check the"):
        PostgresJourneyStore(f"host={tmp_path} port=5999 dbname=postgres user=postgres")
    with pytest.raises(InvalidValue, match="schema must be a lower-case SQL name"):
        PostgresJourneyStore("", schema='x"; DROP TABLE y; --')
    with pytest.raises(InvalidValue, match="cannot connect to PostgreSQL"):
        PostgresJourneyStore("no_such_option=1")
    with pytest.raises(InvalidValue, match="connect_timeout must be a number of seconds"):
        PostgresJourneyStore("", connect_timeout=None)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="durable_claims must be True or False"):
        PostgresJourneyStore("", durable_claims="yes")  # type: ignore[arg-type]


APPENDER = r"""
import sys
from supportkit.exceptions import ConcurrencyError
from supportkit.onboarding import PostgresJourneyStore, flows
import datetime as dt
conninfo, schema, tag, target, n = sys.argv[1:6]
flow = flows.self_employed()
t0 = dt.datetime(2024, 11, 11, 10, 0, tzinfo=dt.timezone.utc)
step = flow.start("x", at=t0).fire("register", at=t0).history[0]._replace(actor=tag)
with PostgresJourneyStore(conninfo, schema=schema) as store:
    if target != "shared":
        store.save(flow.start(target, at=t0))
    for _ in range(int(n)):
        while True:
            version = store.version(target)
            try:
                store.append(target, [step, step], expected_version=version)
                break
            except ConcurrencyError:
                continue
"""


def test_eight_processes_append_concurrently(pg_cluster: Cluster) -> None:
    name, rounds = schema(), 15
    with PostgresJourneyStore(pg_cluster.conninfo, schema=name) as store:
        store.save(FLOW.start("shared", at=T0))
    procs = [
        spawn(
            APPENDER,
            pg_cluster.conninfo,
            name,
            f"w{i}",
            "shared" if i < 4 else f"own{i}",
            str(rounds),
        )
        for i in range(8)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    with PostgresJourneyStore(pg_cluster.conninfo, schema=name) as store:
        shared = store.events("shared")
        assert [e["seq"] for e in shared] == list(range(1, 4 * rounds * 2 + 1))
        actors = [e["actor"] for e in shared]
        assert sorted(actors) == sorted(f"w{i}" for i in range(4) for _ in range(2 * rounds))
        assert all(actors[k] == actors[k + 1] for k in range(0, len(actors), 2))
        for i in range(4, 8):
            own = store.events(f"own{i}")
            assert [e["seq"] for e in own] == list(range(1, 2 * rounds + 1))
            assert {e["actor"] for e in own} == {f"w{i}"}
        assert store.version("shared") == 4 * rounds * 2


WRITER = r"""
import datetime as dt, sys
from supportkit.onboarding import PostgresJourneyStore, StoreUnavailable, flows
conninfo, schema = sys.argv[1:3]
flow = flows.self_employed()
t0 = dt.datetime(2024, 11, 11, 10, 0, tzinfo=dt.timezone.utc)
try:
    with PostgresJourneyStore(conninfo, schema=schema) as store:
        n = 0
        while True:
            j = flow.start(f"c{n}", at=t0)
            for e in ("register", "fill_profile", "verify_passport"):
                j = j.fire(e, at=t0, note="x" * 200)
            store.save_many([j, j.flow.start(f"d{n}", at=t0)])
            print(n, flush=True)
            n += 1
except StoreUnavailable as exc:
    print(exc, file=sys.stderr)
    sys.exit(3)
"""


def _check_acknowledged(conninfo: str, name: str, acked: list[int]) -> None:
    with PostgresJourneyStore(conninfo, schema=name) as store:
        ids = store.ids()
        for n in acked:
            assert store.load(f"c{n}", FLOW).version == 3
            assert store.load(f"d{n}", FLOW).version == 0
        for journey_id in ids:  # nothing half-written: every batch whole
            version = store.load(journey_id, FLOW).version
            assert version == (3 if journey_id.startswith("c") else 0)
        assert {i for i in ids if i.startswith("c")} == {f"c{i[1:]}" for i in ids if i[0] == "d"}
        assert len(acked) * 2 <= len(ids) <= (len(acked) + 1) * 2


def _read_acks(proc: subprocess.Popen[str], count: int) -> list[int]:
    assert proc.stdout is not None
    acked = []
    for line in proc.stdout:
        acked.append(int(line))
        if len(acked) >= count:
            break
    return acked


@pytest.mark.slow
def test_sigkill_of_a_writer_then_a_server_crash_loses_nothing_acknowledged(
    pg_cluster: Cluster,
) -> None:
    name = schema()
    PostgresJourneyStore(pg_cluster.conninfo, schema=name).close()
    proc = spawn(WRITER, pg_cluster.conninfo, name)
    acked = _read_acks(proc, 60)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.stdout is not None
    acked += [int(line) for line in proc.stdout.read().split()]
    proc.stdout.close()
    assert proc.stderr is not None
    proc.stderr.close()
    pg_cluster.crash()  # pg_ctl stop -m immediate: no checkpoint, WAL replay on start
    pg_cluster.start()
    _check_acknowledged(pg_cluster.conninfo, name, acked)


@pytest.mark.slow
def test_a_server_crash_under_a_writer_is_a_clear_error_and_loses_nothing(
    pg_cluster: Cluster,
) -> None:
    name = schema()
    PostgresJourneyStore(pg_cluster.conninfo, schema=name).close()
    proc = spawn(WRITER, pg_cluster.conninfo, name)
    acked = _read_acks(proc, 40)
    pg_cluster.crash()
    try:
        out, err = proc.communicate(timeout=60)
    finally:
        pg_cluster.start()
    acked += [int(line) for line in out.split()]
    assert proc.returncode == 3, err
    assert "the connection to PostgreSQL" in err
    assert "open a new store, check store.version() and retry." in err
    assert "Traceback" not in err
    _check_acknowledged(pg_cluster.conninfo, name, acked)


def test_connection_loss_mid_transaction(pg_cluster: Cluster) -> None:
    name = schema()
    a = FLOW.start("a", at=T0).fire("register", at=T0)
    with (
        PostgresJourneyStore(pg_cluster.conninfo, schema=name) as store,
        psycopg.connect(pg_cluster.conninfo, autocommit=True) as admin,
    ):
        pid = store._conn.info.backend_pid

        def interrupted() -> None:
            with store.transaction():
                store.save(a)
                store.save(FLOW.start("b", at=T0))
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
                store.save(FLOW.start("c", at=T0))

        with pytest.raises(StoreUnavailable) as info:
            interrupted()
        message = str(info.value)
        assert message.startswith("the connection to PostgreSQL (")
        assert message.endswith(
            "the server rolled back any unfinished transaction — open a new store, check "
            "store.version() and retry."
        )
        with pytest.raises(StoreUnavailable, match="the connection to PostgreSQL"):
            store.version("a")  # the store stays unusable, and says so
    with PostgresJourneyStore(pg_cluster.conninfo, schema=name) as fresh:
        assert fresh.ids() == []  # no partial write
        pid = fresh._conn.info.backend_pid
        with psycopg.connect(pg_cluster.conninfo, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(StoreUnavailable, match="was lost"):
            fresh.save(a)  # outside a transaction too
    with PostgresJourneyStore(pg_cluster.conninfo, schema=name) as again:
        assert again.ids() == []


OPERATOR = r"""
import sys
from supportkit.onboarding import PostgresJourneyStore, flows
from supportkit.onboarding._demo import NOW
import datetime as dt
conninfo, schema, me = sys.argv[1:4]
flow = flows.self_employed()
with PostgresJourneyStore(conninfo, schema=schema) as store:
    while (claim := store.claim_next(flow, now=NOW, idle=dt.timedelta(hours=4), operator=me)):
        print(claim.journey_id, flush=True)
"""


def test_eight_operator_processes_never_get_the_same_journey(pg_cluster: Cluster) -> None:
    name = schema()
    journeys = demo_journeys()
    with PostgresJourneyStore(pg_cluster.conninfo, schema=name) as store:
        store.save_many(journeys)
    procs = [spawn(OPERATOR, pg_cluster.conninfo, name, f"op{i}") for i in range(8)]
    claimed = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        claimed += out.split()
    expected = {j.subject_id for j in stuck(journeys, now=NOW, idle=dt.timedelta(hours=4))}
    assert len(claimed) == len(set(claimed)) == len(expected) == 274
    assert set(claimed) == expected


@pytest.mark.parametrize("durable", [False, True])
def test_leases_never_weaken_event_durability(pg_cluster: Cluster, durable: bool) -> None:
    """durable_claims=False commits leases asynchronously (SET LOCAL): events stay durable."""
    journeys = demo_journeys()[:100]
    with PostgresJourneyStore(
        pg_cluster.conninfo, schema=schema(), durable_claims=durable
    ) as store:
        store.save_many(journeys)
        got = []
        while c := store.claim_next(FLOW, now=NOW, idle=dt.timedelta(hours=4), operator="o"):
            got.append(c.journey_id)
            assert store.complete(c) is True
        sync = store._conn.execute("SHOW synchronous_commit").fetchone()
        assert sync is not None
        assert sync[0] == "on"
    assert got == [j.subject_id for j in stuck(journeys, now=NOW, idle=dt.timedelta(hours=4))]


def test_missing_server_binaries_fail_with_the_install_hint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pg_server

    monkeypatch.setattr(pg_server.shutil, "which", lambda name: None)
    monkeypatch.setattr(pg_server.glob, "glob", lambda pattern: [])
    with pytest.raises(pg_server.ServerMissing) as info:
        pg_server.find_bindir()
    assert "install Debian's `postgresql` package" in str(info.value)
    assert "apt-get install -y postgresql" in str(info.value)


def test_server_binaries_are_found_on_path_or_in_debians_folder() -> None:
    import pg_server

    bindir = pg_server.find_bindir()
    assert all((bindir / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres"))
