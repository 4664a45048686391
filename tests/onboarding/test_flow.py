"""The core: flows validated as a whole, journeys immutable, clear errors on bad input."""

from __future__ import annotations

import datetime as dt
import pickle
from zoneinfo import ZoneInfo

import pytest

from supportkit import SupportkitError
from supportkit.exceptions import InvalidArgument, InvalidFlow, InvalidValue, NaiveDatetimeError
from supportkit.onboarding import (
    DeadlineRule,
    Flow,
    Guard,
    Journey,
    State,
    Timeout,
    Transition,
    TransitionError,
    flows,
)

MSK = ZoneInfo("Europe/Moscow")
T0 = dt.datetime(2024, 11, 11, 10, 0, tzinfo=MSK)


def tiny(**changes) -> Flow:
    spec = {
        "name": "tiny",
        "initial": "a",
        "states": [State("a"), State("b"), State("done", terminal=True, outcome="success")],
        "transitions": [Transition("a", "go", "b"), Transition("b", "finish", "done")],
    }
    spec.update(changes)
    return Flow(**spec)


def test_flow_lists_every_problem_at_once() -> None:
    with pytest.raises(InvalidFlow) as info:
        tiny(
            states=[
                State("a"),
                State("b"),
                State("limbo"),
                State("loop"),
                State("done", terminal=True, outcome="success"),
            ],
            transitions=[
                Transition("a", "go", "b"),
                Transition("b", "finish", "done"),
                Transition("b", "spin", "loop"),
                Transition("loop", "spin", "loop"),
                Transition("done", "again", "a"),
            ],
        )
    assert str(info.value) == (
        "flow 'tiny' is invalid: terminal states with transitions out of them ['done']; "
        "unreachable states ['limbo']; dead ends (non-terminal states with no transition out) "
        "['limbo']; states from which no terminal state can be reached ['loop']."
    )
    assert info.value.value == {
        "terminal_exits": ["done"],
        "unreachable": ["limbo"],
        "dead_ends": ["limbo"],
        "traps": ["loop"],
    }
    assert isinstance(info.value, ValueError)


def test_flow_reference_problems() -> None:
    with pytest.raises(InvalidFlow) as info:
        tiny(
            initial="zero",
            states=[State("a"), State("a"), State("done", terminal=True, outcome="success")],
            transitions=[
                Transition("a", "go", "nowhere", ("no_such_guard",)),
                Transition("a", "go", "done"),
            ],
            deadlines=[DeadlineRule("d", "never", ("go",), days=1)],
        )
    assert str(info.value) == (
        "flow 'tiny' is invalid: duplicate states ['a']; initial state is not a state ['zero']; "
        "transitions name unknown states ['nowhere']; more than one transition for the same "
        "state and event ['a.go']; unknown guards ['no_such_guard']; events with no "
        "transition ['deadlines.d:never']."
    )


def test_flow_without_terminal_and_orphan_timeout() -> None:
    with pytest.raises(InvalidFlow, match=r"no terminal state \['tiny'\]"):
        tiny(states=[State("a"), State("b"), State("done")])
    with pytest.raises(InvalidFlow, match=r"events with no transition \['a.timeout:expire'\]"):
        tiny(
            states=[
                State("a", timeout=Timeout(60, "expire")),
                State("b"),
                State("done", terminal=True, outcome="success"),
            ]
        )


def test_value_checks_on_parts() -> None:
    with pytest.raises(InvalidFlow, match="state 'x' has outcome 'win'"):
        State("x", terminal=True, outcome="win")
    with pytest.raises(InvalidFlow, match="has an outcome but is not terminal"):
        State("x", outcome="success")
    with pytest.raises(InvalidFlow, match="must be a non-empty identifier"):
        State("two words")
    with pytest.raises(InvalidFlow, match=r"timeout\.after must be positive"):
        Timeout(0, "expire")
    with pytest.raises(InvalidFlow, match="exactly one of working_days, days or months"):
        DeadlineRule("d", "go", "finish", working_days=3, days=3)
    with pytest.raises(InvalidFlow, match=r"states\[0\] must be a State or a mapping"):
        tiny(states=[42])
    with pytest.raises(InvalidFlow, match=r"transitions\[0\] has unknown or missing keys"):
        tiny(transitions=[{"from": "a"}])
    with pytest.raises(InvalidArgument, match="guards must map a name to a Guard"):
        tiny(guards={"x": len})


