"""Operational metrics: automation, contacts, response and resolution times, reopens,
one-touch resolution, SLA attainment and the backlog with its "snowball" signal."""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, Final, Protocol

from supportkit._time import to_timedelta
from supportkit.exceptions import InvalidArgument, InvalidValue
from supportkit.metrics._base import TicketAccumulator, WorkingTime, check_calendar
from supportkit.metrics._checks import collection, mapping, names
from supportkit.metrics._percentiles import ExactStore, LogSketch, make_store, summarise
from supportkit.metrics._periods import Keyer, resolve_period, resolve_tz, span
from supportkit.metrics._records import TicketView
from supportkit.metrics._results import (
    BacklogPeriod,
    BacklogTrend,
    ContactRatePeriod,
    Distribution,
    Rate,
)
from supportkit.metrics._stats import wilson_interval

__all__ = [
    "AutomationRate",
    "Backlog",
    "ContactRate",
    "OneTouchRate",
    "ReopenRate",
    "ResolutionTimes",
    "ResponseTimes",
    "SLAAttainment",
    "SLAReportLike",
    "automation_rate",
    "backlog",
    "contact_rate",
    "contact_rates",
    "one_touch_rate",
    "reopen_rate",
    "resolution_times",
    "response_times",
    "sla_attainment",
]

_AUTOMATIC: Final = ("rule", "bot")


def rate(successes: int, count: int) -> Rate:
    """Build a :class:`Rate` with its Wilson interval (``value=None`` when ``count`` is 0)."""
    low, high = wilson_interval(successes, count)
    return Rate(
        value=successes / count if count else None,
        count=count,
        successes=successes,
        low=low,
        high=high,
    )


class AutomationRate(TicketAccumulator):
    """Share of tickets answered automatically: a ``rule``/``bot`` reply and no ``agent`` reply.

    The denominator is every ticket added. :meth:`by_channel` splits it per channel
    (the lender in DOMAIN.md answers 37–40 % of e-mails and 50–52 % of chats this way).
    """

    __slots__ = ("_counts",)

    def __init__(self, *, strict: bool = True) -> None:
        super().__init__(strict=strict)
        self._counts: dict[str, list[int]] = {}

    def _add_view(self, view: TicketView) -> None:
        first = view.first_reply
        automated = ("rule" in first or "bot" in first) and "agent" not in first
        key = view.channel or "unknown"
        pair = self._counts.get(key)
        if pair is None:
            pair = self._counts[key] = [0, 0]
        pair[0] += automated
        pair[1] += 1

    def _merge(self, other: AutomationRate) -> None:
        for key, (auto, total) in other._counts.items():
            pair = self._counts.setdefault(key, [0, 0])
            pair[0] += auto
            pair[1] += total

    def result(self) -> Rate:
        """Return the automation rate over all channels."""
        return rate(
            sum(p[0] for p in self._counts.values()), sum(p[1] for p in self._counts.values())
        )

    def by_channel(self) -> dict[str, Rate]:
        """Return the automation rate per channel, channels sorted by name."""
        return {key: rate(*self._counts[key]) for key in sorted(self._counts)}


