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


def test_each_matched_word_shows_its_lemma_and_reading() -> None:
    text = str(explain("Добрый день, денег не пришло"))
    assert "held: any: `деньги не пришли` found" in text
    assert "+ `деньги` <- `денег` (body 13-18): a form of деньги (NOUN,inan,femn plur,gent)" in text
    assert "+ `пришли` <- `пришло` (body 22-28): a form of прийти (VERB," in text


def test_a_guessed_word_says_so() -> None:
    ruleset = RuleSet.from_dicts(
        [{"id": "r", "when": {"any": ["залогиниться"]}, "then": {"tags": ["t"]}}]
    )
    text = str(ruleset.explain("не могу залогиниться", "r"))
    assert "guessed: not in the dictionary" in text


def test_a_synonym_match_names_its_group() -> None:
    ruleset = RuleSet.from_dicts(
        [{"id": "r", "when": {"any": ["деньги не пришли"]}, "then": {"tags": ["t"]}}],
        synonyms=[["прийти", "поступить"]],
    )
    text = str(ruleset.explain("деньги не поступили", "r"))
    assert "`пришли` <- `поступили`" in text
    assert "a form of поступить (VERB," in text
    assert "in the synonym group of `пришли`" in text


def test_a_morphology_miss_names_the_nearest_word_and_why_it_is_another_word() -> None:
    text = str(explain("Когда вы выплатите?"))
    assert "did not fire" in text.splitlines()[0]
    line = next(x for x in text.splitlines() if x.strip().startswith("- `выплата` not found"))
    assert "nearest word `выплатите` (body 9-18)" in line
    assert "is a different word: it reads as выплатить (VERB," in line
    assert "the phrase word `выплата` as выплата (NOUN," in line
    assert "synonym group" in line
    # A collision pair: почти is not a form of почта.
    ruleset = RuleSet.from_dicts([{"id": "r", "when": {"any": ["почта"]}, "then": {"tags": ["t"]}}])
    miss = str(ruleset.explain("почти всё", "r"))
    assert "nearest word `почти` (body 0-5) is 1 edit(s) away and is a different word" in miss
    assert "write `почта~1` to accept it as a typo" in miss


def test_a_multi_word_miss_names_the_related_word_and_the_synonym_fix() -> None:
    ruleset = RuleSet.from_dicts(
        [
            {
                "id": "r",
                "when": {"any": ["деньги не пришли", "не могу войти"]},
                "then": {"tags": ["t"]},
            }
        ],
        options={"aspects": False},
    )
    text = str(ruleset.explain("Деньги не приходят, и не смог войти", "r"))
    assert "missing word(s): `пришли`; for `пришли`: nearest word `приходят` (body 10-18)" in text
    assert "is a form of приходить (VERB," in text
    assert "put `приходить` in a synonym group with `прислать` or `прийти`" in text
    assert "put `смочь` in a synonym group with `мочь` to accept it" in text


def test_an_aspect_partner_match_says_so() -> None:
    ruleset = RuleSet.from_dicts(
        [{"id": "r", "when": {"any": ["не могу войти"]}, "then": {"tags": ["t"]}}]
    )
    text = str(ruleset.explain("Вчера не смог войти", "r"))
    assert "fired" in text
    assert "the other verb of the aspect pair of `могу`" in text
