"""The phrase index: every word of a message is looked up once, whatever the number of rules.

Each phrase word becomes an *atom* (a word in any form, an exact form, a prefix or a
typo-tolerant word). A message's words are mapped to the atoms they satisfy through
dictionaries (lexeme -> atoms, form -> atoms, prefix -> atoms, deletion neighbourhood ->
typo atoms), and the result per distinct word is cached, so the cost of a message
depends on its length, not on the size of the rule set. Phrases of several words are
then checked by following their atoms through the next words.

"Any form" is decided by the dictionary (:mod:`supportkit.text._morphology`): a phrase
word is indexed under the lexemes it stands for (widened by its synonym group), a text
word looks up the lexemes it may be a form of, and they match when the two meet.
"""

from __future__ import annotations

import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any, Final

import regex

from supportkit.rules._load import Options
from supportkit.rules._phrases import (
    MIN_TYPO_LENGTH,
    Phrase,
    Word,
    damerau,
    deletions,
    required_literal,
    tokenize,
)
from supportkit.rules._prefilter import RegexIndex
from supportkit.rules._text import key_of
from supportkit.text._aspect import with_partners
from supportkit.text._morphology import (
    form_stem,
    is_name_only,
    is_russian_word,
    may_be_name_only,
    phrase_keys,
    text_keys,
)

__all__ = ["ENDINGS", "Hit", "Matcher"]

#: A phrase occurrence: (first token, last token) for words, or (-1 - start, end) in
#: characters of the normalised text for a regex match.
Hit = tuple[int, int]
#: One id, or several (the compact form of the index's values).
Ids = int | tuple[int, ...]

_CACHE_LIMIT: Final = 300_000
#: The longest tail cut off a text word as a (possibly mistyped) ending.
_TAIL: Final = 4
#: Inflection endings a typo-tolerant word may carry after a stem with a typo in it.
ENDINGS: Final = frozenset(
    [
        "а",
        "я",
        "о",
        "е",
        "ы",
        "и",
        "у",
        "ю",
        "ь",
        "й",
        "ой",
        "ей",
        "ою",
        "ею",
        "ом",
        "ем",
        "ам",
        "ям",
        "ах",
        "ях",
        "ами",
        "ями",
        "ов",
        "ев",
        "ий",
        "ый",
        "ая",
        "яя",
        "ое",
        "ее",
        "ые",
        "ие",
        "ого",
        "его",
        "ому",
        "ему",
        "ую",
        "юю",
        "ых",
        "их",
        "ым",
        "им",
        "ыми",
        "ими",
        "ть",
        "ет",
        "ит",
        "ут",
        "ют",
        "ат",
        "ят",
        "ете",
        "ите",
        "ли",
        "ла",
        "ло",
        "ешь",
        "ишь",
        "ся",
        "сь",
    ]
)
_EMPTY: Final[tuple[int, ...]] = ()
_CYRILLIC_RE: Final = regex.compile("[а-я]")


