"""The steps of normalisation that change lengths, each keeping the offset map.

:class:`Track` is the map from the text being normalised back to the original, one
entry per character; each step that deletes, expands or contracts characters reports
its changes as ``(start, end, length)`` and the map is rebuilt from slices. Steps that
replace one character by one (look-alike repair, case folding of most letters, layout
fixing) leave the map alone.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import TYPE_CHECKING, Final

from supportkit.text._tables import COMBINING_MARK_RANGES, COMPOSES_WITH_PREVIOUS, INVISIBLE_CHARS

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

__all__ = [
    "MAX_MARKS",
    "SUSPECT_RE",
    "WHITESPACE",
    "Changes",
    "Track",
    "casefold",
    "collapse",
    "compose",
    "cut_marks",
    "drop_invisible",
    "nfkc",
]

#: Combining marks kept after one base character (UAX #15's stream-safe limit);
#: longer runs ("Zalgo" text) are cut, which keeps normalisation linear in time.
MAX_MARKS: Final = 30


def _class(codes: Iterable[int]) -> str:
    """A regex character class body for ``codes``, as ranges."""
    ranges: list[list[int]] = []
    for code in sorted(set(codes)):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in ranges)


_MARK_CODES: Final = [c for lo, hi in COMBINING_MARK_RANGES for c in range(lo, hi + 1)]
_INVISIBLE_CODES: Final = [ord(c) for c in INVISIBLE_CHARS]
_BMP_MARKS: Final = _class(c for c in _MARK_CODES if c < 0x10000)
_BMP_INVISIBLE: Final = _class(c for c in _INVISIBLE_CODES if c < 0x10000)
_ASTRAL: Final = "\U00010000-\U0010ffff"
# Anything that needs the slow path: invisible characters and combining marks of the
# BMP, and every astral character (tags, variation selectors, marks live there too).
SUSPECT_RE: Final = re.compile("[" + _BMP_INVISIBLE + _BMP_MARKS + "]|[" + _ASTRAL + "]")
# The exact patterns. They are slow to search: the regex engine checks a character
# that is not in the set against every one of the dozens of astral ranges in it.
_ASTRAL_INVISIBLE: Final = _class(c for c in _INVISIBLE_CODES if c >= 0x10000)
_INVISIBLE_RE: Final = re.compile("[" + _BMP_INVISIBLE + "]+|[" + _ASTRAL_INVISIBLE + "]+")
_MARKS_RUN_RE: Final = re.compile(
    "(?:[" + _BMP_MARKS + "]|[" + _class(c for c in _MARK_CODES if c >= 0x10000) + "])"
    f"{{{MAX_MARKS + 1},}}"
)
# The fast ones: runs of the BMP part of a set, or of any astral character (a superset
# that costs one range check), written with a leading single class so that the search
# skips ahead in C. Without an astral character in a run it is the exact run; with
# one, the exact pattern is run inside it (rare: such runs are short).
_INVISIBLE_OR_ASTRAL_RE: Final = re.compile(
    "[" + _BMP_INVISIBLE + _ASTRAL + "][" + _BMP_INVISIBLE + _ASTRAL + "]*"
)
_MARKS_OR_ASTRAL_RUN_RE: Final = re.compile(
    "[" + _BMP_MARKS + _ASTRAL + "][" + _BMP_MARKS + _ASTRAL + f"]{{{MAX_MARKS},}}"
)
_ASTRAL_RE: Final = re.compile("[" + _ASTRAL + "]")
# Without an astral invisible character in a text its BMP runs are all there is.
_ASTRAL_INVISIBLE_RE: Final = re.compile("[" + _ASTRAL_INVISIBLE + "]")
_BMP_INVISIBLE_RE: Final = re.compile("[" + _BMP_INVISIBLE + "][" + _BMP_INVISIBLE + "]*")
# Runs of whitespace that collapsing shortens (the ends are trimmed separately).
_SPACE_RUN_RE: Final = re.compile(r"\s\s+")
#: Every character ``str.split()`` cuts at (``str.isspace``; a test checks the table).
WHITESPACE: Final = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# Whitespace other than the plain space (one class: the search runs in C).
_ODD_SPACE_RE: Final = re.compile("[" + re.escape(WHITESPACE.replace(" ", "")) + "]")
Changes = list[tuple[int, int, int]]


def compose(
    starts: Sequence[int], ends: Sequence[int], changes: Changes
) -> tuple[list[int], list[int]]:
    """Map a stage's output back through ``starts``/``ends`` (per input character).

    ``changes`` are sorted, non-overlapping ``(a, b, k)``: input ``[a, b)`` became ``k``
    output characters, each of which stands for the whole of ``[a, b)``.
    """
    new_starts: list[int] = []
    new_ends: list[int] = []
    prev = 0
    for a, b, k in changes:
        new_starts += starts[prev:a]
        new_ends += ends[prev:a]
        if k:
            new_starts += [starts[a]] * k
            new_ends += [ends[b - 1]] * k
        prev = b
    new_starts += starts[prev:]
    new_ends += ends[prev:]
    return new_starts, new_ends


class Track:
    """The per-character map of the text being normalised back to the original.

    It starts as the identity, kept as ``range`` objects (no integers are created
    until a step changes lengths).
    """

    __slots__ = ("ends", "starts")

    def __init__(self, n: int) -> None:
        self.starts: Sequence[int] = range(n)
        self.ends: Sequence[int] = range(1, n + 1)

    def apply(self, changes: Changes) -> None:
        if changes:
            self.starts, self.ends = compose(self.starts, self.ends, changes)

    def freeze(self) -> tuple[Sequence[int], Sequence[int]]:
        if isinstance(self.starts, range):
            return self.starts, self.ends
        return tuple(self.starts), tuple(self.ends)


def _exact_runs(
    text: str, fast: re.Pattern[str], exact: re.Pattern[str]
) -> Iterator[tuple[int, int]]:
    """The ``(start, end)`` of every match of ``exact`` in ``text``, found through ``fast``.

    ``fast`` matches the maximal runs of a superset of ``exact``'s characters (the BMP
    part of the set plus every astral character); a run without an astral character
    is a match of ``exact`` itself, any other is searched with ``exact``, inside the run
    only. Each character is looked at a bounded number of times.
    """
    astral = _ASTRAL_RE.search
    for run in fast.finditer(text):
        start, end = run.span()
        if astral(text, start, end) is None:
            yield start, end
        else:
            for m in exact.finditer(text, start, end):
                yield m.span()


def cut_marks(text: str, track: Track | None) -> str:
    """Drop combining marks beyond :data:`MAX_MARKS` in a row (keeps NFKC linear)."""
    changes: Changes = []
    parts: list[str] = []
    last = 0
    for start, end in _exact_runs(text, _MARKS_OR_ASTRAL_RUN_RE, _MARKS_RUN_RE):
        cut = start + MAX_MARKS
        parts.append(text[last:cut])
        changes.append((cut, end, 0))
        last = end
    if not changes:
        return text
    parts.append(text[last:])
    if track is not None:
        track.apply(changes)
    return "".join(parts)


#: After this many changed chunks :func:`nfkc` normalises the rest of a text at once (a
#: bound on the Python-level work for texts made of such chunks).
_MAX_CHUNKS: Final = 64


@functools.cache
def _unstable_re() -> re.Pattern[str]:
    """Characters that NFKC may change or compose with what precedes them.

    Those of the BMP that normalise to something else on their own, combining marks,
    starters that compose with the character before them; and every astral character
    (a superset, which costs one range check). A space-separated chunk without any of
    them is already in NFKC. Built on first use (65,536 look-ups, a few ms).
    """
    codes = [c for c in range(0x10000) if not unicodedata.is_normalized("NFKC", chr(c))]
    codes += (c for c in _MARK_CODES if c < 0x10000)
    codes += (ord(c) for c in COMPOSES_WITH_PREVIOUS if ord(c) < 0x10000)
    return re.compile("[" + _class(codes) + _ASTRAL + "]")


def _unstable_chunks(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each space-separated chunk of ``text`` that NFKC may change.

    A space never composes and never takes part in reordering, so the chunks between
    spaces normalise independently and the others stay as they are.
    """
    search = _unstable_re().search
    n = len(text)
    pos = 0  # 0 or the index of a space
    while (m := search(text, pos)) is not None:
        start = text.rfind(" ", pos, m.start()) + 1 or pos
        end = text.find(" ", m.end())
        end = n if end < 0 else end
        yield start, end
        pos = end


