"""SQLiteJourneyStore: append-only log, optimistic concurrency, durability under SIGKILL."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from supportkit.exceptions import ConcurrencyError, InvalidArgument, InvalidFlow, InvalidValue
from supportkit.onboarding import SCHEMA_VERSION, Journey, SQLiteJourneyStore, flows

MSK = ZoneInfo("Europe/Moscow")
T0 = dt.datetime(2024, 11, 11, 10, 0, tzinfo=MSK)
EVENTS = ["register", "fill_profile", "verify_passport", "confirm_status"]


def journey(n: int = 4, subject: str = "c1") -> Journey:
    j = flows.self_employed().start(subject, at=T0, client="ООО Ромашка")
    for i, event in enumerate(EVENTS[:n]):
        j = j.fire(event, at=T0 + dt.timedelta(minutes=i), actor="support" if i == 1 else "subject")
    return j


@pytest.fixture
def store(tmp_path: Path):
    with SQLiteJourneyStore(tmp_path / "journeys.db") as s:
        yield s


def test_save_load_and_append(store: SQLiteJourneyStore) -> None:
    flow = flows.self_employed()
    first = journey(2)
    assert store.save(first) == 2
    assert store.load("c1", flow) == first
    later = journey(4)
    assert store.save(later, expected_version=2) == 4
    assert store.load("c1", flow) == later
    assert store.version("c1") == 4
    assert store.version("nobody") is None
    assert store.ids() == ["c1"]
    assert [e["seq"] for e in store.events("c1")] == [1, 2, 3, 4]
    assert list(store.journeys(flow)) == [later]
    assert store.schema_version == SCHEMA_VERSION
    assert "synchronous='FULL'" in repr(store)


def test_pragmas(store: SQLiteJourneyStore) -> None:
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    with pytest.raises(InvalidValue, match="synchronous must be one of"):
        SQLiteJourneyStore(":memory:", synchronous="OFF")


def test_optimistic_concurrency_writes_nothing_on_conflict(store: SQLiteJourneyStore) -> None:
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
    assert store.version("c1") == 4
    assert len(store.events("c1")) == 4


def test_bad_input(store: SQLiteJourneyStore) -> None:
    with pytest.raises(InvalidValue, match="journey 'ghost' is not in the store; save it first"):
        store.append("ghost", [], expected_version=0)
    with pytest.raises(InvalidValue, match=r"journey 'ghost' is not in the store\."):
        store.load("ghost", flows.self_employed())
    with pytest.raises(InvalidArgument, match="journey must be a Journey"):
        store.save({"subject_id": "x"})  # type: ignore[arg-type]
    store.save(journey(1))
    with pytest.raises(InvalidArgument, match=r"steps\[0\] must be a Step"):
        store.append("c1", [{"event": "fill_profile"}], expected_version=1)  # type: ignore[list-item]
    with pytest.raises(InvalidValue, match="expected_version must be between 0 and"):
        store.save(journey(2), expected_version=3)
    with pytest.raises(InvalidFlow, match="was stored with flow 'self_employed', not 'individual'"):
        store.load("c1", flows.individual())
    assert store.version("c1") == 1


def test_events_are_append_only(store: SQLiteJourneyStore) -> None:
    store.save(journey(2))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store._db.execute("UPDATE events SET event = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store._db.execute("DELETE FROM events")


def test_malformed_rows_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "bad.db"
    with SQLiteJourneyStore(path) as store:
        store.save(journey(2))
        store._db.execute("DROP TRIGGER events_no_update")
        store._db.execute("UPDATE events SET data = '{oops' WHERE seq = 1")
        with pytest.raises(InvalidFlow, match=r"stored event 'c1'#1 has data that is not JSON"):
            store.load("c1", flows.self_employed())
        store._db.execute("UPDATE events SET data = NULL, event = 'sign_contract' WHERE seq = 1")
        with pytest.raises(InvalidFlow, match=r"history\[0\] has event 'sign_contract'"):
            store.load("c1", flows.self_employed())
        store._db.execute("UPDATE journeys SET version = 5")
        with pytest.raises(InvalidFlow, match=r"should have events 1..5 but has \[1, 2\]"):
            store.load("c1", flows.self_employed())
        store._db.execute("UPDATE meta SET value = '99'")
    with pytest.raises(InvalidValue, match="has schema version 99, newer than 1"):
        SQLiteJourneyStore(path)


def test_concurrent_writers_never_interleave(tmp_path: Path) -> None:
    """Four threads, each with its own store, append 2-event batches with retries."""
    path = tmp_path / "race.db"
    flow = flows.self_employed()
    with SQLiteJourneyStore(path) as s:
        s.save(flow.start("c1", at=T0))
    # The log does not check transitions (replay does), so each writer appends batches
    # of two steps tagged with its name as the actor.
    step_a = flow.start("c1", at=T0).fire("register", at=T0).history[0]

    def writer(tag: str, errors: list[BaseException]) -> None:
        try:
            with SQLiteJourneyStore(path) as s:
                for _ in range(15):
                    while True:
                        version = s.version("c1")
                        assert version is not None
                        tagged = [
                            type(step_a)(step_a.event, step_a.at, tag, "a", "b"),
                            type(step_a)(step_a.event, step_a.at, tag, "a", "b"),
                        ]
                        try:
                            s.append("c1", tagged, expected_version=version)
                            break
                        except ConcurrencyError:
                            continue
        except Exception as exc:  # noqa: BLE001 - collected and asserted empty below
            errors.append(exc)

    errors: list[BaseException] = []
    threads = [threading.Thread(target=writer, args=(f"w{i}", errors)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with SQLiteJourneyStore(path) as s:
        actors = [e["actor"] for e in s.events("c1")]
    assert len(actors) == 4 * 15 * 2
    # Every batch of two is contiguous: positions 0-1, 2-3, ... share one writer.
    assert all(actors[i] == actors[i + 1] for i in range(0, len(actors), 2))


WRITER = r"""
import datetime as dt, sys
from supportkit.onboarding import SQLiteJourneyStore, flows
path, mode = sys.argv[1], sys.argv[2]
flow = flows.self_employed()
t0 = dt.datetime(2024, 11, 11, 10, 0, tzinfo=dt.timezone.utc)
with SQLiteJourneyStore(path, synchronous=mode) as store:
    n = 0
    while True:
        j = flow.start(f"c{n}", at=t0)
        for e in ("register", "fill_profile", "verify_passport"):
            j = j.fire(e, at=t0, note="x" * 200)
        store.save(j)
        print(n, flush=True)
        n += 1
