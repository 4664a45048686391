"""RuleSet.lint(): each finding code, and a clean rule set."""

from __future__ import annotations

from typing import Any

from supportkit.rules import RuleSet
from supportkit.rules._lint import catastrophic


def codes(rules: list[dict[str, Any]], **kwargs: Any) -> list[tuple[str, str | None, str | None]]:
    return [(i.code, i.rule_id, i.path) for i in RuleSet.from_dicts(rules, **kwargs).lint()]


def r(rule_id: str, when: dict[str, Any] | None = None, **then: Any) -> dict[str, Any]:
    return {"id": rule_id, "when": when or {"any": ["выплата"]}, "then": then or {"tags": ["t"]}}


def test_clean_rule_set_has_no_findings() -> None:
    rules = [r("a", reply="eta"), r("b", {"any": ["акт"], "none": ["спасибо"]})]
    templates = {"eta": "{fields.customer_name|Здравствуйте}, {id}"}
    assert codes(rules, templates=templates, fields=["customer_name"]) == []


def test_mixed_script_phrase() -> None:
    found = RuleSet.from_dicts([r("a", {"any": ["выплaта"]})]).lint()
    assert [(i.code, i.path, i.severity) for i in found] == [
        ("mixed-script", "rules[0].when.any[0]", "warning")
    ]
    assert "'выплaта'" in found[0].message
    assert "'выплата'" in found[0].message


def test_phrase_that_normalises_to_nothing() -> None:
    assert codes([r("a", {"any": ["!!!"]})]) == [("empty-phrase", "a", "rules[0].when.any[0]")]


def test_phrase_in_any_and_none() -> None:
    assert codes([r("a", {"any": ["выплата", "акт"], "none": ["Выплата"]})]) == [
        ("any-and-none", "a", "rules[0].when.none[0]")
    ]


def test_unreachable_behind_unconditional_stop() -> None:
    rules = [
        r("a"),
        {"id": "all", "when": {}, "then": {"tags": ["x"]}, "stop": True},
        r("b"),
        r("c"),
    ]
    assert codes(rules) == [
        ("unreachable", "b", "rules[2]"),
        ("unreachable", "c", "rules[3]"),
    ]
    # a conditional stop or a disabled one blocks nothing
    rules[1] = {"id": "all", "when": {"channel": ["chat"]}, "then": {}, "stop": True}
    assert codes(rules) == []
    rules[1] = {"id": "all", "when": {}, "then": {}, "stop": True, "enabled": False}
    assert codes(rules) == []


def test_duplicate_phrases() -> None:
    assert codes([r("a", {"any": ["выплата", "ВЫПЛАТА"]})]) == [
        ("duplicate-phrase", "a", "rules[0].when.any[1]")
    ]
    assert codes([r("a", {"any": ["ёлка", "елка"]})])[0][0] == "duplicate-phrase"


def test_unknown_template_and_fields() -> None:
    assert codes([r("a", reply="nope")]) == [("unknown-template", "a", "rules[0].then.reply")]
    found = codes(
        [r("a", {"any": ["x"], "equals": {"tier": 1}, "fields": ["fields.note"]}, reply="t")],
        templates={"t": "{fields.customer_name}, {fields.nickname|друг}, {fields.city}"},
        fields=["customer_name"],
    )
    assert found == [
        ("unknown-field", "a", "rules[0].when"),
        ("unknown-field", "a", "rules[0].when"),
        ("unknown-field", None, "templates.t"),
    ]


def test_lint_against_fields_given_at_call_time() -> None:
    ruleset = RuleSet.from_dicts([r("a", reply="t")], templates={"t": "{fields.name}"})
    assert ruleset.lint() == []
    assert [i.code for i in ruleset.lint(fields=["customer_name"])] == ["unknown-field"]


def test_regex_findings() -> None:
    assert codes([r("a", {"any": ["/(а+)+б/"]})]) == [
        ("catastrophic-regex", "a", "rules[0].when.any[0]")
    ]
    assert codes([r("a", {"any": ["/Выплата/"]})]) == [("regex-case", "a", "rules[0].when.any[0]")]
    assert codes([r("a", {"any": [r"/\Bвыплат\w*/"]})]) == []


def test_short_prefix() -> None:
    assert codes([r("a", {"any": ["вы*"]})]) == [("short-prefix", "a", "rules[0].when.any[0]")]


def test_a_word_of_several_parts_of_speech_is_reported_with_its_readings() -> None:
    # Snowball's "заем" -> "за" stem (which made the phrase match the preposition) is gone;
    # the dictionary reads "заем" as the noun заём, also a form of the verb заесть.
    for word, named in [
        ("стали", ("стать (verb)", "сталь (noun)")),
        ("мой", ("мой (adjective)", "мыть (verb)")),
        ("три", ("три (number)", "тереть (verb)")),
        ("заем", ("заем (noun)", "заесть (verb)")),
    ]:
        issues = RuleSet.from_dicts([r("a", {"any": [word]})]).lint()
        assert [i.code for i in issues] == ["several-readings"], word
        assert all(name in issues[0].message for name in named), issues[0].message
    assert (
        "matches the forms of мой (adjective) only"
        in RuleSet.from_dicts([r("a", {"any": ["мой"]})]).lint()[0].message
    )
    # Quoted, prefixed, homonyms of one part of speech, and words inside a longer phrase
    # are not reported.
    for quiet in ['"стали"', "стал*", "чеки", "выплата", "стали поступать"]:
        assert codes([r("a", {"any": [quiet]})]) == [], quiet


def test_catastrophic_heuristic() -> None:
    for bad in ["(а+)+", r"(\w*\s?)*", "(a|ab)*", "((ab)*c)+", "(x{1,})+"]:
        assert catastrophic(bad), bad
    for good in ["выплат[аы]", "(а|б)+", "а+б+", r"\d{2}\.\d{2}", "(?:ab)+c", "[(]+"]:
        assert not catastrophic(good), good


def test_issue_str_and_dict() -> None:
    issue = RuleSet.from_dicts([r("a", {"any": ["!!!"]})]).lint()[0]
    assert str(issue).startswith("rules[0].when.any[0]: error empty-phrase: ")
    assert issue.to_dict()["code"] == "empty-phrase"
