"""The weekly support report: every metric in one streaming pass, mergeable for Dask."""

from __future__ import annotations

import datetime as _dt
import json
import math
from collections.abc import Mapping
from typing import Any, Final

import attrs

from supportkit.exceptions import InvalidValue
from supportkit.metrics import _render
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
from supportkit.metrics._periods import Keyer, period_start, resolve_tz
from supportkit.metrics._records import TicketView
from supportkit.metrics._reportdata import FORMATS, HISTOGRAM_BINS, ReportData, WeekRow
from supportkit.metrics._satisfaction import CSAT, MeanScore
from supportkit.metrics._trends import CategoryMap, TopCategories

__all__ = ["FORMATS", "HISTOGRAM_BINS", "Report", "WeekRow", "WeeklyReport", "weekly_report"]


@attrs.frozen(repr=False)
class Report(ReportData):
    """The weekly report: what :func:`weekly_report` and ``supportkit report`` produce.

    Render it with :meth:`render` (``"text"``, ``"json"``, ``"markdown"``, ``"html"``).
    """

    def render(self, format: str = "text") -> str:
        """Return the report as ``"text"``, ``"json"``, ``"markdown"`` or ``"html"``."""
        if format == "json":
            return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"
        if format == "text":
            return _render.text(self)
        if format == "markdown":
            return _render.markdown(self)
        if format == "html":
            return _render.html(self)
        raise InvalidValue(
            f"format must be one of {list(FORMATS)} (got {format!r}).", field="format", value=format
        )

    def __str__(self) -> str:
        return self.render("text")


_UNDATED: Final = ""


