"""A rule's ``channel`` and ``priority`` names are checked against the rule set's lists."""

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
