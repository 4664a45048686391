"""Tests of supportkit.text._steps: the fast paths give what the plain algorithms give.

Each reference below is the slow, obviously correct way (one regular expression over
the whole text built straight from the tables, ``" ".join(text.split())``); the module
finds the same runs through cheaper searches. Text and offset map must be identical.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from supportkit.text import _steps
from supportkit.text._steps import MAX_MARKS, Track, collapse, cut_marks, drop_invisible, nfkc
from supportkit.text._tables import COMBINING_MARK_RANGES, INVISIBLE_CHARS

_MARKS = "".join(chr(c) for lo, hi in COMBINING_MARK_RANGES for c in range(lo, hi + 1))
_INVISIBLE = "".join(sorted(INVISIBLE_CHARS))
_REF_INVISIBLE_RE = re.compile("[" + re.escape(_INVISIBLE) + "]+")
_REF_MARKS_RE = re.compile("[" + re.escape(_MARKS) + f"]{{{MAX_MARKS + 1},}}")

# Everything the fast paths tell apart: BMP and astral marks and invisible characters,
# astral characters that are neither (emoji, a CJK extension letter), letters, spaces.
_ASTRAL_MARKS = [c for c in _MARKS if ord(c) >= 0x10000]
_BMP_MARKS = [c for c in _MARKS if ord(c) < 0x10000]
_PIECES = st.one_of(
    st.sampled_from(_BMP_MARKS[:40] + _BMP_MARKS[-40:]),
    st.sampled_from(_ASTRAL_MARKS[:40] + _ASTRAL_MARKS[-40:]),
    st.sampled_from(sorted(INVISIBLE_CHARS)),
    st.sampled_from(["😊", "\U00020000", "\U0001f3fb", "\U000e0020", "\U000e0100"]),
    st.sampled_from(list("аеоыйaeo _1\u00a0\n\t\u2028")),
    st.characters(),
)


def _text(pieces: list[str], repeat: int) -> str:
    return "".join(p * (repeat if i % 3 == 0 else 1) for i, p in enumerate(pieces))


_TEXTS = st.builds(_text, st.lists(_PIECES, max_size=40), st.integers(1, 40))


def _ref_drop(text: str) -> tuple[str, Track]:
    track = Track(len(text))
    track.apply([(m.start(), m.end(), 0) for m in _REF_INVISIBLE_RE.finditer(text)])
    return _REF_INVISIBLE_RE.sub("", text), track


def _ref_cut(text: str) -> tuple[str, Track]:
    track = Track(len(text))
    spans = [m.span() for m in _REF_MARKS_RE.finditer(text)]
    track.apply([(start + MAX_MARKS, end, 0) for start, end in spans])
    out = text
    for start, end in reversed(spans):
        out = out[: start + MAX_MARKS] + out[end:]
    return out, track


def _ref_collapse(text: str) -> tuple[str, Track]:
    # One character at a time: a run of whitespace inside becomes one space, at the
    # ends nothing.
    out: list[str] = []
    changes = []
    i = 0
    n = len(text)
    while i < n:
        j = i
        while j < n and text[j].isspace():
            j += 1
        if j == i:
            out.append(text[i])
            i += 1
            continue
        inside = i > 0 and j < n
        out.extend(" " * inside)
        changes.append((i, j, int(inside)))
        i = j
    track = Track(n)
    track.apply(changes)
    return "".join(out), track


def _same(result: str, track: Track, expected: tuple[str, Track]) -> None:
    text, ref = expected
    assert result == text
    assert list(track.starts) == list(ref.starts)
    assert list(track.ends) == list(ref.ends)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
@example("a\u00ad\U000e0020\u00adb")
@example("а" + "\u0301" * 31 + "\U0001d167" * 5 + "б")
@example("😊" * 40)
@example("\U0001d167" * 20 + "\u0301" * 20)
def test_drop_invisible_and_cut_marks_match_the_plain_regexes(text: str) -> None:
    track = Track(len(text))
    _same(drop_invisible(text, track), track, _ref_drop(text))
    assert drop_invisible(text, None) == _ref_drop(text)[0]
    track = Track(len(text))
    _same(cut_marks(text, track), track, _ref_cut(text))
    assert cut_marks(text, None) == _ref_cut(text)[0]


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(list("аб  \t\n\u00a0\u2028\u3000\x1c\x85"))))
@example("")
@example(" ")
@example("а б")
@example("а  б ")
def test_collapse_matches_one_character_at_a_time(text: str) -> None:
    track = Track(len(text))
    _same(collapse(text, track), track, _ref_collapse(text))
    assert collapse(text, None) == " ".join(text.split())


def test_whitespace_table_is_every_whitespace_character() -> None:
    # The fast path of collapse trusts this table to know every character split() cuts at.
    every = {chr(c) for c in range(0x110000) if chr(c).isspace()}
    assert set(_steps.WHITESPACE) == every


def _ref_nfkc_track(text: str) -> Track:
    # The map as the whole-text step built it: every space-separated chunk checked.
    track = Track(len(text))
    changes = []
    offset = 0
    for chunk in text.split(" "):
        if not unicodedata.is_normalized("NFKC", chunk):
            changes.extend(_steps._nfkc_changes(chunk, offset))
        offset += len(chunk) + 1
    track.apply(changes)
    return track


_NFKC_PIECES = st.one_of(
    st.sampled_from(list("№ﬁ½ＳＭＳ²ſẛ\u1e9b\u0301\u0323\u0308\u0345ᄀ\u1161\u11a8가е\u0308й")),
    st.sampled_from(["\U0001d400", "\U0001d167", "😊", "\U0002f800", "\u0f73", "\u2126"]),
    st.sampled_from(list("абв e ")),
    st.characters(),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_NFKC_PIECES, max_size=60).map("".join))
@example("№ " * 200 + "е\u0308")
@example(" \u0301a")
@example("a \u0301")
@example("ᄀ \u1161")
def test_nfkc_by_chunks_is_nfkc_of_the_whole_text(text: str) -> None:
    expected = unicodedata.normalize("NFKC", text)
    assert nfkc(text, None) == expected
    track = Track(len(text))
    assert nfkc(text, track) == expected
    ref = _ref_nfkc_track(text)
    assert list(track.starts) == list(ref.starts)
    assert list(track.ends) == list(ref.ends)


def test_unstable_characters_cover_what_nfkc_changes() -> None:
    # A chunk is left alone only when none of its characters is in the class: it must
    # hold every character NFKC changes on its own, every combining mark, and every
    # character that composes with the one before it (the second of a canonical pair,
    # Hangul vowels and trailing consonants).
    unstable = _steps._unstable_re()
    for code in range(0x110000):
        ch = chr(code)
        if not unicodedata.is_normalized("NFKC", ch) or unicodedata.combining(ch):
            assert unstable.match(ch), hex(code)
        decomposition = unicodedata.decomposition(ch).split()
        if len(decomposition) == 2 and not decomposition[0].startswith("<"):
            assert unstable.match(chr(int(decomposition[1], 16))), hex(code)
    for code in (*range(0x1161, 0x1176), *range(0x11A8, 0x11C3)):
        assert unstable.match(chr(code)), hex(code)
