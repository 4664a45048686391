"""The command line speaks to a person at a terminal (issue 15, point 5).

Bad input exits 2 with one line on stderr, no traceback, and the message names the
option or the file (``--start``, ``tickets.jsonl:2``), never a Python-only fix such as
``datetime(..., tzinfo=ZoneInfo(...))``, "or a WorkCalendar" or "pass at=".
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from supportkit._cli import main

PYTHON_HINTS = ("tzinfo=", "ZoneInfo(", "datetime(", "timedelta(", "or a WorkCalendar", "at=")
START = "2024-10-11T17:00:00+03:00"
TIMED = {
    "rules": [{"id": "late", "when": {"outside": "office"}, "then": {"tags": ["late"]}}],
    "calendars": {"office": {"tz": "Europe/Moscow", "hours": {"mon-fri": "09:00-18:00"}}},
}
POLICIES = {"policies": [{"name": "p", "targets": {"first_response": "4h"}, "calendar": "24/7"}]}


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "timed.json").write_text(json.dumps(TIMED), encoding="utf-8")
    (tmp_path / "pol.json").write_text(json.dumps(POLICIES), encoding="utf-8")
    rows = [
        {"id": "T-1", "body": "x", "created_at": "2024-11-01T10:00:00+03:00"},
        {"id": "T-2", "body": "x", "created_at": "2024-11-01T10:00:00"},
    ]
    (tmp_path / "naive.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8"
    )
    return tmp_path


BAD_INPUT = [
    (
        [
            "sla",
            "deadline",
            "--preset",
            "office",
            "--start",
            "2024-10-11T17:00:00",
            "--duration",
            "4h",
        ],
        "--start",
    ),
    (
        ["sla", "deadline", "--preset", "5/2 Moscow", "--start", START, "--duration", "4h"],
        "--preset",
    ),
    (
        ["sla", "deadline", "--preset", "office", "--start", START, "--duration", "1e400"],
        "--duration",
    ),
    (
        ["sla", "report", "naive.jsonl", "--policies", "pol.json", "--now", "2024-11-02T10:00:00"],
        "--now",
    ),
    (["sla", "report", "naive.jsonl", "--policies", "pol.json"], "naive.jsonl:2"),
    (
        ["rules", "explain", "timed.json", "выплата", "--rule", "late", "--at", "2024-11-01T10:00"],
        "at",
    ),
    (["rules", "check", "missing.json"], "missing.json"),
]


@pytest.mark.parametrize(
    ("argv", "names"), BAD_INPUT, ids=[" ".join(a[:2]) + f" {n}" for a, n in BAD_INPUT]
)
def test_bad_input_is_one_line_for_a_person(
    files: Path, capsys: pytest.CaptureFixture[str], argv: list[str], names: str
) -> None:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert names in lines[0]
    message = lines[0].removeprefix("supportkit: error: ")
    assert not [h for h in PYTHON_HINTS if h in message.replace("--at", "")], message


def test_error_rows_of_rules_apply_name_the_line_and_the_ticket(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["rules", "apply", "timed.json", "naive.jsonl"])
    out, _ = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert rows[1]["line"] == 2
    assert rows[1]["id"] == "T-2"
    assert "naive.jsonl:2" in rows[1]["error"]
    assert "ticket 'T-2'" in rows[1]["error"]
    assert not [h for h in PYTHON_HINTS if h in rows[1]["error"]]


def test_explain_without_a_time_names_the_option(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["rules", "explain", "timed.json", "выплата", "--rule", "late"])
    out, _ = capsys.readouterr()
    assert code == 0  # an account, not an error: the rule did not fire
    assert "--at on the command line" in out
    assert "ticket None" not in out
