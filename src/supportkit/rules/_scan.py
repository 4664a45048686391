"""One ticket's normalised fields and the phrases found in them (internal to the engine)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence

import attrs

from supportkit._ticket import Ticket
from supportkit.rules._load import Options
from supportkit.rules._matcher import Hit, Matcher
from supportkit.rules._model import Rule
from supportkit.rules._phrases import Phrase
from supportkit.rules._results import Evidence, RegexTimeout
from supportkit.rules._text import Offsets, normalised, offsets

__all__ = ["Compiled", "Scan", "evidence", "scan_ticket"]


class _Identity:
    text = ""

    def span(self, start: int, end: int) -> tuple[int, int]:
        return start, end


_IDENTITY: Offsets = _Identity()


@attrs.frozen
class Compiled:
    """A rule reduced to phrase ids (internal)."""

    index: int
    rule: Rule
    any: tuple[int, ...]
    all: tuple[int, ...]
    none: tuple[int, ...]
    fields: tuple[str, ...]


class Scan:
    """The normalised fields of one ticket and the phrases found in them (internal)."""

    __slots__ = (
        "_ends",
        "_offsets",
        "_positions",
        "_present",
        "hits",
        "norms",
        "options",
        "texts",
        "timeouts",
        "tokens",
    )

    def __init__(self, options: Options) -> None:
        self.options = options
        self.texts: dict[str, str] = {}
        self.norms: dict[str, str] = {}
        self.tokens: dict[str, list[str]] = {}
        self.hits: dict[str, dict[int, list[Hit]]] = {}
        self.timeouts: list[RegexTimeout] = []
        self._offsets: dict[str, Offsets] = {}
        self._ends: dict[str, list[int]] = {}
        self._positions: dict[str, list[tuple[int, int]]] = {}
        self._present: dict[tuple[str, ...], frozenset[int]] = {}

    def has(self, pid: int, fields: tuple[str, ...]) -> bool:
        """Whether phrase ``pid`` occurs in any of ``fields``."""
        hits = self.hits
        return any(pid in hits[f] for f in fields)

    def present(self, fields: tuple[str, ...]) -> frozenset[int]:
        """The ids of the phrases found in any of ``fields`` (cached per tuple of fields)."""
        found = self._present.get(fields)
        if found is None:
            hits = self.hits
            found = self._present[fields] = frozenset().union(*(hits[f] for f in fields))
        return found

    def span(self, field: str, hit: Hit) -> tuple[int, int]:
        """Return the ORIGINAL (start, end) of a hit, widened to whole words."""
        first, last = hit
        if first < 0:
            start, end = -1 - first, last
            words = self._word_spans(field)
            # The words overlapping [start, end): word ends are increasing, so bisect.
            k = bisect_right(self._word_ends(field), start)
            if k < len(words) and words[k][0] < end:
                start = min(start, words[k][0])
                while k + 1 < len(words) and words[k + 1][0] < end:
                    k += 1
                end = max(end, words[k][1])
        else:
            # Word positions are found once per field, incrementally and only as far as
            # the hits need them, so all the spans of a message cost linear time.
            words = self._word_spans(field, last)
            start, end = words[first][0], words[last][1]
        mapper = self._offsets.get(field)
        if mapper is None:
            original = self.texts[field]
            norm = self.norms[field]
            if len(original) == len(norm) and original.lower() == norm:
                # Nothing but lower-casing happened: positions are the same (the common
                # case, which saves a second, offset-tracking normalisation).
                self._offsets[field] = _IDENTITY
                return start, end
            mapper = self._offsets[field] = offsets(original, self.options)
        if mapper is _IDENTITY:
            return start, end
        return mapper.span(start, end)

    def _word_ends(self, field: str) -> list[int]:
        ends = self._ends.get(field)
        if ends is None:
            ends = self._ends[field] = [e for _, e in self._word_spans(field)]
        return ends

    def _word_spans(self, field: str, upto: int | None = None) -> list[tuple[int, int]]:
        # Word positions, found lazily and only as far as a hit needs them. Between two
        # words there are only non-word characters, so the next occurrence of the next
        # token after the previous word is that word (str.find runs in C).
        found = self._positions.get(field)
        if found is None:
            found = self._positions[field] = []
        tokens = self.tokens[field]
        last = len(tokens) - 1 if upto is None else min(upto, len(tokens) - 1)
        if last >= len(found):
            norm = self.norms[field]
            position = found[-1][1] if found else 0
            find = norm.find
            for token in tokens[len(found) : last + 1]:
                start = find(token, position)
                position = start + len(token)
                found.append((start, position))
        return found


def scan_ticket(matcher: Matcher, ticket: Ticket, fields: Iterable[str], options: Options) -> Scan:
    """Normalise ``fields`` of ``ticket`` and find every phrase of ``matcher`` in them."""
    result = Scan(options)
    for field in fields:
        if field in result.hits:
            continue
        text = ticket.text(field)
        result.texts[field] = text
        norm = normalised(text, options) if text else ""
        result.norms[field] = norm
        tokens, hits, literals = matcher.scan_words(norm) if norm else ([], {}, set())
        result.tokens[field] = tokens
        if norm:
            regexes = matcher.regexes
            # Only the regexes whose literals the text holds can match (see _prefilter);
            # the phrase index has found the word literals with its own word look-ups.
            for k in matcher.regex_index.candidates(norm, literals=literals) if regexes else ():
                pid, pattern, _literal = regexes[k]
                try:
                    match = pattern.search(norm, timeout=options.regex_timeout)
                except TimeoutError:
                    result.timeouts.append(RegexTimeout(matcher.phrases[pid].source, field))
                    continue
                if match is not None:
                    hits.setdefault(pid, []).append((-1 - match.start(), match.end()))
        result.hits[field] = hits
    return result


def evidence(item: Compiled, scan: Scan, phrases: Sequence[Phrase]) -> tuple[Evidence, ...]:
    """Return the evidence of a matching rule: each occurrence of its any/all phrases."""
    out: list[Evidence] = []
    for pid in dict.fromkeys(item.any + item.all):
        phrase = phrases[pid]
        for field in item.fields:
            for hit in scan.hits[field].get(pid, ()):
                start, end = scan.span(field, hit)
                out.append(
                    Evidence(
                        phrase=phrase.source,
                        field=field,
                        start=start,
                        end=end,
                        text=scan.texts[field][start:end],
                        kind=phrase.kind,
                    )
                )
    return tuple(out)
