"""The phrase language of keyword rules: parsing a phrase string into matchable words.

``выплата`` (any form), ``"выплата"`` (exact form), ``выплат*`` (prefix),
``деньги не пришли`` (words in order), ``выплата~1`` (typo tolerance) and
``/регул(яр|ар)ка/`` (a ``regex`` pattern on the normalised text). Phrases are parsed
and checked when a rule set is loaded, so a bad phrase never surfaces at evaluation time.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final, Literal

import attrs
import regex

from supportkit.exceptions import InvalidRule
from supportkit.text import normalize
from supportkit.text._morphology import phrase_keys

__all__ = ["MIN_TYPO_LENGTH", "Phrase", "Word", "parse_phrase", "parse_synonyms", "tokenize"]

#: Words shorter than this cannot carry ``~N``: one typo in a 3-letter word is another word.
MIN_TYPO_LENGTH: Final = 4
#: The largest typo budget a word may carry.
MAX_TYPOS: Final = 2

WORD_RE: Final = re.compile(r"\w+")
_TYPO_RE: Final = re.compile(r"^(.*?)~(\d+)$")


Mode = Literal["form", "exact", "prefix", "typo"]


def tokenize(text: str) -> list[str]:
    """Split normalised text into words (runs of letters, digits and ``_``)."""
    return WORD_RE.findall(text)


@attrs.frozen
class Word:
    """One word of a phrase, as matched against one word of the text.

    Attributes:
        text: The normalised word (or prefix, for ``prefix`` mode).
        mode: ``form`` (any grammatical form: the same dictionary lexeme), ``exact`` (this form),
            ``prefix`` (a word starting with ``text``) or ``typo`` (any form, or
            up to ``typos`` edits away).
        typos: The edit budget of a ``typo`` word.
    """

    text: str
    mode: Mode = "form"
    typos: int = 0

    @property
    def lexemes(self) -> frozenset[str]:
        """The dictionary lexemes a ``form``/``typo`` word stands for (else its text).

        A word that is itself a dictionary form stands only for that word; any other
        for every lexeme it can be a form of (see :func:`supportkit.text.same_word`).
        Synonym groups widen this further inside a rule set's matcher.
        """
        return phrase_keys(self.text) if self.mode in ("form", "typo") else frozenset([self.text])


@attrs.frozen
class Phrase:
    """A parsed phrase of a rule.

    Attributes:
        source: The phrase as written in the rule.
        words: The words to match in order (empty for a regex phrase).
        pattern: The ``regex`` pattern of a ``/.../`` phrase, else ``None``.
    """

    source: str
    words: tuple[Word, ...] = ()
    pattern: str | None = None

    @property
    def is_regex(self) -> bool:
        """Whether this is a ``/regex/`` phrase."""
        return self.pattern is not None

    @property
    def kind(self) -> str:
        """A one-word description: ``regex``, ``words`` (several) or the word's mode."""
        if self.pattern is not None:
            return "regex"
        if len(self.words) > 1:
            return "words"
        return self.words[0].mode if self.words else "empty"

    def __str__(self) -> str:
        return self.source


@lru_cache(maxsize=65536)
def _normalise(text: str) -> str:
    # Phrase words repeat across the rules of a big set: each distinct one is normalised once.
    return str(normalize(text))


#: Successful parses by source (a phrase repeats across rules, each under its own
#: ``field``); a failing phrase is never stored, so its error always names its place.
_PARSED: dict[str, Phrase] = {}
_PARSED_LIMIT: Final = 200_000
#: One :class:`Word` object per distinct word (a 50,000-rule set repeats each word often).
#: Keyed by mode and budget, then by the text itself (the Word's own string: no key
#: tuple per word).
_WORDS: dict[tuple[str, int], dict[str, Word]] = {}
_WORD_COUNT = [0]


def _word(text: str, mode: Mode = "form", typos: int = 0) -> Word:
    words = _WORDS.get((mode, typos))
    if words is None:
        words = _WORDS[(mode, typos)] = {}
    found = words.get(text)
    if found is None:
        if _WORD_COUNT[0] >= _PARSED_LIMIT:
            _WORDS.clear()
            _WORD_COUNT[0] = 0
            words = _WORDS[(mode, typos)] = {}
        found = words[text] = Word(text, mode, typos)
        _WORD_COUNT[0] += 1
    return found


