"""Hand-computed examples for every calendar shape, time zones and DST, bad input."""

from __future__ import annotations

import datetime as dt
import math
import pickle
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest

from supportkit.exceptions import (
    CalendarDataMissing,
    InvalidArgument,
    InvalidCalendar,
    InvalidValue,
    NaiveDatetimeError,
)
from supportkit.sla import ProductionCalendar, WorkCalendar, russia

MSK = ZoneInfo("Europe/Moscow")
MAD = ZoneInfo("Europe/Madrid")
VVO = ZoneInfo("Asia/Vladivostok")
H = dt.timedelta(hours=1)


def at(text: str, tz: dt.tzinfo = MSK) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=tz)


def elapsed(a: dt.datetime, b: dt.datetime) -> dt.timedelta:
    return b.astimezone(dt.timezone.utc) - a.astimezone(dt.timezone.utc)


OFFICE = WorkCalendar.weekly("Europe/Moscow", {"mon-fri": "09:00-18:00"})
OFFICE_RU = WorkCalendar.weekly("Europe/Moscow", {"mon-fri": "09:00-18:00"}, holidays=russia())


# --- 5/2 09-18 -------------------------------------------------------------------


def test_office_add_within_and_across_weekend() -> None:
    assert OFFICE.add(at("2024-03-04 10:00"), 2 * H) == at("2024-03-04 12:00")
    assert OFFICE.add(at("2024-03-01 17:00"), 2 * H) == at("2024-03-04 10:00")
    assert OFFICE.add(at("2024-03-02 12:00"), H) == at("2024-03-04 10:00")


def test_landing_exactly_at_closing_is_the_closing_time() -> None:
    # pandas CustomBusinessHour gives Tue 09:00 here.
    assert OFFICE.add(at("2024-03-04 17:00"), H) == at("2024-03-04 18:00")
    assert OFFICE.add(at("2024-03-04 09:00"), 9 * H) == at("2024-03-04 18:00")
    assert OFFICE.add(at("2024-03-04 09:00"), 45 * H) == at("2024-03-08 18:00")


def test_office_between_is_open_next_open() -> None:
    assert OFFICE.between(at("2024-03-01 17:00"), at("2024-03-04 10:00")) == 2 * H
    assert OFFICE.between(at("2024-03-04 00:00"), at("2024-03-11 00:00")) == 45 * H
    assert OFFICE.between(at("2024-03-04 12:00"), at("2024-03-04 11:00")) == dt.timedelta(0)
    assert OFFICE.is_open(at("2024-03-04 09:00"))
    assert not OFFICE.is_open(at("2024-03-04 18:00"))
    assert not OFFICE.is_open(at("2024-03-02 12:00"))
    assert OFFICE.next_open(at("2024-03-02 12:00")) == at("2024-03-04 09:00")
    assert OFFICE.next_open(at("2024-03-04 12:30")) == at("2024-03-04 12:30")


def test_add_zero_returns_start_in_calendar_zone() -> None:
    result = OFFICE.add("2024-03-02T09:00:00Z", 0)
    assert result == at("2024-03-02 12:00")
    assert result.tzinfo is MSK


def test_inputs_in_any_zone_results_in_calendar_zone() -> None:
    result = OFFICE.add("2024-03-04T14:00:00Z", 3600)  # 17:00 Moscow
    assert result.isoformat() == "2024-03-04T18:00:00+03:00"
    assert result.tzinfo is MSK
    assert OFFICE.next_open(at("2024-03-04 07:00", VVO)).isoformat() == "2024-03-04T09:00:00+03:00"


def test_pytz_input_with_lmt_trap_is_read_as_wall_clock() -> None:
    import pytz

    moscow = pytz.timezone("Europe/Moscow")
    trap = dt.datetime(2024, 3, 4, 17, 0, tzinfo=moscow)  # LMT +02:30 without localize
    assert OFFICE.add(trap, H) == at("2024-03-04 18:00")


def test_several_intervals_a_day() -> None:
    cal = WorkCalendar.weekly(MSK, {"mon-fri": "09:00-13:00, 14:00-18:00", "sat": "10:00-14:00"})
    assert cal.add(at("2024-03-04 12:00"), 2 * H) == at("2024-03-04 15:00")
    assert cal.add(at("2024-03-04 12:00"), H) == at("2024-03-04 13:00")
    assert cal.between(at("2024-03-04 00:00"), at("2024-03-11 00:00")) == 44 * H
    assert cal.add(at("2024-03-08 17:00"), 2 * H) == at("2024-03-09 11:00")


