"""Operational metrics on hand-built tickets with hand-computed values."""

from __future__ import annotations

import datetime as dt
import pickle
from typing import Any

import pytest
from metrics_helpers import make

from supportkit import as_ticket
from supportkit.exceptions import InvalidArgument, InvalidValue
from supportkit.metrics import (
    AutomationRate,
    Backlog,
    ContactRate,
    ResponseTimes,
    SLAAttainment,
    automation_rate,
    backlog,
    contact_rate,
    contact_rates,
    one_touch_rate,
    reopen_rate,
    resolution_times,
    response_times,
    sla_attainment,
)

M = dt.timedelta(minutes=1)


def test_automation_rate_rule_or_bot_and_no_agent() -> None:
    tickets = [
        make((1, "reply", "bot")),  # automated
        make((1, "reply", "rule"), (5, "reply", "customer")),  # automated
        make((1, "reply", "bot"), (9, "reply", "agent")),  # bot, then an agent: not automated
        make((3, "reply", "agent")),  # agent only
        make(),  # no reply yet: counted, not automated
    ]
    rate = automation_rate(tickets)
    assert (rate.successes, rate.count) == (2, 5)
    acc = AutomationRate()
    acc.add_many([*tickets[:2], make((1, "reply", "bot"), channel="chat")])
    assert {k: (v.successes, v.count) for k, v in acc.by_channel().items()} == {
        "chat": (1, 1),
        "email": (2, 2),
    }
    assert automation_rate([]).value is None


def test_response_times_hand_computed_percentiles() -> None:
    # First agent replies after 10, 20, 30, 40 minutes; one ticket never answered.
    tickets = [make((m, "reply", "agent"), (m + 100, "reply", "agent")) for m in (40, 10, 30, 20)]
    tickets.append(make((2, "reply", "bot")))
    dist = response_times(tickets)
    assert dist.count == 4
    assert dist.mean == 25 * M
    assert dist.p50 == 25 * M  # between 20 and 30
    assert dist.p90 == 37 * M  # 30 + 0.7 * 10  (rank 2.7)
    assert dist.p95 == dt.timedelta(minutes=38.5)
    assert (dist.max, dist.min) == (40 * M, 10 * M)
    acc = ResponseTimes()
    acc.add_many(tickets)
    assert acc.skipped == 1
    # Counting bots as a response changes the last ticket.
    assert response_times(tickets, by=("agent", "bot")).min == 2 * M


def test_response_times_empty_and_single() -> None:
    empty = response_times([])
    assert (empty.count, empty.mean, empty.p50, empty.max) == (0, None, None, None)
    assert repr(empty) == "Distribution(no data, count=0)"
    one = response_times([make((7, "reply", "agent"))])
    assert one.p50 == one.p95 == one.max == one.mean == 7 * M


def test_ties_in_durations() -> None:
    dist = response_times([make((5, "reply", "agent")) for _ in range(3)])
    assert dist.p50 == dist.p90 == dist.max == 5 * M


class HalfTime:
    """A stand-in working-time calendar: every elapsed minute counts as half a minute."""

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        return (end - start) / 2


def test_working_time_uses_calendar_between() -> None:
    dist = response_times([make((30, "reply", "agent"))], calendar=HalfTime())
    assert dist.p50 == 15 * M
    with pytest.raises(InvalidArgument, match="between"):
        response_times([], calendar=object())


def test_working_time_with_the_sla_work_calendar() -> None:
    from supportkit.sla import WorkCalendar

    cal = WorkCalendar.weekly("Europe/Moscow", {"mon-fri": "09:00-18:00"})
    # Created Friday 17:30 MSK, answered Monday 09:45 MSK: 30 + 45 working minutes.
    ticket = {
        "created_at": "2024-10-11T17:30:00+03:00",
        "events": [{"at": "2024-10-14T09:45:00+03:00", "type": "reply", "by": "agent"}],
    }
    assert response_times([ticket], calendar=cal).p50 == 75 * M
    assert response_times([ticket]).p50 == dt.timedelta(days=2, hours=16, minutes=15)


