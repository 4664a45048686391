"""Text normalisation that survives how customers really type Russian.

:func:`normalize` turns a message into the clean form keyword rules match on: NFKC,
invisible format characters removed, look-alike letters of the other script repaired
inside a word (``выплaта`` with a Latin ``a`` -> ``выплата``), case-folded, ``ё`` ->
``е``, whitespace collapsed. :func:`normalize_with_offsets` does the same and keeps a
map from every output character back to the characters the customer typed, so a match
in the normalised text can be reported as a span of the original.

The fast path works on whole strings (``str.translate``, one precompiled regular
expression for the words that mix scripts); only those words, and texts that are not
already in NFKC, are walked character by character.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Final

import attrs

from supportkit.exceptions import InvalidValue
from supportkit.text._check import check_text
from supportkit.text._layout import fix_layout
from supportkit.text._morphology import is_russian_word
from supportkit.text._steps import (
    MAX_MARKS,
    SUSPECT_RE,
    Track,
    casefold,
    collapse,
    cut_marks,
    drop_invisible,
    nfkc,
)
from supportkit.text._tables import (
    CYRILLIC_LETTERS,
    CYRILLIC_TO_LATIN,
    DIGIT_LOOKALIKES,
    ENGLISH_TWIN_WORDS,
    LATIN_TO_CYRILLIC,
    LATIN_TO_CYRILLIC_ONE_WAY,
)
from supportkit.text._translit import translit_with_changes

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

__all__ = [
    "MAX_MARKS",
    "Normalized",
    "check_text",
    "normalize",
    "normalize_with_offsets",
    "repair_word",
]

_CYR: Final = "\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f"
_LAT: Final = "A-Za-z\u00c0-\u02af\u1d00-\u1d7f\u1e00-\u1eff"


# A Cyrillic letter (or "_") next to a Latin letter or a digit: where mixed words are.
# (It starts with the rare class, so the scan skips ahead fast; the neighbours are checked
# only at Latin letters and digits.) The match runs on to the end of the word.
_TOUCH_RE: Final = re.compile(f"[{_LAT}0-9](?:(?<=[{_CYR}_][{_LAT}0-9])|(?=[{_CYR}_]))\\w*")
# A run of look-alike digits with Cyrillic letters on both sides (``пр0блема``, ``к00рдинально``).
_DIGITS_RE: Final = re.compile(f"(?<=[{_CYR}])[{''.join(DIGIT_LOOKALIKES)}]+(?=[{_CYR}])")
_LATIN_LETTERS: Final = frozenset(
    chr(c)
    for lo, hi in ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x2AF), (0x1D00, 0x1D7F), (0x1E00, 0x1EFF))
    for c in range(lo, hi + 1)
) - {"\u00d7", "\u00f7"}
_WORD_CACHE: dict[str, tuple[str, bool]] = {}
_WORD_CACHE_LIMIT: Final = 100_000


def _signature_table() -> dict[int, str]:
    table = {}
    for ch in _LATIN_LETTERS:
        table[ord(ch)] = "l" if ch in LATIN_TO_CYRILLIC or ch in LATIN_TO_CYRILLIC_ONE_WAY else "L"
    for ch in CYRILLIC_LETTERS:
        table[ord(ch)] = "c" if ch in CYRILLIC_TO_LATIN else "C"
    return table


# Letter -> its class: "C"/"L" a Cyrillic/Latin letter without a twin, "c"/"l" with one.
_SIGNATURE: Final = _signature_table()
_TO_LATIN: Final = str.maketrans(dict(CYRILLIC_TO_LATIN))
# A pair of different case (Ь~b) repairs to the case of the letter typed: b -> ь.
_TO_CYRILLIC: Final = str.maketrans(
    {
        latin: cyrillic.lower() if latin.islower() else cyrillic
        for latin, cyrillic in {**LATIN_TO_CYRILLIC_ONE_WAY, **LATIN_TO_CYRILLIC}.items()
    }
)


def _script_counts(word: str) -> tuple[int, int, int, int]:
    sig = word.translate(_SIGNATURE)
    cyr_own, lat_own = sig.count("C"), sig.count("L")
    return cyr_own + sig.count("c"), lat_own + sig.count("l"), cyr_own, lat_own


def _word_script(word: str) -> str | None:
    """Decide which script a word that mixes scripts is written in (``None``: cannot tell).

    Letters without a twin in the other script decide. When every letter has a twin
    (``eгo``, ``kаk``, ``cоpy``), the dictionaries do: the Cyrillic reading if it is a
    Russian word and the Latin one no English word, the Latin reading in the opposite
    case; only when both or neither are words does the majority decide (a tie goes to
    Cyrillic).
    """
    cyr, lat, cyr_own, lat_own = _script_counts(word)
    if not cyr:
        return "latin"
    if not lat:
        return "cyrillic"
    if cyr_own and lat_own:
        return None
    if cyr_own:
        return "cyrillic"
    if lat_own:
        return "latin"
    russian = is_russian_word(word.translate(_TO_CYRILLIC))
    english = word.translate(_TO_LATIN).lower() in ENGLISH_TWIN_WORDS
    if russian != english:
        return "cyrillic" if russian else "latin"
    return "cyrillic" if cyr >= lat else "latin"


def repair_word(word: str) -> str:
    """Replace look-alikes of the other script in one word by their twins (case kept).

    ``"выплaта"`` -> ``"выплата"``, ``"BЫПЛАТА"`` -> ``"ВЫПЛАТА"``, ``"пр0блема"`` ->
    ``"проблема"``, ``"Usеdesk"`` (Cyrillic ``е``) -> ``"Usedesk"``. A word whose two
    scripts both have letters without a twin (``"smsкод"``) is returned unchanged.
    The result has the same length as ``word``.
    """
    return _repair_word(word)[0]


def _repair_word(word: str) -> tuple[str, bool]:
    """:func:`repair_word`, and whether the word was left undecided."""
    script = _word_script(word)
    if script is None:
        return word, True
    if script == "latin":
        return word.translate(_TO_LATIN), False
    fixed = word.translate(_TO_CYRILLIC)
    if "0" in fixed or "3" in fixed or "6" in fixed:
        fixed = _DIGITS_RE.sub(_digits_to_letters, fixed)
    return fixed, False


def _digits_to_letters(m: re.Match[str]) -> str:
    text, start, end = m.string, m.start(), m.end()
    upper = text[start - 1].isupper() and text[end].isupper()
    letters = "".join(DIGIT_LOOKALIKES[d] for d in m.group())
    return letters.upper() if upper else letters


def candidate_words(text: str) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` of every word (``\\w+``) where a Cyrillic letter (or ``_``)
    touches a Latin letter or a digit: the words that can mix scripts.

    One scan for such a pair of neighbours (most messages have none), then the word
    around it; every character is looked at a bounded number of times, so the work is
    linear even for a single word of a million letters.
    """
    pos = 0
    search = _TOUCH_RE.search
    while (m := search(text, pos)) is not None:
        start = m.start()
        while start > pos and (text[start - 1].isalnum() or text[start - 1] == "_"):
            start -= 1
        pos = m.end()
        yield start, pos