class Matcher:
    """A compiled index over the phrases of a rule set (internal, rebuilt on unpickling)."""

    def __init__(
        self,
        phrases: Sequence[Phrase],
        options: Options,
        key: object = None,
        synonyms: Sequence[Sequence[str]] = (),
        ids: Sequence[int] | None = None,
    ) -> None:
        self.options = options
        self.phrases = tuple(phrases)
        self.synonyms = tuple(tuple(group) for group in synonyms)
        self._groups: list[frozenset[str]] = [
            frozenset().union(*(phrase_keys(w) for w in group)) for group in self.synonyms
        ]
        self._key = key
        self._atom_ids: dict[tuple[str, str, int], int] = {}
        self.atoms: list[Word] = []
        # Lists while the index is built, then the compact Ids (see below).
        self._form: dict[str, Any] = {}
        self._exact: dict[str, Any] = {}
        self._prefix: dict[str, Any] = {}
        self._prefix_lengths: list[int] = []
        self._fuzzy: dict[int, set[int]] = {}
        self._fuzzy_stem: dict[int, set[int]] = {}
        self._max_typos = 0
        self._max_typo_length = 0
        # Whether a phrase word is unknown to the dictionary (read by the guesser); only
        # then do unknown words of the text need the (slow) guesser too.
        self._guessed = False
        starts: dict[int, list[int]] = {}
        #: Phrase id -> its atoms in order (``()`` for a regex or empty phrase).
        seqs: list[tuple[int, ...]] = []
        self.regexes: list[tuple[int, regex.Pattern[str], str]] = []
        self._regex_index: RegexIndex | None = None
        self._typo_words: frozenset[str] | None = None
        self._stem_words: frozenset[str] | None = None
        self._cache: dict[str, tuple[int, ...]] = _AtomCache(self._uncached)
        # ``ids``: the caller's int objects for 0, 1, ... (shared, not one more each).
        for pid, phrase in zip(ids or range(len(self.phrases)), self.phrases, strict=True):
            if phrase.pattern is not None:
                self.regexes.append(
                    (pid, regex.compile(phrase.pattern), required_literal(phrase.pattern))
                )
                seqs.append(_EMPTY)
                continue
            if not phrase.words:
                seqs.append(_EMPTY)
                continue
            seq = tuple(self._atom(word) for word in phrase.words)
            seqs.append(seq)
            starts.setdefault(seq[0], []).append(pid)
        # Compact the index: most entries hold one id, kept as the int itself (a
        # one-element set costs about 200 bytes, a list 64, a tuple 48, the int 0),
        # the others as tuples (no list slack); so is a phrase's atom sequence.
        self._seqs: list[Ids] = [seq[0] if len(seq) == 1 else seq for seq in seqs]
        #: First atom -> the phrase id(s) starting with it.
        self._starts: dict[int, Ids] = {k: _compact(v) for k, v in starts.items()}
        self._prefix_lengths = sorted({len(p) for p in self._prefix})
        self._form = {k: _compact(v) for k, v in self._form.items()}
        self._exact = {k: _compact(v) for k, v in self._exact.items()}
        self._prefix = {k: _compact(v) for k, v in self._prefix.items()}
        # The typo index: a sorted array of a checksum of each deletion variant beside
        # an array of its atoms (8 bytes an entry, where a dict of variant strings
        # cost some 150; a 50,000-rule set has some 80,000 variants). A collision
        # can only add a candidate, and every candidate is checked against the word
        # with `damerau` before it counts.
        self._fuzzy_ids = _TypoTable(self._fuzzy)
        self._fuzzy_stem_ids = _TypoTable(self._fuzzy_stem)
        del self._fuzzy, self._fuzzy_stem

    def __getstate__(self) -> dict[str, object]:
        # The compiled index is plain strings and ints: it pickles small and loads fast,
        # and carries nothing of the dictionary. The word cache starts empty again.
        state = self.__dict__.copy()
        del state["_cache"]
        state.pop("_regex_index", None)
        state.pop("_typo_words", None)
        state.pop("_stem_words", None)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._regex_index = None
        self._typo_words = None
        self._stem_words = None
        self._cache = _AtomCache(self._uncached)

    @property
    def regex_index(self) -> RegexIndex:
        """The prefilter index of the regex phrases (built on first use, never pickled)."""
        index = self._regex_index
        if index is None:
            # Several threads may build it at once: each builds the same index.
            index = self._regex_index = RegexIndex([p.pattern for _, p, _ in self.regexes])
        return index

    def _atom(self, word: Word) -> int:
        if word.mode == "typo" and not self.options.typos:
            word = Word(word.text, "form")
        ident = (word.mode, word.text, word.typos)
        found = self._atom_ids.get(ident)
        if found is not None:
            return found
        atom = len(self.atoms)
        self._atom_ids[ident] = atom
        self.atoms.append(word)
        for text in self._texts(word.text):
            if word.mode in ("form", "typo"):
                for lexeme in self.lexemes(text):
                    self._form.setdefault(lexeme, []).append(atom)
                if not is_russian_word(text) and any("а" <= c <= "я" for c in text):
                    self._guessed = True
            if word.mode == "exact":
                self._exact.setdefault(text, []).append(atom)
            elif word.mode == "prefix":
                self._prefix.setdefault(text, []).append(atom)
            elif word.mode == "typo":
                self._max_typos = max(self._max_typos, word.typos)
                self._max_typo_length = max(self._max_typo_length, len(text))
                for variant in deletions(text, word.typos):
                    self._fuzzy.setdefault(_checksum(variant), set()).add(atom)
                for variant in deletions(form_stem(text), word.typos):
                    self._fuzzy_stem.setdefault(_checksum(variant), set()).add(atom)
        return atom

    def _texts(self, text: str) -> set[str]:
        """The texts a phrase word is indexed under: itself, and its key if keys are on."""
        texts = {text}
        if self.options.keys:
            texts.add(key_of(text))
        return texts

    def _typo_variants(self) -> frozenset[str]:
        """Every whole-word deletion variant the typo index files (built on first use).

        The strings behind the checksums of ``_fuzzy_ids``: a text word none of whose
        own variants is here has no typo atom near it as a whole word.
        """
        found = self._typo_words
        if found is None:
            # Several threads may build it at once: each builds the same set.
            found = self._typo_words = self._variants(lambda text: text)
        return found

    def _stem_variants(self) -> frozenset[str]:
        """The stem deletion variants the typo index files (``_fuzzy_stem_ids``'s strings)."""
        found = self._stem_words
        if found is None:
            found = self._stem_words = self._variants(form_stem)
        return found

    def _variants(self, part: Callable[[str], str]) -> frozenset[str]:
        out: set[str] = set()
        for word in self.atoms:
            if word.mode == "typo":
                for text in self._texts(word.text):
                    out |= deletions(part(text), word.typos)
        return frozenset(out)

    def lexemes(self, word: str) -> frozenset[str]:
        """The lexemes a bare phrase word stands for, with those of its synonym group."""
        keys = phrase_keys(word)
        if self.options.aspects:
            keys = with_partners(keys)
        for group in self._groups:
            if not keys.isdisjoint(group):
                keys = keys | group
        return keys

    def satisfies(self, word: Word, token: str) -> bool:
        """Whether the normalised text word ``token`` satisfies the phrase word ``word``."""
        if word.mode == "typo" and not self.options.typos:
            word = Word(word.text, "form")
        atom = self._atom_ids.get((word.mode, word.text, word.typos))
        return atom is not None and atom in self.atoms_of(token)

    def atoms_of(self, token: str) -> tuple[int, ...]:
        """Return the atoms one normalised word satisfies (cached per distinct word)."""
        return tuple(atom for atom in self._cache[token] if atom >= 0)

    def _uncached(self, token: str) -> tuple[int, ...]:
        result = self._compute(token)
        if self.options.keys:
            key = key_of(token)
            if key != token:
                result = tuple(sorted({*result, *self._compute(key)}))
        if self.regexes:
            # The regex prefilter's word literals in this word ride along as negative
            # ids (-1 - literal id), so a message's words are looked up once for both.
            literals = self.regex_index.word_literals(token)
            if literals:
                result = (*(-1 - lid for lid in literals), *result)
        return result

    def _compute(self, token: str) -> tuple[int, ...]:
        out: set[int] = set()
        form = self._form
        # A word the dictionary does not know can only be a form of a word the
        # dictionary does not know either: without such phrase words, skip the guesser.
        if self._guessed or is_russian_word(token) or not _CYRILLIC_RE.search(token):
            for lexeme in text_keys(token):
                _add(out, form.get(lexeme))
        _add(out, self._exact.get(token))
        for length in self._prefix_lengths:
            if length > len(token):
                break
            _add(out, self._prefix.get(token[:length]))
        # A word far longer than every typo word cannot be within budget of one (a
        # 200,000-letter "word" would otherwise build millions of deletion variants).
        if self._max_typos and 3 <= len(token) <= self._max_typo_length + self._max_typos + _TAIL:
            out.update(self._typo_atoms(token))
        return tuple(sorted(out))

    def _typo_atoms(self, token: str) -> set[int]:
        """Typo-tolerant words within budget of ``token``.

        Edits are counted over the whole word, and over the dictionary stem of the
        phrase word (:func:`form_stem`) plus an ending: an inflected form with a typo in
        it (``выплотой``) is cut into a head and a tail, the tail costing 0 when it is
        an inflection ending and 1 when it is one edit away from one. Only words at
        most ``_TAIL`` letters longer than the longest typo word get here.
        """
        limit = self._max_typos
        heads: dict[str, int] = {}
        # A word the dictionary knows is another word, not a typo (личный is no typo of
        # яичный~1, кабинете none of кубинка~1); only a proper name (кароль for
        # пароль~1), which a customer does not mean, counts, and only as a whole word.
        known = is_russian_word(token)
        if known:
            near: set[int] = set()
            if not may_be_name_only(token):
                return near  # what the name check at the end would say
            # Most known words have no typo word near them at all: tell them apart with
            # string look-ups before building and checksumming every deletion variant.
            variants = self._typo_variants()
            if limit == 1:
                if token not in variants and not any(
                    token[:i] + token[i + 1 :] in variants for i in range(len(token))
                ):
                    return near
            elif variants.isdisjoint(deletions(token, limit)):
                return near
            near_atoms: set[int] = set()
            self._fuzzy_ids.collect(near_atoms, deletions(token, limit))
            for atom in near_atoms:
                word = self.atoms[atom]
                if _near(token, word.text, word.typos):
                    near.add(atom)
            # The string checks first: the name check parses the word (the slow part).
            if near and not is_name_only(token):
                near.clear()
            return near
        for cut in range(max(3, len(token) - _TAIL), len(token) + 1):
            tail = token[cut:]
            cost = 0 if not tail or tail in ENDINGS else 1 if tail in _near_endings() else 9
            if cost <= limit:
                head = token[:cut]
                heads[head] = min(cost, heads.get(head, cost))
        whole = deletions(token, limit)
        # The heads share most of their variants (each is the next one minus a letter):
        # look each distinct variant up once.
        parts = set().union(*(deletions(head, limit) for head in heads))
        if self._stem_variants().isdisjoint(parts) and self._typo_variants().isdisjoint(whole):
            # No variant string in common (most new words): only a checksum collision
            # could make a candidate, and the plain algorithm has none.
            return set()
        candidates: set[int] = set()
        self._fuzzy_ids.collect(candidates, whole)
        self._fuzzy_stem_ids.collect(candidates, parts)
        found: set[int] = set()
        for atom in candidates:
            word = self.atoms[atom]
            budget = word.typos
            target = form_stem(word.text)
            if _near(token, word.text, budget) or (
                # a stem of 3 letters one edit away matches too much (ваб ~ вас)
                not known
                and len(target) >= MIN_TYPO_LENGTH
                and (
                    any(
                        _near(head, target, budget - cost)
                        for head, cost in heads.items()
                        if cost <= budget
                    )
                    or any(  # a swap across the stem/ending boundary (лубахеках -> лубахеакх)
                        _near(token, target + ending, budget)
                        for ending in ENDINGS
                        if abs(len(target) + len(ending) - len(token)) <= budget
                    )
                )
            ):
                found.add(atom)
        return found

    def scan(self, text: str) -> tuple[list[str], dict[int, list[Hit]]]:
        """Find every word phrase in normalised ``text``.

        Returns:
            The tokens, and phrase id -> list of ``(first token, last token)``.
        """
        tokens, hits, _literals = self.scan_words(text)
        return tokens, hits

    def scan_words(self, text: str) -> tuple[list[str], dict[int, list[Hit]], set[int]]:
        """:meth:`scan`, and the ids of the regex prefilter's word literals in the words.

        The literal ids are those of :meth:`RegexIndex.word_literals` of
        :attr:`regex_index`, for :meth:`RegexIndex.candidates`.
        """
        tokens = tokenize(text)
        # One C-level lookup per word; only a word never seen before runs Python code.
        found: dict[int, tuple[int, ...]] = {
            i: a for i, a in enumerate(map(self._cache.__getitem__, tokens)) if a
        }
        hits: dict[int, list[Hit]] = {}
        literals: set[int] = set()
        if not found:
            return tokens, hits, literals
        if self.regexes:
            literals = {-1 - a for atoms in found.values() if atoms[0] < 0 for a in atoms if a < 0}
        starts = self._starts
        seqs = self._seqs
        gap = self.options.gap
        for i, atoms in found.items():
            for atom in atoms:
                found_pids = starts.get(atom)
                if found_pids is None:
                    continue
                for pid in (found_pids,) if found_pids.__class__ is int else found_pids:  # type: ignore[union-attr]
                    seq = seqs[pid]
                    if seq.__class__ is int:
                        end = i
                    else:
                        end = _follow(seq, i, found, gap)  # type: ignore[arg-type]
                        if end < 0:
                            continue
                    bucket = hits.get(pid)
                    if bucket is None:
                        hits[pid] = [(i, end)]
                    else:
                        bucket.append((i, end))
        return tokens, hits, literals


