"""Loading rule sets: dicts, JSON (path or text), TOML; every error names its path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from supportkit.exceptions import InvalidRule
from supportkit.rules._engine import RuleSet
from supportkit.rules._load import Options

RULE = {
    "id": "payout-late",
    "when": {
        "any": ["выплата", "деньги не пришли", "перевод*"],
        "all": [],
        "none": ["спасибо"],
        "fields": ["subject", "body"],
        "channel": ["email", "chat"],
        "tags": {"any": [], "none": ["vip"]},
    },
    "then": {"reply": "payout_eta", "tags": ["payouts"], "assign": "finance", "priority": "high"},
    "stop": False,
}
TEMPLATES = {"payout_eta": "Здравствуйте, {fields.customer_name|клиент}!"}


def test_the_api_md_example_loads() -> None:
    ruleset = RuleSet.from_dicts([RULE], templates=TEMPLATES)
    rule = ruleset.rule("payout-late")
    assert [p.source for p in rule.when.any] == ["выплата", "деньги не пришли", "перевод*"]
    assert rule.when.channel == ("email", "chat")
    assert rule.when.tags_none == ("vip",)
    assert rule.then.priority == "high"
    assert len(ruleset) == 1
    assert [r.id for r in ruleset] == ["payout-late"]


def test_from_json_text_and_path(tmp_path: Path) -> None:
    document = {"templates": TEMPLATES, "rules": [RULE]}
    text = json.dumps(document, ensure_ascii=False)
    path = tmp_path / "rules.json"
    path.write_text(text, encoding="utf-8")
    from_text = RuleSet.from_json(text)
    assert RuleSet.from_json(path) == from_text
    assert RuleSet.from_json(str(path)) == from_text
    assert RuleSet.from_file(path) == from_text


def test_from_toml(tmp_path: Path) -> None:
    text = """
[options]
layout = true

[templates]
payout_eta = "Здравствуйте, {fields.customer_name|клиент}!"

