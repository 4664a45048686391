"""Morphology: the key under which every grammatical form of a word meets its phrase word.

Today a Snowball stem (Russian for Cyrillic words, English for Latin ones); the rule
engine reads words only through :func:`stem`, so the dictionary-based layer replaces
this module alone.
"""

from __future__ import annotations

import threading
from typing import Final

import snowballstemmer

__all__ = ["stem"]

_CYRILLIC: Final = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")
_RU = snowballstemmer.stemmer("russian")
_EN = snowballstemmer.stemmer("english")
_STEMS: dict[str, str] = {}
_STEM_LOCK = threading.Lock()
_STEM_CACHE_LIMIT: Final = 400_000


def stem(word: str) -> str:
    """Return the stem of one normalised (lower-case) word, cached.

    Cyrillic words use Snowball's Russian stemmer, Latin ones the English stemmer;
    numbers and other words are their own stem.
    """
    found = _STEMS.get(word)
    if found is not None:
        return found
    if len(_STEMS) >= _STEM_CACHE_LIMIT:
        _STEMS.clear()
    if any(c in _CYRILLIC for c in word):
        with _STEM_LOCK:  # Snowball stemmer objects keep state: not thread-safe
            out = str(_RU.stemWord(word))
    elif word.isascii() and word.isalpha():
        with _STEM_LOCK:
            out = str(_EN.stemWord(word))
    else:
        out = word
    _STEMS[word] = out
    return out
