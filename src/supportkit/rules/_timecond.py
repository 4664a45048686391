"""Time conditions on the ticket's SLA clocks and waiting time (issue 20).

``{"sla": {"due_within": "30m"}}`` holds when a metric of the ticket's SLA report is
still open and due within 30 minutes of ``now``; ``{"sla": {"breached": true}}`` when
a metric is breached (``false``: none is); ``"metric"`` limits either to one metric.
``{"waiting": {"more_than": "4h", "calendar": "office"}}`` holds when the customer has
been waiting for an answer longer than that, counted in the calendar's working time
(elapsed time without a calendar). The report comes from the public
:meth:`supportkit.sla.PolicySet.evaluate`, read through ``due_at``, ``achieved_at``,
``breached`` and ``state`` only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Final

import attrs

from supportkit._ticket import Ticket
from supportkit._time import to_aware
from supportkit.exceptions import (
    InvalidArgument,
    InvalidRule,
    InvalidTicket,
    SupportkitError,
    UnknownReference,
)
from supportkit.sla import METRICS, parse_duration

__all__ = ["Clock", "SlaCondition", "WaitCondition", "parse_sla", "parse_waiting", "waiting_since"]

_OPEN: Final = ("active", "paused", "running")  # "running": 0.1's name for "active"


def _duration(value: Any, where: str) -> dt.timedelta:
    try:
        duration = parse_duration(value, field=where)
    except SupportkitError as exc:
        raise InvalidRule(str(exc), field=where, value=value) from exc
    if duration <= dt.timedelta(0):
        raise InvalidRule(
            f"{where} must be a positive duration such as '30m' or '4h' (got {value!r}).",
            field=where,
            value=value,
        )
    return duration


def _text(delta: dt.timedelta) -> str:
    seconds = int(delta.total_seconds())
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return "".join(f"{n}{u}" for n, u in ((h, "h"), (m, "m"), (s, "s")) if n) or "0s"


@attrs.frozen
class SlaCondition:
    """``{"sla": {...}}``: a condition on the ticket's SLA report at ``now``."""

    due_within: dt.timedelta | None = None
    breached: bool | None = None
    metric: str | None = None
    source: tuple[tuple[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form, as written."""
        return dict(self.source)

    def check(self, report: Any, now: dt.datetime) -> tuple[bool, str]:
        """Whether the condition holds for ``report`` (``None``: no SLA), and why."""
        if report is None:
            return False, "no SLA policy applies to the ticket"
        results = [r for name, r in report.metrics.items() if self.metric in (None, name)]
        held = True
        why: list[str] = []
        if self.breached is not None:
            late = [r.metric for r in results if r.breached]
            held = bool(late) == self.breached
            why.append(f"breached: {', '.join(late)}" if late else "nothing breached")
        if self.due_within is not None:
            horizon = now + self.due_within
            soon = [
                r
                for r in results
                if r.state in _OPEN
                and not r.breached
                and r.achieved_at is None
                and r.due_at is not None
                and now <= r.due_at <= horizon
            ]
            held = held and bool(soon)
            why.append(
                ", ".join(f"{r.metric} due at {r.due_at.isoformat()}" for r in soon)
                if soon
                else f"nothing open is due by {horizon.isoformat()}"
            )
        return held, "; ".join(why)


@attrs.frozen
class WaitCondition:
    """``{"waiting": {...}}``: the customer has waited longer than ``more_than``."""

    more_than: dt.timedelta
    calendar: str | None = None
    source: tuple[tuple[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form, as written."""
        return dict(self.source)

    def check(self, ticket: Ticket, now: dt.datetime, calendar: Any) -> tuple[bool, str]:
        """Whether the customer has waited longer than ``more_than`` at ``now``, and why."""
        since = waiting_since(ticket, now)
        if since is None:
            return False, "the customer is not waiting (answered, or no created_at)"
        waited = now - since if calendar is None else calendar.between(since, now)
        kind = "elapsed" if calendar is None else f"working time of {self.calendar!r}"
        return waited > self.more_than, (
            f"waiting since {since.isoformat()}: {_text(waited)} {kind}, "
            f"limit {_text(self.more_than)}"
        )


class Clock:
    """``now`` and the SLA policies of one evaluation; the SLA report is made once."""

    __slots__ = ("_done", "_report", "now", "policies")

    def __init__(self, now: dt.datetime, policies: Any) -> None:
        self.now = now
        self.policies = policies
        self._report: Any = None
        self._done = False

    def report(self, ticket: Ticket) -> Any:
        """The ticket's :class:`supportkit.sla.SLAReport` at ``now`` (``None``: no SLA)."""
        if not self._done:
            self._done = True
            try:
                self._report = self.policies.evaluate(ticket, now=self.now)
            except InvalidTicket:  # no created_at, or now before it: no clock runs
                self._report = None
        return self._report


def make_clock(
    needs_now: tuple[str, bool] | None, needs_policies: str | None, now: Any, policies: Any
) -> Clock | None:
    """The :class:`Clock` of one evaluation, after checking what the rules need.

    Args:
        needs_now: The first rule with a time condition and whether it is ``sla``.
        needs_policies: The first rule with an ``sla`` condition.

    Raises:
        InvalidArgument: ``now`` missing for a rule set with time conditions, or
            ``policies`` missing for one with ``sla`` conditions.
    """
    if needs_now is None:
        return None if now is None else Clock(to_aware(now, field="now"), policies)
    if now is None:
        rule_id, is_sla = needs_now
        raise InvalidArgument(
            f"rule {rule_id!r} has a{'n sla' if is_sla else ' waiting'} condition, which is "
            "judged at a moment: pass now= (an aware datetime or ISO text).",
            field="now",
            value=None,
        )
    if needs_policies is not None and not callable(getattr(policies, "evaluate", None)):
        raise InvalidArgument(
            f"rule {needs_policies!r} has an sla condition: pass policies= (a "
            f"supportkit.sla.PolicySet) (got {type(policies).__name__}).",
            field="policies",
            value=policies,
        )
    return Clock(to_aware(now, field="now"), policies)


def waiting_since(ticket: Ticket, now: dt.datetime) -> dt.datetime | None:
    """Since when the customer has been waiting for an agent at ``now`` (``None``: not).

    The wait starts at ``created_at`` or the first customer reply after the last agent
    reply; an agent reply after every customer message ends it.
    """
    if ticket.created_at is None or ticket.created_at > now:
        return None
    since: dt.datetime | None = ticket.created_at
    for event in ticket.events:
        if event.at > now or event.type != "reply":
            continue
        if event.by == "agent":
            since = None
        elif event.by == "customer" and since is None:
            since = event.at
    return since


def _mapping(raw: Any, where: str, example: str, known: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping) or not raw:
        raise InvalidRule(
            f"{where} must be an object such as {example} (got {raw!r}).", field=where, value=raw
        )
    for key in raw:
        if key not in known:
            raise InvalidRule(
                f"{where}.{key} is not a known key; known keys are {list(known)}.",
                field=f"{where}.{key}",
                value=raw[key],
            )
    return raw


def parse_sla(raw: Any, where: str) -> SlaCondition:
    """Read ``{"due_within": "30m", "breached": true, "metric": "first_response"}``."""
    data = _mapping(raw, where, '{"due_within": "30m"}', ("breached", "due_within", "metric"))
    if "due_within" not in data and "breached" not in data:
        raise InvalidRule(
            f"{where} needs 'due_within' (such as '30m') or 'breached' (true or false).",
            field=where,
            value=raw,
        )
    breached = data.get("breached")
    if breached is not None and not isinstance(breached, bool):
        raise InvalidRule(
            f"{where}.breached must be true or false (got {breached!r}).",
            field=f"{where}.breached",
            value=breached,
        )
    metric = data.get("metric")
    if metric is not None and metric not in METRICS:
        raise InvalidRule(
            f"{where}.metric must be one of {list(METRICS)} (got {metric!r}).",
            field=f"{where}.metric",
            value=metric,
        )
    due = data.get("due_within")
    return SlaCondition(
        due_within=None if due is None else _duration(due, f"{where}.due_within"),
        breached=breached,
        metric=metric,
        source=tuple(data.items()),
    )


def parse_waiting(raw: Any, where: str, calendars: Mapping[str, Any]) -> WaitCondition:
    """Read ``{"more_than": "4h", "calendar": "office"}``."""
    data = _mapping(raw, where, '{"more_than": "4h"}', ("calendar", "more_than"))
    if "more_than" not in data:
        raise InvalidRule(
            f"{where} needs 'more_than', a duration such as '4h'.", field=where, value=raw
        )
    name = data.get("calendar")
    if name is not None:
        if not isinstance(name, str) or name not in calendars:
            raise UnknownReference(
                f"{where}.calendar names calendar {name!r}, which this rule set does not "
                f"have (known: {sorted(calendars)}); declare it under 'calendars'.",
                field=f"{where}.calendar",
                value=name,
            )
        if not callable(getattr(calendars[name], "between", None)):
            raise InvalidRule(
                f"{where}.calendar {name!r} cannot measure working time (it has no "
                "between(start, end)); use a supportkit.sla.WorkCalendar.",
                field=f"{where}.calendar",
                value=name,
            )
    return WaitCondition(
        more_than=_duration(data["more_than"], f"{where}.more_than"),
        calendar=name,
        source=tuple(data.items()),
    )
