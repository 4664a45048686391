"""Tests of supportkit.text._mixed: mixed_script_words and match_key."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supportkit.exceptions import InvalidArgument
from supportkit.text import MixedWord, match_key, mixed_script_words, normalize


def test_mixed_words_with_offsets() -> None:
    text = "Моя вып\u00adлaта и BЫПЛАТА, пр0блема, тариф300, SMS, smsкод"
    found = mixed_script_words(text)
    assert [(w.word, w.scripts, w.fixed) for w in found] == [
        ("вып\u00adлaта", ("cyrillic", "latin"), "выплата"),
        ("BЫПЛАТА", ("cyrillic", "latin"), "ВЫПЛАТА"),
        ("пр0блема", ("cyrillic", "digits"), "проблема"),
        ("smsкод", ("cyrillic", "latin"), "smsкод"),
    ]
    for w in found:
        assert text[w.start : w.end] == w.word


def test_mixed_word_value() -> None:
    (w,) = mixed_script_words("ﬁнал")  # NFKC: the ligature becomes "fi"
    assert w == MixedWord("ﬁнал", 0, 4, ("cyrillic", "latin"), "fiнал")
    assert w.to_dict() == {
        "word": "ﬁнал",
        "start": 0,
        "end": 4,
        "scripts": ["cyrillic", "latin"],
        "fixed": "fiнал",
    }


def test_nothing_mixed() -> None:
    assert mixed_script_words("Выплата не пришла, SMS 123") == []
    assert mixed_script_words("plain ascii") == []


@given(st.text(st.sampled_from(list("выплатаacepoxBHMT036 \u00ad")), max_size=30))
def test_offsets_are_slices_and_fixed_is_normal(text: str) -> None:
    for w in mixed_script_words(text):
        assert text[w.start : w.end] == w.word
        assert normalize(w.fixed) == normalize(w.word)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("PEKA", "река"),
        ("Выплaта", "ВЫПЛАТА"),
        ("BOT", "вот"),  # the documented collision
        ("TOP", "тор"),
        ("cop", "сор"),
    ],
)
def test_keys_match_across_scripts(a: str, b: str) -> None:
    assert match_key(a) == match_key(b)


def test_keys_keep_other_words() -> None:
    assert match_key("SMS и API") == "sms и api"
    assert match_key("тариф300 Usedesk") == "тариф300 usedesk"
    assert match_key("PEKA") == "река"


def test_collision_is_real() -> None:
    # English words made only of such letters get the key of a Cyrillic look-alike.
    assert match_key("chat bot") == "снат вот"
    assert normalize("chat bot") != normalize("вот")


@pytest.mark.parametrize("func", [mixed_script_words, match_key])
def test_non_str(func: object) -> None:
    with pytest.raises(InvalidArgument, match="'text'"):
        func(1.5)  # type: ignore[operator]
