"""The phrase language: parsing, dictionary lexemes, typo distance, regex literals."""

from __future__ import annotations

import pytest

from supportkit.exceptions import InvalidRule
from supportkit.rules._phrases import (
    Word,
    damerau,
    deletions,
    parse_phrase,
    required_literal,
)


def test_any_form_word() -> None:
    phrase = parse_phrase("выплата")
    assert phrase.words == (Word("выплата", "form"),)
    assert phrase.kind == "form"
    assert phrase.words[0].lexemes == frozenset({"выплата"})


def test_exact_prefix_typo_and_multiword() -> None:
    assert parse_phrase('"выплата"').words == (Word("выплата", "exact"),)
    assert parse_phrase("выплат*").words == (Word("выплат", "prefix"),)
    assert parse_phrase("выплата~1").words == (Word("выплата", "typo", 1),)
    assert parse_phrase("Деньги НЕ пришли").words == tuple(
        Word(w, "form") for w in ("деньги", "не", "пришли")
    )
    assert {w.mode for w in parse_phrase('"деньги не пришли"').words} == {"exact"}
    assert parse_phrase("деньги не пришл*").words[-1] == Word("пришл", "prefix")
    assert parse_phrase("/регул(яр|ар)ка/").pattern == "регул(яр|ар)ка"
    assert parse_phrase("/регул(яр|ар)ка/").kind == "regex"


def test_phrase_words_are_normalised() -> None:
    # A phrase typed with a Latin "a" still means the Cyrillic word.
    assert parse_phrase("выплaта").words == (Word("выплата", "form"),)
    assert parse_phrase("Ёлка").words == (Word("елка", "form"),)


def test_phrase_of_punctuation_has_no_words() -> None:
    assert parse_phrase("!!!").words == ()
    assert parse_phrase("!!!").kind == "empty"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("", "must be a non-empty phrase string"),
        ("   ", "must be a non-empty phrase string"),
        ("/регул(яр/", "is not a valid regex"),
        ("акт~1", "shorter than 4 letters"),
        ("выплата~3", "use ~1 or ~2"),
        ("выплата~0", "use ~1 or ~2"),
        ("вы*плата", "'*' inside a word"),
        ("*", "does not end a word prefix"),
        ('"выплата', "unbalanced quote"),
        ('выплата "быстро" сейчас', "quote inside a phrase"),
        ("выплата~", "not followed by a number"),
        ("выплат*~1", "not one word"),
    ],
)
def test_bad_phrases_are_rejected_with_the_path(source: str, message: str) -> None:
    with pytest.raises(InvalidRule, match=message) as info:
        parse_phrase(source, field="rules[3].when.any[1]")
    assert info.value.field == "rules[3].when.any[1]"
    assert str(info.value).startswith("rules[3].when.any[1]")
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("выплата", "выплата", 0),
        ("выплата", "выплта", 1),  # delete
        ("выплата", "выпллата", 1),  # insert
        ("выплата", "выплота", 1),  # replace
        ("выплата", "вылпата", 1),  # adjacent swap
        ("выплата", "вылпта", 2),
        ("выплата", "оплата", 2),
    ],
)
def test_damerau(a: str, b: str, distance: int) -> None:
    assert damerau(a, b, 2) == distance
    assert damerau(b, a, 2) == distance


def test_damerau_is_capped() -> None:
    assert damerau("выплата", "перевод", 1) == 2


def test_deletion_neighbourhoods_share_a_string_within_one_edit() -> None:
    for a, b in [("выплата", "вылпата"), ("выплата", "выплта"), ("выплата", "выплота")]:
        assert deletions(a, 1) & deletions(b, 1)


@pytest.mark.parametrize(
    ("pattern", "literal"),
    [
        ("регул(яр|ар)ка", "регул"),
        ("a|b", ""),
        ("(?i)abc", ""),
        ("выплат[аы]", "выплат"),
        ("ab?cd", "cd"),
        ("a{2}bc", "bc"),
        (r"\bцб\b", "цб"),
    ],
)
def test_required_literal(pattern: str, literal: str) -> None:
    assert required_literal(pattern) == literal
