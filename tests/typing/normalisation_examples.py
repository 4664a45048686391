"""Typed usage of supportkit.rules' normalisation API (checked with ``mypy --strict``)."""

from __future__ import annotations

from supportkit.rules import (
    MixedWord,
    Normalized,
    Tone,
    fix_layout,
    from_translit,
    match_key,
    mixed_script_words,
    normalize,
    normalize_with_offsets,
    tone,
)


def clean(text: str) -> str:
    return normalize(fix_layout(text), repair=True)


def original_span(text: str, needle: str) -> tuple[int, int] | None:
    result: Normalized = normalize_with_offsets(text, layout=True, translit=False)
    at = result.text.find(normalize(needle))
    if at < 0:
        return None
    return result.span(at, at + len(normalize(needle)))


def why_not(text: str) -> list[str]:
    words: list[MixedWord] = mixed_script_words(text)
    return [f"{w.word}@{w.start}-{w.end} -> {w.fixed} ({', '.join(w.scripts)})" for w in words]


def route(text: str) -> str:
    signals: Tone = tone(text)
    if signals.has_insult or signals.is_shouting:
        return "senior"
    return "queue" if match_key(from_translit(text)) else "empty"
