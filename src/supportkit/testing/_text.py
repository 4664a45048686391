"""Text strategies: how real customers disguise a word without meaning to.

Each strategy takes the text a rule is written for and draws what customers type
instead. The look-alike, keyboard-layout and invisible-character tables are
:mod:`supportkit.rules`' own (one source of truth), so whatever these strategies
draw, :func:`supportkit.rules.normalize` is specified to undo.

Every strategy shrinks toward the smallest disguise: one changed character at the
start of the text (one word for layouts and caps).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from hypothesis import strategies as st

from supportkit.exceptions import InvalidArgument

__all__ = ["caps", "homoglyph_variants", "invisible_noise", "layout_variants", "typos"]

_RU_LOWER: Final = "абвгдежзийклмнопрстуфхцчшщъыьэюяё"
_LATIN_LOWER: Final = "abcdefghijklmnopqrstuvwxyz"
_WORD: Final = re.compile(r"\S+")
_EDIT_KINDS: Final = ("replace", "delete", "insert", "swap")


def check_text(text: Any) -> str:
    """Return ``text`` or raise :class:`InvalidArgument` naming it."""
    if not isinstance(text, str):
        raise InvalidArgument(
            f"text must be a str (got {text!r} that is a {type(text).__name__}).",
            field="text",
            value=text,
        )
    return text


def check_range(low_name: str, low: Any, high_name: str, high: Any) -> tuple[int, int | None]:
    """Validate a ``min_*``/``max_*`` pair in the Hypothesis style (``max`` may be ``None``)."""
    if not isinstance(low, int) or isinstance(low, bool) or low < 0:
        raise InvalidArgument(
            f"{low_name} must be a non-negative int (got {low!r}).", field=low_name, value=low
        )
    if high is None:
        return low, None
    if not isinstance(high, int) or isinstance(high, bool) or high < 0:
        raise InvalidArgument(
            f"{high_name} must be a non-negative int or None (got {high!r}).",
            field=high_name,
            value=high,
        )
    if high < low:
        raise InvalidArgument(
            f"Cannot have {high_name}={high!r} < {low_name}={low!r}.", field=high_name, value=high
        )
    return low, high


def _is_cyrillic(char: str) -> bool:
    return "\u0400" <= char <= "\u04ff"


def typos(text: str, *, max_edits: int = 1, min_edits: int = 1) -> st.SearchStrategy[str]:
    """Draw ``text`` with typing mistakes: inserted, deleted, replaced or swapped letters.

    Edits touch letters only, so words stay words (no space is lost or typed); a new
    letter is of the same script and case as its neighbour.

    Args:
        text: The correct text.
        max_edits: Most edit operations.
        min_edits: Fewest edit operations (``0`` lets the text through unchanged).

    Returns:
        A strategy whose every example is within ``max_edits`` Damerau-Levenshtein
        edits of ``text`` (two edits can cancel, so an example may be closer).

    Raises:
        InvalidArgument: a bad range, or ``min_edits > 0`` for a text without letters.

    Shrinks toward a single edit near the start.
    """
    text = check_text(text)
    low, high = check_range("min_edits", min_edits, "max_edits", max_edits)
    assert high is not None
    if low > 0 and not any(c.isalpha() for c in text):
        raise InvalidArgument(
            f"text {text!r} has no letters to mistype; pass min_edits=0 or a text with letters.",
            field="text",
            value=text,
        )

    @st.composite
    def _draw(draw: st.DrawFn) -> str:
        chars = list(text)
        for _ in range(draw(st.integers(low, high))):
            letters = [i for i, c in enumerate(chars) if c.isalpha()]
            if not letters:
                break
            kind = draw(st.sampled_from(_EDIT_KINDS))
            pairs = [i for i in letters if i + 1 < len(chars) and chars[i + 1].isalpha()]
            if kind == "swap" and not pairs:
                kind = "replace"
            if kind == "swap":
                i = draw(st.sampled_from(pairs))
                chars[i], chars[i + 1] = chars[i + 1], chars[i]
                continue
            i = draw(st.sampled_from(letters))
            if kind == "delete":
                del chars[i]
                continue
            near = chars[i]
            alphabet = _RU_LOWER if _is_cyrillic(near) else _LATIN_LOWER
            new = draw(st.sampled_from(alphabet))
            new = new.upper() if near.isupper() else new
            if kind == "replace":
                chars[i] = new
            else:
                chars.insert(i + draw(st.integers(0, 1)), new)
        return "".join(chars)

    return _draw()


def caps(text: str) -> st.SearchStrategy[str]:
    """Draw ``text`` the way an upset customer types it: CAPS words, all CAPS, or cApS lOCK.

    Every example case-folds to the same string as ``text``
    (``example.casefold() == text.casefold()``). Shrinks toward the whole text in capitals,
    then toward the first word alone.

    Raises:
        InvalidArgument: ``text`` is not a string.
    """
    text = check_text(text)
    words = [m.span() for m in _WORD.finditer(text)]
    if not words:
        return st.just(text)

    @st.composite
    def _draw(draw: st.DrawFn) -> str:
        mode = draw(st.sampled_from(("all", "words", "inverted")))
        if mode == "all":
            return text.upper()
        if mode == "inverted":
            return text.swapcase()
        picked = draw(st.lists(st.sampled_from(range(len(words))), min_size=1, unique=True))
        out = text
        for index in sorted(picked, reverse=True):
            start, end = words[index]
            out = out[:start] + out[start:end].upper() + out[end:]
        return out

    return _draw()


def _tables() -> Any:
    from supportkit.text import _tables

    return _tables


def _translate(word: str, table: Mapping[str, str]) -> str:
    return "".join(table.get(c, c) for c in word)


def layout_variants(
    text: str, *, min_words: int = 1, max_words: int | None = None
) -> st.SearchStrategy[str]:
    """Draw ``text`` with some words typed on the wrong keyboard layout (``привет`` → ``ghbdtn``).

    A Russian word is typed as if the English layout were on, and an English word as if
    the Russian one were (``sms`` → ``ыьы``), using :mod:`supportkit.rules`' layout tables.

    Args:
        text: The intended text.
        min_words: Fewest words typed on the wrong layout.
        max_words: Most such words (all by default).

    Raises:
        InvalidArgument: a bad range, or fewer words with letters than ``min_words``.

    Shrinks toward the first word mistyped.
    """
    text = check_text(text)
    low, high = check_range("min_words", min_words, "max_words", max_words)
    tables = _tables()
    to_en: Mapping[str, str] = tables.LAYOUT_RU_TO_EN
    to_ru: Mapping[str, str] = tables.LAYOUT_EN_TO_RU
    words: list[tuple[int, int, str]] = []
    for match in _WORD.finditer(text):
        word = match.group()
        cyrillic = sum(_is_cyrillic(c) for c in word)
        latin = sum(c.lower() in _LATIN_LOWER for c in word)
        if cyrillic or latin:
            swapped = _translate(word, to_en if cyrillic >= latin else to_ru)
            if swapped != word:
                words.append((match.start(), match.end(), swapped))
    if low > len(words):
        raise InvalidArgument(
            f"text {text!r} has {len(words)} word(s) that a keyboard layout changes, "
            f"fewer than min_words={low}.",
            field="min_words",
            value=low,
        )

    @st.composite
    def _draw(draw: st.DrawFn) -> str:
        picked = draw(
            st.lists(st.sampled_from(range(len(words))), min_size=low, max_size=high, unique=True)
            if words
            else st.just([])
        )
        out = text
        for index in sorted(picked, reverse=True):
            start, end, swapped = words[index]
            out = out[:start] + swapped + out[end:]
        return out

    return _draw()


def invisible_noise(text: str, *, min_size: int = 1, max_size: int = 3) -> st.SearchStrategy[str]:
    """Draw ``text`` with invisible characters inserted (soft hyphens, zero-width spaces, ...).

    The characters are :mod:`supportkit.rules`' ``INVISIBLE_CHARS``, which
    :func:`supportkit.rules.normalize` removes; deleting them from an example gives
    ``text`` back exactly.

    Args:
        text: The visible text.
        min_size: Fewest invisible characters inserted.
        max_size: Most invisible characters inserted.

    Raises:
        InvalidArgument: a bad range.

    Shrinks toward one soft hyphen before the first character.
    """
    text = check_text(text)
    low, high = check_range("min_size", min_size, "max_size", max_size)
    assert high is not None
    invisible = sorted(_tables().INVISIBLE_CHARS, key=lambda c: (c != "\u00ad", c))

    @st.composite
    def _draw(draw: st.DrawFn) -> str:
        chars = list(text)
        for _ in range(draw(st.integers(low, high))):
            where = draw(st.integers(0, len(chars)))
            chars.insert(where, draw(st.sampled_from(invisible)))
        return "".join(chars)

    return _draw()


_TOKEN: Final = re.compile(r"\w+")


def _script(char: str) -> str | None:
    if _is_cyrillic(char):
        return "cyrillic"
    if char.lower() in _LATIN_LOWER:
        return "latin"
    return None


def homoglyph_variants(
    text: str, *, min_changes: int = 1, max_changes: int | None = None, digits: bool = True
) -> st.SearchStrategy[str]:
    """Draw ``text`` with letters swapped for look-alikes of the other script (``выплaта``).

    Cyrillic letters become their Latin twins and Latin letters their Cyrillic twins,
    from :mod:`supportkit.rules`' own tables; with ``digits``, ``о``/``з``/``б`` between
    two Cyrillic letters may become ``0``/``3``/``6`` (``пр0блема``). In each word
    fewer than half of the letters change, so the word's own script stays clear:
    ``supportkit.rules.normalize(example) == supportkit.rules.normalize(text)``
    for every example, which is what a rule that "survives look-alikes" needs.

    Args:
        text: The text as it should read.
        min_changes: Fewest swapped characters.
        max_changes: Most swapped characters (as many as allowed by default).
        digits: Also use the digit look-alikes.

    Raises:
        InvalidArgument: a bad range, or ``min_changes`` more than ``text`` allows
            (a text without words of three letters or more allows none).

    Shrinks toward a single swapped letter, the first one that can be swapped.
    """
    text = check_text(text)
    low, high = check_range("min_changes", min_changes, "max_changes", max_changes)
    tables = _tables()
    to_latin: Mapping[str, str] = tables.CYRILLIC_TO_LATIN
    to_cyrillic: Mapping[str, str] = tables.LATIN_TO_CYRILLIC
    digit_of = {letter: digit for digit, letter in tables.DIGIT_LOOKALIKES.items()}
    options: dict[int, tuple[str, ...]] = {}
    slots: list[tuple[int, int, int]] = []  # (word, slot, position)
    capacity = 0
    for w, match in enumerate(_TOKEN.finditer(text)):
        word, start = match.group(), match.start()
        scripts = {_script(c) for c in word if c.isalpha()}
        if len(scripts) != 1 or None in scripts:
            continue  # already mixed, or another script: leave it alone
        table = to_latin if scripts == {"cyrillic"} else to_cyrillic
        letters = sum(c.isalpha() for c in word)
        budget = (letters - 1) // 2
        found = []
        for k, char in enumerate(word):
            twins = [table[char]] if char in table else []
            inner = 0 < k < len(word) - 1
            if (
                digits
                and inner
                and char in digit_of
                and _is_cyrillic(word[k - 1])
                and _is_cyrillic(word[k + 1])
            ):
                twins.append(digit_of[char])
            if twins:
                options[start + k] = tuple(twins)
                found.append(start + k)
        budget = min(budget, len(found))
        capacity += budget
        slots.extend((w, s, pos) for s in range(budget) for pos in found)
    if low > capacity:
        raise InvalidArgument(
            f"text {text!r} allows at most {capacity} look-alike swap(s) (fewer than half "
            f"the letters of each word), fewer than min_changes={low}.",
            field="min_changes",
            value=low,
        )

    digit_only = {pos for pos, twins in options.items() if all(t.isdigit() for t in twins)}

    def _digits_stay_between_letters(picked: list[tuple[int, int, int]]) -> bool:
        where = {pos for _, _, pos in picked}
        return not any(p in digit_only and (p - 1 in where or p + 1 in where) for p in where)

    @st.composite
    def _draw(draw: st.DrawFn) -> str:
        picked = draw(
            st.lists(
                st.sampled_from(slots),
                min_size=low,
                max_size=capacity if high is None else min(high, capacity),
                unique_by=(lambda s: (s[0], s[1]), lambda s: s[2]),
            ).filter(_digits_stay_between_letters)
            if slots
            else st.just([])
        )
        where = {pos for _, _, pos in picked}
        chars = list(text)
        for pos in sorted(where):
            # A digit needs Cyrillic letters on both sides, so not next to another swap.
            alone = pos - 1 not in where and pos + 1 not in where
            twins = [t for t in options[pos] if alone or not t.isdigit()]
            chars[pos] = draw(st.sampled_from(twins))
        return "".join(chars)

    return _draw()