# --- 2/2 08-20 crews ---------------------------------------------------------------

CREW_A = WorkCalendar.rotation("Europe/Moscow", "2/2", "08:00-20:00", anchor=dt.date(2024, 1, 1))
CREW_B = WorkCalendar.rotation("Europe/Moscow", "2/2", "08:00-20:00", anchor="2024-01-03")


def test_two_on_two_off_crews() -> None:
    assert CREW_A.is_open(at("2024-01-02 10:00"))
    assert not CREW_A.is_open(at("2024-01-03 10:00"))
    assert CREW_B.is_open(at("2024-01-03 10:00"))
    assert CREW_A.add(at("2024-01-02 19:00"), 2 * H) == at("2024-01-05 09:00")
    team = CREW_A | CREW_B
    week = (at("2024-01-01 00:00"), at("2024-01-08 00:00"))
    assert team.between(*week) == 7 * 12 * H
    assert (CREW_A & CREW_B).between(*week) == dt.timedelta(0)
    assert (team - CREW_A).intervals(*week) == CREW_B.intervals(*week)
    assert team.intervals(at("2024-01-02 00:00"), at("2024-01-04 00:00")) == [
        (at("2024-01-02 08:00"), at("2024-01-02 20:00")),
        (at("2024-01-03 08:00"), at("2024-01-03 20:00")),
    ]


@pytest.mark.parametrize(
    ("pattern", "hours_per_12_days"),
    [("5/2", None), ("1/3", 3), ("3/3", 6), ("4/4", None), ("on 2 off 1", 8)],
)
def test_other_patterns(pattern: str, hours_per_12_days: int | None) -> None:
    cal = WorkCalendar.rotation("UTC", pattern, "08:00-20:00", anchor=dt.date(2024, 1, 1))
    on, off = (int(x) for x in pattern.replace("on", "").replace("off", "/").split("/"))
    days = 12 * (on + off)
    start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    total = cal.between(start, start + dt.timedelta(days=days))
    assert total == 12 * on * 12 * H
    if hours_per_12_days is not None:
        assert cal.between(start, start + dt.timedelta(days=12)) == hours_per_12_days * 12 * H


def test_anchor_after_start_counts_backwards() -> None:
    cal = WorkCalendar.rotation(MSK, "2/2", "08:00-20:00", anchor=dt.date(2024, 1, 5))
    assert cal.is_open(at("2024-01-01 10:00"))  # 4 days before the anchor: an on-day
    assert not cal.is_open(at("2024-01-03 10:00"))


# --- 08-20 Moscow onboarding desk ----------------------------------------------------

DESK = WorkCalendar.weekly("Europe/Moscow", {"daily": "08:00-20:00"})


def test_moscow_desk_from_a_vladivostok_timestamp() -> None:
    # 02:00 in Vladivostok is 19:00 the previous evening in Moscow.
    result = DESK.add("2024-03-05T02:00:00+10:00", 2 * H)
    assert result.isoformat() == "2024-03-05T09:00:00+03:00"
    assert DESK.between(at("2024-03-04 00:00"), at("2024-03-11 00:00")) == 84 * H


# --- 24/7 with a night crew in Vladivostok time --------------------------------------


def test_round_the_clock_with_vladivostok_night_crew() -> None:
    day = WorkCalendar.weekly("Europe/Moscow", {"daily": "08:00-20:00"})
    # The Moscow night 20:00-08:00 is 03:00-15:00 in Vladivostok (UTC+10).
    night = WorkCalendar.weekly("Asia/Vladivostok", {"daily": "03:00-15:00"})
    team = day | night
    week = (at("2024-03-04 00:00"), at("2024-03-11 00:00"))
    assert team.between(*week) == 168 * H
    assert (WorkCalendar.always("Europe/Moscow") - team).intervals(*week) == []
    assert (day & night).between(*week) == dt.timedelta(0)
    assert night.next_open(at("2024-03-04 12:00")) == at("2024-03-04 20:00")
    assert night.next_open(at("2024-03-04 12:00")).tzinfo is VVO
    assert team.add(at("2024-03-04 19:30"), H).isoformat() == "2024-03-04T20:30:00+03:00"