def _compact(ids: Iterable[int]) -> Ids:
    """One id as the int itself, several as a sorted tuple."""
    out = tuple(sorted(set(ids)))
    return out[0] if len(out) == 1 else out


def _add(out: set[int], ids: Ids | None) -> None:
    if ids is None:
        return
    if isinstance(ids, int):
        out.add(ids)
    else:
        out.update(ids)


def _checksum(variant: str) -> int:
    """A key for a deletion variant that is the same in every process (unlike hash)."""
    return zlib.crc32(variant.encode("utf-8", "surrogatepass"))


class _TypoTable:
    """Deletion variant -> typo atoms, as two flat arrays sorted by variant checksum.

    Most variants of a text word are filed under nothing. A bit set over the low bits
    of the checksums (two bytes an entry, built on first use and never pickled) tells
    most of them apart in a few operations, so only the rest are searched by bisection.
    A set bit that belongs to another checksum only costs that search.
    """

    __slots__ = ("_bits", "_mask", "atoms", "keys")

    def __init__(self, index: dict[int, set[int]]) -> None:
        pairs = sorted((key, atom) for key, atoms in index.items() for atom in atoms)
        self.keys = array("I", [key for key, _ in pairs])
        self.atoms = array("I", [atom for _, atom in pairs])
        self._bits: bytes | None = None
        self._mask = 0

    def get(self, variant: str) -> array[int]:
        """The atoms filed under ``variant`` (or under a string with the same checksum)."""
        key = _checksum(variant)
        keys = self.keys
        start = bisect_left(keys, key)
        return self.atoms[start : bisect_right(keys, key, start)]

    def collect(self, out: set[int], variants: Iterable[str]) -> None:
        """Add to ``out`` the atoms filed under each of ``variants`` (as :meth:`get` does)."""
        bits = self._bits
        if bits is None:
            bits = self._build_bits()
        mask = self._mask
        keys = self.keys
        atoms = self.atoms
        crc32 = zlib.crc32
        for variant in variants:
            key = crc32(variant.encode("utf-8", "surrogatepass"))
            low = key & mask
            if bits[low >> 3] >> (low & 7) & 1:
                start = bisect_left(keys, key)
                out.update(atoms[start : bisect_right(keys, key, start)])

    def _build_bits(self) -> bytes:
        # 16 bits an entry (at least 64 bytes): about one variant in 16 that is filed
        # under nothing still gets searched.
        size = 64
        while size < 2 * len(self.keys):
            size *= 2
        mask = size * 8 - 1
        bits = bytearray(size)
        for key in self.keys:
            low = key & mask
            bits[low >> 3] |= 1 << (low & 7)
        # Several threads may build it at once: each builds the same bytes.
        self._mask = mask
        self._bits = frozen = bytes(bits)
        return frozen

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _TypoTable):
            return NotImplemented
        return self.keys == other.keys and self.atoms == other.atoms

    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> tuple[array[int], array[int]]:
        return self.keys, self.atoms

    def __setstate__(self, state: tuple[array[int], array[int]]) -> None:
        self.keys, self.atoms = state
        self._bits = None
        self._mask = 0


