"""The clocks' one pass over a ticket's events (the rules: :mod:`supportkit.sla._clock`).

:func:`evaluate` cuts the event stream into metric instances, numbering the instants
(0 ``created_at``, ``k`` the k-th event, the last one ``as_of``) and keeping them in
epoch microseconds; :func:`~supportkit.sla._measure.tally` then works out every
metric's attainment in integer arithmetic, and each :class:`MetricResult` is measured
from the same instances, with datetimes, only when someone reads it.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Final

from supportkit._ticket import Event, Ticket
from supportkit.exceptions import InvalidTicket
from supportkit.sla._measure import (
    SOLVED,
    Instance,
    Plan,
    Stretches,
    Timeline,
    combine,
    measure,
    plan_at,
    tally,
)
from supportkit.sla._policy import METRICS
from supportkit.sla._report import LazyMetrics, MetricResult, SLAReport, Tally, tally_of

__all__ = ["evaluate"]

_SOLVED: Final = SOLVED
_REOPENED_BY_CUSTOMER: Final = frozenset({"pending", "waiting_customer", "solved"})
_CYCLES: Final = frozenset({"next_response", "periodic_update", "pausable_update"})
_EPOCH: Final = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_DAY_US: Final = 86_400_000_000


def evaluate(
    plans: tuple[Plan, ...], ticket: Ticket, now: _dt.datetime | None, *, field: str = "ticket"
) -> SLAReport:
    """The SLA report of ``ticket`` as of ``now`` (``None``: its last event) under the
    first of ``plans`` that applies (chosen again at each priority change)."""
    created = ticket.created_at
    if created is None:
        raise InvalidTicket(
            f"{field}.created_at is missing; SLA clocks start when the ticket is created.",
            field=f"{field}.created_at",
        )
    events = ticket.events
    if now is None:
        as_of = events[-1].at if events else created
    else:
        if now < created:
            raise InvalidTicket(
                f"now {now.isoformat()} is before {field}.created_at {created.isoformat()}.",
                field="now",
                value=now,
            )
        as_of = now
        if events and events[-1].at > now:
            events = tuple(e for e in events if e.at <= now)

    # Policy timeline: chosen at creation and again at each priority change.
    current = _choose(plans, ticket, ticket.priority)
    timeline: list[tuple[_dt.datetime, Plan | None]] = [(created, current)]
    # Instants by number: 0 is created_at, k the k-th event, the last one as_of; in
    # epoch microseconds for the clocks (the datetimes are kept for the results).
    delta = created - _EPOCH
    us = [delta.days * _DAY_US + delta.seconds * 1_000_000 + delta.microseconds]
    timeline_us: Timeline = [(us[0], current)]
    statuses: list[tuple[int, str]] = [(0, "new")]
    # One pass cuts the stream into metric instances: (start, end, how it ended).
    first: list[Instance] = []
    nexts: list[Instance] = []
    updates: list[Instance] = []
    first_done = responded = solved = False
    next_start = update_start = -1  # the instant's number; -1: not running
    first_solve = last_solve = -1
    status = "new"
    k = 0
    for event in events:
        k += 1
        delta = event.at - _EPOCH
        us.append(delta.days * _DAY_US + delta.seconds * 1_000_000 + delta.microseconds)
        kind = event.type
        if kind == "reply":
            by = event.by
            if by == "customer":
                if status in _REOPENED_BY_CUSTOMER:
                    status = "open"
                    solved = False
                    statuses.append((k, status))
                if responded and (next_start < 0 or (current is not None and current.restart)):
                    next_start = k
                continue
            if current is None or by not in current.responders:
                continue
            if not first_done:
                first_done = True
                if first_solve < 0:
                    first.append((0, k, "achieved"))
            responded = True
            if next_start >= 0:
                nexts.append((next_start, k, "achieved"))
                next_start = -1
            if update_start >= 0:
                updates.append((update_start, k, "achieved"))
            update_start = -1 if solved else k
        elif kind == "status":
            new = event.status
            if new == status or new is None:
                continue
            status = new
            statuses.append((k, status))
            if new in _SOLVED:
                if not solved:
                    solved = True
                    last_solve = k
                    if first_solve < 0:
                        first_solve = k
                        if not first_done:
                            first.append((0, k, "stopped"))
                    if next_start >= 0:
                        nexts.append((next_start, k, "stopped"))
                        next_start = -1
                    if update_start >= 0:
                        updates.append((update_start, k, "stopped"))
                        update_start = -1
            else:
                solved = False
        elif kind == "priority":
            plan = _choose(plans, ticket, event.priority)
            if plan is not current:
                current = plan
                timeline.append((event.at, plan))
                timeline_us.append((us[k], plan))
    k += 1  # as_of
    delta = as_of - _EPOCH
    us.append(delta.days * _DAY_US + delta.seconds * 1_000_000 + delta.microseconds)
    if not first_done and first_solve < 0:
        first.append((0, k, "running"))
    if next_start >= 0:
        nexts.append((next_start, k, "running"))
    if update_start >= 0:
        updates.append((update_start, k, "running"))
    resolution = [(0, last_solve, "achieved") if solved and last_solve >= 0 else (0, k, "running")]
    instances = {
        "first_response": first,
        "next_response": nexts,
        "periodic_update": updates,
        "pausable_update": updates,
        "resolution": resolution,
        "requester_wait": resolution,
        "agent_work": resolution,
    }
    if len(timeline) == 1:
        wanted = () if current is None else current.order
    else:
        used = {m for _, p in timeline if p is not None for m in p.targets}
        wanted = tuple(m for m in METRICS if m in used)
    seen = frozenset([status for _, status in statuses])
    clocks = _Clocks((instances, statuses, timeline_us, us, seen, (created, events, as_of)))
    keys, counted = tally(wanted, instances, timeline_us, us, statuses, seen, clocks.tally)
    final_policy = timeline[-1][1]
    problems = ticket.problems
    if final_policy is None:
        problems = (*problems, f"{field}: no policy applies.")
    return SLAReport(
        ticket.id,
        None if final_policy is None else final_policy.name,
        as_of,
        LazyMetrics(keys, clocks.result, counted, clocks.done),
        ((created, None if current is None else current.name),)
        if len(timeline) == 1
        else tuple((since, None if p is None else p.name) for since, p in timeline),
        problems,
    )


def _choose(plans: tuple[Plan, ...], ticket: Ticket, priority: str | None) -> Plan | None:
    """The first plan that applies to ``ticket`` at ``priority``."""
    for plan in plans:
        if plan.applies_to.matches(ticket, priority):
            return plan
    return None


class _Clocks:
    """One ticket's metric instances, measured into :class:`MetricResult` on demand."""

    __slots__ = ("dated", "done", "memo", "moments", "state")

    def __init__(
        self,
        state: tuple[
            dict[str, list[Instance]],  # instances per metric
            list[tuple[int, str]],  # (instant, status) changes
            Timeline,  # (since µs, plan)
            list[int],  # instant k in epoch µs
            frozenset[str],  # statuses seen
            tuple[_dt.datetime, tuple[Event, ...], _dt.datetime],  # created, events, as_of
        ],
    ) -> None:
        self.state = state
        self.done: dict[str, MetricResult] = {}

    def result(self, metric: str) -> MetricResult:
        """The metric's result, as the reference :func:`measure` builds it."""
        done = self.done.get(metric)
        if done is not None:
            return done
        instances, statuses, timeline, us, seen, (created, events, as_of) = self.state
        if not hasattr(self, "moments"):  # instant k as a datetime, numbered as in evaluate
            moments = self.moments = [created, *[e.at for e in events], as_of]
            self.dated = [(moments[k], st) for k, st in statuses]
            self.memo: dict[tuple[Any, ...], Stretches] = {}
        moments = self.moments
        results = []
        for start, end, how in instances[metric]:
            plan = plan_at(timeline, us[end])
            if plan is not None and metric in plan.targets:
                results.append(
                    measure(
                        plan,
                        metric,
                        moments[start],
                        moments[end],
                        how,
                        self.dated,
                        self.memo,
                        seen,
                    )
                )
        done = self.done[metric] = combine(metric, results) if metric in _CYCLES else results[0]
        return done

    def tally(self, metric: str) -> Tally:
        """The metric's attainment, from the reference result."""
        return tally_of(metric, self.result(metric))