# --- DST ------------------------------------------------------------------------------


def test_madrid_dst_weekends_24_7() -> None:
    cal = WorkCalendar.always("Europe/Madrid")
    assert cal.between(at("2024-03-30 00:00", MAD), at("2024-04-01 00:00", MAD)) == 47 * H
    assert cal.between(at("2024-10-26 00:00", MAD), at("2024-10-28 00:00", MAD)) == 49 * H
    assert cal.add(at("2024-03-31 01:30", MAD), H).isoformat() == "2024-03-31T03:30:00+02:00"


def test_madrid_night_shift_on_dst_nights_is_real_elapsed_time() -> None:
    cal = WorkCalendar.weekly("Europe/Madrid", {"sat": "22:00-06:00"})
    spring = cal.intervals(at("2024-03-30 00:00", MAD), at("2024-04-01 00:00", MAD))
    assert [(a.isoformat(), b.isoformat()) for a, b in spring] == [
        ("2024-03-30T22:00:00+01:00", "2024-03-31T06:00:00+02:00")
    ]
    # Python subtracts same-zone datetimes on the wall clock (8 h); real time is 7 h.
    assert elapsed(*spring[0]) == 7 * H
    autumn = cal.between(at("2024-10-26 00:00", MAD), at("2024-10-28 00:00", MAD))
    assert autumn == 9 * H


def test_nonexistent_and_ambiguous_local_times() -> None:
    cal = WorkCalendar.weekly("Europe/Madrid", {"sun": "02:30-06:00"})
    # 31 Mar 2024: 02:30 does not exist; it is moved forward by the gap (03:30 CEST).
    [(start, end)] = cal.intervals(at("2024-03-31 00:00", MAD), at("2024-04-01 00:00", MAD))
    assert start.isoformat() == "2024-03-31T03:30:00+02:00"
    assert elapsed(start, end) == 2.5 * H
    # 27 Oct 2024: 02:30 happens twice; the first occurrence (CEST) is meant.
    [(start, end)] = cal.intervals(at("2024-10-27 00:00", MAD), at("2024-10-28 00:00", MAD))
    assert start.isoformat() == "2024-10-27T02:30:00+02:00"
    assert end.isoformat() == "2024-10-27T06:00:00+01:00"
    assert elapsed(start, end) == 4.5 * H


def test_mexico_city_historic_dst_and_its_abolition() -> None:
    cal = WorkCalendar.always("America/Mexico_City")
    mx = ZoneInfo("America/Mexico_City")
    assert cal.between(at("2021-04-04 00:00", mx), at("2021-04-05 00:00", mx)) == 23 * H
    assert cal.between(at("2023-04-02 00:00", mx), at("2023-04-03 00:00", mx)) == 24 * H
    office = WorkCalendar.weekly(mx, {"mon-fri": "09:00-18:00"})
    assert office.add("2021-04-02T17:00:00-06:00", 2 * H).isoformat() == "2021-04-05T10:00:00-05:00"


def test_russia_2011_and_2014_clock_changes() -> None:
    cal = WorkCalendar.always("Europe/Moscow")
    assert cal.between(at("2011-03-27 00:00"), at("2011-03-28 00:00")) == 23 * H
    assert cal.between(at("2014-10-26 00:00"), at("2014-10-27 00:00")) == 25 * H
    office = WorkCalendar.weekly(MSK, {"mon-fri": "09:00-18:00"})
    assert office.add(at("2014-10-24 17:00"), 2 * H).isoformat() == "2014-10-27T10:00:00+03:00"
    assert office.add(at("2011-03-25 17:00"), 2 * H).isoformat() == "2011-03-28T10:00:00+04:00"


# --- production calendar applied to hours ------------------------------------------------


def test_russian_office_holidays_transfers_and_shortened_days() -> None:
    days = OFFICE_RU.intervals(at("2024-11-01 00:00"), at("2024-11-06 00:00"))
    assert days == [
        (at("2024-11-01 09:00"), at("2024-11-01 18:00")),
        (at("2024-11-02 09:00"), at("2024-11-02 17:00")),  # working Saturday, shortened
        (at("2024-11-05 09:00"), at("2024-11-05 18:00")),  # 4 Nov is a holiday
    ]
    # Sat 28 Dec 2024 is a working day with Friday's hours; 30 Dec .. 8 Jan are off.
    assert OFFICE_RU.add(at("2024-12-27 17:00"), 2 * H) == at("2024-12-28 10:00")
    assert OFFICE_RU.add(at("2024-12-28 17:00"), 2 * H) == at("2025-01-09 10:00")
    # 2024 in hours: 248 working days of 9 h, five of them an hour shorter.
    assert OFFICE_RU.between(at("2024-01-01 00:00"), at("2025-01-01 00:00")) == 2227 * H


