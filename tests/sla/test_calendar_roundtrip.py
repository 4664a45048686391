"""Round trips: ``to_dict`` -> JSON -> ``from_dict`` (and the constructors) rebuild an
equal calendar, for random weekly, rotation and combined calendars in named zones and
fixed offsets, with and without holidays."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportkit.exceptions import InvalidCalendar
from supportkit.sla import ProductionCalendar, WorkCalendar, russia
from supportkit.sla._hours import format_hours, parse_hours

NAMED = [ZoneInfo(k) for k in ("UTC", "Europe/Moscow", "Europe/Berlin", "America/New_York")]
fixed_offsets = st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59).map(
    lambda m: dt.timezone(dt.timedelta(minutes=m))
)
odd_offsets = st.integers(min_value=-86_399, max_value=86_399).map(
    lambda s: dt.timezone(dt.timedelta(seconds=s))
)
zones = st.one_of(st.sampled_from([*NAMED, dt.timezone.utc]), fixed_offsets, odd_offsets)

minute_of_day = st.integers(min_value=0, max_value=24 * 60 - 1)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@st.composite
def ranges(draw: st.DrawFn) -> str:
    """One to three ranges, overnight ones included ("20:00-08:00")."""
    parts = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        a = draw(minute_of_day)
        b = draw(minute_of_day.filter(lambda m, a=a: m != a))
        parts.append(f"{_clock(a)}-{'24:00' if b == 0 and draw(st.booleans()) else _clock(b)}")
    return ", ".join(parts)


dates = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2025, 12, 31))
holidays = st.one_of(
    st.none(),
    st.just(russia()),
    st.lists(dates, max_size=8).map(ProductionCalendar.from_dates),
    st.lists(dates, max_size=4).map(lambda ds: ProductionCalendar.from_dates(ds, weekend=(6,))),
    st.builds(
        ProductionCalendar.from_dict,
        st.builds(
            lambda ds, wd: {"name": "office", "weekend": [wd], "years": {"2024": {"holidays": ds}}},
            st.lists(dates.filter(lambda d: d.year == 2024).map(str), max_size=3),
            st.integers(min_value=0, max_value=6),
        ),
    ),
)


@st.composite
def weekly(draw: st.DrawFn) -> WorkCalendar:
    hours = {}
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
        if draw(st.booleans()):
            hours[day] = draw(ranges())
    if not hours:
        hours["mon"] = draw(ranges())
    return WorkCalendar.weekly(draw(zones), hours, holidays=draw(holidays))


@st.composite
def rotation(draw: st.DrawFn) -> WorkCalendar:
    on = draw(st.integers(min_value=1, max_value=5))
    off = draw(st.integers(min_value=0, max_value=5))
    return WorkCalendar.rotation(
        draw(zones), f"{on}/{off}", draw(ranges()), anchor=draw(dates), holidays=draw(holidays)
    )


base = st.one_of(weekly(), rotation(), zones.map(WorkCalendar.always))
calendars = st.recursive(
    base,
    lambda inner: st.tuples(inner, inner, st.sampled_from(["|", "&", "-"])).map(
        lambda t: t[0] | t[1] if t[2] == "|" else t[0] & t[1] if t[2] == "&" else t[0] - t[1]
    ),
    max_leaves=3,
)


@settings(max_examples=300, deadline=None)
@given(calendars)
def test_to_dict_from_dict_gives_an_equal_calendar(cal: WorkCalendar) -> None:
    data = json.loads(json.dumps(cal.to_dict()))
    copy = WorkCalendar.from_dict(data)
    assert copy == cal
    assert copy.to_dict() == data
    assert repr(copy) == repr(cal)


@settings(max_examples=100, deadline=None)
@given(st.one_of(weekly(), rotation()))
def test_constructors_accept_what_to_dict_writes(cal: WorkCalendar) -> None:
    data = cal.to_dict()
    hol = WorkCalendar.from_dict({**data, "kind": "always"})  # zone alone
    assert hol.tz == cal.tz
    if data["kind"] == "weekly":
        again = WorkCalendar.weekly(data["tz"], data["hours"], holidays=cal.holidays)
    else:
        again = WorkCalendar.rotation(
            data["tz"], data["pattern"], data["hours"], anchor=data["anchor"], holidays=cal.holidays
        )
    assert again == cal


@settings(max_examples=200, deadline=None)
@given(ranges())
def test_format_hours_reads_back(text: str) -> None:
    spans = parse_hours(text)
    assert parse_hours(format_hours(spans)) == spans


def test_a_fixed_offset_calendar_round_trips() -> None:
    cal = WorkCalendar.weekly("+03:00", {"mon-fri": "09:00-18:00"})
    assert cal.tz == dt.timezone(dt.timedelta(hours=3))
    assert cal.to_dict()["tz"] == "+03:00"
    assert WorkCalendar.from_dict(cal.to_dict()) == cal
    kwargs = {k: v for k, v in cal.to_dict().items() if k in ("tz", "hours")}
    assert WorkCalendar.weekly(**kwargs) == cal
    west = WorkCalendar.rotation("-05:30", "2/2", "08:00-20:00", anchor="2024-01-01")
    assert west.to_dict()["tz"] == "-05:30"
    assert WorkCalendar.from_dict(west.to_dict()) == west
    odd = WorkCalendar.always(dt.timezone(dt.timedelta(hours=3, seconds=17)))
    assert odd.to_dict()["tz"] == "+03:00:17"
    assert WorkCalendar.from_dict(odd.to_dict()) == odd
    utc = WorkCalendar.always(dt.timezone.utc)
    assert utc.to_dict()["tz"] == "+00:00"
    assert WorkCalendar.from_dict(utc.to_dict()) == utc
    assert WorkCalendar.from_dict({"kind": "always", "tz": "UTC"}).tz == ZoneInfo("UTC")


def test_a_whole_day_merged_with_a_night_round_trips() -> None:
    cal = WorkCalendar.weekly("Europe/Moscow", {"mon": "00:00-24:00, 20:00-08:00"})
    assert cal.to_dict()["hours"] == {"mon": "00:00-16:00, 16:00-08:00"}
    assert WorkCalendar.from_dict(cal.to_dict()) == cal


@pytest.mark.parametrize("bad", ["+24:00", "+03:60", "+03:00:60", "+3:00", "03:00"])
def test_impossible_offsets_are_calendar_errors(bad: str) -> None:
    with pytest.raises(InvalidCalendar) as info:
        WorkCalendar.weekly(bad, {"mon": "09:00-18:00"})
    assert repr(bad) in str(info.value)
    assert str(info.value).endswith(".")


def test_production_calendars_round_trip() -> None:
    ru = russia()
    assert ProductionCalendar.from_dict(json.loads(json.dumps(ru.to_dict()))) == ru
    listed = ProductionCalendar.from_dates(["2024-06-12", "2025-01-01"])
    assert ProductionCalendar.from_dict(json.loads(json.dumps(listed.to_dict()))) == listed
