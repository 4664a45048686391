"""The weekly support report: every metric in one streaming pass, mergeable for Dask."""

from __future__ import annotations

import datetime as _dt
import inspect
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, Final

from supportkit._time import to_aware
from supportkit.exceptions import InvalidArgument, InvalidValue
from supportkit.metrics._base import TicketAccumulator
from supportkit.metrics._operations import (
    AutomationRate,
    Backlog,
    OneTouchRate,
    ReopenRate,
    ResolutionTimes,
    ResponseTimes,
)
from supportkit.metrics._percentiles import ExactStore
from supportkit.metrics._periods import Keyer, resolve_tz
from supportkit.metrics._records import TicketView, rows_of, view_of
from supportkit.metrics._report import Report
from supportkit.metrics._reportdata import HISTOGRAM_BINS
from supportkit.metrics._satisfaction import CSAT
from supportkit.metrics._sections import (
    SLAWeeks,
    full_week_trend,
    on_duty,
    partial_weeks,
    section_options,
    staffing,
)
from supportkit.metrics._trends import CategoryMap, TopCategories
from supportkit.metrics._weekrows import add_many
from supportkit.metrics._weektally import UNDATED as _UNDATED
from supportkit.metrics._weektally import Week, summarise, week_rows

__all__ = ["SAMPLE", "WeeklyReport", "weekly_report"]

#: With ``tz=None`` the weeks are cut at the most common UTC offset of the first
#: ``SAMPLE`` dated tickets' ``created_at`` (held back until then, then counted).
SAMPLE: Final = 1000


