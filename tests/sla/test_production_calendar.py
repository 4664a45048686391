"""The Russian production calendar against the verified facts, business days, adapters."""

from __future__ import annotations

import datetime as dt
import pickle
import sys

import pytest

from supportkit.exceptions import CalendarDataMissing, InvalidCalendar, MissingExtra
from supportkit.sla import (
    ProductionCalendar,
    add_business_days,
    business_days_between,
    from_holidays,
    russia,
)

D = dt.date


def _days(year: int, spec: str) -> set[dt.date]:
    """'1-5,8 Jan; 23 Feb' -> dates."""
    months = {
        m: i
        for i, m in enumerate(
            ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
        )
    }
    out: set[dt.date] = set()
    for group in filter(None, (g.strip() for g in spec.split(";"))):
        numbers, month = group.rsplit(" ", 1)
        for part in numbers.split(","):
            lo, _, hi = part.strip().partition("-")
            for day in range(int(lo), int(hi or lo) + 1):
                out.add(D(year, months[month], day))
    return out


# The table in issue 4 (the holidays package and xmlcalendar agree).
FACTS = {
    2024: (
        "1-5,8 Jan; 23 Feb; 8 Mar; 29,30 Apr; 1,9,10 May; 12 Jun; 4 Nov; 30,31 Dec",
        "27 Apr; 2 Nov; 28 Dec",
        "22 Feb; 7 Mar; 8 May; 11 Jun; 2 Nov",
    ),
    2025: (
        "1-3,6-8 Jan; 1,2,8,9 May; 12,13 Jun; 3,4 Nov; 31 Dec",
        "1 Nov",
        "7 Mar; 30 Apr; 11 Jun; 1 Nov",
    ),
    2026: (
        "1,2,5-9 Jan; 23 Feb; 9 Mar; 1,11 May; 12 Jun; 4 Nov; 31 Dec",
        "",
        "30 Apr; 8 May; 11 Jun; 3 Nov",
    ),
}


def _year(year: int) -> list[dt.date]:
    day, out = D(year, 1, 1), []
    while day.year == year:
        out.append(day)
        day += dt.timedelta(days=1)
    return out


@pytest.mark.parametrize("year", sorted(FACTS))
def test_russia_matches_the_verified_table(year: int) -> None:
    off, working, short = FACTS[year]
    ru = russia()
    days = _year(year)
    assert {d for d in days if d.weekday() < 5 and not ru.is_working_day(d)} == _days(year, off)
    assert {d for d in days if d.weekday() >= 5 and ru.is_working_day(d)} == _days(year, working)
    assert {d for d in days if ru.shortened(d)} == _days(year, short)


def test_official_totals() -> None:
    # Working days per year in the published production calendars.
    ru = russia()
    assert {
        y: business_days_between(D(y, 1, 1), D(y + 1, 1, 1), calendar=ru)
        for y in (2024, 2025, 2026)
    } == {
        2024: 248,
        2025: 247,
        2026: 247,
    }


def test_day_types() -> None:
    ru = russia()
    assert ru.day_type(D(2024, 11, 4)) == "holiday"
    assert ru.day_type(D(2024, 12, 30)) == "day_off"
    assert ru.day_type(D(2024, 11, 3)) == "weekend"
    assert ru.day_type(D(2024, 11, 2)) == "shortened"
    assert ru.day_type(D(2024, 12, 28)) == "working"
    assert ru.is_holiday(D(2025, 3, 8))  # a Saturday holiday is still a holiday
    assert not ru.is_holiday(D(2025, 3, 9))


def test_every_year_2019_to_2027_is_present_and_sourced() -> None:
    ru = russia()
    assert [y.year for y in ru.years] == list(range(2019, 2028))
    for year in ru.years:
        assert "decree" in year.source
        assert "arts. 95 and 112" in year.source


def test_data_agrees_with_the_holidays_package() -> None:
    import holidays

    ru = russia()
    for year in range(2019, 2028):
        package = holidays.RU(years=year)
        for day in _year(year):
            expected = (day.weekday() < 5 and day not in package) or day in package.weekend_workdays
            assert ru.is_working_day(day) is expected, day


