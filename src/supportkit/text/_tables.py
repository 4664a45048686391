"""Character tables of the normalisation layer (public data, read-only mappings).

The Cyrillic/Latin look-alike pairs come from ``data/normalise_tables.json``,
which ``scripts/build_confusables.py`` derives from Unicode's confusables data
(UTS #39); the keyboard tables describe the Russian ЙЦУКЕН and the US QWERTY layouts
key by key. The testing kit (:mod:`supportkit.testing.strategies`) draws its variants
from these same tables, so whatever it generates, :func:`supportkit.text.normalize`
undoes.
"""

from __future__ import annotations

import json
from importlib import resources
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "COMBINING_MARK_RANGES",
    "COMPOSES_WITH_PREVIOUS",
    "CONFUSABLES_SOURCE",
    "CYRILLIC_LETTERS",
    "CYRILLIC_TO_LATIN",
    "DIGIT_LOOKALIKES",
    "ENGLISH_TWIN_WORDS",
    "INVISIBLE_CHARS",
    "KEY_LATIN_TO_CYRILLIC",
    "LATIN_TO_CYRILLIC",
    "LATIN_TO_CYRILLIC_ONE_WAY",
    "LAYOUT_EN_TO_RU",
    "LAYOUT_RU_TO_EN",
    "RUSSIAN_LETTERS",
    "UNICODE_VERSION",
]


def _load() -> dict[str, object]:
    text = resources.files("supportkit.data").joinpath("normalise_tables.json").read_text("utf-8")
    data: dict[str, object] = json.loads(text)
    return data


_DATA: Final = _load()
_TWO_WAY: Final[dict[str, str]] = dict(_DATA["cyrillic_latin"])  # type: ignore[call-overload]
_ONE_WAY: Final[dict[str, str]] = dict(_DATA["cyrillic_latin_one_way"])  # type: ignore[call-overload]

#: Where the look-alike pairs come from.
CONFUSABLES_SOURCE: Final[str] = str(_DATA["source"])
#: The Unicode version of the character data the table was checked with.
UNICODE_VERSION: Final[str] = str(_DATA["unicode_version"])

#: Code point ranges (inclusive) of the combining marks (canonical combining class > 0).
COMBINING_MARK_RANGES: Final[tuple[tuple[int, int], ...]] = tuple(
    (lo, hi)
    for lo, hi in _DATA["combining_marks"]  # type: ignore[attr-defined]
)
#: Starters that canonically compose with the character before them (Hangul jamo, …).
COMPOSES_WITH_PREVIOUS: Final[frozenset[str]] = frozenset(
    chr(c)
    for lo, hi in _DATA["composes_with_previous"]  # type: ignore[attr-defined]
    for c in range(lo, hi + 1)
)

#: Cyrillic letter -> the Latin letter that looks the same (upper and lower case).
#: Includes the Russian alphabet's twins (``а``->``a``, ``В``->``B`` …), ``і``/``ї``,
#: and other Cyrillic letters that look Latin (``ѕ``->``s``, ``ј``->``j`` …).
CYRILLIC_TO_LATIN: Final[Mapping[str, str]] = MappingProxyType({**_ONE_WAY, **_TWO_WAY})
#: Latin letter -> its Cyrillic twin from the Russian alphabet (plus ``і``/``ї``).
LATIN_TO_CYRILLIC: Final[Mapping[str, str]] = MappingProxyType(
    {latin: cyrillic for cyrillic, latin in _TWO_WAY.items()}
)
#: Latin letters outside ASCII that look like a Russian letter (``ʙ``->``в``,
#: ``ᴎ``->``и``, ``ĸ``->``к``), repaired one way, inside Cyrillic words only.
LATIN_TO_CYRILLIC_ONE_WAY: Final[Mapping[str, str]] = MappingProxyType(
    dict(_DATA["latin_cyrillic_one_way"])  # type: ignore[call-overload]
)
#: Digit -> the Cyrillic letter it stands for between Cyrillic letters (``пр0блема``).
DIGIT_LOOKALIKES: Final[Mapping[str, str]] = MappingProxyType({"0": "о", "3": "з", "6": "б"})

