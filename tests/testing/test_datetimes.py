"""aware_datetimes: always aware, always real, UTC and 09:00 first, DST edges included."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import pytz
from hypothesis import find, given, settings
from hypothesis import strategies as st

from supportkit import to_aware
from supportkit.exceptions import InvalidArgument
from supportkit.testing import strategies as sk

UTC = dt.timezone.utc
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@settings(max_examples=80)
@given(sk.aware_datetimes())
def test_every_example_is_aware_real_and_in_range(value: dt.datetime) -> None:
    assert value.tzinfo is not None
    assert value.utcoffset() is not None
    assert to_aware(value) == value
    # A real instant: a round trip through UTC gives the same wall clock (no gap times).
    again = value.astimezone(UTC).astimezone(value.tzinfo)
    assert again.replace(tzinfo=None) == value.replace(tzinfo=None)
    assert dt.datetime(2019, 12, 31) <= value.replace(tzinfo=None) <= dt.datetime(2027, 1, 1)
    assert value.microsecond == 0


def test_shrinks_toward_nine_utc_on_the_first_day() -> None:
    value = find(sk.aware_datetimes(), lambda d: True)
    assert value == dt.datetime(2020, 1, 1, 9, 0, tzinfo=zoneinfo.ZoneInfo("UTC"))
    # The shrinker's exact stopping point is not part of Hypothesis's contract; the
    # example must be a simple one: on the hour, on or after 17:00.
    evening = find(sk.aware_datetimes(), lambda d: d.hour >= 17)
    assert evening.hour >= 17
    assert (evening.minute, evening.second) == (0, 0)


def test_dst_edges_and_the_repeated_hour_are_drawn() -> None:
    berlin = sk.aware_datetimes(timezones=st.just(BERLIN))
    # Within three hours of a spring-forward change: wall clocks jump from 02:00 to 03:00.
    spring = find(
        berlin,
        lambda d: (
            d.month == 3
            and d.utcoffset() == dt.timedelta(hours=2)
            and (d - dt.timedelta(hours=1)).astimezone(BERLIN).utcoffset() == dt.timedelta(hours=1)
        ),
    )
    assert spring.utcoffset() == dt.timedelta(hours=2)
    repeated = find(berlin, lambda d: d.fold == 1)
    assert repeated.month == 10
    assert repeated.hour == 2


def test_offset_changes_finds_the_real_transitions() -> None:
    changes = sk.offset_changes(BERLIN, 2024, 2024)
    assert changes == (
        dt.datetime(2024, 3, 31, 1, 0, tzinfo=UTC),
        dt.datetime(2024, 10, 27, 1, 0, tzinfo=UTC),
    )
    assert sk.offset_changes(zoneinfo.ZoneInfo("Europe/Moscow"), 2020, 2030) == ()


@settings(max_examples=50)
@given(sk.aware_datetimes(timezones=st.just(pytz.timezone("Europe/Moscow"))))
def test_pytz_zones_are_localised_never_lmt(value: dt.datetime) -> None:
    assert value.utcoffset() == dt.timedelta(hours=3)


@settings(max_examples=50)
@given(sk.aware_datetimes(min_value=dt.datetime(2024, 3, 1), max_value=dt.datetime(2024, 3, 2)))
def test_bounds_are_wall_clock_times(value: dt.datetime) -> None:
    assert dt.datetime(2024, 3, 1) <= value.replace(tzinfo=None) <= dt.datetime(2024, 3, 2)


@given(sk.zones())
def test_zones_are_usable_tzinfos(tz: dt.tzinfo) -> None:
    assert dt.datetime(2024, 1, 1, tzinfo=tz).utcoffset() is not None


def test_zones_shrink_to_utc() -> None:
    assert find(sk.zones(), lambda z: True) == zoneinfo.ZoneInfo("UTC")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: sk.aware_datetimes(min_value=dt.datetime(2024, 1, 1, tzinfo=UTC)),
         "min_value must be a naive datetime"),
        (lambda: sk.aware_datetimes(min_value=dt.datetime(2025, 1, 1),
                                    max_value=dt.datetime(2024, 1, 1)),
         "Cannot have max_value="),
        (lambda: sk.aware_datetimes(timezones=UTC), "timezones must be a strategy"),
        (lambda: sk.zones(names=[]), "names must be a non-empty sequence"),
        (lambda: sk.zones(names=["Mars/Olympus"]), "'Mars/Olympus', which is not an IANA zone"),
    ],
)  # fmt: skip
def test_bad_options(call: object, message: str) -> None:
    with pytest.raises(InvalidArgument, match=re.escape(message)):
        call()  # type: ignore[operator]