def test_missing_year_raises() -> None:
    with pytest.raises(CalendarDataMissing) as info:
        russia().is_working_day(D(2018, 5, 5))
    assert info.value.year == 2018
    assert info.value.calendar == "RU"
    assert "from_dict" in str(info.value)
    with pytest.raises(LookupError):
        add_business_days(D(2027, 12, 28), 5, calendar=russia())


def test_business_days_payouts() -> None:
    ru = russia()
    # Acts signed on Fri 27 Dec 2024: Sat 28 Dec works, then the New Year break.
    assert add_business_days(D(2024, 12, 27), 3, calendar=ru) == D(2025, 1, 10)
    assert add_business_days(D(2024, 11, 1), 1, calendar=ru) == D(2024, 11, 2)
    assert add_business_days(D(2025, 1, 9), -1, calendar=ru) == D(2024, 12, 28)
    assert add_business_days(D(2025, 1, 1), 0, calendar=ru) == D(2025, 1, 9)
    assert add_business_days(D(2025, 1, 9), 0, calendar=ru) == D(2025, 1, 9)
    assert business_days_between(D(2024, 12, 27), D(2025, 1, 10), calendar=ru) == 3
    assert business_days_between(D(2025, 1, 10), D(2024, 12, 27), calendar=ru) == -3


def test_from_dict_adds_and_overrides_years() -> None:
    ru = russia()
    extended = ProductionCalendar.from_dict(
        {"years": {"2028": {"holidays": ["2028-01-01"], "days_off": ["2028-01-03"]}}}, base=ru
    )
    assert extended.name == "RU"
    assert not extended.is_working_day(D(2028, 1, 3))
    assert extended.is_working_day(D(2028, 1, 4))
    assert extended.is_working_day(D(2024, 11, 2))
    fixed = ProductionCalendar.from_dict({"years": {"2024": {"holidays": []}}}, base=ru)
    assert fixed.is_working_day(D(2024, 11, 4))
    assert ProductionCalendar.from_dict(ru.to_dict()) == ru
    assert pickle.loads(pickle.dumps(ru)) == ru
    assert hash(pickle.loads(pickle.dumps(ru))) == hash(ru)
    assert repr(ru) == "<ProductionCalendar RU 2019..2027>"


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ({"years": {"2028": {"holidays": ["2028-02-30"]}}}, "'2028-02-30'"),
        ({"years": {"2028": {"holidays": ["2027-01-01"]}}}, "outside 2028"),
        ({"years": {"twenty": {}}}, "'twenty'"),
        ({"years": {"2028": {"holyday": []}}}, "holyday"),
        ({"years": {"2028": {"holidays": "2028-01-01"}}}, "list of ISO dates"),
    ],
)
def test_bad_production_data(data: dict[str, object], needle: str) -> None:
    with pytest.raises(InvalidCalendar) as info:
        ProductionCalendar.from_dict(data)
    assert needle in str(info.value)


def test_from_holidays_spain_madrid() -> None:
    import holidays  # noqa: F401 - in the test extra

    madrid = from_holidays("ES", subdiv="MD", years=range(2024, 2026))
    assert madrid.name == "ES-MD"
    assert madrid.is_holiday(D(2024, 5, 2))  # Día de la Comunidad de Madrid
    assert madrid.is_working_day(D(2024, 5, 3))
    assert not madrid.is_working_day(D(2024, 5, 4))
    assert not madrid.shortened(D(2024, 12, 24))
    with pytest.raises(CalendarDataMissing):
        madrid.is_working_day(D(2026, 1, 2))
    with pytest.raises(InvalidCalendar, match="'XX'"):
        from_holidays("XX", years=[2024])


def test_from_holidays_without_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "holidays", None)
    with pytest.raises(MissingExtra) as info:
        from_holidays("ES", years=[2024])
    assert info.value.extra == "holidays"
