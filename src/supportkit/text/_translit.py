"""Informal Latin transliteration of Russian (``vyplata``, ``zdravstvuyte``, ``4ek``), undone.

The scheme is what customers type, not a standard (GOST/ISO): see :data:`SCHEME`.
Longer letter groups win (``shch`` before ``sh`` before ``s``); ``y`` is ``й`` after a
vowel and ``ы`` elsewhere; ``e`` starting a word is ``э``; ``'`` is ``ь`` and ``''``
``ъ``; the digit ``4`` inside a word is ``ч``. A word is converted only when it is
implausible as English and plausible as Russian after conversion (the same
character-statistics model as :func:`~supportkit.text.fix_layout`): a word converts on
its own when it reads much better as Russian (:data:`STRONG`), and any word that reads
at least about as well as Russian converts when most words of the text do (:data:`WEAK`);
one- and two-letter words convert only in such a text, and only to common short words.
``force=True`` converts every Latin word.
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Final

from supportkit.text._check import check_text
from supportkit.text._layout import MARGIN, MIN_JUDGED, PLAUSIBLE_RU, layout_model

__all__ = ["SCHEME", "from_translit", "translit_with_changes", "translit_word"]

#: Latin letter groups -> Cyrillic, longest first within each starting letter.
SCHEME: Final = MappingProxyType(
    {
        "shch": "щ",
        "sch": "щ",
        "zh": "ж",
        "kh": "х",
        "ts": "ц",
        "tz": "ц",
        "ch": "ч",
        "sh": "ш",
        "yu": "ю",
        "ju": "ю",
        "ya": "я",
        "ja": "я",
        "yo": "ё",
        "jo": "ё",
        "ye": "е",
        "je": "е",
        "''": "ъ",
        "'": "ь",
        "a": "а",
        "b": "б",
        "c": "ц",
        "d": "д",
        "e": "е",
        "f": "ф",
        "g": "г",
        "h": "х",
        "i": "и",
        "j": "й",
        "k": "к",
        "l": "л",
        "m": "м",
        "n": "н",
        "o": "о",
        "p": "п",
        "q": "к",
        "r": "р",
        "s": "с",
        "t": "т",
        "u": "у",
        "v": "в",
        "w": "в",
        "x": "кс",
        "y": "ы",
        "z": "з",
        "4": "ч",
    }
)
_GROUPS: Final = sorted(SCHEME, key=len, reverse=True)
_GROUP_RE: Final = re.compile("|".join(re.escape(g) for g in _GROUPS), re.IGNORECASE)
_TOKEN_RE: Final = re.compile(r"(?<![\w'])(?=[\w']*[A-Za-z])[A-Za-z4']+(?![\w])")
_VOWELS: Final = frozenset("аеёиоуыэюяaeiouy")
#: A word converts on its own when Russian scores this much better per letter than English;
STRONG: Final = 40
#: in a text where most words read better as Russian, this gain is enough.
WEAK: Final = -5

Changes = list[tuple[int, int, int]]


def translit_word(word: str) -> tuple[str, Changes]:
    """Transliterate one Latin word to Cyrillic with :data:`SCHEME`.

    Returns:
        The Cyrillic word and the changes ``(start, end, length)`` of the letter groups
        whose length changed (``shch`` -> ``щ``), relative to ``word``.
    """
    out: list[str] = []
    changes: Changes = []
    for m in _GROUP_RE.finditer(word):
        group = m.group()
        low = group.lower()
        cyr = SCHEME[low]
        if low == "y" and out and out[-1].lower() in _VOWELS:
            cyr = "й"
        elif low == "e" and not out:
            cyr = "э"
        if group.isupper() and (len(word) > 1 and word.isupper()):
            cyr = cyr.upper()
        elif group[0].isupper():
            cyr = cyr[0].upper() + cyr[1:]
        if len(cyr) != len(group):
            changes.append((m.start(), m.end(), len(cyr)))
        out.append(cyr)
    return "".join(out), changes


def translit_with_changes(text: str, *, force: bool = False) -> tuple[str, Changes]:
    """:func:`from_translit` that also returns the length changes, for offset maps."""
    ru, en = layout_model()
    found: list[tuple[int, int, str, Changes, bool, float]] = []
    for m in _TOKEN_RE.finditer(text):
        word = m.group()
        cyr, changes = translit_word(word)
        long = sum(c.isalpha() for c in cyr) >= MIN_JUDGED
        letters = word.replace("4", "").replace("'", "")
        typed = en.score(letters) if letters else float(en.floor)
        after = ru.score(cyr.replace("ь", "").replace("ъ", "") or cyr)
        gain = after - typed if after >= PLAUSIBLE_RU or "4" in word else float(-MARGIN)
        if "4" in word and after >= PLAUSIBLE_RU:
            gain = max(gain, float(STRONG))
        found.append((m.start(), m.end(), cyr, changes, long, gain))
    judged = [f[5] for f in found if f[4]]
    mostly = sum(g > 0 for g in judged) > len(judged) / 2 if judged else False
    parts: list[str] = []
    all_changes: Changes = []
    last = 0
    for start, end, cyr, changes, long, gain in found:
        if force:
            convert = True
        elif long:
            convert = gain >= STRONG or (mostly and gain >= WEAK)
        else:
            convert = mostly and cyr.lower() in ru.shorts
        if convert:
            parts.append(text[last:start])
            parts.append(cyr)
            all_changes.extend((start + a, start + b, k) for a, b, k in changes)
            last = end
    if not parts:
        return text, []
    parts.append(text[last:])
    return "".join(parts), all_changes


def from_translit(text: str, *, force: bool = False) -> str:
    """Convert informal Latin transliteration of Russian back to Cyrillic.

    Args:
        text: The message.
        force: Convert every word with Latin letters, not only the implausible English ones.

    Returns:
        ``text`` with transliterated words in Cyrillic; English words are kept.

    Raises:
        InvalidArgument: ``text`` is not a ``str``.

    Example:
        >>> from_translit("zdravstvuyte, vyplata ne prishla, 4ek ne prishel")
        'здравствуйте, выплата не пришла, чек не пришел'
    """
    return translit_with_changes(check_text(text), force=force)[0]
