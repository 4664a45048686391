"""The day-index fast paths of ``add``/``between`` (datetimes in the calendar's own zone)
give exactly what the general paths (the previous implementation, kept as ``_add`` and
``_between``) give: same instant, same wall time, same ``fold``, same zone object."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from supportkit.sla import ProductionCalendar, WorkCalendar, russia

UTC = dt.timezone.utc
DST = [
    ZoneInfo(k) for k in ("Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Almaty")
]
zones = st.one_of(
    st.sampled_from([*DST, ZoneInfo("Europe/Moscow"), ZoneInfo("UTC"), UTC]),
    st.integers(min_value=-23 * 60, max_value=23 * 60).map(
        lambda m: dt.timezone(dt.timedelta(minutes=m))
    ),
)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@st.composite
def ranges(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        a = draw(st.integers(min_value=0, max_value=24 * 60 - 1))
        b = draw(st.integers(min_value=0, max_value=24 * 60 - 1).filter(lambda m, a=a: m != a))
        parts.append(f"{_clock(a)}-{_clock(b)}")
    return ", ".join(parts)


dates = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2025, 12, 31))
holidays = st.one_of(
    st.none(), st.just(russia()), st.lists(dates, max_size=10).map(ProductionCalendar.from_dates)
)


@st.composite
def weekly(draw: st.DrawFn) -> WorkCalendar:
    days = draw(
        st.lists(
            st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
            min_size=1,
            max_size=7,
            unique=True,
        )
    )
    hours = {day: draw(ranges()) for day in days}
    return WorkCalendar.weekly(draw(zones), hours, holidays=draw(holidays))


@st.composite
def rotation(draw: st.DrawFn) -> WorkCalendar:
    on = draw(st.integers(min_value=1, max_value=4))
    off = draw(st.integers(min_value=0, max_value=4))
    return WorkCalendar.rotation(
        draw(zones), f"{on}/{off}", draw(ranges()), anchor=draw(dates), holidays=draw(holidays)
    )


base = st.one_of(weekly(), rotation())
calendars = st.one_of(
    base,
    st.tuples(base, base).map(lambda t: t[0] | t[1]),
    st.tuples(base, base).map(lambda t: t[0] - t[1]),
    st.tuples(zones.map(WorkCalendar.always), base).map(lambda t: t[0] - t[1]),
)
# Instants over 2024-2025 (clock changes included), at whole minutes or any microsecond.
instants = st.one_of(
    st.datetimes(dt.datetime(2024, 1, 1), dt.datetime(2025, 12, 1)).map(
        lambda t: t.replace(tzinfo=UTC, second=0, microsecond=0)
    ),
    st.datetimes(dt.datetime(2024, 1, 1), dt.datetime(2025, 12, 1)).map(
        lambda t: t.replace(tzinfo=UTC)
    ),
)
durations = st.one_of(
    st.integers(min_value=0, max_value=3 * 3600).map(lambda s: dt.timedelta(seconds=s)),
    st.integers(min_value=-1, max_value=800 * 3600 * 10**6).map(
        lambda us: dt.timedelta(microseconds=us)
    ),
)


def outcome(fn, *args):  # type: ignore[no-untyped-def]
    try:
        value = fn(*args)
    except Exception as exc:  # noqa: BLE001 - both paths must fail alike
        return ("error", type(exc), str(exc))
    if isinstance(value, dt.datetime):
        return (value, value.isoformat(), value.fold, id(value.tzinfo))
    return value


@settings(max_examples=250, deadline=None)
@given(calendars, instants, durations, st.integers(min_value=0, max_value=60 * 24 * 3600))
def test_fast_paths_equal_the_general_paths(
    cal: WorkCalendar, t: dt.datetime, d: dt.timedelta, span: int
) -> None:
    start = t.astimezone(cal.tz)
    expected = outcome(cal._add, start, d)  # the general path; builds the table too
    assert outcome(cal.add, start, d) == expected
    assert outcome(cal.add, start, d) == expected  # again, now with the day index filled
    end = (t + dt.timedelta(seconds=span)).astimezone(cal.tz)
    for a, b in ((start, end), (end, start), (start, start)):
        assert outcome(cal.between, a, b) == outcome(cal._between, a, b)
    if expected[0] != "error":
        result = expected[0]
        assert cal.between(start, result) == max(d, dt.timedelta(0))
        # The wall-clock fields and fold are those of the instant (independent check of
        # the wall-clock addition both paths use): convert through UTC and back.
        canonical = result.astimezone(UTC).astimezone(cal.tz)
        assert (result.isoformat(), result.fold) == (canonical.isoformat(), canonical.fold)


def test_a_day_without_a_clock_change_takes_the_day_index() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    cal = WorkCalendar.weekly(berlin, {"mon-sun": "01:00-23:00"})
    start = dt.datetime(2024, 3, 29, 22, 30, tzinfo=berlin)  # Fri; clocks go forward Sun 02:00
    cal.add(start, dt.timedelta(minutes=1))  # builds the table
    got = cal.add(start, dt.timedelta(hours=1))
    assert got == dt.datetime(2024, 3, 30, 1, 30, tzinfo=berlin)
    table = cal._timeline.table
    assert table is not None
    friday = (dt.date(2024, 3, 29) - dt.date(1970, 1, 1)).days
    assert table.days[friday]  # an entry: the fast path ran
    # Sunday has the clock change: no entry, the general path, the right answer.
    sunday = dt.datetime(2024, 3, 31, 0, 30, tzinfo=berlin)
    # Opens 01:00; 01:00-02:00 is one hour, then the clock jumps to 03:00: 05:00.
    assert cal.add(sunday, dt.timedelta(hours=3)) == dt.datetime(2024, 3, 31, 5, 0, tzinfo=berlin)
    assert table.days[friday + 2] == ()
    # An interval across the change is not used for wall-clock arithmetic.
    night = WorkCalendar.weekly(berlin, {"sat": "20:00-08:00"})
    saturday = dt.datetime(2024, 3, 30, 21, 0, tzinfo=berlin)
    night.add(saturday, dt.timedelta(minutes=1))
    got = night.add(saturday, dt.timedelta(hours=6))
    assert got == dt.datetime(2024, 3, 31, 4, 0, tzinfo=berlin)  # 21:00 + 6 h, one hour skipped
    assert got.utcoffset() == dt.timedelta(hours=2)


def test_autumn_fold_is_kept() -> None:
    ny = ZoneInfo("America/New_York")
    cal = WorkCalendar.always(ny) - WorkCalendar.weekly(ny, {"mon-sun": "12:00-13:00"})
    first = dt.datetime(2024, 11, 3, 5, 30, tzinfo=UTC).astimezone(ny)  # 01:30 EDT, fold 0
    cal.add(first, dt.timedelta(minutes=1))
    second = cal.add(first, dt.timedelta(hours=1))  # 01:30 EST, the repeated hour
    assert (second.hour, second.minute, second.fold) == (1, 30, 1)
    assert second.astimezone(UTC) == dt.datetime(2024, 11, 3, 6, 30, tzinfo=UTC)
    assert cal.between(first, second) == dt.timedelta(hours=1)


def test_a_clock_set_back_at_the_end_of_a_day_leaves_the_day_index() -> None:
    # Kazakhstan moved Almaty from +06:00 to +05:00 at 2024-03-01 00:00, so 23:00-24:00
    # on 29 February happened twice; found by tests/testing/test_dogfood.py.
    almaty = ZoneInfo("Asia/Almaty")
    cal = WorkCalendar.weekly(almaty, {"mon-fri": "20:00-08:00"})
    first = dt.datetime(2024, 2, 29, 23, 0, tzinfo=almaty)  # +06:00
    second = first.replace(fold=1)  # the repeated 23:00, +05:00
    assert cal.between(second, cal.add(second, dt.timedelta(hours=1))) == dt.timedelta(hours=1)
    later = cal.add(first, dt.timedelta(hours=1))
    assert later.astimezone(UTC) == second.astimezone(UTC)
    assert cal.between(first, later) == dt.timedelta(hours=1)
    assert cal.between(first, second) == dt.timedelta(hours=1)
