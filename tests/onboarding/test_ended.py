"""After a journey has ended, an event is refused with why: the journey ended, where and when.

Issue 15: the message used to be "allowed there: []", which does not say that the
journey is over.
"""

from __future__ import annotations

import pytest

from supportkit.exceptions import InvalidFlow, TransitionError, UnknownEvent
from supportkit.onboarding import Journey, flows
from supportkit.onboarding._demo import demo_journeys

FLOW = flows.self_employed()
T0 = "2024-11-11T10:00:00+03:00"
WITHDRAWN_AT = "2024-11-11T12:00:00+03:00"
LATER = "2024-11-11T13:00:00+03:00"


def withdrawn() -> Journey:
    return FLOW.start("c1", at=T0).fire("withdraw", at=WITHDRAWN_AT)


def test_an_event_of_the_flow_after_the_end() -> None:
    j = withdrawn()
    with pytest.raises(TransitionError) as caught:
        j.fire("register", at=LATER)
    assert str(caught.value) == (
        "can't register: journey 'c1' of flow 'self_employed' ended in state 'withdrawn' "
        "(failure) by event 'withdraw' at 2024-11-11T12:00:00+03:00, and no event applies "
        "to an ended journey any more; start a new journey to onboard 'c1' again."
    )
    assert type(caught.value) is TransitionError  # not an unknown name: a known event
    assert caught.value.state == "withdrawn"
    assert caught.value.allowed == ()
    assert "[]" not in str(caught.value)


def test_an_unknown_event_after_the_end_says_both() -> None:
    with pytest.raises(UnknownEvent) as caught:
        withdrawn().fire("payout", at=LATER)
    message = str(caught.value)
    assert message.startswith("'payout' is not an event of flow 'self_employed', and journey")
    assert "ended in state 'withdrawn' (failure) by event 'withdraw' at 2024-11-11T12:00" in message
    assert message.endswith("so no event applies to it any more.")


def test_can_gives_the_same_reason() -> None:
    verdict = withdrawn().can("register")
    assert not verdict.allowed
    assert len(verdict.reasons) == 1
    assert "ended in state 'withdrawn'" in verdict.reasons[0]


def test_a_stored_history_with_an_event_after_the_end() -> None:
    data = withdrawn().to_dict()
    data["history"].append({"event": "register", "at": LATER})
    with pytest.raises(
        InvalidFlow,
        match=r"^history\[1\] has event 'register' after the journey "
        r"ended in state 'withdrawn' \(failure\) by event 'withdraw' at ",
    ):
        Journey.from_dict(FLOW, data)


def test_every_ended_demo_journey_refuses_every_event_saying_it_ended() -> None:
    ended = [j for j in demo_journeys() if j.is_terminal]
    assert {j.outcome for j in ended} == {"success", "failure"}
    for j in ended:
        for event in sorted(FLOW._events):
            with pytest.raises(TransitionError) as caught:
                j.fire(event, at=j.last_at)
            message = str(caught.value)
            assert f"journey {j.subject_id!r} of flow 'self_employed' ended in state " in message
            assert f"({j.outcome}) by event {j.history[-1].event!r}" in message
            assert j.last_at.isoformat() in message
            assert "allowed there" not in message
