"""The pure-Python path and the ``fast`` extra give identical results, across environments.

CI runs this file twice: in an environment without the ``fast`` extra (``.ci/run``
sets ``SUPPORTKIT_PURE_ONLY=1`` there) and in the README's test environment, which has
it. Both runs compare the same outputs with one golden file, so a difference between
the compiled and the pure path fails in one of them:

- the weekly report of the demo export as ``supportkit report --format json`` writes it
  (the ``msgspec`` reader where installed),
- the dictionary readings of the words of the demo tickets (the compiled DAWG reader
  where installed),
- every evaluation of the demo rule set over the demo tickets, evidence included.

Regenerate the golden file after an intended change with
``SUPPORTKIT_WRITE_GOLDEN=1 python -m pytest tests/test_pure_path.py``.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import json
import os
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

GOLDEN = Path(__file__).parent / "data" / "pure_path_golden.json"
PURE_ONLY = os.environ.get("SUPPORTKIT_PURE_ONLY", "") == "1"
COMPILED = ("msgspec", "dawg")


def _digest(value: Any) -> str:
    text = (
        value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _demo_path() -> Path:
    return Path(str(resources.files("supportkit.data") / "demo_tickets.jsonl"))


def report_json() -> str:
    from supportkit._cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["report", str(_demo_path()), "--format", "json"])
    assert code == 0
    return out.getvalue()


def readings_of_demo_words() -> dict[str, list[dict[str, Any]]]:
    from supportkit.text import normalize, readings

    words: set[str] = set()
    for line in _demo_path().read_text("utf-8").splitlines():
        record = json.loads(line)
        text = normalize(f"{record.get('subject') or ''} {record.get('body') or ''}")
        words.update(w for w in re.findall(r"[а-я]+", text) if len(w) > 1)
    return {w: [r.to_dict() for r in readings(w)] for w in sorted(words)}


def evaluations() -> list[dict[str, Any]]:
    from supportkit._demo import demo_records
    from supportkit.rules._demo import demo_ruleset

    ruleset = demo_ruleset()
    return [ruleset.evaluate(record).to_dict() for record in demo_records()]


def outputs() -> dict[str, str]:
    return {
        "report": _digest(report_json()),
        "readings": _digest(readings_of_demo_words()),
        "evaluations": _digest(evaluations()),
    }


def test_this_environment_is_what_ci_says_it_is() -> None:
    present = {name: importlib.util.find_spec(name) is not None for name in COMPILED}
    if PURE_ONLY:
        assert not any(present.values()), f"the pure-Python environment has {present}"
    else:
        assert all(present.values()), (
            f"compiled wheels of the fast extra missing: {present}; "
            "install the test extra (it includes the fast extra) to compare both paths"
        )
        from supportkit.metrics import _fastread

        assert _fastread.available(), "the msgspec reader is installed but turned off"


def test_outputs_equal_the_golden_file() -> None:
    got = outputs()
    if os.environ.get("SUPPORTKIT_WRITE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(got, indent=2, sort_keys=True) + "\n", "utf-8")
    want = json.loads(GOLDEN.read_text("utf-8"))
    path = "pure Python" if PURE_ONLY else "the fast extra"
    assert got == want, f"with {path}, outputs differ from {GOLDEN.name}"


def test_turning_the_fast_reader_off_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    # With the extra: msgspec against the pure reader in one process. Without it:
    # SUPPORTKIT_PURE is harmless where there is nothing to turn off.
    fast = report_json()
    monkeypatch.setenv("SUPPORTKIT_PURE", "1")
    assert report_json() == fast
