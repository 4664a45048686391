"""Evidence spans: linear, computed on first read, identical to eager (issues 15, 17)."""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
import textwrap
from itertools import islice
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from supportkit.rules import Evaluation, Evidence, Override, RuleSet
from supportkit.rules._scan import Compiled, Scan
from supportkit.rules._text import offsets

RULES = [
    {
        "id": "payout",
        "when": {"any": ["выплата", "деньги не пришли"]},
        "then": {"priority": "high"},
    },
    {"id": "prefix", "when": {"any": ["перевод*", "/задерж\\w+/"]}, "then": {"priority": "low"}},
    {"id": "typo", "when": {"any": ["статус~1", '"акт"']}, "then": {"tags": ["t"]}},
]
WORDS = (
    "выплата", "Выплaта", "выплату", "ВЫПЛАТЫ", "деньги", "не", "пришли", "перевод", "переводом",
    "задержка", "статсу", "акт", "акты", "и", "где", "мои", "вы\u00adплата", "ёж", "ǅ", "ﬁ",
)  # fmt: skip
SEPARATORS = (" ", "  ", ", ", "!\n", " \u200b ", "\t")
WORD_RE = re.compile(r"\w+")


def _reference_span(
    scan: Scan, field: str, hit: tuple[int, int], options: object
) -> tuple[int, int]:
    """The original (eager, quadratic) span computation, kept as the reference."""
    first, last = hit
    norm = scan.norms[field]
    if first < 0:
        start, end = -1 - first, last
        for m in WORD_RE.finditer(norm):
            if m.start() < end and m.end() > start:
                start, end = min(start, m.start()), max(end, m.end())
    else:
        words = list(islice(WORD_RE.finditer(norm), first, last + 1))
        start, end = words[0].start(), words[-1].end()
    return offsets(scan.texts[field], options).span(start, end)  # type: ignore[arg-type]


def _reference_evidence(rs: RuleSet, ticket: dict[str, str]) -> dict[str, list[Evidence]]:
    scan = rs.scan(rs_ticket(ticket))
    phrases = rs._matcher.phrases
    out: dict[str, list[Evidence]] = {}
    compiled: tuple[Compiled, ...] = rs._compiled
    matched = rs.evaluate(ticket).matched
    for item in compiled:
        if item.rule.id not in matched:
            continue
        found = []
        for pid in dict.fromkeys(item.any + item.all):
            for field in item.fields:
                for hit in scan.hits[field].get(pid, ()):
                    start, end = _reference_span(scan, field, hit, rs.options)
                    text = scan.texts[field][start:end]
                    found.append(
                        Evidence(phrases[pid].source, field, start, end, text, phrases[pid].kind)
                    )
        if found:
            out[item.rule.id] = found
    return out


def rs_ticket(ticket: dict[str, str]) -> object:
    from supportkit import as_ticket

    return as_ticket(ticket)


texts = st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=40).map(
    lambda parts: "".join(w + s for w, s in parts)
)


@settings(max_examples=150, deadline=None)
@given(texts, texts, st.booleans())
def test_lazy_evidence_equals_the_eager_reference(subject: str, body: str, layout: bool) -> None:
    rs = RuleSet.from_dicts(RULES, options={"layout": layout})
    ticket = {"id": "T-1", "subject": subject, "body": body}
    lazy = rs.evaluate(ticket)
    expected = _reference_evidence(rs, ticket)
    assert {k: list(v) for k, v in lazy.evidence.items()} == expected
    for item in (e for found in lazy.evidence.values() for e in found):
        assert getattr(rs_ticket(ticket), item.field)[item.start : item.end] == item.text
    # Read in any order, pickled or compared: the same values.
    again = rs.evaluate(ticket)
    assert again.to_dict() == lazy.to_dict()
    assert pickle.loads(pickle.dumps(rs.evaluate(ticket))) == lazy
    assert rs.evaluate(ticket).overridden == lazy.overridden


def test_evidence_and_overrides_are_computed_on_first_read() -> None:
    rs = RuleSet.from_dicts(RULES)
    evaluation = rs.evaluate("выплата задержка переводом")
    assert evaluation._evidence is None  # nothing computed yet
    assert evaluation._overridden is None
    assert evaluation.priority == "high"
    assert evaluation.overridden == (Override("priority", "prefix", "low", "payout"),)
    assert [e.text for e in evaluation.evidence["prefix"]] == ["переводом", "задержка"]
    assert evaluation._evidence is not None
    assert "evidence=mappingproxy({'payout'" in repr(evaluation)
    assert Evaluation(ticket_id=None).evidence == {}
    assert (
        Evaluation(ticket_id="x", overridden=(Override("a", "b", 1, "c"),)).overridden[0].value == 1
    )


def test_a_megabyte_message_with_30000_hits_is_linear(tmp_path: Path) -> None:
    """Hang guard: quadratic evidence took minutes here; linear takes about a second."""
    script = tmp_path / "guard.py"
    script.write_text(
        textwrap.dedent(
            """
            from supportkit.rules import RuleSet
            rs = RuleSet.from_dicts([{"id": "p", "when": {"any": ["выплата"]}, "then": {}}])
            text = "где выплата? " * 30_000 + "x" * (1_000_000 - 13 * 30_000)
            evaluation = rs.evaluate(text)
            assert len(evaluation.to_dict()["evidence"]["p"]) == 30_000
            evaluation = rs.evaluate(text.replace("выплата", "Выплaта"))  # offsets mapped
            assert len(evaluation.evidence["p"]) == 30_000
            """
        ),
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, str(script)],
        check=False,
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
    )
    assert done.returncode == 0, done.stderr


def test_the_scan_is_released_once_everything_is_computed() -> None:
    rs = RuleSet.from_dicts(RULES)
    evaluation = rs.evaluate("выплата задержка переводом")
    assert evaluation._deferred is not None
    before = evaluation.to_dict()
    evaluation._repr_html_()  # reads the texts as well
    assert evaluation._deferred is None
    assert evaluation.to_dict() == before
