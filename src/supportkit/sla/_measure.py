"""The measuring half of the SLA clocks: a policy pre-digested for the hot loop, and
the working time each metric instance counted (see :mod:`supportkit.sla._clock`)."""

from __future__ import annotations

import datetime as _dt
from bisect import bisect_right
from collections.abc import Callable
from typing import Any, Final, TypeVar

from supportkit._ticket import STATUSES
from supportkit.sla._calendar import WorkCalendar
from supportkit.sla._policy import CalendarTime, SLAPolicy, WorkingTime
from supportkit.sla._report import LazyDeadline, MetricResult, Tally

__all__ = [
    "SOLVED",
    "Instance",
    "Plan",
    "Stretches",
    "Timeline",
    "combine",
    "measure",
    "plan_at",
    "tally",
]

SOLVED: Final = frozenset({"solved", "closed"})
# Zendesk's definitions: the statuses whose time counts toward each of these metrics.
_COUNTED: Final = {
    "requester_wait": frozenset({"new", "open", "on_hold"}),
    "agent_work": frozenset({"new", "open"}),
}
_ZERO: Final = _dt.timedelta(0)
_T = TypeVar("_T", _dt.datetime, int)
# How tally() measures a clock: plain elapsed time, a WorkCalendar's table of working
# intervals, or (any other WorkingTime) through the reference measure().
_PLAIN, _TABLE, _OTHER = 0, 1, 2


def _kind(clock: WorkingTime) -> int:
    if clock.__class__ is CalendarTime:
        return _PLAIN
    if clock.__class__ is WorkCalendar:  # exactly: a subclass may redefine between()
        return _TABLE
    return _OTHER


def _fast(clock: WorkingTime) -> WorkingTime:
    """Plain arithmetic for a 24/7 WorkCalendar (same answers, a fraction of the cost)."""
    if isinstance(clock, WorkCalendar) and clock.kind == "always":
        return CalendarTime(clock.tz)
    return clock


class Plan:
    """A policy pre-digested for the hot loop: plain dicts and sets, no lookups."""

    __slots__ = (
        "applies_to",
        "clocks",
        "excluded",
        "fast",
        "keys",
        "name",
        "order",
        "responders",
        "restart",
        "spec",
        "targets",
    )

    def __init__(self, policy: SLAPolicy) -> None:
        self.name = policy.name
        self.applies_to = policy.applies_to
        self.targets = dict(policy.targets)
        self.order = tuple(self.targets)  # METRICS order
        self.keys = {m: (self.name, m) for m in self.targets}  # attainment's (policy, metric)
        self.restart = policy.next_response_from == "latest"
        # One fast clock per distinct calendar, so metrics on the same calendar share
        # measured stretches (the memo in measure() is keyed by the clock's id).
        fast: dict[int, WorkingTime] = {}
        self.clocks = {
            m: fast.setdefault(id(policy.clock(m)), _fast(policy.clock(m))) for m in self.targets
        }
        self.responders = frozenset(policy.responders)
        pause = frozenset(policy.pause_statuses)
        # Statuses that stop each metric's clock (None: it never pauses). Time while
        # solved never counts toward resolution, paused or not.
        self.excluded: dict[str, frozenset[str] | None] = {}
        for m in self.targets:
            stops = pause if m in policy.paused_metrics else None
            counted = _COUNTED.get(m)
            if counted is not None:
                others = frozenset(STATUSES) - counted
                stops = others if stops is None else stops | others
            elif m == "resolution":
                stops = SOLVED if stops is None else stops | SOLVED
            self.excluded[m] = stops
        #: metric -> (clock, its id, target, excluded statuses): one lookup in measure().
        self.spec = {
            m: (self.clocks[m], id(self.clocks[m]), self.targets[m], self.excluded[m])
            for m in self.targets
        }
        #: metric -> (how to measure, clock, its id, target in µs, excluded): for tally().
        self.fast: dict[str, tuple[int, Any, int, int, frozenset[str] | None]] = {
            m: (_kind(clock), clock, clock_id, _us(target), excluded)
            for m, (clock, clock_id, target, excluded) in self.spec.items()
        }


