"""The clocks' fast path (attainment tallied in integer microseconds, results built on
demand) against the reference path (every result measured with the calendar's own
``between``/``add`` on datetimes), on random tickets."""

from __future__ import annotations

import datetime as dt
import pickle
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supportkit.exceptions import SupportkitError
from supportkit.sla import AttainmentSummary, PolicySet, SLAPolicy, WorkCalendar, russia
from supportkit.sla._policy import CalendarTime
from supportkit.sla._report import LazyMetrics, tally_of

MSK = ZoneInfo("Europe/Moscow")
START = dt.datetime(2024, 12, 27, 16, 0, tzinfo=MSK)  # a Friday: a weekend and the New Year ahead

KINDS = [
    ("reply", "by", "agent"),
    ("reply", "by", "agent"),
    ("reply", "by", "customer"),
    ("reply", "by", "bot"),
    ("note", "by", "agent"),
    ("status", "status", "waiting_customer"),
    ("status", "status", "on_hold"),
    ("status", "status", "pending"),
    ("status", "status", "open"),
    ("status", "status", "solved"),
    ("status", "status", "closed"),
    ("priority", "priority", "high"),
    ("priority", "priority", "normal"),
    ("priority", "priority", "low"),
]
# Gaps in whole minutes, often the targets themselves, so replies land exactly on due
# times and on opening and closing times.
gaps_st = st.one_of(
    st.sampled_from([0, 1, 30, 60, 120, 240, 480, 540, 720, 960, 1440, 2880]),
    st.integers(min_value=0, max_value=3000),
)
events_st = st.lists(st.tuples(gaps_st, st.sampled_from(KINDS)), max_size=12).map(
    lambda items: [
        (sum(gap for gap, _ in items[: i + 1]), kind) for i, (_, kind) in enumerate(items)
    ]
)
offsets_st = st.sampled_from(["+03:00", "+00:00", "-05:30"])


