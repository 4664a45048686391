"""Inline HTML for notebooks: ``Evaluation._repr_html_`` and ``Explanation._repr_html_``.

Plain HTML with inline styles, no scripts and no external resources; every piece of
ticket or rule text is escaped, so a message holding ``<script>`` shows as text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any, Protocol

__all__ = ["SpanLike", "highlighted", "table"]

_MARK = "background:#fde68a;border-radius:2px;padding:0 1px"
_BOX = "font-family:system-ui,sans-serif;font-size:13px;line-height:1.45"
_CELL = "text-align:left;vertical-align:top;padding:1px 8px 1px 0"


class SpanLike(Protocol):
    """What a highlighted span needs: where, and what to say about it."""

    @property
    def field(self) -> str: ...

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def phrase(self) -> str: ...

    @property
    def kind(self) -> str: ...


def _merged(spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for start, end, label in sorted(spans):
        if out and start < out[-1][1]:  # overlapping evidence: one mark, both labels
            s, e, old = out[-1]
            out[-1] = (s, max(e, end), old if label in old.split("; ") else f"{old}; {label}")
        else:
            out.append((start, end, label))
    return out


def highlighted(texts: Mapping[str, str], spans: Sequence[tuple[str, SpanLike]]) -> str:
    """Each field's original text with its evidence spans in ``<mark>`` (escaped)."""
    by_field: dict[str, list[tuple[int, int, str]]] = {}
    for rule_id, span in spans:
        label = f"{rule_id}: {span.phrase} ({span.kind})"
        by_field.setdefault(span.field, []).append((span.start, span.end, label))
    parts: list[str] = []
    for field, text in texts.items():
        if not text:
            continue
        pieces: list[str] = []
        position = 0
        for start, end, label in _merged(by_field.get(field, ())):
            if start < position or end > len(text):
                continue
            pieces.append(escape(text[position:start]))
            pieces.append(
                f'<mark style="{_MARK}" title="{escape(label)}">{escape(text[start:end])}</mark>'
            )
            position = end
        pieces.append(escape(text[position:]))
        parts.append(
            f'<div style="margin:2px 0"><span style="color:#6b7280">{escape(field)}:</span> '
            f'<span style="white-space:pre-wrap">{"".join(pieces)}</span></div>'
        )
    return "".join(parts)


def table(title: str, rows: Iterable[tuple[str, Any]], body: str = "") -> str:
    """A titled box with a two-column table of the non-empty rows, then ``body``."""
    cells = "".join(
        f'<tr><th style="{_CELL};color:#6b7280;font-weight:normal">{escape(key)}</th>'
        f'<td style="{_CELL}">{escape(value if isinstance(value, str) else repr(value))}</td></tr>'
        for key, value in rows
        if value not in (None, (), [], {}, "")
    )
    return (
        f'<div style="{_BOX}"><div style="font-weight:600">{escape(title)}</div>'
        f'<table style="border-collapse:collapse">{cells}</table>{body}</div>'
    )