class WeeklyReport(TicketAccumulator):
    """Build the weekly :class:`Report` in one streaming pass; merge partial reports exactly.

    Args:
        calendar: Working-time calendar for response and resolution times (anything
            with ``between(start, end)``, e.g. :class:`supportkit.sla.WorkCalendar`);
            ``None`` for calendar time.
        tz: The zone weeks are counted in. ``None`` (default): the zone of the data,
            the most common UTC offset of the tickets' ``created_at`` (of the first
            :data:`SAMPLE` dated ones; the report's ``tz_source`` is then ``"data"``).
        n: Top categories per week.
        k: Consecutive growing weeks that make a backlog snowball.
        sketch: ``None`` for exact percentiles, or a relative error (``0.01``) for a
            bounded-memory sketch.
        categories: A :class:`CategoryMap` for standardising tags across countries.
        scale: The CSAT scale; ``"auto"`` (default) reads labels on the 3-point scale
            and numbers on the 5-point scale. Ratings that fit neither are skipped.
        policies: A :class:`supportkit.sla.PolicySet`: adds SLA attainment per policy,
            target and week (achieved / breached / still running).
        now: The instant open SLA clocks are judged at (default: the latest instant
            of the data).
        crews: ``{name: supportkit.sla.Crew}``: adds the agents on duty per weekday
            and hour beside the arrivals, and the agents scheduled per hour.
        aht: Average handling time (``timedelta`` or seconds): adds the agents
            Erlang C needs per hour of a mean day, with ``answer_within`` (default
            100 s) and ``service_level`` (default 0.8).
        sla_goal: The share of clocks each SLA target should attain (the target
            line of the attainment charts; default 0.9).
        funnel: A :class:`supportkit.onboarding.Funnel` to show with the report.
    """

    __slots__ = (
        "_automation",
        "_backlog",
        "_basis",
        "_calendar",
        "_cells",
        "_crews",
        "_first",
        "_funnel",
        "_goal",
        "_key",
        "_last",
        "_one_touch",
        "_options",
        "_pending",
        "_reopen",
        "_resolution",
        "_scale",
        "_sketch",
        "_sla",
        "_slots",
        "_top_options",
        "_tz",
        "_tz_source",
        "_weeks",
    )

    def __init__(
        self,
        *,
        calendar: Any = None,
        tz: Any = None,
        n: int = 5,
        k: int = 3,
        sketch: float | None = None,
        categories: CategoryMap | Mapping[str, str] | None = None,
        scale: Any = "auto",
        strict: bool = True,
        policies: Any = None,
        now: Any = None,
        crews: Mapping[str, Any] | None = None,
        aht: Any = None,
        answer_within: Any = 100,
        service_level: float = 0.8,
        sla_goal: float = 0.9,
        funnel: Any = None,
    ) -> None:
        super().__init__(strict=strict)
        self._tz: _dt.tzinfo | None = None if tz is None else resolve_tz(tz)
        self._tz_source = "default" if tz is None else "option"
        self._sla = (
            None
            if policies is None
            else SLAWeeks(policies, None if now is None else to_aware(now, field="now"))
        )
        self._crews, self._basis, self._goal, self._funnel = section_options(
            crews, aht, answer_within, service_level, sla_goal, funnel
        )
        self._cells = [0] * (7 * 24)
        self._slots: dict[float, tuple[str, int]] = {}
        self._calendar = calendar
        self._sketch = sketch
        self._scale = scale
        self._automation = AutomationRate(strict=strict)
        self._reopen = ReopenRate(strict=strict)
        self._one_touch = OneTouchRate(strict=strict)
        self._resolution = ResolutionTimes(calendar, sketch=sketch, strict=strict)
        self._top_options = (n, categories, k)
        self._pending: list[tuple[TicketView, Any]] | None = [] if tz is None else None
        self._bind(self._tz or _dt.timezone.utc)
        self._weeks: dict[str, Week] = {}
        # First and last creation instants, as POSIX timestamps (cheap to compare).
        self._first = math.inf
        self._last = -math.inf
        top = self._new_top(_dt.timezone.utc)._config()
        self._options = (
            repr(tz),
            n,
            k,
            sketch,
            top[:2] + top[3:],  # the zone is compared in _merge (it may come from the data)
            repr(scale),
            None if self._sla is None else repr(self._sla.policies),
            self._basis,
        )
        CSAT(scale, unknown="skip")  # validates the scale once
        self._week(_UNDATED)  # validates the sketch once

    def _new_top(self, tz: _dt.tzinfo) -> TopCategories:
        n, categories, _ = self._top_options
        return TopCategories(n, period="week", tz=tz, categories=categories, strict=self.strict)

    def _bind(self, tz: _dt.tzinfo) -> Keyer:
        """Count weeks (backlog, top categories, arrivals) in ``tz`` from now on."""
        self._backlog = Backlog(period="week", tz=tz, k=self._top_options[2], strict=self.strict)
        self._key = Keyer("week", tz)
        self._slots = {}
        return self._key

    def _hold(self, view: TicketView, raw: Any) -> None:
        """Keep a dated ticket back until the zone of the data is known."""
        assert self._pending is not None
        self._pending.append((view, raw))
        if len(self._pending) >= SAMPLE:
            self._settle()

    def _settle(self) -> None:
        """Cut weeks at the most common offset of the held tickets, then count them."""
        pending = self._pending
        if pending is None:
            return
        self._pending = None
        if not pending:
            return
        offsets = Counter(view.created.utcoffset() for view, _ in pending)  # type: ignore[union-attr]
        offset = offsets.most_common(1)[0][0] or _dt.timedelta(0)
        self._tz = _dt.timezone(offset) if offset else _dt.timezone.utc
        self._tz_source = "data"
        self._bind(self._tz)
        for view, raw in pending:
            self._add_view(view)
            if raw is not None:
                self._add_sla(raw, view)

    def _slot(self, created: _dt.datetime, slot: float) -> tuple[str, int]:
        """The week key and the heat-map cell (weekday × hour) of ``created``."""
        key = self._key(created)
        local = created.astimezone(self._key.tz)
        found = (key, local.weekday() * 24 + local.hour)
        offset = local.utcoffset()
        if offset is not None and offset.total_seconds() % 900 == 0:  # see Keyer
            self._slots[slot] = found
        return found

    def _week(self, key: str) -> Week:
        week = self._weeks.get(key)
        if week is None:
            week = self._weeks[key] = Week(
                ResponseTimes(self._calendar, sketch=self._sketch, strict=self.strict)
            )
        return week

    def _add_view(self, view: TicketView) -> None:
        # The body of AutomationRate, ReopenRate, OneTouchRate, ResponseTimes,
        # ResolutionTimes, Backlog and TopCategories ``_add_view``, inlined: this is the
        # inner loop of `supportkit report` (tests check it agrees with each metric).
        created = view.created
        if self._pending is not None and created is not None:
            self._hold(view, None)
            return
        first = view.first_reply
        resolved = view.resolved_at
        channel = view.channel or "unknown"
        auto = self._automation._counts
        pair = auto.get(channel)
        if pair is None:
            pair = auto[channel] = [0, 0]
        if "agent" not in first and ("bot" in first or "rule" in first):
            pair[0] += 1
        pair[1] += 1
        if view.ever_resolved:
            reopen = self._reopen
            reopen._count += 1
            if view.reopened:
                reopen._reopened += 1
        agents = view.agent_replies
        if resolved is not None and agents:
            touch = self._one_touch
            touch._count += 1
            if agents == 1:
                touch._one += 1
        if created is None:
            week = self._week(_UNDATED)
            week.response.skipped += 1
            self._resolution.skipped += 1
        else:
            stamp = created.timestamp()
            if stamp < self._first:  # noqa: PLR1730 - a compare is cheaper than min()
                self._first = stamp
            if stamp > self._last:  # noqa: PLR1730
                self._last = stamp
            slot = stamp // 900
            key, cell = self._slots.get(slot) or self._slot(created, slot)
            self._cells[cell] += 1
            week = self._weeks.get(key) or self._week(key)
            calendar = self._calendar
            reply = first.get("agent")
            if reply is None:
                week.response.skipped += 1
            elif calendar is None:
                seconds = (reply - created).total_seconds()
                store = week.response._store
                # ExactStore.add inlined for the common case (checks negatives/NaN).
                if seconds >= 0 and type(store) is ExactStore:
                    store.values.append(seconds)
                else:
                    store.add(seconds)
            else:
                week.response._store.add(calendar.between(created, reply).total_seconds())
            if resolved is None:
                self._resolution.skipped += 1
            else:
                if calendar is None:
                    seconds = (resolved - created).total_seconds()
                    store = self._resolution._store
                    if seconds >= 0 and type(store) is ExactStore:
                        store.values.append(seconds)
                    else:
                        store.add(seconds)
                    # Whole seconds on both ends: the sum is exact, no second timestamp().
                    done_at = (
                        resolved.timestamp()
                        if created.microsecond or resolved.microsecond
                        else stamp + seconds
                    )
                else:
                    store = self._resolution._store
                    store.add(calendar.between(created, resolved).total_seconds())
                    done_at = resolved.timestamp()
                # The backlog counts ISO weeks in the same zone, so the report's own
                # keyer (and its cache, warm from the creation times) gives its keys.
                keyer = self._key
                done = keyer._cache.get(done_at // 900) or keyer(resolved)
                closed = self._backlog._closed
                closed[done] = closed.get(done, 0) + 1
            tags = view.tags
            if tags:  # TopCategories, counted per (country, tags) and mapped in result()
                fields = view.fields
                country = fields.get("country") if fields else None
                if country is not None and not isinstance(country, str):
                    country = None
                combos = week.combos
                combo = (country, tags)
                combos[combo] = combos.get(combo, 0) + 1
        week.count += 1
        rating = view.rating
        if rating is not None:  # CSAT and the mean rating, counted per value
            ratings = week.ratings
            ratings[rating] = ratings.get(rating, 0) + 1

    def _merge(self, other: WeeklyReport) -> None:
        self._settle()
        other._settle()
        if self._tz is None and other._tz is not None:
            self._tz, self._tz_source = other._tz, other._tz_source
            self._bind(self._tz)
        elif other._tz is not None and other._tz != self._tz:
            raise InvalidValue(
                f"cannot merge a report counted in {other._tz} into one counted in "
                f"{self._tz}: the parts' data have different UTC offsets; pass tz= to both.",
                field="other",
                value=other,
            )
        if other._tz is not None:  # an unbound part has no dated tickets to merge
            self._backlog.merge(other._backlog)
        self._cells = [a + b for a, b in zip(self._cells, other._cells, strict=True)]
        if self._sla is not None and other._sla is not None:
            self._sla.merge(other._sla)
        for key, week in other._weeks.items():
            self._week(key).merge(week)
        self._automation.merge(other._automation)
        self._reopen.merge(other._reopen)
        self._one_touch.merge(other._one_touch)
        self._resolution.merge(other._resolution)
        self._first = min(self._first, other._first)
        self._last = max(self._last, other._last)

    def _config(self) -> tuple[Any, ...]:
        return self._options

    def _day(self, stamp: float) -> _dt.date | None:
        if not math.isfinite(stamp):
            return None
        return _dt.datetime.fromtimestamp(stamp, self._tz or _dt.timezone.utc).date()

    def add(self, ticket: Any) -> None:
        """Add one ticket (a :class:`~supportkit.Ticket`, a mapping, or a str)."""
        view = view_of(ticket, strict=self.strict)
        if self._pending is not None and view.created is not None:
            self._hold(view, ticket if self._sla is not None else None)
            return
        self._add_view(view)
        if self._sla is not None:
            self._add_sla(ticket, view)

    def add_many(self, tickets: Any) -> None:
        """Add many tickets: any iterable of tickets, or a pandas DataFrame of rows."""
        if self._sla is None:
            add_many(self, tickets)
            return
        for i, value in enumerate(rows_of(tickets)):
            view = view_of(value, index=i, strict=self.strict)
            if self._pending is not None and view.created is not None:
                self._hold(view, value)
                continue
            self._add_view(view)
            self._add_sla(value, view)

    def _holding(self) -> bool:
        """Whether dated tickets are still held back (the zone of the data not yet known)."""
        return self._pending is not None

    def add_views(self, views: Iterable[TicketView]) -> None:
        """Add tickets already read into views (the fast JSON Lines reader's output)."""
        if self._sla is not None:
            raise InvalidArgument(
                "a report with SLA policies needs the tickets themselves: use add_many().",
                field="views",
                value=None,
            )
        add = self._add_view
        for view in views:
            add(view)

    def _add_sla(self, ticket: Any, view: TicketView) -> None:
        assert self._sla is not None
        week = None if view.created is None else self._key(view.created)
        self._sla.add(ticket, week, strict=self.strict)

    def result(self) -> Report:
        """Return the report for everything added so far."""
        self._settle()
        tz = self._tz or _dt.timezone.utc
        backlog = Backlog(period="week", tz=tz, k=self._top_options[2], strict=self.strict)
        backlog.merge(self._backlog)  # the closures; the arrivals are the weeks' tickets
        summary = summarise(
            self._weeks,
            scale=self._scale,
            top=self._new_top(tz),
            backlog=backlog,
            response=ResponseTimes(self._calendar, sketch=self._sketch, strict=self.strict),
        )
        response_all, trend = summary.response, summary.backlog
        first_day, last_day = self._day(self._first), self._day(self._last)
        keys = {*self._weeks, *(p.period for p in trend.periods)} - {_UNDATED}
        partial = partial_weeks(keys, first_day, last_day)
        edges, labels = HISTOGRAM_BINS
        histogram = (
            response_all.histogram(edges) if response_all.result().count else [0] * len(labels)
        )
        arrivals = tuple(tuple(self._cells[d * 24 : d * 24 + 24]) for d in range(7))
        days = 0 if first_day is None or last_day is None else (last_day - first_day).days + 1
        duty: tuple[tuple[float, ...], ...] = ()
        if self._crews is not None and first_day is not None and last_day is not None:
            monday = first_day - _dt.timedelta(days=first_day.weekday())
            start = _dt.datetime(monday.year, monday.month, monday.day, tzinfo=tz)
            duty = on_duty(self._crews, start, (last_day - monday).days // 7 + 1)
        hours = () if self._basis is None else staffing(arrivals, days, duty, self._basis)
        name, funnel = self._funnel or ("", ())
        return Report(
            tickets=summary.tickets,
            first_day=first_day,
            last_day=last_day,
            working_time=self._calendar is not None,
            tz=str(tz),
            weeks=week_rows(self._weeks, summary, partial),
            csat=summary.csat,
            mean_rating=summary.mean_rating,
            automation=self._automation.result(),
            automation_by_channel=self._automation.by_channel(),
            response=response_all.result(),
            resolution=self._resolution.result(),
            reopen=self._reopen.result(),
            one_touch=self._one_touch.result(),
            backlog=trend,
            top=tuple(summary.top),
            response_histogram=tuple(zip(labels, histogram, strict=True)),
            unanswered=response_all.skipped,
            unresolved=self._resolution.skipped,
            tz_source=self._tz_source,
            partial_weeks=tuple(sorted(partial)),
            sla_goal=self._goal,
            trend=full_week_trend(trend, partial),
            as_of=None
            if self._sla is None or self._sla.as_of is None
            else self._sla.as_of.astimezone(tz),
            sla=() if self._sla is None else self._sla.result(),
            arrivals=arrivals,
            days=days,
            on_duty=duty,
            staffing=hours,
            staffing_basis=self._basis,
            funnel=funnel,
            funnel_name=name,
        )

    def __repr__(self) -> str:
        return f"WeeklyReport({sum(w.count for w in self._weeks.values())} tickets)"


def weekly_report(tickets: Any, **options: Any) -> Report:
    """Return the weekly :class:`Report` of ``tickets`` (an iterable, or a pandas DataFrame).

    Options as for :class:`WeeklyReport`.
    """
    acc = WeeklyReport(**options)
    acc.add_many(tickets)
    return acc.result()


# The options are WeeklyReport's, so help() and inspect show them here too.
weekly_report.__signature__ = inspect.signature(WeeklyReport).replace(  # type: ignore[attr-defined]
    parameters=[
        inspect.Parameter("tickets", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation="Any"),
        *inspect.signature(WeeklyReport).parameters.values(),
    ],
    return_annotation="Report",
)