def nfkc(text: str, track: Track | None) -> str:
    """NFKC, applied only to the space-separated chunks that need it (same result)."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    parts: list[str] = []
    changes: Changes = []
    last = 0
    normalize = unicodedata.normalize
    for count, (start, end) in enumerate(_unstable_chunks(text)):
        if count == _MAX_CHUNKS:
            break
        chunk = text[start:end]
        if unicodedata.is_normalized("NFKC", chunk):
            continue
        parts.append(text[last:start])
        parts.append(normalize("NFKC", chunk))
        if track is not None:
            changes.extend(_nfkc_changes(chunk, start))
        last = end
    else:
        parts.append(text[last:])
        if track is not None:
            track.apply(changes)
        return "".join(parts)
    # Many chunks to change: the rest at once, chunk by chunk only for the offset map.
    parts.append(normalize("NFKC", text[last:]))
    if track is not None:
        offset = last
        for chunk in text[last:].split(" "):
            if not unicodedata.is_normalized("NFKC", chunk):
                changes.extend(_nfkc_changes(chunk, offset))
            offset += len(chunk) + 1
        track.apply(changes)
    return "".join(parts)


def _nfkc_changes(text: str, offset: int) -> Changes:
    """The length changes NFKC makes to ``text``, cluster by cluster."""
    composes = COMPOSES_WITH_PREVIOUS
    # A new cluster starts at a starter that nothing before it can compose with.
    changes: Changes = []
    start = 0
    n = len(text)
    for i in range(1, n + 1):
        if i < n:
            ch = text[i]
            if unicodedata.combining(ch) or ch in composes:
                continue
        if i - start > 1 or ord(text[start]) > 0x7F:
            done = unicodedata.normalize("NFKC", text[start:i])
            if len(done) != i - start:
                changes.append((offset + start, offset + i, len(done)))
        start = i
    return changes


def casefold(text: str, track: Track | None) -> str:
    out = text.casefold()
    if track is not None and len(out) != len(text):
        changes: Changes = []
        for i, ch in enumerate(text):
            folded = ch.casefold()
            if len(folded) != 1:
                changes.append((i, i + 1, len(folded)))
        track.apply(changes)
    return out


def collapse(text: str, track: Track | None) -> str:
    """Collapse runs of whitespace to one space and trim the ends."""
    if (
        "  " not in text
        and text[:1] != " "
        and text[-1:] != " "
        and _ODD_SPACE_RE.search(text) is None
    ):
        return text  # already collapsed (most messages): no split into words
    out = " ".join(text.split())
    if track is not None and len(out) != len(text):
        n = len(text)
        changes: Changes = []
        lead = n - len(text.lstrip())
        trail = len(text.rstrip())
        if lead:
            changes.append((0, lead, 0))
        changes.extend((m.start(), m.end(), 1) for m in _SPACE_RUN_RE.finditer(text, lead, trail))
        if trail < n and trail >= lead:
            changes.append((trail, n, 0))
        track.apply(changes)
    return out


def drop_invisible(text: str, track: Track | None) -> str:
    """Remove invisible format characters (soft hyphen, zero-width characters, tags …)."""
    if _ASTRAL_RE.search(text) is None or _ASTRAL_INVISIBLE_RE.search(text) is None:
        # The common case (emoji and all): only BMP runs, one pass in C.
        if track is not None:
            track.apply([(m.start(), m.end(), 0) for m in _BMP_INVISIBLE_RE.finditer(text)])
        return _BMP_INVISIBLE_RE.sub("", text)
    runs = list(_exact_runs(text, _INVISIBLE_OR_ASTRAL_RE, _INVISIBLE_RE))
    if not runs:
        return text
    if track is not None:
        track.apply([(start, end, 0) for start, end in runs])
    parts: list[str] = []
    last = 0
    for start, end in runs:
        parts.append(text[last:start])
        last = end
    parts.append(text[last:])
    return "".join(parts)