def test_working_saturday_takes_the_hours_of_the_closest_earlier_weekday() -> None:
    cal = WorkCalendar.weekly(
        MSK, {"mon-thu": "09:00-18:00", "fri": "09:00-16:45"}, holidays=russia()
    )
    assert cal.intervals(at("2024-12-28 00:00"), at("2024-12-29 00:00")) == [
        (at("2024-12-28 09:00"), at("2024-12-28 16:45"))
    ]


def test_saturday_schedule_is_kept_on_ordinary_saturdays_closed_on_holidays() -> None:
    cal = WorkCalendar.weekly(
        MSK, {"mon-fri": "09:00-18:00", "sat": "10:00-14:00"}, holidays=russia()
    )
    assert cal.between(at("2024-03-16 00:00"), at("2024-03-17 00:00")) == 4 * H
    # Sat 8 Mar 2025 is a holiday.
    assert cal.between(at("2025-03-08 00:00"), at("2025-03-09 00:00")) == dt.timedelta(0)


def test_overnight_shift_across_new_year() -> None:
    night = WorkCalendar.weekly(MSK, {"mon-fri": "20:00-08:00"}, holidays=russia())
    # Tue 30 Dec 2025 is a working day: its shift runs into 31 Dec (a day off) and is kept.
    # 31 Dec and 1-9 Jan 2026 are non-working: no shift starts on them.
    assert night.intervals(at("2025-12-30 12:00"), at("2026-01-13 00:00")) == [
        (at("2025-12-30 20:00"), at("2025-12-31 08:00")),
        (at("2026-01-12 20:00"), at("2026-01-13 00:00")),
    ]
    crew = WorkCalendar.rotation(MSK, "2/2", "20:00-08:00", anchor=dt.date(2025, 12, 30))
    # Without holidays the 31 Dec shift runs into New Year's night and belongs to 31 Dec.
    assert crew.intervals(at("2025-12-31 12:00"), at("2026-01-02 00:00")) == [
        (at("2025-12-31 20:00"), at("2026-01-01 08:00"))
    ]
    assert crew.add(at("2025-12-31 23:00"), 9 * H) == at("2026-01-01 08:00")
    assert crew.add(at("2025-12-31 23:00"), 10 * H) == at("2026-01-03 21:00")


def test_overnight_shift_before_a_holiday_is_shortened_at_its_end() -> None:
    night = WorkCalendar.weekly(MSK, {"mon-fri": "20:00-08:00"}, holidays=russia())
    # 11 Jun 2025 is shortened (12 Jun is Russia Day).
    assert night.intervals(at("2025-06-11 12:00"), at("2025-06-12 12:00")) == [
        (at("2025-06-11 20:00"), at("2025-06-12 07:00"))
    ]


def test_rotation_with_holidays_closes_holidays_only() -> None:
    crew = WorkCalendar.rotation(MSK, "2/2", "08:00-20:00", anchor="2024-11-03", holidays=russia())
    # On-days 3 and 4 Nov 2024: Sunday is worked, the holiday is not.
    assert crew.intervals(at("2024-11-03 00:00"), at("2024-11-05 00:00")) == [
        (at("2024-11-03 08:00"), at("2024-11-03 20:00"))
    ]


def test_year_without_data_raises_instead_of_guessing() -> None:
    with pytest.raises(CalendarDataMissing) as info:
        OFFICE_RU.add(at("2027-12-30 17:00"), 40 * H)
    assert info.value.year == 2028
    assert "2028" in str(info.value)
    extra = ProductionCalendar.from_dict(
        {"years": {"2028": {"holidays": ["2028-01-01", "2028-01-03"]}}}, base=russia()
    )
    cal = WorkCalendar.weekly(MSK, {"mon-fri": "09:00-18:00"}, holidays=extra)
    assert cal.add(at("2027-12-30 17:00"), 10 * H) == at("2028-01-04 18:00")


