"""Evaluation._repr_html_ and Explanation._repr_html_: inline, escaped, evidence marked."""

from __future__ import annotations

import pickle
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from supportkit.rules import Evaluation, Evidence, RuleSet

RULES = [
    {"id": "payout", "when": {"any": ["выплата", "/<b>/"]}, "then": {"tags": ["p"], "reply": "t"}},
    {"id": "late", "when": {"any": ["задержка"]}, "then": {"priority": "high"}},
]
TEMPLATES = {"t": "<i>Ответим</i> & поможем"}


class _Reader(HTMLParser):
    """Collects the text of each field's line and of each <mark>, and every tag seen."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.marks: list[str] = []
        self.titles: list[str] = []
        self.text: list[str] = []
        self._in_mark = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "mark":
            self._in_mark = True
            self.marks.append("")
            self.titles.append(dict(attrs).get("title") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._in_mark = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_mark:
            self.marks[-1] += data


def read(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    return reader


def test_evaluation_html_marks_the_evidence_in_the_original_text() -> None:
    rs = RuleSet.from_dicts(RULES, templates=TEMPLATES)
    ticket = {"id": "T-1", "subject": "Выплaта", "body": "<script>x()</script> где выплата? <b>"}
    evaluation = rs.evaluate(ticket)
    html = evaluation._repr_html_()
    reader = read(html)
    assert "script" not in reader.tags  # escaped, shown as text
    assert set(reader.tags) <= {"div", "span", "mark", "table", "tr", "th", "td"}
    assert "<script>x()</script> где выплата? <b>" in "".join(reader.text)
    expected = [e.text for found in evaluation.evidence.values() for e in found]
    assert sorted(reader.marks) == sorted(expected) == sorted(["Выплaта", "выплата", "<b>"])
    assert "payout: выплата (form)" in reader.titles
    assert "<i>Ответим</i> & поможем" in "".join(reader.text)  # the reply, escaped
    assert pickle.loads(pickle.dumps(evaluation))._repr_html_() == html


def test_explanation_html() -> None:
    rs = RuleSet.from_dicts(RULES, templates=TEMPLATES)
    explanation = rs.explain({"body": "задержка & <выплата>"}, "late")
    reader = read(explanation._repr_html_())
    assert reader.marks == ["задержка"]
    text = "".join(reader.text)
    assert "Rule 'late' fired for the ticket." in text
    assert "задержка & <выплата>" in text
    missed = read(rs.explain({"body": "ничего"}, "late")._repr_html_())
    assert missed.marks == []
    assert "did not fire" in "".join(missed.text)


def test_html_of_a_hand_built_evaluation_lists_its_evidence() -> None:
    evaluation = Evaluation(
        ticket_id=None,
        matched=("a",),
        evidence={"a": (Evidence("x", "body", 0, 1, "<x>", "form"),)},
    )
    assert "&lt;x&gt;" in evaluation._repr_html_()
    assert "Evaluation of the ticket: a" in "".join(read(evaluation._repr_html_()).text)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="выплата задержка<>&\"' bx\n", max_size=60))
def test_html_shows_exactly_the_original_text(body: str) -> None:
    rs = RuleSet.from_dicts(RULES, templates=TEMPLATES)
    evaluation = rs.evaluate({"body": body})
    reader = read(evaluation._repr_html_())
    assert "script" not in reader.tags
    shown = "".join(reader.text)
    if body:
        assert "body: " + body in shown
    spans = sorted((e.start, e.text) for found in evaluation.evidence.values() for e in found)
    assert reader.marks == [text for _, text in spans]
