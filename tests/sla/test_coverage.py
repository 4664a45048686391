"""Coverage slots, gaps and the staffing plan."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from supportkit.exceptions import InvalidArgument, InvalidValue
from supportkit.sla import Crew, WorkCalendar, coverage, erlang_c, gaps

MSK = ZoneInfo("Europe/Moscow")
MONDAY = dt.datetime(2024, 10, 7, tzinfo=MSK)


def crews_2_2() -> dict[str, Any]:
    day = "08:00-20:00"
    return {
        "A": Crew(WorkCalendar.rotation(MSK, "2/2", day, anchor=dt.date(2024, 10, 7)), 25),
        "B": Crew(WorkCalendar.rotation(MSK, "2/2", day, anchor=dt.date(2024, 10, 9)), 25),
    }


def test_two_crews_on_2_2_leave_every_night_uncovered() -> None:
    end = MONDAY + dt.timedelta(days=7, hours=8)  # Monday 08:00 a week later
    holes = gaps(WorkCalendar.always(MSK), crews_2_2(), MONDAY, end)
    assert holes[0] == (MONDAY, MONDAY + dt.timedelta(hours=8))
    nights = holes[1:]
    assert len(nights) == 7
    for i, (lo, hi) in enumerate(nights):
        assert lo == MONDAY + dt.timedelta(days=i, hours=20)
        assert hi == MONDAY + dt.timedelta(days=i + 1, hours=8)
        assert lo.tzinfo is MSK
    assert sum((b - a for a, b in holes), dt.timedelta(0)) == dt.timedelta(hours=8 + 7 * 12)


def test_coverage_counts_agents_and_names_crews() -> None:
    slots = coverage(
        crews_2_2(), MONDAY, MONDAY + dt.timedelta(days=4), step=dt.timedelta(hours=12)
    )
    # Mon, Tue: crew A; Wed, Thu: crew B — 00-12 half covered (08-12), 12-24 two thirds.
    assert [s.crews for s in slots] == [("A",)] * 4 + [("B",)] * 4
    assert [s.agents for s in slots] == pytest.approx([25 * 4 / 12, 25 * 8 / 12] * 4)
    hourly = coverage(crews_2_2(), MONDAY, MONDAY + dt.timedelta(days=1))
    assert [s.agents for s in hourly] == [0.0] * 8 + [25.0] * 12 + [0.0] * 4
    assert hourly[0].to_dict() == {
        "start": "2024-10-07T00:00:00+03:00",
        "end": "2024-10-07T01:00:00+03:00",
        "agents": 0.0,
        "crews": [],
    }


def test_coverage_forms_of_crews_and_last_slot_cut_short() -> None:
    cal = WorkCalendar.always(MSK)
    slots = coverage({"x": cal, "y": (cal, 2)}, MONDAY, MONDAY + dt.timedelta(minutes=90))
    assert [(s.end - s.start, s.agents) for s in slots] == [
        (dt.timedelta(hours=1), 3.0),
        (dt.timedelta(minutes=30), 3.0),
    ]


def test_gaps_with_min_agents_and_overlapping_crews() -> None:
    always = WorkCalendar.always(MSK)
    day = WorkCalendar.weekly(MSK, {"mon-sun": "08:00-20:00"})
    evening = WorkCalendar.weekly(MSK, {"mon-sun": "16:00-23:00"})
    crews = {"day": Crew(day, 1), "evening": Crew(evening, 1)}
    end = MONDAY + dt.timedelta(days=1)
    assert gaps(always, crews, MONDAY, end) == [
        (MONDAY, MONDAY + dt.timedelta(hours=8)),
        (MONDAY + dt.timedelta(hours=23), end),
    ]
    assert gaps(always, crews, MONDAY, end, min_agents=2) == [
        (MONDAY, MONDAY + dt.timedelta(hours=16)),
        (MONDAY + dt.timedelta(hours=20), end),
    ]
    assert gaps(day, crews, MONDAY, end) == []


def test_bad_coverage_input() -> None:
    cal = WorkCalendar.always(MSK)
    with pytest.raises(InvalidValue, match=r"end .* must be after start"):
        coverage({"a": cal}, MONDAY, MONDAY)
    with pytest.raises(InvalidValue, match="step must be positive"):
        coverage({"a": cal}, MONDAY, MONDAY + dt.timedelta(hours=1), step=0)
    with pytest.raises(InvalidArgument, match="crews must map a crew name"):
        coverage([cal], MONDAY, MONDAY + dt.timedelta(hours=1))  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match=r"crews\['a'\] must be a WorkCalendar"):
        gaps(cal, {"a": "24/7"}, MONDAY, MONDAY + dt.timedelta(hours=1))
    with pytest.raises(InvalidArgument, match="required must be a WorkCalendar"):
        gaps(None, {"a": cal}, MONDAY, MONDAY + dt.timedelta(hours=1))
    with pytest.raises(InvalidArgument, match="agents must be a non-negative int"):
        Crew(cal, -1)


def test_staffing_plan_against_crews() -> None:
    forecast = {MONDAY + dt.timedelta(hours=h): (46.7 if 8 <= h < 20 else 11.7) for h in range(24)}
    plan = erlang_c.staffing_plan(forecast, 1200, 100, 0.8, shrinkage=0.3, crews=crews_2_2())
    assert len(plan.intervals) == 24
    day = plan.intervals[12]
    night = plan.intervals[2]
    assert day.required == erlang_c.agents_needed(46.7, 1200, 100, 0.8, shrinkage=0.3)
    assert (day.on_duty, day.shortfall) == (25.0, day.fractional - 25.0)
    assert (night.on_duty, night.shortfall) == (0.0, night.fractional)
    # Fractions are kept: 8 positions / 0.7 = 11.43 agents, rounded up only in `required`.
    servers = erlang_c.servers_needed(46.7, 1200, 100, 0.8)
    assert day.fractional == pytest.approx(servers / 0.7)
    assert day.required == math.ceil(servers / 0.7)
    assert plan.agent_hours == pytest.approx(sum(row.fractional for row in plan.intervals))
    assert plan.agent_hours < sum(row.required for row in plan.intervals)
    assert plan.peak == day.required
    assert len(plan.short) == 24
    assert plan.to_dict()["intervals"][0]["start"] == "2024-10-07T00:00:00+03:00"
    no_crews = erlang_c.staffing_plan(list(forecast.items()), 1200, 100, 0.8)
    assert no_crews.intervals[0].on_duty is None
    assert no_crews.short == ()


def test_staffing_plan_bad_interval() -> None:
    with pytest.raises(InvalidValue, match="interval must be a positive duration"):
        erlang_c.staffing_plan({}, 300, 20, 0.8, interval=0)


def test_crew_minus_leave_opens_a_gap() -> None:
    # Crew A is on leave on Tuesday 8 October: that day's shift is not covered.
    crews = crews_2_2()
    leave = WorkCalendar.weekly(MSK, {"tue": "00:00-24:00"})
    crews["A"] = Crew(crews["A"].calendar - leave, 25)
    holes = gaps(
        WorkCalendar.weekly(MSK, {"mon-sun": "08:00-20:00"}),
        crews,
        MONDAY,
        MONDAY + dt.timedelta(days=4),
    )
    assert holes == [
        (MONDAY + dt.timedelta(days=1, hours=8), MONDAY + dt.timedelta(days=1, hours=20))
    ]
