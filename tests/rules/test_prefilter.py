"""The regex prefilter never drops a match (issue 17 point 2)."""

from __future__ import annotations

import re

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportkit.rules import RuleSet
from supportkit.rules._prefilter import INDEX_FROM, RegexIndex, passes, prefilter

ALPHABET = "абвab -.x"
LITERALS = ["а", "б", "в", "a", "b", " ", "-", "\\.", "\\-", "аб", "ба", "вa"]
SIMPLE = [".", "[аб]", "[^а]", "[а-в]", "[]а]", "[^]б]", "\\w", "\\d", "\\s", "\\b", "^", "$"]
SIMPLE += ["\\x61", "\\u0431", "\\p{L}", "\\N{CYRILLIC SMALL LETTER A}", "[[:alpha:]]"]
QUANTIFIERS = ["", "", "", "?", "*", "+", "{2}", "{1,3}", "{0,2}", "{2,}", "{,2}", "+?", "*+"]


def _group(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    heads = st.sampled_from(["(", "(?:", "(?P<g>", "(?>", "(?<n>"])
    return st.builds(lambda h, x: f"{h}{x})", heads, inner)


atoms = st.recursive(
    st.sampled_from(LITERALS + SIMPLE),
    lambda inner: st.one_of(
        _group(inner),
        _group(st.builds(lambda a, b: f"{a}|{b}", inner, inner)),
        st.builds(lambda a, b: a + b, inner, inner),
    ),
    max_leaves=8,
)
pieces = st.builds(lambda a, q: a + q, atoms, st.sampled_from(QUANTIFIERS))
patterns = st.lists(pieces, min_size=1, max_size=5).map("".join) | st.builds(
    lambda a, b: f"{a}|{b}", pieces, pieces
)
texts = st.text(alphabet=ALPHABET, max_size=30)


def compiled(pattern: str) -> regex.Pattern[str] | None:
    try:
        return regex.compile(pattern)
    except regex.error:
        return None


def matching_texts(pattern: str) -> st.SearchStrategy[str]:
    """Texts that hold a match (drawn by Hypothesis from the pattern), else random text."""
    if any(x in pattern for x in ("[[", "\\p", "\\N")):  # not `re` syntax
        return texts
    if any(x in pattern for x in ("*+", "++", "?+", "}+", "(?>")):
        return texts  # possessive and atomic: CPython's re can fail to generate these
    try:
        re.compile(pattern)
    except re.error:
        return texts
    return st.from_regex(pattern) | texts


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(patterns, st.data())
def test_a_text_with_a_match_always_passes_the_prefilter(pattern: str, data: st.DataObject) -> None:
    compiled_pattern = compiled(pattern)
    if compiled_pattern is None:
        return
    condition = prefilter(pattern)
    for _ in range(4):
        text = data.draw(matching_texts(pattern))
        found = compiled_pattern.search(text)
        if found is not None:
            assert passes(condition, text), (pattern, condition, text)
            assert passes(condition, found.group(0)), (pattern, condition, found.group(0))


@pytest.mark.parametrize(
    ("pattern", "clauses"),
    [
        ("регул(яр|ар)ка", [{"регулярка", "регуларка"}]),
        ("(?:выплат|перевод)\\w+ задерж", [{" задерж"}, {"выплат", "перевод"}]),
        ("оплат(а|ы)? не", [{"оплата не", "оплаты не", "оплат не"}]),
        ("[^]]ab", [{"ab"}]),  # the old single-literal helper wanted "]ab": a dropped match
        ("ab{2}cd", [{"abbcd"}]),
        ("inn\\s*\\d{10,12}", [{"inn"}]),
        ("a|b", []),  # too short to be worth checking
        ("(?i)выплата", []),  # flags: no prefilter
        ("выпл{e<=1}ата", []),  # fuzzy matching: no prefilter
        ("(?=выплата)", []),  # lookaround: no prefilter
    ],
)
def test_derived_literals(pattern: str, clauses: list[set[str]]) -> None:
    assert [set(c) for c in prefilter(pattern)] == clauses


@settings(max_examples=120, deadline=None)
@given(st.lists(patterns, min_size=1, max_size=6), st.lists(texts, min_size=1, max_size=6))
def test_the_engine_matches_exactly_what_running_every_regex_matches(
    pats: list[str], samples: list[str]
) -> None:
    good = [p for p in pats if compiled(p) is not None and compiled(p).search("") is None]  # type: ignore[union-attr]
    if not good:
        return
    rules = [{"id": f"r{i}", "when": {"any": [f"/{p}/"]}, "then": {}} for i, p in enumerate(good)]
    try:
        rs = RuleSet.from_dicts(rules, options={"regex_timeout": 1.0})
    except ValueError:
        return  # e.g. a pattern of blanks only, rejected at load time
    for text in samples:
        norm = rs.scan(rs_text(text)).norms["body"]
        expected = tuple(
            f"r{i}" for i, p in enumerate(good) if norm and regex.search(p, norm) is not None
        )
        assert rs.evaluate(text).matched == expected


def rs_text(text: str) -> object:
    from supportkit import as_ticket

    return as_ticket(text)


def test_found_by_the_property() -> None:
    # A group holding only unknown text is not "exactly the empty string".
    assert prefilter("а(\\x61)а") == ()
    assert passes(prefilter("а(\\x61)а"), "аaа")


@settings(max_examples=80, deadline=None)
@given(st.lists(patterns, min_size=1, max_size=8), st.lists(texts, min_size=1, max_size=5))
def test_the_index_picks_exactly_the_regexes_whose_prefilter_passes(
    pats: list[str], samples: list[str]
) -> None:
    # Both ways: each prefilter on its own (few regexes) and the pair index (many).
    padded = pats + [f"щщ{i}ъ" for i in range(INDEX_FROM)]
    for group in (pats, padded):
        index = RegexIndex(group)
        for text in samples:
            expected = [i for i, p in enumerate(group) if passes(prefilter(p), text)]
            assert index.candidates(text) == expected
