"""Tone signals for routing: CAPS LOCK, ``!!!``/``???`` and insults.

DOMAIN.md: a customer's emotional state shows in writing as CAPS LOCK and insults, and
such tickets deserve different routing. :func:`tone` measures both. The insult lexicon
(``data/insults_ru.json``) is matched on normalised words, so it survives look-alike
letters (``xуй``), masking characters (``х*р``, ``п@дла``), letters split by spaces or
dots (``х у й``, ``б.л.я``) and stretched letters (``сууука``).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Final

import attrs

from supportkit.text._check import check_text
from supportkit.text._normalise import normalize

__all__ = ["SHOUTING_THRESHOLD", "Tone", "find_insults", "tone"]

#: ``Tone.is_shouting`` when at least this share of letters is upper case ...
SHOUTING_THRESHOLD: Final = 0.5
#: ... counted over at least this many letters (``OK`` or ``СМС`` alone is not shouting).
MIN_SHOUTING_LETTERS: Final = 8

# Words of three or more letters (shouting is measured on them).
_WORD_RE: Final = re.compile(r"[^\W\d_]{3,}")
_MARKS_RE: Final = re.compile(r"[!?]{2,}")
# Words with masking characters inside, and letters split by spaces, dots, dashes.
_TOKEN_RE: Final = re.compile(r"[\w*#%@$]+")
_SPLIT_RE: Final = re.compile(
    r"(?<![\w*])(?:[\w*][\s.\-_]+){2,}[\w*](?![\w*])|(?<![\w.\-])\w+(?:[.\-_]+\w+)+"
)
_SEPARATORS_RE: Final = re.compile(r"[\s.\-_]+")
_REPEATS_RE: Final = re.compile(r"(.)\1+")
_MASKS: Final = frozenset("*#%")
_STANDS_FOR: Final = str.maketrans(
    {"@": "а", "$": "с", "0": "о", "3": "з", "6": "б", "4": "ч", "ё": "е"}
)


@attrs.frozen
class Tone:
    """Tone signals of one message.

    Attributes:
        shouting: Share (0..1) of upper-case letters among the letters of words of three
            or more letters.
        letters: How many letters ``shouting`` was measured on.
        exclamations: Runs of two or more ``!``/``?`` that hold a ``!`` (``!!!`` and
            ``?!`` count once each).
        questions: Runs of two or more ``!``/``?`` that hold a ``?``.
        insults: The lexicon words found, in order of first appearance.
    """

    shouting: float
    letters: int
    exclamations: int
    questions: int
    insults: tuple[str, ...]

    @property
    def is_shouting(self) -> bool:
        """Whether most of a message of some length is in capitals."""
        return self.letters >= MIN_SHOUTING_LETTERS and self.shouting >= SHOUTING_THRESHOLD

    @property
    def has_insult(self) -> bool:
        """Whether an insult or profanity was found."""
        return bool(self.insults)

    def to_dict(self) -> dict[str, object]:
        """JSON-serialisable form, including ``is_shouting`` and ``has_insult``."""
        return {
            "shouting": round(self.shouting, 4),
            "letters": self.letters,
            "is_shouting": self.is_shouting,
            "exclamations": self.exclamations,
            "questions": self.questions,
            "insults": list(self.insults),
            "has_insult": self.has_insult,
        }


@lru_cache(maxsize=1)
def _upper_table() -> dict[int, None]:
    """Deletes every upper-case letter of the Basic Multilingual Plane (built once)."""
    return {c: None for c in range(0x10000) if chr(c).isupper()}


def _squash(word: str) -> str:
    return _REPEATS_RE.sub(r"\1", word.translate(_STANDS_FOR))


@lru_cache(maxsize=1)
def _lexicon() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    raw = resources.files("supportkit.data").joinpath("insults_ru.json").read_text("utf-8")
    entries = json.loads(raw)["entries"]
    return tuple(
        (e["label"], e["mode"], tuple(sorted({_squash(f) for f in e["forms"]}))) for e in entries
    )


def _fits(word: str, form: str, at: int) -> bool:
    """Whether ``form`` sits in ``word`` at ``at``, masking characters matching any letter."""
    for i, ch in enumerate(form):
        got = word[at + i]
        if got != ch and got not in _MASKS:
            return False
    return True


@lru_cache(maxsize=1)
def _matchers() -> tuple[re.Pattern[str], dict[str, str]]:
    """One regular expression for the whole lexicon (for words without masks), and
    the label of each form."""
    parts = []
    labels: dict[str, str] = {}
    for label, mode, forms in _lexicon():
        for form in forms:
            labels.setdefault(form, label)
            body = re.escape(form)
            parts.append(
                f"^{body}$" if mode == "word" else f"^{body}" if mode == "prefix" else body
            )
    # Longer forms first, so the label of the most specific form wins.
    parts.sort(key=len, reverse=True)
    return re.compile("|".join(f"(?:{p})" for p in parts)), labels


def _masked_label(word: str) -> str | None:
    for label, mode, forms in _lexicon():
        for form in forms:
            n = len(form)
            if mode == "word":
                if len(word) == n and _fits(word, form, 0):
                    return label
            elif mode == "prefix":
                if len(word) >= n and _fits(word, form, 0):
                    return label
            elif any(_fits(word, form, i) for i in range(len(word) - n + 1)):
                return label
    return None


@lru_cache(maxsize=65536)
def _label(word: str) -> str | None:
    letters = sum(c not in _MASKS for c in word)
    if letters < 2 or letters * 2 < len(word):  # too little left to judge
        return None
    if letters < len(word):
        return _masked_label(word)
    pattern, labels = _matchers()
    m = pattern.search(word)
    return None if m is None else labels[m.group()]


def find_insults(text: str) -> tuple[str, ...]:
    """Return the lexicon words that occur in ``text`` (normalised first), in order.

    Raises:
        InvalidArgument: ``text`` is not a ``str``.
    """
    clean = normalize(check_text(text))
    found: dict[str, None] = {}
    hits = [(m.start(), _token_label(m.group())) for m in _TOKEN_RE.finditer(clean)]
    hits += [
        (m.start(), _token_label(_SEPARATORS_RE.sub("", m.group())))
        for m in _SPLIT_RE.finditer(clean)
    ]
    hits.sort(key=lambda hit: hit[0])
    for _, label in hits:
        if label is not None:
            found.setdefault(label)
    return tuple(found)


@lru_cache(maxsize=65536)
def _token_label(token: str) -> str | None:
    return _label(_squash(token))


def tone(text: str) -> Tone:
    """Measure the tone signals of a message: shouting, ``!!!``/``???``, insults.

    Args:
        text: The message as the customer wrote it.

    Returns:
        A :class:`Tone`.

    Raises:
        InvalidArgument: ``text`` is not a ``str``.

    Example:
        >>> t = tone("ГДЕ МОИ ДЕНЬГИ?!! Вы что, идиоты???")
        >>> t.is_shouting, t.exclamations, t.questions, t.insults
        (True, 1, 2, ('идиот',))
    """
    text = check_text(text)
    letters = "".join(_WORD_RE.findall(text))
    total = len(letters)
    upper = total - len(letters.translate(_upper_table()))
    exclamations = questions = 0
    for m in _MARKS_RE.finditer(text):
        run = m.group()
        exclamations += "!" in run
        questions += "?" in run
    return Tone(
        shouting=upper / total if total else 0.0,
        letters=total,
        exclamations=exclamations,
        questions=questions,
        insults=find_insults(text),
    )
