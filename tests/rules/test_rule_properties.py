"""Laws of the engine, checked with Hypothesis (and the public testing strategies)."""

from __future__ import annotations

import pickle
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportkit.rules import RuleSet
from supportkit.testing import strategies as sks

WORDS = ["выплата", "самозанятый", "регистрация", "паспорт", "проценты", "пароль", "чеки"]
PHRASES = ["выплата", "мой налог", "деньги не пришли", "чек*", '"акт"', "пароль~1", "/белый экран/"]

RULES: list[dict[str, Any]] = [
    {"id": f"w{i}", "when": {"any": [w]}, "then": {"tags": [w], "priority": "high"}}
    for i, w in enumerate(WORDS)
] + [
    {"id": f"p{i}", "when": {"any": [p], "none": ["спасибо"]}, "then": {"assign": f"g{i}"}}
    for i, p in enumerate(PHRASES)
]
RULESET = RuleSet.from_dicts(RULES)
fast = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fast
@given(st.sampled_from(WORDS).flatmap(lambda w: st.tuples(st.just(w), sks.homoglyph_variants(w))))
def test_a_rule_fires_on_homoglyph_variants_of_its_phrase(pair: tuple[str, str]) -> None:
    word, variant = pair
    evaluation = RULESET.evaluate(f"Здравствуйте, вопрос: {variant}!")
    assert f"w{WORDS.index(word)}" in evaluation.matched
    start = len("Здравствуйте, вопрос: ")
    spans = {(e.start, e.end) for e in evaluation.evidence[f"w{WORDS.index(word)}"]}
    assert (start, start + len(variant)) in spans  # evidence points at what was typed


@fast
@given(sks.typos("пароль", max_edits=1))
def test_a_typo_rule_fires_on_one_typo(variant: str) -> None:
    assert "p5" in RULESET.evaluate(f"забыл {variant}").matched


@fast
@given(sks.russian_messages(), st.text(alphabet="бвгджзклмнпрстфхцчшщ", min_size=6, max_size=12))
def test_adding_a_rule_that_does_not_match_changes_nothing(message: Any, word: str) -> None:
    text = message if isinstance(message, str) else str(message)
    extra = {"id": "extra", "when": {"any": [word], "channel": ["phone"]}, "then": {"tags": ["x"]}}
    for position in (0, len(RULES) // 2, len(RULES)):
        rules = [*RULES[:position], extra, *RULES[position:]]
        bigger = RuleSet.from_dicts(rules)
        ticket = {"id": "T", "channel": "chat", "body": text}
        assert "extra" not in bigger.evaluate(ticket).matched
        assert bigger.evaluate(ticket) == RULESET.evaluate(ticket)


@fast
@given(sks.russian_messages())
def test_pickle_round_trip_gives_identical_evaluations(message: Any) -> None:
    text = message if isinstance(message, str) else str(message)
    clone = pickle.loads(pickle.dumps(RULESET))
    assert clone.evaluate(text) == RULESET.evaluate(text)


@fast
@given(st.text(max_size=200))
def test_evaluation_never_fails_and_spans_are_in_bounds(text: str) -> None:
    evaluation = RULESET.evaluate(text)
    for items in evaluation.evidence.values():
        for item in items:
            assert 0 <= item.start <= item.end <= len(text)
            assert text[item.start : item.end] == item.text
