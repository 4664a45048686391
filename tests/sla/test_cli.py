"""``supportkit sla deadline|report|staffing`` and the SLA demo section."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from supportkit import _cli
from supportkit._demo import demo_tickets
from supportkit.sla import WorkCalendar
from supportkit.sla._demo import TITLE, section


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = _cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_deadline_with_preset(capsys: pytest.CaptureFixture[str]) -> None:
    # Friday 17:00 + 4 working hours on the office preset: Monday 12:00.
    code, out, _ = run(
        [
            "sla",
            "deadline",
            "--preset",
            "office",
            "--start",
            "2024-10-11T17:00:00+03:00",
            "--duration",
            "4h",
        ],
        capsys,
    )
    assert (code, out.strip()) == (0, "2024-10-14T12:00:00+03:00")


def test_deadline_with_calendar_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cal.json"
    cal = WorkCalendar.weekly("Asia/Vladivostok", {"mon-sun": "20:00-08:00"})
    path.write_text(json.dumps(cal.to_dict()), encoding="utf-8")
    code, out, _ = run(
        [
            "sla", "deadline", "--calendar", str(path), "--start", "2024-10-07T12:00:00+10:00",
            "--duration", "100s", "--json",
        ],
        capsys,
    )  # fmt: skip
    assert code == 0
    assert json.loads(out)["due"] == "2024-10-07T20:01:40+10:00"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--start", "2024-10-11T17:00:00+03:00", "--duration", "4h"], "give --calendar FILE"),
        (
            ["--preset", "nope", "--start", "2024-10-11T17:00:00+03:00", "--duration", "4h"],
            "--preset 'nope' is not a preset",
        ),
        (
            ["--preset", "office", "--start", "2024-10-11T17:00:00", "--duration", "4h"],
            "--start must be timezone-aware",
        ),
        (
            ["--preset", "office", "--start", "2024-10-11T17:00:00+03:00", "--duration", "2d"],
            "--duration must be a duration",
        ),
        (
            [
                "--calendar",
                "/nonexistent.json",
                "--start",
                "2024-10-11T17:00:00+03:00",
                "--duration",
                "1h",
            ],
            "cannot read calendar file",
        ),
    ],
)
def test_deadline_bad_input(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(["sla", "deadline", *argv], capsys)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1


def test_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tickets = tmp_path / "t.jsonl"
    rows = [
        {"id": "1", "created_at": "2024-10-07T10:00:00+03:00",
         "events": [{"at": "2024-10-07T10:30:00+03:00", "type": "reply", "by": "agent"}]},
        {"id": "2", "created_at": "2024-10-07T10:00:00+03:00",
         "events": [{"at": "2024-10-07T12:00:00+03:00", "type": "reply", "by": "agent"}]},
    ]  # fmt: skip
    tickets.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    policies = tmp_path / "p.json"
    policies.write_text(
        json.dumps(
            {"policies": [{"name": "all", "targets": {"first_response": "1h"}, "calendar": "24/7"}]}
        ),
        encoding="utf-8",
    )
    code, out, _ = run(["sla", "report", str(tickets), "--policies", str(policies)], capsys)
    assert code == 1  # a breach is a finding
    assert "all/first_response" in out
    assert "50.0%" in out
    code, out, _ = run(
        ["sla", "report", str(tickets), "--policies", str(policies), "--json"], capsys
    )
    data = json.loads(out)
    assert data["attainment"][0]["met"] == 1
    assert data["attainment"][0]["elapsed_seconds"] == 30 * 60 + 2 * 3600  # seconds, not µs
    assert "elapsed_us" not in out
    code, out, _ = run(
        ["sla", "report", str(tickets), "--policies", str(policies), "--tickets-out"], capsys
    )
    assert [json.loads(line)["breached"] for line in out.splitlines()] == [False, True]
    code, out, _ = run(
        [
            "sla",
            "report",
            str(tickets),
            "--policies",
            str(policies),
            "--now",
            "2024-10-07T10:45:00+03:00",
        ],
        capsys,
    )
    assert code == 0


def test_report_bad_policy_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policies = tmp_path / "p.json"
    policies.write_text(
        json.dumps({"policies": [{"name": "x", "targets": {"csat": 1}}]}), encoding="utf-8"
    )
    tickets = tmp_path / "t.jsonl"
    tickets.write_text("", encoding="utf-8")
    code, _, err = run(["sla", "report", str(tickets), "--policies", str(policies)], capsys)
    assert code == 2
    assert "policies[0].targets has unknown metric 'csat'" in err


def test_staffing(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["sla", "staffing", "--calls-per-hour", "5000", "--aht", "5m", "--target", "20s"], capsys
    )
    assert code == 0
    assert out.startswith("429 agents for 5000/h")
    code, out, _ = run(
        [
            "sla", "staffing", "--calls-per-hour", "46.7", "--aht", "20m", "--target", "100s",
            "--shrinkage", "0.3", "--json",
        ],
        capsys,
    )  # fmt: skip
    data = json.loads(out)
    assert data["agents"] == 29
    assert data["service_level"] >= 0.8


def test_staffing_forecast(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "f.csv"
    path.write_text(
        "start,volume\n2024-10-07T08:00:00+03:00,46.7\n2024-10-07T20:00:00+03:00,11.7\n",
        encoding="utf-8",
    )
    code, out, _ = run(
        ["sla", "staffing", "--forecast", str(path), "--aht", "20m", "--target", "100s"], capsys
    )
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].split() == ["start", "volume", "agents", "(exact)", "agents"]  # headers
    assert lines[-1] == "peak: 20 agents; 27.0 agent-hours (erlang-c)"
    code, _, err = run(["sla", "staffing", "--aht", "20m", "--target", "100s"], capsys)
    assert code == 2
    assert "give --calls-per-hour N or --forecast FILE" in err


def test_sla_without_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["sla"], capsys)
    assert code == 2
    assert "deadline" in err


def test_demo_section() -> None:
    text = section(demo_tickets())
    assert TITLE == "SLAs and staffing"
    lines = text.splitlines()
    assert "  chat + messenger:" in lines  # the policy's name says what it covers
    assert "at the end of the export, 2024-11-18 08:27 Moscow" in text
    solved = next(line for line in lines if "solved in 16 working hours" in line)
    # Open e-mails are counted: 22 breached (past due at the end of the export) and
    # 4 still running, beside 226 achieved.
    assert solved.split()[-4:] == ["91.1%", "226", "22", "4"]
    assert "operator joins in 100 s (handed over)" in text
    assert "uncovered 84 h of 168 h a week, every night 20:00-08:00" in text
    assert "700 requests a day, 20% at night" in text
    assert "Erlang A, if people hang up after 100 s on average" in text
    assert len(lines) <= 25
    assert max(len(line) for line in lines) <= 80


def write_export(tmp_path: Path) -> tuple[Path, Path]:
    tickets = tmp_path / "export.jsonl"
    rows = [
        # answered in 30 min: achieved
        {"id": "A", "created_at": "2024-10-07T10:00:00+03:00",
         "events": [{"at": "2024-10-07T10:30:00+03:00", "type": "reply", "by": "agent"}]},
        # never answered; the export ends at 12:00: breached and still open
        {"id": "B", "created_at": "2024-10-07T10:00:00+03:00"},
        # created 11:40, due 12:40: still running at 12:00, 40 min left
        {"id": "C", "created_at": "2024-10-07T11:40:00+03:00"},
        # created 11:10: due 12:10, 10 min left: at risk within 30 min
        {"id": "D", "created_at": "2024-10-07T11:10:00+03:00",
         "events": [{"at": "2024-10-07T12:00:00+03:00", "type": "note", "by": "agent"}]},
    ]  # fmt: skip
    tickets.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    policies = tmp_path / "p.json"
    policies.write_text(
        json.dumps(
            {"policies": [{"name": "all", "targets": {"first_response": "1h"}, "calendar": "24/7"}]}
        ),
        encoding="utf-8",
    )
    return tickets, policies


def test_report_counts_open_clocks_and_lists_the_at_risk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tickets, policies = write_export(tmp_path)
    code, out, _ = run(["sla", "report", str(tickets), "--policies", str(policies)], capsys)
    assert code == 1
    assert "as of 2024-10-07T12:00:00+03:00 (the latest event in the export" in out
    row = next(line for line in out.splitlines() if line.startswith("all/first_response"))
    assert row.split() == ["all/first_response", "1", "1", "2", "0", "50.0%"]
    assert "at risk (due within 30 min): 1; overdue and still open: 1" in out
    risk_lines = [line.split()[0] for line in out.splitlines() if line.startswith("  ")]
    assert risk_lines == ["B", "D"]  # overdue first, then by time left
    code, out, _ = run(
        ["sla", "report", str(tickets), "--policies", str(policies), "--json"], capsys
    )
    data = json.loads(out)
    assert [(r["ticket_id"], r["remaining"]) for r in data["at_risk"]] == [
        ("B", -3600.0),
        ("D", 600.0),
    ]


def test_report_now_skips_later_tickets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tickets, policies = write_export(tmp_path)
    argv = ["sla", "report", str(tickets), "--policies", str(policies), "--json"]
    _code, out, _ = run([*argv, "--now", "2024-10-07T11:00:00+03:00"], capsys)
    data = json.loads(out)
    assert data["after_now"] == 2  # C and D did not exist yet
    assert data["reports"] == 2
    assert data["attainment"][0]["running"] == 1  # B: 1 h not yet passed at 11:00


def test_report_error_names_file_line_and_ticket(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tickets, policies = write_export(tmp_path)
    bad = {"id": "Z-9", "created_at": "2024-10-07T10:00:00"}
    tickets.write_text(tickets.read_text(encoding="utf-8") + "\n" + json.dumps(bad) + "\n")
    code, _, err = run(["sla", "report", str(tickets), "--policies", str(policies)], capsys)
    assert code == 2
    assert f"ticket 'Z-9': {tickets}:6.created_at must be timezone-aware" in err
    assert "datetime(" not in err  # no Python hints on the command line
    assert "tzinfo" not in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--duration", "1e400"], "--duration must be a finite duration"),
        (["--duration", "99999999999h"], "--duration must be a finite duration"),
    ],
)
def test_deadline_overflow_is_a_one_line_error(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    start = ["--preset", "office", "--start", "2024-10-11T17:00:00+03:00"]
    code, _, err = run(["sla", "deadline", *start, *argv], capsys)
    assert (code, err.count("\n")) == (2, 1)
    assert message in err


def test_report_with_overflowing_policy_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tickets, policies = write_export(tmp_path)
    policies.write_text(
        json.dumps({"policies": [{"name": "x", "targets": {"resolution": "1e400"}}]})
    )
    code, _, err = run(["sla", "report", str(tickets), "--policies", str(policies)], capsys)
    assert (code, err.count("\n")) == (2, 1)
    assert "targets.resolution must be a finite duration" in err


def test_staffing_erlang_a(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["sla", "staffing", "--calls-per-hour", "5000", "--aht", "5m", "--target", "20s"]
    code, out, _ = run([*argv, "--model", "erlang-a", "--patience", "60s", "--json"], capsys)
    data = json.loads(out)
    assert (code, data["model"], data["agents"]) == (0, "erlang-a", 357)
    assert 0 < data["abandon_probability"] < 0.2
    code, out, _ = run([*argv, "--json"], capsys)
    assert json.loads(out)["agents"] == 429  # Erlang C: nobody hangs up, more agents
    code, _, err = run([*argv, "--model", "erlang-a"], capsys)
    assert code == 2
    assert "--model erlang-a needs --patience" in err


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        (
            "--aht",
            "-1",
            "--aht must be a duration of more than zero, such as '5m' or '100s' (got '-1').",
        ),
        ("--aht", "0s", "--aht must be a duration of more than zero"),
        ("--target", "-1", "--target must be a duration of zero or more"),
        ("--patience", "0", "--patience must be a duration of more than zero"),
    ],
)
def test_staffing_durations_must_be_positive(
    option: str, value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["sla", "staffing", "--calls-per-hour", "100", "--aht", "5m", "--target", "20s"]
    if option == "--patience":
        argv += ["--model", "erlang-a"]
    code, _, err = run([*argv, f"{option}={value}"], capsys)
    assert code == 2
    assert message in err
    assert "timedelta" not in err
    assert "Traceback" not in err
