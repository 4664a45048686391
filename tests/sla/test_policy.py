"""SLA policies: validation, JSON round trip, durations."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from pathlib import Path

import pytest

from supportkit.exceptions import InvalidArgument, InvalidPolicy
from supportkit.sla import AppliesTo, CalendarTime, PolicySet, SLAPolicy, parse_duration

H = dt.timedelta(hours=1)


def test_defaults() -> None:
    policy = SLAPolicy("p", {"resolution": "8h", "first_response": 900}, None)
    assert list(policy.targets) == ["first_response", "resolution"]  # report order
    assert policy.targets["first_response"] == dt.timedelta(minutes=15)
    assert policy.pause_statuses == ("waiting_customer",)
    assert policy.responders == ("agent",)
    assert policy.paused_metrics == ("pausable_update", "resolution")  # 0.1 paused periodic_update
    assert isinstance(policy.calendar, CalendarTime)
    assert policy.clock("resolution") is policy.calendar
    assert hash(policy) == hash(SLAPolicy("p", {"first_response": 900, "resolution": 8 * H}, None))
    assert pickle.loads(pickle.dumps(policy)) == policy


@pytest.mark.parametrize(
    ("kwargs", "exc", "message"),
    [
        ({"name": ""}, InvalidPolicy, "name must be a non-empty string"),
        ({"targets": {}}, InvalidPolicy, "targets must be a non-empty mapping"),
        ({"targets": {"reply": H}}, InvalidPolicy, "targets has unknown metric 'reply'"),
        ({"targets": {"resolution": 0}}, InvalidPolicy, "targets.resolution must be a positive"),
        (
            {"targets": {"resolution": "2 days"}},
            InvalidPolicy,
            "targets.resolution must be a duration",
        ),
        ({"calendar": 42}, InvalidArgument, "calendar must be a WorkCalendar"),
        ({"pause_statuses": ["solved"]}, InvalidPolicy, "pause_statuses has 'solved'"),
        ({"pause_statuses": ["snoozed"]}, InvalidPolicy, "pause_statuses has 'snoozed'"),
        ({"responders": ["customer"]}, InvalidPolicy, "responders has 'customer'"),
        ({"responders": []}, InvalidPolicy, "responders must name at least one"),
        ({"paused_metrics": ["csat"]}, InvalidPolicy, "paused_metrics has unknown metric 'csat'"),
        ({"applies_to": {"team": "x"}}, InvalidPolicy, "applies_to has unknown key 'team'"),
        (
            {"applies_to": {"tags": {"some": ["x"]}}},
            InvalidPolicy,
            "applies_to.tags has unknown key",
        ),
        ({"applies_to": {"channel": [""]}}, InvalidPolicy, r"applies_to.channel\[0\] must be"),
        ({"calendars": {"reply": None}}, InvalidPolicy, "calendars has unknown metric 'reply'"),
    ],
)
def test_bad_policies_name_the_field(kwargs: dict, exc: type, message: str) -> None:
    args = {"name": "p", "targets": {"first_response": H}, "calendar": None, **kwargs}
    name, targets, calendar = args.pop("name"), args.pop("targets"), args.pop("calendar")
    with pytest.raises(exc, match=message):
        SLAPolicy(name, targets, calendar, **args)


def test_policy_set_validation() -> None:
    policy = SLAPolicy("p", {"first_response": H}, None)
    with pytest.raises(InvalidPolicy, match="repeats the name 'p'"):
        PolicySet([policy, policy])
    with pytest.raises(InvalidPolicy, match="at least one"):
        PolicySet([])
    with pytest.raises(InvalidPolicy, match=r"policies\[0\] must be an SLAPolicy"):
        PolicySet([{"name": "p"}])
    assert PolicySet(policy).policies == (policy,)


def test_json_round_trip(tmp_path: Path) -> None:
    policies = PolicySet(
        [
            SLAPolicy(
                "vip",
                {"first_response": 100, "next_response": "5m"},
                None,
                applies_to={
                    "channel": "chat",
                    "tags": ["vip"],
                    "fields": {"country": ["RU", "KZ"]},
                },
                responders=["agent", "bot"],
            ),
            SLAPolicy(
                "rest", {"resolution": "48h"}, None, pause_statuses=["waiting_customer", "on_hold"]
            ),
        ]
    )
    data = policies.to_dict()
    text = json.dumps(data)
    assert PolicySet.from_dict(json.loads(text)) == policies
    path = tmp_path / "policies.json"
    path.write_text(text, encoding="utf-8")
    assert PolicySet.from_json(path) == policies
    assert PolicySet.from_json(str(path)) == policies
    assert PolicySet.from_json(text) == policies
    assert data["policies"][0]["applies_to"] == {
        "channel": ["chat"],
        "tags": {"any": ["vip"]},
        "fields": {"country": ["KZ", "RU"]},
    }


def test_from_dict_errors_name_the_path(tmp_path: Path) -> None:
    with pytest.raises(InvalidPolicy, match=r"^policies\[1\]\.targets has unknown metric 'csat'"):
        PolicySet.from_dict(
            {
                "policies": [
                    {"name": "a", "targets": {"resolution": 60}},
                    {"name": "b", "targets": {"csat": 1}},
                ]
            }
        )
    with pytest.raises(InvalidPolicy, match=r"policies\[0\] has unknown key 'target'"):
        PolicySet.from_dict({"policies": [{"name": "a", "target": {}}]})
    with pytest.raises(InvalidPolicy, match="must be a JSON object"):
        PolicySet.from_dict({"rules": []})
    with pytest.raises(InvalidPolicy, match="not valid JSON"):
        PolicySet.from_json("{nope")
    with pytest.raises(InvalidPolicy, match="cannot read policy file"):
        PolicySet.from_json(tmp_path / "missing.json")


def test_applies_to_from_dict_forms() -> None:
    assert AppliesTo.from_dict(None) == AppliesTo()
    assert AppliesTo.from_dict({"tags": "payouts"}).tags_any == ("payouts",)
    assert AppliesTo.from_dict({"tags": {"all": ["a", "b"]}}).tags_all == ("a", "b")
    assert AppliesTo.from_dict({"channel": "Chat"}).channel == ("chat",)
    with pytest.raises(InvalidPolicy, match="applies_to must be a mapping"):
        AppliesTo.from_dict(["chat"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1h30m", 5400),
        ("100s", 100),
        ("08:30", 30600),
        ("0:01:40", 100),
        ("90", 90),
        ("1.5h", 5400),
        (45.5, 45.5),
    ],
)
def test_parse_duration(text: object, seconds: float) -> None:
    assert parse_duration(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["", "1d", "soon", "h"])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(InvalidPolicy, match="must be a duration such as"):
        parse_duration(text)


def test_policy_set_pickles_for_workers() -> None:
    policies = PolicySet([SLAPolicy("p", {"first_response": H, "resolution": 8 * H}, None)])
    clone = pickle.loads(pickle.dumps(policies))
    assert clone == policies
    ticket = {"id": "1", "created_at": "2024-10-07T10:00:00+03:00"}
    assert clone.evaluate(ticket, now="2024-10-07T12:00:00+03:00") == policies.evaluate(
        ticket, now="2024-10-07T12:00:00+03:00"
    )
    assert policies.metrics == ("first_response", "resolution")


def test_next_response_from_is_checked_and_stored() -> None:
    with pytest.raises(InvalidPolicy, match="next_response_from must be 'oldest'"):
        SLAPolicy("p", {"next_response": H}, None, next_response_from="newest")
    policy = SLAPolicy("p", {"next_response": H}, None, next_response_from="latest")
    assert SLAPolicy.from_dict(policy.to_dict()) == policy