def _repair(text: str) -> tuple[str, bool]:
    """Repair every word that mixes scripts; same length as ``text``.

    Also tells whether a word was left undecided (both scripts have letters without a
    twin): case folding can make such a word decidable (``İ`` folds to ``i``).
    (:func:`candidate_words`, inlined: this is the hot loop.)
    """
    parts: list[str] = []
    last = pos = 0
    undecided = False
    search = _TOUCH_RE.search
    cache = _WORD_CACHE
    while (m := search(text, pos)) is not None:
        start = m.start()
        while start > pos and (text[start - 1].isalnum() or text[start - 1] == "_"):
            start -= 1
        pos = m.end()
        word = text[start:pos]
        found = cache.get(word)
        if found is None:
            found = _repair_word(word)
            if len(word) < 64:
                if len(cache) >= _WORD_CACHE_LIMIT:
                    cache.clear()
                cache[word] = found
        fixed, unsure = found
        if unsure:
            undecided = True
        if fixed != word:
            parts.append(text[last:start])
            parts.append(fixed)
            last = pos
    if not parts:
        return text, undecided
    parts.append(text[last:])
    return "".join(parts), undecided


# A one-letter Latin word whose Cyrillic twin is a Russian one-letter word (к, в, с, у,
# о, а), standing alone.
# (The letter first, then the look-arounds: several times faster than a leading
# look-behind, which the regex engine would try at every position.)
_ONE_LETTER_RE: Final = re.compile(r"[aAcCoOyYkKB](?!\w)(?<!\w.)")


