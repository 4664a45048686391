"""The command line's shared behaviour: exit codes, one-line errors, ``python -m``."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

import supportkit
from supportkit import _cli, _demo
from supportkit.exceptions import InvalidValue


def test_python_dash_m_and_version() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "supportkit", "--version"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == f"supportkit {supportkit.__version__}"


def test_help_lists_demo(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        _cli.main(["--help"])
    assert info.value.code == 0
    assert "demo" in capsys.readouterr().out


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli.main([]) == 2
    assert "usage: supportkit" in capsys.readouterr().err


def test_bad_input_is_one_line_on_stderr_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(args: argparse.Namespace) -> int:
        raise InvalidValue("tickets.jsonl:3 is not valid JSON (Expecting value at column 1).")

    monkeypatch.setattr(_demo, "run", boom)
    assert _cli.main(["demo"]) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        "supportkit: error: tickets.jsonl:3 is not valid JSON (Expecting value at column 1).\n"
    )
    assert "Traceback" not in captured.err


def test_demo_runs_on_the_built_in_data() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "supportkit", "demo"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "supportkit demo: built-in sample data" in result.stdout
    assert "tickets from 2024-10-07 to 2024-11-17 (Moscow time)" in result.stdout
    assert result.stderr == ""
    for line in result.stdout.splitlines():
        assert len(line) <= 80, line