class _Durations(TicketAccumulator):
    __slots__ = ("_calendar", "_sketch", "_store", "skipped")

    def __init__(
        self, *, calendar: Any = None, sketch: float | None = None, strict: bool = True
    ) -> None:
        super().__init__(strict=strict)
        self._calendar: WorkingTime | None = check_calendar(calendar)
        self._sketch = sketch
        self._store: ExactStore | LogSketch = make_store(sketch)
        #: tickets without a start or an end (not answered / not resolved / no created_at)
        self.skipped = 0

    def _end(self, view: TicketView) -> _dt.datetime | None:  # pragma: no cover - abstract
        raise TypeError

    def _add_view(self, view: TicketView) -> None:
        start = view.created
        end = self._end(view) if start is not None else None
        if start is None or end is None:
            self.skipped += 1
            return
        if self._calendar is None:
            self._store.add((end - start).total_seconds())
        else:
            self._store.add(self._calendar.between(start, end).total_seconds())

    def add_duration(self, duration: _dt.timedelta | float) -> None:
        """Add one duration directly (a ``timedelta`` or seconds)."""
        self._store.add(to_timedelta(duration).total_seconds())

    def _merge(self, other: _Durations) -> None:
        self._store.merge(other._store)  # type: ignore[arg-type]
        self.skipped += other.skipped

    def _config(self) -> tuple[Any, ...]:
        return (self._store.config(),)

    def histogram(self, edges: Iterable[_dt.timedelta | float]) -> list[int]:
        """Count durations per bin: ``[0, e0)``, ``[e0, e1)``, …, ``[e_last, ∞)``."""
        return self._store.histogram([to_timedelta(e).total_seconds() for e in edges])

    def result(self) -> Distribution:
        """Return the distribution of durations so far."""
        return summarise(self._store)


_BY: Final = "('agent', 'bot')"


class ResponseTimes(_Durations):
    """Time from ``created_at`` to the first reply by one of ``by`` (default: an agent).

    Args:
        calendar: ``None`` for calendar time, or a working-time calendar such as
            :class:`supportkit.sla.WorkCalendar` (anything with ``between(start, end)``).
        by: Whose replies count as a response (``("agent",)``; add ``"bot"``/``"rule"``
            to count automatic answers).
        sketch: ``None`` for exact percentiles, or a relative error such as ``0.01``
            for a bounded-memory sketch.
        strict: How tickets are read (see :func:`supportkit.as_ticket`).
    """

    __slots__ = ("_by",)

    def __init__(
        self,
        calendar: Any = None,
        *,
        by: Iterable[str] = ("agent",),
        sketch: float | None = None,
        strict: bool = True,
    ) -> None:
        super().__init__(calendar=calendar, sketch=sketch, strict=strict)
        self._by = tuple(sorted(set(names(by, field="by", what="reply authors", example=_BY))))
        unknown = [a for a in self._by if a not in ("agent", "customer", "rule", "bot")]
        if unknown or not self._by:
            raise InvalidValue(
                "by must name reply authors among ['agent', 'bot', 'customer', 'rule'] "
                f"(got {by!r}).",
                field="by",
                value=by,
            )

    def _end(self, view: TicketView) -> _dt.datetime | None:
        first = view.first_reply
        if len(self._by) == 1:
            return first.get(self._by[0])
        times = [first[a] for a in self._by if a in first]
        return min(times) if times else None

    def _config(self) -> tuple[Any, ...]:
        return (self._store.config(), self._by)


class ResolutionTimes(_Durations):
    """Time from ``created_at`` to resolution (the last move into ``solved``/``closed``).

    Tickets that are not resolved now (never solved, or reopened and still open) are
    not counted; :attr:`skipped` says how many. Options as for :class:`ResponseTimes`.
    """

    __slots__ = ()

    def __init__(
        self, calendar: Any = None, *, sketch: float | None = None, strict: bool = True
    ) -> None:
        super().__init__(calendar=calendar, sketch=sketch, strict=strict)

    def _end(self, view: TicketView) -> _dt.datetime | None:
        return view.resolved_at


class ReopenRate(TicketAccumulator):
    """Share of resolved tickets that went back from ``solved``/``closed`` to an open status."""

    __slots__ = ("_count", "_reopened")

    def __init__(self, *, strict: bool = True) -> None:
        super().__init__(strict=strict)
        self._reopened = 0
        self._count = 0

    def _add_view(self, view: TicketView) -> None:
        facts = view
        if facts.ever_resolved:
            self._count += 1
            self._reopened += facts.reopened

    def _merge(self, other: ReopenRate) -> None:
        self._count += other._count
        self._reopened += other._reopened

    def result(self) -> Rate:
        """Return reopened / ever resolved."""
        return rate(self._reopened, self._count)