#: Lower-case Latin letters -> Cyrillic twin in *either* case, for the script-neutral
#: matching key (``bot`` and ``вот`` share a key because ``B`` looks like ``В``).
#: Pairs of different case (``b``/``Ь``) come first, so a pair of one case (``B``/``В``)
#: decides the key when both exist.
KEY_LATIN_TO_CYRILLIC: Final[Mapping[str, str]] = MappingProxyType(
    {
        latin.lower(): cyrillic.lower()
        for latin, cyrillic in sorted(
            LATIN_TO_CYRILLIC.items(),
            key=lambda item: (item[0].isupper() == item[1].isupper(), item),
        )
        if latin.isascii() and cyrillic.lower() not in "іï"
    }
)
#: English words (lower case) spelled only with letters that have a Cyrillic twin
#: (``copy``, ``taxi``), from SCOWL: a mixed-script word made only of twin letters
#: whose Latin reading is one of these (and whose Cyrillic reading is no Russian word)
#: stays Latin.
ENGLISH_TWIN_WORDS: Final[frozenset[str]] = frozenset(_DATA["english_twin_words"])  # type: ignore[call-overload]

RUSSIAN_LETTERS: Final[frozenset[str]] = frozenset(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
)
#: Every letter of the Cyrillic blocks (U+0400-U+052F, U+1C80-U+1C8F, U+2DE0-U+2DFF, U+A640-U+A69F).
CYRILLIC_LETTERS: Final[frozenset[str]] = frozenset(
    chr(c)
    for lo, hi in ((0x0400, 0x052F), (0x1C80, 0x1C8F), (0x2DE0, 0x2DFF), (0xA640, 0xA69F))
    for c in range(lo, hi + 1)
    if chr(c).isalpha()
)

_QWERTY: Final = (
    "`qwertyuiop[]asdfghjkl;'zxcvbnm,./" + '~QWERTYUIOP{}ASDFGHJKL:"ZXCVBNM<>?' + "@#$^&|"
)
_JCUKEN: Final = (
    "ёйцукенгшщзхъфывапролджэячсмитьбю." + "ЁЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮ," + '"№;:?/'
)
#: A character typed on the US QWERTY layout -> the character the same key gives on ЙЦУКЕН.
LAYOUT_EN_TO_RU: Final[Mapping[str, str]] = MappingProxyType(
    dict(zip(_QWERTY, _JCUKEN, strict=True))
)
#: A character typed on the Russian ЙЦУКЕН layout -> the character of the same key on QWERTY.
LAYOUT_RU_TO_EN: Final[Mapping[str, str]] = MappingProxyType(
    dict(zip(_JCUKEN, _QWERTY, strict=True))
)

_INVISIBLE_RANGES: Final = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x061C, 0x061C),  # Arabic letter mark (bidi)
    (0x115F, 0x1160),  # Hangul fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian variation selectors, vowel separator
    (0x200B, 0x200F),  # zero-width space, ZWNJ, ZWJ, LRM, RLM
    (0x202A, 0x202E),  # bidi embeddings and overrides
    (0x2060, 0x2064),  # word joiner, invisible operators
    (0x2066, 0x206F),  # bidi isolates, deprecated format characters
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFEFF, 0xFEFF),  # byte order mark / zero-width no-break space
    (0xFFA0, 0xFFA0),  # half-width Hangul filler
    (0xFFF9, 0xFFFB),  # interlinear annotation
    (0x1BCA0, 0x1BCA3),  # shorthand format controls
    (0x1D173, 0x1D17A),  # musical format controls
    (0xE0001, 0xE0001),  # language tag
    (0xE0020, 0xE007F),  # tag characters
    (0xE0100, 0xE01EF),  # variation selectors supplement
)
#: Invisible format characters that :func:`supportkit.text.normalize` removes.
INVISIBLE_CHARS: Final[frozenset[str]] = frozenset(
    chr(c) for lo, hi in _INVISIBLE_RANGES for c in range(lo, hi + 1)
)
