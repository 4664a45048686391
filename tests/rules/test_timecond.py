"""Time conditions: {"sla": {...}} and {"waiting": {...}} judged at evaluate(now=...)."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from supportkit.exceptions import InvalidArgument, InvalidRule, UnknownReference
from supportkit.rules import RuleSet
from supportkit.sla import PolicySet

POLICIES = PolicySet.from_dict(
    {"policies": [{"name": "std", "targets": {"first_response": "1h", "resolution": "8h"}}]}
)
OFFICE = {"tz": "Europe/Moscow", "hours": {"mon-fri": "09:00-18:00"}}
RULES = [
    {"id": "soon", "when": {"sla": {"due_within": "30m"}}, "then": {"priority": "high"}},
    {"id": "late", "when": {"sla": {"breached": True}}, "then": {"escalate": True}},
    {
        "id": "first-late",
        "when": {"sla": {"breached": True, "metric": "first_response"}},
        "then": {"tags": ["first-late"]},
    },
    {
        "id": "waiting",
        "when": {"waiting": {"more_than": "4h", "calendar": "office"}},
        "then": {"tags": ["waiting"]},
    },
]
TICKET: dict[str, Any] = {
    "id": "T-1",
    "body": "где выплата?",
    "created_at": "2024-10-07T10:00:00+03:00",  # a Monday
    "events": [
        {"at": "2024-10-07T10:00:00+03:00", "type": "reply", "by": "customer"},
    ],
}


def ruleset() -> RuleSet:
    return RuleSet.from_mapping({"calendars": {"office": OFFICE}, "rules": RULES})


def matched(now: str, ticket: dict[str, Any] = TICKET) -> tuple[str, ...]:
    return ruleset().evaluate(ticket, now=now, policies=POLICIES).matched


def test_due_within_and_breached() -> None:
    assert matched("2024-10-07T10:20:00+03:00") == ()  # first response due in 40 min
    assert matched("2024-10-07T10:40:00+03:00") == ("soon",)  # due in 20 min
    assert matched("2024-10-07T11:30:00+03:00") == ("late", "first-late")
    answered = {
        **TICKET,
        "events": [
            *TICKET["events"],
            {"at": "2024-10-07T10:30:00+03:00", "type": "reply", "by": "agent"},
        ],
    }
    # Answered in time: nothing due soon (resolution is due at 18:00), nothing breached.
    assert matched("2024-10-07T11:30:00+03:00", answered) == ()
    assert matched("2024-10-07T17:45:00+03:00", answered) == ("soon",)  # resolution


def test_waiting_counts_working_time_since_the_unanswered_customer_message() -> None:
    ticket = {
        **TICKET,
        "events": [
            {"at": "2024-10-07T10:00:00+03:00", "type": "reply", "by": "customer"},
            {"at": "2024-10-07T10:10:00+03:00", "type": "reply", "by": "agent"},
            {"at": "2024-10-07T16:00:00+03:00", "type": "reply", "by": "customer"},
        ],
    }
    rs = ruleset()
    # Since 16:00: 2 working hours on Monday, then the night is closed.
    assert (
        "waiting"
        not in rs.evaluate(ticket, now="2024-10-08T08:00:00+03:00", policies=POLICIES).matched
    )
    # Tuesday 11:30: 2 h + 2.5 h of working time.
    assert (
        "waiting" in rs.evaluate(ticket, now="2024-10-08T11:30:00+03:00", policies=POLICIES).matched
    )
    plain = RuleSet.from_dicts([{"id": "w", "when": {"waiting": {"more_than": "4h"}}, "then": {}}])
    assert plain.evaluate(ticket, now="2024-10-07T20:30:00+03:00").matched == ("w",)  # elapsed
    assert plain.evaluate(ticket, now="2024-10-07T19:30:00+03:00").matched == ()
    assert plain.evaluate("без времени", now="2024-10-07T19:30:00+03:00").matched == ()


def test_now_and_policies_are_required_when_the_rules_need_them() -> None:
    rs = ruleset()
    with pytest.raises(InvalidArgument, match=r"rule 'soon' has an sla condition.*pass now="):
        rs.evaluate(TICKET)
    with pytest.raises(InvalidArgument, match="pass policies="):
        rs.evaluate(TICKET, now="2024-10-07T10:40:00+03:00")
    waiting_only = RuleSet.from_dicts(
        [{"id": "w", "when": {"waiting": {"more_than": "1h"}}, "then": {}}]
    )
    with pytest.raises(InvalidArgument, match="rule 'w' has a waiting condition"):
        waiting_only.evaluate(TICKET)
    assert waiting_only.evaluate(TICKET, now="2024-10-07T12:00:00+03:00").matched == ("w",)
    # A rule set without time conditions ignores them.
    plain = RuleSet.from_dicts([{"id": "a", "when": {"any": ["выплата"]}, "then": {}}])
    assert (
        plain.evaluate(TICKET).matched == plain.evaluate(TICKET, now=TICKET["created_at"]).matched
    )


@pytest.mark.parametrize(
    ("when", "error", "text"),
    [
        ({"sla": {}}, InvalidRule, "must be an object"),
        ({"sla": {"metric": "resolution"}}, InvalidRule, "needs 'due_within'"),
        ({"sla": {"due_within": "soon"}}, InvalidRule, "must be a duration"),
        ({"sla": {"due_within": "0s"}}, InvalidRule, "positive duration"),
        ({"sla": {"breached": "yes"}}, InvalidRule, "true or false"),
        ({"sla": {"breached": True, "metric": "reply"}}, InvalidRule, "must be one of"),
        ({"sla": {"due": "30m"}}, InvalidRule, "not a known key"),
        ({"waiting": {"calendar": "office"}}, InvalidRule, "needs 'more_than'"),
        ({"waiting": {"more_than": "4h", "calendar": "ofice"}}, UnknownReference, "ofice"),
    ],
)
def test_bad_time_conditions_fail_at_load_time(
    when: dict[str, Any], error: type[Exception], text: str
) -> None:
    with pytest.raises(error, match=text):
        RuleSet.from_mapping(
            {"calendars": {"office": OFFICE}, "rules": [{"id": "r", "when": when, "then": {}}]}
        )


def test_a_python_calendar_without_between_cannot_measure_waiting() -> None:
    class Open:
        def is_open(self, at: object) -> bool:
            return True

    with pytest.raises(InvalidRule, match="cannot measure working time"):
        RuleSet.from_dicts(
            [{"id": "r", "when": {"waiting": {"more_than": "1h", "calendar": "c"}}, "then": {}}],
            calendars={"c": Open()},
        )


def test_round_trip_pickle_and_explain() -> None:
    rs = ruleset()
    assert RuleSet.from_mapping(rs.to_dict()) == rs
    assert rs.to_dict()["rules"][0]["when"] == {"sla": {"due_within": "30m"}}
    again = pickle.loads(pickle.dumps(rs))
    now = "2024-10-07T11:30:00+03:00"
    assert again.evaluate(TICKET, now=now, policies=POLICIES) == rs.evaluate(
        TICKET, now=now, policies=POLICIES
    )
    text = str(rs.explain(TICKET, "late", now=now, policies=POLICIES))
    assert "held: sla {'breached': True}: breached: first_response" in text
    text = str(rs.explain(TICKET, "soon", now=now, policies=POLICIES))
    assert "FAILED: sla {'due_within': '30m'}: nothing open is due by" in text
    text = str(rs.explain(TICKET, "waiting", now=now, policies=POLICIES))
    assert "waiting more than 4h: waiting since 2024-10-07T10:00:00+03:00: 1h30m" in text
