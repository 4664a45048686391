"""Text typed on the wrong keyboard layout (ЙЦУКЕН vs QWERTY), found and converted back.

``ghbdtn`` is ``привет`` typed with the English layout on; ``руддщ`` is ``hello`` typed
with the Russian one. A word is converted only when it is implausible as typed and
plausible after conversion, judged by a compact character-trigram model of Russian and
English (``data/layout_model.json``, trained by ``scripts/train_layout_model.py``).
One- and two-letter words (``yt`` -> ``не``) are converted only next to a converted word.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Final

from supportkit.text._check import check_text
from supportkit.text._tables import LAYOUT_EN_TO_RU, LAYOUT_RU_TO_EN

__all__ = ["LayoutModel", "fix_layout", "layout_model"]

#: A word is implausible below this mean score per letter (log10 x 100) in its language ...
IMPLAUSIBLE: Final = -140
#: ... and plausible after conversion at or above this one (Russian, English) ...
PLAUSIBLE_RU: Final = -120
PLAUSIBLE_EN: Final = -135
#: ... and the conversion must gain at least this much per letter.
MARGIN: Final = 40
#: Words shorter than this are judged by their neighbours.
MIN_JUDGED: Final = 3

_EN_PUNCT: Final = "".join(sorted(c for c in LAYOUT_EN_TO_RU if not c.isalpha()))
# Whole words only: a token glued to digits or other letters ("b2b") is left alone.
_EN_TOKEN_RE: Final = re.compile(f"(?<!\\w)[A-Za-z{re.escape(_EN_PUNCT)}]+(?!\\w)")
_RU_TOKEN_RE: Final = re.compile("(?<!\\w)[А-Яа-яЁё]+(?!\\w)")
_EN_TR: Final = str.maketrans(dict(LAYOUT_EN_TO_RU))
_RU_TR: Final = str.maketrans(dict(LAYOUT_RU_TO_EN))
_RU_ALPHABET: Final = frozenset("абвгдежзийклмнопрстуфхцчшщъыьэюя")
_EN_ALPHABET: Final = frozenset("abcdefghijklmnopqrstuvwxyz'")


class LayoutModel:
    """Character-trigram scores of one language (log10 probability x 100)."""

    __slots__ = ("alphabet", "bigrams", "floor", "shorts", "trigrams", "unigrams")

    def __init__(
        self,
        data: dict[str, dict[str, int]],
        floor: int,
        shorts: list[str],
        alphabet: frozenset[str],
    ) -> None:
        self.trigrams = data["trigrams"]
        self.bigrams = data["bigrams"]
        self.unigrams = data["unigrams"]
        self.floor = floor
        self.shorts = frozenset(shorts)
        self.alphabet = alphabet

    def score(self, word: str) -> float:
        """Mean score per letter of ``word`` (lower-cased, ``ё`` as ``е``); letters
        outside the language's alphabet score the floor."""
        word = word.lower().replace("ё", "е")
        padded = "^^" + word + "$"
        total = 0
        tri, bi, uni, floor = self.trigrams, self.bigrams, self.unigrams, self.floor
        for i in range(2, len(padded)):
            key = padded[i - 2 : i + 1]
            value = tri.get(key)
            if value is None:
                value = bi.get(key[1:])
                if value is None:
                    value = uni.get(key[2], floor) - 100
            total += value
        return total / (len(padded) - 2)


@lru_cache(maxsize=1)
def layout_model() -> tuple[LayoutModel, LayoutModel]:
    """Load the Russian and English models (once)."""
    raw = resources.files("supportkit.data").joinpath("layout_model.json").read_text("utf-8")
    data = json.loads(raw)
    floor = int(data["floor"])
    return (
        LayoutModel(data["ru"], floor, data["ru_short"], _RU_ALPHABET),
        LayoutModel(data["en"], floor, data["en_short"], _EN_ALPHABET),
    )


def _letters(token: str) -> str:
    return "".join(c for c in token if c.isalpha() or c == "'")


