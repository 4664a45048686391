"""work_calendars, policies and journeys: valid objects every module accepts."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

from supportkit import as_ticket
from supportkit.exceptions import InvalidArgument
from supportkit.onboarding import Journey, flows
from supportkit.testing import strategies as sk

UTC = dt.timezone.utc


def test_calendars_shrink_to_office_hours_in_utc() -> None:
    from supportkit.sla import WorkCalendar

    cal = find(sk.work_calendars(), lambda c: True)
    expected = WorkCalendar.weekly("UTC", {"mon-fri": "09:00-17:00"})
    monday = dt.datetime(2024, 3, 4, tzinfo=UTC)
    assert cal.intervals(monday, monday + dt.timedelta(days=7)) == expected.intervals(
        monday, monday + dt.timedelta(days=7)
    )


@settings(max_examples=25)
@given(sk.policies(), sk.tickets())
def test_policies_evaluate_every_ticket(policy: Any, raw: dict[str, Any]) -> None:
    from supportkit.sla import PolicySet

    report = PolicySet([policy]).evaluate(as_ticket(raw), now=dt.datetime(2027, 3, 1, tzinfo=UTC))
    # A cycle metric (next_response) has no clock until its first cycle starts.
    for metric, result in report.items():
        assert metric in policy.targets
        assert result.due_at is not None or result.achieved_at is None


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: sk.work_calendars(kinds=["weekend"]), "'weekend', which is not one of"),
        (lambda: sk.work_calendars(kinds=[]), "kinds must be a non-empty list"),
        (lambda: sk.policies(metrics=["speed"]), "'speed', which is not one of"),
        (lambda: sk.journeys(object()), "flow must be an onboarding Flow"),
    ],
)
def test_bad_options(call: object, message: str) -> None:
    with pytest.raises(InvalidArgument, match=re.escape(message)):
        call()  # type: ignore[operator]


FLOWS = ["individual", "self_employed", "sole_proprietor", "foreign_citizen", "support_agent"]
# Every zone, DST gaps and repeated autumn hours included: journeys order events by
# instant, so an event in the repeated hour (fold=1) is later, as it should be.
STARTS = sk.aware_datetimes(timezones=sk.zones())


@settings(max_examples=25)
@given(
    st.sampled_from(FLOWS).flatmap(lambda name: sk.journeys(getattr(flows, name)(), start=STARTS))
)
def test_every_journey_replays_and_round_trips(journey: Any) -> None:
    flow = journey.flow
    again = flow.replay(journey.subject_id, journey.started_at, journey.history)
    assert again.state == journey.state
    assert again.history == journey.history
    assert Journey.from_dict(flow, journey.to_dict()).history == journey.history
    assert len(journey.history) <= 12
    for step in journey.history:
        transition = flow.transition(step.source, step.event)
        assert transition is not None
        assert transition.target == step.target


def test_journeys_reach_the_success_state() -> None:
    journey = find(sk.journeys(flows.self_employed(), start=STARTS), lambda j: j.state == "active")
    assert journey.history[0].source == "invited"


def test_journeys_shrink_to_the_start() -> None:
    journey = find(sk.journeys(flows.individual()), lambda j: True)
    assert journey.state == "invited"
    assert journey.history == ()


def test_from_ruleset_targets_each_usable_rule_and_checks_its_options() -> None:
    from supportkit.rules import RuleSet

    ruleset = RuleSet.from_dicts(
        [
            {"id": "regex-only", "when": {"any": ["/выплат[аы]/"]}, "then": {"tags": ["a"]}},
            {
                "id": "chat-payout",
                "when": {"any": ["выплата"], "channel": ["chat"]},
                "then": {"tags": ["payouts"]},
            },
        ]
    )
    rule_id, ticket = find(sk.from_ruleset(ruleset), lambda pair: True)
    assert rule_id == "chat-payout"
    assert ticket["channel"] == "chat"
    assert "выплата" in ticket["subject"] + ticket["body"]
    with pytest.raises(InvalidArgument, match="'nope', which is not a rule"):
        sk.from_ruleset(ruleset, rule_ids=["nope"])
    with pytest.raises(InvalidArgument, match="no rule of this rule set can be targeted"):
        sk.from_ruleset(ruleset, rule_ids=["regex-only"])
    with pytest.raises(InvalidArgument, match=r"must be a supportkit\.rules\.RuleSet"):
        sk.from_ruleset({"rules": []})
