"""The rule engine's narrow view of the text layer (:mod:`supportkit.text`).

One place that knows how the engine calls the normaliser, so the matcher and the
explainer stay independent of its details.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Protocol

from supportkit.rules._load import Options
from supportkit.text import (
    fix_layout,
    match_key,
    mixed_script_words,
    normalize,
    normalize_with_offsets,
    tone,
)

__all__ = [
    "Offsets",
    "key_of",
    "layout_fixed",
    "mixed_words",
    "normalised",
    "offsets",
    "tone_of",
]


class Offsets(Protocol):
    """A normalised text that can map its spans back to the original."""

    @property
    def text(self) -> str:
        """The normalised text."""

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Return the original ``(start, end)`` of normalised ``[start, end)``."""


def normalised(text: str, options: Options) -> str:
    """Return the text the matcher reads: normalised per the rule set's options."""

    if options.layout or options.translit:
        return str(
            normalize_with_offsets(
                text, repair=options.repair, layout=options.layout, translit=options.translit
            ).text
        )
    return str(normalize(text, repair=options.repair))


def offsets(text: str, options: Options) -> Offsets:
    """Return the normalised text with its offset map (computed only for evidence)."""

    result: Offsets = normalize_with_offsets(
        text, repair=options.repair, layout=options.layout, translit=options.translit
    )
    return result


@lru_cache(maxsize=4096)
def tone_of(text: str) -> Any:
    """Return the tone signals (``.is_shouting``, ``.has_insult``) of ``text`` (cached:
    the insult lexicon's obfuscation-proof search is the slowest step of evaluation)."""

    return tone(text)


def mixed_words(text: str) -> list[Any]:
    """Return the words of ``text`` that mix scripts (``.word .start .end .scripts .fixed``)."""

    return list(mixed_script_words(text))


def layout_fixed(text: str) -> str:
    """Return ``text`` with words typed on the wrong keyboard layout converted."""

    return str(fix_layout(text))


def key_of(word: str) -> str:
    """Return the script-neutral match key of a normalised word (``peka`` -> ``река``)."""

    return str(match_key(word))
