"""Property tests: the laws every WorkCalendar obeys."""

from __future__ import annotations

import datetime as dt
import itertools
import pickle
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from supportkit.sla import WorkCalendar, russia

UTC = dt.timezone.utc
ZONES = [UTC, ZoneInfo("Europe/Moscow"), ZoneInfo("Europe/Madrid"), ZoneInfo("Asia/Vladivostok")]

OFFICE = WorkCalendar.weekly("Europe/Moscow", {"mon-fri": "09:00-18:00"}, holidays=russia())
LUNCH = WorkCalendar.weekly(
    "Europe/Madrid", {"mon-thu": "09:00-14:00, 15:00-18:30", "fri": "08:00-15:00"}
)
CREW_A = WorkCalendar.rotation("Europe/Moscow", "2/2", "08:00-20:00", anchor=dt.date(2024, 1, 1))
NIGHT = WorkCalendar.rotation("Asia/Vladivostok", "3/3", "20:00-08:00", anchor=dt.date(2024, 1, 2))
MADRID_NIGHT = WorkCalendar.weekly("Europe/Madrid", {"fri-sun": "22:00-06:00"})
CALENDARS = [
    OFFICE,
    LUNCH,
    CREW_A,
    NIGHT,
    MADRID_NIGHT,
    CREW_A | NIGHT,
    (CREW_A | NIGHT) - OFFICE,
    LUNCH & (MADRID_NIGHT | OFFICE),
    WorkCalendar.always("Europe/Madrid") - MADRID_NIGHT,
]

calendars = st.sampled_from(CALENDARS)
instants = st.builds(
    lambda t, z: t.replace(tzinfo=UTC).astimezone(z),
    st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2025, 12, 1)),
    st.sampled_from(ZONES),
)
durations = st.one_of(
    st.integers(min_value=0, max_value=3 * 3600).map(lambda s: dt.timedelta(seconds=s)),
    st.integers(min_value=0, max_value=2000 * 3600 * 10**6).map(
        lambda us: dt.timedelta(microseconds=us)
    ),
)


@settings(max_examples=300, deadline=None)
@given(calendars, instants, durations)
def test_between_undoes_add(cal: WorkCalendar, start: dt.datetime, d: dt.timedelta) -> None:
    end = cal.add(start, d)
    assert end >= start
    assert cal.between(start, end) == d
    assert end.tzinfo is cal.tz


@settings(max_examples=200, deadline=None)
@given(calendars, instants, durations, durations)
def test_add_is_monotone(
    cal: WorkCalendar, start: dt.datetime, a: dt.timedelta, b: dt.timedelta
) -> None:
    lo, hi = sorted((a, b))
    assert cal.add(start, lo) <= cal.add(start, hi)


@settings(max_examples=200, deadline=None)
@given(calendars, calendars, instants)
def test_set_algebra_pointwise(a: WorkCalendar, b: WorkCalendar, t: dt.datetime) -> None:
    assert (a | b).is_open(t) == (a.is_open(t) or b.is_open(t))
    assert (a & b).is_open(t) == (a.is_open(t) and b.is_open(t))
    assert (a - b).is_open(t) == (a.is_open(t) and not b.is_open(t))


@settings(max_examples=200, deadline=None)
@given(calendars, instants, st.integers(min_value=0, max_value=20 * 24 * 3600))
def test_intervals_sorted_disjoint_inside(
    cal: WorkCalendar, start: dt.datetime, seconds: int
) -> None:
    end = start + dt.timedelta(seconds=seconds)
    spans = cal.intervals(start, end)
    for lo, hi in spans:
        assert start <= lo < hi <= end
        assert lo.tzinfo is cal.tz
        assert hi.tzinfo is cal.tz
        assert cal.is_open(lo)
    for (_, hi), (lo, _) in itertools.pairwise(spans):
        assert hi < lo
        assert not cal.is_open(hi)
    total = sum((hi.astimezone(UTC) - lo.astimezone(UTC) for lo, hi in spans), dt.timedelta(0))
    assert total == cal.between(start, end)


@settings(max_examples=150, deadline=None)
@given(calendars, instants, st.integers(min_value=1, max_value=100 * 3600))
def test_add_agrees_with_walking_the_intervals(
    cal: WorkCalendar, start: dt.datetime, seconds: int
) -> None:
    left = dt.timedelta(seconds=seconds)
    for lo, hi in cal.intervals(start, start + dt.timedelta(days=40)):
        length = hi.astimezone(UTC) - lo.astimezone(UTC)
        if left <= length:
            expected = (lo.astimezone(UTC) + left).astimezone(cal.tz)
            assert cal.add(start, dt.timedelta(seconds=seconds)) == expected
            return
        left -= length
    raise AssertionError("40 days hold more than 100 working hours on every sample calendar")


@settings(max_examples=100, deadline=None)
@given(calendars, instants)
def test_next_open_is_open_and_nothing_earlier(cal: WorkCalendar, t: dt.datetime) -> None:
    nxt = cal.next_open(t)
    assert nxt >= t
    assert cal.is_open(nxt)
    assert cal.between(t, nxt) == dt.timedelta(0)
    assert nxt.tzinfo is cal.tz


@settings(max_examples=50, deadline=None)
@given(calendars, instants, durations)
def test_round_trips_keep_behaviour(cal: WorkCalendar, start: dt.datetime, d: dt.timedelta) -> None:
    for copy in (pickle.loads(pickle.dumps(cal)), WorkCalendar.from_dict(cal.to_dict())):
        assert copy == cal
        assert hash(copy) == hash(cal)
        assert copy.add(start, d) == cal.add(start, d)