def test_flow_round_trips_and_compares_as_data() -> None:
    for make in (flows.individual, flows.self_employed, flows.sole_proprietor,
                 flows.foreign_citizen, flows.support_agent):  # fmt: skip
        flow = make()
        again = Flow.from_dict(flow.to_dict())
        assert again == flow
        assert again.to_dict() == flow.to_dict()
        assert pickle.loads(pickle.dumps(flow.to_dict())) == flow.to_dict()
    with pytest.raises(InvalidFlow) as info:
        Flow.from_dict({"name": "x", "states": [], "extra": 1})
    assert str(info.value) == (
        "flow mapping has unknown keys ['extra'] and missing keys ['initial', 'transitions']; "
        "expected keys are ['calendar', 'deadlines', 'description', 'initial', 'name', "
        "'states', 'strict', 'transitions']."
    )
    with pytest.raises(InvalidFlow, match="a flow must be a mapping"):
        Flow.from_dict([])  # type: ignore[arg-type]


def test_lookups() -> None:
    flow = flows.self_employed()
    assert flow.events_from("invited") == ["expire", "register", "withdraw"]
    assert flow.events_from("active") == []
    with pytest.raises(InvalidFlow) as info:
        flow.events_from("nope")
    assert str(info.value).startswith("flow 'self_employed' has no state 'nope'; states are [")
    assert flow.distance_to_success()["permissions_granted"] == 1
    assert "rejected" not in flow.distance_to_success()


def test_custom_guard() -> None:
    def city(ctx) -> list[str]:
        return [] if ctx.data.get("city") in {"Казань", "Москва"} else ["city is not served."]

    flow = tiny(
        transitions=[Transition("a", "go", "b", ("city",)), Transition("b", "finish", "done")],
        guards={"city": Guard("city", city, ("city",))},
    )
    journey = flow.start("s", at=T0)
    assert journey.can("go", city="Казань")
    assert journey.can("go", city="Тверь").reasons == ("city is not served.",)
    again = Flow.from_dict(flow.to_dict(), guards={"city": Guard("city", city, ("city",))})
    assert again == flow
    with pytest.raises(InvalidFlow, match=r"unknown guards \['city'\]"):
        Flow.from_dict(flow.to_dict())


# -- journeys --------------------------------------------------------------------------------


def test_fire_returns_a_new_journey() -> None:
    flow = tiny()
    start = flow.start("s1", at=T0, client="ООО Ромашка")
    moved = start.fire("go", at=T0 + dt.timedelta(hours=1), actor="support", note="позвонили")
    assert start.state == "a"
    assert start.history == ()
    assert moved.state == "b"
    assert moved.version == 1
    (step,) = moved.history
    assert (step.event, step.actor, step.source, step.target) == ("go", "support", "a", "b")
    assert dict(step.data) == {"note": "позвонили"}
    assert dict(moved.data) == {"client": "ООО Ромашка", "note": "позвонили"}
    assert moved.assisted
    assert moved.entered_at("b") == T0 + dt.timedelta(hours=1)
    assert moved.entered_at("a") == T0
    assert moved.entered_at("done") is None


def test_transition_error_names_state_event_and_allowed() -> None:
    journey = flows.self_employed().start("s1", at=T0)
    with pytest.raises(TransitionError) as info:
        journey.fire("sign_contract", at=T0)
    error = info.value
    assert str(error) == (
        "can't sign_contract in state 'invited' of flow 'self_employed'; allowed there: "
        "['expire', 'register', 'withdraw']."
    )
    assert (error.state, error.event, error.allowed) == (
        "invited",
        "sign_contract",
        ("expire", "register", "withdraw"),
    )
    assert isinstance(error, ValueError)
    assert isinstance(error, SupportkitError)


def test_unknown_event() -> None:
    journey = flows.self_employed().start("s1", at=T0)
    with pytest.raises(TransitionError) as info:
        journey.fire("fly", at=T0)
    assert str(info.value) == (
        "'fly' is not an event of flow 'self_employed'; events allowed in state 'invited' "
        "are ['expire', 'register', 'withdraw']."
    )
    assert not journey.can("fly")


def test_time_must_not_go_back() -> None:
    journey = tiny().start("s1", at=T0).fire("go", at=T0 + dt.timedelta(hours=2))
    with pytest.raises(InvalidValue) as info:
        journey.fire("finish", at=T0 + dt.timedelta(hours=1))
    assert str(info.value) == (
        "at '2024-11-11T11:00:00+03:00' is earlier than the last event of journey 's1' "
        "('2024-11-11T12:00:00+03:00'); events must be fired in time order."
    )
    # Same instant is fine (several events in one second happen).
    assert journey.fire("finish", at=T0 + dt.timedelta(hours=2)).state == "done"


