"""SQLiteJourneyStore specifics: pragmas, durability under SIGKILL, hostile files and paths.

The contract both stores keep (log, concurrency, replay, schema, call list) is tested in
``test_store_contract.py``.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from supportkit.exceptions import ConcurrencyError, InvalidArgument, InvalidValue
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


def test_pragmas(store: SQLiteJourneyStore) -> None:
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert "synchronous='FULL'" in repr(store)
    with pytest.raises(InvalidValue, match="synchronous must be one of"):
        SQLiteJourneyStore(":memory:", synchronous="OFF")


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


# -- hostile paths and files (issue 15): clear errors, nothing written -----------------------
def test_path_that_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(InvalidValue, match="is a directory; pass a file inside it, such as"):
        SQLiteJourneyStore(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_path_without_a_parent_folder(tmp_path: Path) -> None:
    with pytest.raises(
        InvalidValue, match=r"the folder .*nowhere' of store path .* does not exist"
    ):
        SQLiteJourneyStore(tmp_path / "nowhere" / "journeys.db")


def test_paths_that_are_not_paths(tmp_path: Path) -> None:
    with pytest.raises(InvalidValue, match="is not a file path"):
        SQLiteJourneyStore('{"rules": [' + "1, " * 2000 + "]}")
    with pytest.raises(InvalidValue, match=r"cannot be used .*name too long"):
        SQLiteJourneyStore(str(tmp_path / ("x" * 5000)))
    with pytest.raises(InvalidValue, match="is not a file path"):
        SQLiteJourneyStore("bad\x00name.db")
    with pytest.raises(InvalidValue, match="is not a file path"):
        SQLiteJourneyStore('{"journeys": []}')
    with SQLiteJourneyStore(tmp_path / "[backup] journeys.db") as odd:  # a real file name
        assert odd.ids() == []
    (tmp_path / "[backup] journeys.db").unlink()
    with pytest.raises(InvalidArgument, match="path must be a file path"):
        SQLiteJourneyStore(42)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match=r"path must be a file path .*got bytes"):
        SQLiteJourneyStore(b"journeys.db")  # type: ignore[arg-type]
    with pytest.raises(InvalidValue, match="timeout must be a number of seconds"):
        SQLiteJourneyStore(":memory:", timeout=float("nan"))
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_sqlite_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Это не база данных.\n" * 20, encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(InvalidValue, match=r"is not an SQLite database .*starts with"):
        SQLiteJourneyStore(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def _filled(path: Path) -> None:
    with SQLiteJourneyStore(path) as s:
        s.save_many([journey(4, f"c{i}") for i in range(300)])


def test_a_truncated_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cut.db"
    _filled(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InvalidValue, match=r"is corrupt or truncated .*restore it from a backup"):
        SQLiteJourneyStore(path)
    path.write_bytes(data[:60])
    with pytest.raises(InvalidValue, match="is corrupt or truncated"):
        SQLiteJourneyStore(path)


def test_a_corrupt_store_raises_supportkit_errors_only(tmp_path: Path) -> None:
    path = tmp_path / "bad.db"
    _filled(path)
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for at in range(2 * page, len(data), page):  # every page but the schema page
        data[at : at + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))

    def read_all() -> None:
        with SQLiteJourneyStore(path) as s:
            for journey_id in s.ids():
                s.load(journey_id, flows.self_employed())

    with pytest.raises(InvalidValue, match="is corrupt or truncated"):
        read_all()


def test_database_is_locked_becomes_a_concurrency_error(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    with SQLiteJourneyStore(path) as holder, SQLiteJourneyStore(path, timeout=0.2) as waiter:
        with holder.transaction():
            holder.save(journey(1, "a"))
            with pytest.raises(ConcurrencyError) as info:
                waiter.save(journey(1, "b"))
        assert str(info.value) == (
            f"store {str(path)!r} stayed locked by another writer for the whole busy timeout "
            "of 0.2 s; retry later or pass a longer timeout=."
        )
        assert waiter.save(journey(1, "b")) == 1
        assert waiter.ids() == ["a", "b"]


def test_memory_store_and_schema_version() -> None:
    with SQLiteJourneyStore(":memory:") as s:
        assert s.schema_version == SCHEMA_VERSION
        assert s.save(journey(2)) == 2
