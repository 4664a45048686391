"""Tests of supportkit.text._translit: from_translit and its scheme."""

from __future__ import annotations

import pytest

from supportkit.exceptions import InvalidArgument
from supportkit.text import from_translit
from supportkit.text._translit import SCHEME, translit_word


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("vyplata", "выплата"),
        ("zdravstvuyte", "здравствуйте"),
        ("4ek", "чек"),
        ("4to", "что"),
        ("zdravstvuyte, vyplata ne prishla", "здравствуйте, выплата не пришла"),
        ("pozhaluysta pomogite", "пожалуйста помогите"),
        ("yeshche ne prishli den'gi", "еще не пришли деньги"),
        ("Vyplata", "Выплата"),
    ],
)
def test_examples(typed: str, meant: str) -> None:
    assert from_translit(typed) == meant


@pytest.mark.parametrize(
    "text",
    [
        "Beautiful is better than ugly.",
        "SMS",
        "API and Usedesk",
        "Thank you for contacting us, we have received your message.",
        "уже по-русски",
    ],
)
def test_english_and_russian_stay(text: str) -> None:
    assert from_translit(text) == text


def test_force_converts_everything() -> None:
    assert from_translit("sms", force=True) == "смс"


def test_scheme_rules() -> None:
    assert translit_word("shchi") == ("щи", [(0, 4, 1)])
    assert translit_word("moy")[0] == "мой"  # y after a vowel
    assert translit_word("my")[0] == "мы"  # y after a consonant
    assert translit_word("eto")[0] == "это"  # e starting a word
    assert translit_word("ob''yavlenie")[0] == "объявление"
    assert translit_word("taxi")[0] == "такси"
    assert translit_word("VYPLATA")[0] == "ВЫПЛАТА"
    assert all(len(k) <= 4 and v for k, v in SCHEME.items())


def test_non_str() -> None:
    with pytest.raises(InvalidArgument, match="'text'"):
        from_translit(None)  # type: ignore[arg-type]