def _us(delta: _dt.timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _segments(
    statuses: list[tuple[_T, str]],
    start: _T,
    end: _T,
    excluded: frozenset[str] | tuple[str, ...],
) -> list[tuple[_T, _T]]:
    """The parts of ``[start, end]`` spent in statuses not in ``excluded``.

    Instants are datetimes (the reference :func:`measure`) or epoch microseconds
    (:func:`tally`): the same comparisons, so the same stretches.
    """
    out: list[tuple[_T, _T]] = []
    run_from: _T | None = None
    current = statuses[0][1]
    i = 1
    n = len(statuses)
    while i < n and statuses[i][0] <= start:
        current = statuses[i][1]
        i += 1
    if current not in excluded:
        run_from = start
    while i < n and statuses[i][0] < end:
        at, new = statuses[i]
        i += 1
        if new in excluded:
            if run_from is not None:
                if at > run_from:
                    out.append((run_from, at))
                run_from = None
        elif run_from is None:
            run_from = at
    if run_from is not None and end > run_from:
        out.append((run_from, end))
    return out


Stretches = tuple[tuple[tuple[_dt.datetime, _dt.datetime], ...], tuple[_dt.timedelta, ...]]


def measure(  # noqa: PLR0917 - the hot path; positional arguments are cheaper
    plan: Plan,
    metric: str,
    start: _dt.datetime,
    end: _dt.datetime,
    how: str,
    statuses: list[tuple[_dt.datetime, str]],
    memo: dict[tuple[Any, ...], Stretches],
    seen: frozenset[str],
) -> MetricResult:
    clock, clock_id, target, excluded = plan.spec[metric]
    # Only the excluded statuses this ticket was ever in matter, so metrics with
    # different definitions often count the very same stretches (resolution,
    # requester_wait and agent_work on a ticket never on hold): measure them once.
    relevant = None if excluded is None else excluded & seen
    key = (clock_id, relevant, start, end)
    cached = memo.get(key)
    if cached is None:
        if not relevant:
            segments: tuple[tuple[_dt.datetime, _dt.datetime], ...] = ((start, end),)
        else:
            segments = tuple(_segments(statuses, start, end, relevant))
        cached = memo[key] = (segments, tuple([clock.between(a, b) for a, b in segments]))
    segments, works = cached
    paused = how == "running" and bool(relevant) and (not segments or segments[-1][1] != end)
    elapsed = _ZERO
    reached: tuple[_dt.datetime, _dt.timedelta] | None = None
    for (seg_start, _), work in zip(segments, works, strict=True):
        if reached is None and elapsed + work >= target:
            reached = (seg_start, target - elapsed)
        elapsed += work
    # The deadline costs a calendar call: leave it for whoever reads it, unless the
    # verdict needs it. Working time past the target means the deadline passed
    # before the end; short of it, it did not. Exactly on target, compare instants
    # (a deadline at closing time followed by a reply after hours is late).
    if reached is None:
        due: _dt.datetime | LazyDeadline = LazyDeadline(clock, end, target - elapsed)
        breached = False
    else:
        due = LazyDeadline(clock, reached[0], reached[1])
        breached = elapsed > target or end > due.resolve()
    if breached:
        state = "breached"
    elif how == "running":
        state = "paused" if paused else "active"
    else:  # achieved by a reply (or the solve), or stopped by the solve: fulfilled
        state = "achieved"
    return MetricResult(
        metric,
        plan.name,
        target,
        state,
        start,
        due,
        end if how == "achieved" else None,
        end if how == "stopped" else None,
        breached,
        due if breached else None,
        elapsed,
        target - elapsed,
        paused,
        (),
        segments,
    )


def combine(metric: str, cycles: list[MetricResult]) -> MetricResult:
    """Summarise a cycle metric: the last cycle's fields, breached if any cycle was."""
    last = cycles[-1]
    first_breach = next((c for c in cycles if c.breached), None)
    state = "breached" if first_breach is not None else last.state
    return MetricResult(
        metric,
        last.policy,
        last.target,
        state,
        last.started_at,
        last._due,
        last.achieved_at,
        last.stopped_at,
        first_breach is not None,
        None if first_breach is None else first_breach._breach,
        last.elapsed,
        last.remaining,
        last.paused,
        tuple(cycles),
        last.segments,
    )


# A metric instance: (start, end, how it ended) with start and end the numbers of
# instants (0 created_at, k the k-th event, the last one as_of); how is "achieved",
# "stopped" or "running".
Instance = tuple[int, int, str]
#: (since, plan in force) in epoch microseconds; the first entry is the creation.
Timeline = list[tuple[int, "Plan | None"]]
_MemoUs = dict[tuple[Any, ...], tuple[tuple[tuple[int, int], ...], list[int]]]


def plan_at(timeline: list[tuple[Any, Plan | None]], at: Any) -> Plan | None:
    """The plan in force at ``at`` (the latest switch not after it)."""
    found = timeline[0][1]
    for since, plan in timeline:
        if since > at:
            break
        found = plan
    return found


def _table_works(calendar: WorkCalendar, segments: tuple[tuple[int, int], ...]) -> list[int]:
    """:meth:`WorkCalendar.between` of each stretch, in µs (its table search, inlined)."""
    out: list[int] = []
    table = calendar._timeline.table
    for a, b in segments:
        if b <= a:
            out.append(0)
            continue
        if table is None or not (table.lo <= a and b <= table.hi):
            table = calendar._table(a, b)
        starts, ends, cum = table.starts, table.ends, table.cum
        i = bisect_right(starts, a) - 1
        pos_a = 0 if i < 0 else cum[i] + min(a, ends[i]) - starts[i]
        j = bisect_right(starts, b, i if i > 0 else 0) - 1
        pos_b = 0 if j < 0 else cum[j] + min(b, ends[j]) - starts[j]
        out.append(pos_b - pos_a)
    return out


def tally(  # noqa: PLR0917 - the hot path, in one piece on purpose
    metrics: tuple[str, ...],
    instances: dict[str, list[Instance]],
    timeline: Timeline,
    us: list[int],
    statuses: list[tuple[int, str]],
    seen: frozenset[str],
    reference: Callable[[str], Tally],
) -> tuple[tuple[str, ...], tuple[Tally, ...]]:
    """The metrics that have a clock, and each one's attainment in integer µs.

    ``us[k]`` is instant ``k`` in epoch microseconds; ``statuses`` are ``(instant,
    status)`` changes. Each instance is judged by the plan in force at its end (none,
    or one without a target for the metric: not measured); a metric none of whose
    instances is judged has no clock. Each :data:`Tally` is the one
    :func:`~supportkit.sla._report.tally_of` gives for the result :func:`measure` (and
    :func:`combine`) build; ``reference(metric)`` gives it where only that can tell:
    a clock that is neither plain time nor a :class:`WorkCalendar`, or one that
    reached its target exactly at the end of the counted time on a calendar (then
    the deadline instant decides, which costs a calendar ``add``).
    """
    keys: list[str] = []
    out: list[Tally] = []
    memo: _MemoUs = {}
    single = timeline[0][1] if len(timeline) == 1 else None
    timed: list[tuple[int, str]] = []
    for metric in metrics:
        breached_any = met_any = False
        total = 0
        how = "running"
        policy = None
        for start_k, end_k, how_k in instances[metric]:
            plan = single if single is not None else plan_at(timeline, us[end_k])
            if plan is None:
                continue
            spec = plan.fast.get(metric)
            if spec is None:
                continue
            policy = plan.keys[metric]
            kind, clock, clock_id, target, excluded = spec
            if kind == _OTHER:
                break
            how = how_k
            start = us[start_k]
            end = us[end_k]
            relevant = None if excluded is None else excluded & seen
            reached: int | None = None
            if not relevant and kind == _PLAIN:  # one stretch of plain time
                elapsed = end - start if end > start else 0
                if elapsed >= target:
                    reached = start + target
            else:
                key = (clock_id, relevant, start, end)
                cached = memo.get(key)
                if cached is None:
                    if not relevant:
                        segments: tuple[tuple[int, int], ...] = ((start, end),)
                    else:
                        if not timed:
                            timed = [(us[k], status) for k, status in statuses]
                        segments = tuple(_segments(timed, start, end, relevant))
                    if kind == _PLAIN:
                        works = [b - a if b > a else 0 for a, b in segments]
                    else:
                        works = _table_works(clock, segments)
                    cached = memo[key] = (segments, works)
                segments, works = cached
                elapsed = 0
                for (seg_start, _), work in zip(segments, works, strict=True):
                    if reached is None and elapsed + work >= target:
                        reached = seg_start + target - elapsed  # the deadline, plain time
                    elapsed += work
            if reached is None:
                pass
            elif elapsed > target:
                breached_any = True
            elif kind != _PLAIN:
                break
            elif end > reached:
                breached_any = True
            if how == "achieved":
                met_any = True
            total += elapsed
        else:
            if policy is None:
                continue  # nothing judged: no clock
            keys.append(metric)
            if breached_any:
                out.append((policy, 1, total))
            elif met_any:
                out.append((policy, 0, total))
            else:
                out.append((policy, 2 if how == "running" else 3, 0))
            continue
        keys.append(metric)
        out.append(reference(metric))
    return tuple(keys), tuple(out)
