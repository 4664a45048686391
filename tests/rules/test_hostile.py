"""Hostile input never escapes as a builtin error or hangs (issue 15, rules)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from supportkit._cli import main
from supportkit.exceptions import InvalidArgument, InvalidRule, SupportkitError
from supportkit.rules import RuleSet

RULE = {"id": "payout", "when": {"any": ["выплата"]}, "then": {"tags": ["p"]}}


def test_from_dicts_with_calendars_as_a_list() -> None:
    with pytest.raises(InvalidArgument, match="calendars must map calendar names"):
        RuleSet.from_dicts([RULE], calendars=[{"tz": "UTC"}])  # type: ignore[arg-type]
    with pytest.raises(InvalidRule, match="calendars must map calendar names"):
        RuleSet.from_json(json.dumps({"rules": [RULE], "calendars": [{"tz": "UTC"}]}))


@pytest.mark.parametrize("depth", [2_000, 100_000])
def test_deeply_nested_rule_text(depth: int) -> None:
    text = '{"rules": ' + "[" * depth + "]" * depth + "}"
    with pytest.raises(InvalidRule, match="nests brackets too deeply"):
        RuleSet.from_json(text)


def test_deeply_nested_rule_file(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(InvalidRule, match=r"deep.json nests brackets too deeply"):
        RuleSet.from_file(path)
    toml = tmp_path / "deep.toml"
    toml.write_text("x = " + "[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(SupportkitError):
        RuleSet.from_file(toml)


def test_a_long_json_text_passed_as_a_path() -> None:
    text = json.dumps([{"id": f"r{i}", "then": {}} for i in range(300)])
    assert len(text) > 5_000
    with pytest.raises(InvalidRule, match=r"\(File name too long\)") as info:
        RuleSet.from_file(text)
    assert "characters)" in str(info.value)  # the name is abbreviated
    assert len(str(info.value)) < 300


def test_a_rule_file_not_in_utf8(tmp_path: Path) -> None:
    path = tmp_path / "cp1251.json"
    path.write_bytes(json.dumps({"rules": [RULE]}, ensure_ascii=False).encode("cp1251"))
    with pytest.raises(InvalidRule, match=r"is not UTF-8 text \(byte 0x\w\w at offset \d+\)"):
        RuleSet.from_file(path)


def test_a_directory_and_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidRule, match="is a directory"):
        RuleSet.from_file(tmp_path)
    with pytest.raises(InvalidRule, match="does not exist") as info:
        RuleSet.from_json(str(tmp_path / "missing.json"))
    assert "AUTO" not in str(info.value)
    assert "JSON" in str(info.value)
    with pytest.raises(InvalidArgument, match="source must be a path or the rule text"):
        RuleSet.from_json(5)  # type: ignore[arg-type]


def test_explain_and_lint_with_wrong_types() -> None:
    rs = RuleSet.from_dicts([RULE])
    with pytest.raises(InvalidArgument, match="rule_id must be a rule id string"):
        rs.explain("выплата", ["payout"])  # type: ignore[arg-type]
    for fields in (5, "customer_name", [1], None.__class__):
        with pytest.raises(InvalidArgument, match="fields must be a list of custom field names"):
            rs.lint(fields=fields)  # type: ignore[arg-type]
    assert rs.lint(fields=iter(["x"])) == []


def test_huge_values_are_abbreviated_in_messages() -> None:
    nested: Any = "x"
    for _ in range(500):
        nested = [nested]
    with pytest.raises(InvalidRule) as info:
        RuleSet.from_dicts([{"id": "a", "when": {"any": [nested]}, "then": {}}])
    assert len(str(info.value)) < 300
    with pytest.raises(InvalidRule) as info:
        RuleSet.from_dicts([{"id": "a", "when": {"any": [["y" * 1_000_000]]}, "then": {}}])
    assert len(str(info.value)) < 300


# --- the command line -------------------------------------------------------------------


@pytest.fixture
def rule_file(tmp_path: Path) -> Path:
    path = tmp_path / "rules.json"
    path.write_text(json.dumps({"rules": [RULE]}, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"calendars": [1], "rules": []}', "calendars must map calendar names"),
        (b"[" * 100_000 + b"]" * 100_000, "nests brackets too deeply"),
        ('{"rules": [{"id": "выплата", "then": {}}]}'.encode("cp1251"), "is not UTF-8 text"),
        (b'{"rules": [{"id": "a", "when": {"any": ["/x"]}, "then": {}}]}', "does not end with"),
    ],
)
def test_bad_rule_files_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, expected: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    for command in ("check", "apply", "explain"):
        extra = {"check": [], "apply": [str(path)], "explain": ["text", "--rule", "a"]}[command]
        assert main(["rules", command, str(path), *extra]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1, err
        assert expected in err
        assert "Traceback" not in err


def test_check_messages_for_missing_files_and_directories(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["rules", "check", str(tmp_path / "missing.json")]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err
    assert "AUTO" not in err
    assert main(["rules", "check", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "is a directory" in err
    assert "does not exist" not in err


def test_apply_writes_an_error_row_per_bad_line_and_exits_1(
    rule_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tickets = tmp_path / "t.jsonl"
    tickets.write_bytes(
        b'{"id": "1", "body": "\xd0\xb2\xd1\x8b\xd0\xbf\xd0\xbb\xd0\xb0\xd1\x82\xd0\xb0"}\n'
        b'{"id": "2", "body": \n'
        b"\n"
        b"[1, 2]\n"
        b'{"id": "T-5", "created_at": "yesterday", "body": "x"}\n'
        b"\xff\xfe\n"
        b'{"id": "7", "body": "x"}\n'
    )
    assert main(["rules", "apply", str(rule_file), str(tickets)]) == 1
    captured = capsys.readouterr()
    rows = [json.loads(line) for line in captured.out.splitlines()]
    assert rows[0]["matched"] == ["payout"]
    assert [r.get("line") for r in rows] == [None, 2, 4, 5, 6, None]
    assert rows[1]["error"].startswith(f"{tickets}:2 is not valid JSON")
    assert "must be a JSON ticket object" in rows[2]["error"]
    assert rows[3]["id"] == "T-5"
    assert rows[3]["error"].startswith(f"ticket 'T-5' at {tickets}:5.created_at")
    assert "datetime(" not in rows[3]["error"]  # no Python hints on the command line
    assert "is not UTF-8" in rows[4]["error"]
    assert rows[5]["ticket_id"] == "7"
    assert "6 tickets: 1 matched a rule" in captured.err
    assert "4 could not be evaluated" in captured.err


def test_apply_lenient_skips_an_unparseable_created_at(
    rule_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tickets = tmp_path / "t.jsonl"
    rows = [
        {"id": "1", "body": "выплата", "created_at": "вчера"},
        {"id": "2", "body": "выплата"},
        {"id": "3", "body": "выплата", "created_at": "2024-10-07T10:00:00+03:00"},
    ]
    tickets.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    assert main(["rules", "apply", str(rule_file), str(tickets)]) == 1
    capsys.readouterr()
    assert main(["rules", "apply", str(rule_file), str(tickets), "--lenient"]) == 0
    captured = capsys.readouterr()
    assert [json.loads(x)["matched"] for x in captured.out.splitlines()] == [["payout"]] * 3
    assert "1 evaluated without their unreadable created_at" in captured.err


def test_explain_never_says_ticket_none(
    rule_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["rules", "explain", str(rule_file), "выплата", "--rule", "payout"]) == 0
    out = capsys.readouterr().out
    assert "None" not in out
    assert out.startswith("Rule 'payout' fired for the ticket.")


def test_cli_nested_rule_file_in_a_subprocess(tmp_path: Path) -> None:
    """Hang and traceback guard: exit 2, one line, promptly."""
    path = tmp_path / "deep.json"
    path.write_text('{"rules": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-m", "supportkit", "rules", "check", str(path)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "nests brackets too deeply" in done.stderr


def test_apply_and_explain_with_time_conditions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(
        json.dumps(
            {
                "rules": [
                    {"id": "late", "when": {"sla": {"breached": True}}, "then": {"escalate": True}},
                    {"id": "wait", "when": {"waiting": {"more_than": "4h"}}, "then": {}},
                ]
            }
        ),
        encoding="utf-8",
    )
    policies = tmp_path / "policies.json"
    policies.write_text(
        '{"policies": [{"name": "std", "targets": {"first_response": "1h"}}]}', encoding="utf-8"
    )
    tickets = tmp_path / "t.jsonl"
    tickets.write_text('{"id": "T-1", "created_at": "2024-10-07T10:00:00+03:00"}\n')
    now = "2024-10-07T15:00:00+03:00"
    assert main(["rules", "apply", str(rules), str(tickets)]) == 2
    err = capsys.readouterr().err
    assert "rule 'late' has a time condition (sla/waiting), judged at a moment: pass --now" in err
    assert main(["rules", "apply", str(rules), str(tickets), "--now", now]) == 2
    assert "pass --policies FILE." in capsys.readouterr().err
    args = ["--now", now, "--policies", str(policies)]
    assert main(["rules", "apply", str(rules), str(tickets), *args]) == 0
    assert json.loads(capsys.readouterr().out)["matched"] == ["late", "wait"]
    ticket = '{"created_at": "2024-10-07T10:00:00+03:00"}'
    assert main(["rules", "explain", str(rules), ticket, "--rule", "late", *args]) == 0
    assert "held: sla {'breached': True}: breached: first_response" in capsys.readouterr().out


def test_a_nul_character_in_a_path() -> None:
    with pytest.raises(InvalidRule, match="is not a usable file name"):
        RuleSet.from_json("rules\x00.json")