class OneTouchRate(TicketAccumulator):
    """Share of resolved tickets with an agent reply that took exactly one agent reply.

    Tickets resolved without any agent reply (by a bot or a rule) are the automation
    rate's business and are not counted here.
    """

    __slots__ = ("_count", "_one")

    def __init__(self, *, strict: bool = True) -> None:
        super().__init__(strict=strict)
        self._one = 0
        self._count = 0

    def _add_view(self, view: TicketView) -> None:
        facts = view
        if facts.resolved_at is not None and facts.agent_replies:
            self._count += 1
            self._one += facts.agent_replies == 1

    def _merge(self, other: OneTouchRate) -> None:
        self._count += other._count
        self._one += other._one

    def result(self) -> Rate:
        """Return one-touch / resolved with an agent reply."""
        return rate(self._one, self._count)


class Backlog(TicketAccumulator):
    """Arrivals and closures per period, the open backlog, and the "snowball" signal.

    Args:
        period: ``"day"``, ``"week"`` (ISO weeks, default) or ``"month"``.
        tz: The zone periods are counted in (default UTC).
        k: How many consecutive periods with more arrivals than closures make a
            snowball (default 3).
    """

    __slots__ = ("_arrived", "_closed", "_k", "_key", "_period", "_tz")

    def __init__(
        self, *, period: str = "week", tz: Any = None, k: int = 3, strict: bool = True
    ) -> None:
        super().__init__(strict=strict)
        self._period = resolve_period(period)
        self._tz = resolve_tz(tz)
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise InvalidValue(f"k must be a positive integer (got {k!r}).", field="k", value=k)
        self._k = k
        self._key = Keyer(self._period, self._tz)
        self._arrived: Counter[str] = Counter()
        self._closed: Counter[str] = Counter()

    def _add_view(self, view: TicketView) -> None:
        if view.created is None:
            return
        self._add_keyed(view, self._key(view.created))

    def _add_keyed(self, view: TicketView, key: str) -> None:
        self._arrived[key] += 1
        resolved = view.resolved_at
        if resolved is not None:
            self._closed[self._key(resolved)] += 1

    def _merge(self, other: Backlog) -> None:
        self._arrived.update(other._arrived)
        self._closed.update(other._closed)

    def _config(self) -> tuple[Any, ...]:
        return (self._period, str(self._tz), self._k)

    def result(self) -> BacklogTrend:
        """Return the backlog per period (gaps filled) and the snowball runs."""
        keys = set(self._arrived) | set(self._closed)
        if not keys:
            return BacklogTrend(periods=(), k=self._k, runs=(), snowball=False)
        periods: list[BacklogPeriod] = []
        open_now = 0
        for key in span(min(keys), max(keys)):
            arrived, closed = self._arrived.get(key, 0), self._closed.get(key, 0)
            open_now += arrived - closed
            periods.append(BacklogPeriod(period=key, arrived=arrived, closed=closed, open=open_now))
        runs: list[tuple[str, str]] = []
        start: int | None = None
        for i, p in enumerate([*periods, None]):
            if p is not None and p.growing:
                start = i if start is None else start
                continue
            if start is not None and i - start >= self._k:
                runs.append((periods[start].period, periods[i - 1].period))
            start = None
        snowball = bool(runs) and runs[-1][1] == periods[-1].period
        return BacklogTrend(periods=tuple(periods), k=self._k, runs=tuple(runs), snowball=snowball)