"""


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["FULL", "NORMAL"])
def test_sigkill_loses_nothing_acknowledged(tmp_path: Path, mode: str) -> None:
    path = tmp_path / "kill.db"
    SQLiteJourneyStore(path).close()
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), mode],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    acked = []
    for line in proc.stdout:
        acked.append(int(line))
        if len(acked) >= 150:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    acked += [int(line) for line in proc.stdout.read().split()]
    proc.stdout.close()
    with SQLiteJourneyStore(path) as store:
        ids = store.ids()
        flow = flows.self_employed()
        for n in acked:
            assert store.load(f"c{n}", flow).version == 3
        # No half-written journey: every stored one is complete.
        for journey_id in ids:
            assert store.load(journey_id, flow).version == 3
        assert len(ids) >= len(acked)
        assert len(ids) <= len(acked) + 1  # at most the one committed but not yet printed


def test_save_many_is_all_or_nothing(store: SQLiteJourneyStore) -> None:
    a, b = journey(2, "a"), journey(3, "b")
    assert store.save_many([a, b]) == [2, 3]
    a4 = journey(4, "a")
    c = journey(1, "c")
    with pytest.raises(ConcurrencyError, match="journey 'b' is at version 3, not 1"):
        store.save_many([a4, c, journey(4, "b")], expected_versions=[2, None, 1])
    assert store.version("a") == 2
    assert store.version("c") is None
    assert store.save_many([a4, c], expected_versions=[2, None]) == [4, 1]
    assert store.load("a", flows.self_employed()) == a4
    with pytest.raises(InvalidValue, match="expected_versions must have one entry per journey"):
        store.save_many([a4], expected_versions=[])
    with pytest.raises(ConcurrencyError, match="journey 'zzz' is at version None, not 0"):
        store.save_many([journey(1, "zzz")], expected_versions=[0])