def test_resolution_reopen_and_one_touch() -> None:
    tickets = [
        # one touch: one agent reply, solved after 60 min, closed later
        make((10, "reply", "agent"), (60, "status", "solved"), (600, "status", "closed")),
        # reopened and solved again: resolution is the last solve (300 min); two replies
        make(
            (10, "reply", "agent"),
            (50, "status", "solved"),
            (100, "status", "open"),
            (200, "reply", "agent"),
            (300, "status", "solved"),
        ),
        # reopened and still open: not resolved now
        make((10, "reply", "agent"), (20, "status", "solved"), (30, "status", "open")),
        # solved by a bot alone: resolved, but no agent reply
        make((1, "reply", "bot"), (5, "status", "solved")),
        # never solved
        make((10, "reply", "agent")),
    ]
    dist = resolution_times(tickets)
    assert dist.count == 3
    assert sorted([dist.min, dist.max]) == [5 * M, 300 * M]
    assert dist.p50 == 60 * M
    reopen = reopen_rate(tickets)
    assert (reopen.successes, reopen.count) == (2, 4)  # 4 ever resolved, 2 reopened
    touch = one_touch_rate(tickets)
    assert (touch.successes, touch.count) == (1, 2)  # resolved now with an agent reply


class Item:
    def __init__(self, breached: bool | None) -> None:
        self.breached = breached
        self.achieved_at = None
        self.policy = "standard"


class ReportLike:
    """Indexable by metric name like supportkit.sla's SLAReport; no items()."""

    def __init__(self, **items: Any) -> None:
        self._items = items

    def __getitem__(self, metric: str) -> Any:
        return self._items[metric]


def test_sla_attainment_duck_typed_and_mappings() -> None:
    reports = [
        ReportLike(first_response=Item(breached=False), resolution=Item(breached=True)),
        # resolution not due yet: not counted
        ReportLike(first_response=Item(breached=False), resolution=Item(breached=None)),
        {"first_response": {"breached": True}, "next_response": {"breached": False}},
    ]
    rate = sla_attainment(reports)
    assert (rate.successes, rate.count) == (3, 5)
    acc = SLAAttainment()
    acc.add_many(reports)
    by = {k: (v.successes, v.count) for k, v in acc.by_metric().items()}
    assert by == {"first_response": (2, 3), "next_response": (1, 1), "resolution": (0, 1)}
    first = sla_attainment(reports, metrics="first_response")
    assert (first.successes, first.count) == (2, 3)
    assert sla_attainment([]).value is None
    clone = pickle.loads(pickle.dumps(acc))
    assert clone.merge(acc).result().count == 10


def test_sla_attainment_errors() -> None:
    with pytest.raises(InvalidValue, match=r"reports\[0\]\['first_response'\] has no 'breached'"):
        sla_attainment([{"first_response": {"due_at": None}}])
    with pytest.raises(InvalidValue, match="must be True, False or None"):
        sla_attainment([{"resolution": {"breached": "yes"}}])
    with pytest.raises(InvalidArgument, match="must be an SLA report"):
        sla_attainment([42])
    with pytest.raises(InvalidArgument, match=r"'breached' \(or 'attained'\) attribute"):
        sla_attainment([{"resolution": object()}])


def test_sla_attainment_reads_attained_when_present() -> None:
    class Running:
        breached = False  # not late yet ...
        attained = None  # ... and not decided: not counted

    class Met:
        breached = False
        attained = True

    rate = sla_attainment([{"first_response": Running(), "resolution": Met()}])
    assert (rate.successes, rate.count) == (1, 1)
    mapped = sla_attainment([{"resolution": {"attained": False, "breached": True}}])
    assert (mapped.successes, mapped.count) == (0, 1)


def test_sla_attainment_with_supportkit_sla_reports() -> None:
    import supportkit.sla._report as report_module

    metric = report_module.MetricResult
    now = dt.datetime(2024, 10, 7, 12, 0, tzinfo=dt.timezone.utc)

    def result(name: str, state: str, *, breached: bool = False) -> Any:
        return metric(
            metric=name,
            policy="standard",
            target=dt.timedelta(hours=1),
            state=state,
            started_at=now,
            due_at=now,
            breached=breached,
        )

    reports = [
        report_module.SLAReport(
            ticket_id="1",
            policy="standard",
            as_of=now,
            metrics={
                "first_response": result("first_response", "met"),
                "resolution": result("resolution", "running"),
            },
        ),
        report_module.SLAReport(
            ticket_id="2",
            policy="standard",
            as_of=now,
            metrics={"first_response": result("first_response", "breached", breached=True)},
        ),
    ]
    rate = sla_attainment(reports)
    assert (rate.successes, rate.count) == (1, 2)  # the running resolution is undecided