class ContactRate(TicketAccumulator):
    """Contacts (tickets) per period divided by applications per period.

    Args:
        applications: Applications per period key (``{"2024-10": 5200}``), from business data.
        period: ``"day"``, ``"week"`` or ``"month"`` (default).
        tz: The zone periods are counted in (default UTC).
    """

    __slots__ = ("_applications", "_contacts", "_key", "_period", "_tz")

    def __init__(
        self,
        applications: Mapping[str, int] | None = None,
        *,
        period: str = "month",
        tz: Any = None,
        strict: bool = True,
    ) -> None:
        super().__init__(strict=strict)
        self._period = resolve_period(period)
        self._tz = resolve_tz(tz)
        self._key = Keyer(self._period, self._tz)
        self._applications = (
            mapping(
                applications,
                field="applications",
                what="period to number of applications",
                example="{'2024-10': 5200}",
            )
            or {}
        )
        for key, n in self._applications.items():
            if not isinstance(key, str):
                raise InvalidArgument(
                    f"applications keys must be period keys such as '2024-10' (got {key!r}).",
                    field="applications",
                    value=key,
                )
            if isinstance(n, bool) or not isinstance(n, int) or n < 0:
                raise InvalidValue(
                    f"applications[{key!r}] must be a non-negative integer (got {n!r}).",
                    field=f"applications[{key!r}]",
                    value=n,
                )
        self._contacts: Counter[str] = Counter()

    def _add_view(self, view: TicketView) -> None:
        if view.created is not None:
            self._contacts[self._key(view.created)] += 1

    def _merge(self, other: ContactRate) -> None:
        self._contacts.update(other._contacts)

    def _config(self) -> tuple[Any, ...]:
        return (self._period, str(self._tz), sorted(self._applications.items()))

    def result(self) -> tuple[ContactRatePeriod, ...]:
        """Return contacts, applications and their ratio per period, in order."""
        out = []
        for key in sorted(set(self._contacts) | set(self._applications)):
            contacts = self._contacts.get(key, 0)
            apps = self._applications.get(key)
            out.append(
                ContactRatePeriod(
                    period=key,
                    contacts=contacts,
                    applications=apps,
                    rate=contacts / apps if apps else None,
                )
            )
        return tuple(out)


class SLAItem(Protocol):
    """One metric of an SLA report: what :func:`sla_attainment` reads."""

    @property
    def breached(self) -> bool | None:
        """Whether the target was missed (``None``: not due yet or not applicable)."""


class SLAReportLike(Protocol):
    """An SLA report as returned by ``supportkit.sla.PolicySet.evaluate``: indexable by metric."""

    def __getitem__(self, metric: str) -> Any:
        """Return the item for ``metric``."""


_SLA_METRICS: Final = ("first_response", "next_response", "resolution")


def _sla_items(report: Any, where: str) -> list[tuple[str, Any]]:
    if isinstance(report, Mapping):
        return list(report.items())
    items = getattr(report, "items", None)
    if callable(items):
        return list(items())
    if isinstance(report, (str, bytes, list, tuple)) or not hasattr(report, "__getitem__"):
        raise InvalidArgument(
            f"{where} must be an SLA report (from PolicySet.evaluate) or a mapping such as "
            f"{{'first_response': {{'breached': False}}}} (got {type(report).__name__} "
            f"{report!r:.60}).",
            field=where,
            value=report,
        )
    return [
        (name, item) for name in _SLA_METRICS if (item := _lookup(report, name, where)) is not None
    ]


def _lookup(report: Any, name: str, where: str) -> Any:
    try:
        return report[name]
    except LookupError:
        return None
    except TypeError as exc:  # indexable, but not by metric name
        raise InvalidArgument(
            f"{where} must be an SLA report indexable by metric name such as {name!r} "
            f"(got {type(report).__name__}).",
            field=where,
            value=report,
        ) from exc


_MISSING: Final = object()


def _check_flag(value: Any, where: str, name: str) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise InvalidValue(
            f"{where}.{name} must be True, False or None (got {value!r}).",
            field=f"{where}.{name}",
            value=value,
        )
    return value


