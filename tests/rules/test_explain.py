"""RuleSet.explain(): why did (or didn't) my rule fire?"""

from __future__ import annotations

import pytest

from supportkit.exceptions import InvalidArgument, UnknownName
from supportkit.rules import Explanation, RuleSet

RULES = [
    {"id": "thanks", "when": {"any": ["спасибо"]}, "then": {"tags": ["thanks"]}, "stop": True},
    {
        "id": "payout",
        "when": {
            "any": ["выплата", "деньги не пришли", '"акт"', "задержка"],
            "none": ["вопрос решен"],
            "fields": ["body"],
            "channel": ["email", "chat"],
        },
        "then": {"tags": ["payouts"], "priority": "high"},
    },
    {"id": "late", "when": {"any": ["выплата"]}, "then": {"priority": "low"}},
]


def explain(text: str, rule_id: str = "payout", **options: object) -> Explanation:
    ruleset = RuleSet.from_dicts(RULES, options=options or None)
    return ruleset.explain({"id": "T-1", "channel": "chat", "body": text}, rule_id)


def test_fired() -> None:
    result = explain("Где моя выплата?")
    assert result.fired
    assert result.matched
    text = str(result)
    assert text.splitlines()[0] == "Rule 'payout' fired for ticket 'T-1'."
    assert "held: channel 'chat' in ['email', 'chat']" in text
    assert "held: any: `выплата` found" in text
    assert result.to_dict()["fired"] is True


def test_look_alike_nearest_miss() -> None:
    text = str(explain("Где моя выплaта?", repair=False))
    assert "FAILED: any: none of the phrases found" in text
    assert (
        "`выплата` not found in body; nearest word `выплaта` (body 8-15) contains Latin `a` "
        "at 4 — it matches only with look-alike repair on"
    ) in text


def test_typo_nearest_miss() -> None:
    assert "nearest word `выплта` (body 0-6) is 1 edit(s) away" in str(explain("выплта"))
    assert "write `выплата~1` to accept it" in str(explain("выплта"))


def test_exact_form_nearest_miss() -> None:
    assert "nearest word `акты` (body 0-4) is another form; drop the quotes" in str(explain("акты"))


def test_other_field_and_gap_and_layout() -> None:
    ruleset = RuleSet.from_dicts(RULES)
    text = str(ruleset.explain({"channel": "chat", "subject": "Задержка", "body": "?"}, "payout"))
    assert (
        "`задержка` not found in body; it occurs in subject, which the rule does not read" in text
    )
    assert "other words allowed in between (options.gap = 3)" in str(
        explain("деньги так и не пришли")
    )
    assert "keyboard-layout fixing on (options.layout = true)" in str(explain("dsgkfnf"))


def test_failed_conditions_and_none() -> None:
    ruleset = RuleSet.from_dicts(RULES)
    text = str(ruleset.explain({"channel": "phone", "body": "выплата, вопрос решен"}, "payout"))
    assert "FAILED: channel 'phone' in ['email', 'chat']" in text
    assert "FAILED: none: `вопрос решен` found" in text
    assert "`вопрос решен` found at body 9-21" in text


def test_stopped_by_an_earlier_rule() -> None:
    result = explain("Спасибо, выплата пришла")
    assert not result.fired
    assert result.matched
    assert result.stopped_by == "thanks"
    assert str(result).splitlines()[0] == "Rule 'payout' matches ticket 'T-1' but was not reached."
    assert "Earlier rule 'thanks' matched with 'stop': true and ended processing." in str(result)


def test_overridden_actions_are_mentioned() -> None:
    text = str(explain("выплата", "late"))
    assert "Its priority 'low' was overridden by earlier rule 'payout'." in text


def test_unknown_rule() -> None:
    with pytest.raises(UnknownName, match="did you mean"):  # a LookupError (issue 12)
        explain("x", "paypout")
    with pytest.raises(InvalidArgument, match="rule_id must be"):
        explain("x", ["payout"])  # type: ignore[arg-type]
