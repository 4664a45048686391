"""The regex index of big rule sets: word literals by the text's words, others by pairs."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from supportkit.rules._phrases import WORD_RE, tokenize
from supportkit.rules._prefilter import (
    _WORD_RE,
    INDEX_FROM,
    PAIRS_FROM,
    RegexIndex,
    passes,
    prefilter,
)

from .test_prefilter import patterns, texts

# Padding that forces each path: word literals only (the per-word index), and more than
# PAIRS_FROM literals with a non-word character (the pair index).
WORDS = [f"щщ{i}ъ" for i in range(INDEX_FROM)]
SPACED = [f"щ {i}ъ" for i in range(PAIRS_FROM)]


def test_the_index_splits_words_as_the_engine_does() -> None:
    assert _WORD_RE.pattern == WORD_RE.pattern
    assert _WORD_RE.flags == WORD_RE.flags


@settings(max_examples=60, deadline=None)
@given(
    st.lists(patterns, min_size=1, max_size=8),
    st.lists(texts | st.sampled_from(["щщ3ъ", "ащщ12ъб щ 7ъ", "щ 300ъ x"]), min_size=1),
)
def test_every_path_picks_exactly_the_regexes_whose_prefilter_passes(
    pats: list[str], samples: list[str]
) -> None:
    for group in (pats + WORDS, pats + WORDS + SPACED, WORDS + pats + SPACED[:3]):
        index = RegexIndex(group)
        for text in samples:
            expected = [i for i, p in enumerate(group) if passes(prefilter(p), text)]
            assert index.candidates(text) == expected
            assert index.candidates(text, tokenize(text)) == expected
            assert index.candidates(text) == expected  # from the word cache this time


def test_a_huge_word_is_not_kept_in_the_word_cache() -> None:
    index = RegexIndex(WORDS)
    word = "щ" * 10_000 + "щщ5ъ"
    assert index.candidates(word) == [5]
    assert word not in index._words
    assert index.candidates("щщ5ъ щщ6ъ") == [5, 6]
