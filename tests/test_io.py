"""The shared export reader (issue 15 point 3): errors name file:line, never a builtin."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from supportkit._io import read_records
from supportkit.exceptions import InvalidArgument, InvalidTicket

DEEP = "[" * 100_000 + "]" * 100_000


def test_a_deeply_nested_line_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text('{"id": 1}\n' + DEEP + "\n", encoding="utf-8")
    with pytest.raises(InvalidTicket, match=r"t.jsonl:2 nests lists or objects too deeply"):
        list(read_records(path))


def test_a_deeply_nested_json_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(DEEP, encoding="utf-8")
    with pytest.raises(InvalidTicket, match="nests lists or objects too deeply"):
        list(read_records(path))


@pytest.mark.parametrize(
    ("suffix", "content", "line"),
    [
        (".jsonl", b'{"id": 1}\n{"id": 2}\n{"body": "\xff"}\n', 3),
        (".csv", b'\xef\xbb\xbfid,body\n1,a\n2,"two\nlines"\n3,\xc3\n', 5),
        (".json", b'[\n{"id": 1},\n{"body": "\xff"}\n]', 3),
    ],
)
def test_a_byte_that_is_not_utf8_names_its_own_line(
    tmp_path: Path, suffix: str, content: bytes, line: int
) -> None:
    path = tmp_path / f"t{suffix}"
    path.write_bytes(content)
    with pytest.raises(InvalidTicket, match=rf"t\{suffix}:{line} is not UTF-8 \(byte 0x"):
        list(read_records(path))


def test_invalid_json_in_a_json_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text('[\n{"id": 1},\n{oops}\n]', encoding="utf-8")
    with pytest.raises(InvalidTicket, match=r"t.json:3 is not valid JSON"):
        list(read_records(path))


@pytest.mark.parametrize("source", [None, 5, ["a.jsonl"]])
def test_a_source_that_is_not_a_path(source: object) -> None:
    with pytest.raises(InvalidArgument, match="ticket file must be a path"):
        list(read_records(source))  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["x" * 5000 + ".jsonl", "a\x00b.jsonl", "."])
def test_names_that_are_no_file(name: str) -> None:
    with pytest.raises(InvalidArgument, match="does not exist or is not a file"):
        list(read_records(name))


def test_well_formed_files_still_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "t.csv").write_bytes(b'\xef\xbb\xbfid,body\n1,"two\nlines"\n')
    assert list(read_records(tmp_path / "t.csv")) == [{"id": "1", "body": "two\nlines"}]
    (tmp_path / "t.jsonl").write_text('{"id": "Т-1"}\n\n{"id": 2}\n', encoding="utf-8")
    assert [r["id"] for r in read_records(tmp_path / "t.jsonl")] == ["Т-1", 2]
    (tmp_path / "t.json").write_text(json.dumps({"tickets": [{"id": 1}]}), encoding="utf-8")
    assert list(read_records(tmp_path / "t.json")) == [{"id": 1}]
    stdin = io.TextIOWrapper(io.BytesIO(b'{"id": 1}\n\xff\n'), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    with pytest.raises(InvalidTicket, match=r"<stdin>:2 is not UTF-8"):
        list(read_records("-"))
