"""One dictionary look-up per new word serves ``is_russian_word`` and ``text_keys``."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from supportkit.text import _morphology as morph

WORDS = [
    "выплата",
    "выплатой",
    "выплотой",
    "стали",
    "ёлка",
    "елка",
    "пришёл",
    "людей",
    "кароль",
    "пароль",
    "лубахеакх",
    "может",
    "суть",
    "денег",
    "qwerty",
    "123",
    "",
    "а" * 41,
    "приветик",
    "ъъъ",
    "деньги",
    "почта",
    "почти",
    "заём",
]
LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"


def _plain(word: str) -> tuple[bool, frozenset[str]]:
    # What the two look-ups gave before: word_is_known, then the keys.
    folded = morph._fold(word)
    known = morph._plain_cyrillic(folded) and bool(morph._analyzer().word_is_known(folded))
    if not known:
        return False, frozenset()
    analyzer = morph._analyzer()
    dictionary = analyzer.dictionary
    keys = frozenset(
        morph._fold(dictionary.build_normal_form(paradigm, index, fixed))
        for fixed, entries in dictionary.words.similar_items(folded, analyzer.char_substitutes)
        for paradigm, index in entries
    )
    return True, keys


def _check(word: str) -> None:
    known, keys = _plain(word)
    for first_keys in (False, True):
        morph.clear_cache()
        if first_keys:
            text = morph.text_keys(word)
            russian = morph.is_russian_word(word)
        else:
            russian = morph.is_russian_word(word)
            text = morph.text_keys(word)
        assert russian == known, word
        if known:
            assert text == keys, word
        # The cached answers stay the same.
        assert morph.is_russian_word(word) == known
        assert morph.text_keys(word) == text


def test_known_words_and_non_words_agree_with_word_is_known() -> None:
    for word in WORDS:
        _check(word)
    morph.clear_cache()


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=LETTERS, min_size=1, max_size=12))
def test_random_cyrillic_words_agree(word: str) -> None:
    _check(word)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(WORDS[:12]), st.integers(0, 11), st.sampled_from(LETTERS))
def test_mistyped_words_agree(word: str, at: int, letter: str) -> None:
    _check(word[:at] + letter + word[at + 1 :])


def test_the_entries_cache_is_bounded_and_cleared() -> None:
    morph.clear_cache()
    morph.is_russian_word("выплата")
    assert "выплата" in morph._entries
    morph.clear_cache()
    assert not morph._entries


NAMES_AND_WORDS = [
    "кароль",
    "марина",
    "москва",
    "иванов",
    "петрович",
    "король",
    "роза",
    "вера",
    "надежда",
    "любовь",
    "пароль",
    "олег",
    "сбербанк",
    "выплата",
]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(NAMES_AND_WORDS) | st.text(LETTERS, min_size=1, max_size=8), st.booleans())
def test_may_be_name_only_is_a_necessary_condition_of_is_name_only(word: str, cold: bool) -> None:
    if cold:
        morph.clear_cache()
    known = morph.is_russian_word(word)  # the look-up that fills the flag
    if known and not morph.may_be_name_only(word):
        assert not morph.is_name_only(word)
    if known and morph.is_name_only(word):
        assert morph.may_be_name_only(word)


def test_the_name_flag_tells_a_name_from_a_word() -> None:
    morph.clear_cache()
    assert morph.is_russian_word("кароль")
    assert morph.may_be_name_only("кароль")
    assert morph.is_russian_word("король")
    assert not morph.may_be_name_only("король")
    morph.clear_cache()
    assert morph.may_be_name_only("король")  # nothing looked up yet: only the parse can tell
