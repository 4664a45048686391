"""Aspect pairs found from the dictionary: прийти/приходить, мочь/смочь."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportkit.exceptions import InvalidArgument
from supportkit.text import aspect_partners
from supportkit.text._aspect import aspect_of

PAIRS = [
    # a prefixed perfective and the imperfective derived from it
    ("получить", "получать"),
    ("подтвердить", "подтверждать"),  # д -> жд
    ("загрузить", "загружать"),  # з -> ж
    ("отправить", "отправлять"),  # в -> вл
    ("ответить", "отвечать"),  # т -> ч
    ("защитить", "защищать"),  # т -> щ
    ("указать", "указывать"),
    ("подписать", "подписывать"),
    ("спросить", "спрашивать"),  # о -> а and с -> ш
    ("оплатить", "оплачивать"),
    ("заработать", "зарабатывать"),
    ("прийти", "приходить"),
    ("войти", "входить"),
    ("подойти", "подходить"),
    ("найти", "находить"),
    ("принять", "принимать"),
    ("передать", "передавать"),
    ("прислать", "присылать"),
    ("открыть", "открывать"),
    ("пропасть", "пропадать"),
    ("перевести", "переводить"),
    ("помочь", "помогать"),
    ("выбрать", "выбирать"),
    ("назвать", "называть"),
    ("выехать", "выезжать"),
    ("успеть", "успевать"),
    # reflexive verbs keep their ending (сь after a vowel)
    ("открыться", "открываться"),
    ("найтись", "находиться"),
    ("зарегистрироваться", "регистрироваться"),
    # a prefix that only changes the aspect
    ("заблокировать", "блокировать"),
    ("отредактировать", "редактировать"),
    ("посмотреть", "смотреть"),
    ("поставить", "ставить"),
    ("смочь", "мочь"),
    ("сделать", "делать"),
    # pairs no rule derives
    ("вернуть", "возвращать"),
    ("взять", "брать"),
    ("купить", "покупать"),
    ("пойти", "идти"),
    ("начать", "начинать"),
]


@pytest.mark.parametrize(("perfective", "imperfective"), PAIRS)
def test_the_pair_is_found_from_either_side(perfective: str, imperfective: str) -> None:
    assert imperfective in aspect_partners(perfective)
    assert "perf" in aspect_of(perfective)
    assert "impf" in aspect_of(imperfective)
    if not perfective.startswith("по") or perfective in ("помочь", "пойти"):
        assert perfective in aspect_partners(imperfective)


@pytest.mark.parametrize(
    ("verb", "stranger"),
    [
        ("купить", "купать"),  # to buy / to bathe
        ("писать", "списать"),  # another prefix changes the meaning
        ("работать", "заработать"),
        ("выходить", "выхаживать"),  # the perfective "nurse back" is not read first
        ("поставить", "поставлять"),  # to put / to supply
        ("поверить", "поверять"),
        ("сравнивать", "сравнять"),
        ("считать", "считывать"),
        ("ходить", "походить"),
        ("давать", "давить"),
        ("передавать", "передавить"),
    ],
)
def test_a_word_of_another_meaning_is_no_partner(verb: str, stranger: str) -> None:
    assert stranger not in aspect_partners(verb)


@pytest.mark.parametrize(
    "word", ["выплата", "деньги", "пришли", "ghbdtn", "", "123", "а" * 500, "кабинет"]
)
def test_only_an_infinitive_the_dictionary_knows_has_partners(word: str) -> None:
    assert aspect_partners(word) == ()


def test_case_and_yo_do_not_matter() -> None:
    assert aspect_partners("Найти") == aspect_partners("найти")
    assert aspect_partners("зачёркивать") == aspect_partners("зачеркивать")


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([v for pair in PAIRS for v in pair]))
def test_partners_have_the_other_aspect(verb: str) -> None:
    own = aspect_of(verb)
    for partner in aspect_partners(verb):
        theirs = aspect_of(partner)
        assert theirs, partner
        assert theirs | own == {"perf", "impf"}


@pytest.mark.parametrize("value", [None, 5, b"\xd0\xb0", ["прийти"]])
def test_not_a_string_is_a_clear_error(value: object) -> None:
    with pytest.raises(InvalidArgument, match="verb must be one word") as caught:
        aspect_partners(value)  # type: ignore[arg-type]
    assert caught.value.field == "verb"
