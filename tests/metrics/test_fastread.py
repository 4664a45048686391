"""The fast extra (msgspec) gives byte-identical reports to the pure-Python reader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from metrics_helpers import tickets

import supportkit.metrics._fastread as fastread
from supportkit import _cli
from supportkit._io import read_records
from supportkit.exceptions import MissingExtra, SupportkitError
from supportkit.metrics import WeeklyReport, weekly_report

DEMO = Path(__file__).parents[2] / "src" / "supportkit" / "data" / "demo_tickets.jsonl"


#: CI runs this file in two environments: with the fast extra (the byte-identity tests
#: run) and without it (the tests check the pure path is used and the error is clear).
HAVE_FAST = fastread.msgspec is not None


def test_without_the_extra_the_pure_reader_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(fastread.PURE_ENV, "1")
    assert not fastread.available()
    monkeypatch.delenv(fastread.PURE_ENV)
    assert fastread.available() is HAVE_FAST
    if not HAVE_FAST:
        with pytest.raises(MissingExtra, match=r"pip install 'supportkit\[fast\]'"):
            next(fastread.views(DEMO))


@pytest.mark.parametrize("fmt", ["json", "text", "html"])
def test_the_command_gives_the_same_bytes_with_and_without_the_extra(
    fmt: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = []  # without the extra both runs take the pure path: still the same bytes
    for pure in ("1", "0"):
        monkeypatch.setenv(fastread.PURE_ENV, pure)
        assert _cli.main(["report", str(DEMO), "--format", fmt]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]


def test_clean_rows_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    if not HAVE_FAST:
        assert not fastread.available()
        return
    slow: list[int] = []
    original = fastread._slow

    def counting(*args: Any) -> Any:
        slow.append(1)
        return original(*args)

    monkeypatch.setattr(fastread, "_slow", counting)
    assert sum(1 for _ in fastread.views(DEMO)) == 672
    assert slow == []


ODD_LINES = st.sampled_from(
    [
        "",
        "   ",
        "not json",
        "[1, 2]",
        '{"created_at": "2024-10-07t09:00:00z"}',  # msgspec would read it; Python does not
        '{"created_at": "2024-10-07T09:00:00.9999999+03:00", "events": []}',
        '{"created_at": "2024-10-07T09:00:00", "events": []}',
        '{"created_at": "", "rating": 5}',
        '{"created_at": "2024-10-07T09:00:00+03:00", "rating": true}',
        '{"created_at": "2024-10-07T09:00:00+03:00", "surprise": 1}',
        '{"created_at": "2024-10-07T09:00:00+03:00", "tags": [" padded "]}',
        '{"created_at": "2024-10-07T09:00:00+03:00", "rating": "Отлично"}',
        (
            '{"created_at": "2024-10-07T09:00:00+03:00", "events": [{"at": '
            '"2024-10-07T08:00:00+03:00", "type": "reply", "by": "agent"}]}'
        ),
    ]
)


def outcome(run: Any) -> Any:
    try:
        return ("ok", json.dumps(run().to_dict(), ensure_ascii=False, sort_keys=True))
    except SupportkitError as exc:
        return ("error", type(exc).__name__, str(exc))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.one_of(tickets().map(lambda r: json.dumps(r, ensure_ascii=False)), ODD_LINES),
        max_size=15,
    ),
    strict=st.booleans(),
)
def test_fast_and_pure_agree_line_for_line(
    rows: list[str], strict: bool, tmp_path_factory: pytest.TempPathFactory
) -> None:
    if not HAVE_FAST:
        return  # the no-extra environment checks the pure path in the tests above
    path = tmp_path_factory.mktemp("fast") / "tickets.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")

    def fast() -> Any:
        acc = WeeklyReport(strict=strict)
        acc.add_views(fastread.views(path, strict=strict))
        return acc.result()

    def pure() -> Any:  # what `supportkit report` reads without the extra
        acc = WeeklyReport(strict=strict)
        acc.add_views(fastread.pure_views(path, strict=strict))
        return acc.result()

    assert outcome(fast) == outcome(pure)


def test_mixed_lines_keep_line_numbers_and_order(tmp_path: Path) -> None:
    if not HAVE_FAST:
        return
    good = DEMO.read_text("utf-8").splitlines()[:7]
    lines = [good[0], "", good[1], '{"created_at": "2024-10-07T09:00:00+03:00", "tags": [" x "]}']
    lines += [good[2], "   ", good[3], '{"created_at": "2024-10-07t09:00:00z"}', good[4], good[5]]
    path = tmp_path / "t.jsonl"

    def both(strict: bool) -> tuple[Any, Any]:
        def fast() -> Any:
            acc = WeeklyReport(strict=strict)
            acc.add_views(fastread.views(path, strict=strict))
            return acc.result()

        return outcome(fast), outcome(lambda: weekly_report(read_records(path), strict=strict))

    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fast, pure = both(strict=True)
    assert fast == pure
    assert pure[0] == "ok"
    # A line that is not JSON among typed ones: the same error, the same line number.
    path.write_text("\n".join([*lines[:4], "not json", *lines[4:]]) + "\n", encoding="utf-8")
    fast, pure = both(strict=False)
    assert fast == pure
    assert pure[0] == "error"
    assert "t.jsonl:5 is not valid JSON" in pure[2]
