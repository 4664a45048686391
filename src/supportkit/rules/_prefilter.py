"""Literal prefilters for ``/regex/`` phrases (as RE2's FilteredRE2 and Hyperscan do).

From a pattern we derive a condition on the text that every text with a match
satisfies: a conjunction of clauses, each a set of literal strings of which at least
one must occur (``(?:выплат|перевод)\\w+ задерж`` gives ``{"выплат", "перевод"}`` and
``{" задерж"}``). ``s in text`` runs in C, so the regex only runs on the texts that
pass; the rest cannot match, and skipping them never changes a result.

The analysis is conservative: a construct it does not fully understand contributes
no requirement (``.``, classes, ``\\d``, backreferences) or, where it could change
the meaning of the text around it (inline flags such as ``(?i)``, lookarounds,
conditionals, fuzzy ``{e<=1}``, escapes it does not know), gives up on the whole
pattern: no prefilter, the regex always runs. A pattern without a usable literal
is what :func:`supportkit.rules.RuleSet.lint` reports as ``regex-cost``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from typing import Final

__all__ = ["INDEX_FROM", "MIN_ATOM", "PAIRS_FROM", "Prefilter", "RegexIndex", "passes", "prefilter"]

#: A clause is useful only when each of its strings has at least this many characters.
MIN_ATOM: Final = 2
_MAX_EXACT: Final = 16  # cross products larger than this become clauses
_MAX_CLASS: Final = 8  # a [..] of at most this many plain characters stays exact
#: From this many regexes on, the index (one look-up per word of the text) is cheaper
#: than checking each regex's prefilter (measured with ``benchmarks/regex_bench.py``).
INDEX_FROM: Final = 16
#: The engine's word pattern (``rules._phrases.WORD_RE``): a literal it matches whole
#: can only occur inside one word of a text.
_WORD_RE: Final = re.compile(r"\w+")
#: From this many literals with a non-word character on, they are filed under their
#: rarest character pair instead of each being looked for with ``in``.
PAIRS_FROM: Final = 256
_CACHE_LIMIT: Final = 300_000  # distinct words kept per index
_CACHED_WORD: Final = 64  # longer words are not kept
_SPECIAL: Final = frozenset("\\.^$*+?{}[]()|")
_ZERO_WIDTH: Final = frozenset("bBAZGmM")
_CLASS_ESCAPES: Final = frozenset("dDwWsShHvVX")
_CONTROL: Final = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}

#: A prefilter: every clause needs one of its strings in the text (``()``: always run).
Prefilter = tuple[frozenset[str], ...]


class _GiveUp(Exception):
    """The pattern uses a construct the analysis does not model."""


class _Info:
    """What is known of the matches of a sub-pattern."""

    __slots__ = ("clauses", "exact")

    def __init__(
        self, exact: frozenset[str] | None = None, clauses: tuple[frozenset[str], ...] = ()
    ) -> None:
        self.exact = exact  # every match is one of these strings, when not None
        self.clauses = clauses  # otherwise: every match contains one string of each

    def required(self) -> tuple[frozenset[str], ...]:
        if self.exact is None:
            return self.clauses
        if not self.exact or "" in self.exact:
            return ()
        return (self.exact,)


_ANY = _Info()
_EMPTY = _Info(frozenset({""}))


def _concat(a: _Info, b: _Info) -> _Info:
    if a.exact is not None and b.exact is not None and len(a.exact) * len(b.exact) <= _MAX_EXACT:
        return _Info(frozenset(x + y for x in a.exact for y in b.exact))
    return _Info(None, a.required() + b.required())


def _score(clause: frozenset[str]) -> int:
    return min(len(s) for s in clause)


def _alternate(a: _Info, b: _Info) -> _Info:
    if a.exact is not None and b.exact is not None and len(a.exact | b.exact) <= _MAX_EXACT:
        return _Info(a.exact | b.exact)
    left, right = a.required(), b.required()
    if not left or not right:
        return _ANY
    # (A1 and A2 ...) or (B1 and B2 ...) implies (best A) or (best B).
    best_left: frozenset[str] = max(left, key=_score)
    best_right: frozenset[str] = max(right, key=_score)
    return _Info(None, (best_left | best_right,))


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.p[j] if j < len(self.p) else ""

    def alternation(self) -> _Info:
        info = self.sequence()
        while self.peek() == "|":
            self.i += 1
            info = _alternate(info, self.sequence())
        return info

    def sequence(self) -> _Info:
        # A run of exact pieces stays exact (cross products of alternatives) until a
        # piece with unknown text breaks it; then the run becomes a clause.
        done: list[frozenset[str]] = []
        run = _EMPTY
        exact = True  # no piece of unknown text so far
        while self.i < len(self.p) and self.peek() not in ("|", ")"):
            for item in self.quantified(self.atom()):
                if item.exact is not None:
                    assert run.exact is not None
                    if len(run.exact) * len(item.exact) <= _MAX_EXACT:
                        run = _concat(run, item)
                        continue
                    done.extend(run.required())
                    run = item
                else:
                    exact = False
                    done.extend(run.required())
                    done.extend(item.clauses)
                    run = _EMPTY
        if exact and not done:
            return run
        return _Info(None, (*done, *run.required()))

    def atom(self) -> _Info:
        char = self.peek()
        self.i += 1
        if char == "(":
            self.group_head()
            inner = self.alternation()
            if self.peek() != ")":
                raise _GiveUp
            self.i += 1
            return inner
        if char == "[":
            return self.char_class()
        if char == "\\":
            return self.escape()
        if char in ("^", "$"):
            return _EMPTY
        if char == ".":
            return _ANY
        if char in ("*", "+", "?", "{", ")") or not char:
            raise _GiveUp  # a quantifier with nothing before it: leave it to the engine
        return _Info(frozenset({char}))

    def group_head(self) -> None:
        if self.peek() != "?":
            return
        nxt, after = self.peek(1), self.peek(2)
        if nxt in (":", ">"):
            self.i += 2
        elif (nxt == "P" and after == "<") or (nxt == "<" and after not in ("=", "!")):
            end = self.p.find(">", self.i)
            if end < 0:
                raise _GiveUp
            self.i = end + 1
        else:  # flags, lookarounds, comments, conditionals, recursion, branch reset
            raise _GiveUp

    def char_class(self) -> _Info:
        start = self.i
        if self.peek() == "^":
            self.i += 1
        if self.peek() == "]":
            self.i += 1
        chars: set[str] = set()
        plain = self.p[start] != "^"
        while True:
            char = self.peek()
            if not char:
                raise _GiveUp
            if char == "]":
                self.i += 1
                break
            if char == "[":
                if self.peek(1) != ":":
                    raise _GiveUp  # nested sets (V1) or something stranger
                end = self.p.find(":]", self.i + 2)
                if end < 0:
                    raise _GiveUp
                self.i = end + 2
                plain = False
                continue
            if char == "\\":
                self.i += 2
                plain = False
                continue
            if char == "-" and chars and self.peek(1) not in ("]", ""):
                plain = False
            chars.add(char)
            self.i += 1
        if plain and chars and len(chars) <= _MAX_CLASS and self.p[start] != "]":
            return _Info(frozenset(chars))
        return _ANY

    def escape(self) -> _Info:
        char = self.peek()
        if not char:
            raise _GiveUp
        self.i += 1
        if not (char.isascii() and char.isalnum()):
            if char.isascii():
                return _Info(frozenset({char}))
            raise _GiveUp
        if char in _ZERO_WIDTH:
            return _EMPTY
        if char in _CLASS_ESCAPES:
            return _ANY
        if char in _CONTROL:
            return _Info(frozenset({_CONTROL[char]}))
        if char.isdigit():  # a backreference or an octal escape: consume all its digits
            while self.peek().isdigit():
                self.i += 1
            return _ANY
        if char in "pPNx":
            if self.peek() == "{":
                end = self.p.find("}", self.i)
                if end < 0:
                    raise _GiveUp
                self.i = end + 1
            elif char == "x":
                self.i += 2
            else:
                self.i += 1
            return _ANY
        if char in "uU":
            self.i += 4 if char == "u" else 8
            return _ANY
        if char == "g" and self.peek() == "<":
            end = self.p.find(">", self.i)
            if end < 0:
                raise _GiveUp
            self.i = end + 1
            return _ANY
        raise _GiveUp

    def quantified(self, info: _Info) -> list[_Info]:
        """The atom with its quantifier, as pieces of a sequence."""
        char = self.peek()
        if char not in ("*", "+", "?", "{"):
            return [info]
        low = 1
        high: int | None = 1
        if char == "{":
            end = self.p.find("}", self.i)
            body = self.p[self.i + 1 : end] if end > 0 else ""
            lo, comma, hi = body.partition(",")
            if end < 0 or not (lo.isdigit() or (comma and lo == "" and hi.isdigit())):
                raise _GiveUp  # fuzzy matching {e<=1} and other non-quantifiers
            if hi and not hi.isdigit():
                raise _GiveUp
            low = int(lo or 0)
            high = int(hi) if hi else (None if comma else low)
            self.i = end + 1
        else:
            self.i += 1
            low = 0 if char in ("*", "?") else 1
            high = 1 if char == "?" else None
        if self.peek() in ("?", "+"):  # lazy or possessive: the same texts match
            self.i += 1
        if self.peek() in ("*", "+", "?", "{"):
            raise _GiveUp
        if low == 0:
            if high == 1 and info.exact is not None:
                return [_Info(info.exact | {""})]
            return [_ANY]
        if info.exact is None:
            return [info]
        # x{3,} is x x x then anything; at most four copies are spelled out.
        copies = min(low, 4)
        tail = [] if high == low and low == copies else [_ANY]
        return [info] * copies + tail


@functools.lru_cache(maxsize=4096)
def prefilter(pattern: str) -> Prefilter:
    """The literal condition every text matching ``pattern`` satisfies (``()``: none).

    Only clauses whose strings all have at least :data:`MIN_ATOM` characters are kept
    (shorter ones pass almost every text and only cost time).
    """
    parser = _Parser(pattern)
    try:
        info = parser.alternation()
        if parser.i != len(pattern):
            return ()
    except _GiveUp:
        return ()
    clauses = {c for c in info.required() if c and _score(c) >= MIN_ATOM}
    # Most selective first: the longest shortest string fails fastest on other texts.
    return tuple(sorted(clauses, key=lambda c: (-_score(c), sorted(c))))


def passes(condition: Prefilter, text: str) -> bool:
    """Whether ``text`` can hold a match: every clause has a string that occurs in it."""
    for clause in condition:
        for literal in clause:
            if literal in text:
                break
        else:
            return False
    return True


#: Russian letters from the most to the least frequent: a literal is filed under its
#: rarest pair of characters, so a message's common pairs wake few literals.
_LETTERS: Final = "оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъё"
_RANK: Final = {c: i for i, c in enumerate(_LETTERS)}


def _rarest_pair(literal: str) -> str:
    pairs = [literal[i : i + 2] for i in range(len(literal) - 1)]
    return max(pairs, key=lambda p: sum(_RANK.get(c, -10 if not c.isalnum() else 20) for c in p))


class RegexIndex:
    """The prefilters of a list of regexes, indexed so one message is checked at once.

    A literal made of word characters only (``\\w``, what the engine's tokenizer keeps)
    can occur in a text only inside one of its words, so such literals are looked up
    per *word*: each distinct word is cut once into its substrings of the literals'
    lengths, and the literals found are cached (like the phrase index's word cache),
    so a message costs one dictionary look-up per word, whatever the number of regexes.
    The other literals (with a space or punctuation) are each filed under their rarest
    two characters: the set of the message's two-character pieces is intersected with
    that index (in C) and only the literals behind the shared pieces are looked for
    (``in``). A regex is a candidate when each of its clauses has a literal present; a
    regex without a prefilter always is. Below :data:`INDEX_FROM` regexes each
    prefilter is checked on its own instead (the same result for less fixed cost).
    """

    __slots__ = (
        "_always",
        "_by_pair",
        "_conditions",
        "_lengths",
        "_needs",
        "_owners",
        "_text_literals",
        "_word_literals",
        "_words",
        "size",
    )

    def __init__(self, patterns: list[str]) -> None:
        self.size = len(patterns)
        self._always: list[int] = []
        self._by_pair: dict[str, dict[str, int]] = {}
        self._needs: list[int] = []
        self._conditions = [prefilter(p) for p in patterns]
        #: Literal id -> the (regex, clause number) pairs it serves.
        self._owners: list[list[tuple[int, int]]] = []
        ids: dict[str, int] = {}
        self._word_literals: dict[str, int] = {}
        for index, condition in enumerate(self._conditions):
            self._needs.append(len(condition))
            if not condition:
                self._always.append(index)
            for number, clause in enumerate(condition):
                for literal in sorted(clause):
                    lid = ids.get(literal)
                    if lid is None:
                        lid = ids[literal] = len(self._owners)
                        self._owners.append([])
                        if _WORD_RE.fullmatch(literal):
                            self._word_literals[literal] = lid
                        else:
                            bucket = self._by_pair.setdefault(_rarest_pair(literal), {})
                            bucket[literal] = lid
                    self._owners[lid].append((index, number))
        self._lengths = sorted({len(s) for s in self._word_literals})
        # Few other literals: each is looked for with ``in``; many: the pair index
        # (building the set of a message's character pairs has a fixed cost).
        self._text_literals: list[tuple[str, int]] = []
        if sum(map(len, self._by_pair.values())) < PAIRS_FROM:
            self._text_literals = sorted(
                (literal, lid)
                for bucket in self._by_pair.values()
                for literal, lid in bucket.items()
            )
            self._by_pair.clear()
        self._words: dict[str, tuple[int, ...]] = _WordLiterals(self._literals_in)

    def _literals_in(self, word: str) -> tuple[int, ...]:
        """The ids of the word literals that occur in ``word`` (one look-up per piece)."""
        get = self._word_literals.get
        found: set[int] = set()
        size = len(word)
        for length in self._lengths:
            if length > size:
                break
            for start in range(size - length + 1):
                lid = get(word[start : start + length])
                if lid is not None:
                    found.add(lid)
        return tuple(sorted(found))

    def word_literals(self, word: str) -> tuple[int, ...]:
        """The ids of the literals made of word characters that occur in ``word``."""
        return self._literals_in(word) if self._word_literals else ()

    def candidates(
        self,
        text: str,
        words: Sequence[str] | None = None,
        literals: set[int] | None = None,
    ) -> list[int]:
        """The indices, in order, of the regexes that can match ``text``.

        ``words``: the text's words as :data:`supportkit.rules._phrases.WORD_RE` finds
        them (``re.findall(r"\\w+", text)``), when the caller has them already;
        ``literals``: instead, the union of :meth:`word_literals` over those words
        (the phrase index finds them with its own per-word look-up).
        """
        if self.size < INDEX_FROM and literals is None:
            # Few regexes: checking each prefilter costs less than the words of the text.
            return [i for i, c in enumerate(self._conditions) if not c or passes(c, text)]
        out = list(self._always)
        present: set[int] = set()
        if literals is not None:
            present.update(literals)
        elif self._word_literals:
            cache = self._words
            present.update(
                *map(cache.__getitem__, _WORD_RE.findall(text) if words is None else words)
            )
        for literal, lid in self._text_literals:
            if literal in text:
                present.add(lid)
        by_pair = self._by_pair
        if by_pair and len(text) >= MIN_ATOM:
            pairs = set(map(str.__add__, text, text[1:]))
            for pair in pairs.intersection(by_pair):
                for literal, lid in by_pair[pair].items():
                    if literal in text:
                        present.add(lid)
        if present:
            seen: dict[int, set[int]] = {}
            owners = self._owners
            for lid in present:
                for index, number in owners[lid]:
                    seen.setdefault(index, set()).add(number)
            needs = self._needs
            out.extend(index for index, numbers in seen.items() if len(numbers) == needs[index])
            out.sort()
        return out


class _WordLiterals(dict[str, tuple[int, ...]]):
    """Word -> ids of the literals in it; computed when missing (bounded: cleared when full)."""

    __slots__ = ("_compute",)

    def __init__(self, compute: Callable[[str], tuple[int, ...]]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, word: str) -> tuple[int, ...]:
        result = self._compute(word)
        if len(word) <= _CACHED_WORD:  # a huge "word" is cut up again rather than kept
            if len(self) >= _CACHE_LIMIT:
                self.clear()
            self[word] = result
        return result
