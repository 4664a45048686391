"""``supportkit report`` in every format, on JSON Lines and CSV, and its errors."""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import pytest

from supportkit._demo import demo_records
from supportkit.exceptions import SupportkitError
from supportkit.metrics import weekly_report
from supportkit.metrics._cli import register

DEMO = Path(__file__).resolve().parents[2] / "src" / "supportkit" / "data" / "demo_tickets.jsonl"


def run(*argv: str) -> int:
    """Parse and run like supportkit._cli.main does (only this block's parser)."""
    parser = argparse.ArgumentParser(prog="supportkit")
    register(parser.add_subparsers())
    args = parser.parse_args(list(argv))
    try:
        return int(args.func(args))
    except SupportkitError as exc:
        print(f"supportkit: error: {exc}", file=__import__("sys").stderr)
        return 2


def test_text_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("report", str(DEMO)) == 0
    out = capsys.readouterr().out
    assert out == weekly_report(demo_records()).render("text")
    assert "ISO weeks in UTC+03:00 (the most common offset of created_at)" in out
    assert "CSAT" in out


@pytest.mark.parametrize("fmt", ["json", "markdown", "html"])
def test_formats(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("report", str(DEMO), "--format", fmt, "--tz", "Europe/Moscow") == 0
    out = capsys.readouterr().out
    expected = weekly_report(demo_records(), tz="Europe/Moscow").render(fmt)
    assert out == expected
    if fmt == "json":
        assert json.loads(out)["tickets"] == len(demo_records())


def test_output_file_and_format_from_extension(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report.html"
    assert run("report", str(DEMO), "-o", str(target)) == 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "wrote the html report" in captured.err


def test_csv_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = demo_records()[:50]
    path = tmp_path / "tickets.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["id", "channel", "created_at", "tags", "events", "rating", "fields"]
        )
        writer.writeheader()
        for r in rows:
            writer.writerow(
                {
                    "id": r["id"],
                    "channel": r["channel"],
                    "created_at": r["created_at"],
                    "tags": ",".join(r["tags"]),
                    "events": json.dumps(r["events"], ensure_ascii=False),
                    "rating": "" if r["rating"] is None else r["rating"],
                    "fields": json.dumps(r["fields"], ensure_ascii=False),
                }
            )
    assert run("report", str(path), "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    expected = weekly_report(rows).to_dict()
    assert data == json.loads(json.dumps(expected))


def test_sketch_and_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        run(
            "report",
            str(DEMO),
            "--sketch",
            "0.01",
            "--top",
            "2",
            "--snowball",
            "2",
            "--format",
            "json",
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["response"]["exact"] is False
    assert all(len(p["top"]) <= 2 for p in data["top"])
    assert data["backlog"]["k"] == 2


def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("report", str(tmp_path / "missing.jsonl")) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "does not exist" in err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "created_at": "2024-10-07T09:00:00"}\n', encoding="utf-8")
    assert run("report", str(bad)) == 2
    assert "must be timezone-aware" in capsys.readouterr().err
    assert run("report", str(DEMO), "--tz", "Mars/Olympus") == 2
    assert "not a known IANA time zone" in capsys.readouterr().err
    assert run("report", str(DEMO), "-o", str(tmp_path / "no" / "dir" / "r.txt")) == 2
    assert "cannot write the report" in capsys.readouterr().err


def test_lenient_flag_drops_bad_events(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "t.jsonl"
    row = {
        "created_at": "2024-10-07T09:00:00+03:00",
        "events": [{"at": "2024-10-07T09:05:00+03:00", "type": "reply", "by": "robot"}],
    }
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    assert run("report", str(path)) == 2
    capsys.readouterr()
    assert run("report", str(path), "--lenient", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["tickets"] == 1


def test_registered_in_the_main_command_line() -> None:
    from supportkit._blocks import BLOCKS

    assert "metrics" in BLOCKS


def test_working_time_from_hours_and_holidays(capsys: pytest.CaptureFixture[str]) -> None:
    from supportkit.sla import WorkCalendar, russia

    argv = ["report", str(DEMO), "--tz", "Europe/Moscow", "--format", "json"]
    assert run(*argv, "--hours", "mon-fri=09:00-18:00", "--holidays", "russia") == 0
    data = json.loads(capsys.readouterr().out)
    cal = WorkCalendar.weekly("Europe/Moscow", {"mon-fri": "09:00-18:00"}, holidays=russia())
    expected = weekly_report(demo_records(), tz="Europe/Moscow", calendar=cal).to_dict()
    assert data == json.loads(json.dumps(expected))
    assert data["working_time"] is True


def test_bad_hours(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("report", str(DEMO), "--hours", "mon-fri") == 2
    assert "must look like DAYS=HH:MM-HH:MM" in capsys.readouterr().err
    assert run("report", str(DEMO), "--holidays", "russia") == 2
    assert "--holidays needs --hours" in capsys.readouterr().err
    assert run("report", str(DEMO), "--hours", "someday=09:00-18:00") == 2
    assert capsys.readouterr().err.startswith("supportkit: error: ")
