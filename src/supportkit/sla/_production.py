"""Production calendars: which dates are working days, holidays, days off, shortened days.

A :class:`ProductionCalendar` holds, per year, four sets of dates:

* ``holidays`` — public holidays (for Russia: Labour Code art. 112);
* ``days_off`` — other non-working dates that would be ordinary weekdays (days off
  transferred by a Government decree, a holiday that fell on a weekend moved to Monday);
* ``working_days`` — weekend dates that are working days (transferred working Saturdays);
* ``shortened`` — working days shortened by one hour (before a holiday, art. 95).

A year without data raises :class:`~supportkit.exceptions.CalendarDataMissing`; it is
never silently treated as plain weekdays and weekends.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

import attrs

from supportkit.exceptions import CalendarDataMissing, InvalidArgument, InvalidCalendar
from supportkit.sla._args import expect, expect_items

__all__ = [
    "ProductionCalendar",
    "YearData",
    "add_business_days",
    "business_days_between",
    "russia",
]

_ONE_DAY = _dt.timedelta(days=1)


def _dates(value: Any, *, field: str) -> frozenset[_dt.date]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidCalendar(
            f"{field} must be a list of ISO dates such as ['2024-01-01'] (got {value!r}).",
            field=field,
            value=value,
        )
    out = set()
    for item in value:
        out.add(_as_date(item, field=field))
    return frozenset(out)


def _as_date(value: Any, *, field: str) -> _dt.date:
    if isinstance(value, _dt.datetime):
        raise InvalidArgument(
            f"{field} must be a date, not a datetime (got {value!r}); use .date().",
            field=field,
            value=value,
        )
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError as exc:
            raise InvalidCalendar(
                f"{field} must hold ISO dates such as '2024-01-01' (got {value!r}).",
                field=field,
                value=value,
            ) from exc
    raise InvalidArgument(
        f"{field} must be a date or an ISO date string (got {value!r} that is a "
        f"{type(value).__name__}).",
        field=field,
        value=value,
    )


def _sorted_iso(days: frozenset[_dt.date]) -> list[str]:
    return [d.isoformat() for d in sorted(days)]


@attrs.frozen
class YearData:
    """One year of a production calendar (see the module docstring for the four sets)."""

    year: int
    holidays: frozenset[_dt.date] = frozenset()
    days_off: frozenset[_dt.date] = frozenset()
    working_days: frozenset[_dt.date] = frozenset()
    shortened: frozenset[_dt.date] = frozenset()
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, the one :meth:`ProductionCalendar.from_dict` reads."""
        return {
            "holidays": _sorted_iso(self.holidays),
            "days_off": _sorted_iso(self.days_off),
            "working_days": _sorted_iso(self.working_days),
            "shortened": _sorted_iso(self.shortened),
            "source": self.source,
        }


def _year_from_dict(year: int, data: Any, *, field: str) -> YearData:
    if not isinstance(data, Mapping):
        raise InvalidCalendar(
            f"{field} must be a mapping with holidays, days_off, working_days and "
            f"shortened (got {data!r}).",
            field=field,
            value=data,
        )
    unknown = set(data) - {"holidays", "days_off", "working_days", "shortened", "source"}
    if unknown:
        raise InvalidCalendar(
            f"{field} has unknown keys {sorted(unknown)!r}; allowed: holidays, days_off, "
            "working_days, shortened, source.",
            field=field,
            value=data,
        )
    sets = {
        key: _dates(data.get(key, ()), field=f"{field}.{key}")
        for key in ("holidays", "days_off", "working_days", "shortened")
    }
    for key, days in sets.items():
        stray = sorted(d for d in days if d.year != year)
        if stray:
            raise InvalidCalendar(
                f"{field}.{key} has dates outside {year}: {[d.isoformat() for d in stray]!r}.",
                field=f"{field}.{key}",
                value=stray,
            )
    return YearData(year=year, source=str(data.get("source", "")), **sets)


def _sorted_years(years: Iterable[YearData]) -> tuple[YearData, ...]:
    items = expect_items(years, arg="years", want="a list of YearData")
    for item in items:
        expect(item, YearData, arg="years", want="a list of YearData")
    return tuple(sorted(items, key=lambda y: y.year))


def _weekend(days: Iterable[int]) -> frozenset[int]:
    want = "weekday numbers such as [5, 6] (Monday is 0)"
    items = expect_items(days, arg="weekend", want=want)
    for item in items:
        if expect(item, int, arg="weekend", want=want) not in range(7):
            raise InvalidCalendar(
                f"weekend must hold weekday numbers 0..6, Monday is 0 (got {item!r}).",
                field="weekend",
                value=item,
            )
    return frozenset(items)