def parse_phrase(source: str, *, field: str = "phrase") -> Phrase:
    """Parse one phrase of the rule language.

    Args:
        source: The phrase, e.g. ``"выплата"``, ``'"выплата"'``, ``"выплат*"``,
            ``"деньги не пришли"``, ``"выплата~1"`` or ``"/регул(яр|ар)ка/"``.
        field: Where the phrase is, for error messages (``rules[3].when.any[1]``).

    Returns:
        The parsed :class:`Phrase`. A phrase that normalises to no word at all
        (``"!!!"``) parses to a phrase without words, which never matches and
        which :meth:`RuleSet.lint` reports.

    Raises:
        InvalidRule: an empty phrase, a bad regex, a ``~N`` out of range or on a
            word shorter than four letters, or a misplaced ``*``/``~``/quote.
    """
    found = _PARSED.get(source) if isinstance(source, str) else None
    if found is not None:
        return found
    phrase = _parse(source, field)
    if len(_PARSED) >= _PARSED_LIMIT:
        _PARSED.clear()
    _PARSED[source] = phrase
    return phrase


def _parse(source: str, field: str) -> Phrase:
    if not isinstance(source, str) or not source.strip():
        raise InvalidRule(
            f"{field} must be a non-empty phrase string (got {source!r}).",
            field=field,
            value=source,
        )
    text = source.strip()
    if text.startswith("/"):
        if len(text) < 2 or not text.endswith("/"):
            raise InvalidRule(
                f"{field} starts a /regex/ but does not end with '/' (got {source!r}); "
                "close the pattern with '/' or drop the leading '/' to match plain words.",
                field=field,
                value=source,
            )
        pattern = text[1:-1]
        if not pattern.strip():
            raise InvalidRule(
                f"{field} is an empty /regex/ (got {source!r}), which would match every "
                "ticket; write a pattern between the slashes, such as '/регул(яр|ар)ка/'.",
                field=field,
                value=source,
            )
        try:
            regex.compile(pattern)
        except regex.error as exc:
            raise InvalidRule(
                f"{field} is not a valid regex ({exc}) (got {source!r}); "
                "fix the pattern or drop the slashes to match plain words.",
                field=field,
                value=source,
            ) from exc
        return Phrase(source=source, pattern=pattern)
    if text.startswith('"') or text.endswith('"'):
        if len(text) < 3 or not (text.startswith('"') and text.endswith('"')) or '"' in text[1:-1]:
            raise InvalidRule(
                f"{field} has an unbalanced quote (got {source!r}); write an exact form as "
                "'\"выплата\"' (the whole phrase in double quotes).",
                field=field,
                value=source,
            )
        words = tokenize(_normalise(text[1:-1]))
        return Phrase(source=source, words=tuple(_word(w, "exact") for w in words))
    if '"' in text:
        raise InvalidRule(
            f"{field} has a quote inside a phrase (got {source!r}); quote the whole phrase "
            "for an exact form: '\"деньги не пришли\"'.",
            field=field,
            value=source,
        )
    out: list[Word] = []
    for part in text.split():
        out.extend(_parse_word(part, source, field))
    return Phrase(source=source, words=tuple(out))


def _parse_word(part: str, source: str, field: str) -> list[Word]:
    typo = _TYPO_RE.match(part)
    if typo is not None:
        body, budget = typo.group(1), int(typo.group(2))
        if not 1 <= budget <= MAX_TYPOS:
            raise InvalidRule(
                f"{field} allows {budget} typos in {body!r} (got {source!r}); "
                f"use ~1 or ~{MAX_TYPOS}.",
                field=field,
                value=source,
            )
        words = tokenize(_normalise(body))
        if len(words) != 1 or "*" in body or "~" in body:
            raise InvalidRule(
                f"{field} puts ~{budget} after {body!r}, which is not one word "
                f"(got {source!r}); write ~N right after a single word: 'выплата~1'.",
                field=field,
                value=source,
            )
        if len(words[0]) < MIN_TYPO_LENGTH:
            raise InvalidRule(
                f"{field} allows typos in {body!r}, shorter than {MIN_TYPO_LENGTH} letters "
                f"(got {source!r}); drop ~{budget}: one typo in a short word is another word.",
                field=field,
                value=source,
            )
        return [_word(words[0], "typo", budget)]
    if "~" in part:
        raise InvalidRule(
            f"{field} has '~' that is not followed by a number of typos (got {source!r}); "
            "write 'выплата~1'.",
            field=field,
            value=source,
        )
    if part.endswith("*"):
        body = part[:-1]
        words = tokenize(_normalise(body))
        if "*" in body or not words:
            raise InvalidRule(
                f"{field} has '*' that does not end a word prefix (got {source!r}); "
                "write a prefix such as 'выплат*'.",
                field=field,
                value=source,
            )
        # "e-mail*": every word but the last is whole, the last is the prefix.
        return [_word(w) for w in words[:-1]] + [_word(words[-1], "prefix")]
    if "*" in part:
        raise InvalidRule(
            f"{field} has '*' inside a word (got {source!r}); '*' may only end a prefix "
            "('выплат*'); use a /regex/ for anything else.",
            field=field,
            value=source,
        )
    return [_word(w) for w in tokenize(_normalise(part))]