def _best_en_to_ru(token: str, ru: LayoutModel, en: LayoutModel) -> tuple[str, float, float] | None:
    """The best conversion of a Latin token to Russian, keeping some edge punctuation as typed."""
    best: tuple[str, float, float] | None = None
    n = len(token)
    for lead in range(min(2, n) + 1):
        for trail in range(min(2, n - lead) + 1):
            core = token[lead : n - trail]
            edges_ok = not any(c.isalpha() for c in token[:lead] + token[n - trail :])
            if not core or not edges_ok or not any(c.isalpha() for c in core):
                continue
            converted = core.translate(_EN_TR)
            if not all(c.isalpha() for c in converted):
                continue
            typed = en.score(_letters(core))
            after = ru.score(converted)
            if best is None or after > best[2]:
                best = (token[:lead] + converted + token[n - trail :], typed, after)
    return best


def _judge(typed: float, after: float, plausible: int) -> bool:
    return typed < IMPLAUSIBLE and after >= plausible and after - typed >= MARGIN


@lru_cache(maxsize=65536)
def _en_verdict(token: str) -> tuple[str, bool, bool] | None:
    """(Russian replacement, long enough to judge, judged typed on the wrong layout)."""
    if not any(c.isalpha() for c in token):
        return None
    ru, en = layout_model()
    best = _best_en_to_ru(token, ru, en)
    if best is None:
        return None
    replacement, typed, after = best
    long = sum(c.isalpha() for c in replacement) >= MIN_JUDGED
    return replacement, long, long and _judge(typed, after, PLAUSIBLE_RU)


@lru_cache(maxsize=65536)
def _ru_verdict(token: str) -> tuple[str, bool, bool] | None:
    """(English replacement, long enough to judge, judged typed on the wrong layout)."""
    ru, en = layout_model()
    converted = token.translate(_RU_TR)
    core = converted.rstrip(".,;:<>")  # "руддщю" is "hello." typed on ЙЦУКЕН
    if not core.replace("'", "").isalpha():
        return None
    long = len(_letters(core)) >= MIN_JUDGED
    typed = ru.score(token)
    after = en.score(_letters(core))
    return converted, long, long and _judge(typed, after, PLAUSIBLE_EN)


def fix_layout(text: str) -> str:
    """Convert the words of ``text`` that were typed on the wrong keyboard layout.

    Both directions: ``ghbdtn`` -> ``привет`` (Russian typed with QWERTY on) and
    ``руддщ`` -> ``hello``. Keys carry punctuation too (``,`` is ``б``, ``.`` is ``ю``,
    ``;`` is ``ж``, ``'`` is ``э``, ``[``/``]`` are ``х``/``ъ``). The result has the
    same length as ``text``, character for character.

    Args:
        text: The message.

    Returns:
        ``text`` with implausible words replaced by their plausible other-layout form;
        ordinary Russian and English are returned unchanged.

    Raises:
        InvalidArgument: ``text`` is not a ``str``.

    Example:
        >>> fix_layout("dsgkfnf yt ghbikf")
        'выплата не пришла'
    """
    text = check_text(text)
    ru, en = layout_model()
    # (start, end, replacement, is_long, converted)
    tokens: list[tuple[int, int, str, bool, bool]] = []
    for m in _EN_TOKEN_RE.finditer(text):
        verdict = _en_verdict(m.group())
        if verdict is not None:
            tokens.append((m.start(), m.end(), *verdict))
    for m in _RU_TOKEN_RE.finditer(text):
        verdict = _ru_verdict(m.group())
        if verdict is not None:
            tokens.append((m.start(), m.end(), *verdict))
    if not tokens:
        return text
    tokens.sort()
    # For each short word: was the nearest judged word before or after it converted?
    near = [False] * len(tokens)
    previous = False
    for i, token in enumerate(tokens):
        if token[3]:
            previous = token[4]
        else:
            near[i] = previous
    following = False
    for i in range(len(tokens) - 1, -1, -1):
        if tokens[i][3]:
            following = tokens[i][4]
        else:
            near[i] = near[i] or following
    parts: list[str] = []
    last = 0
    for i, (start, end, replacement, long, judged) in enumerate(tokens):
        if judged if long else near[i] and _is_short_word(replacement, ru, en):
            parts.append(text[last:start])
            parts.append(replacement)
            last = end
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


def _is_short_word(replacement: str, ru: LayoutModel, en: LayoutModel) -> bool:
    """Whether a converted short word is a common short word of either language."""
    word = replacement.lower().strip(".,;:'\"[]{}<>/?`~")
    return word in ru.shorts or word in en.shorts
