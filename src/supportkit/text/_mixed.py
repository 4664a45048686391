"""Words that mix scripts, and the script-neutral matching key.

:func:`mixed_script_words` answers "why didn't my rule fire?": it lists every word of a
message that mixes Cyrillic and Latin letters (or hides a digit look-alike such as
``пр0блема``), where it is in the text the customer wrote, and what it is repaired to.
:func:`match_key` is a second normal form for matching words written *entirely* in
look-alikes of the other script (``PEKA`` for ``река``).
"""

from __future__ import annotations

import re
from typing import Final

import attrs

from supportkit.text._check import check_text
from supportkit.text._normalise import candidate_words, normalize, repair_word
from supportkit.text._steps import SUSPECT_RE, Track, cut_marks, drop_invisible, nfkc
from supportkit.text._tables import CYRILLIC_LETTERS, KEY_LATIN_TO_CYRILLIC

__all__ = ["MixedWord", "match_key", "mixed_script_words"]

_KEY_WORD_RE: Final = re.compile(f"(?<!\\w)[{''.join(sorted(KEY_LATIN_TO_CYRILLIC))}]+(?!\\w)")
_KEY_TR: Final = str.maketrans(dict(KEY_LATIN_TO_CYRILLIC))
_LATIN_RE: Final = re.compile("[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")


@attrs.frozen
class MixedWord:
    """A word that mixes scripts.

    Attributes:
        word: The word as written (a slice of the original text).
        start: Where it starts in the original text.
        end: Where it ends in the original text (exclusive).
        scripts: The scripts involved, sorted: ``"cyrillic"``, ``"latin"``, ``"digits"``
            (digits that stand for letters, as in ``пр0блема``).
        fixed: The repaired word (case kept); equal to the NFKC form of ``word`` when
            the word cannot be repaired (both scripts have letters without a twin).
    """

    word: str
    start: int
    end: int
    scripts: tuple[str, ...]
    fixed: str

    def to_dict(self) -> dict[str, object]:
        """JSON-serialisable form."""
        return {
            "word": self.word,
            "start": self.start,
            "end": self.end,
            "scripts": list(self.scripts),
            "fixed": self.fixed,
        }


def mixed_script_words(text: str) -> list[MixedWord]:
    """Return every word of ``text`` that mixes scripts, with offsets in ``text``.

    Args:
        text: The message as written.

    Returns:
        The mixed words in text order; ``text[w.start:w.end] == w.word``.

    Raises:
        InvalidArgument: ``text`` is not a ``str``.

    Example:
        >>> [(w.word, w.start, w.end, w.scripts, w.fixed) for w in mixed_script_words("BЫПЛАТА!")]
        [('BЫПЛАТА', 0, 7, ('cyrillic', 'latin'), 'ВЫПЛАТА')]
    """
    text = check_text(text)
    if text.isascii():
        return []
    track = Track(len(text))
    t = text
    if SUSPECT_RE.search(t) is not None:
        t = drop_invisible(t, track)
        t = cut_marks(t, track)
    t = nfkc(t, track)
    found: list[MixedWord] = []
    for start, end in candidate_words(t):
        word = t[start:end]
        has_cyrillic = any(c in CYRILLIC_LETTERS for c in word)
        if not has_cyrillic:
            continue
        has_latin = _LATIN_RE.search(word) is not None
        fixed = repair_word(word)
        digits = any(a.isdigit() and not b.isdigit() for a, b in zip(word, fixed, strict=True))
        if not has_latin and not digits:
            continue
        scripts = (
            ("cyrillic",) + (("digits",) if digits else ()) + (("latin",) if has_latin else ())
        )
        a, b = track.starts[start], track.ends[end - 1]
        found.append(MixedWord(text[a:b], a, b, scripts, fixed))
    return found


def match_key(text: str) -> str:
    """Return the script-neutral matching form of ``text``.

    First :func:`~supportkit.text.normalize`; then every word made only of Latin
    letters that have a Cyrillic look-alike in either case (``a b c e h k m o p r t x
    y``) is spelled with those Cyrillic letters, so ``PEKA`` and ``река`` share the key
    ``река``. Compare keys with keys only.

    Collision risk: real English words made of those letters get the key of a Russian
    word that looks the same in capitals: ``BOT`` and ``вот``, ``TOP`` and ``тор``,
    ``HOT`` and ``нот``, ``MAMA`` and ``мама``. Use keys where a missed match costs
    more than a false one, and not for short words.

    Raises:
        InvalidArgument: ``text`` is not a ``str``.

    Example:
        >>> match_key("PEKA"), match_key("река"), match_key("BOT") == match_key("вот")
        ('река', 'река', True)
    """
    clean = normalize(check_text(text))
    return _KEY_WORD_RE.sub(lambda m: m.group().translate(_KEY_TR), clean)
