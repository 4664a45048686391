"""Top ticket categories per week or month, standardised across countries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from supportkit.exceptions import InvalidArgument, InvalidValue
from supportkit.metrics._base import TicketAccumulator
from supportkit.metrics._checks import names
from supportkit.metrics._periods import (
    Keyer,
    period_start,
    previous_period,
    resolve_period,
    resolve_tz,
)
from supportkit.metrics._records import TicketView
from supportkit.metrics._results import CategoryCount, Period
from supportkit.metrics._satisfaction import normalise_label

__all__ = ["CategoryMap", "TopCategories", "top_categories"]


def _pairs(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if isinstance(value, tuple):
        return value
    if not isinstance(value, Mapping):
        raise InvalidArgument(
            f"{where} must be a mapping of tag to standard category (got {value!r}).",
            field=where,
            value=value,
        )
    out = {}
    for tag, category in value.items():
        if not isinstance(tag, str) or not isinstance(category, str) or not category.strip():
            raise InvalidValue(
                f"{where}[{tag!r}] must map a tag to a non-empty category name (got {category!r}).",
                field=f"{where}[{tag!r}]",
                value=category,
            )
        out[normalise_label(tag)] = category.strip()
    return tuple(sorted(out.items()))


def _countries(
    value: Any,
) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    if value is None:
        return ()
    if isinstance(value, tuple):
        return value
    if not isinstance(value, Mapping):
        raise InvalidArgument(
            f"countries must map a country code to a tag mapping (got {value!r}).",
            field="countries",
            value=value,
        )
    return tuple(sorted((str(c).upper(), _pairs(m, f"countries[{c!r}]")) for c, m in value.items()))


def _mapping(value: Any) -> tuple[tuple[str, str], ...]:
    return _pairs(value, "mapping")


def _names(value: Iterable[str]) -> frozenset[str]:
    found = names(value, field="exclude", what="category names", example="('thanks', 'spam')")
    return frozenset(normalise_label(v) for v in found)


@attrs.frozen
class CategoryMap:
    """How raw tags become standard categories, so countries' reports line up.

    Args:
        mapping: Tag → category for every country (``{"выплаты": "payouts"}``).
        countries: Country code → its own tag mapping, tried first
            (``{"ES": {"pagos": "payouts"}, "KZ": {"төлем": "payouts"}}``); the country is
            read from the ticket's ``fields.country``.
        exclude: Categories left out of the top (``("thanks", "spam")``).

    Tags are compared case-insensitively (``ё`` = ``е``); an unmapped tag is its own
    category.

    >>> cmap = CategoryMap({"Выплаты": "payouts"}, countries={"ES": {"pagos": "payouts"}})
    >>> cmap.standard("pagos", "ES"), cmap.standard("выплаты"), cmap.standard("acts")
    ('payouts', 'payouts', 'acts')
    """

    mapping: tuple[tuple[str, str], ...] = attrs.field(default=None, converter=_mapping)
    countries: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = attrs.field(
        default=None, converter=_countries
    )
    exclude: frozenset[str] = attrs.field(default=(), converter=_names)

    def standard(self, tag: str, country: str | None = None) -> str:
        """Return the standard category of ``tag`` for a ticket from ``country``."""
        key = normalise_label(tag)
        if country is not None:
            for code, table in self.countries:
                if code == country.upper():
                    found = dict(table).get(key)
                    if found is not None:
                        return found
        return dict(self.mapping).get(key, key)

    def compiled(self) -> dict[tuple[str | None, str], str]:
        """Return a flat lookup ``(country, tag) -> category`` (``country`` None for all)."""
        out: dict[tuple[str | None, str], str] = {(None, k): v for k, v in self.mapping}
        for code, table in self.countries:
            for k, v in table:
                out[(code, k)] = v
        return out


class TopCategories(TicketAccumulator):
    """Count categories per period; :meth:`result` gives each period's top ``n``.

    Args:
        n: How many categories per period (default 5).
        period: ``"week"`` (ISO weeks, default), ``"month"`` or ``"day"``.
        tz: The zone periods are counted in (default UTC).
        categories: A :class:`CategoryMap` (or a plain tag → category mapping).
        by: ``"tags"`` (default; a ticket counts once in each of its categories) or
            ``"category"`` (the ticket's ``fields.category``).

    Ties are ordered by category name, so the result never depends on input order.
    """

    __slots__ = (
        "_by",
        "_cache",
        "_cmap",
        "_combos",
        "_counts",
        "_key",
        "_n",
        "_period",
        "_totals",
        "_tz",
    )

    def __init__(
        self,
        n: int = 5,
        *,
        period: str = "week",
        tz: Any = None,
        categories: CategoryMap | Mapping[str, str] | None = None,
        by: str = "tags",
        strict: bool = True,
    ) -> None:
        super().__init__(strict=strict)
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise InvalidValue(f"n must be a positive integer (got {n!r}).", field="n", value=n)
        if by not in ("tags", "category"):
            raise InvalidValue(
                f"by must be 'tags' or 'category' (got {by!r}).", field="by", value=by
            )
        self._n = n
        self._period = resolve_period(period)
        self._tz = resolve_tz(tz)
        self._key = Keyer(self._period, self._tz)
        self._cmap = categories if isinstance(categories, CategoryMap) else CategoryMap(categories)
        self._by = by
        self._cache: dict[tuple[str | None, str], str | None] = {}
        self._combos: dict[tuple[str | None, tuple[str, ...]], tuple[str, ...]] = {}
        self._counts: dict[str, Counter[str]] = {}
        self._totals: Counter[str] = Counter()

    def _category(self, country: str | None, tag: str) -> str | None:
        key = (country, tag)
        found = self._cache.get(key, "")
        if found == "":
            found = self._cmap.standard(tag, country)
            if normalise_label(found) in self._cmap.exclude:
                found = None
            self._cache[key] = found
        return found

    def _add_view(self, view: TicketView) -> None:
        if view.created is None:
            return
        self._add_keyed(view, self._key(view.created))

    def _add_keyed(self, view: TicketView, key: str) -> None:
        totals = self._totals
        totals[key] = totals.get(key, 0) + 1
        if self._by == "tags":
            raw = view.tags
        else:
            category = view.category
            raw = (category,) if category else ()
        if raw:
            self._count(key, (view.country, raw), 1)

    def _count(self, key: str, combo: tuple[str | None, tuple[str, ...]], n: int) -> None:
        """Count ``n`` tickets of period ``key`` with ``combo`` = (country, tags)."""
        cats = self._combos.get(combo)
        if cats is None:
            country, raw = combo
            found = {c for c in (self._category(country, t) for t in raw) if c is not None}
            cats = tuple(sorted(found))
            if len(self._combos) < 65536:
                self._combos[combo] = cats
        counter = self._counts.get(key)
        if counter is None:
            counter = self._counts[key] = Counter()
        for cat in cats:
            counter[cat] = counter.get(cat, 0) + n

    def add_counted(
        self, key: str, total: int, combos: Mapping[tuple[str | None, tuple[str, ...]], int]
    ) -> None:
        """Add ``total`` tickets of period ``key``; ``combos``: (country, tags) → tickets."""
        totals = self._totals
        totals[key] = totals.get(key, 0) + total
        for combo, n in combos.items():
            self._count(key, combo, n)

    def _merge(self, other: TopCategories) -> None:
        self._totals.update(other._totals)
        for key, counter in other._counts.items():
            self._counts.setdefault(key, Counter()).update(counter)

    def _config(self) -> tuple[Any, ...]:
        return (self._n, self._period, str(self._tz), self._cmap, self._by)

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state["_cache"] = {}
        state["_combos"] = {}
        return state

    def result(self) -> list[Period]:
        """Return one :class:`Period` per period with tickets, oldest first."""
        if not self._totals:
            return []
        first = min(self._totals)
        out = []
        for key in sorted(self._totals):
            counts = self._counts.get(key, Counter())
            prev_key = previous_period(key)
            prev = self._counts.get(prev_key, Counter()) if prev_key >= first else None
            total = self._totals[key]
            ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: self._n]
            top = tuple(
                CategoryCount(
                    category=cat,
                    count=count,
                    share=count / total,
                    previous=None if prev is None else prev.get(cat, 0),
                    change=None if prev is None else count - prev.get(cat, 0),
                )
                for cat, count in ranked
            )
            out.append(Period(period=key, start=period_start(key), total=total, top=top))
        return out

    def __repr__(self) -> str:
        return f"TopCategories({len(self._totals)} periods, n={self._n})"


def top_categories(
    tickets: Any,
    *,
    n: int = 5,
    period: str = "week",
    tz: Any = None,
    categories: CategoryMap | Mapping[str, str] | None = None,
    by: str = "tags",
    strict: bool = True,
) -> list[Period]:
    """Return the top ``n`` categories of each period, with the change against the previous one.

    >>> rows = [{"created_at": "2024-10-07T10:00:00+03:00", "tags": ["payouts"]},
    ...         {"created_at": "2024-10-14T10:00:00+03:00", "tags": ["payouts", "acts"]},
    ...         {"created_at": "2024-10-15T10:00:00+03:00", "tags": ["acts"]}]
    >>> for period in top_categories(rows, n=2):
    ...     print(period)
    Period(2024-W41, total=1: payouts: 1 (100%))
    Period(2024-W42, total=2: acts: 2 (100%, +2), payouts: 1 (50%, +0))
    """
    acc = TopCategories(n, period=period, tz=tz, categories=categories, by=by, strict=strict)
    acc.add_many(tickets)
    return acc.result()
