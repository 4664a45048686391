"""The shared datetime helper: every module relies on it, so it is tested hardest."""

from __future__ import annotations

import datetime as dt
import pickle
import zoneinfo

import pytest
import pytz
from dateutil import tz as dateutil_tz
from hypothesis import given
from hypothesis import strategies as st

from supportkit import NaiveDatetimeError, SupportkitError, to_aware
from supportkit._time import resolve_timezone, to_timedelta
from supportkit.exceptions import InvalidArgument, InvalidCalendar, InvalidValue

MSK = zoneinfo.ZoneInfo("Europe/Moscow")


def test_naive_datetime_is_rejected_with_a_clear_message() -> None:
    with pytest.raises(NaiveDatetimeError, match="must be timezone-aware") as info:
        to_aware(dt.datetime(2024, 3, 1, 9, 0), field="created_at")
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, SupportkitError)
    assert info.value.field == "created_at"
    assert "created_at" in str(info.value)


def test_naive_iso_string_is_rejected() -> None:
    with pytest.raises(NaiveDatetimeError, match="'2024-03-01T09:00:00'"):
        to_aware("2024-03-01T09:00:00")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-01T09:00:00+03:00", dt.datetime(2024, 3, 1, 6, 0, tzinfo=dt.timezone.utc)),
        ("2024-03-01T06:00:00Z", dt.datetime(2024, 3, 1, 6, 0, tzinfo=dt.timezone.utc)),
        (
            "2024-03-01 19:30:15.250+10:00",
            dt.datetime(2024, 3, 1, 9, 30, 15, 250000, tzinfo=dt.timezone.utc),
        ),
        ("2024-03-01T09:00:00-06:00", dt.datetime(2024, 3, 1, 15, 0, tzinfo=dt.timezone.utc)),
    ],
)
def test_iso_strings_with_offsets(text: str, expected: dt.datetime) -> None:
    value = to_aware(text)
    assert value == expected
    assert value.utcoffset() is not None
    # fixed offsets come back as plain datetime.timezone, which pickles small
    assert isinstance(value.tzinfo, dt.timezone)


def test_bad_strings_and_types() -> None:
    with pytest.raises(InvalidValue, match="ISO-8601") as info:
        to_aware("вчера в обед", field="events[2].at")
    assert "events[2].at" in str(info.value)
    with pytest.raises(InvalidArgument, match="got 1700000000 that is a int"):
        to_aware(1700000000)
    with pytest.raises(TypeError):
        to_aware(dt.date(2024, 3, 1))


def test_pytz_lmt_trap_is_corrected_to_the_real_offset() -> None:
    trap = dt.datetime(2024, 3, 1, 9, 0, tzinfo=pytz.timezone("Europe/Moscow"))
    assert trap.utcoffset() == dt.timedelta(hours=2, minutes=30)  # the trap itself
    fixed = to_aware(trap)
    assert fixed.utcoffset() == dt.timedelta(hours=3)
    assert fixed.replace(tzinfo=None) == dt.datetime(2024, 3, 1, 9, 0)  # wall clock kept
    assert fixed == dt.datetime(2024, 3, 1, 9, 0, tzinfo=MSK)


def test_pytz_lmt_trap_in_a_dst_zone() -> None:
    madrid = pytz.timezone("Europe/Madrid")
    summer = to_aware(dt.datetime(2024, 7, 1, 9, 0, tzinfo=madrid))
    winter = to_aware(dt.datetime(2024, 1, 15, 9, 0, tzinfo=madrid))
    assert summer.utcoffset() == dt.timedelta(hours=2)
    assert winter.utcoffset() == dt.timedelta(hours=1)


def test_correct_pytz_values_are_left_alone() -> None:
    madrid = pytz.timezone("Europe/Madrid")
    naive = dt.datetime(2024, 10, 27, 2, 30)  # occurs twice in Madrid
    for is_dst in (True, False):
        value = madrid.localize(naive, is_dst=is_dst)
        assert to_aware(value) is value
    historic = pytz.timezone("Europe/Moscow").localize(dt.datetime(1900, 1, 1, 12, 0))
    assert to_aware(historic) is historic  # LMT really was in force then