def _met(item: Any, where: str) -> bool | None:
    """Whether an SLA item met its target: ``True``, ``False``, or ``None`` (undecided).

    ``attained`` is read when the item has it (supportkit.sla's ``MetricResult``:
    ``None`` while the clock runs or the ticket was solved first); otherwise
    ``breached`` (``None`` = not due yet).
    """
    if item is None:
        return None
    if isinstance(item, Mapping):
        if "attained" in item:
            return _check_flag(item["attained"], where, "attained")
        if "breached" not in item:
            raise InvalidValue(
                f"{where} has no 'breached' key (got {dict(item)!r}).", field=where, value=item
            )
        breached = _check_flag(item["breached"], where, "breached")
        return None if breached is None else not breached
    attained = getattr(item, "attained", _MISSING)
    if attained is not _MISSING:
        return _check_flag(attained, where, "attained")
    raw: Any = getattr(item, "breached", _MISSING)
    if raw is _MISSING:
        raise InvalidArgument(
            f"{where} must have a 'breached' (or 'attained') attribute (got {item!r}).",
            field=where,
            value=item,
        )
    flag = _check_flag(raw, where, "breached")
    return None if flag is None else not flag


_METRICS_EG: Final = "('first_response', 'resolution')"


class SLAAttainment:
    """Share of SLA targets met, from SLA reports (``PolicySet.evaluate``) or plain mappings.

    Each item counts as met or missed by its ``attained`` (``supportkit.sla``'s
    ``MetricResult``: ``None`` while the clock runs or when the ticket was solved before
    the target mattered) or, lacking that, by ``breached``. Undecided items (``None``)
    are not counted.

    Args:
        metrics: Only count these metrics (e.g. ``("first_response",)``); default all.
    """

    __slots__ = ("_counts", "_metrics", "_seen")

    def __init__(self, metrics: Iterable[str] | None = None) -> None:
        self._metrics = (
            None
            if metrics is None
            else tuple(
                sorted(
                    set(names(metrics, field="metrics", what="SLA metrics", example=_METRICS_EG))
                )
            )
        )
        self._counts: dict[str, list[int]] = {}
        self._seen = 0

    def add(self, report: Any) -> None:
        """Add one ticket's SLA report."""
        where = f"reports[{self._seen}]"
        self._seen += 1
        for name, item in _sla_items(report, where):
            if self._metrics is not None and name not in self._metrics:
                continue
            met = _met(item, f"{where}[{name!r}]")
            if met is None:
                continue
            pair = self._counts.setdefault(str(name), [0, 0])
            pair[0] += met
            pair[1] += 1

    def add_many(self, reports: Iterable[Any]) -> None:
        """Add many SLA reports."""
        for report in collection(
            reports,
            field="reports",
            what="SLA reports",
            example="[{'first_response': {'breached': False}}]",
        ):
            self.add(report)

    def merge(self, other: SLAAttainment) -> SLAAttainment:
        """Add another accumulator's counts; return ``self``."""
        if type(other) is not SLAAttainment or other._metrics != self._metrics:
            raise InvalidValue(
                f"cannot merge SLAAttainment with {other!r}: build both with the same metrics.",
                field="other",
                value=other,
            )
        for key, (met, total) in other._counts.items():
            pair = self._counts.setdefault(key, [0, 0])
            pair[0] += met
            pair[1] += total
        self._seen += other._seen
        return self

    def result(self) -> Rate:
        """Return targets met / targets due, over all counted metrics."""
        return rate(
            sum(p[0] for p in self._counts.values()), sum(p[1] for p in self._counts.values())
        )

    def by_metric(self) -> dict[str, Rate]:
        """Return the attainment per metric, sorted by metric name."""
        return {key: rate(*self._counts[key]) for key in sorted(self._counts)}

    def __getstate__(self) -> dict[str, Any]:
        return {"counts": self._counts, "metrics": self._metrics, "seen": self._seen}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._counts = state["counts"]
        self._metrics = state["metrics"]
        self._seen = state["seen"]

    def __repr__(self) -> str:
        return f"SLAAttainment({self.result()!r})"


