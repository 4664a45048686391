"""Working calendars, SLA policies and onboarding journeys for property tests.

Each shrinks toward the office everybody knows: Monday to Friday, 09:00-17:00 in
UTC, no holidays; a one-hour first-response target; the shortest walk of a flow.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any, Final

from hypothesis import strategies as st

from supportkit.exceptions import InvalidArgument
from supportkit.testing._datetimes import aware_datetimes, zones

__all__ = ["CALENDAR_KINDS", "journeys", "policies", "work_calendars"]

#: The kinds of calendar :func:`work_calendars` draws, simplest first.
CALENDAR_KINDS: Final = ("weekly", "overnight", "rotation", "always")

_DAYS: Final = ("mon-fri", "mon-sat", "mon-sun", "tue-sat", "sun-thu")
_PATTERNS: Final = ("2/2", "5/2", "1/3", "3/3")
_METRICS: Final = ("first_response", "next_response", "resolution")
_FIRST: Final = _dt.date(2024, 1, 1)


def _clock(hour: int, minute: int = 0) -> str:
    return f"{hour:02d}:{minute:02d}"


@st.composite
def _day_hours(draw: st.DrawFn) -> str:
    # Shrinks to 09:00-17:00: opening 9 + k, closing opening + 8 - k hours.
    opens = draw(st.sampled_from((9, 8, 10, 7, 11, 12, 6)))
    length = draw(st.sampled_from((8, 9, 4, 10, 12, 6, 1)))
    minute = draw(st.sampled_from((0, 30)))
    closes = min(opens + length, 23)
    return f"{_clock(opens, minute)}-{_clock(closes, minute)}"


def work_calendars(
    *,
    kinds: Sequence[str] = CALENDAR_KINDS,
    timezones: st.SearchStrategy[_dt.tzinfo] | None = None,
    holidays: bool = True,
) -> st.SearchStrategy[Any]:
    """Draw a :class:`supportkit.sla.WorkCalendar`, shrinking toward Mon-Fri 09:00-17:00 UTC.

    Args:
        kinds: Any of ``"weekly"`` (office hours, sometimes a short Saturday),
            ``"overnight"`` (a night shift past midnight, ``"20:00-08:00"``),
            ``"rotation"`` (``2/2``, ``5/2``, ``1/3``, ``3/3`` shifts from an anchor date)
            and ``"always"`` (24/7).
        timezones: A strategy for the calendar's zone; :func:`zones` (UTC first) by default.
        holidays: Sometimes follow the Russian production calendar
            (:func:`supportkit.sla.russia`: holidays, transferred days, shortened
            days). It covers 2019-2027, so such a calendar raises
            :class:`~supportkit.exceptions.CalendarDataMissing` outside those years;
            :func:`aware_datetimes` stays within 2020-2026 by default.

    Raises:
        InvalidArgument: an unknown or empty ``kinds``.
    """
    if isinstance(kinds, str) or not kinds:
        raise InvalidArgument(
            f"kinds must be a non-empty list drawn from {list(CALENDAR_KINDS)} (got {kinds!r}).",
            field="kinds",
            value=kinds,
        )
    for kind in kinds:
        if kind not in CALENDAR_KINDS:
            raise InvalidArgument(
                f"kinds has {kind!r}, which is not one of {list(CALENDAR_KINDS)}.",
                field="kinds",
                value=kind,
            )
    tz_strategy = zones() if timezones is None else timezones
    chosen = tuple(kinds)

    @st.composite
    def _draw(draw: st.DrawFn) -> Any:
        from supportkit.sla import WorkCalendar, russia

        # Shared draws first, so that no kind is "shorter" to Hypothesis's shrinker
        # than weekly office hours, the example everything shrinks to.
        tz = draw(tz_strategy)
        days = draw(st.sampled_from(_DAYS))
        hours = {days: draw(_day_hours())}
        saturday = draw(st.booleans())
        off = draw(st.sampled_from((None, russia()))) if holidays else None
        kind = draw(st.sampled_from(chosen))
        if kind == "weekly":
            if saturday and days in ("mon-fri", "sun-thu"):
                hours["sat"] = "10:00-14:00"
            return WorkCalendar.weekly(tz, hours, holidays=off)
        if kind == "overnight":
            opens = draw(st.sampled_from((20, 22, 18, 21)))
            closes = draw(st.sampled_from((8, 6, 9, 2)))
            night = {days: f"{_clock(opens)}-{_clock(closes)}"}
            return WorkCalendar.weekly(tz, night, holidays=off)
        if kind == "rotation":
            return WorkCalendar.rotation(
                tz,
                draw(st.sampled_from(_PATTERNS)),
                draw(st.sampled_from(("08:00-20:00", "09:00-21:00", "20:00-08:00"))),
                anchor=draw(st.dates(_FIRST, _FIRST + _dt.timedelta(days=30))),
                holidays=off,
            )
        return WorkCalendar.always(tz)

    return _draw()


def policies(
    *,
    calendars: st.SearchStrategy[Any] | None = None,
    metrics: Sequence[str] = _METRICS,
) -> st.SearchStrategy[Any]:
    """Draw a :class:`supportkit.sla.SLAPolicy`, shrinking toward a one-hour first response.

    Args:
        calendars: A strategy for the policy's calendar; by default sometimes plain
            24/7 time (``None``), sometimes :func:`work_calendars`.
        metrics: The metrics a policy may set targets for (at least one is set).

    Raises:
        InvalidArgument: an unknown or empty ``metrics``.
    """
    if isinstance(metrics, str) or not metrics:
        raise InvalidArgument(
            f"metrics must be a non-empty list drawn from {list(_METRICS)} (got {metrics!r}).",
            field="metrics",
            value=metrics,
        )
    for metric in metrics:
        if metric not in _METRICS:
            raise InvalidArgument(
                f"metrics has {metric!r}, which is not one of {list(_METRICS)}.",
                field="metrics",
                value=metric,
            )
    clocks: st.SearchStrategy[Any] = (
        st.one_of(st.none(), work_calendars()) if calendars is None else calendars
    )
    names = tuple(metrics)

    @st.composite
    def _draw(draw: st.DrawFn) -> Any:
        from supportkit.sla import SLAPolicy

        chosen = draw(st.lists(st.sampled_from(names), min_size=1, unique=True))
        targets = {
            metric: _dt.timedelta(minutes=draw(st.sampled_from((60, 15, 30, 120, 240, 480, 1440))))
            for metric in chosen
        }
        responders = draw(st.sampled_from((("agent",), ("agent", "bot"), ("agent", "bot", "rule"))))
        return SLAPolicy(
            draw(st.sampled_from(("standard", "vip", "night", "email"))),
            targets,
            draw(clocks),
            responders=responders,
        )

    return _draw()


def journeys(
    flow: Any,
    *,
    min_steps: int = 0,
    max_steps: int = 12,
    start: st.SearchStrategy[_dt.datetime] | None = None,
    max_gap: _dt.timedelta = _dt.timedelta(days=2),
) -> st.SearchStrategy[Any]:
    """Draw a :class:`supportkit.onboarding.Journey` made by firing allowed events of ``flow``.

    Each step waits a little, then fires one of the events that
    ``journey.can(event, at=...)`` allows in the current state; the walk stops at a
    terminal state, when nothing is allowed, or after ``max_steps``. So every example
    replays: ``flow.replay(j.subject_id, j.started_at, j.history)`` gives it back.

    Args:
        flow: An onboarding flow, e.g. ``supportkit.onboarding.flows.self_employed()``.
        min_steps: Fewest events (fewer only when a terminal state comes first).
        max_steps: Most events.
        start: When the journey starts; :func:`aware_datetimes` by default.
        max_gap: Longest wait between two events.

    Raises:
        InvalidArgument: a bad step range or ``max_gap``.

    Half of the steps take the event that leads closest to the flow's success state,
    so long walks reach ``active``; shrinks toward the shortest such walk.
    """
    if not isinstance(min_steps, int) or isinstance(min_steps, bool) or min_steps < 0:
        raise InvalidArgument(
            f"min_steps must be a non-negative int (got {min_steps!r}).",
            field="min_steps",
            value=min_steps,
        )
    if not isinstance(max_steps, int) or isinstance(max_steps, bool) or max_steps < min_steps:
        raise InvalidArgument(
            f"Cannot have max_steps={max_steps!r} < min_steps={min_steps!r}.",
            field="max_steps",
            value=max_steps,
        )
    if not isinstance(max_gap, _dt.timedelta) or max_gap <= _dt.timedelta(0):
        raise InvalidArgument(
            f"max_gap must be a positive timedelta (got {max_gap!r}).",
            field="max_gap",
            value=max_gap,
        )
    for name in ("start", "events_from"):
        if not callable(getattr(flow, name, None)):
            raise InvalidArgument(
                f"flow must be an onboarding Flow with start() and events_from() (got {flow!r}).",
                field="flow",
                value=flow,
            )
    starts = aware_datetimes() if start is None else start
    gap = int(max_gap.total_seconds())
    to_success = dict(flow.distance_to_success()) if hasattr(flow, "distance_to_success") else {}
    far = len(to_success) + 1

    def distance(state: str, event: str) -> int:
        transition = flow.transition(state, event) if hasattr(flow, "transition") else None
        return far if transition is None else int(to_success.get(transition.target, far))

    @st.composite
    def _draw(draw: st.DrawFn) -> Any:
        at = draw(starts)
        tz = at.tzinfo
        journey = flow.start(f"C-{draw(st.integers(1, 99_999)):05d}", at=at)
        steps = draw(st.integers(min_steps, max_steps))
        for _ in range(steps):
            if journey.is_terminal:
                break
            seconds = draw(st.integers(1, gap))
            # In UTC: wall-clock arithmetic would drop fold=1 in a repeated autumn hour.
            at = (at.astimezone(_dt.timezone.utc) + _dt.timedelta(seconds=seconds)).astimezone(tz)
            allowed = [e for e in flow.events_from(journey.state) if journey.can(e, at=at)]
            if not allowed:
                break
            # Progress first (toward the success state), so that half of the draws walk
            # the happy path and shrinking ends on it.
            allowed.sort(key=lambda e: (distance(journey.state, e), e))
            event = draw(st.one_of(st.just(allowed[0]), st.sampled_from(allowed)))
            journey = journey.fire(event, at=at)
        return journey

    return _draw()