# --- value behaviour ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cal",
    [OFFICE, OFFICE_RU, CREW_A, CREW_A | CREW_B, (CREW_A | CREW_B) - OFFICE, OFFICE & DESK],
)
def test_pickle_hash_and_dict_round_trip(cal: WorkCalendar) -> None:
    OFFICE_RU.add(at("2024-03-04 10:00"), H)  # warm the cache: it must not leak into equality
    copy = pickle.loads(pickle.dumps(cal))
    assert copy == cal
    assert hash(copy) == hash(cal)
    again = WorkCalendar.from_dict(cal.to_dict())
    assert again == cal
    start = at("2024-03-01 11:00")
    assert again.add(start, 30 * H) == cal.add(start, 30 * H)


def test_readable_repr() -> None:
    assert repr(OFFICE_RU) == (
        "<WorkCalendar weekly Europe/Moscow {'mon-fri': '09:00-18:00'}, holidays=RU>"
    )
    assert repr(CREW_A | CREW_B) == (
        "(<WorkCalendar rotation Europe/Moscow 2/2 08:00-20:00 from 2024-01-01> | "
        "<WorkCalendar rotation Europe/Moscow 2/2 08:00-20:00 from 2024-01-03>)"
    )
    assert repr(WorkCalendar.always()) == "<WorkCalendar always UTC>"


def test_fixed_offset_zone_round_trips() -> None:
    cal = WorkCalendar.weekly(dt.timezone(dt.timedelta(hours=5)), {"mon-fri": "09:00-18:00"})
    assert cal.to_dict()["tz"] == "+05:00"
    assert WorkCalendar.from_dict(cal.to_dict()) == cal


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "needle"),
    [
        ({"mon-fri": "9-18:00x"}, "'9-18:00x'"),
        ({"mon-fri": "25:00-26:00"}, "'25:00'"),
        ({"mon-fri": "09:00-09:00"}, "'09:00-09:00'"),
        ({"mon-fir": "09:00-18:00"}, "'fir'"),
        ({"пн-пт": "09:00-18:00", "mon": "10:00-11:00"}, "'mon' twice"),
        ({"mon": "24:00-08:00"}, "'24:00'"),
    ],
)
def test_bad_hours_name_the_value(hours: dict[str, str], needle: str) -> None:
    with pytest.raises(InvalidCalendar) as info:
        WorkCalendar.weekly("Europe/Moscow", hours)
    assert needle in str(info.value)
    assert str(info.value).endswith(".")


def test_bad_types() -> None:
    with pytest.raises(InvalidArgument, match="hours must be a mapping"):
        WorkCalendar.weekly("UTC", "09:00-18:00")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="holidays must be a ProductionCalendar"):
        WorkCalendar.weekly("UTC", {"mon": "09:00-18:00"}, holidays="RU")  # type: ignore[arg-type]


def test_rotation_without_anchor_and_bad_pattern() -> None:
    with pytest.raises(InvalidCalendar, match="needs anchor="):
        WorkCalendar.rotation("Europe/Moscow", "2/2", "08:00-20:00")
    with pytest.raises(InvalidCalendar, match="'2-2'"):
        WorkCalendar.rotation("Europe/Moscow", "2-2", "08:00-20:00", anchor=dt.date(2024, 1, 1))
    with pytest.raises(InvalidCalendar, match="'2024-13-01'"):
        WorkCalendar.rotation("Europe/Moscow", "2/2", "08:00-20:00", anchor="2024-13-01")


def test_unknown_zone_is_named() -> None:
    with pytest.raises(InvalidCalendar, match="'Europe/Moskva'"):
        WorkCalendar.weekly("Europe/Moskva", {"mon-fri": "09:00-18:00"})


def test_naive_and_negative_inputs() -> None:
    with pytest.raises(NaiveDatetimeError):
        OFFICE.add(dt.datetime(2024, 3, 4, 10), H)
    with pytest.raises(InvalidValue, match="must not be negative"):
        OFFICE.add(at("2024-03-04 10:00"), -H)


def test_calendar_without_working_time_fails_clearly() -> None:
    with pytest.raises(InvalidValue, match="no working time"):
        (OFFICE - OFFICE).add(at("2024-03-04 10:00"), H)
    with pytest.raises(InvalidValue, match="no working time"):
        (OFFICE - OFFICE).next_open(at("2024-03-04 10:00"))