def test_zoneinfo_and_dateutil_values_pass_through() -> None:
    a = dt.datetime(2024, 3, 1, 9, 0, tzinfo=MSK)
    b = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dateutil_tz.gettz("Europe/Moscow"))
    assert to_aware(a) is a
    assert to_aware(b) is b


@given(st.datetimes(timezones=st.timezones()))
def test_any_aware_datetime_round_trips_as_an_instant(value: dt.datetime) -> None:
    result = to_aware(value)
    assert result == value
    assert result.utcoffset() is not None


@given(
    st.datetimes(
        min_value=dt.datetime(1970, 1, 1),
        max_value=dt.datetime(2100, 1, 1),
        timezones=st.timezones(),
    )
)
def test_isoformat_round_trips(value: dt.datetime) -> None:
    # compare instants: PEP 495 makes ambiguous wall times unequal across zones
    assert to_aware(value.isoformat()).timestamp() == value.timestamp()


@given(
    st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2040, 1, 1)),
    st.sampled_from(["Europe/Moscow", "Europe/Madrid", "America/Mexico_City", "Asia/Almaty"]),
)
def test_pytz_attached_directly_means_that_wall_clock(naive: dt.datetime, zone: str) -> None:
    value = to_aware(naive.replace(tzinfo=pytz.timezone(zone)))
    assert value.replace(tzinfo=None) == naive or naive.fold == 0
    tz = pytz.timezone(zone)
    expected = tz.localize(naive, is_dst=False)
    if tz.normalize(expected).replace(tzinfo=None) != naive:
        # A wall time in a spring-forward gap (2000-03-26 02:00 Moscow) does not exist:
        # it is read as the same instant pytz gives, written with the new offset.
        assert value == expected
    else:
        assert value.utcoffset() == expected.utcoffset()


def test_resolve_timezone() -> None:
    assert resolve_timezone("Europe/Moscow") == MSK
    assert resolve_timezone("utc") == zoneinfo.ZoneInfo("UTC")
    assert resolve_timezone(pytz.timezone("Asia/Vladivostok")) == zoneinfo.ZoneInfo(
        "Asia/Vladivostok"
    )
    assert resolve_timezone(dt.timezone.utc) is dt.timezone.utc
    with pytest.raises(InvalidCalendar, match="'Europe/Moskva' is not a known IANA time zone"):
        resolve_timezone("Europe/Moskva")
    with pytest.raises(InvalidArgument, match="tz must be a time-zone name"):
        resolve_timezone(3)


def test_to_timedelta() -> None:
    assert to_timedelta(100) == dt.timedelta(seconds=100)
    assert to_timedelta(1.5) == dt.timedelta(seconds=1.5)
    assert to_timedelta(dt.timedelta(hours=1)) == dt.timedelta(hours=1)
    with pytest.raises(InvalidArgument, match="aht must be a timedelta"):
        to_timedelta("5m", field="aht")
    with pytest.raises(InvalidArgument):
        to_timedelta(value=True)


def test_errors_pickle_and_keep_their_message() -> None:
    with pytest.raises(NaiveDatetimeError) as info:
        to_aware(dt.datetime(2024, 1, 1), field="at")
    clone = pickle.loads(pickle.dumps(info.value))
    assert str(clone) == str(info.value)
    assert clone.field == "at"
    assert isinstance(clone, ValueError)


def test_a_wall_time_in_a_spring_forward_gap_is_the_instant_pytz_gives() -> None:
    naive = dt.datetime(2000, 3, 26, 2, 0)
    value = to_aware(naive.replace(tzinfo=pytz.timezone("Europe/Moscow")))
    assert value == pytz.timezone("Europe/Moscow").localize(naive, is_dst=False)