class WeeklyReport(TicketAccumulator):
    """Build the weekly :class:`Report` in one streaming pass; merge partial reports exactly.

    Args:
        calendar: Working-time calendar for response and resolution times (anything
            with ``between(start, end)``, e.g. :class:`supportkit.sla.WorkCalendar`);
            ``None`` for calendar time.
        tz: The zone weeks are counted in (default UTC).
        n: Top categories per week.
        k: Consecutive growing weeks that make a backlog snowball.
        sketch: ``None`` for exact percentiles, or a relative error (``0.01``) for a
            bounded-memory sketch.
        categories: A :class:`CategoryMap` for standardising tags across countries.
        scale: The CSAT scale; ``"auto"`` (default) reads labels on the 3-point scale
            and numbers on the 5-point scale. Ratings that fit neither are skipped.
    """

    __slots__ = (
        "_automation",
        "_backlog",
        "_calendar",
        "_first",
        "_key",
        "_last",
        "_mean",
        "_one_touch",
        "_options",
        "_reopen",
        "_resolution",
        "_scale",
        "_sketch",
        "_top",
        "_tz",
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
    ) -> None:
        super().__init__(strict=strict)
        self._tz = resolve_tz(tz)
        self._calendar = calendar
        self._sketch = sketch
        self._scale = scale
        self._automation = AutomationRate(strict=strict)
        self._reopen = ReopenRate(strict=strict)
        self._one_touch = OneTouchRate(strict=strict)
        self._resolution = ResolutionTimes(calendar, sketch=sketch, strict=strict)
        self._backlog = Backlog(period="week", tz=self._tz, k=k, strict=strict)
        self._top = TopCategories(
            n, period="week", tz=self._tz, categories=categories, strict=strict
        )
        self._mean = MeanScore("5", unknown="skip")
        self._weeks: dict[str, tuple[list[int], CSAT, ResponseTimes]] = {}
        self._key = Keyer("week", self._tz)
        # First and last creation instants, as POSIX timestamps (cheap to compare).
        self._first = math.inf
        self._last = -math.inf
        self._options = (str(self._tz), n, k, sketch, self._top._config(), repr(scale))
        self._week(_UNDATED)  # validates the scale and the sketch once

    def _week(self, key: str) -> tuple[list[int], CSAT, ResponseTimes]:
        week = self._weeks.get(key)
        if week is None:
            week = self._weeks[key] = (
                [0],
                CSAT(self._scale, unknown="skip"),
                ResponseTimes(self._calendar, sketch=self._sketch, strict=self.strict),
            )
        return week

    def _add_view(self, view: TicketView) -> None:
        # The body of AutomationRate, ReopenRate, OneTouchRate, ResponseTimes,
        # ResolutionTimes, Backlog and TopCategories ``_add_view``, inlined: this is the
        # inner loop of `supportkit report` (tests check it agrees with each metric).
        created = view.created
        facts = view
        first = facts.first_reply
        resolved = facts.resolved_at
        channel = view.channel or "unknown"
        auto = self._automation._counts
        pair = auto.get(channel)
        if pair is None:
            pair = auto[channel] = [0, 0]
        if "agent" not in first and ("bot" in first or "rule" in first):
            pair[0] += 1
        pair[1] += 1
        if facts.ever_resolved:
            reopen = self._reopen
            reopen._count += 1
            if facts.reopened:
                reopen._reopened += 1
        agents = facts.agent_replies
        if resolved is not None and agents:
            touch = self._one_touch
            touch._count += 1
            if agents == 1:
                touch._one += 1
        if created is None:
            count, csat, response = self._week(_UNDATED)
            response.skipped += 1
            self._resolution.skipped += 1
        else:
            stamp = created.timestamp()
            if stamp < self._first:  # noqa: PLR1730 - a compare is cheaper than min()
                self._first = stamp
            if stamp > self._last:  # noqa: PLR1730
                self._last = stamp
            key = self._key._cache.get(stamp // 900) or self._key(created)
            count, csat, response = self._weeks.get(key) or self._week(key)
            calendar = self._calendar
            reply = first.get("agent")
            if reply is None:
                response.skipped += 1
            elif calendar is None:
                seconds = (reply - created).total_seconds()
                store = response._store
                # ExactStore.add inlined for the common case (checks negatives/NaN).
                if seconds >= 0 and type(store) is ExactStore:
                    store.values.append(seconds)
                else:
                    store.add(seconds)
            else:
                response._store.add(calendar.between(created, reply).total_seconds())
            resolution = self._resolution
            backlog = self._backlog
            arrived = backlog._arrived
            arrived[key] = arrived.get(key, 0) + 1
            if resolved is None:
                resolution.skipped += 1
            else:
                if calendar is None:
                    seconds = (resolved - created).total_seconds()
                    store = resolution._store
                    if seconds >= 0 and type(store) is ExactStore:
                        store.values.append(seconds)
                    else:
                        store.add(seconds)
                else:
                    resolution._store.add(calendar.between(created, resolved).total_seconds())
                closed = backlog._closed
                # The backlog counts ISO weeks in the same zone, so the report's own
                # keyer (and its cache, warm from the creation times) gives its keys.
                keyer = self._key
                done = keyer._cache.get(resolved.timestamp() // 900) or keyer(resolved)
                closed[done] = closed.get(done, 0) + 1
            self._top._add_keyed(view, key)
        count[0] += 1
        rating = view.rating
        if rating is not None:
            csat.add(rating)
            if type(rating) is int or type(rating) is float:
                self._mean.add(rating)

    def _merge(self, other: WeeklyReport) -> None:
        for key, (count, csat, response) in other._weeks.items():
            mine = self._week(key)
            mine[0][0] += count[0]
            mine[1].merge(csat)
            mine[2].merge(response)
        self._automation.merge(other._automation)
        self._reopen.merge(other._reopen)
        self._one_touch.merge(other._one_touch)
        self._resolution.merge(other._resolution)
        self._backlog.merge(other._backlog)
        self._top.merge(other._top)
        self._mean.merge(other._mean)
        self._first = min(self._first, other._first)
        self._last = max(self._last, other._last)

    def _config(self) -> tuple[Any, ...]:
        return self._options

    def _day(self, stamp: float) -> _dt.date | None:
        if not math.isfinite(stamp):
            return None
        return _dt.datetime.fromtimestamp(stamp, self._tz).date()

    def result(self) -> Report:
        """Return the report for everything added so far."""
        csat_all = CSAT(self._scale, unknown="skip")
        response_all = ResponseTimes(self._calendar, sketch=self._sketch, strict=self.strict)
        rows = []
        total = 0
        for key in sorted(self._weeks):
            count, csat, response = self._weeks[key]
            total += count[0]
            csat_all.merge(csat)
            response_all.merge(response)
            if key != _UNDATED:
                rows.append(
                    WeekRow(
                        week=key,
                        start=period_start(key),
                        tickets=count[0],
                        csat=csat.result(),
                        response=response.result(),
                    )
                )
        edges, labels = HISTOGRAM_BINS
        histogram = (
            response_all.histogram(edges) if response_all.result().count else [0] * len(labels)
        )
        return Report(
            tickets=total,
            first_day=self._day(self._first),
            last_day=self._day(self._last),
            working_time=self._calendar is not None,
            tz=str(self._tz),
            weeks=tuple(rows),
            csat=csat_all.result(),
            mean_rating=self._mean.result(),
            automation=self._automation.result(),
            automation_by_channel=self._automation.by_channel(),
            response=response_all.result(),
            resolution=self._resolution.result(),
            reopen=self._reopen.result(),
            one_touch=self._one_touch.result(),
            backlog=self._backlog.result(),
            top=tuple(self._top.result()),
            response_histogram=tuple(zip(labels, histogram, strict=True)),
            unanswered=response_all.skipped,
            unresolved=self._resolution.skipped,
        )

    def __repr__(self) -> str:
        return f"WeeklyReport({sum(w[0][0] for w in self._weeks.values())} tickets)"


def weekly_report(
    tickets: Any,
    *,
    calendar: Any = None,
    tz: Any = None,
    n: int = 5,
    k: int = 3,
    sketch: float | None = None,
    categories: CategoryMap | Mapping[str, str] | None = None,
    scale: Any = "auto",
    strict: bool = True,
) -> Report:
    """Return the weekly :class:`Report` of ``tickets`` (an iterable, or a pandas DataFrame).

    Options as for :class:`WeeklyReport`.
    """
    acc = WeeklyReport(
        calendar=calendar,
        tz=tz,
        n=n,
        k=k,
        sketch=sketch,
        categories=categories,
        scale=scale,
        strict=strict,
    )
    acc.add_many(tickets)
    return acc.result()
