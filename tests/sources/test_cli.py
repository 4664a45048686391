"""supportkit import: JSONL out, summary on stderr, nothing written on error."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from supportkit import _cli, sources
from supportkit.sources._cli import _Progress, problem_kind


def test_import_writes_supportkit_jsonl_and_a_summary(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "tickets.jsonl"
    assert _cli.main(["import", "zendesk", str(data / "zendesk"), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "imported 3 tickets" in err
    assert "reply 8" in err
    assert "problems: none" in err
    assert list(sources.read(out)) == list(sources.read(data / "zendesk"))
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == [
        "1001",
        "1002",
        "1003",
    ]


def test_import_to_stdout(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli.main(["import", "auto", str(data / "helpscout")]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3


def test_error_exits_2_and_writes_nothing(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "tickets.jsonl"
    assert _cli.main(["import", "usedesk", str(data / "usedesk"), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "pass tz=" in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
    assert (
        _cli.main(
            ["import", "usedesk", str(data / "usedesk"), "-o", str(out), "--tz", "Europe/Moscow"]
        )
        == 0
    )


def test_lenient_summary_counts_problems_by_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = {
        "tickets": [
            {
                "id": 1,
                "via": {"channel": "fax"},
                "status": "escalated",
                "created_at": "2024-10-07T09:00:00Z",
                "requester_id": 1,
            }
        ]
    }
    (tmp_path / "p.json").write_text(json.dumps(page), encoding="utf-8")
    assert (
        _cli.main(
            [
                "import",
                "auto",
                str(tmp_path / "p.json"),
                "-o",
                str(tmp_path / "o.jsonl"),
                "--lenient",
            ]
        )
        == 0
    )
    assert "problems: unknown channel 1, unknown status 1" in capsys.readouterr().err
    assert problem_kind("t.events[0]: dropped: ...") == "dropped event"


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_has_count_rate_eta() -> None:
    stream = _Tty()
    bar = _Progress(stream, 1000)
    bar.read(500)
    bar.tickets = 20
    bar.draw(bar.start + 2.0)
    text = stream.getvalue()
    assert "50%" in text
    assert "20 tickets" in text
    assert "10/s" in text
    assert "ETA" in text
    plain = io.StringIO()
    line = _Progress(plain, 1000)
    line.read(1000)
    line.draw(line.start + 1.0)
    assert plain.getvalue().startswith("supportkit: import: read 100%")
