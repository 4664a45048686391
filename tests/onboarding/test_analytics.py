"""Funnel, self-service share, call list and cohorts, with hand-computed figures."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from supportkit.exceptions import InvalidArgument, InvalidValue
from supportkit.onboarding import (
    Journey,
    OfficeClock,
    compare_cohorts,
    flows,
    funnel,
    self_service,
    stuck,
)

MSK = ZoneInfo("Europe/Moscow")
H = dt.timedelta(hours=1)


def at(day: int, hour: int, month: int = 11) -> dt.datetime:
    return dt.datetime(2024, month, day, hour, tzinfo=MSK)


def walk(subject: str, times: list[dt.datetime], *, support: int = -1, end: str = "") -> Journey:
    flow = flows.individual()
    j = flow.start(subject, at=times[0])
    events = ["register", "fill_profile", "verify_passport", "confirm_tax_ids", "sign_contract"]
    for i, (event, when) in enumerate(zip(events, times[1:], strict=False)):
        j = j.fire(event, at=when, actor="support" if i == support else "subject")
    if end:
        j = j.fire(end, at=j.last_at, actor="support", reason="нет документов")
    return j


def test_office_clock_on_the_production_calendar() -> None:
    clock = OfficeClock()
    # Fri 1 Nov 17-18 (1 h), Sat 2 Nov working but shortened (8 h), Sun 3 off, Mon 4 holiday,
    # Tue 5 (9 h), Wed 6 09-10 (1 h).
    assert clock.between(at(1, 17), at(6, 10)) == 19 * H
    assert clock.between(at(6, 10), at(1, 17)) == dt.timedelta(0)
    assert clock.between(at(3, 12), at(4, 15)) == dt.timedelta(0)  # weekend + holiday
    # Going back a year after forward ones uses the same origin.
    assert clock.between(dt.datetime(2023, 12, 29, 17, tzinfo=MSK), at(1, 17)) > 1500 * H
    assert clock.between(at(1, 17), dt.datetime(2025, 1, 9, 10, tzinfo=MSK)) > 300 * H
    with pytest.raises(InvalidValue, match="'closes' must be after 'opens'"):
        OfficeClock(opens="18:00", closes="09:00")
    with pytest.raises(InvalidValue, match="opens must be a clock time"):
        OfficeClock(opens="9")
    with pytest.raises(InvalidValue, match="calendar must be one of"):
        OfficeClock("mars")
    with pytest.raises(InvalidArgument, match="calendar must be a calendar name"):
        OfficeClock(42)


def test_funnel_counts_conversion_times_and_drop_off() -> None:
    flow = flows.individual()
    journeys = [
        # Done: 2 h invited (10-12), 1 h registered, next day ... all on Tue 5 Nov.
        walk("a", [at(5, 10), at(5, 12), at(5, 13), at(5, 14), at(5, 15), at(5, 16)]),
        # Stalls after registering; invited 10:00 Fri 1 Nov -> registered Tue 5 Nov 10:00:
        # 8 h (Fri) + 8 h (shortened Sat) + 1 h = 17 h working.
        walk("b", [at(1, 10), at(5, 10)]),
        # Registers with support's help, then is rejected.
        walk("c", [at(5, 9), at(5, 10), at(5, 12)], support=0, end="reject"),
        walk("d", [at(5, 9)]),
    ]
    f = funnel(journeys, flow)
    assert f.total == 4
    assert [s.reached for s in f.steps] == [4, 3, 2, 1, 1, 1]
    assert [s.drop_off for s in f.steps] == [1, 1, 1, 0, 0, 0]
    assert [round(s.conversion, 3) for s in f.steps] == [1.0, 0.75, 0.667, 0.5, 1.0, 1.0]
    invited = f["invited"]
    assert invited.left == 3
    assert invited.median == 2 * H  # sorted: 1 h (c), 2 h (a), 17 h (b)
    assert invited.p90 == 17 * H
    assert f["registered"].left == 2
    assert f["active"].median is None
    assert dict(f.ended) == {"active": 1, "rejected": 1}
    assert f.to_dict()["steps"][0]["median_seconds"] == 7200
    assert str(f).splitlines()[1].split() == ["invited", "4", "100%", "2.0", "h", "17.0", "h", "1"]
    with pytest.raises(KeyError):
        f["nowhere"]

    # Any clock with between() works; 24/7 here.
    class Always:
        def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
            return end - start

    assert funnel(journeys, flow, clock=Always())["invited"].p90 == 96 * H
    assert funnel([], flow).steps[0].conversion == 0.0
    with pytest.raises(InvalidArgument, match=r"journeys\[0\] must be a Journey"):
        funnel([{"subject_id": "x"}], flow)


def test_self_service_share() -> None:
    alone = walk("a", [at(5, 10)] * 6)
    helped = walk("b", [at(5, 10)] * 6, support=3)
    open_ = walk("c", [at(5, 10)] * 3, support=0)
    s = self_service([alone, helped, open_])
    assert (s.share, s.self_served, s.succeeded, s.total) == (0.5, 1, 2, 3)
    assert s.to_dict() == {"share": 0.5, "self_served": 1, "succeeded": 2, "total": 3}
    assert self_service([]).share == 0.0


def test_stuck_is_a_call_list() -> None:
    now = at(8, 12)
    journeys = [
        walk("far_old", [at(1, 10)]),  # invited, 5 steps left, idle 7 days
        walk("near_new", [at(5, 10)] * 4),  # 2 steps left, idle 3 days
        walk("near_old", [at(4, 10)] * 4),  # 2 steps left, idle 4 days
        walk("nearest", [at(7, 10)] * 5),  # 1 step left, idle 26 h
        walk("fresh", [at(8, 11)] * 5),  # idle 1 h: not stuck
        walk("done", [at(1, 10)] * 6),  # active: not stuck
        walk("gone", [at(1, 10)] * 2, end="reject"),  # terminal: not stuck
    ]
    calls = stuck(journeys, now=now, idle=dt.timedelta(hours=4))
    assert [j.subject_id for j in calls] == ["nearest", "near_old", "near_new", "far_old"]
    assert stuck(journeys, now=now, idle=30 * 24 * 3600) == []


def test_cohorts() -> None:
    a = [walk(f"a{i}", [at(5, 10)] * (6 if i < 2 else 2)) for i in range(10)]
    b = [walk(f"b{i}", [at(5, 10), *[at(5, 12)] * 5] if i < 8 else [at(5, 10)]) for i in range(10)]
    c = compare_cohorts(a, b, names=("base", "status_first"))
    assert (c.a.completion, c.b.completion) == (0.2, 0.8)
    assert c.difference == pytest.approx(0.6)
    assert c.z == pytest.approx(2.683, abs=1e-3)
    assert c.p_value == pytest.approx(0.0073, abs=1e-4)
    assert c.a.median_to_success == dt.timedelta(0)
    assert c.b.median_to_success == 2 * H
    assert c.to_dict()["b"]["median_to_success"] == 7200
    assert "difference +60.0%" in str(c)
    empty = compare_cohorts([], [])
    assert (empty.z, empty.p_value) == (0.0, 1.0)
