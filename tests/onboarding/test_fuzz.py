"""Fuzz: every public onboarding entry point on arbitrary JSON-like values (issue 15 point 6).

The only assertion: each call returns, or raises a ``SupportkitError`` that is also a
``ValueError``, ``TypeError`` or ``LookupError`` — never a builtin error from inside.
Bounded for CI (120 examples, ~2 s); runs of 4,000-15,000 examples found nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportkit.exceptions import SupportkitError
from supportkit.onboarding import (
    DeadlineRule,
    Flow,
    Journey,
    OfficeClock,
    State,
    Timeout,
    Transition,
    check_account,
    check_inn,
    check_ogrnip,
    check_snils,
    compare_cohorts,
    flows,
    funnel,
    nth_working_day,
    self_service,
    stuck,
)

WORDS = ["registered", "invited", "withdrawn", "register", "go", "passport", "russia", ""]
AT = "2024-11-11T10:00:00+03:00"
atoms = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=8)
    | st.sampled_from([*WORDS, AT, "Europe/Moscow", "09:00"])
)
values = st.recursive(
    atoms,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.tuples(inner, inner, inner)
        | st.dictionaries(st.text(max_size=5) | st.sampled_from(["event", "at", "data"]), inner)
    ),
    max_leaves=8,
)
FLOW = flows.self_employed()
JOURNEY = FLOW.start("c1", at=AT)
TINY = {
    "name": "x",
    "initial": "a",
    "states": [{"name": "a"}, {"name": "b", "terminal": True, "outcome": "success"}],
    "transitions": [{"source": "a", "event": "go", "target": "b"}],
}


def ours(call: Callable[[], Any]) -> None:
    try:
        call()
    except (ValueError, TypeError, LookupError) as error:
        if not isinstance(error, SupportkitError):
            raise  # a builtin error escaped from inside: the bug this test is for


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(a=values, b=values, c=values, d=values)
def test_public_onboarding_api_on_arbitrary_values(a: Any, b: Any, c: Any, d: Any) -> None:
    j = JOURNEY
    calls: list[Callable[[], Any]] = [
        lambda: FLOW.start(a, at=b),
        lambda: j.fire(a, at=b),
        lambda: j.fire("register", at=AT, actor=a, payload=b),
        lambda: j.can(a, at=b),
        lambda: j.advance(a),
        lambda: j.overdue(a),
        lambda: j.entered_at(a),
        lambda: Journey.from_dict(FLOW, a),
        lambda: Journey.from_dict(FLOW, {"subject_id": "c1", "started_at": AT, "history": a}),
        lambda: FLOW.replay("c1", AT, a, extra=b),
        lambda: FLOW.replay_many(a),
        lambda: Flow.from_dict(a),
        lambda: Flow.from_dict({**TINY, "deadlines": a, "calendar": b, "strict": c}),
        lambda: Flow(a, b, c, d),
        lambda: State(a, label=b, terminal=c, outcome=d),
        lambda: Transition(a, b, c, d),
        lambda: Timeout(a, b),
        lambda: DeadlineRule(a, b, c, working_days=d),
        lambda: DeadlineRule("n", "start", "x", days=a, tz=b, source=c),
        lambda: FLOW.state(a),
        lambda: FLOW.events_from(a),
        lambda: FLOW.transition(a, b),
        lambda: FLOW.guard(a),
        lambda: FLOW.with_step(a, after=b, event=c, guards=d),
        lambda: FLOW.with_step("x", after="registered", event="go", side=a, label=b, timeout=c),
        lambda: FLOW.without_step(a, name=b),
        lambda: FLOW.move_step(a, after=b, name=c),
        lambda: FLOW.diff(a),
        lambda: flows.get(a),
        lambda: funnel(a, FLOW),
        lambda: funnel([j], FLOW, clock=a),
        lambda: stuck(a, now=b, idle=c),
        lambda: stuck([j], now=AT, idle=a),
        lambda: self_service(a),
        lambda: compare_cohorts(a, b, names=c, clock=d),
        lambda: compare_cohorts([j], [j], names=a),
        lambda: check_inn(a),
        lambda: check_snils(a),
        lambda: check_ogrnip(a),
        lambda: check_account(a, b),
        lambda: OfficeClock(a, tz=b, opens=c, closes=d),
        lambda: OfficeClock(tz=b, opens=c, closes=d).between(a, b),
        lambda: nth_working_day(a, b, c),
    ]
    for call in calls:
        ours(call)
