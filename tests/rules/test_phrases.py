"""The phrase language: parsing, dictionary lexemes, typo distance, regex literals."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from supportkit.exceptions import InvalidRule
from supportkit.rules import RuleSet
from supportkit.rules._phrases import (
    Word,
    damerau,
    deletions,
    parse_phrase,
    required_literal,
)

SRC = str(Path(__file__).resolve().parents[2] / "src")


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


def _fires(phrase: str, text: str, **kwargs: Any) -> bool:
    ruleset = RuleSet.from_dicts(
        [{"id": "r", "when": {"any": [phrase]}, "then": {"tags": ["t"]}}], **kwargs
    )
    return ruleset.evaluate(text).matched == ("r",)


@pytest.mark.parametrize(
    ("phrase", "text", "expected"),
    [
        # every phrase form of the contract
        ("выплата", "выплаты задерживаются", True),
        ("выплата", "с выплатой", True),
        ("выплата", "выплатили", False),  # a verb is another word
        ('"выплата"', "выплата", True),
        ('"выплата"', "выплаты", False),
        ("выплат*", "выплатили", True),
        ("деньги не пришли", "денег не пришло", True),
        ("деньги не пришли", "деньги так и не пришли", False),  # gap 0
        ("не могу войти", "не может войти", True),
        ("не может войти", "не могу войти", True),
        ("личный кабинет", "в личном кабинете", True),
        ("личный кабинет", "кабинет личный", False),  # in order
        ("верните деньги", "вернуть деньги", True),
        ("выплата~1", "выплотой", True),
        ("/регул(яр|ар)ка/", "регуларка", True),
        # suppletion and stem changes
        ("человек", "люди", True),
        ("ребенок", "детей", True),
        ("идти", "шла", True),
        ("день", "три дня", True),
        ("заявка", "пять заявок", True),
        # collision pairs
        ("заём", "за", False),
        ("почта", "почти", False),
        ("брать", "брат", False),
        ("стать", "статья", False),
        ("дать", "дата", False),
        ("тема", "теми", False),
        ("друг", "другие", False),
        ("суть", "был", False),
    ],
)
def test_phrase_forms(phrase: str, text: str, expected: bool) -> None:
    assert _fires(phrase, text) is expected


def test_multi_word_phrases_keep_the_gap_rule() -> None:
    assert _fires("деньги не пришли", "денег так и не пришло", options={"gap": 2})
    assert not _fires("деньги не пришли", "денег так и не пришло", options={"gap": 1})


def test_synonym_groups() -> None:
    groups = [["прийти", "поступить", "зачислить"], ["войти", "зайти", "залогиниться"]]
    assert _fires("деньги не пришли", "деньги не поступили", synonyms=groups)
    assert _fires("деньги не пришли", "денег не зачислили", synonyms=groups)
    assert _fires("не могу войти", "не могу зайти", synonyms=groups)
    assert not _fires("деньги не пришли", "деньги не поступили")
    # aspect pairs are two dictionary words: options.aspects (on by default) or a group
    # joins them
    off = {"aspects": False}
    assert not _fires("не могу войти", "не смог войти", options=off)
    assert _fires("не могу войти", "не смог войти", options=off, synonyms=[["мочь", "смочь"]])
    assert _fires("не могу войти", "не смог войти")
    # an exact or prefix word is not widened
    assert not _fires('"пришли"', "поступили", synonyms=groups)
    ruleset = RuleSet.from_dicts([], synonyms=groups)
    assert ruleset.to_dict()["synonyms"] == groups
    assert RuleSet.from_mapping(ruleset.to_dict()).synonyms == tuple(map(tuple, groups))


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ("прийти", "synonyms must be a list of word groups"),
        ([["прийти"]], "synonyms[0] has 1 word(s)"),
        ([["прийти", "выплат*"]], "synonyms[0][1] must be one plain word"),
        ([["прийти", "деньги не"]], "synonyms[0][1] must be one plain word"),
        ([["прийти", "Прийти"]], "synonyms[0][1] repeats 'Прийти'"),
        ([["прийти", "поступить"], ["прийти", "зайти"]], "synonyms[1][0] 'прийти' is the same"),
        # "пришли" is a form of прийти: the two groups would be one
        ([["прийти", "поступить"], ["пришли", "зайти"]], "in synonyms[0], so the two groups"),
    ],
)
def test_bad_synonym_groups_are_rejected(groups: Any, message: str) -> None:
    with pytest.raises(InvalidRule, match=re.escape(message)) as info:
        RuleSet.from_dicts([], synonyms=groups)
    assert isinstance(info.value, ValueError)
    assert str(info.value).endswith(".")


def test_a_json_rule_file_declares_synonyms() -> None:
    text = json.dumps(
        {
            "synonyms": [["прийти", "поступить"]],
            "rules": [{"id": "r", "when": {"any": ["деньги не пришли"]}, "then": {"tags": ["t"]}}],
        },
        ensure_ascii=False,
    )
    assert RuleSet.from_json(text).evaluate("деньги не поступили").matched == ("r",)


@pytest.mark.parametrize(("length", "typos"), [(200_000, 1), (1_000, 2), (50_000, 2)])
def test_a_huge_word_with_a_typo_phrase_is_bounded(length: int, typos: int) -> None:
    # Issue 15: deletion neighbourhoods of a 200,000-letter word exhausted memory.
    script = (
        "import resource\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))\n"
        "from supportkit.rules import RuleSet\n"
        "rs = RuleSet.from_dicts([{'id': 'r', 'when': {'any': "
        f"['выплата~{typos}']}}, 'then': {{'tags': ['t']}}}}])\n"
        f"word = 'выплата' + 'а' * {length}\n"
        "assert rs.evaluate(word).matched == ()\n"
        "assert rs.evaluate(word + ' выплота').matched == ('r',)\n"
        "print('ok')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert out.stdout.strip() == "ok", out.stderr[-2000:]


def test_a_dictionary_word_is_a_typo_only_as_a_whole_word() -> None:
    assert _fires("пароль~1", "кароль")  # a proper name one edit away: a typo
    assert not _fires("яичный~1", "личный")  # a common word one edit away: another word
    assert not _fires("желать~1", "делать")
    assert _fires("выплата~1", "выплотой")  # no Russian word: a typo in an inflected form
    # Real words whose stem is one edit from the phrase word's stem are other words.
    assert not _fires("кубинка~1", "в кабинете")
    assert not _fires("сработаться~1", "я работаю")
    assert not _fires("втасовать~1", "у вас")


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        ("деньги не пришли", "деньги не приходят"),
        ("не могу войти", "не смогла войти"),
        ("получить справку", "получаю справку"),
        ("подтвердить заявку", "подтверждаю заявку"),
        ("вернуть деньги", "возвращаете деньги"),
        ("не приходит код", "не пришел код"),
        ("указать реквизиты", "указываю реквизиты"),
        ("заблокировали аккаунт", "блокируют аккаунт"),
        ("открыть доступ", "открывайте доступ"),
        ("найти", "не нахожу"),
    ],
)
def test_a_verb_matches_the_other_verb_of_its_aspect_pair(phrase: str, text: str) -> None:
    assert _fires(phrase, text)
    assert not _fires(phrase, text, options={"aspects": False})


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        ("писать", "списали"),  # another prefix, another verb
        ("купить", "купается"),  # to buy / to bathe
        ("работать", "заработал"),
        ("выходить", "выхаживать"),
        ("поставить", "поставляют"),  # to put / to supply
        ("выплата", "выплатили"),  # a noun is not paired with its verb
    ],
)
def test_an_aspect_pair_never_joins_a_verb_of_another_meaning(phrase: str, text: str) -> None:
    assert not _fires(phrase, text)


def test_the_aspects_option_is_checked_and_round_trips() -> None:
    ruleset = RuleSet.from_dicts(
        [{"id": "r", "when": {"any": ["прийти"]}, "then": {"tags": ["t"]}}],
        options={"aspects": False},
    )
    again = RuleSet.from_mapping(ruleset.to_dict())
    assert again.options.aspects is False
    assert again.evaluate("приходят").matched == ()
    with pytest.raises(InvalidRule, match=r"options\.aspects must be true or false"):
        RuleSet.from_dicts([], options={"aspects": "yes"})
