"""Fixtures for the SLA tests.

``ReferenceWeekly`` is a deliberately naive working-time calendar (walks day by
day): the SLA clocks only need ``add``/``between``/``intervals``, so every clock test
runs both on it and on the real :class:`supportkit.sla.WorkCalendar` — which shows
the clocks work with any calendar that has those methods.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from zoneinfo import ZoneInfo

import pytest

MSK = ZoneInfo("Europe/Moscow")


class ReferenceWeekly:
    """Open on the given weekdays (0 = Monday) between two local hours."""

    def __init__(self, tz: dt.tzinfo, days: Mapping[int, tuple[int, int]]) -> None:
        self.tz = tz
        self.days = dict(days)

    def intervals(
        self, start: dt.datetime, end: dt.datetime
    ) -> list[tuple[dt.datetime, dt.datetime]]:
        out = []
        day = start.astimezone(self.tz).date() - dt.timedelta(days=1)
        last = end.astimezone(self.tz).date()
        while day <= last:
            if day.weekday() in self.days:
                lo_h, hi_h = self.days[day.weekday()]
                lo = dt.datetime.combine(day, dt.time(lo_h), self.tz)
                hi = dt.datetime.combine(day, dt.time(0), self.tz) + dt.timedelta(hours=hi_h)
                lo, hi = max(lo, start), min(hi, end)
                if hi > lo:
                    out.append((lo.astimezone(self.tz), hi.astimezone(self.tz)))
            day += dt.timedelta(days=1)
        return out

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        return sum((hi - lo for lo, hi in self.intervals(start, end)), dt.timedelta(0))

    def add(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        left = duration
        cursor = start
        while True:
            for lo, hi in self.intervals(cursor, cursor + dt.timedelta(days=14)):
                if left <= hi - lo:
                    return (lo + left).astimezone(self.tz)
                left -= hi - lo
            cursor += dt.timedelta(days=14)


def _real_office() -> object:
    from supportkit.sla import WorkCalendar

    return WorkCalendar.weekly("Europe/Moscow", {"mon-fri": "09:00-18:00"})


@pytest.fixture(params=["reference", "workcalendar"], scope="module")
def office(request: pytest.FixtureRequest) -> object:
    """Mon-Fri 09:00-18:00 Moscow, as the reference calendar and as WorkCalendar."""
    if request.param == "reference":
        return ReferenceWeekly(MSK, dict.fromkeys(range(5), (9, 18)))
    return _real_office()
