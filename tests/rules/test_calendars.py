"""Rule-file calendars are supportkit.sla.WorkCalendar objects, read by sla's hours parser."""

from __future__ import annotations

import datetime as dt
import pickle
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import supportkit.testing.strategies as sk
from supportkit.exceptions import InvalidArgument, InvalidRule
from supportkit.rules import Calendar, RuleSet, WeeklyHours
from supportkit.sla import PolicySet, WorkCalendar, russia

MSK = "Europe/Moscow"


def ruleset(spec: dict[str, Any]) -> RuleSet:
    return RuleSet.from_dicts(
        [{"id": "r", "when": {"inside": "office"}, "then": {}}], calendar_specs={"office": spec}
    )


@pytest.mark.parametrize(
    "hours",
    [
        {"mon-fri": "09:00-18:00"},
        {"mon-fri": "20:00-08:00"},  # overnight
        {"mon-fri": "09:00-13:00, 14:00-18:00", "sat": "10:00-14:00"},  # several a day
        {"fri-mon": "9-18", "ср": "10:00-12:00"},  # what sla accepts, the rules accept
    ],
)
def test_a_rule_calendar_is_the_sla_calendar(hours: dict[str, str]) -> None:
    built = ruleset({"tz": MSK, "hours": hours}).calendars["office"]
    assert isinstance(built, WorkCalendar)
    assert built == WorkCalendar.weekly(MSK, hours)
    assert isinstance(built, Calendar)


def test_the_same_hours_read_identically_in_a_rule_and_an_sla_policy() -> None:
    hours = {"mon-fri": "20:00-08:00"}
    rule_calendar = ruleset({"tz": MSK, "hours": hours}).calendars["office"]
    policies = PolicySet.from_dict(
        {
            "policies": [
                {
                    "name": "p",
                    "calendar": {"kind": "weekly", "tz": MSK, "hours": hours},
                    "targets": {"first_response": "1h"},
                }
            ],
        }
    )
    policy_calendar = policies.policies[0].calendar
    assert rule_calendar == policy_calendar


@settings(max_examples=40, deadline=None)
@given(
    sk.work_calendars(
        kinds=["weekly", "overnight"],
        holidays=False,
        timezones=st.sampled_from([ZoneInfo(z) for z in ("UTC", MSK, "Asia/Vladivostok")]),
    )
)
def test_any_weekly_calendar_round_trips_through_a_rule_file(calendar: WorkCalendar) -> None:
    data = calendar.to_dict()
    spec = {"tz": data["tz"], "hours": data["hours"]}
    assert ruleset(spec).calendars["office"] == calendar


def test_holidays_russia() -> None:
    rs = ruleset({"tz": MSK, "hours": {"mon-fri": "09:00-18:00"}, "holidays": "russia"})
    assert rs.calendars["office"] == WorkCalendar.weekly(
        MSK, {"mon-fri": "09:00-18:00"}, holidays=russia()
    )
    # 2024-11-02 is a transferred working Saturday, 2024-11-04 a holiday (Monday).
    assert rs.evaluate({"created_at": "2024-11-02T10:00:00+03:00"}).matched == ("r",)
    assert rs.evaluate({"created_at": "2024-11-04T10:00:00+03:00"}).matched == ()


def test_holidays_as_a_list_of_dates() -> None:
    rs = ruleset(
        {"tz": MSK, "hours": {"mon-sun": "20:00-08:00"}, "holidays": ["2024-06-27", "2030-01-02"]}
    )
    calendar = rs.calendars["office"]
    assert not calendar.is_open(
        dt.datetime(2024, 6, 27, 21, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    )
    # The shift that starts the evening before a listed date runs into its morning.
    assert calendar.is_open(dt.datetime(2024, 6, 27, 7, tzinfo=dt.timezone(dt.timedelta(hours=3))))
    assert calendar.is_open(dt.datetime(2024, 6, 28, 21, tzinfo=dt.timezone(dt.timedelta(hours=3))))
    # The listed dates are the whole truth: no "year without data" error.
    assert not calendar.is_open(dt.datetime(2030, 1, 2, 21, tzinfo=dt.timezone.utc))
    assert calendar.is_open(dt.datetime(2031, 5, 5, 21, tzinfo=dt.timezone.utc))


def test_rule_set_with_file_calendars_pickles() -> None:
    rs = ruleset({"tz": MSK, "hours": {"mon-fri": "09:00-18:00"}, "holidays": ["2024-06-27"]})
    again = pickle.loads(pickle.dumps(rs))
    assert again == rs
    assert again.to_dict()["calendars"] == rs.to_dict()["calendars"]


@pytest.mark.parametrize(
    ("spec", "path", "text"),
    [
        ({"hours": {"mon": "25:00-26:00"}}, "calendars.office.hours.mon", "impossible time"),
        (
            {"hours": {"mon": "9-10", "mon-fri": "1-2"}},
            "calendars.office.hours",
            "names 'mon' twice",
        ),
        (
            {"hours": {"mon": "09:00-18:00"}, "holidays": "usa"},
            "calendars.office.holidays",
            "russia",
        ),
        ({"hours": {"mon": "09:00-18:00"}, "holidays": [5]}, "calendars.office.holidays[0]", "ISO"),
        ({"tz": 3, "hours": {"mon": "09:00-18:00"}}, "calendars.office.tz", "zone name"),
    ],
)
def test_bad_calendar_specs_name_their_path(spec: dict[str, Any], path: str, text: str) -> None:
    with pytest.raises(InvalidRule, match=text) as info:
        ruleset(spec)
    assert info.value.field == path
    assert str(info.value).startswith(path)


def test_calendars_of_the_wrong_type() -> None:
    rule = [{"id": "r", "then": {}}]
    with pytest.raises(InvalidArgument, match="calendars must map calendar names"):
        RuleSet.from_dicts(rule, calendars=[1])  # type: ignore[arg-type]
    with pytest.raises(InvalidRule, match="calendars must map calendar names"):
        RuleSet.from_mapping({"rules": rule, "calendars": [{"tz": MSK}]})


def test_weekly_hours_is_kept_and_asks_a_work_calendar() -> None:
    hours = WeeklyHours(
        MSK, ((0, 20 * 60, 8 * 60), (1, 9 * 60, 24 * 60)), frozenset({dt.date(2024, 10, 8)})
    )
    assert hours.to_work_calendar() == WorkCalendar.weekly(
        MSK,
        {"mon": "20:00-08:00", "tue": "09:00-24:00"},
        holidays=hours.to_work_calendar().holidays,
    )
    utc = dt.timezone.utc
    assert hours.is_open(dt.datetime(2024, 10, 7, 18, 30, tzinfo=utc))  # Mon 21:30 MSK
    assert hours.is_open(dt.datetime(2024, 10, 8, 4, tzinfo=utc))  # Tue 07:00, Monday's shift
    assert not hours.is_open(dt.datetime(2024, 10, 8, 10, tzinfo=utc))  # Tue is a holiday
    assert hours.is_open(dt.datetime(2024, 10, 15, 10, tzinfo=utc))