def required_literal(pattern: str) -> str:
    """Return a substring every match of ``pattern`` must contain ("" when unsure).

    A cheap prefilter: ``literal in text`` runs in C, so a regex phrase only runs on
    texts that contain its literal. Alternation at the top level, inline flags and
    anything unusual give "" (always run the regex).
    """
    if re.search(r"\(\?[^:]", pattern):
        return ""
    runs: list[str] = []
    current: list[str] = []
    depth = 0
    i = 0
    while i < len(pattern):
        char = pattern[i]
        nxt = pattern[i + 1 : i + 2]
        if char == "\\":
            runs.append("".join(current))
            current = []
            i += 2
            continue
        if char == "[":
            runs.append("".join(current))
            current = []
            end = pattern.find("]", i + 2)
            i = len(pattern) if end < 0 else end + 1
            continue
        if char == "{":
            runs.append("".join(current))
            current = []
            end = pattern.find("}", i + 1)
            i = len(pattern) if end < 0 else end + 1
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return ""
        if depth or char in "()^$.|*+?{}" or nxt in ("?", "*", "{"):
            runs.append("".join(current))
            current = []
        elif nxt == "+":
            current.append(char)
            runs.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    runs.append("".join(current))
    best = max(runs, key=len)
    return best if len(best) >= 2 else ""


def damerau(a: str, b: str, limit: int) -> int:
    """Return the optimal-string-alignment distance of ``a`` and ``b``, capped at ``limit + 1``.

    Counts insertions, deletions, substitutions and swaps of adjacent letters.
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if a == b:
        return 0
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        best = i
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
            best = min(best, value)
        if best > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[len(b)], limit + 1)


def deletions(word: str, depth: int) -> set[str]:
    """Return ``word`` and every string made by deleting up to ``depth`` letters from it."""
    out = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def parse_synonyms(raw: object, *, field: str = "synonyms") -> tuple[tuple[str, ...], ...]:
    """Validate synonym groups: a list of lists of two or more single words.

    Each word is normalised; a bare phrase word of a group then matches any form of
    any word of the group. A group of one word, a word that is not one plain word
    (``"выплат*"``, ``"деньги не"``), a word twice in a group, and a word (or a lexeme)
    in two groups are rejected: two groups sharing a word would be one group.

    Raises:
        InvalidRule: the message names the group (``synonyms[1][0]``) and the fix.
    """
    if raw is None:
        return ()
    if isinstance(raw, (str, bytes)) or not isinstance(raw, (list, tuple)):
        raise InvalidRule(
            f"{field} must be a list of word groups such as "
            f'[["прийти", "поступить"]] (got {type(raw).__name__}).',
            field=field,
            value=raw,
        )
    groups: list[tuple[str, ...]] = []
    owner: dict[str, tuple[int, str]] = {}
    for g, group in enumerate(raw):
        where = f"{field}[{g}]"
        if isinstance(group, (str, bytes)) or not isinstance(group, (list, tuple)):
            raise InvalidRule(
                f'{where} must be a list of words such as ["прийти", "поступить"] (got {group!r}).',
                field=where,
                value=group,
            )
        words: list[str] = []
        for w, item in enumerate(group):
            at = f"{where}[{w}]"
            tokens = tokenize(_normalise(item)) if isinstance(item, str) else []
            if len(tokens) != 1 or not isinstance(item, str) or any(c in item for c in '*~"/'):
                raise InvalidRule(
                    f"{at} must be one plain word (got {item!r}); a synonym group lists "
                    "words, not phrases, prefixes or patterns.",
                    field=at,
                    value=item,
                )
            word = tokens[0]
            if word in words:
                raise InvalidRule(
                    f"{at} repeats {item!r} in the same group; list each word once.",
                    field=at,
                    value=item,
                )
            for lexeme in phrase_keys(word) | {word}:
                if lexeme in owner and owner[lexeme][0] != g:
                    other, first = owner[lexeme]
                    raise InvalidRule(
                        f"{at} {item!r} is the same word as {first!r} in {field}[{other}], "
                        "so the two groups would be one; merge them into one group or drop "
                        "the word from one.",
                        field=at,
                        value=item,
                    )
                owner.setdefault(lexeme, (g, item))
            words.append(word)
        if len(words) < 2:
            raise InvalidRule(
                f"{where} has {len(words)} word(s) (got {group!r}); a synonym group needs "
                "at least two words.",
                field=where,
                value=group,
            )
        groups.append(tuple(words))
    return tuple(groups)
