"""Breach risk: the open tickets whose next SLA deadline is near, soonest first.

:func:`at_risk` is the list a shift lead watches. The rules engine's time condition
``{"sla": {"due_within": "30m"}}`` asks the same question of one ticket through
:attr:`SLAReport.next_due` (``report.next_due.due_at - now <= 30 min``).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from typing import Any

import attrs

from supportkit._time import to_aware
from supportkit.exceptions import InvalidValue
from supportkit.sla._args import expect
from supportkit.sla._clock import PolicySet
from supportkit.sla._policy import parse_duration
from supportkit.sla._report import MetricResult, SLAReport

__all__ = ["Risk", "at_risk", "risk_of"]


@attrs.frozen
class Risk:
    """One ticket about to breach (or, with ``overdue=True``, already past due).

    Attributes:
        ticket_id: The ticket's ``id``.
        policy: The policy measuring the clock.
        metric: The metric whose clock falls due first.
        due_at: When it falls due.
        remaining: ``due_at - now``; negative for an overdue clock.
        state: ``active``, or ``breached`` for an overdue clock.
        report: The ticket's whole :class:`SLAReport` (for the other clocks).
    """

    ticket_id: str | None
    policy: str
    metric: str
    due_at: _dt.datetime
    remaining: _dt.timedelta
    state: str
    report: SLAReport = attrs.field(eq=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (``remaining`` in seconds)."""
        return {
            "ticket_id": self.ticket_id,
            "policy": self.policy,
            "metric": self.metric,
            "due_at": self.due_at.isoformat(),
            "remaining": self.remaining.total_seconds(),
            "state": self.state,
        }


def _policies(value: Any) -> PolicySet:
    return value if isinstance(value, PolicySet) else PolicySet(value)


def risk_of(
    report: SLAReport, now: _dt.datetime, within: _dt.timedelta, *, overdue: bool = False
) -> Risk | None:
    """The :class:`Risk` of one evaluated ticket, or ``None`` when nothing is due soon.

    What a rule's ``{"sla": {"due_within": "30m"}}`` asks of one ticket:
    ``risk_of(policies.evaluate(ticket, now=now), now, timedelta(minutes=30))``.

    Args:
        report: The ticket's report, evaluated at ``now``.
        now: The instant to measure the time left from.
        within: How far ahead to look.
        overdue: Also return a clock already past due and still running.
    """
    expect(report, SLAReport, arg="report", want="an SLAReport from PolicySet.evaluate")
    now = to_aware(now, field="now")
    within = expect(within, _dt.timedelta, arg="within", want="a timedelta such as 30 minutes")
    clock: MetricResult | None = report.next_due
    due = None if clock is None else clock.due_at
    if clock is not None and due is not None and due - now <= within:
        return Risk(report.ticket_id, clock.policy, clock.metric, due, due - now, "active", report)
    if overdue:
        late = [(c.due_at, c) for c in report.overdue if c.due_at is not None]
        if late:
            due, clock = min(late, key=lambda pair: pair[0])
            return Risk(
                report.ticket_id, clock.policy, clock.metric, due, due - now, "breached", report
            )
    return None


def at_risk(
    tickets: Iterable[Any],
    policies: Any,
    *,
    now: Any = None,
    within: Any,
    overdue: bool = False,
    strict: bool = True,
) -> list[Risk]:
    """Return the open tickets whose next due time falls within ``within`` of ``now``.

    Only running, unpaused clocks that are not yet late count (a paused clock cannot
    breach while it waits on the customer). Each ticket appears once, with the clock
    that falls due first; the list is ordered by time left, soonest first.

    Args:
        tickets: Tickets or mappings (an export's rows).
        policies: A :class:`PolicySet` or a list of :class:`SLAPolicy`.
        now: The instant to judge at (aware datetime or ISO string); ``None``: the
            end of the export, as :meth:`PolicySet.evaluate_many`.
        within: How far ahead to look: a ``timedelta``, seconds or ``"30m"``.
        overdue: Also list tickets with a clock already past due and still running
            (``state == "breached"``, negative ``remaining``), first.
        strict: ``False`` reads tickets leniently (see ``evaluate_many``).

    Raises:
        InvalidValue: a negative ``within``.

    >>> import datetime as dt
    >>> from supportkit.sla import SLAPolicy, at_risk
    >>> chat = SLAPolicy("chat", {"first_response": "10m"}, None)
    >>> tickets = [{"id": "A", "created_at": "2024-10-07T10:00:00+03:00"},
    ...            {"id": "B", "created_at": "2024-10-07T10:08:00+03:00"}]
    >>> [(r.ticket_id, r.remaining.total_seconds())
    ...  for r in at_risk(tickets, [chat], now="2024-10-07T10:09:00+03:00", within="5m")]
    [('A', 60.0)]
    """
    window = parse_duration(within, field="within")
    if window < _dt.timedelta(0):
        raise InvalidValue(
            f"within must not be negative (got {within!r}); it is how far ahead to look.",
            field="within",
            value=within,
        )
    pset = _policies(policies)
    as_of = None if now is None else to_aware(now, field="now")
    out: list[Risk] = []
    for report in pset.evaluate_many(tickets, now=as_of, strict=strict):
        risk = risk_of(report, report.as_of, window, overdue=overdue)
        if risk is not None:
            out.append(risk)
    out.sort(key=lambda r: (r.remaining, str(r.ticket_id)))
    return out
