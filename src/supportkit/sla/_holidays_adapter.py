"""Production calendars for any country from the ``holidays`` package (optional extra).

``from_holidays("ES", subdiv="MD", years=range(2024, 2027))`` returns a
:class:`~supportkit.sla.ProductionCalendar`: every date the package lists is a
holiday, its weekend workdays (where the package knows them) are working days, and
no day is shortened. Install with ``pip install supportkit[holidays]``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from importlib.metadata import version as _version
from typing import Any

from supportkit.exceptions import InvalidArgument, InvalidCalendar, MissingExtra
from supportkit.sla._args import expect, expect_items
from supportkit.sla._production import ProductionCalendar, YearData

__all__ = ["from_holidays"]


def from_holidays(
    country: str,
    *,
    subdiv: str | None = None,
    years: Iterable[int],
) -> ProductionCalendar:
    """Build a :class:`ProductionCalendar` from the ``holidays`` package.

    Args:
        country: ISO 3166 code such as ``"ES"``, ``"MX"``, ``"KZ"``.
        subdiv: Region code (``"MD"`` for Madrid), when the country has them.
        years: The years to cover; other years raise ``CalendarDataMissing``.

    Raises:
        MissingExtra: ``holidays`` is not installed (``extra="holidays"``).
        InvalidCalendar: an unknown country or region.
    """
    try:
        import holidays
    except ImportError as exc:
        raise MissingExtra(
            "from_holidays() needs the holidays package; install it with "
            "pip install 'supportkit[holidays]'.",
            extra="holidays",
        ) from exc
    want = "a non-empty collection of ints such as range(2024, 2027)"
    items = expect_items(years, arg="years", want=want)
    for year in items:
        expect(year, int, arg="years", want=want)
    expect(country, str, arg="country", want="an ISO 3166 code such as 'ES'")
    if subdiv is not None:
        expect(subdiv, str, arg="subdiv", want="a region code such as 'MD', or None")
    wanted = sorted(set(items))
    if not wanted or not all(1 <= y <= 9999 for y in wanted):
        raise InvalidArgument(
            f"years must be a non-empty collection of ints such as range(2024, 2027) "
            f"(got {years!r}).",
            field="years",
            value=years,
        )
    try:
        table: Any = holidays.country_holidays(country, subdiv=subdiv, years=wanted)
    except NotImplementedError as exc:
        raise InvalidCalendar(
            f"country {country!r} (subdiv={subdiv!r}) is not known to the holidays "
            "package; use an ISO 3166 code such as 'ES' or 'MX' and a listed region.",
            field="country",
            value=country,
        ) from exc
    name = country if subdiv is None else f"{country}-{subdiv}"
    workdays: set[_dt.date] = set(getattr(table, "weekend_workdays", ()) or ())
    weekend = frozenset(getattr(table, "weekend", {5, 6}))
    data = tuple(
        YearData(
            year=year,
            holidays=frozenset(d for d in table if d.year == year),
            working_days=frozenset(d for d in workdays if d.year == year),
            source=f"holidays package {_version('holidays')}",
        )
        for year in wanted
    )
    return ProductionCalendar(name=name, years=data, weekend=weekend)
