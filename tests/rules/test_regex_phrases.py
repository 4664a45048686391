"""/regex/ phrases: nonsense rejected at load time (issue 15)."""

from __future__ import annotations

import pytest

from supportkit.exceptions import InvalidRule
from supportkit.rules import RuleSet, parse_phrase


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        ("/регул(яр|ар)ка", "does not end with '/'"),
        ("/", "does not end with '/'"),
        ("//", "empty /regex/"),
        ("/  /", "empty /regex/"),
    ],
)
def test_unclosed_and_empty_regexes_are_rejected(phrase: str, text: str) -> None:
    with pytest.raises(InvalidRule, match=text) as info:
        parse_phrase(phrase, field="rules[0].when.any[0]")
    assert info.value.field == "rules[0].when.any[0]"
    with pytest.raises(InvalidRule, match=text):
        RuleSet.from_dicts([{"id": "a", "when": {"any": [phrase]}, "then": {}}])