def _cyrillic_word(word: str) -> bool:
    sig = word.translate(_SIGNATURE)
    has_cyrillic = "C" in sig or "c" in sig
    latin = "L" in sig or "l" in sig
    return has_cyrillic and (not latin or _word_script(word) == "cyrillic")


def _repair_letters(text: str) -> str:
    """Repair one-letter Latin words in Cyrillic context (``пишу k вам`` -> ``к``).

    The context is the nearest word of two letters or more on each side: those that
    exist (at least one must) have to be Cyrillic, so ``plan B``, ``ok, a вы`` and
    ``x и y`` stay Latin. Same length as ``text``.

    Only the surroundings of each candidate letter are read: the word before is looked
    for between the previous candidate and this one (else it is the previous one's),
    the word after is the previous candidate's when that lies beyond this one, so the
    work is linear in the length of the text.
    """
    chars: list[str] | None = None
    before: str | None = None
    after: re.Match[str] | None = None
    searched = False  # whether ``after`` was looked for yet (``None``: there is none)
    bound = 0  # where the previous candidate ended: a non-word character or the end
    for m in _ONE_LETTER_RE.finditer(text):
        start = m.start()
        before = _long_word_before(text, bound, start) or before
        if not searched or (after is not None and after.start() < start):
            searched = True
            after = _LONG_WORD_RE.search(text, m.end())
        bound = m.end()
        later = None if after is None else after.group()
        if (before is not None or later is not None) and all(
            w is None or _cyrillic_word(w) for w in (before, later)
        ):
            if chars is None:
                chars = list(text)
            chars[start] = LATIN_TO_CYRILLIC[m.group()]
    return text if chars is None else "".join(chars)


_LONG_WORD_RE: Final = re.compile(r"\w\w+")


def _long_word_before(text: str, bound: int, end: int) -> str | None:
    """The last word of two characters or more in ``text[bound:end]`` (``None``: none).

    ``text[bound]`` is not a word character unless ``bound`` is 0, and ``text[end - 1]``
    is not one either, so no word found is cut by the window's end. The window grows
    from the end backwards, so a word near the end costs a few characters.
    """
    width = 64
    while True:
        lo = max(bound, end - width)
        last = None
        for last in _LONG_WORD_RE.finditer(text, lo, end):  # noqa: B007 - the last one
            pass
        if last is not None and not (
            last.start() == lo and lo > bound and (text[lo - 1].isalnum() or text[lo - 1] == "_")
        ):
            return last.group()
        if lo == bound:
            return None
        width *= 4


def _run(
    text: str,
    *,
    repair: bool,
    layout: bool,
    translit: bool,
    track: Track | None,
) -> str:
    if text.isascii() and not layout and not translit:
        return " ".join(text.split()).lower() if track is None else collapse(text, track).lower()
    t = text
    if SUSPECT_RE.search(t) is not None:
        t = drop_invisible(t, track)
        t = cut_marks(t, track)
    t = nfkc(t, track)
    if layout:
        t = fix_layout(t)  # one character for one: the map does not change
    undecided = False
    if repair:
        t, undecided = _repair(t)
        t = _repair_letters(t)
    if translit:
        t, changes = translit_with_changes(t)
        if track is not None:
            track.apply(changes)
    t = casefold(t, track).replace("ё", "е")
    if not unicodedata.is_normalized("NFKC", t):
        # Case folding can undo NFKC ("ß" + U+0301 -> "ss" + U+0301, which composes):
        # one more round reaches the fixed point, so normalize stays idempotent.
        t = casefold(nfkc(t, track), track).replace("ё", "е")
        undecided = repair  # composing can join words ("е" + U+0308 + "a"): repair again
    if undecided:
        t = _repair_letters(_repair(t)[0])
    return collapse(t, track)