def test_backlog_and_snowball() -> None:
    # Week 1: 3 arrive, 1 closed; week 2: 2 arrive, 1 closed; week 3: 2 arrive, 0 closed.
    tickets = [
        make((60, "status", "solved")),
        make(),
        make(),
        make((60, "status", "solved"), day=7),
        make(day=7),
        make(day=14),
        make(day=14),
    ]
    trend = backlog(tickets, k=3)
    assert [(p.period, p.arrived, p.closed, p.open) for p in trend.periods] == [
        ("2024-W41", 3, 1, 2),
        ("2024-W42", 2, 1, 3),
        ("2024-W43", 2, 0, 5),
    ]
    assert trend.runs == (("2024-W41", "2024-W43"),)
    assert trend.snowball
    assert not backlog(tickets, k=4).snowball
    assert backlog([]).periods == ()
    daily = backlog(tickets, period="day")
    assert len(daily.periods) == 15  # gaps filled with zero days
    assert daily.periods[1].arrived == 0


def test_backlog_snowball_needs_the_run_to_reach_now() -> None:
    tickets = [make(), make(), make(day=7), make(day=7)]
    tickets += [make((m, "status", "solved"), day=14, created=0) for m in (1, 2, 3)]
    tickets += [make((1, "status", "solved")), make((1, "status", "solved"), day=7)]
    trend = backlog(tickets, k=2)
    assert trend.runs == (("2024-W41", "2024-W42"),)
    assert not trend.snowball  # week 3 closed more than arrived
    with pytest.raises(InvalidValue, match="k must be a positive integer"):
        Backlog(k=0)
    with pytest.raises(InvalidValue, match="period must be one of"):
        Backlog(period="year")


def test_contact_rate() -> None:
    assert contact_rate(1250, 5000) == 0.25
    with pytest.raises(InvalidValue, match="applications must be positive"):
        contact_rate(10, 0)
    with pytest.raises(InvalidValue, match="must not be negative"):
        contact_rate(-1, 10)
    with pytest.raises(InvalidArgument, match="must be an integer"):
        contact_rate(1.5, 10)  # type: ignore[arg-type]
    rows = contact_rates([make(), make(), make(day=31)], {"2024-10": 4, "2024-12": 10})
    assert [(r.period, r.contacts, r.applications, r.rate) for r in rows] == [
        ("2024-10", 2, 4, 0.5),
        ("2024-11", 1, None, None),
        ("2024-12", 0, 10, 0.0),
    ]
    with pytest.raises(InvalidValue, match="non-negative integer"):
        ContactRate({"2024-10": -1})


def test_accepts_ticket_objects_and_dataframes() -> None:
    import pandas as pd

    rows = [make((10, "reply", "agent")), make((20, "reply", "agent"))]
    as_objects = response_times([as_ticket(r) for r in rows])
    as_frame = response_times(pd.DataFrame(rows))
    assert as_objects == as_frame == response_times(rows)
    assert as_frame.to_pandas().loc[0, "p50"] == 900.0


def test_add_duration_and_histogram() -> None:
    acc = ResponseTimes()
    for seconds in (30, 90, 4000, dt.timedelta(days=2)):
        acc.add_duration(seconds)
    assert acc.histogram([60, 3600]) == [1, 1, 2]
    with pytest.raises(InvalidValue, match="zero or positive"):
        acc.add_duration(-1)


def test_every_metric_on_empty_input_has_count_zero_and_no_value() -> None:
    for rate in (
        automation_rate([]),
        reopen_rate([]),
        one_touch_rate([]),
        sla_attainment([]),
    ):
        assert (rate.value, rate.count, rate.low, rate.high) == (None, 0, None, None)
    for dist in (response_times([]), resolution_times([]), response_times([], sketch=0.01)):
        assert (dist.count, dist.p50, dist.mean) == (0, None, None)
    assert contact_rates([], {}) == ()
    assert backlog([]).snowball is False
