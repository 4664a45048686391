"""Analytics over many journeys: the funnel, self-service share, the call list, cohorts.

Definitions (also on the docs page):

* **Reached a step**: the journey entered that state of the flow's main path at least
  once. Conversion of a step = reached it / reached the step before (the first step:
  / all journeys). Drop-off of a step = reached it - reached the next one.
* **Time in a step**: working time from entering the state to leaving it (self-loops
  do not leave), for journeys that left it; median and p90 by nearest rank. The
  default clock is office hours 09:00-18:00 Moscow time on the working days of the
  Russian production calendar (:class:`OfficeClock`); pass ``clock=`` for another.
* **Self-service**: a journey that reached a success state with no event by an actor
  in ``SUPPORT_ACTORS`` (``actor="support"``). The share is over journeys that
  reached success (the "73% → 93%" figure).
* **Call list** (:func:`stuck`): open journeys idle for at least ``idle``, closest to
  done first (fewest events to a success state), then longest idle first, then by
  subject id.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from supportkit._time import to_aware, to_timedelta
from supportkit.exceptions import InvalidArgument, InvalidValue, UnknownName
from supportkit.onboarding._diagram import FLOW
from supportkit.onboarding._graph import FlowGraph
from supportkit.onboarding._html import funnel_html
from supportkit.onboarding._journey import Journey
from supportkit.onboarding._step import SUPPORT_ACTORS
from supportkit.onboarding._values import expect
from supportkit.onboarding._values import items as collection
from supportkit.onboarding._worktime import OfficeClock, WorkingTime

__all__ = [
    "Cohort",
    "CohortComparison",
    "Funnel",
    "FunnelStep",
    "SelfService",
    "compare_cohorts",
    "funnel",
    "self_service",
    "stuck",
]

_DEFAULT_CLOCK: list[OfficeClock] = []


def _default_clock() -> OfficeClock:
    if not _DEFAULT_CLOCK:
        _DEFAULT_CLOCK.append(OfficeClock())
    return _DEFAULT_CLOCK[0]


def resolve_clock(clock: Any) -> WorkingTime:
    """The clock= option of the funnel: None (office hours) or anything with between()."""
    if clock is None:
        return _default_clock()
    if not isinstance(clock, WorkingTime):
        raise InvalidArgument(
            f"clock must have between(start, end), as a WorkCalendar or OfficeClock has "
            f"(got {type(clock).__name__}).",
            field="clock",
            value=clock,
        )
    return clock


def _rank(values: list[float], q: float) -> float:
    return values[max(0, math.ceil(q * len(values)) - 1)]


def _seconds(value: float) -> _dt.timedelta:
    return _dt.timedelta(seconds=value)


def funnel_steps(
    path: Sequence[str],
    reached: Mapping[str, int],
    durations: Mapping[str, Sequence[float]],
    total: int,
    delta: Callable[[float], _dt.timedelta],
) -> tuple[FunnelStep, ...]:
    """The steps along ``path`` of ``total`` journeys, from the number that reached each
    state and their times in it (``delta`` turns one into a timedelta): median and p90
    by nearest rank, each step's share of the one before it."""
    steps = []
    previous = total
    for i, state in enumerate(path):
        times = sorted(durations[state])
        count = reached[state]
        following = reached[path[i + 1]] if i + 1 < len(path) else count
        steps.append(
            FunnelStep(
                state,
                count,
                count / previous if previous else 0.0,
                count - following,
                len(times),
                delta(_rank(times, 0.5)) if times else None,
                delta(_rank(times, 0.9)) if times else None,
            )
        )
        previous = count
    return tuple(steps)


def _hours(value: _dt.timedelta | None) -> str:
    return "-" if value is None else f"{value.total_seconds() / 3600:.1f} h"