[[rules]]
id = "payout-late"
then = { reply = "payout_eta", tags = ["payouts"] }
[rules.when]
any = ["выплата", "деньги не пришли"]
none = ["спасибо"]
"""
    ruleset = RuleSet.from_toml(text)
    assert ruleset.options.layout is True
    assert ruleset.rule("payout-late").then.tags == ("payouts",)
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    assert RuleSet.from_file(path) == ruleset


def test_round_trip_through_to_dict() -> None:
    ruleset = RuleSet.from_dicts(
        [
            RULE,
            {"id": "b", "when": {"equals": {"country": ["KZ", "UZ"]}}, "then": {"set": {"x": 1}}},
        ],
        templates=TEMPLATES,
        options={"gap": 1},
        fields=["customer_name", "country"],
        channels=["telegram"],
        priorities=["critical"],
    )
    assert RuleSet.from_mapping(ruleset.to_dict()) == ruleset


def bad(rules: list[dict[str, Any]], **kwargs: Any) -> InvalidRule:
    with pytest.raises(InvalidRule) as info:
        RuleSet.from_dicts(rules, **kwargs)
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    assert message.endswith((".", "?")), message
    return info.value


def rule(**parts: Any) -> dict[str, Any]:
    return {"id": "r", "when": {"any": ["выплата"]}, "then": {"tags": ["t"]}, **parts}


@pytest.mark.parametrize(
    ("rules", "path", "needle"),
    [
        ([rule(), rule()], "rules[1].id", "already used by rules[0]"),
        ([rule(whne={})], "rules[0].whne", "did you mean 'when'?"),
        ([rule(when={"anny": ["x"]})], "rules[0].when.anny", "did you mean 'any'?"),
        ([rule(then={"tag": ["x"]})], "rules[0].then.tag", "did you mean 'tags'?"),
        ([rule(then={"sned": 1})], "rules[0].then.sned", "known keys are"),
        ([rule(when={"channel": ["emial"]})], "rules[0].when.channel[0]", "did you mean 'email'?"),
        ([rule(when={"channel": ["fax"]})], "rules[0].when.channel[0]", "declare others"),
        ([rule(when={"any": ["ok", "/(/"]})], "rules[0].when.any[1]", "not a valid regex"),
        ([rule(when={"any": "выплата"})], "rules[0].when.any", "list of phrases"),
        ([rule(when={"any": ["ok", ""]})], "rules[0].when.any[1]", "non-empty"),
        ([rule(when={"tags": {"nope": []}})], "rules[0].when.tags.nope", "did you mean 'none'?"),
        ([rule(when={"tags": ["vip"]})], "rules[0].when.tags", "must be an object"),
        ([rule(when={"priority": ["hihg"]})], "rules[0].when.priority[0]", "did you mean 'high'?"),
        ([rule(then={"priority": "asap"})], "rules[0].then.priority", "known priorities"),
        ([rule(when={"outside": "office"})], "rules[0].when.outside", "calendar 'office'"),
        ([rule(when={"tone": {"angry": True}})], "rules[0].when.tone.angry", "known keys"),
        (
            [rule(when={"tone": {"shouting": "yes"}})],
            "rules[0].when.tone.shouting",
            "true or false",
        ),
        ([rule(when={"fields": ["subjekt"]})], "rules[0].when.fields[0]", "'subject', 'body'"),
        ([rule(then={"reply": ""})], "rules[0].then.reply", "non-empty string"),
        ([rule(then={"escalate": False})], "rules[0].then.escalate", "true or whom"),
        ([rule(then={"set": {"x": [1]}})], "rules[0].then.set.x", "string, number"),
        ([rule(stop="yes")], "rules[0].stop", "true or false"),
        ([{"when": {}, "then": {}}], "rules[0].id", "non-empty string"),
        ([{"id": "x", "when": {}}], "rules[0].then", "is missing in rule 'x'"),
        (["rule"], "rules[0]", "must be an object"),
        ([rule(when={"any": ["ok", "акт~1"]})], "rules[0].when.any[1]", "shorter than 4"),
        ([rule(when={"equals": {"country": {"a": 1}}})], "rules[0].when.equals.country", "scalar"),
    ],
)
def test_validation_errors_name_the_path(rules: list[Any], path: str, needle: str) -> None:
    error = bad(rules)
    assert error.field == path
    assert str(error).startswith(path)
    assert needle in str(error)


def test_the_nested_path_of_a_later_phrase() -> None:
    rules = [rule(id=f"r{i}") for i in range(3)]
    rules.append(rule(id="r3", when={"any": ["выплата", "/[/"]}))
    assert bad(rules).field == "rules[3].when.any[1]"


def test_bad_options_and_templates() -> None:
    assert bad([rule()], options={"layuot": True}).field == "options.layuot"
    assert bad([rule()], options={"gap": 9}).field == "options.gap"
    assert bad([rule()], options={"regex_timeout": 0}).field == "options.regex_timeout"
    assert bad([rule()], options={"repair": "no"}).field == "options.repair"
    error = bad([rule()], templates={"t": "Привет, {ticket.__class__}"})
    assert error.field == "templates.t"
    assert "never code" in str(error)
    assert bad([rule()], templates={"t": "{subject"}).field == "templates.t"


def test_bad_documents() -> None:
    with pytest.raises(InvalidRule, match="line 1 column"):
        RuleSet.from_json('{"rules": [}')
    with pytest.raises(InvalidRule, match="does not exist"):
        RuleSet.from_json("no-such-file.json")
    with pytest.raises(InvalidRule, match="did you mean 'rules'"):
        RuleSet.from_json('{"rulez": []}')
    with pytest.raises(InvalidRule, match='has no "rules" list'):
        RuleSet.from_json('{"templates": {}}')
    with pytest.raises(InvalidRule, match="must hold an object"):
        RuleSet.from_json("[1, 2]\n")
    with pytest.raises(InvalidRule, match="not valid TOML"):
        RuleSet.from_toml("rules = [\n")
    with pytest.raises(InvalidRule, match="must be a list of rule objects"):
        RuleSet.from_dicts("rules")  # type: ignore[arg-type]


def test_calendar_specs_and_objects() -> None:
    class Always:
        def is_open(self, at: object) -> bool:
            return True

    ruleset = RuleSet.from_dicts(
        [rule(when={"outside": "office"}), rule(id="b", when={"inside": "always"})],
        calendars={"always": Always()},
        calendar_specs={"office": {"tz": "Europe/Moscow", "hours": {"mon-fri": "09:00-18:00"}}},
    )
    assert set(ruleset.calendars) == {"office", "always"}
    error = bad([rule()], calendars={"x": object()})
    assert error.field == "calendars.x"
    for spec, path in [
        ({"tz": "Mars/Olympus", "hours": {"mon": "09:00-18:00"}}, "calendars.c.tz"),
        # Day names and hours are read by supportkit.sla (so "monday" and "9-18" are
        # valid there and here); these are invalid for both.
        ({"hours": {"moonday": "09:00-18:00"}}, "calendars.c.hours.moonday"),
        ({"hours": {"mon": "9-25"}}, "calendars.c.hours.mon"),
        ({"hours": {}}, "calendars.c.hours"),
        ({"hours": {"mon": "09:00-18:00"}, "holidays": ["soon"]}, "calendars.c.holidays[0]"),
        ({"hours": {"mon": "09:00-18:00"}, "days": 1}, "calendars.c.days"),
    ]:
        assert bad([rule()], calendar_specs={"c": spec}).field == path


def test_options_defaults() -> None:
    assert Options().to_dict() == {
        "repair": True,
        "layout": False,
        "translit": False,
        "keys": False,
        "typos": True,
        "gap": 0,
        "regex_timeout": 0.05,
        "aspects": True,
    }
