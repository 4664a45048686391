"""The phrase index's word look-up also finds the regex prefilter's word literals."""

from __future__ import annotations

import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from supportkit.rules._load import Options
from supportkit.rules._matcher import Matcher
from supportkit.rules._phrases import Phrase, parse_phrase
from supportkit.rules._prefilter import INDEX_FROM, passes

from .test_prefilter import compiled, patterns, texts

# Word literals that push the index past INDEX_FROM regexes (the indexed path).
PADDING = [f"щщ{i}ъ" for i in range(INDEX_FROM)]
WORDS = [parse_phrase("аб"), parse_phrase("вa*"), parse_phrase("баба~1")]


def matcher(regexes: list[str]) -> Matcher:
    phrases = [Phrase(source=f"/{p}/", pattern=p) for p in regexes] + WORDS
    return Matcher(phrases, Options())


@settings(max_examples=80, deadline=None)
@given(
    st.lists(patterns, min_size=1, max_size=6),
    st.lists(texts | st.sampled_from(["щщ3ъ аб", "ащщ12ъб вaб", "баба щщ0ъщщ1ъ"]), min_size=1),
)
def test_the_literals_of_the_words_pick_the_regexes_the_prefilters_pass(
    pats: list[str], samples: list[str]
) -> None:
    pats = [p for p in pats if compiled(p) is not None] or ["аб"]
    for group in (pats, pats + PADDING, PADDING[:5] + pats + PADDING[5:]):
        m = matcher(group)
        for clone in (m, pickle.loads(pickle.dumps(m))):
            index = clone.regex_index
            for text in samples:
                tokens, hits, literals = clone.scan_words(text)
                expected = [i for i, c in enumerate(index._conditions) if not c or passes(c, text)]
                assert index.candidates(text, literals=literals) == expected
                assert (tokens, hits) == clone.scan(text)
                assert all(a >= 0 for t in tokens for a in clone.atoms_of(t))


def test_word_literal_ids_ride_in_the_word_cache_only_with_regexes() -> None:
    with_regex = matcher(["щщ3ъ", "а b"])
    assert with_regex.scan_words("x щщ3ъ аб")[2] == {0}
    assert with_regex._cache["щщ3ъ"] == (-1,)
    assert with_regex.atoms_of("щщ3ъ") == ()
    plain = matcher([])
    assert plain.scan_words("щщ3ъ аб")[2] == set()
    assert all(a >= 0 for atoms in plain._cache.values() for a in atoms)