def test_unknown_kind_in_dict() -> None:
    with pytest.raises(InvalidCalendar, match="'hourly'"):
        WorkCalendar.from_dict({"kind": "hourly", "tz": "UTC"})


# --- holidays as a list of dates, the one calendar reader, hostile input ------------


def test_holidays_as_a_list_of_dates_like_pandas() -> None:
    from supportkit.sla import calendar_from

    cal = WorkCalendar.weekly(
        "Europe/Moscow", {"mon-fri": "09:00-18:00"}, holidays=["2014-06-27", dt.date(2014, 6, 30)]
    )
    # Thu 17:00 + 2 h: Thu 17-18, then Fri 27 and Mon 30 are holidays: Tue 10:00.
    assert cal.add("2014-06-26T17:00:00+04:00", dt.timedelta(hours=2)).isoformat() == (
        "2014-07-01T10:00:00+04:00"
    )
    # The list is the whole truth: any year works, no "year without data" error.
    assert cal.add("2031-06-26T17:00:00+03:00", dt.timedelta(hours=2)).isoformat() == (
        "2031-06-27T10:00:00+03:00"
    )
    assert cal.to_dict()["holidays"] == ["2014-06-27", "2014-06-30"]
    assert WorkCalendar.from_dict(cal.to_dict()) == cal
    assert calendar_from({"tz": "Europe/Moscow", "hours": {"mon-fri": "09:00-18:00"},
                          "holidays": ["2014-06-27", "2014-06-30"]}) == cal  # fmt: skip
    crew = WorkCalendar.rotation("UTC", "2/2", "08:00-20:00", anchor="2024-01-01",
                                 holidays=[dt.date(2024, 1, 2)])  # fmt: skip
    assert not crew.is_open("2024-01-02T10:00:00Z")
    assert crew.is_open("2024-01-01T10:00:00Z")
    pc = ProductionCalendar.from_dates(["2024-06-12"])
    assert ProductionCalendar.from_dict(pc.to_dict()) == pc
    with pytest.raises(InvalidCalendar, match="ISO dates"):
        WorkCalendar.weekly("UTC", {"mon": "09:00-18:00"}, holidays=["12.06.2024"])


def test_calendar_from_names_the_place_of_an_error() -> None:
    from supportkit.sla import calendar_from

    with pytest.raises(InvalidCalendar, match=r"^calendars\.office: hours\['sat'\]"):
        calendar_from({"tz": "UTC", "hours": {"sat": "25:00-26:00"}}, field="calendars.office")
    with pytest.raises(LookupError, match="'offic' is not a preset"):
        calendar_from("offic", field="calendars.office")


@pytest.mark.parametrize("hours", [",", ";", " , ", ";;"])
def test_hours_made_only_of_separators_are_rejected(hours: str) -> None:
    with pytest.raises(InvalidCalendar, match="has no hours"):
        WorkCalendar.weekly("UTC", {"mon-fri": hours})


@pytest.mark.parametrize("at", ["0001-06-01T00:00:00+00:00", "9999-06-01T00:00:00+00:00"])
def test_always_is_open_at_every_representable_instant(at: str) -> None:
    cal = WorkCalendar.always("Europe/Moscow")
    assert cal.is_open(at)
    assert cal.next_open(at) == dt.datetime.fromisoformat(at)


@pytest.mark.parametrize("duration", [math.nan, math.inf, 1e20, dt.timedelta(days=999_999_999)])
def test_absurd_durations_are_rejected_quickly(duration: object) -> None:
    code = (
        (
            "import datetime, math, sys\n"
            "from supportkit.sla import WorkCalendar\n"
            "from supportkit.exceptions import InvalidValue\n"
            "cal = WorkCalendar.weekly('UTC', {'mon-fri': '09:00-18:00'})\n"
            f"duration = {duration!r}\n"
            "try:\n"
            "    cal.add('2024-01-01T00:00:00+00:00', duration)\n"
            "except InvalidValue as exc:\n"
            "    print(exc)\n"
            "else:\n"
            "    sys.exit('accepted')\n"
        )
        .replace("nan", "math.nan")
        .replace("inf", "math.inf")
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert "duration" in done.stdout
