"""SLA clocks run over a ticket's event list: :class:`PolicySet` and its ``evaluate``.

The rules, in one place (the docs page "SLAs and staffing" repeats them):

* Clocks start at ``created_at``; events are read in time order (``as_ticket`` sorts
  them); events after ``now`` are ignored, so a ticket can be replayed as of any
  instant. Without ``now`` the report is as of the ticket's last event.
* A reply *counts* as a response when its author is one of the ``responders`` of the
  policy in force when it was written (agents only by default).
* A customer reply moves a ticket that is ``pending``, ``waiting_customer`` or
  ``solved`` back to ``open`` — what helpdesks do when the customer writes — so a
  pause ends when the customer answers even if the export has no status event.
* ``solved`` and ``closed`` stop every clock; ``resolution`` is achieved when the
  ticket is (still) solved at the end, at the moment it was last solved; time while
  solved before a reopen does not count.
* Deadlines compare instants: achieved (or stopped) at ``due_at`` or earlier is on
  time; a reply exactly at the deadline is **not** a breach.
* **Policy switch.** The policy is chosen again at every ``priority`` event (the
  ticket's ``priority`` field is its priority at creation). Each metric instance
  (each cycle) is judged by the policy in force when it ends (or at ``now``), with
  that policy's target and calendar measured **from the instance's original
  start** — as Zendesk re-applies targets when a ticket's SLA policy changes.
  Instances that ended before the switch keep the policy that judged them. If the
  new policy has no target for a metric, its open instance is no longer measured.
"""

from __future__ import annotations

import copy
import datetime as _dt
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final

import attrs

from supportkit._frames import rows as frame_rows
from supportkit._ticket import Event, Ticket, as_ticket
from supportkit._time import to_aware
from supportkit.exceptions import InvalidPolicy, InvalidTicket, SupportkitError
from supportkit.sla._args import expect
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
from supportkit.sla._policy import METRICS, SLAPolicy
from supportkit.sla._report import LazyMetrics, MetricResult, SLAReport, Tally, tally_of

__all__ = ["PolicySet"]

_SOLVED: Final = SOLVED
_REOPENED_BY_CUSTOMER: Final = frozenset({"pending", "waiting_customer", "solved"})
_CYCLES: Final = frozenset({"next_response", "periodic_update", "pausable_update"})

_EPOCH: Final = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_DAY_US: Final = 86_400_000_000


def _policies(value: Any) -> tuple[SLAPolicy, ...]:
    if isinstance(value, SLAPolicy):
        value = (value,)
    try:
        items = tuple(value)
    except TypeError:
        raise InvalidPolicy(
            f"policies must be a list of SLAPolicy (got {value!r}).", field="policies"
        ) from None
    seen: set[str] = set()
    for i, item in enumerate(items):
        if not isinstance(item, SLAPolicy):
            raise InvalidPolicy(
                f"policies[{i}] must be an SLAPolicy (got {item!r}); build it with "
                "SLAPolicy(...) or SLAPolicy.from_dict(...).",
                field=f"policies[{i}]",
                value=item,
            )
        if item.name in seen:
            raise InvalidPolicy(
                f"policies[{i}] repeats the name {item.name!r}; policy names must be unique.",
                field=f"policies[{i}].name",
                value=item.name,
            )
        seen.add(item.name)
    if not items:
        raise InvalidPolicy("policies must hold at least one SLAPolicy.", field="policies")
    return items


