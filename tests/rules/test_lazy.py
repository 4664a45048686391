"""Lazy evidence and actions (issue 17 point 1): the same results as the eager algorithm.

The reference evaluates the old way: every enabled rule in order through
``conditions_hold`` (no phrase index, no exclusion sets), actions by the eager
``combine`` loop, evidence built at once. The engine decides plain rules through sets
and flat arrays and builds evidence and override records when read; both must agree
whatever is read first.
"""

from __future__ import annotations

import pickle
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportkit import Ticket
from supportkit.exceptions import TemplateError
from supportkit.rules import RuleSet
from supportkit.rules._actions import combine
from supportkit.rules._conditions import conditions_hold
from supportkit.rules._scan import evidence

from .test_scale_compact import FORMS, WORDS, phrases

CHANNELS = ["email", "chat", "phone"]
TAGS = ["vip", "spam", "new"]
FIELD_SETS = [None, None, None, ["subject"], ["body"], ["subject", "body", "fields.note"]]


@st.composite
def rules(draw: st.DrawFn) -> list[dict[str, Any]]:
    out = []
    for i in range(draw(st.integers(1, 14))):
        when: dict[str, Any] = {}
        if draw(st.integers(0, 7)):
            when["any"] = draw(st.lists(phrases(), min_size=1, max_size=3))
        if draw(st.integers(0, 3)) == 0:
            when["all"] = draw(st.lists(phrases(), min_size=1, max_size=2))
        if draw(st.integers(0, 2)) == 0:
            when["none"] = [draw(phrases())]
        fields = draw(st.sampled_from(FIELD_SETS))
        if fields is not None:
            when["fields"] = fields
        if draw(st.integers(0, 2)) == 0:
            when["channel"] = draw(st.lists(st.sampled_from(CHANNELS), min_size=1, unique=True))
        if draw(st.integers(0, 4)) == 0:
            when["priority"] = draw(st.lists(st.sampled_from(["low", "high"]), min_size=1))
        tags = {
            key: draw(st.lists(st.sampled_from(TAGS), min_size=1, max_size=2, unique=True))
            for key in ("any", "all", "none")
            if draw(st.integers(0, 4)) == 0
        }
        if tags:
            when["tags"] = tags
        then: dict[str, Any] = {}
        if draw(st.booleans()):
            then["tags"] = draw(st.lists(st.sampled_from(["a", "b", "c"]), max_size=2))
        if draw(st.integers(0, 4)) == 0:
            then["remove_tags"] = [draw(st.sampled_from(["a", "b", "c"]))]
        if draw(st.integers(0, 2)) == 0:
            then["reply"] = draw(st.sampled_from(["hello", "named", "elsewhere"]))
        for key, values in (
            ("assign", ["ann", "bob"]),
            ("priority", ["low", "high"]),
            ("escalate", [True, "l2"]),
        ):
            if draw(st.integers(0, 2)) == 0:
                then[key] = draw(st.sampled_from(values))
        if draw(st.integers(0, 3)) == 0:
            then["set"] = {draw(st.sampled_from(["x", "y"])): draw(st.sampled_from([1, "v"]))}
        rule: dict[str, Any] = {"id": f"r{i}", "when": when, "then": then or {"tags": ["t"]}}
        if draw(st.integers(0, 9)) == 0:
            rule["stop"] = True
        if draw(st.integers(0, 9)) == 0:
            rule["enabled"] = False
        out.append(rule)
    return out


words = st.lists(st.sampled_from(FORMS + WORDS), max_size=10).map(" ".join)
tickets = st.builds(
    Ticket,
    id=st.sampled_from(["T-1", "T-2"]),
    subject=words,
    body=words,
    channel=st.sampled_from(CHANNELS),
    priority=st.sampled_from(["low", "normal", "high"]),
    tags=st.lists(st.sampled_from(TAGS), max_size=2, unique=True).map(tuple),
    fields=st.fixed_dictionaries({"note": words, "name": st.sampled_from(["Анна", ""])}),
)
TEMPLATES = {"hello": "Здравствуйте, {fields.name|клиент}!", "named": "{fields.name}, ответ {id}."}


def eager(ruleset: RuleSet, ticket: Ticket) -> dict[str, Any]:
    """The evaluation the old way: every rule checked, everything built at once."""
    scan = ruleset.scan(ticket)
    matched, stopped_by = [], None
    for item in ruleset._compiled:
        if conditions_hold(item, ticket, scan, None, {}, calendars={}):
            matched.append(item)
            if item.rule.stop:
                stopped_by = item.rule.id
                break
    tags, removed, chosen, dropped = combine(item.rule for item in matched)
    reply = chosen.get("reply")
    phrases = ruleset._matcher.phrases
    found = {i.rule.id: evidence(i, scan, phrases) for i in matched}
    return {
        "ticket_id": ticket.id,
        "matched": [i.rule.id for i in matched],
        "tags": tags,
        "remove_tags": removed,
        "reply": None
        if reply not in ruleset.templates
        else ruleset.templates[reply].render(ticket),
        "reply_template": reply,
        "assign": chosen.get("assign"),
        "priority": chosen.get("priority"),
        "escalate": chosen.get("escalate"),
        "set": {k[4:]: v for k, v in chosen.items() if k.startswith("set.")},
        "evidence": {k: [e.to_dict() for e in v] for k, v in found.items() if v},
        "overridden": [
            {"action": a, "rule_id": r, "value": v, "kept_rule_id": k} for a, r, v, k in dropped
        ],
        "stopped_by": stopped_by,
        "timeouts": [],
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules(), st.lists(tickets, min_size=1, max_size=4), st.integers(0, 3))
def test_lazy_and_eager_evaluations_agree(
    data: list[dict[str, Any]], sample: list[Ticket], order: int
) -> None:
    ruleset = RuleSet.from_dicts(data, templates=TEMPLATES)
    for ticket in sample:
        try:
            expected = eager(ruleset, ticket)
        except TemplateError as error:  # a reply that cannot be filled fails both ways
            with pytest.raises(TemplateError, match=re.escape(str(error))):
                ruleset.evaluate(ticket)
            continue
        result = ruleset.evaluate(ticket)
        # Whatever is read first, and whenever: the deferred parts come out the same.
        if order == 1:
            assert [o.to_dict() for o in result.overridden] == expected["overridden"]
        elif order == 2:
            result = pickle.loads(pickle.dumps(result))
        elif order == 3:
            assert {k: [e.to_dict() for e in v] for k, v in result.evidence.items()} == (
                expected["evidence"]
            )
        assert result.to_dict() == expected
        assert list(result.set) == list(expected["set"])  # the order of first setting, too
        assert result == ruleset.evaluate(ticket)
