"""Morphology from a Russian dictionary: which lexeme(s) a word form belongs to.

The dictionary is OpenCorpora's, read through ``pymorphy3`` (data: CC BY-SA). A word
form maps to its *readings*: each names a lexeme (its *key*, the dictionary's normal
form with ``ё`` written ``е``), the human dictionary form (``lemma``), the grammemes of
this form and whether the dictionary knows the word or pymorphy3's guesser made the
reading up. Two words are "the same word" when a reading of one and a reading of the
other name the same lexeme.

A phrase word and a text word are read differently:

- a **text word** may be any of its readings (text is ambiguous: ``стали`` is a form of
  ``стать`` and of ``сталь``), so it carries every key;
- a **phrase word** that is itself a dictionary form is read only as that word (the
  phrase ``суть`` is the noun, not a form of ``быть``), unless the dictionary rates that
  reading under 10 % (``может`` is rarely the conjunction: it stays a form of ``мочь``
  too); any other phrase word keeps every reading it has (``пришли``: ``прийти`` and
  ``прислать``; ``стали``: ``стать`` and ``сталь``, which ``lint()`` reports).

The dictionary loads lazily, once per process, on the first look-up (about 0.1 s and
15-20 MiB; a process forked after that shares the pages). Look-ups are cached per word
in a bounded cache. Nothing here is pickled with a rule set.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Final

import attrs

from supportkit.text._check import check_text

if TYPE_CHECKING:
    import pymorphy3

__all__ = [
    "Reading",
    "clear_cache",
    "dictionary_loaded",
    "form_stem",
    "is_dictionary_form",
    "is_name_only",
    "is_russian_word",
    "kept_readings",
    "lemmas",
    "phrase_keys",
    "readings",
    "same_word",
    "text_keys",
]

#: Words longer than this are no Russian word form: they are their own (unknown) lexeme,
#: so a 200,000-letter "word" costs no dictionary search.
MAX_WORD: Final = 40
#: A dictionary-form reading less likely than this does not narrow a phrase word.
RARE: Final = 0.1
_CACHE_LIMIT: Final = 200_000
_DICTIONARY_METHODS: Final = frozenset({"DictionaryAnalyzer"})
_NOT_RUSSIAN: Final = frozenset(
    {
        "LatinAnalyzer",
        "NumberAnalyzer",
        "PunctuationAnalyzer",
        "RomanNumberAnalyzer",
        "RomanNumbersAnalyzer",
    }
)

_lock = threading.Lock()
_state: dict[str, Any] = {}
_readings: dict[str, tuple[Reading, ...]] = {}
_phrase_keys: dict[str, frozenset[str]] = {}
_text_keys: dict[str, frozenset[str]] = {}
_stems: dict[str, str] = {}
#: The dictionary's own keys of a plain Cyrillic folded word (empty: the dictionary does
#: not know it). One look-up per new word serves both is_russian_word and text_keys.
_entries: dict[str, frozenset[str]] = {}
#: Whether every dictionary entry of a known folded word is a proper name (filled beside
#: ``_entries``), and that per (paradigm, form) of the dictionary.
_named: dict[str, bool] = {}
_name_forms: dict[tuple[int, int], bool] = {}


@attrs.frozen
class Reading:
    """One way to read a word form.

    Attributes:
        word: The form read (lower case, ``ё`` as ``е``).
        lemma: The dictionary form a person would look up (``деньги`` for ``денег``).
        key: The lexeme: the dictionary's normal form, ``ё`` as ``е`` (``деньга`` for
            ``денег``, ``прийти`` for ``пришедший``). Equal keys mean the same word.
        tag: The OpenCorpora grammemes of this form (``NOUN,inan,femn plur,gent``).
        score: How likely this reading is, 0..1 (pymorphy3's estimate).
        source: ``dictionary`` (the dictionary knows the form), ``guess`` (pymorphy3's
            guesser built the reading from the word's ending or prefix) or ``other``
            (not a Russian word: Latin, a number; the word is its own key).

    .. versionadded:: 0.3
    """

    word: str
    lemma: str
    key: str
    tag: str
    score: float
    source: str

    @property
    def pos(self) -> str:
        """The part of speech (``NOUN``, ``VERB``, ``INFN`` ...), or ``""``."""
        head = self.tag.split(" ", 1)[0]
        return head.split(",", 1)[0]

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return attrs.asdict(self)

    def __str__(self) -> str:
        where = {"dictionary": "", "guess": ", guessed: not in the dictionary"}.get(
            self.source, ", not a Russian word"
        )
        return f"{self.lemma} ({self.tag}{where})"


def _fold(word: str) -> str:
    return word.lower().replace("ё", "е")


def _analyzer() -> pymorphy3.MorphAnalyzer:
    found = _state.get("analyzer")
    if found is None:
        with _lock:
            found = _state.get("analyzer")
            if found is None:
                import pymorphy3

                found = _state["analyzer"] = pymorphy3.MorphAnalyzer(lang="ru")
    return found


def dictionary_loaded() -> bool:
    """Whether this process has loaded the dictionary yet."""
    return "analyzer" in _state


def _store(cache: dict[Any, Any], word: Any, value: Any) -> None:
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[word] = value


def clear_cache() -> None:
    """Forget every cached look-up (the dictionary itself stays loaded)."""
    for cache in (_readings, _phrase_keys, _text_keys, _stems, _entries, _named):
        cache.clear()


def _lemma(parse: Any, key: str) -> str:
    # A noun whose singular is marked rare ("деньга") is looked up by its plural.
    tag = parse.tag
    if tag.POS == "NOUN" and "plur" in tag and "Pltm" not in tag:
        normal = parse.normalized
        if "Infr" in normal.tag or "Arch" in normal.tag:
            plural = parse.inflect({"plur", "nomn"})
            if plural is not None:
                return _fold(plural.word)
    return key


def readings(word: str) -> tuple[Reading, ...]:
    """Return the readings of one word, most likely first (cached).

    Args:
        word: One word; case and ``ё`` do not matter.

    Returns:
        At least one :class:`Reading`. A word the dictionary does not know gets the
        guesser's readings (``source == "guess"``); a Latin word or a number, one
        reading that is the word itself.

    .. versionadded:: 0.3
    """
    if type(word) is not str:
        check_text(word, "word")
    found = _readings.get(word)
    if found is not None:
        return found
    folded = _fold(word)
    if folded != word:
        out = readings(folded)
        _store(_readings, word, out)
        return out
    if not word or len(word) > MAX_WORD or not any("а" <= c <= "я" for c in word):
        out = (Reading(word, word, word, "UNKN", 1.0, "other"),)
        _store(_readings, word, out)
        return out
    best: dict[tuple[str, str], Reading] = {}
    for parse in _analyzer().parse(word):
        methods = {type(step[0]).__name__ for step in parse.methods_stack}
        if methods & _NOT_RUSSIAN:
            source = "other"
        elif methods <= _DICTIONARY_METHODS:
            source = "dictionary"
        else:
            source = "guess"
        key = _fold(parse.normal_form)
        tag = str(parse.tag)
        ident = (key, tag)
        if ident in best:
            continue
        best[ident] = Reading(word, _lemma(parse, key), key, tag, float(parse.score), source)
    out = tuple(sorted(best.values(), key=lambda r: -r.score)) or (
        Reading(word, word, word, "UNKN", 1.0, "other"),
    )
    _store(_readings, word, out)
    return out


def lemmas(word: str) -> tuple[str, ...]:
    """Return the dictionary forms of ``word``, most likely first.

    ``lemmas("денег")[0] == "деньги"``; ``"прийти" in lemmas("пришло")``;
    ``"человек" in lemmas("людей")``. Lemmas are lower case with ``е`` for ``ё``.

    .. versionadded:: 0.3
    """
    check_text(word, "word")
    weight: dict[str, float] = {}
    for reading in readings(word):
        weight[reading.lemma] = weight.get(reading.lemma, 0.0) + reading.score
    return tuple(sorted(weight, key=lambda lemma: -weight[lemma]))


def is_dictionary_form(word: str) -> bool:
    """Whether ``word`` is the dictionary form (lemma) of one of its readings."""
    folded = _fold(word)
    return any(folded in (r.key, r.lemma) for r in readings(folded))


def is_russian_word(word: str) -> bool:
    """Whether the dictionary itself (not the guesser) knows ``word`` as a Russian form."""
    folded = _fold(word)
    found = _entries.get(folded)
    if found is None:
        if not _plain_cyrillic(folded):
            return False
        found = _known_keys(folded)
    return bool(found)


_NAMES: Final = ("Name", "Surn", "Patr", "Geox", "Orgn", "Trad")


def is_name_only(word: str) -> bool:
    """Whether every dictionary reading of ``word`` is a proper name (``кароль``)."""
    every = readings(_fold(word))
    return all(any(g in r.tag for g in _NAMES) for r in every)


def kept_readings(word: str) -> tuple[Reading, ...]:
    """The readings a *phrase* word stands for (see the module docstring)."""
    folded = _fold(word)
    every = readings(folded)
    own = tuple(r for r in every if folded in (r.key, r.lemma))
    if sum(r.score for r in own) < RARE:
        return every  # "может" is a rare conjunction and a common form of "мочь"
    return own


def phrase_keys(word: str) -> frozenset[str]:
    """Return the lexemes a phrase word stands for (cached).

    A dictionary form stands only for itself; any other word for every lexeme it can
    be a form of.
    """
    found = _phrase_keys.get(word)
    if found is None:
        found = frozenset(r.key for r in kept_readings(word))
        _store(_phrase_keys, word, found)
    return found


def text_keys(word: str) -> frozenset[str]:
    """Return every lexeme a word of the text may be a form of (cached)."""
    found = _text_keys.get(word)
    if found is None:
        folded = _fold(word)
        if folded in _readings or not _plain_cyrillic(folded):
            found = frozenset(r.key for r in readings(folded))
        else:
            # The cold path of every new word of a message: the dictionary's own entries
            # when it knows the word (what pymorphy3's dictionary step reads, without
            # building and scoring parses: several times faster), else the guesser.
            found = _known_keys(folded) or frozenset(
                _fold(n) for n in _analyzer().normal_forms(folded)
            )
        _store(_text_keys, word, found)
    return found


def _known_keys(word: str) -> frozenset[str]:
    # The one dictionary look-up of a plain Cyrillic folded word, cached: its keys are
    # non-empty exactly when the dictionary knows the word (similar_items finds what
    # word_is_known's similar_keys finds, with the same substitutes).
    found = _entries.get(word)
    if found is None:
        analyzer = _analyzer()
        items = analyzer.dictionary.words.similar_items(word, analyzer.char_substitutes)
        found = _dictionary_keys(items) if items else _UNKNOWN
        if items:
            _store(_named, word, _names_only(items))
        _store(_entries, word, found)
    return found


def may_be_name_only(word: str) -> bool:
    """False when the dictionary reads ``word`` as something other than a proper name.

    A necessary condition for :func:`is_name_only` read from the one dictionary look-up
    of :func:`is_russian_word` (no parse): the dictionary's readings of a known word
    are among its readings, so one that is no name makes ``is_name_only`` false.
    True when nothing is known (then only ``is_name_only`` can tell).
    """
    return _named.get(_fold(word), True)


def _names_only(items: list[tuple[str, Any]]) -> bool:
    dictionary = _analyzer().dictionary
    cache = _name_forms
    for _fixed, entries in items:
        for form in entries:
            named = cache.get(form)
            if named is None:
                tag = str(dictionary.build_tag_info(*form))
                named = cache[form] = any(g in tag for g in _NAMES)
            if not named:
                return False
    return True


_UNKNOWN: Final[frozenset[str]] = frozenset()


def _dictionary_keys(items: list[tuple[str, Any]]) -> frozenset[str]:
    dictionary = _analyzer().dictionary
    return frozenset(
        _fold(dictionary.build_normal_form(paradigm, index, fixed))
        for fixed, entries in items
        for paradigm, index in entries
    )


def _plain_cyrillic(word: str) -> bool:
    return bool(word) and len(word) <= MAX_WORD and any("а" <= c <= "я" for c in word)


def same_word(phrase_word: str, text_word: str) -> bool:
    """Whether ``text_word`` is a grammatical form of the bare phrase word ``phrase_word``.

    True for ``выплата``/``выплатой``, ``день``/``дня``, ``мочь``/``может``,
    ``прийти``/``пришёл``, ``человек``/``люди``; False for a different word that
    merely shares letters (``заём``/``за``, ``почта``/``почти``, ``брат``/``брать``).
    A phrase word that is itself a dictionary form is read only as that word
    (``same_word("суть", "был")`` is False).

    .. versionadded:: 0.3
    """
    check_text(phrase_word, "phrase_word")
    check_text(text_word, "text_word")
    return not phrase_keys(phrase_word).isdisjoint(text_keys(text_word))


def form_stem(word: str) -> str:
    """Return the part every form of the phrase word's lexeme(s) starts with.

    The dictionary's stem (``выплат`` for ``выплата``), used where edits are counted
    between a stem and an ending (typo tolerance). A lexeme whose forms share fewer
    than three letters (``идти``/``шёл``) falls back to the word minus its last letter.
    """
    folded = _fold(word)
    found = _stems.get(folded)
    if found is not None:
        return found
    forms: list[str] = []
    if any("а" <= c <= "я" for c in folded) and len(folded) <= MAX_WORD:
        keep = {(r.key, r.tag) for r in kept_readings(folded) if r.source != "other"}
        for parse in _analyzer().parse(folded):
            if (_fold(parse.normal_form), str(parse.tag)) in keep:
                forms.extend(_fold(f.word) for f in parse.lexeme)
                break
    out = _common_prefix(forms) if forms else folded
    if len(out) < 3:
        out = folded[:-1] if len(folded) > 3 else folded
    _store(_stems, folded, out)
    return out


def _common_prefix(words: list[str]) -> str:
    low, high = min(words), max(words)
    size = 0
    while size < len(low) and low[size] == high[size]:
        size += 1
    return low[:size]
