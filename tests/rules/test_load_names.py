"""Names, scalars and their messages in a rule's `when` and `then` as the loader checks them."""

from __future__ import annotations

from typing import Any

import pytest

from supportkit.exceptions import InvalidRule
from supportkit.rules._engine import RuleSet


def when(**parts: Any) -> list[dict[str, Any]]:
    return [{"id": "r", "when": {"any": ["выплата"], **parts}, "then": {"tags": ["t"]}}]


@pytest.mark.parametrize(
    ("parts", "field", "message"),
    [
        (
            {"channel": ["email", "fax"]},
            "rules[0].when.channel[1]",
            (
                "rules[0].when.channel[1] is not a known channel (got 'fax'); known channels are "
                "['email', 'chat', 'messenger', 'phone', 'web', 'social', 'api']; declare others "
                "under 'channels'."
            ),
        ),
        (
            {"priority": ["asap"]},
            "rules[0].when.priority[0]",
            (
                "rules[0].when.priority[0] is not a known priority (got 'asap'); known priorities "
                "are ['low', 'normal', 'high', 'urgent']; declare others under 'priorities'."
            ),
        ),
        (
            {"priority": ["low", "hihg"]},
            "rules[0].when.priority[1]",
            (
                "rules[0].when.priority[1] is not a known priority (got 'hihg'); did you mean "
                "'high'?"
            ),
        ),
    ],
)
def test_an_undeclared_name_says_where_and_what_is_known(
    parts: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(InvalidRule) as info:
        RuleSet.from_dicts(when(**parts))
    assert str(info.value) == message
    assert info.value.field == field


def test_declared_names_are_kept_in_order() -> None:
    rules = RuleSet.from_dicts(
        when(channel=["fax", "email"], priority=["asap"]),
        channels=["email", "fax"],
        priorities=["asap"],
    )
    assert rules.rule("r").when.channel == ("fax", "email")
    assert rules.rule("r").when.priority == ("asap",)


def rule(when: dict[str, Any], then: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"id": "r", "when": {"any": ["x"], **when}, "then": {"tags": ["t"], **then}}]


@pytest.mark.parametrize(
    ("when_", "then", "field", "message"),
    [
        (
            {"equals": {"country": [1, [2]]}},
            {},
            "rules[0].when.equals.country",
            "rules[0].when.equals.country must be a scalar or a list of scalars (got [1, [2]]).",
        ),
        (
            {},
            {"set": {"x": [1]}},
            "rules[0].then.set.x",
            "rules[0].then.set.x must be a string, number, boolean or null (got [1]).",
        ),
    ],
)
def test_equals_and_set_take_scalars_only(
    when_: dict[str, Any], then: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(InvalidRule) as info:
        RuleSet.from_dicts(rule(when_, then))
    assert str(info.value) == message
    assert info.value.field == field


def test_equals_and_set_keep_every_scalar_without_the_fields_prefix() -> None:
    rules = RuleSet.from_dicts(
        rule({"equals": {"fields.c": ["KZ", None, 1.5, True]}}, {"set": {"fields.x": None, "y": 2}})
    )
    assert rules.rule("r").when.equals == (("c", ("KZ", None, 1.5, True)),)
    assert rules.rule("r").then.set == (("x", None), ("y", 2))
