"""Laws of the SLA clocks, checked on random event streams."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from supportkit.sla import AttainmentSummary, PolicySet, SLAPolicy

MSK = ZoneInfo("Europe/Moscow")
START = dt.datetime(2024, 10, 10, 16, 0, tzinfo=MSK)  # a Thursday: nights and a weekend ahead

KINDS = [
    ("reply", "by", "agent"),
    ("reply", "by", "customer"),
    ("reply", "by", "bot"),
    ("status", "status", "waiting_customer"),
    ("status", "status", "open"),
    ("status", "status", "solved"),
    ("priority", "priority", "high"),
    ("priority", "priority", "normal"),
]

events_st = st.lists(
    st.tuples(st.integers(min_value=0, max_value=6 * 24 * 60), st.sampled_from(KINDS)),
    max_size=10,
)


def build(
    events: list[tuple[int, tuple[str, str, str]]], priority: str = "normal"
) -> dict[str, Any]:
    return {
        "id": "P",
        "channel": "chat",
        "priority": priority,
        "created_at": START.isoformat(),
        "events": [
            {"at": (START + dt.timedelta(minutes=m)).isoformat(), "type": kind, key: value}
            for m, (kind, key, value) in events
        ],
    }


def policies(calendar: Any) -> PolicySet:
    targets = {
        "first_response": dt.timedelta(hours=1),
        "next_response": dt.timedelta(hours=2),
        "periodic_update": dt.timedelta(hours=6),
        "resolution": dt.timedelta(hours=16),
    }
    return PolicySet(
        [
            SLAPolicy(
                "high",
                {k: v / 2 for k, v in targets.items()},
                calendar,
                applies_to={"priority": "high"},
            ),
            SLAPolicy("normal", targets, calendar),
        ]
    )


now_st = st.integers(min_value=0, max_value=8 * 24 * 60).map(
    lambda m: START + dt.timedelta(minutes=m)
)


@given(events=events_st, now=st.none() | now_st)
def test_elapsed_plus_remaining_is_the_target(office: Any, events: list, now: Any) -> None:
    report = policies(office).evaluate(
        build(events), now=now if now is None or now >= START else None
    )
    for result in report.values():
        for item in result.cycles or (result,):
            assert item.elapsed + item.remaining == item.target
            if not item.breached:
                assert item.remaining >= dt.timedelta(0)
                assert item.due_at is not None
                end = item.achieved_at or item.stopped_at or report.as_of
                assert end <= item.due_at
            else:
                assert item.breach_at == item.due_at
                end = item.achieved_at or item.stopped_at or report.as_of
                assert end > item.due_at


@given(events=events_st, now=now_st)
def test_unpaused_clock_reaches_the_target_exactly_at_due(
    office: Any, events: list, now: Any
) -> None:
    policy = SLAPolicy("p", {"first_response": dt.timedelta(hours=3)}, office)
    result = PolicySet([policy]).evaluate(build(events), now=max(now, START))["first_response"]
    assert office.between(result.started_at, result.due_at) == dt.timedelta(hours=3)


@given(
    events=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=6 * 24 * 60),
            st.sampled_from([KINDS[0], KINDS[2]]),
        ),
        max_size=6,
    ),
    pause=st.tuples(
        st.integers(min_value=0, max_value=6 * 24 * 60),
        st.integers(min_value=1, max_value=3 * 24 * 60),
    ),
    now=now_st,
)
def test_pausing_never_increases_elapsed(office: Any, events: list, pause: tuple, now: Any) -> None:
    begin, length = pause
    paused = [*events, (begin, KINDS[3]), (begin + length, KINDS[4])]
    pset = PolicySet(
        [
            SLAPolicy(
                "p",
                {"resolution": dt.timedelta(hours=16), "pausable_update": dt.timedelta(hours=4)},
                office,
            )
        ]
    )
    as_of = max(now, START + dt.timedelta(minutes=begin + length))
    plain = pset.evaluate(build(events), now=as_of)
    with_pause = pset.evaluate(build(paused), now=as_of)
    assert with_pause["resolution"].elapsed <= plain["resolution"].elapsed
    plain_updates = sum(
        (c.elapsed for c in plain.get("pausable_update", plain["resolution"]).cycles),
        dt.timedelta(0),
    )
    paused_updates = sum(
        (c.elapsed for c in with_pause.get("pausable_update", plain["resolution"]).cycles),
        dt.timedelta(0),
    )
    assert paused_updates <= plain_updates


@given(
    streams=st.lists(events_st, min_size=1, max_size=12),
    cuts=st.lists(st.integers(min_value=0, max_value=12), max_size=3),
    now=now_st,
)
def test_merged_partial_attainment_equals_one_pass(
    office: Any, streams: list, cuts: list, now: Any
) -> None:
    pset = policies(office)
    reports = list(pset.evaluate_many([build(s) for s in streams], now=now))
    single = AttainmentSummary(reports)
    bounds = sorted({0, len(reports), *(min(c, len(reports)) for c in cuts)})
    parts = [AttainmentSummary(reports[a:b]) for a, b in itertools.pairwise(bounds)]
    merged = AttainmentSummary()
    for part in reversed(parts):  # order must not matter either
        merged.merge(part)
    assert merged == single
    assert merged.result() == single.result()
    assert sum(a.decided + a.running + a.stopped for a in single) <= 4 * len(reports)
