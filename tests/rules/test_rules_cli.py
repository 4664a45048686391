"""``supportkit rules check|apply|explain``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from supportkit._cli import main

RULES = {
    "templates": {"eta": "{fields.customer_name|Здравствуйте}, выплата будет через 3 дня."},
    "rules": [
        {"id": "payout", "when": {"any": ["выплата"]}, "then": {"reply": "eta", "tags": ["p"]}},
        {"id": "acts", "when": {"any": ["акт"]}, "then": {"tags": ["acts"]}},
    ],
}


@pytest.fixture
def rule_file(tmp_path: Path) -> Path:
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(RULES, ensure_ascii=False), encoding="utf-8")
    return path


def test_check_clean(rule_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "check", str(rule_file)]) == 0
    assert "2 rules, 1 templates, 0 error(s), 0 warning(s)" in capsys.readouterr().err


def test_check_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.json"
    data = {"rules": [{"id": "a", "when": {"any": ["выплaта"]}, "then": {"reply": "nope"}}]}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["rules", "check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "rules[0].when.any[0]: warning mixed-script:" in out
    assert "rules[0].then.reply: warning unknown-template:" in out
    assert main(["rules", "check", str(path), "--format", "json"]) == 1
    codes = [i["code"] for i in json.loads(capsys.readouterr().out)]
    assert codes == ["mixed-script", "unknown-template"]


def test_check_invalid_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"rules": [{"id": "a", "when": {"anny": []}, "then": {}}]}', encoding="utf-8")
    assert main(["rules", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("supportkit: error: rules[0].when.anny is not a known key")
    assert err.count("\n") == 1
    assert main(["rules", "check", str(tmp_path / "missing.json")]) == 2


def test_apply(rule_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tickets = tmp_path / "t.jsonl"
    rows = [
        {"id": "1", "body": "Где выплaта?", "fields": {"customer_name": "Анна"}},
        {"id": "2", "body": "Акт не подписывается"},
        {"id": "3", "body": "Просто вопрос"},
    ]
    tickets.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    assert main(["rules", "apply", str(rule_file), str(tickets), "--evidence"]) == 0
    captured = capsys.readouterr()
    lines = [json.loads(line) for line in captured.out.splitlines()]
    assert [x["matched"] for x in lines] == [["payout"], ["acts"], []]
    assert lines[0]["reply"] == "Анна, выплата будет через 3 дня."
    assert lines[0]["evidence"]["payout"][0]["text"] == "выплaта"
    assert "3 tickets: 2 matched a rule, 1 got an automatic reply (automation rate 33.3%)" in (
        captured.err
    )


def test_apply_csv_and_bad_rows(
    rule_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tickets = tmp_path / "t.csv"
    tickets.write_text("id,body,created_at\n1,выплата,\n2,акт,yesterday\n", encoding="utf-8")
    assert main(["rules", "apply", str(rule_file), str(tickets)]) == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0]["matched"] == ["payout"]
    assert "evidence" not in lines[0]
    assert lines[1]["line"] == 2
    assert "created_at" in lines[1]["error"]


def test_explain(rule_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "explain", str(rule_file), "Где моя выплта?", "--rule", "payout"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Rule 'payout' did not fire for the ticket.")  # never "ticket None"
    assert "nearest word `выплта`" in out
    ticket = json.dumps({"id": "T-5", "body": "акт"})
    assert main(["rules", "explain", str(rule_file), ticket, "--rule", "acts"]) == 0
    assert "Rule 'acts' fired for ticket 'T-5'." in capsys.readouterr().out
    assert main(["rules", "explain", str(rule_file), "x", "--rule", "nope"]) == 2


def test_rules_without_action_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 2
    assert "check" in capsys.readouterr().err
