"""Arbitrary JSON-like input: every rules entry point returns or raises a clear error (issue 15)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportkit.exceptions import SupportkitError
from supportkit.rules import RuleSet, parse_phrase, parse_template

KEYS = st.sampled_from(
    ["id", "when", "then", "any", "all", "none", "fields", "tags", "reply", "calendars", "rules",
     "templates", "options", "hours", "tz", "holidays", "sla", "waiting", "more_than", "outside",
     "inside", "stop", "enabled", "equals", "tone", "priority", "channel", "due_within", "x"]
)  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["выплата", "/регул(яр|ар)ка/", "/(", "//", "09:00-18:00", "mon-fri", "30m"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=12,
)
RULE = st.fixed_dictionaries(
    {"id": st.text(min_size=1, max_size=5), "then": st.just({})},
    optional={"when": st.dictionaries(KEYS, VALUES, max_size=3), "stop": VALUES},
)
BASE = RuleSet.from_dicts(
    [{"id": "payout", "when": {"any": ["выплата"]}, "then": {"reply": "eta"}}],
    templates={"eta": "{fields.name|клиент}, 3 дня."},
)


def clear(call: Callable[[], Any]) -> None:
    """``call`` returns, or raises a SupportkitError that is also a builtin kind."""
    error: SupportkitError | None = None
    try:
        call()
    except SupportkitError as exc:
        error = exc
    if error is not None:
        assert isinstance(error, (ValueError, TypeError, LookupError)), repr(error)
        assert str(error).endswith((".", "?", ")")), str(error)


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


@FUZZ
@given(st.lists(RULE | VALUES, max_size=3), st.dictionaries(KEYS, VALUES, max_size=3))
def test_from_dicts_and_from_mapping(rules: Any, document: dict[str, Any]) -> None:
    clear(lambda: RuleSet.from_dicts(rules))
    clear(lambda: RuleSet.from_mapping({**document, "rules": rules}))
    clear(lambda: RuleSet.from_dicts([{"id": "a", "then": {}}], calendar_specs=document))


@FUZZ
@given(VALUES, VALUES, VALUES)
def test_evaluate_explain_lint(ticket: Any, rule_id: Any, fields: Any) -> None:
    clear(lambda: BASE.evaluate(ticket).to_dict())
    clear(lambda: BASE.explain(ticket, rule_id))
    clear(lambda: BASE.lint(fields=fields))
    clear(lambda: BASE.evaluate("выплата", at=ticket))
    clear(lambda: BASE.rule(rule_id))


@FUZZ
@given(SCALARS, VALUES)  # (parse_phrase is cached: a list argument is morph's to reject)
def test_parse_phrase_and_template(phrase: Any, template: Any) -> None:
    clear(lambda: parse_phrase(phrase))
    clear(lambda: parse_template("t", template))
    clear(lambda: RuleSet.from_json(phrase if isinstance(phrase, str) else str(phrase)))