@attrs.frozen
class PolicySet:
    """An ordered list of policies; the first that applies to a ticket measures it.

    Args:
        policies: :class:`SLAPolicy` objects in priority order (names unique).

    >>> import datetime as dt
    >>> from supportkit.sla import PolicySet, SLAPolicy
    >>> chat = SLAPolicy("chat", {"first_response": dt.timedelta(seconds=100)}, None,
    ...                  applies_to={"channel": "chat"})
    >>> report = PolicySet([chat]).evaluate({
    ...     "id": "1", "channel": "chat", "created_at": "2024-10-07T02:00:00+03:00",
    ...     "events": [{"at": "2024-10-07T02:01:40+03:00", "type": "reply", "by": "agent"}]})
    >>> report["first_response"].state, report["first_response"].elapsed.total_seconds()
    ('met', 100.0)
    """

    policies: tuple[SLAPolicy, ...] = attrs.field(converter=_policies)
    _plans: tuple[Plan, ...] = attrs.field(
        init=False,
        eq=False,
        repr=False,
        hash=False,
        default=attrs.Factory(lambda self: tuple(Plan(p) for p in self.policies), takes_self=True),
    )

    @property
    def metrics(self) -> tuple[str, ...]:
        """Every metric any policy measures, in report order."""
        used = {m for p in self.policies for m in p.targets}
        return tuple(m for m in METRICS if m in used)

    def select(self, ticket: Any, priority: str | None = None) -> SLAPolicy | None:
        """Return the first policy that applies to ``ticket`` (at ``priority``), or ``None``."""
        value = as_ticket(ticket)
        current = value.priority if priority is None else priority
        for policy in self.policies:
            if policy.applies_to.matches(value, current):
                return policy
        return None

    def evaluate(self, ticket: Any, now: Any = None, *, strict: bool = True) -> SLAReport:
        """Run every clock of the applicable policy over the ticket's events.

        Args:
            ticket: A :class:`~supportkit.Ticket`, a mapping (JSON export row) or a str.
            now: Report as of this instant (aware datetime or ISO string): open
                clocks run until then, later events are ignored. ``None``: as of the
                ticket's last event (right for closed tickets).
            strict: ``False`` reads the ticket leniently (bad events dropped); what
                was dropped is in :attr:`SLAReport.problems`.

        Returns:
            An :class:`SLAReport`.

        Raises:
            InvalidTicket: the ticket has no ``created_at``, ``now`` is before it, or
                (strict) an event cannot be read.
        """
        value = as_ticket(ticket, strict=strict)
        as_of = None if now is None else to_aware(now, field="now")
        return _evaluate(self, value, as_of)

    def evaluate_many(
        self,
        tickets: Iterable[Any],
        *,
        now: Any = None,
        strict: bool = True,
        summary: Any = None,
        positions: Iterable[str] | None = None,
    ) -> Iterator[SLAReport]:
        """Evaluate many tickets as of one instant, ``now``.

        Args:
            tickets: Tickets or mappings, e.g. the rows of a JSON Lines export.
            now: The instant every clock is judged at. ``None`` (the default): the
                end of the export, i.e. the latest ``created_at`` or event of all the
                tickets, so a clock still open at the end of the export runs until
                then (and is breached if it is past due by then); this reads every
                ticket before yielding the first report. Given ``now``, tickets are
                evaluated one by one (constant memory), events after ``now`` are
                ignored and tickets created after ``now`` are skipped (counted in
                ``summary.after_now``).
            strict: ``False`` reads tickets leniently; a ticket that still cannot be
                evaluated (no ``created_at``) yields a report with no metrics and
                the reason in ``problems`` instead of stopping the batch.
            summary: An :class:`~supportkit.sla.AttainmentSummary` to add each
                report to as it is yielded.
            positions: How to name each ticket in error messages, in input order
                (``"export.jsonl:5"``); ``tickets[i]`` by default. The ticket's
                ``id`` is added when it has one.

        Yields:
            One :class:`SLAReport` per ticket, in input order.
        """
        add = None if summary is None else summary.add
        if now is None and tickets.__class__ in (list, tuple):
            # Two passes over the list (reading is pure): the first finds the end of
            # the export, the second evaluates, so no ticket is held between them.
            # Holding them all costs memory and, with it, the garbage collector's
            # full passes over every live object (half the time at 100,000 tickets).
            labels = None if positions is None else list(positions)
            read = self._read(tickets, strict, None if labels is None else iter(labels))
            latest = _latest(row[1] for row in read)
            read = self._read(tickets, strict, None if labels is None else iter(labels))
            for field, ticket, raw, error in read:
                report = self._one(field, ticket, raw, error, latest, strict)
                if add is not None:
                    add(report)
                yield report
            return
        names = iter(positions) if positions is not None else None
        if now is None:
            rows = list(self._read(tickets, strict, names))
            latest = _latest(row[1] for row in rows)
            for field, ticket, raw, error in rows:
                report = self._one(field, ticket, raw, error, latest, strict)
                if add is not None:
                    add(report)
                yield report
            return
        as_of = to_aware(now, field="now")
        for field, ticket, raw, error in self._read(tickets, strict, names):
            if ticket is not None and ticket.created_at is not None and ticket.created_at > as_of:
                if summary is not None:
                    summary.after_now += 1
                continue
            report = self._one(field, ticket, raw, error, as_of, strict)
            if add is not None:
                add(report)
            yield report

    def _read(
        self, tickets: Iterable[Any], strict: bool, names: Iterator[str] | None
    ) -> Iterator[tuple[str, Ticket | None, Any, SupportkitError | None]]:
        for i, raw in enumerate(frame_rows(tickets)):  # a DataFrame: one ticket per row
            field = f"tickets[{i}]" if names is None else next(names, f"tickets[{i}]")
            try:
                ticket = as_ticket(raw, strict=strict, field=field)
            except SupportkitError as exc:  # a naive or unparseable time too
                if strict:
                    raise _with_id(exc, raw) from exc
                yield field, None, raw, exc
                continue
            yield field, ticket, raw, None

    def _one(  # noqa: PLR0917 - private helper of evaluate_many, one call site
        self,
        field: str,
        ticket: Ticket | None,
        raw: Any,
        error: SupportkitError | None,
        as_of: _dt.datetime | None,
        strict: bool,
    ) -> SLAReport:
        if ticket is not None:
            try:
                return _evaluate(self, ticket, as_of, field=field)
            except InvalidTicket as exc:
                if strict:
                    raise _with_id(exc, raw) from exc
                error = exc
        ident = raw.get("id") if isinstance(raw, Mapping) else None
        return SLAReport(
            None if ident is None else str(ident),
            None,
            as_of or _dt.datetime.min.replace(tzinfo=_dt.timezone.utc),
            problems=(f"{field}: skipped: {error}",),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form, ``{"policies": [...]}``."""
        return {"policies": [policy.to_dict() for policy in self.policies]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PolicySet:
        """Build from ``{"policies": [...]}`` (each as :meth:`SLAPolicy.from_dict`)."""
        if not isinstance(data, Mapping) or not isinstance(data.get("policies"), list):
            raise InvalidPolicy(
                'a policy file must be a JSON object {"policies": [...]} '
                f"(got {type(data).__name__}).",
                field="policies",
            )
        return cls(
            [
                SLAPolicy.from_dict(item, field=f"policies[{i}]")
                for i, item in enumerate(data["policies"])
            ]
        )

    @classmethod
    def from_json(cls, source: str | os.PathLike[str]) -> PolicySet:
        """Build from a JSON file path or a JSON text."""
        expect(source, (str, os.PathLike), arg="source", want="a path or a JSON text")
        text = str(source)
        if isinstance(source, os.PathLike) or not text.lstrip().startswith("{"):
            path = Path(source)
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError as exc:
                raise InvalidPolicy(
                    f"policy file {str(path)!r} is not UTF-8 text (byte {exc.start}); "
                    "save it as UTF-8.",
                    field="policies",
                    value=str(path),
                ) from exc
            except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
                reason = getattr(exc, "strerror", None) or "not a readable file"
                raise InvalidPolicy(
                    f"cannot read policy file {str(path)[:200]!r} ({reason}).",
                    field="policies",
                    value=str(path),
                ) from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidPolicy(
                f"policy file is not valid JSON ({exc.msg} at line {exc.lineno}).",
                field="policies",
            ) from exc
        except RecursionError as exc:
            raise InvalidPolicy(
                "policy file is nested too deeply to read; a policy file needs only a few levels.",
                field="policies",
            ) from exc
        return cls.from_dict(data)


def _with_id(exc: SupportkitError, raw: Any) -> SupportkitError:
    """The same error, its message starting with the ticket's id (a person looks it up)."""
    ident = raw.get("id") if isinstance(raw, Mapping) else None
    if ident is None or ident == "":
        return exc
    out = copy.copy(exc)
    out.message = f"ticket {str(ident)!r}: {exc.message}"
    out.args = (out.message,)
    return out


def _latest(tickets: Iterable[Ticket | None]) -> _dt.datetime | None:
    """The end of an export: the latest ``created_at`` or event time of its tickets."""
    latest: _dt.datetime | None = None
    for ticket in tickets:
        if ticket is None:
            continue
        last = ticket.events[-1].at if ticket.events else ticket.created_at
        if last is not None and (latest is None or last > latest):
            latest = last
        created = ticket.created_at
        if created is not None and (latest is None or created > latest):
            latest = created
    return latest


def _evaluate(
    pset: PolicySet, ticket: Ticket, now: _dt.datetime | None, *, field: str = "ticket"
) -> SLAReport:
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
    plans = pset._plans
    cache: dict[str | None, Plan | None] = {}

    def choose(priority: str | None) -> Plan | None:
        if priority not in cache:
            found = None
            for plan in plans:
                if plan.applies_to.matches(ticket, priority):
                    found = plan
                    break
            cache[priority] = found
        return cache[priority]

    current = choose(ticket.priority)
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
            plan = choose(event.priority)
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
    seen = frozenset(status for _, status in statuses)
    clocks = _Clocks(instances, statuses, timeline_us, us, seen, (created, events, as_of))
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
        tuple((since, None if p is None else p.name) for since, p in timeline),
        problems,
    )


