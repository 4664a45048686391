"""The compact compiled form: same evaluations as the document it came from, pickled or not."""

from __future__ import annotations

import gc
import pickle
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportkit.exceptions import InvalidRule
from supportkit.rules import RuleSet, parse_phrase

WORDS = [
    "выплата",
    "деньги",
    "пароль",
    "кабинет",
    "заявка",
    "карта",
    "оплата",
    "договор",
    "личный",
    "прийти",
    "войти",
    "вернуть",
    "доставка",
    "ошибка",
]
FORMS = [
    "выплаты",
    "выплатой",
    "денег",
    "деньгами",
    "паролем",
    "пороль",
    "кабинете",
    "заявку",
    "заявками",
    "карте",
    "оплату",
    "договора",
    "личном",
    "пришли",
    "пришло",
    "войти",
    "верните",
    "доставки",
    "ошибкой",
    "не",
    "могу",
    "в",
    "мой",
    "и",
    "vip",
]


@st.composite
def phrases(draw: st.DrawFn) -> str:
    word = draw(st.sampled_from(WORDS))
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return word
    if kind == 1:
        return f'"{draw(st.sampled_from(FORMS))}"'
    if kind == 2:
        return word[:5] + "*"
    if kind == 3:
        return word + "~1"
    if kind == 4:
        return f"{word} {draw(st.sampled_from(WORDS))}"
    return f"/{word[:3]}\\w*/"


@st.composite
def rule_sets(draw: st.DrawFn) -> list[dict[str, Any]]:
    rules = []
    for i in range(draw(st.integers(1, 12))):
        when: dict[str, Any] = {"any": draw(st.lists(phrases(), min_size=1, max_size=4))}
        if draw(st.booleans()):
            when["none"] = [draw(phrases())]
        if draw(st.integers(0, 3)) == 0:
            when["all"] = [draw(phrases())]
        then: dict[str, Any] = {"tags": [f"t{i % 3}"]}
        if i % 2:
            then["priority"] = "high"
        rules.append(
            {"id": f"r{i}", "when": when, "then": then, "stop": draw(st.integers(0, 9)) == 0}
        )
    return rules


messages = st.lists(
    st.lists(st.sampled_from(FORMS + WORDS), max_size=12).map(" ".join), min_size=1, max_size=6
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules=rule_sets(), texts=messages)
def test_the_compiled_form_evaluates_like_the_document_it_came_from(
    rules: list[dict[str, Any]], texts: list[str]
) -> None:
    ruleset = RuleSet.from_dicts(rules)
    pickled = pickle.loads(pickle.dumps(ruleset))
    rebuilt = RuleSet.from_mapping(ruleset.to_dict())
    assert pickled == ruleset == rebuilt
    for text in texts:
        expected = rebuilt.evaluate(text).to_dict()
        assert ruleset.evaluate(text).to_dict() == expected
        assert pickled.evaluate(text).to_dict() == expected


def test_a_pickled_rule_set_carries_its_index_and_no_dictionary() -> None:
    rules = [
        {"id": f"r{i}", "when": {"any": [w, w + "~1", w[:4] + "*"]}, "then": {"tags": ["x"]}}
        for i, w in enumerate(WORDS)
    ]
    ruleset = RuleSet.from_dicts(rules)
    blob = pickle.dumps(ruleset)
    assert b"pymorphy" not in blob
    clone = pickle.loads(blob)
    # The index travels as it is: the clone never builds a matcher of its own.
    assert clone._matcher is not ruleset._matcher
    assert clone._matcher._starts == ruleset._matcher._starts
    assert clone._matcher._fuzzy_ids == ruleset._matcher._fuzzy_ids
    assert (
        clone.evaluate("пороль от кабинета").matched
        == ruleset.evaluate("пороль от кабинета").matched
    )
    assert clone.evaluate("пороль от кабинета").matched


def test_an_old_document_pickle_still_loads() -> None:
    from supportkit.rules._engine import _restore

    ruleset = RuleSet.from_dicts([{"id": "r", "when": {"any": ["выплата"]}, "then": {}}])
    assert _restore(ruleset.to_dict(), {}) == ruleset


def test_a_cached_phrase_still_names_its_own_place_when_it_fails() -> None:
    assert parse_phrase("выплата", field="a") is parse_phrase("выплата", field="b")
    for where in ("rules[0].when.any[0]", "rules[7].when.none[2]"):
        with pytest.raises(InvalidRule, match=rf"{where.replace('[', '.').replace(']', '.')}"):
            parse_phrase("ок~1", field=where)


def test_words_are_shared_between_phrases() -> None:
    first = parse_phrase("личный кабинет")
    second = parse_phrase("кабинет~1 кабинет")
    assert first.words[1] is second.words[1]


def test_the_garbage_collector_is_back_on_after_a_build_and_a_failed_build() -> None:
    assert gc.isenabled()
    RuleSet.from_dicts([{"id": "r", "when": {"any": ["выплата"]}, "then": {}}])
    assert gc.isenabled()
    with pytest.raises(InvalidRule):
        RuleSet.from_dicts([{"id": "r", "when": {"any": ["/(/"]}, "then": {}}])
    assert gc.isenabled()
    pickle.loads(pickle.dumps(RuleSet.from_dicts([{"id": "r", "when": {}, "then": {}}])))
    assert gc.isenabled()
    gc.disable()
    try:  # a caller who turned it off keeps it off
        RuleSet.from_dicts([{"id": "r", "when": {}, "then": {}}])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_compiled_pickle_from_before_the_rule_index_is_compiled_again() -> None:
    import zlib

    import attrs

    from supportkit.rules._engine import _restore_compiled

    rules = [
        {"id": "r1", "when": {"any": ["выплата"], "channel": ["chat"]}, "then": {"tags": ["a"]}},
        {"id": "r2", "when": {"any": ["пароль~1"]}, "then": {"priority": "high"}},
    ]
    ruleset = RuleSet.from_dicts(rules)
    # The previous compiled form: no `_index`, the old phrase index fields instead.
    state = {a.name: getattr(ruleset, a.name) for a in attrs.fields(RuleSet) if a.init}
    state.update(_by_phrase={0: (0,)}, _always=(), _matcher=object())
    old = _restore_compiled(zlib.compress(pickle.dumps(state)))
    assert old == ruleset
    for text in ("выплата не пришла", "забыл пороль", ""):
        for channel in ("chat", "email"):
            ticket = {"id": "T", "body": text, "channel": channel}
            assert old.evaluate(ticket).to_dict() == ruleset.evaluate(ticket).to_dict()
    assert old.evaluate({"body": "выплата", "channel": "chat"}).matched == ("r1",)