def _name(value: str) -> str:
    return expect(value, str, arg="name", want="a short name such as 'RU'")  # type: ignore[no-any-return]


@attrs.frozen(repr=False, cache_hash=True)
class ProductionCalendar:
    """Working days, holidays and shortened days of one country, year by year.

    Build one with :func:`russia`, :func:`~supportkit.sla.from_holidays` or
    :meth:`from_dict`. Immutable, hashable and picklable.

    Args:
        name: A short name used in messages (``"RU"``).
        years: One :class:`YearData` per year covered.
        weekend: Weekday numbers of the ordinary weekend (Monday is 0).
        complete: ``True`` when the listed dates are the whole truth (a plain list of
            holidays, :meth:`from_dates`): a year without data is then ordinary
            weekdays and weekends, not a :class:`CalendarDataMissing` error.
    """

    name: str = attrs.field(converter=_name)
    years: tuple[YearData, ...] = attrs.field(converter=_sorted_years)
    weekend: frozenset[int] = attrs.field(default=frozenset({5, 6}), converter=_weekend)
    complete: bool = attrs.field(default=False, kw_only=True)
    _index: dict[int, YearData] = attrs.field(
        init=False, eq=False, hash=False, repr=False, factory=dict
    )

    def __attrs_post_init__(self) -> None:
        self._index.update({y.year: y for y in self.years})

    def __repr__(self) -> str:
        span = f"{self.years[0].year}..{self.years[-1].year}" if self.years else "no years"
        return f"<ProductionCalendar {self.name} {span}>"

    def _year(self, year: int) -> YearData:
        data = self._index.get(year)
        if data is None and self.complete:
            data = self._index[year] = YearData(year=year)
        if data is None:
            known = f"{self.years[0].year}..{self.years[-1].year}" if self.years else "none"
            raise CalendarDataMissing(
                f"The {self.name} production calendar has no data for {year} (it covers "
                f"{known}); add the year with ProductionCalendar.from_dict(..., base=calendar).",
                year=year,
                calendar=self.name,
            )
        return data

    def day_type(self, day: _dt.date) -> str:
        """Classify a date.

        Returns:
            ``"holiday"``, ``"day_off"`` (a non-working weekday: transferred day off),
            ``"weekend"``, ``"shortened"`` (a working day one hour shorter) or
            ``"working"``.

        Raises:
            CalendarDataMissing: no data for ``day.year``.
        """
        day = _as_date(day, field="day")
        data = self._year(day.year)
        if day in data.holidays:
            return "holiday"
        if day in data.days_off:
            return "day_off"
        weekend = day.weekday() in self.weekend and day not in data.working_days
        if weekend:
            return "weekend"
        return "shortened" if day in data.shortened else "working"

    def is_working_day(self, day: _dt.date) -> bool:
        """``True`` for a working day (a transferred working Saturday included)."""
        return self.day_type(day) in ("working", "shortened")

    def is_holiday(self, day: _dt.date) -> bool:
        """``True`` for a public holiday (not for an ordinary weekend or transferred day off)."""
        return self.day_type(day) == "holiday"

    def shortened(self, day: _dt.date) -> bool:
        """``True`` for a working day shortened by one hour (Labour Code art. 95)."""
        return self.day_type(day) == "shortened"

    def add_working_days(self, day: _dt.date, n: int) -> _dt.date:
        """The ``n``-th working day after ``day`` (before it when ``n`` is negative).

        ``day`` itself is not counted. ``n == 0`` returns ``day`` when it is a working
        day, otherwise the next working day.
        """
        day = _as_date(day, field="day")
        if not isinstance(n, int) or isinstance(n, bool):
            raise InvalidArgument(
                f"n must be an int (got {n!r} that is a {type(n).__name__}).",
                field="n",
                value=n,
            )
        step = _ONE_DAY if n >= 0 else -_ONE_DAY
        if n == 0:
            while not self.is_working_day(day):
                day += step
            return day
        left = abs(n)
        while left:
            day += step
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, a: _dt.date, b: _dt.date) -> int:
        """Working days in ``[a, b)``; negative when ``b`` is before ``a``."""
        a = _as_date(a, field="a")
        b = _as_date(b, field="b")
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        day = a
        while day < b:
            count += self.is_working_day(day)
            day += _ONE_DAY
        return count

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; :meth:`from_dict` reads it back."""
        out: dict[str, Any] = {
            "name": self.name,
            "weekend": sorted(self.weekend),
            "years": {str(y.year): y.to_dict() for y in self.years},
        }
        if self.complete:
            out["complete"] = True
        return out

    @classmethod
    def from_dates(
        cls,
        dates: Iterable[Any],
        *,
        name: str = "dates",
        weekend: Iterable[int] = (5, 6),
        field: str = "holidays",
    ) -> ProductionCalendar:
        """A calendar from a plain list of holidays, as pandas' ``holidays=`` takes.

        ``["2014-06-27", date(2014, 6, 30)]``: each listed date is closed, the
        ``weekend`` days are weekends, every other day works — in every year, with
        no "year without data" error (the list is the whole truth).

        Raises:
            InvalidCalendar: a string that is not an ISO date, or ``dates`` a string.
            InvalidArgument: an item that is neither a date nor a string (a datetime too).

        >>> import datetime
        >>> pc = ProductionCalendar.from_dates(["2014-06-27", datetime.date(2014, 6, 30)])
        >>> pc.day_type(datetime.date(2014, 6, 27)), pc.day_type(datetime.date(2031, 1, 6))
        ('holiday', 'working')
        """
        field = expect(field, str, arg="field", want="a name for messages such as 'holidays'")
        days = _dates(dates, field=field)
        by_year: dict[int, set[_dt.date]] = {}
        for day in days:
            by_year.setdefault(day.year, set()).add(day)
        years = tuple(
            YearData(year=year, holidays=frozenset(items), source="list of dates")
            for year, items in by_year.items()
        )
        return cls(name=name, years=years, weekend=weekend, complete=True)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, base: ProductionCalendar | None = None
    ) -> ProductionCalendar:
        """Build a calendar from its :meth:`to_dict` form, or add/override years of ``base``.

        Args:
            data: ``{"name": "RU", "years": {"2028": {"holidays": [...], ...}}}``.
            base: Years not in ``data`` are taken from here (so a host can add 2028 to
                :func:`russia` or correct a year).

        Raises:
            InvalidCalendar: malformed data, naming the path and the value.
        """
        if not isinstance(data, Mapping):
            raise InvalidArgument(
                f"data must be a mapping (got {data!r} that is a {type(data).__name__}).",
                field="data",
                value=data,
            )
        if base is not None:
            expect(base, ProductionCalendar, arg="base", want="a ProductionCalendar or None")
        raw_years = data.get("years", {})
        if not isinstance(raw_years, Mapping):
            raise InvalidCalendar(
                f"years must map a year to its days (got {raw_years!r}).",
                field="years",
                value=raw_years,
            )
        years: dict[int, YearData] = {y.year: y for y in base.years} if base else {}
        for key, value in raw_years.items():
            try:
                year = int(key)
            except (TypeError, ValueError) as exc:
                raise InvalidCalendar(
                    f"years keys must be years such as '2028' (got {key!r}).",
                    field="years",
                    value=key,
                ) from exc
            years[year] = _year_from_dict(year, value, field=f"years[{key!r}]")
        name = data.get("name", base.name if base else "custom")
        weekend = data.get("weekend", sorted(base.weekend) if base else (5, 6))
        complete = data.get("complete", base.complete if base else False)
        if not isinstance(complete, bool):
            raise InvalidCalendar(
                f"complete must be true or false (got {complete!r}).",
                field="complete",
                value=complete,
            )
        return cls(name=str(name), years=tuple(years.values()), weekend=weekend, complete=complete)


@functools.cache
def russia() -> ProductionCalendar:
    """The Russian production calendar, 2019 through 2027, from the bundled data file.

    Days off and transferred working days follow the Government decrees named in
    ``supportkit/data/production_ru.json`` (each year's ``source``); shortened days
    follow Labour Code art. 95. See the *Calendars and time zones* docs page.

    >>> import datetime
    >>> russia().is_working_day(datetime.date(2024, 11, 2))
    True
    """
    text = resources.files("supportkit.data").joinpath("production_ru.json").read_text("utf-8")
    return ProductionCalendar.from_dict(json.loads(text))


def add_business_days(day: _dt.date, n: int, *, calendar: ProductionCalendar) -> _dt.date:
    """The ``n``-th working day after ``day`` on ``calendar`` (payouts "in 3 business days").

    >>> import datetime
    >>> add_business_days(datetime.date(2024, 12, 27), 3, calendar=russia())
    datetime.date(2025, 1, 10)
    """
    expect(
        calendar, ProductionCalendar, arg="calendar", want="a ProductionCalendar such as russia()"
    )
    return calendar.add_working_days(day, n)


def business_days_between(a: _dt.date, b: _dt.date, *, calendar: ProductionCalendar) -> int:
    """Working days in ``[a, b)`` on ``calendar``."""
    expect(
        calendar, ProductionCalendar, arg="calendar", want="a ProductionCalendar such as russia()"
    )
    return calendar.working_days_between(a, b)