class _Clocks:
    """One ticket's metric instances, measured into :class:`MetricResult` on demand."""

    __slots__ = (
        "dated",
        "done",
        "instances",
        "memo",
        "moments",
        "seen",
        "source",
        "statuses",
        "timeline",
        "us",
    )

    def __init__(  # noqa: PLR0917 - private, one call site
        self,
        instances: dict[str, list[Instance]],
        statuses: list[tuple[int, str]],
        timeline: Timeline,
        us: list[int],
        seen: frozenset[str],
        source: tuple[_dt.datetime, tuple[Event, ...], _dt.datetime],
    ) -> None:
        self.instances = instances
        self.us = us
        self.statuses = statuses
        self.timeline = timeline
        self.seen = seen
        self.source = source  # (created, events, as_of): the instants, numbered
        self.moments: list[_dt.datetime] = []
        self.dated: list[tuple[_dt.datetime, str]] = []
        self.memo: dict[tuple[Any, ...], Stretches] = {}
        self.done: dict[str, MetricResult] = {}

    def result(self, metric: str) -> MetricResult:
        """The metric's result, as the reference :func:`measure` builds it."""
        done = self.done.get(metric)
        if done is not None:
            return done
        moments = self.moments
        if not moments:  # instant k as a datetime, as numbered in _evaluate
            created, events, as_of = self.source
            moments = self.moments = [created, *[e.at for e in events], as_of]
            self.dated = [(moments[k], st) for k, st in self.statuses]
        timeline, us = self.timeline, self.us
        results = []
        for start, end, how in self.instances[metric]:
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
                        self.seen,
                    )
                )
        done = self.done[metric] = combine(metric, results) if metric in _CYCLES else results[0]
        return done

    def tally(self, metric: str) -> Tally:
        """The metric's attainment, from the reference result."""
        return tally_of(metric, self.result(metric))