def normalize(
    text: str, *, repair: bool = True, layout: bool = False, translit: bool = False
) -> str:
    """Return the clean form of ``text`` that keyword rules match on.

    Steps, in order: invisible format characters removed (soft hyphen, zero-width
    characters, bidi controls …); runs of more than :data:`MAX_MARKS` combining marks
    cut; NFKC; optionally :func:`~supportkit.text.fix_layout`; look-alike repair
    inside words (:func:`repair_word`); optionally
    :func:`~supportkit.text.from_translit`; case folding; ``ё`` -> ``е``; whitespace
    collapsed to single spaces and trimmed.

    Args:
        text: The message.
        repair: Repair look-alikes of the other script inside words.
        layout: Also convert words typed on the wrong keyboard layout.
        translit: Also convert informal Latin transliteration of Russian.

    Returns:
        The normalised text. ``normalize(normalize(t)) == normalize(t)``.

    Raises:
        InvalidArgument: ``text`` is not a ``str``.

    Example:
        >>> normalize("  BЫПЛАТА\u00ad не пришлa!  ")
        'выплата не пришла!'
    """
    if type(text) is not str:
        text = check_text(text)
    return _run(text, repair=repair, layout=layout, translit=translit, track=None)


@attrs.frozen(repr=False)
class Normalized:
    """A normalised text with a map back to the original.

    Attributes:
        text: The normalised text.
        original: The text as given.
        starts: For each character of ``text``, where its source starts in ``original``
            (an immutable sequence: a ``range`` while nothing changed lengths, else a tuple).
        ends: For each character of ``text``, where its source ends in ``original``.
    """

    text: str
    original: str
    starts: Sequence[int] = attrs.field(eq=False)
    ends: Sequence[int] = attrs.field(eq=False)

    def origin(self, index: int) -> tuple[int, int]:
        """Return the half-open span of ``original`` that ``text[index]`` comes from."""
        if not 0 <= index < len(self.text):
            msg = (
                f"'index' must be in 0..{len(self.text) - 1} (got {index!r}); "
                "pass a position of the normalised text."
            )
            raise InvalidValue(msg, field="index", value=index)
        return self.starts[index], self.ends[index]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map the half-open span ``[start, end)`` of ``text`` to a span of ``original``.

        A non-empty span maps to the original characters of its first and last
        character, including anything removed in between (invisible characters,
        extra spaces). An empty span maps to an empty span at the matching position.

        Raises:
            InvalidValue: ``start``/``end`` are not ``0 <= start <= end <= len(text)``.
        """
        n = len(self.text)
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= n):
            msg = (
                f"span must satisfy 0 <= start <= end <= {n} (got start={start!r}, end={end!r}); "
                "pass positions of the normalised text."
            )
            raise InvalidValue(msg, field="span", value=(start, end))
        if start < end:
            return self.starts[start], self.ends[end - 1]
        if start < n:
            return self.starts[start], self.starts[start]
        at = self.ends[-1] if n else 0
        return at, at

    def to_dict(self) -> dict[str, object]:
        """Return ``{"text", "original", "starts", "ends"}`` (JSON-serialisable)."""
        return {
            "text": self.text,
            "original": self.original,
            "starts": list(self.starts),
            "ends": list(self.ends),
        }

    def __repr__(self) -> str:
        return f"Normalized(text={self.text!r}, original={self.original!r})"


def normalize_with_offsets(
    text: str, *, repair: bool = True, layout: bool = False, translit: bool = False
) -> Normalized:
    """Normalise like :func:`normalize` and keep a map back to the original characters.

    Args:
        text: The message.
        repair: Repair look-alikes of the other script inside words.
        layout: Also convert words typed on the wrong keyboard layout.
        translit: Also convert informal Latin transliteration of Russian.

    Returns:
        A :class:`Normalized`; ``result.span(s, e)`` is where ``result.text[s:e]`` came from.

    Raises:
        InvalidArgument: ``text`` is not a ``str``.

    Example:
        >>> n = normalize_with_offsets("Моя  вып\u00adлaта")
        >>> n.text
        'моя выплата'
        >>> n.span(4, 11)
        (5, 13)
    """
    if type(text) is not str:
        text = check_text(text)
    track = Track(len(text))
    out = _run(text, repair=repair, layout=layout, translit=translit, track=track)
    starts, ends = track.freeze()
    return Normalized(out, text, starts, ends)
