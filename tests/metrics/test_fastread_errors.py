"""The fast reader's errors on broken files are the pure reader's, never a builtin one."""

from __future__ import annotations

from pathlib import Path

import pytest

import supportkit.metrics._fastread as fastread
from supportkit import _cli
from supportkit._io import read_records
from supportkit.exceptions import InvalidTicket
from supportkit.metrics import WeeklyReport

BROKEN = {
    "not-utf8": (b'{"id": 1}\n{"id": "\xff"}\n', "is not UTF-8"),
    "too-deep": (b'{"fields": {"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}\n", "too deeply"),
}


def pure_error(path: Path) -> str:
    with pytest.raises(InvalidTicket) as caught:
        WeeklyReport().add_views(fastread.pure_views(path))  # as `supportkit report`
    return str(caught.value)


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_lines_raise_the_pure_readers_error(case: str, tmp_path: Path) -> None:
    data, words = BROKEN[case]
    path = tmp_path / "tickets.jsonl"
    path.write_bytes(data)
    expected = pure_error(path)
    assert words in expected
    if fastread.msgspec is None:  # CI's environment without the extra: the pure error only
        return
    with pytest.raises(InvalidTicket) as caught:
        list(fastread.views(path))
    assert str(caught.value) == expected


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_the_command_reports_broken_files_alike_with_and_without_the_extra(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tickets.jsonl"
    path.write_bytes(BROKEN[case][0])
    results = []
    for pure in ("1", "0"):
        monkeypatch.setenv(fastread.PURE_ENV, pure)
        code = _cli.main(["report", str(path)])
        results.append((code, capsys.readouterr()))
    assert results[0] == results[1]
    assert results[0][0] != 0
    assert BROKEN[case][1] in results[0][1].err


def test_lines_blank_only_in_unicode_are_skipped_alike(tmp_path: Path) -> None:
    good = '{"created_at": "2024-10-07T09:00:00+03:00", "rating": 5}\n'
    # No-break space and a file separator are blank to str.strip, not to bytes.strip.
    text = good + "\u00a0\n" + "\x1c \n" + good + '{"rating": []}\n'
    path = tmp_path / "tickets.jsonl"
    path.write_text(text, encoding="utf-8")
    expected = pure_error(path)
    assert f"{path}:5" in expected  # the blank lines are skipped, but count as lines
    path.write_text("\n".join(text.split("\n")[:4]) + "\n", encoding="utf-8")
    pure = WeeklyReport()
    pure.add_many(read_records(path))
    if fastread.msgspec is None:
        return
    fast = WeeklyReport()
    fast.add_views(fastread.views(path))
    assert fast.result() == pure.result()
    assert fast.result().tickets == 2
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidTicket) as caught:
        list(fastread.views(path))
    assert str(caught.value) == expected