class Wrapped:
    """A host's own calendar (any object with add/between): only the reference measures it."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def add(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        return self.inner.add(start, duration)  # type: ignore[no-any-return]

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        return self.inner.between(start, end)  # type: ignore[no-any-return]


OFFICE = WorkCalendar.weekly("Europe/Moscow", {"mon-fri": "09:00-18:00"}, holidays=russia())
NIGHTS = WorkCalendar.weekly("Asia/Yekaterinburg", {"mon-sun": "20:00-08:00"})
CALENDARS = {
    "24/7": CalendarTime(),
    "always": WorkCalendar.always("Europe/Moscow"),
    "office": OFFICE,
    "office+nights": OFFICE | NIGHTS,
}
TARGETS = {
    "first_response": 60,
    "next_response": 120,
    "periodic_update": 240,
    "pausable_update": 240,
    "resolution": 16 * 60,
    "requester_wait": 12 * 60,
    "agent_work": 9 * 60,
}


def build(events: list[tuple[int, tuple[str, str, str]]], offset: str, priority: str) -> Any:
    def iso(minutes: int) -> str:
        moment = (START + dt.timedelta(minutes=minutes)).astimezone(
            dt.datetime.fromisoformat("2024-01-01T00:00:00" + offset).tzinfo
        )
        return moment.isoformat()

    return {
        "id": "F",
        "channel": "chat",
        "priority": priority,
        "created_at": iso(0),
        "events": [{"at": iso(m), "type": kind, key: value} for m, (kind, key, value) in events],
    }


def policy_set(calendar: str, scale: int, options: dict[str, Any], *, wrap: bool) -> PolicySet:
    clock = CALENDARS[calendar]
    clock = Wrapped(clock) if wrap else clock
    urgent = {m: dt.timedelta(minutes=t // scale) for m, t in TARGETS.items() if m != "agent_work"}
    normal = {m: dt.timedelta(minutes=t) for m, t in TARGETS.items()}
    return PolicySet(
        [
            SLAPolicy("high", urgent, clock, applies_to={"priority": "high"}, **options),
            SLAPolicy(
                "low", {"resolution": dt.timedelta(hours=40)}, applies_to={"priority": "low"}
            ),
            SLAPolicy("normal", normal, clock, **options),
        ]
    )


options_st = st.fixed_dictionaries(
    {},
    optional={
        "pause_statuses": st.sampled_from([["waiting_customer"], ["pending", "on_hold"]]),
        "responders": st.sampled_from([["agent", "bot"]]),
        "next_response_from": st.sampled_from(["oldest", "latest"]),
        "paused_metrics": st.sampled_from([["resolution"], ["periodic_update", "resolution"]]),
    },
)


@given(
    events=events_st,
    offset=offsets_st,
    priority=st.sampled_from(["normal", "high", "low"]),
    calendar=st.sampled_from(sorted(CALENDARS)),
    scale=st.sampled_from([1, 2, 3]),
    options=options_st,
    now=st.none() | st.integers(min_value=0, max_value=20 * 24 * 60),
)
def test_fast_tally_equals_the_reference(
    events: list[Any],
    offset: str,
    priority: str,
    calendar: str,
    scale: int,
    options: dict[str, Any],
    now: int | None,
) -> None:
    row = build(events, offset, priority)
    as_of = None if now is None else START + dt.timedelta(minutes=now)
    fast = policy_set(calendar, scale, options, wrap=False).evaluate(row, now=as_of)
    reference = policy_set(calendar, scale, options, wrap=True).evaluate(row, now=as_of)
    assert isinstance(fast.metrics, LazyMetrics)
    # The same clocks, and each one's attainment as the reference result counts it.
    assert tuple(fast.metrics) == tuple(reference.metrics)
    reference_tally = tuple(tally_of(m, r) for m, r in reference.metrics.items())
    assert fast.metrics.tally == reference_tally
    assert fast.metrics.tally == tuple(tally_of(m, r) for m, r in fast.metrics.items())
    # The results built on demand are the reference's, and so is what a summary counts.
    assert fast == reference
    assert fast.to_dict()["metrics"].keys() == reference.to_dict()["metrics"].keys()
    assert AttainmentSummary([fast]) == AttainmentSummary([reference])


def test_lazy_metrics_compare_pickle_and_build_once() -> None:
    pset = policy_set("office", 1, {}, wrap=False)
    row = build(
        [(30, KINDS[2]), (90, KINDS[0]), (95, KINDS[5]), (600, KINDS[10])], "+03:00", "normal"
    )
    report = pset.evaluate(row)
    metrics = report.metrics
    assert isinstance(metrics, LazyMetrics)
    assert list(metrics) == [
        "first_response",
        "periodic_update",
        "pausable_update",
        "resolution",
        "requester_wait",
        "agent_work",
    ]
    assert metrics["resolution"] is metrics["resolution"]  # built once
    assert "next_response" not in metrics
    assert metrics.get("next_response") is None
    again = pickle.loads(pickle.dumps(report))
    assert type(again.metrics) is dict
    assert again == report
    assert metrics == dict(metrics)
    assert dict(metrics) == metrics
    assert repr(metrics) == repr(dict(metrics))


def test_a_list_read_twice_gives_what_a_stream_gives() -> None:
    pset = policy_set("office", 1, {}, wrap=False)
    good = build([(30, KINDS[0]), (2000, KINDS[9])], "+03:00", "normal")
    late = build([(90, KINDS[2]), (5000, KINDS[0])], "+00:00", "high")
    naive = {"id": "N", "created_at": "2024-12-27T10:00:00", "events": []}
    odd = {
        "id": "O",
        "created_at": START.isoformat(),
        "events": [{"at": START, "type": "Reply", "by": "agent"}],
    }
    rows = [good, naive, late, odd]
    as_list = list(pset.evaluate_many(rows, strict=False))
    as_stream = list(pset.evaluate_many(iter(rows), strict=False))
    assert as_list == as_stream
    assert {r.as_of for r in as_list} == {START + dt.timedelta(minutes=5000)}
    assert [r.problems for r in as_list] == [r.problems for r in as_stream]
    names = ["a.jsonl:1", "a.jsonl:2", "a.jsonl:3", "a.jsonl:4"]
    with pytest.raises(SupportkitError) as from_list:
        list(pset.evaluate_many(rows, positions=names))
    with pytest.raises(SupportkitError) as from_stream:
        list(pset.evaluate_many(iter(rows), positions=names))
    assert str(from_list.value) == str(from_stream.value)
    assert "a.jsonl:2" in str(from_list.value)