def test_bad_arguments() -> None:
    flow = tiny()
    with pytest.raises(NaiveDatetimeError):
        flow.start("s1", at=dt.datetime(2024, 1, 1))
    with pytest.raises(InvalidArgument, match="subject_id must be a non-empty string"):
        flow.start("", at=T0)
    journey = flow.start("s1", at=T0)
    with pytest.raises(InvalidArgument, match="actor must be a non-empty string"):
        journey.fire("go", at=T0, actor="")
    with pytest.raises(InvalidArgument, match=r"data.when must be JSON-like data"):
        journey.fire("go", at=T0, when=object())
    with pytest.raises(InvalidValue, match="must be an ISO-8601 date-time"):
        journey.fire("go", at="вчера")
    assert journey.history == ()


def test_to_dict_round_trip_and_malformed_data() -> None:
    flow = tiny()
    journey = flow.start("s1", at=T0, client="X").fire("go", at=T0, permissions={"b", "a"})
    data = journey.to_dict()
    assert data == {
        "flow": "tiny",
        "subject_id": "s1",
        "started_at": "2024-11-11T10:00:00+03:00",
        "state": "b",
        "history": [
            {
                "event": "go",
                "at": "2024-11-11T10:00:00+03:00",
                "actor": "subject",
                "from": "a",
                "to": "b",
                "data": {"permissions": ["a", "b"]},
            }
        ],
        "data": {"client": "X"},
    }
    assert Journey.from_dict(flow, data) == journey
    bad = [
        ([], "a journey must be a mapping"),
        ({"subject_id": "s1"}, "journey is missing key 'started_at'"),
        ({**data, "flow": "other"}, "journey belongs to flow 'other', not 'tiny'"),
        ({**data, "state": "done"}, "journey state 'done' does not match its history"),
        ({**data, "history": "go"}, "history must be a list of events"),
        ({**data, "history": [{"event": "go"}]}, r"history\[0\] must have 'event' and an aware"),
        ({**data, "history": [{"event": "finish", "at": "2024-11-11T10:00:00+03:00"}]},
         r"history\[0\] has event 'finish', which flow 'tiny' does not allow in state 'a'"),
        ({**data, "history": [{"event": "go", "at": "2024-11-11T10:00:00"}]},
         r"history\[0\] must have 'event' and an aware ISO 'at'"),
        ({**data, "started_at": "2024-11-12T10:00:00+03:00"},
         r"history\[0\].at '2024-11-11T10:00:00\+03:00' is earlier than the event before it"),
        ({**data, "history": [{**data["history"][0], "to": "done"}]},
         r"history\[0\] says it led to 'done', but 'go' leads to 'b'"),
        ({**data, "history": [{**data["history"][0], "actor": 5}]},
         r"history\[0\] needs a string 'actor'"),
        ({**data, "history": [7]}, r"history\[0\] must be a mapping"),
        ({**data, "started_at": "later"}, "started_at must be an ISO-8601"),
        ({**data, "data": [1]}, "journey data must be a mapping"),
    ]  # fmt: skip
    for value, message in bad:
        with pytest.raises(InvalidFlow, match=message):
            Journey.from_dict(flow, value)


def test_replay_equals_fire_by_fire() -> None:
    flow = flows.foreign_citizen()
    j = flow.start("f", at=T0)
    for i, event in enumerate(["register", "fill_profile", "verify_documents", "sign_contract"]):
        j = j.fire(event, at=T0 + dt.timedelta(days=i), actor="support" if i == 2 else "subject")
    again = flow.replay("f", T0, j.history)
    assert again == j
    assert again.deadlines == j.deadlines
    assert flow.replay("f", T0.isoformat(), [s.to_dict() for s in j.history]) == j


def test_replay_many_restores_the_garbage_collector() -> None:
    import gc

    import supportkit

    flow = tiny()
    one = flow.start("s1", at=T0).fire("go", at=T0)
    two = flow.start("s2", at=T0)
    assert gc.isenabled()
    assert flow.replay_many([one.to_dict(), two.to_dict()]) == [one, two]
    assert gc.isenabled()
    with pytest.raises(InvalidFlow, match="journey is missing key 'history'"):
        flow.replay_many([{"subject_id": "x", "started_at": T0.isoformat()}])
    assert gc.isenabled()
    gc.disable()
    try:
        flow.replay_many([one.to_dict()])
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert supportkit.TransitionError is TransitionError


def test_flows_and_journeys_pickle_for_workers() -> None:
    flow = flows.foreign_citizen()
    journey = flow.start("f", at=T0).fire("register", at=T0, note="x")
    again = pickle.loads(pickle.dumps(journey))
    assert again == journey
    assert again.flow == flow
    assert pickle.loads(pickle.dumps(flows.support_agent())) == flows.support_agent()