@attrs.frozen
class FunnelStep:
    """One step of a :class:`Funnel`."""

    state: str
    reached: int
    conversion: float
    drop_off: int
    left: int
    median: _dt.timedelta | None
    p90: _dt.timedelta | None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (times in seconds)."""
        return {
            "state": self.state,
            "reached": self.reached,
            "conversion": self.conversion,
            "drop_off": self.drop_off,
            "left": self.left,
            "median_seconds": None if self.median is None else self.median.total_seconds(),
            "p90_seconds": None if self.p90 is None else self.p90.total_seconds(),
        }


@attrs.frozen
class Funnel:
    """Counts reaching each step, conversion, working time in step and drop-off."""

    flow: str
    total: int
    steps: tuple[FunnelStep, ...]
    ended: tuple[tuple[str, int], ...]

    def __getitem__(self, state: str) -> FunnelStep:
        """Return the step of ``state``.

        Raises:
            UnknownName: the funnel has no such step (a ``KeyError``).
        """
        for step in self.steps:
            if step.state == state:
                return step
        raise UnknownName(
            f"funnel of flow {self.flow!r} has no step {state!r}; steps are "
            f"{[s.state for s in self.steps]}.",
            field="state",
            value=state,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "flow": self.flow,
            "total": self.total,
            "steps": [s.to_dict() for s in self.steps],
            "ended": dict(self.ended),
        }

    def rows(self) -> list[dict[str, Any]]:
        """One plain dict per step, in path order, ready for a chart or a table.

        Keys: ``state``; ``reached``; ``conversion`` (0..1, of the step before);
        ``drop_off`` (reached this step, not the next) and ``drop_share`` (``drop_off``
        / ``reached``, 0 when none reached it); ``left`` (journeys that left the step,
        the base of the times); ``median_hours`` and ``p90_hours`` (working time in
        the step, ``None`` when nobody has left it yet).
        """
        return [
            {
                "state": s.state,
                "reached": s.reached,
                "conversion": s.conversion,
                "drop_off": s.drop_off,
                "drop_share": s.drop_off / s.reached if s.reached else 0.0,
                "left": s.left,
                "median_hours": None if s.median is None else s.median.total_seconds() / 3600,
                "p90_hours": None if s.p90 is None else s.p90.total_seconds() / 3600,
            }
            for s in self.steps
        ]

    def _repr_html_(self) -> str:
        """The funnel in a notebook: a table with a bar per step (no scripts)."""
        return funnel_html(self.flow, self.total, self.rows(), self.ended)

    def __str__(self) -> str:
        width = max((len(s.state) for s in self.steps), default=5)
        lines = [
            f"{'step':<{width}}  reached   conv  median      p90  drop",
        ]
        lines += [
            f"{s.state:<{width}}  {s.reached:>7}  {s.conversion:>5.0%}  "
            f"{_hours(s.median):>6}  {_hours(s.p90):>7}  {s.drop_off:>4}"
            for s in self.steps
        ]
        return "\n".join(lines)


def _journeys(journeys: Iterable[Any]) -> list[Journey]:
    """The journeys argument of the analytics, checked: a collection of :class:`Journey`."""
    if isinstance(journeys, Journey):
        raise InvalidArgument(
            "journeys must be an iterable of Journey objects, such as a list (got one "
            "Journey); pass [journey].",
            field="journeys",
            value=journeys,
        )
    out = collection(journeys, field="journeys", what="Journey objects")
    for i, j in enumerate(out):
        expect(j, Journey, field=f"journeys[{i}]", what=_JOURNEY)
    return out


_JOURNEY = "a Journey (rebuild stored ones with Journey.from_dict(flow, data))"


def _flow(flow: Any) -> FlowGraph:
    return expect(flow, FlowGraph, field="flow", what=FLOW)


def funnel(
    journeys: Iterable[Journey], flow: FlowGraph, *, clock: WorkingTime | None = None
) -> Funnel:
    """Return the :class:`Funnel` of ``journeys`` along ``flow``'s main path.

    Args:
        journeys: The journeys (of ``flow`` or a variant of it).
        flow: Whose main path gives the steps.
        clock: Measures time in step (default: :class:`OfficeClock` on ``russia()``).
    """
    items = _journeys(journeys)
    _flow(flow)
    path = flow.path()
    on_path = set(path)
    counts = dict.fromkeys(path, 0)
    durations: dict[str, list[float]] = {s: [] for s in path}  # working seconds
    ended: dict[str, int] = {}
    clock = resolve_clock(clock)
    seconds = clock.seconds if isinstance(clock, OfficeClock) else None
    if seconds is None:
        # Any WorkingTime: measure every instant as working time since a fixed origin.
        between = clock.between
        origin = min((j.started_at for j in items), default=None)

        def measure(at: _dt.datetime) -> float:
            assert origin is not None
            return between(origin, at).total_seconds()

    else:
        measure = seconds
    # seen[state] = index of the last journey counted there (no set per journey: at
    # 100,000 journeys the garbage collector's work matters).
    seen = dict.fromkeys(path, -1)
    for n, j in enumerate(items):
        initial = j.flow.initial
        if initial in seen:
            seen[initial] = n
            counts[initial] += 1
        entered = measure(j.started_at)
        for step in j.history:
            source = step.source
            target = step.target
            if target == source:
                continue
            now = measure(step.at)
            if source in on_path:
                durations[source].append(now - entered)
            entered = now
            if target in seen and seen[target] != n:
                seen[target] = n
                counts[target] += 1
        if j.flow._states[j.state].terminal:
            ended[j.state] = ended.get(j.state, 0) + 1
    steps = funnel_steps(path, counts, durations, len(items), _seconds)
    return Funnel(flow.name, len(items), steps, tuple(sorted(ended.items())))


@attrs.frozen
class SelfService:
    """Share of successful journeys that support never touched."""

    share: float
    self_served: int
    succeeded: int
    total: int

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return attrs.asdict(self)


def self_service(journeys: Iterable[Journey]) -> SelfService:
    """Return the self-service share: success without any ``actor="support"`` event."""
    items = _journeys(journeys)
    done = [j for j in items if j.outcome == "success"]
    alone = sum(1 for j in done if not any(s.actor in SUPPORT_ACTORS for s in j.history))
    return SelfService(alone / len(done) if done else 0.0, alone, len(done), len(items))


def stuck(journeys: Iterable[Journey], *, now: Any, idle: Any) -> list[Journey]:
    """Return open journeys idle for at least ``idle`` at ``now``, as a call list.

    Order: closest to done first (fewest events to a success state), then longest
    idle first, then subject id. Journeys that cannot reach success any more come last.

    Args:
        journeys: The journeys.
        now: The current time (aware).
        idle: How long without an event counts as stuck (``timedelta`` or seconds).
    """
    when = to_aware(now, field="now")
    try:
        quiet = to_timedelta(idle, field="idle")
    except (OverflowError, ValueError):  # timedelta(seconds=nan | 1e20)
        raise InvalidValue(
            f"idle must be a finite number of seconds or a timedelta (got {idle!r}).",
            field="idle",
            value=idle,
        ) from None
    if quiet < _dt.timedelta(0):
        raise InvalidValue(
            f"idle must not be negative (got {quiet}); give how long a journey has been "
            "quiet, e.g. timedelta(hours=4).",
            field="idle",
            value=idle,
        )
    distances: dict[int, dict[str, int]] = {}
    rows = []
    for j in _journeys(journeys):
        if j.is_terminal or when - j.last_at < quiet:
            continue
        dist = distances.get(id(j.flow))
        if dist is None:
            dist = distances[id(j.flow)] = j.flow.distance_to_success()
        rows.append((dist.get(j.state, 1 << 30), j.last_at, j.subject_id, j))
    rows.sort(key=lambda r: r[:3])
    return [r[3] for r in rows]


@attrs.frozen
class Cohort:
    """Outcome figures of one group of journeys."""

    name: str
    total: int
    succeeded: int
    completion: float
    self_service: float
    median_to_success: _dt.timedelta | None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        out = attrs.asdict(self)
        med = self.median_to_success
        out["median_to_success"] = None if med is None else med.total_seconds()
        return out


@attrs.frozen
class CohortComparison:
    """Two cohorts side by side, with a two-proportion z-test on completion."""

    a: Cohort
    b: Cohort
    difference: float
    z: float
    p_value: float

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "difference": self.difference,
            "z": self.z,
            "p_value": self.p_value,
        }

    def __str__(self) -> str:
        rows = [f"{'cohort':<12} {'n':>6} {'done':>6} {'self':>6} {'median':>9}"]
        rows += [
            f"{c.name:<12} {c.total:>6} {c.completion:>6.0%} {c.self_service:>6.0%} "
            f"{_hours(c.median_to_success):>9}"
            for c in (self.a, self.b)
        ]
        rows.append(f"difference {self.difference:+.1%} (z={self.z:.2f}, p={self.p_value:.3f})")
        return "\n".join(rows)


def _cohort(name: str, journeys: Sequence[Journey], clock: WorkingTime) -> Cohort:
    done = [j for j in journeys if j.outcome == "success"]
    times = sorted(clock.between(j.started_at, j.last_at).total_seconds() for j in done)
    return Cohort(
        name,
        len(journeys),
        len(done),
        len(done) / len(journeys) if journeys else 0.0,
        self_service(done).share,
        _dt.timedelta(seconds=_rank(times, 0.5)) if times else None,
    )


def compare_cohorts(
    a: Iterable[Journey],
    b: Iterable[Journey],
    *,
    names: tuple[str, str] = ("a", "b"),
    clock: WorkingTime | None = None,
) -> CohortComparison:
    """Compare completion, self-service and time to success of two cohorts (variants).

    ``difference`` is ``b``'s completion minus ``a``'s; ``p_value`` is two-sided
    (normal approximation, fine from a few dozen journeys per cohort).
    """
    clock = resolve_clock(clock)
    if not (
        isinstance(names, (tuple, list))
        and len(names) == 2
        and all(isinstance(n, str) for n in names)
    ):
        raise InvalidArgument(
            f"names must be two cohort names such as ('base', 'variant') (got {names!r}).",
            field="names",
            value=names,
        )
    ca = _cohort(names[0], _journeys(a), clock)
    cb = _cohort(names[1], _journeys(b), clock)
    pooled_n = ca.total + cb.total
    z = 0.0
    if ca.total and cb.total:
        p = (ca.succeeded + cb.succeeded) / pooled_n
        se = math.sqrt(p * (1 - p) * (1 / ca.total + 1 / cb.total))
        z = (cb.completion - ca.completion) / se if se else 0.0
    return CohortComparison(
        ca, cb, cb.completion - ca.completion, z, math.erfc(abs(z) / math.sqrt(2))
    )
