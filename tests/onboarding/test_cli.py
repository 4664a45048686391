"""``supportkit onboarding funnel|stuck``: output, exit codes and one-line errors."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from supportkit import _cli
from supportkit.exceptions import InvalidValue
from supportkit.onboarding import flows, funnel, stuck
from supportkit.onboarding._cli import STUCK_COLUMNS, parse_idle
from supportkit.onboarding._demo import NOW, demo_journeys

DEMO = Path(__file__).resolve().parents[2] / "src" / "supportkit" / "data" / "demo_journeys.jsonl"
T0 = "2024-11-11T10:00:00+03:00"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = _cli.main(["onboarding", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_funnel_text_and_json_agree_with_the_api(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["funnel", str(DEMO), "--flow", "self_employed"], capsys)
    assert (code, err) == (0, "")
    expected = funnel(demo_journeys(), flows.self_employed())
    assert out.splitlines()[0].startswith("self_employed: 800 journeys")
    assert str(expected) in out
    assert out.splitlines()[-1] == "ended: active 400, rejected 33, withdrawn 80"
    code, out, _ = run(["funnel", str(DEMO), "--flow", "self_employed", "--json"], capsys)
    assert code == 0
    assert json.loads(out) == expected.to_dict()


def test_stuck_is_the_call_list_as_csv(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["stuck", str(DEMO), "--flow", "self_employed", "--now", NOW.isoformat(), "--idle", "4h"]
    code, out, err = run(argv, capsys)
    assert (code, err) == (1, "")  # 1: there are journeys to call
    rows = list(csv.DictReader(io.StringIO(out)))
    assert tuple(rows[0]) == STUCK_COLUMNS
    calls = stuck(demo_journeys(), now=NOW, idle=dt.timedelta(hours=4))
    assert [r["subject_id"] for r in rows] == [j.subject_id for j in calls]
    first, top = rows[0], calls[0]
    assert first["state"] == top.state
    assert first["steps_left"] == "1"
    assert first["last_event"] == top.history[-1].event
    assert float(first["idle_hours"]) == round((NOW - top.last_at).total_seconds() / 3600, 1)
    # Nobody idle for ten days: only the header, exit 0.
    code, out, _ = run([*argv[:-1], "240h"], capsys)
    assert (code, out) == (0, ",".join(STUCK_COLUMNS) + "\n")


def test_stdin_and_a_custom_flow_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    flow = flows.self_employed().without_step("passport_verified", name="no_passport")
    spec = tmp_path / "flow.json"
    spec.write_text(json.dumps(flow.to_dict()), encoding="utf-8")
    j = flow.start("c1", at=T0).fire("register", at=T0)
    monkeypatch.setattr("sys.stdin", io.StringIO("\n" + json.dumps(j.to_dict()) + "\n\n"))
    code, out, _ = run(
        ["stuck", "-", "--flow", str(spec), "--now", "2024-11-12T10:00+03:00"], capsys
    )
    assert code == 1
    assert out.splitlines()[1].startswith("c1,registered,4,24.0,register,")


def line_file(tmp_path: Path, *lines: bytes) -> str:
    path = tmp_path / "journeys.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return str(path)


def good() -> bytes:
    j = flows.self_employed().start("c1", at=T0).fire("register", at=T0)
    return json.dumps(j.to_dict()).encode()


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ((b"{nope",), "journeys.jsonl:1 is not valid JSON (Expecting property name"),
        ((b"", b"[1, 2]"), "journeys.jsonl:2 must be a JSON object"),
        ((b"[" * 100_000,), "journeys.jsonl:1 nests too deeply to be a journey."),
        ((good(), b'{"subject_id": "\xff"}'), "journeys.jsonl:2 is not UTF-8 text (byte 0xff"),
        (
            (good(), good().replace(b'"register"', b'"sign_contract"')),
            "journeys.jsonl:2: history",
        ),
        ((good().replace(b'"c1"', b'"  "'),), "journeys.jsonl:1: subject_id must be a non-empty"),
        (
            (good().replace(b'"history"', b'"data": {"x": NaN}, "history"'),),
            "journeys.jsonl:1: data.x must be a finite number",
        ),
        ((b'{"flow": "individual"}',), "journeys.jsonl:1: journey is missing key 'subject_id'"),
    ],
)
def test_bad_lines_name_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lines: tuple[bytes, ...], message: str
) -> None:
    path = line_file(tmp_path, *lines)
    for command in (["funnel"], ["stuck", "--now", "2024-11-12T10:00+03:00"]):
        code, _, err = run([*command, path, "--flow", "self_employed"], capsys)
        assert code == 2
        assert err.startswith("supportkit: error: ")
        assert message in err, err
        assert err.count("\n") == 1
        assert "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["funnel", str(DEMO), "--flow", "self-employed"], "there is no built-in flow"),
        (["funnel", str(DEMO), "--flow", "individual"], "demo_journeys.jsonl:1: journey belongs"),
        (["funnel", "missing.jsonl", "--flow", "individual"], "'missing.jsonl' does not exist"),
        (["funnel", ".", "--flow", "individual"], "journey file '.' is a directory"),
        (["funnel", "x" * 5000, "--flow", "individual"], "journey file 'xxx"),
        (["funnel", str(DEMO), "--flow", "nothing.json"], "is neither a built-in flow"),
        (["stuck", str(DEMO), "--flow", "individual", "--now", "2024-11-14"], "has no UTC offset"),
        (["stuck", str(DEMO), "--flow", "individual", "--now", "вчера"], "must be an ISO date"),
        (["stuck", str(DEMO), "--flow", "individual", "--idle=-4h"], "--idle '-4h' must be"),
        (["stuck", str(DEMO), "--flow", "individual", "--idle", "1e400"], "--idle '1e400' must"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(argv, capsys)
    assert code == 2
    assert message in err, err
    assert err.count("\n") == 1


def test_bad_flow_file_names_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "flow.json"
    spec.write_text('{"name": "x"}', encoding="utf-8")
    code, _, err = run(["funnel", str(DEMO), "--flow", str(spec)], capsys)
    assert code == 2
    assert f"{spec}: flow mapping has unknown keys [] and missing keys" in err
    spec.write_text("{", encoding="utf-8")
    code, _, err = run(["funnel", str(DEMO), "--flow", str(spec)], capsys)
    assert (code, err.count("\n")) == (2, 1)
    assert "is not valid JSON" in err


def test_no_subcommand_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run([], capsys)
    assert code == 2
    assert "funnel" in err
    assert "stuck" in err


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("4h", 14400), ("90m", 5400), ("1h30m", 5400), ("2d", 172800), ("3600", 3600), ("0", 0)],
)
def test_parse_idle(text: str, seconds: int) -> None:
    assert parse_idle(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["", "h", "4x", "-1h", "nan", "1e400", "99999d", "4h 5"])
def test_parse_idle_refuses(text: str) -> None:
    with pytest.raises(InvalidValue, match="must be a duration such as 4h"):
        parse_idle(text)


def test_a_bad_journey_is_named_by_its_id_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = line_file(tmp_path, good(), good().replace(b'"register"', b'"sign_contract"'))
    code, _, err = run(["funnel", path, "--flow", "self_employed"], capsys)
    assert code == 2
    assert err.startswith(f"supportkit: error: journey 'c1': {path}:2: history[0] has event")
    blank = line_file(tmp_path, good().replace(b'"c1"', b'"  "'))
    code, _, err = run(["funnel", blank, "--flow", "self_employed"], capsys)
    assert code == 2
    assert err.startswith(f"supportkit: error: {blank}:1: subject_id")  # no usable id
