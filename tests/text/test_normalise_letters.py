"""Tests of supportkit.text._normalise's one-letter repair against the plain algorithm.

The module reads only the surroundings of each candidate letter; the reference below
lists every word of the text and walks it, as the first version did.
"""

from __future__ import annotations

import re
import subprocess
import sys

from hypothesis import example, given, settings
from hypothesis import strategies as st

from supportkit.text import normalize
from supportkit.text._normalise import _cyrillic_word, _repair_letters
from supportkit.text._tables import LATIN_TO_CYRILLIC

_WORD_RE = re.compile(r"\w+")


def _reference(text: str) -> str:
    words = [(m.start(), m.group()) for m in _WORD_RE.finditer(text)]
    long_before: list[str | None] = []
    last: str | None = None
    for _, word in words:
        long_before.append(last)
        if len(word) > 1:
            last = word
    chars = list(text)
    after: str | None = None
    for i in range(len(words) - 1, -1, -1):
        start, word = words[i]
        if len(word) > 1:
            after = word
            continue
        if word not in "aAcCoOyYkKB":
            continue
        before = long_before[i]
        if (before is not None or after is not None) and all(
            w is None or _cyrillic_word(w) for w in (before, after)
        ):
            chars[start] = LATIN_TO_CYRILLIC[word]
    return "".join(chars)


_PIECES = st.one_of(
    st.sampled_from(list("aAcCoOyYkKBxи5_")),
    st.sampled_from(["вам", "письмо", "plan", "ok", "еgo", "kаk", "smsкод", "Ж", "ab"]),
    st.sampled_from([" ", "  ", ", ", "-", "\n", ".", "?!"]),
    st.text(max_size=3),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=80).map("".join))
@example("пишу k вам")
@example("plan B")
@example("ok, a вы")
@example("x и y")
@example("k")
@example("a " * 50 + "письмо")
@example("письмо" + " a" * 50)
@example("ab" * 40 + " k " + "в" * 70 + " c")
def test_one_letter_repair_matches_the_word_list_walk(text: str) -> None:
    assert _repair_letters(text) == _reference(text)


def test_long_words_far_away_and_many_letters() -> None:
    # A window that has to grow, and a word before that is cut by the first window.
    far = "вами" + "-" * 500 + " k " + "-" * 500 + "вам"
    assert _repair_letters(far) == _reference(far) == far.replace(" k ", " к ")
    cut = "ж" * 200 + " k"
    assert _repair_letters(cut) == _reference(cut) == "ж" * 200 + " к"


def test_a_megabyte_of_one_letter_words_is_linear() -> None:
    # The word list walk was linear too; the local searches must not become quadratic
    # (the word after is searched once for a run of candidates, the word before only
    # back to the previous candidate). A generous timeout: minutes if quadratic.
    code = (
        "from supportkit.text import normalize\n"
        "assert normalize('a ' * 500_000 + 'письмо').startswith('а а')\n"
        "assert normalize('письмо' + ' a' * 500_000).endswith('а а')\n"
        "assert normalize('письмо ' + 'ab ' * 300_000 + 'k').endswith('k')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_normalize_repairs_letters_in_context() -> None:
    assert normalize("Пишу k вам c вопросом") == "пишу к вам с вопросом"
    assert normalize("plan B и x") == "plan b и x"
