"""Laws: allowed events keep journeys valid; round trips; replay; no interleaving."""

from __future__ import annotations

import datetime as dt
import tempfile
import threading
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from supportkit.exceptions import ConcurrencyError
from supportkit.onboarding import Flow, Journey, SQLiteJourneyStore, Step, flows
from supportkit.testing import strategies

ALL = [
    flows.individual(),
    flows.self_employed(),
    flows.sole_proprietor(),
    flows.foreign_citizen(),
    flows.support_agent(),
]
T0 = dt.datetime(2024, 12, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))
ACTORS = st.sampled_from(["subject", "support", "client", "system"])


@st.composite
def walks(draw: st.DrawFn, flow: Flow | None = None) -> Journey:
    flow = flow or draw(st.sampled_from(ALL))
    journey = flow.start(draw(st.sampled_from(["c1", "исполнитель-7"])), at=T0)
    for _ in range(draw(st.integers(0, 12))):
        if journey.is_terminal:
            break
        gap = dt.timedelta(minutes=draw(st.integers(0, 60 * 24 * 40)))
        when = journey.last_at + gap
        allowed = [e for e in flow.events_from(journey.state) if journey.can(e, at=when)]
        if not allowed:
            continue
        event = draw(st.sampled_from(allowed))
        journey = journey.fire(event, at=when, actor=draw(ACTORS))
    return journey


def check_valid(journey: Journey) -> None:
    flow = journey.flow
    state = flow.initial
    last = journey.started_at
    for step in journey.history:
        assert step.source == state
        assert flow.transition(state, step.event).target == step.target  # type: ignore[union-attr]
        assert step.at >= last
        state, last = step.target, step.at
    assert journey.state == state
    assert journey.is_terminal == (flow.events_from(state) == [])
    assert set(journey.deadlines) <= {d.name for d in flow.deadlines}
    assert set(journey.met) <= set(journey.deadlines)


@given(walks())
def test_allowed_events_keep_the_journey_valid(journey: Journey) -> None:
    check_valid(journey)


@given(walks())
def test_to_dict_round_trip_and_replay(journey: Journey) -> None:
    again = Journey.from_dict(journey.flow, journey.to_dict())
    assert again == journey
    assert again.deadlines == journey.deadlines
    assert again.met == journey.met
    assert journey.flow.replay(journey.subject_id, journey.started_at, journey.history) == journey


@st.composite
def variants(draw: st.DrawFn) -> Flow:
    flow = draw(st.sampled_from(ALL[:3]))
    path = flow.path()
    middle = list(path[1:-1])
    choice = draw(st.sampled_from(["move", "with", "without"]))
    if choice == "move":
        return flow.move_step(draw(st.sampled_from(middle)), after=draw(st.sampled_from(path[:-1])))
    if choice == "without":
        return flow.without_step(draw(st.sampled_from(middle)))
    return flow.with_step("extra_step", after=draw(st.sampled_from(path[:-1])), event="do_extra")


@given(variants())
def test_variant_round_trip_and_walk(variant: Flow) -> None:
    again = Flow.from_dict(variant.to_dict())
    assert again == variant
    assert again.path() == variant.path()
    journey = variant.start("c1", at=T0)
    for source, target in zip(variant.path(), variant.path()[1:], strict=False):
        event = next(
            e
            for e in variant.events_from(source)
            if variant.transition(source, e).target == target  # type: ignore[union-attr]
        )
        journey = journey.fire(event, at=T0)
    assert journey.outcome == "success"


@settings(max_examples=8, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=2, max_size=4))
def test_concurrent_appends_never_interleave(batches: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "race.db"
        with SQLiteJourneyStore(path) as s:
            s.save(flows.self_employed().start("c1", at=T0))

        def writer(tag: str, size: int) -> None:
            with SQLiteJourneyStore(path) as s:
                for _ in range(3):
                    while True:
                        version = s.version("c1")
                        assert version is not None
                        try:
                            batch = [Step("register", T0, tag, "a", "b")] * size
                            s.append("c1", batch, expected_version=version)
                            break
                        except ConcurrencyError:
                            continue

        threads = [
            threading.Thread(target=writer, args=(f"w{i}", size)) for i, size in enumerate(batches)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        with SQLiteJourneyStore(path) as s:
            actors = [e["actor"] for e in s.events("c1")]
    assert len(actors) == 3 * sum(batches)
    # Split the log into runs; every run's length is a multiple of its writer's batch size.
    sizes = {f"w{i}": size for i, size in enumerate(batches)}
    i = 0
    while i < len(actors):
        tag = actors[i]
        assert actors[i : i + sizes[tag]] == [tag] * sizes[tag]
        i += sizes[tag]


@given(st.sampled_from(ALL).flatmap(lambda flow: strategies.journeys(flow, max_steps=10)))
def test_public_strategy_journeys_replay(journey: Journey) -> None:
    """Dogfood: the public ``supportkit.testing.strategies.journeys`` draws valid journeys."""
    check_valid(journey)
    assert Journey.from_dict(journey.flow, journey.to_dict()) == journey