def automation_rate(tickets: Any, *, strict: bool = True) -> Rate:
    """Return the share of tickets answered by a ``rule`` or a ``bot`` and no ``agent``.

    >>> automation_rate([
    ...     {"events": [{"at": "2024-10-07T09:00:00+03:00", "type": "reply", "by": "bot"}]},
    ...     {"events": [{"at": "2024-10-07T09:00:00+03:00", "type": "reply", "by": "agent"}]},
    ... ])
    Rate(50.0%, 1 of 2, 95% CI 9.5%–90.5%)
    """
    acc = AutomationRate(strict=strict)
    acc.add_many(tickets)
    return acc.result()


def contact_rate(contacts: int, applications: int) -> float:
    """Return "interactions per application": support contacts divided by applications.

    Raises:
        InvalidValue: ``applications`` is not positive or ``contacts`` is negative.

    >>> contact_rate(1250, 5000)
    0.25
    """
    for name, value in (("contacts", contacts), ("applications", applications)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidArgument(
                f"{name} must be an integer (got {value!r}).", field=name, value=value
            )
    if applications <= 0:
        raise InvalidValue(
            f"applications must be positive to compute contacts per application (got "
            f"{applications!r}).",
            field="applications",
            value=applications,
        )
    if contacts < 0:
        raise InvalidValue(
            f"contacts must not be negative (got {contacts!r}).", field="contacts", value=contacts
        )
    return contacts / applications


def contact_rates(
    tickets: Any,
    applications: Mapping[str, int],
    *,
    period: str = "month",
    tz: Any = None,
    strict: bool = True,
) -> tuple[ContactRatePeriod, ...]:
    """Return contacts per application for each period (see :class:`ContactRate`)."""
    acc = ContactRate(applications, period=period, tz=tz, strict=strict)
    acc.add_many(tickets)
    return acc.result()


def response_times(
    tickets: Any,
    *,
    calendar: Any = None,
    by: Iterable[str] = ("agent",),
    sketch: float | None = None,
    strict: bool = True,
) -> Distribution:
    """Return the distribution of first-response times (see :class:`ResponseTimes`)."""
    acc = ResponseTimes(calendar, by=by, sketch=sketch, strict=strict)
    acc.add_many(tickets)
    return acc.result()


def resolution_times(
    tickets: Any, *, calendar: Any = None, sketch: float | None = None, strict: bool = True
) -> Distribution:
    """Return the distribution of resolution times (see :class:`ResolutionTimes`)."""
    acc = ResolutionTimes(calendar, sketch=sketch, strict=strict)
    acc.add_many(tickets)
    return acc.result()


def reopen_rate(tickets: Any, *, strict: bool = True) -> Rate:
    """Return the share of resolved tickets that were reopened."""
    acc = ReopenRate(strict=strict)
    acc.add_many(tickets)
    return acc.result()


def one_touch_rate(tickets: Any, *, strict: bool = True) -> Rate:
    """Return the share of agent-resolved tickets resolved with a single agent reply."""
    acc = OneTouchRate(strict=strict)
    acc.add_many(tickets)
    return acc.result()


def sla_attainment(reports: Iterable[Any], *, metrics: Iterable[str] | None = None) -> Rate:
    """Return the share of SLA targets met.

    Args:
        reports: SLA reports from ``supportkit.sla.PolicySet.evaluate`` (indexable by
            metric name, each item with ``.breached``), or mappings such as
            ``{"first_response": {"breached": False}, "resolution": {"breached": True}}``.
        metrics: Only count these metrics.

    >>> sla_attainment([{"first_response": {"breached": False}},
    ...                 {"first_response": {"breached": True}, "resolution": {"breached": None}}])
    Rate(50.0%, 1 of 2, 95% CI 9.5%–90.5%)
    """
    acc = SLAAttainment(metrics)
    acc.add_many(reports)
    return acc.result()


def backlog(
    tickets: Any, *, period: str = "week", tz: Any = None, k: int = 3, strict: bool = True
) -> BacklogTrend:
    """Return the backlog per period and whether it is snowballing (see :class:`Backlog`)."""
    acc = Backlog(period=period, tz=tz, k=k, strict=strict)
    acc.add_many(tickets)
    return acc.result()
