"""``supportkit report`` names a bad ticket by its file:line and id, as a person looks it up."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from supportkit._cli import main
from supportkit._io import read_numbered
from supportkit.metrics import weekly_report
from supportkit.metrics._fastread import PURE_ENV, available

GOOD = {"id": "T-1", "created_at": "2024-10-07T09:00:00+03:00", "events": []}
NAIVE = {"id": "T-2", "created_at": "2024-10-07T09:00:00", "events": []}


def _jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "naive.jsonl"
    # a blank line 2 counts as a line, as in an editor: the bad ticket is on line 3
    path.write_text(
        json.dumps(GOOD) + "\n\n" + json.dumps(NAIVE, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return path


@pytest.mark.parametrize("pure", [False, True], ids=["fast", "pure"])
def test_jsonl_error_names_file_line_and_ticket_id(
    tmp_path: Path,
    pure: bool,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if pure:
        monkeypatch.setenv(PURE_ENV, "1")
    else:
        assert available(), "the fast extra (msgspec) must be installed for this test"
    path = _jsonl(tmp_path)
    assert main(["report", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"ticket 'T-2': {path}:3.created_at must be timezone-aware" in err
    assert "tickets[" not in err


def test_csv_error_names_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "naive.csv"
    path.write_text(
        "id,created_at\nT-1,2024-10-07T09:00:00+03:00\nT-2,2024-10-07T09:00:00\n", encoding="utf-8"
    )
    assert main(["report", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"ticket 'T-2': {path}:3.created_at" in err


def test_json_list_error_names_the_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "naive.json"
    path.write_text(json.dumps([GOOD, NAIVE]), encoding="utf-8")
    assert main(["report", str(path)]) == 2
    assert f"ticket 'T-2': {path}[1].created_at" in capsys.readouterr().err


def test_bad_event_is_named_below_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.jsonl"
    row = dict(GOOD, events=[{"at": "2024-10-07T09:05:00", "type": "reply", "by": "agent"}])
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    assert main(["report", str(path)]) == 2
    assert f"ticket 'T-1': {path}:1.events[0].at" in capsys.readouterr().err


def test_no_traceback_from_the_real_command(tmp_path: Path) -> None:
    path = _jsonl(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "supportkit", "report", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(f"supportkit: error: ticket 'T-2': {path}:3.created_at")


def test_library_errors_start_with_the_ticket_id() -> None:
    with pytest.raises(ValueError, match=r"^ticket 'T-2': tickets\[1\]\.created_at"):
        weekly_report([GOOD, NAIVE])


def test_read_numbered_positions(tmp_path: Path) -> None:
    path = _jsonl(tmp_path)
    assert [where for where, _ in read_numbered(path)] == [f"{path}:1", f"{path}:3"]
    csv_path = tmp_path / "t.csv"
    # a quoted field spanning two lines: the row is named by the line it ends on
    csv_path.write_text('id,subject\nA,"two\nlines"\nB,x\n', encoding="utf-8")
    assert [(w, r["id"]) for w, r in read_numbered(csv_path)] == [
        (f"{csv_path}:3", "A"),
        (f"{csv_path}:4", "B"),
    ]
