"""Onboarding benchmark: replay + funnel, and durable appends to SQLiteJourneyStore.

Targets (issue 6): replaying 100,000 journeys of ~8 events each and computing the funnel
in under 5 s on one core; at least 5,000 appended events/s with durability on.

Peers, in the same process:
* python-statemachine (``pip install supportkit[bench]``): one machine per journey,
  sending the same 8 events — the state machine alone, no timestamps, history, data or
  funnel; run on a slice and reported per journey.
* raw ``sqlite3``: ``executemany`` of the same rows into a plain table with the same
  pragmas and transaction sizes (the floor under any SQLite event store).

PostgreSQL (issue 19), on a throw-away cluster started like the tests do (``initdb`` +
``pg_ctl``, Unix socket only, ``synchronous_commit=on``): ``save_many`` of 50 journeys per
transaction against raw ``psycopg`` ``executemany`` of the same rows in the same
transactions (targets: >= 5,000 events/s, ratio >= 0.8), and ``claim_next`` with 8
concurrent operators (target >= 500 claims/s).

Run ``python benchmarks/onboarding_bench.py`` (``--quick`` for a small run,
``--only-postgres`` for the PostgreSQL part, ``--pg-dsn`` to measure another server).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from supportkit.onboarding import Journey, SQLiteJourneyStore, flows, funnel

EVENTS = [
    "register",
    "fill_profile",
    "choose_city",
    "verify_passport",
    "confirm_status",
    "grant_permissions",
    "watch_briefing",
    "sign_contract",
]


def bench_flow() -> Any:
    """The self-employed flow with two client steps: 8 events from invited to active."""
    return (
        flows.self_employed()
        .with_step("city_chosen", after="profile_filled", event="choose_city")
        .with_step("briefed", after="permissions_granted", event="watch_briefing")
    )


def records(n: int, seed: int = 6) -> list[dict[str, Any]]:
    """Stored journeys (JSON form): most finish all 8 events, some stop early."""
    rng = random.Random(seed)
    base = dt.datetime(2024, 11, 11, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    out = []
    for i in range(n):
        at = base + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 30))
        start = at.isoformat()
        history = []
        stop = 8 if rng.random() < 0.8 else rng.randrange(0, 8)
        for event in EVENTS[:stop]:
            at += dt.timedelta(minutes=rng.randrange(1, 60 * 30))
            actor = "support" if rng.random() < 0.03 else "subject"
            history.append({"event": event, "at": at.isoformat(), "actor": actor})
        out.append({"flow": "self_employed", "subject_id": f"c{i}", "started_at": start,
                    "history": history})  # fmt: skip
    return out


def cpu() -> float:
    return time.process_time()


def bench_replay(n: int) -> dict[str, float]:
    flow = bench_flow()
    data = records(n)
    events = sum(len(r["history"]) for r in data)
    t0, c0 = time.perf_counter(), cpu()
    journeys = flow.replay_many(data)
    t1 = time.perf_counter()
    result = funnel(journeys, flow)
    t2, c2 = time.perf_counter(), cpu()
    assert result.total == n
    return {
        "journeys": n,
        "events": events,
        "replay_s": t1 - t0,
        "funnel_s": t2 - t1,
        "total_s": t2 - t0,
        "cpu_s": c2 - c0,
    }


def bench_peer_statemachine(n: int) -> float | None:
    """Seconds per journey for python-statemachine sending the same events."""
    try:
        from statemachine import State, StateMachine
    except ImportError:
        return None

    class Onboarding(StateMachine):  # type: ignore[misc]
        invited = State(initial=True)
        registered = State()
        profile_filled = State()
        city_chosen = State()
        passport_verified = State()
        status_confirmed = State()
        permissions_granted = State()
        briefed = State()
        active = State(final=True)
        register = invited.to(registered)
        fill_profile = registered.to(profile_filled)
        choose_city = profile_filled.to(city_chosen)
        verify_passport = city_chosen.to(passport_verified)
        confirm_status = passport_verified.to(status_confirmed)
        grant_permissions = status_confirmed.to(permissions_granted)
        watch_briefing = permissions_granted.to(briefed)
        sign_contract = briefed.to(active)

    data = records(n)
    t0 = time.perf_counter()
    for r in data:
        machine = Onboarding()
        for item in r["history"]:
            machine.send(item["event"])
    return (time.perf_counter() - t0) / n


def _steps(n: int) -> list[Journey]:
    flow = flows.self_employed()
    base = dt.datetime(2024, 11, 11, 10, 0, tzinfo=dt.timezone.utc)
    out = []
    for i in range(n):
        j = flow.start(f"c{i}", at=base)
        for event in EVENTS[:2] + EVENTS[3:6] + EVENTS[7:]:
            j = j.fire(event, at=base)
        out.append(j)
    return out


def bench_store(n_journeys: int, synchronous: str) -> dict[str, float]:
    journeys = _steps(n_journeys)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "store.db")
        with SQLiteJourneyStore(path, synchronous=synchronous) as store:
            # One transaction per journey (its 6 events), as a host saving a journey.
            t0 = time.perf_counter()
            for j in journeys:
                store.save(j)
            batch = time.perf_counter() - t0
            # One transaction per event, as events arrive one by one.
            single_n = max(200, n_journeys // 5)
            fresh = [
                j.flow.start(f"s{i}", at=j.started_at) for i, j in enumerate(journeys[:single_n])
            ]
            for j in fresh:
                store.save(j)
            t0 = time.perf_counter()
            count = 0
            for j, full in zip(fresh, journeys, strict=False):
                for k, step in enumerate(full.history):
                    store.append(j.subject_id, [step], expected_version=k)
                    count += 1
            single = time.perf_counter() - t0
        events = sum(j.version for j in journeys)
        # Group commit: 50 journeys (300 events) per transaction.
        with SQLiteJourneyStore(os.path.join(tmp, "group.db"), synchronous=synchronous) as store:
            t0 = time.perf_counter()
            for k in range(0, len(journeys), 50):
                store.save_many(journeys[k : k + 50])
            group = time.perf_counter() - t0
    return {
        "batch_eps": events / batch,
        "single_eps": count / single,
        "group_eps": events / group,
    }


def bench_raw_sqlite(n_journeys: int, synchronous: str) -> dict[str, float]:
    journeys = _steps(n_journeys)
    with tempfile.TemporaryDirectory() as tmp:
        db = sqlite3.connect(os.path.join(tmp, "raw.db"), isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(f"PRAGMA synchronous={synchronous}")
        db.execute("CREATE TABLE e (j TEXT, seq INT, event TEXT, at TEXT, actor TEXT, "
                   "PRIMARY KEY (j, seq)) WITHOUT ROWID")  # fmt: skip
        t0 = time.perf_counter()
        for j in journeys:
            db.execute("BEGIN IMMEDIATE")
            db.executemany(
                "INSERT INTO e VALUES (?, ?, ?, ?, ?)",
                [
                    (j.subject_id, k, s.event, s.at.isoformat(), s.actor)
                    for k, s in enumerate(j.history)
                ],
            )
            db.execute("COMMIT")
        batch = time.perf_counter() - t0
        db.close()
    return {"batch_eps": sum(j.version for j in journeys) / batch}


# -- PostgreSQL (issue 19) ---------------------------------------------------------------------
def _pg_cluster() -> Any:
    """A throw-away cluster on a Unix socket (the test suite's helper, tests/onboarding)."""
    here = Path(__file__).resolve().parent.parent / "tests" / "onboarding"
    sys.path.insert(0, str(here))
    from pg_server import Cluster

    cluster = Cluster()
    cluster.start()
    return cluster


def _backend_cpu(pid: int) -> float:
    """CPU seconds used so far by the server process ``pid`` (Linux, same machine)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_pg_appends(conninfo: str, n_journeys: int, repeat: int) -> dict[str, float]:
    """save_many of 50 journeys (300 events) per transaction vs raw psycopg, same rows."""
    import psycopg

    from supportkit.onboarding import PostgresJourneyStore

    journeys = _steps(n_journeys)
    events = sum(j.version for j in journeys)
    ours, raw = [], []
    cpu_ours, cpu_raw = [], []  # (client, server) CPU ms per batch
    batches = (len(journeys) + 49) // 50
    for r in range(repeat):
        # Alternate which runs first, so neither always gets the warmer server.
        for which in ("ours", "raw") if r % 2 == 0 else ("raw", "ours"):
            schema = f"bench_{which}_{r}"
            if which == "ours":
                with PostgresJourneyStore(conninfo, schema=schema) as store:
                    sync = store._conn.execute("SHOW synchronous_commit").fetchone()
                    assert sync is not None
                    assert sync[0] == "on", "measure with durable commits"
                    pid = store._conn.info.backend_pid
                    t0, c0, s0 = time.perf_counter(), cpu(), _backend_cpu(pid)
                    for k in range(0, len(journeys), 50):
                        store.save_many(journeys[k : k + 50])
                    ours.append(events / (time.perf_counter() - t0))
                    cpu_ours.append(
                        ((cpu() - c0) * 1e3 / batches, (_backend_cpu(pid) - s0) * 1e3 / batches)
                    )
                continue
            with psycopg.connect(conninfo, autocommit=True) as conn:
                conn.execute(f"CREATE SCHEMA {schema}")
                conn.execute(
                    f"CREATE TABLE {schema}.journeys (journey_id text PRIMARY KEY, flow text, "
                    "started_at text, data text, version integer, state text, "
                    "last_at timestamptz)"
                )
                conn.execute(
                    f"CREATE TABLE {schema}.events (journey_id text, seq integer, event text, "
                    "at text, actor text, data text, PRIMARY KEY (journey_id, seq))"
                )
                pid = conn.info.backend_pid
                t0, c0, s0 = time.perf_counter(), cpu(), _backend_cpu(pid)
                for k in range(0, len(journeys), 50):
                    part = journeys[k : k + 50]
                    with conn.transaction(), conn.cursor() as cur:
                        cur.executemany(
                            f"INSERT INTO {schema}.journeys VALUES (%s, %s, %s, %s, %s, %s, %s)",
                            [
                                (j.subject_id, j.flow.name, j.started_at.isoformat(),
                                 json.dumps(dict(j.start_data)), j.version, j.state, j.last_at)
                                for j in part
                            ],
                        )  # fmt: skip
                        cur.executemany(
                            f"INSERT INTO {schema}.events VALUES (%s, %s, %s, %s, %s, %s)",
                            [
                                (j.subject_id, i + 1, s.event, s.at.isoformat(), s.actor,
                                 json.dumps(dict(s.data)) if s.data else None)
                                for j in part
                                for i, s in enumerate(j.history)
                            ],
                        )  # fmt: skip
                raw.append(events / (time.perf_counter() - t0))
                cpu_raw.append(
                    ((cpu() - c0) * 1e3 / batches, (_backend_cpu(pid) - s0) * 1e3 / batches)
                )
    best_ours, best_raw = min(cpu_ours, key=sum), min(cpu_raw, key=sum)
    return {
        "ours_eps": max(ours),
        "raw_eps": max(raw),
        "events": events,
        "ours_client_ms": best_ours[0],
        "ours_server_ms": best_ours[1],
        "raw_client_ms": best_raw[0],
        "raw_server_ms": best_raw[1],
    }


def _operator(conninfo: str, schema: str, name: str, durable: bool, start: Any, out: Any) -> None:
    """One operator process: claim until the list is empty, report the count."""
    from supportkit.onboarding import PostgresJourneyStore

    flow = flows.self_employed()
    count = 0
    with PostgresJourneyStore(conninfo, schema=schema, durable_claims=durable) as store:
        start.wait()
        while store.claim_next(flow, now=_CLAIM_NOW, idle=3600, operator=name) is not None:
            count += 1
    out.put(count)


def _claimable(n: int) -> list[Journey]:
    """Open journeys at every step of the self-employed flow, idle by `_CLAIM_NOW`."""
    flow = flows.self_employed()
    base = dt.datetime(2024, 11, 11, 10, 0, tzinfo=dt.timezone.utc)
    path = ["register", "fill_profile", "verify_passport", "confirm_status", "grant_permissions"]
    out = []
    for i in range(n):
        j = flow.start(f"c{i}", at=base + dt.timedelta(seconds=i))
        for event in path[: i % 6]:
            j = j.fire(event, at=j.last_at + dt.timedelta(minutes=5))
        out.append(j)
    return out


_CLAIM_NOW = dt.datetime(2024, 11, 13, 10, 0, tzinfo=dt.timezone.utc)


def bench_pg_claims(
    conninfo: str, n_journeys: int, operators: int, *, durable: bool
) -> dict[str, Any]:
    """claim_next by `operators` processes (a connection each) until the list is empty."""
    import multiprocessing

    from supportkit.onboarding import PostgresJourneyStore

    schema = f"bench_claims_{n_journeys}_{'durable' if durable else 'lease'}"
    with PostgresJourneyStore(conninfo, schema=schema) as store:
        store.save_many(_claimable(n_journeys))
    ctx = multiprocessing.get_context("fork")
    start = ctx.Barrier(operators + 1)
    out = ctx.Queue()
    procs = [
        ctx.Process(target=_operator, args=(conninfo, schema, f"op{i}", durable, start, out))
        for i in range(operators)
    ]
    for p in procs:
        p.start()
    start.wait()  # every operator connected: the clock starts now
    t0 = time.perf_counter()
    counts = [out.get(timeout=600) for _ in procs]
    wall = time.perf_counter() - t0
    for p in procs:
        p.join()
    assert sum(counts) == n_journeys, counts
    return {"claims_per_s": n_journeys / wall, "claims": n_journeys, "per_operator": counts}


def bench_sqlite_claims(n_journeys: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "claims.db")
        with SQLiteJourneyStore(path) as store:
            store.save_many(_claimable(n_journeys))
            flow = flows.self_employed()
            t0 = time.perf_counter()
            while store.claim_next(flow, now=_CLAIM_NOW, idle=3600, operator="op") is not None:
                pass
            return n_journeys / (time.perf_counter() - t0)


def run_postgres(quick: bool, conninfo: str | None) -> None:
    cluster = None
    if conninfo is None:
        cluster = _pg_cluster()
        conninfo = cluster.conninfo
    try:
        n = 1_000 if quick else 4_000
        a = bench_pg_appends(conninfo, n, 1 if quick else 3)
        print(
            f"PostgresJourneyStore, synchronous_commit=on, Unix socket, save_many of 50 journeys "
            f"(300 events) per transaction: {a['ours_eps']:,.0f} events/s (target >= 5,000); "
            f"raw psycopg executemany of the same rows in the same transactions: "
            f"{a['raw_eps']:,.0f} events/s; ratio {a['ours_eps'] / a['raw_eps']:.2f} "
            "(aim >= 0.8)"
        )
        print(
            f"  CPU per 300-event batch: ours {a['ours_client_ms']:.2f} ms client + "
            f"{a['ours_server_ms']:.2f} ms server = "
            f"{a['ours_client_ms'] + a['ours_server_ms']:.2f} ms; raw psycopg "
            f"{a['raw_client_ms']:.2f} + {a['raw_server_ms']:.2f} = "
            f"{a['raw_client_ms'] + a['raw_server_ms']:.2f} ms (the rest of the wall time "
            "is the WAL fsync of each commit)"
        )
        for durable in (True, False):
            c = bench_pg_claims(conninfo, 600 if quick else 2_000, 8, durable=durable)
            print(
                f"PostgresJourneyStore.claim_next, 8 operators (processes, a connection each), "
                f"{c['claims']:,} journeys, "
                + ("default, durable_claims=True (a WAL flush per claim)" if durable else
                   "durable_claims=False (leases committed without waiting for the flush)")
                + f": {c['claims_per_s']:,.0f} claims/s (target >= 500); "
                f"per operator {c['per_operator']}"
            )  # fmt: skip
    finally:
        if cluster is not None:
            cluster.destroy()
    s = bench_sqlite_claims(300 if quick else 1_000)
    print(f"SQLiteJourneyStore.claim_next, one operator, synchronous=FULL: {s:,.0f} claims/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10,000 journeys, small store run")
    parser.add_argument("--repeat", type=int, default=3, help="runs of replay + funnel (best)")
    parser.add_argument(
        "--only-postgres", action="store_true", help="run only the PostgreSQL measurements"
    )
    parser.add_argument(
        "--pg-dsn",
        default=None,
        help="an existing PostgreSQL to measure (default: a throw-away cluster on a Unix socket)",
    )
    args = parser.parse_args()
    if args.only_postgres:
        run_postgres(args.quick, args.pg_dsn)
        return
    n = 10_000 if args.quick else 100_000
    stored = 300 if args.quick else 2_000

    runs = [bench_replay(n) for _ in range(max(1, args.repeat))]
    r = min(runs, key=lambda x: x["cpu_s"])
    print(
        f"replay + funnel: {r['journeys']:,} journeys, {r['events']:,} events, best of "
        f"{len(runs)}: replay {r['replay_s']:.2f} s + funnel {r['funnel_s']:.2f} s = "
        f"{r['total_s']:.2f} s wall, {r['cpu_s']:.2f} s CPU (target < 5 s); all runs CPU "
        + ", ".join(f"{x['cpu_s']:.2f}" for x in runs)
    )
    ours = r["replay_s"] / n
    peer = bench_peer_statemachine(min(n, 10_000))
    if peer is None:
        print("python-statemachine not installed (pip install supportkit[bench])")
    else:
        print(
            f"per journey: supportkit replay {ours * 1e6:.1f} µs, python-statemachine "
            f"{peer * 1e6:.1f} µs (events only); ratio {peer / ours:.2f}x"
        )
    for mode in ("FULL", "NORMAL"):
        s = bench_store(stored, mode)
        raw = bench_raw_sqlite(stored, mode)
        print(
            f"SQLiteJourneyStore WAL synchronous={mode}: {s['group_eps']:,.0f} events/s "
            f"(50 journeys per transaction), {s['batch_eps']:,.0f} events/s (a journey per "
            f"transaction), {s['single_eps']:,.0f} events/s (an event per transaction); raw "
            f"sqlite3 {raw['batch_eps']:,.0f} events/s (a journey per transaction), ratio "
            f"{s['batch_eps'] / raw['batch_eps']:.2f}"
        )
    run_postgres(args.quick, args.pg_dsn)


if __name__ == "__main__":
    main()