class _AtomCache(dict[str, tuple[int, ...]]):
    """Word -> atoms; a missing word is computed and stored (bounded: cleared when full)."""

    __slots__ = ("_compute",)

    def __init__(self, compute: Callable[[str], tuple[int, ...]]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, token: str) -> tuple[int, ...]:
        result = self._compute(token)
        if len(self) >= _CACHE_LIMIT:
            self.clear()
        self[token] = result
        return result


@lru_cache(maxsize=1)
def _near_endings() -> frozenset[str]:
    """Every string one edit (insert, delete, replace, swap) away from an ending."""
    letters = "абвгдежзийклмнопрстуфхцчшщъыьэюя"
    out: set[str] = set()
    for ending in ENDINGS:
        for i in range(len(ending) + 1):
            out.update(ending[:i] + c + ending[i:] for c in letters)
            if i < len(ending):
                out.add(ending[:i] + ending[i + 1 :])
                out.update(ending[:i] + c + ending[i + 1 :] for c in letters)
            if i + 1 < len(ending):
                out.add(ending[:i] + ending[i + 1] + ending[i] + ending[i + 2 :])
    return frozenset(out)


def _near(a: str, b: str, limit: int) -> bool:
    """Whether ``damerau(a, b, limit) <= limit``, checked directly for a budget of one edit.

    One edit is one insertion, deletion, substitution or swap of adjacent letters: past
    the common beginning, the rest of the two words must then be equal (a word's typo
    budget is almost always 1, and the table of :func:`damerau` costs ``len(a) * len(b)``).
    """
    if a == b:
        return limit >= 0
    if limit != 1:
        return limit > 1 and damerau(a, b, limit) <= limit
    size = len(a)
    other = len(b)
    if size == other:
        i = 0
        while a[i] == b[i]:  # they differ somewhere
            i += 1
        return a[i + 1 :] == b[i + 1 :] or (
            i + 1 < size and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
        )
    if size == other + 1:
        a, b, size = b, a, other
    elif other != size + 1:
        return False
    # ``b`` is one letter longer: ``a`` with a letter inserted?
    i = 0
    while i < size and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


def _follow(seq: tuple[int, ...], start: int, found: dict[int, tuple[int, ...]], gap: int) -> int:
    position = start
    for atom in seq[1:]:
        for k in range(position + 1, position + 2 + gap):
            atoms = found.get(k)
            if atoms is not None and atom in atoms:
                position = k
                break
        else:
            return -1
    return position
